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


def test_every_enumerated_value_has_a_label_in_both_languages() -> None:
    """label(group, value) never falls back to the raw value for the domain's
    enumerations the pages show."""
    from phalanx.domain.access.policy import Marking, OwnerKind
    from phalanx.domain.access.principal import Agency, Role
    from phalanx.domain.crisis.workflow import Measure, Stage
    from phalanx.domain.decisions.consensus import Outcome, Position, Standing
    from phalanx.domain.decisions.procedure import Mode, SessionKind

    groups = {"stage": Stage, "measure": Measure, "marking": Marking, "role": Role,
              "agency": Agency, "position": Position, "outcome": Outcome,
              "standing": Standing, "session_mode": Mode, "session_kind": SessionKind,
              "owner_kind": OwnerKind}
    en, ru = catalog("en"), catalog("ru")
    missing = [f"{g}.{v.value}" for g, enum in groups.items() for v in enum
               if f"{g}.{v.value}" not in en or f"{g}.{v.value}" not in ru]
    assert missing == []
    assert all(re.search("[а-яА-Я]", ru[f"stage.{s.value}"]) for s in Stage)


def test_russian_plurals_have_every_form() -> None:
    keys = {k.rsplit(".", 1)[0] for k in catalog("ru") if k.startswith("plural.")}
    assert keys
    for key in keys:
        assert {f"{key}.{f}" for f in ("one", "few", "many", "other")} <= set(catalog("ru"))
