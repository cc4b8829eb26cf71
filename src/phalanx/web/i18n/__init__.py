"""Translations of the page texts: one YAML catalog per language (en.yaml, ru.yaml) with
the same keys. Templates call `t("key")`; `name(obj)` picks `name` or `name_ru` of a
read model. To add a text: add the key to both catalogs (a test checks they match)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
LANGUAGES = ("en", "ru")


@cache
def catalog(lang: str) -> dict[str, str]:
    data = yaml.safe_load((HERE / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def translator(lang: str) -> Any:
    messages = catalog(lang if lang in LANGUAGES else "en")
    fallback = catalog("en")

    def t(key: str, **values: Any) -> str:
        text = messages.get(key) or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


def localized(lang: str) -> Any:
    def name(obj: Any, field: str = "name") -> str:
        if lang == "ru":
            value = getattr(obj, f"{field}_ru", None)
            if value:
                return str(value)
        return str(getattr(obj, field, "") or "")

    return name
