"""The words of the register and its votes on a Russian page: every label of an
enumerated value has its Russian text (a label whose context differs from its group is
never found, and shows in English), the reason of a vote by qualified majority names its
base in Russian, a draft revised under silence is a new "редакция" as under the other
procedures, an agreement modified by a later one names it after a colon (its title
stays in the nominative), and the city where the Secretariat sits (beside a deadline)
has its Russian name even where the organization's file gives none."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from phalanx.web.i18n import LOCALE_DIR, labeller
from phalanx.web.i18n.errors import translate
from phalanx.web.i18n.labels import LABELS

PO = LOCALE_DIR / "ru" / "LC_MESSAGES" / "messages.po"


def test_every_label_reads_in_russian() -> None:
    ru = labeller("ru")
    english = [f"{group}.{key}: {text}" for group, values in LABELS.items()
               for key, text in values.items()
               if ru(group, key) == text and re.search("[A-Za-z]{2}", text)]
    assert english == []


@pytest.mark.parametrize(("base", "russian"), [
    ("votes cast", "поданных голосов"),
    ("members present", "присутствующих членов"),
    ("all members", "всех членов"),
])
def test_a_qualified_majoritys_reason_names_its_base_in_russian(base: str,
                                                                 russian: str) -> None:
    reason = f"adopted; qualified majority, 2/3 of {base}: 6 of 7 votes in favour, 5 needed"
    shown = translate(reason, "ru", labelled=True)
    assert shown == (f"принято; квалифицированное большинство, 2/3 {russian}: "
                     "за — 6 из 7 голосов, требуется 5")


def _russian(msgid: str, context: str | None = None) -> str:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="ru")
    message = catalog.get(msgid, context=context)
    assert message is not None, msgid
    return str(message.string)


def test_a_revised_text_is_a_new_redaktsiya_under_every_procedure() -> None:
    texts = [_russian(f"The revised text becomes version %(number)s and {rest}") for rest in (
        "goes round again under silence, to the same deadline.",
        "goes round for signature again, from the first signatory.",
        "the draft is open again: the members state their positions on it.")]
    assert all(t.startswith("Доработанный текст становится редакцией %(number)s") for t in texts)


def test_a_later_agreement_is_named_after_a_colon_a_later_decision_in_its_case() -> None:
    ru = labeller("ru")
    assert [ru("agreement_effected", e) for e in ("amends", "extends")] == [
        "изменено:", "продлено:"]
    assert _russian("decision", "modified_by") == "решением"
    assert _russian("decision", "modifies") == "решение"


def test_the_seats_city_in_the_readers_language() -> None:
    from phalanx.web.pages.render import seat_city

    assert seat_city("Europe/Vienna", None, "ru") == "Вена"
    assert seat_city("Europe/Vienna", None, "en") == "Vienna"
    own = {"Moscow": "Москва (штаб-квартира)"}
    assert seat_city("Europe/Moscow", lambda text: own.get(text, text), "ru") == \
        "Москва (штаб-квартира)"  # the file's own name first
    assert seat_city("Nowhere/Atlantis", None, "ru") == "Atlantis"


def test_the_registers_headings_name_what_is_in_force() -> None:
    # "Действие" alone reads as an action; the filter names the day it asks for
    assert _russian("In force") == "Действие решения"
    assert _russian("In force on") == "Действующие на дату"
