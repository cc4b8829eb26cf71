"""A scenario's texts in another language, kept beside it as data:
`exercises/<language>/<name>.yaml` holds `mark` (how the language marks an exercise's
records, "[УЧЕНИЯ]" for "[EXERCISE]") and `texts`, each English text of the scenario with
its translation (matched without the spaces and line ends around them):

    mark: "[УЧЕНИЯ]"
    texts:
      - en: Armed incursion in the Batken region
        ru: Вооружённое вторжение в Баткенской области

Run in that language (`phalanx exercise run NAME --language ru`) the exercise writes its
records in it: the crisis, the official requests, requests and offers, situation reports,
the stages' reasons and the review. A decision gets both: its English title and text, and
the translation as its Russian title and text (`title_ru`, `text_ru`). Every text of the
scenario needs a translation: one missing is refused, naming the inject, the field and the
line, and nothing is run. What the scenario compares with the real case (`reference`)
stays as written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# the fields of a scenario and its injects that are free text (the others are keys,
# codes, numbers and times)
TEXT_FIELDS = frozenset({
    "name", "description", "title", "place", "note", "text", "reference", "resource",
    "unit", "detail", "situation", "casualties", "needs", "review", "reason", "forces",
    "person", "conditions"})
# kept in English beside their Russian translation, which goes into the `_ru` field (a
# draft's two working languages); in another language they are translated in place
BOTH = {"decide": ("title", "text")}


class TextsError(ValueError):
    """The translations file is missing or not a mapping of texts; `where` says which."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(message)


def texts_path(scenario: Path, language: str) -> Path:
    return scenario.parent / language / scenario.name


def load_texts(scenario: Path, language: str) -> tuple[str, dict[str, str]]:
    """The mark and the translations of `scenario`'s texts into `language`."""
    path = texts_path(scenario, language)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TextsError(str(path), f"no {language} texts for {scenario.name}: this file "
                                    "is missing") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TextsError(f"{path}:{mark.line + 1}" if mark else str(path),
                         f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("mark"), str) \
            or not isinstance(raw.get("texts"), list):
        raise TextsError(str(path), f"needs `mark` (text) and `texts` (a list of `en` and "
                                    f"`{language}`)")
    out: dict[str, str] = {}
    for n, pair in enumerate(raw["texts"]):
        if not isinstance(pair, dict) or not all(
                isinstance(pair.get(k), str) and pair[k].strip() for k in ("en", language)):
            raise TextsError(str(path), f"texts.{n}: needs `en` and `{language}`, each a "
                                        "text")
        out[pair["en"].strip()] = pair[language].strip()
    return raw["mark"], out


def missing(raw: dict[str, Any], texts: dict[str, str]) -> list[tuple[int | None, str, str]]:
    """Each text of the scenario `raw` (as read from YAML) with no translation: the
    inject's index (None: the scenario's own field), the field and the text."""
    out: list[tuple[int | None, str, str]] = [
        (None, k, raw[k]) for k in ("name", "description")
        if isinstance(raw.get(k), str) and raw[k].strip() not in texts]
    for n, inject in enumerate(raw.get("injects") or []):
        if isinstance(inject, dict):
            out += [(n, k, v) for k, v in inject.items()
                    if k in TEXT_FIELDS and isinstance(v, str) and v.strip() not in texts]
    return out


def _tr(texts: dict[str, str], value: str) -> str:
    return texts.get(value.strip(), value)


def translated(raw: dict[str, Any], language: str, mark: str, texts: dict[str, str]
               ) -> dict[str, Any]:
    """The scenario `raw` with its texts translated into `language` (those without a
    translation kept: `missing` says which), with its language and mark."""
    out = {k: _tr(texts, v) if k in ("name", "description") and isinstance(v, str) else v
           for k, v in raw.items()}
    injects = []
    for inject in raw.get("injects") or []:
        if not isinstance(inject, dict):
            injects.append(inject)
            continue
        kept = BOTH.get(str(inject.get("do")), ()) if language == "ru" else ()
        new = {k: v if k in kept else _tr(texts, v)
               if k in TEXT_FIELDS and isinstance(v, str) else v for k, v in inject.items()}
        new |= {f"{k}_ru": _tr(texts, inject[k]) for k in kept
                if isinstance(inject.get(k), str)}
        injects.append(new)
    out["injects"] = injects
    out["language"], out["mark"] = language, mark
    return out
