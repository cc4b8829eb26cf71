"""Both languages have exactly the same texts to show, and every key a template uses
exists."""

from __future__ import annotations

import re
from pathlib import Path

from phalanx.web.i18n import catalog

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "phalanx" / "web" / "templates"


def test_catalogs_have_the_same_keys() -> None:
    assert set(catalog("en")) == set(catalog("ru"))


def test_every_key_used_in_a_template_is_translated() -> None:
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        used |= {k for k in re.findall(r"\bt\('([a-z_]+)'", path.read_text(encoding="utf-8"))
                 if not k.endswith("_")}  # a prefix joined with a value in the template
    assert used, "no t('...') found: the pattern is stale"
    assert used - set(catalog("en")) == set()


def test_russian_texts_are_russian() -> None:
    ru = catalog("ru")
    assert ru["nav_members"] == "Члены"
    assert sum(1 for v in ru.values() if re.search("[а-яА-Я]", v)) > 0.8 * len(ru)
