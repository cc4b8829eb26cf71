"""The translations (gettext through Babel): the template is up to date with the
sources, every message has a Russian text, every enumerated value has a label, and the
plural, date and number formats follow the language's CLDR rules."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from phalanx.web.i18n import (
    LOCALE_DIR,
    accepted_language,
    compile_catalog,
    day_text,
    labeller,
    long_date,
    moment_text,
    number,
    plurals,
    texts_for,
    translator,
)
from phalanx.web.i18n.labels import LABELS

ROOT = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po"
POT = LOCALE_DIR / "messages.pot"


def _ids(path: Path) -> set[tuple[str | None, str]]:
    with path.open("rb") as f:
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0])
                for m in read_po(f) if m.id}


def test_the_template_is_up_to_date_with_the_sources(tmp_path: Path) -> None:
    """`make i18n` was run after the last change of a text."""
    out = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                    "-F", "babel.cfg", "-k", "L_:1c,2", "--no-location", "-o", str(out),
                    "src"], cwd=ROOT, check=True, capture_output=True)
    extracted, committed = _ids(out), _ids(POT)
    assert extracted - committed == set(), "new texts: run `make i18n` and translate"
    assert committed - extracted == set(), "texts gone from the sources: run `make i18n`"
    assert len(extracted) > 500


def test_every_message_has_a_russian_text() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ru")
    assert _ids(PO) >= _ids(POT)
    missing = [m.id for m in catalog if m.id and (
        m.fuzzy or not (all(m.string) if isinstance(m.id, tuple) else m.string))]
    assert missing == []
    plural = [m for m in catalog if isinstance(m.id, tuple)]
    assert plural and all(len(m.string) == 3 for m in plural)  # one, few, many
    texts = [m.string for m in catalog if m.id and isinstance(m.id, str)]
    assert sum(1 for s in texts if re.search("[а-яА-Я]", s)) > 0.8 * len(texts)


def test_the_checker_fails_on_an_untranslated_message(tmp_path: Path) -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="ru")
    catalog.add("Members", "Члены")
    catalog.add("Agenda", "")
    catalog.add("Stage", "Стадия", flags=["fuzzy"])
    missing = [m.id for m in catalog if m.id and (m.fuzzy or not m.string)]
    assert missing == ["Agenda", "Stage"]


def test_russian_texts() -> None:
    _ = translator("ru")
    assert _("Members") == "Члены"
    assert translator("en")("Members") == "Members"
    assert "2000" in _("Members on %(day)s", day="2000")


def test_a_stale_compiled_catalog_is_compiled_again() -> None:
    mo = compile_catalog("ru")
    assert mo.stat().st_mtime >= PO.stat().st_mtime
    mo.unlink()
    assert compile_catalog("ru").exists()


def test_a_read_only_installation_compiles_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from phalanx.web import i18n

    def read_only(lang: str) -> Path:
        raise PermissionError("read-only")

    monkeypatch.setattr(i18n, "compile_catalog", read_only)
    i18n.translations.cache_clear()
    try:
        assert i18n.translator("ru")("Members") == "Члены"
    finally:
        i18n.translations.cache_clear()


@pytest.mark.parametrize(("n", "text"), [
    (1, "1 дело ждёт вас"), (3, "3 дела ждут вас"), (5, "5 дел ждут вас"),
    (11, "11 дел ждут вас"), (21, "21 дело ждёт вас"), (22, "22 дела ждут вас"),
    (112, "112 дел ждут вас")])
def test_russian_plural_rule(n: int, text: str) -> None:
    assert plurals("ru")("%(num)d thing awaits you", "%(num)d things await you", n) == text


def test_dates_and_numbers() -> None:
    assert long_date(date(2000, 1, 1), "en") == "1 January 2000"
    assert long_date(date(2000, 1, 1), "ru") == "1 января 2000 г."
    assert number(12345.5, "en") == "12,345.5"
    assert number(12345.5, "ru").replace("\xa0", " ") == "12 345,5"
    assert number(12345.5, "en", 2) == "12,345.50" and number(12345.5, "en", 0) == "12,346"


def test_a_number_beyond_a_decimals_digits_is_written_in_scientific_notation() -> None:
    """A figure someone typed (a timeline entry's "1111…1 h late") may have more digits
    than a decimal holds: it is shown, not a failure of the page."""
    huge = float("1" * 28)
    assert number(huge, "en") == "1.111111111111111E27"
    assert number(huge, "ru") == "1,111111111111111E27"
    from phalanx.web.i18n.timeline import timeline_text

    assert timeline_text("1" * 28 + " h late", "ru")


def test_dates_and_moments_in_figures_in_the_languages_order() -> None:
    """A table's date and a moment: ISO order on an English page, day first on a Russian
    one, where "12-03 09:30" would read as the 12th of March."""
    at = datetime(2026, 12, 3, 9, 30, 15)
    assert day_text(date(2026, 12, 3), "en") == "2026-12-03"
    assert day_text(date(2026, 12, 3), "ru") == day_text("2026-12-03", "ru") == "03.12.2026"
    assert day_text("2014", "ru") == "2014"  # a year alone, as it is
    assert moment_text(at, "en") == "2026-12-03 09:30"
    assert moment_text(at, "ru") == "03.12.2026 09:30"
    assert moment_text(at, "en", short=True) == "12-03 09:30"
    assert moment_text(at, "ru", short=True) == "03.12 09:30"
    assert moment_text("2026-12-03T09:30:15+00:00", "ru", seconds=True) == "03.12.2026 09:30:15"


@pytest.mark.parametrize(("n", "text"), [(1, "1 день"), (3, "3 дня"), (5, "5 дней"),
                                         (21, "21 день"), (111, "111 дней")])
def test_days_overdue_in_russian(n: int, text: str) -> None:
    assert plurals("ru")("%(num)d day", "%(num)d days", n) == text


def test_a_reported_quantity_is_written_in_its_unit_and_the_languages_format() -> None:
    """A count (persons, rounds, cases) is whole and carries no unit: the metric says
    what is counted; a mass or a volume keeps its unit and its decimals."""
    from phalanx.services.texts import ENGLISH

    en, ru = texts_for("en"), texts_for("ru")
    assert en.quantity(1041.0, "count") == "1,041" == ENGLISH.quantity(1041.0, "count")
    assert ru.quantity(1041.0, "count") == "1\xa0041"
    assert en.quantity(20454.184, "kg") == "20,454.18 kg"
    assert ru.quantity(20454.184, "kg") == "20\xa0454,18 кг"
    assert ru.quantity(245000, "kg", 0) == "245\xa0000 кг" and en.quantity(2.5, "l") == "2.50 l"


def test_every_enumerated_value_has_a_label_in_both_languages() -> None:
    """label(group, value) never falls back to the raw value for the domain's
    enumerations the pages show."""
    from phalanx.domain.access.policy import Marking, OwnerKind
    from phalanx.domain.access.principal import Agency, Role
    from phalanx.domain.crisis.workflow import Measure, Stage
    from phalanx.domain.decisions.consensus import Outcome, Position, Standing
    from phalanx.domain.decisions.lifecycle import Effect, Start, Status
    from phalanx.domain.decisions.procedure import Mode, SessionKind

    groups = {"stage": Stage, "measure": Measure, "marking": Marking, "role": Role,
              "agency": Agency, "position": Position, "outcome": Outcome,
              "standing": Standing, "session_mode": Mode, "session_kind": SessionKind,
              "owner_kind": OwnerKind, "in_force_status": Status, "act_effect": Effect,
              "act_effected": Effect, "act_scheduled": Effect, "act_start": Start}
    missing = [f"{g}.{v.value}" for g, enum in groups.items() for v in enum
               if v.value not in LABELS.get(g, {})]
    assert missing == []
    ru = labeller("ru")
    assert all(re.search("[а-яА-Я]", ru("stage", s)) for s in Stage)
    assert ru("nosuchgroup", "in_person") == "in person"


@pytest.mark.parametrize(("header", "lang"), [
    ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
    ("en-US,en;q=0.9,ru;q=0.8", "en"),
    ("fr, ru;q=0.5", "ru"),  # the first it has
    ("en;q=0.1, RU-ru;q=0.9", "ru"),  # by weight, whatever the case
    ("ru;q=0, en;q=0.2", "en"),  # q=0: not wanted
    ("ru;q=abc, en", "en"),  # a malformed weight asks for nothing
    ("de", None), ("*", None), ("", None), (",,;;q=,", None),
])
def test_the_browsers_language(header: str, lang: str | None) -> None:
    assert accepted_language(header) == lang


def test_no_text_to_translate_hides_in_an_f_string() -> None:
    """pybabel does not look inside an f-string's expressions: a `_("...")` there never
    reaches messages.pot, and the page shows it in English."""
    import ast

    hidden = []
    for path in sorted((ROOT / "src" / "phalanx").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                            and inner.func.id in ("_", "ngettext", "N_", "L_")):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, hidden
