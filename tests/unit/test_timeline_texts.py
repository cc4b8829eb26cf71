"""A crisis's timeline in Russian: each form the services write an entry in (assistance,
the official request and the members' answers, alerts, plans and their decision) is
written again in Russian, with what people wrote left as they wrote it; English keeps
its words, a key by its label ("military (CRRF)", never "military_crrf"). (The entries
of a whole crisis through the page: tests/integration/test_forces.py.)"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.web.i18n.plantexts import plan_text
from phalanx.web.i18n.timeline import notice_text, timeline_text

ENGLISH = re.compile(r"\b(requests|offers|accepted|declined|offer|official|request|for \d+ "
                     r"days|forces or means|other assistance|minister|notified|units|conditions|"
                     r"plan|proposed|decided|movements|uncovered|gap|move|home|from|"
                     r"severity|area|title|text updated|no change|alert|cancelled|closing|"
                     r"convened|session|decision|notice|Consultations|Emergency)\b")

ENTRIES = [
    "KAZ requests 40 t of flour",
    "RUS offers 20 (supplies: tents): field tents for 400",
    "RUS offers 1 (aid): a field hospital",
    "KAZ offers 800 (units: crdf-kaz-1, crdf-kaz-2): to guard the airport",
    "ARM offers 200 (units: 200 motorized_rifle): to guard the airport",
    "KGZ accepted the offer of RUS",
    "KGZ declined the offer of BLR",
    "official request of KGZ (the President, head of state), Treaty art. 4: humanitarian, "
    "military_crrf — the CRRF, for 30 days",
    "official request of TJK (the Minister, defence minister), Treaty art. 4: "
    "humanitarian",
    "RUS: forces — two battalions",
    "BLR: declined",
    "UN Security Council notified (S/2026/123)",
    "UN Security Council notified",
    "KAZ: units some (crdf-kaz-1); conditions: in the region only",
    "ARM: units none",
    "deployment plan 4 proposed: 7 movements, 1 uncovered, gap 12.5%",
    "deployment plan 5 proposed: 7 movements, 2 uncovered, gap n/a",
    "deployment plan 4 decided: 7 units move",
    "withdrawal plan 6 proposed: 7 units home from 12-05 10:00 to 12-06 08:30",
    "withdrawal plan 6 decided: 7 units move home",
    "CAP Update KG-123 (2026-12-01T10:00:00+06:00): severity severe → extreme; area Osh → "
    "Batken; text updated; title → Flood",
    "CAP Update KG-124 (2026-12-01T11:00:00+06:00): no change",
    "CAP Cancel KG-125 (2026-12-01T12:00:00+06:00): the alert is cancelled; closing is "
    "proposed — sent in error",
    "consultations convened: Consultations on crisis 3: Flood in Osh",
    "consultations convened (session 9)",
    "session convened: Extraordinary session",
    "session convened: Emergency session on crisis 3: Flood in Osh",
    "decision CSC-2026-003: On collective assistance",
    "notice to the UN Security Council opened (UN Charter art. 51)",
    "KAZ withdrew its official request of 2022-01-05 21:00 UTC at 2022-01-13 07:00 UTC — "
    "the mission is accomplished",
    "KAZ withdrew its official request of 2022-01-05 21:00 UTC at 2022-01-13 07:00 UTC",
    "the mandate of CSC-2022-001 ended on 2022-01-19 20:00 UTC with 3 unit(s) of the "
    "decided deployment still out and no decided way home; escalated to the Secretary "
    "General and the chair",
]


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_form_in_russian(entry: str) -> None:
    out = timeline_text(entry, "ru")
    for written in ("flour", "tents", "field tents for 400", "a field hospital",
                    "the President", "the Minister", "the CRRF", "two battalions",
                    "in the region only", "sent in error", "Flood in Osh", "Flood",
                    "Extraordinary session", "On collective assistance",
                    "the mission is accomplished"):
        out = out.replace(written, "")  # what people wrote stays as they wrote it
    assert not ENGLISH.search(out), (entry, timeline_text(entry, "ru"))
    english = timeline_text(entry, "en")
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", english), english  # no key
    for written in ("flour", "field tents for 400", "the President", "the CRRF",
                    "two battalions", "in the region only", "sent in error", "Flood in Osh",
                    "On collective assistance", "S/2026/123", "to guard the airport",
                    "the mission is accomplished"):
        assert (written in english) == (written in entry), english
    # a registry unit by its name, never its key (unnamed when no name is given: one the
    # reader may not see)
    assert "crdf-kaz" not in english and "crdf-kaz" not in timeline_text(entry, "ru")


def test_english_names_the_keys_by_their_labels() -> None:
    assert timeline_text(
        "official request of KAZ (K.-J. Tokayev, head of state), Treaty art. 4: "
        "military_peacekeeping — forces to guard strategic sites, for 30 days", "en") == (
        "official request of KAZ (K.-J. Tokayev, head of state), Treaty art. 4: "
        "military (peacekeeping) — forces to guard strategic sites, for 30 days")
    assert timeline_text("measures: military_crrf, humanitarian", "en") == \
        "measures: military (CRRF), humanitarian"
    assert timeline_text("KAZ: units all", "en") == "KAZ: all units"
    assert timeline_text("RUS: forces — two battalions", "en") == \
        "RUS: forces or means offered — two battalions"
    # a key that reads as its label stays as it is written
    assert timeline_text("Extraordinary session on crisis 3: Flood", "en") == \
        "Extraordinary session on crisis 3: Flood"
    assert timeline_text("Crisis 3: no_action", "en") == "Crisis 3: no action"
    assert timeline_text("a reason someone wrote", "en") == "a reason someone wrote"


def test_numbers_labels_and_nested_parts() -> None:
    assert timeline_text("deployment plan 4 proposed: 7 movements, 1 uncovered, gap 12.5%",
                         "ru") == ("предложен план развёртывания 4: перемещений: 7, "
                                   "не обеспечено: 1, отрыв 12,5%")
    assert timeline_text("KAZ: units some (crdf-kaz-1); conditions: in the region only",
                         "ru") == ("KAZ: некоторые подразделения (подразделение с "
                                   "ограниченным доступом); условия: in the region only")
    # a moment of the year day first, as a Russian reader reads it (not "12-05": 12 May)
    assert "с 05.12 10:00 по 06.12 08:30" in timeline_text(
        "withdrawal plan 6 proposed: 7 units home from 12-05 10:00 to 12-06 08:30", "ru")
    assert "12-05 10:00" in timeline_text(
        "withdrawal plan 6 proposed: 7 units home from 12-05 10:00 to 12-06 08:30", "en")
    assert "05.01.2022 21:00 UTC" in timeline_text(
        "KAZ withdrew its official request of 2022-01-05 21:00 UTC at 2022-01-13 07:00 UTC",
        "ru")
    assert timeline_text("a reason someone wrote", "ru") == "a reason someone wrote"
    odd = "deployment plan 1 proposed: 7 movements, 0 uncovered, gap 1.2.3%"
    assert timeline_text(odd, "ru") == odd  # not a form: shown as it is


@pytest.mark.parametrize(("entry", "russian"), [
    ("stage reported overdue by 15 min; escalated to the Secretary General and the chair",
     "этап «сообщено» просрочен на 15 мин; доведено до Генерального секретаря и "
     "председателя"),
    ("the notice to the UN Security Council (UN Charter art. 51) overdue by 30 min; "
     "escalated to the Secretary General and the chair",
     "уведомление Совета Безопасности ООН (ст. 51 Устава ООН) просрочено на 30 мин; "
     "доведено до Генерального секретаря и председателя"),
    ("[EXERCISE] Crisis reported: Flood in Osh", "[УЧЕНИЯ] Сообщение о кризисе: Flood in Osh"),
    ("Crisis 4: decision", "Кризис 4: решение"),
    ("Overdue: crisis 4 (Flood in Osh)", "Просрочено: кризис 4 (Flood in Osh)"),
    # the notice of a stage reached without a reason: the crisis's title and the stage
    ("Flood in Osh: decision", "Flood in Osh: решение"),
    ("[EXERCISE] Flood in Osh: closed", "[УЧЕНИЯ] Flood in Osh: закрыт"),
    ("KAZ requests 2 units of a field hospital", "KAZ запрашивает: a field hospital, 2 ед."),
    ("measures: military_peacekeeping, humanitarian", "меры: миротворческие, гуманитарные"),
])
def test_the_notices_of_a_crisis(entry: str, russian: str) -> None:
    assert timeline_text(entry, "ru") == russian


@pytest.mark.parametrize(("lang", "shown"), [
    ("ru", "ответ KAZ по обязательству коллективной обороны просрочен на 21 ч 10 мин"),
    ("en", "the answer of KAZ under the obligation of collective defence overdue by "
           "21 h 10 min"),
])
def test_a_long_lateness_reads_in_hours_not_minutes(lang: str, shown: str) -> None:
    # stored as the escalation wrote it, in minutes; read in hours and minutes
    entry = ("the answer of KAZ under the obligation of collective defence overdue by "
             "1270 min")
    assert timeline_text(entry, lang) == shown


@given(st.text(max_size=80), st.sampled_from([e[:n] for e in ENTRIES for n in (0, 10, 30)]))
@settings(max_examples=300, deadline=None)
def test_any_text_is_shown_without_failing(text: str, start: str) -> None:
    """What people write goes into the entries (titles, conditions, reasons): whatever
    it is, the page shows something rather than failing."""
    for line in (text, start + text, text + " h late", "serves " + text):
        assert isinstance(timeline_text(line, "ru"), str)
        assert isinstance(plan_text(line, "ru"), str)


def test_the_organizations_names_in_a_line_read_as_its_file_gives_them() -> None:
    """A crisis's first notice names its category and treaty basis, and a session's
    default title its body, as the file writes them in English: with the file's texts
    they read in Russian, without them as written."""
    from phalanx.dataset.loader import builtin_path, read

    org = read(builtin_path())[0]
    cat = org.crisis_categories["armed_attack"]
    notice = (f"{cat.name_en} affecting KGZ, TJK. {cat.basis}. Consultations are due within "
              "60 minutes.")
    ru = timeline_text(notice, "ru", org.text_in("ru"))
    assert ru.startswith(f"{cat.name_ru}; затронуты: KGZ, TJK. {cat.basis_ru}")
    assert cat.name_en in timeline_text(notice, "ru")  # no file: the names as written
    title = "Collective Security Council: regular session, 2026-11-30"
    assert timeline_text(title, "ru", org.text_in("ru")) == (
        f"{org.bodies['csc'].name.ru}: заседание (очередное), 30.11.2026")
    assert timeline_text(title, "en", org.text_in("en")) == title


def test_registry_units_by_the_names_given() -> None:
    """An offer or an answer names registry units by key: each shows by the name the
    caller gives (the units the reader may see, in its language); one without a name as
    a restricted unit, never by its key."""
    names = {"crdf-kaz-1": "Air assault battalion"}
    offer = "KAZ offers 800 (units: crdf-kaz-1, crdf-kaz-2): to guard the airport"
    assert timeline_text(offer, "en", None, names) == (
        "KAZ offers 800 (units: Air assault battalion, a restricted unit): to guard the "
        "airport")
    assert timeline_text(offer, "ru", None, {"crdf-kaz-1": "Десантно-штурмовой батальон"}) \
        == ("KAZ предлагает 800 (подразделения: Десантно-штурмовой батальон, подразделение "
            "с ограниченным доступом): to guard the airport")
    assert timeline_text("KAZ: units some (crdf-kaz-1)", "en", None, names) == \
        "KAZ: some units (Air assault battalion)"
    assert timeline_text("ARM offers 200 (units: 200 motorized_rifle): more", "en") == \
        "ARM offers 200 (units: motorized rifle, 200): more"


def test_a_word_the_organizations_file_names_its_own_way() -> None:
    # the rapid-reaction measure after the organization's own force (`errors.own_labels`)
    own = {"measure:military_crrf": "military (DRF)"}
    assert timeline_text("measures: military_crrf, humanitarian", "en", None, own) == \
        "measures: military (DRF), humanitarian"
    ru = timeline_text("measures: military_crrf, humanitarian", "ru", None,
                       {"measure:military_crrf": "военные (СРД)"})
    assert "военные (СРД)" in ru and "КСОР" not in ru


@pytest.mark.parametrize("entry", [
    "draft 5 tabled: On collective assistance", "draft 5 adopted as decision CSC-2022-001",
    # adopted, its decision one the reader may not read (no number to name)
    "draft 5 adopted", "draft 5 returned", "draft 5 lapsed", "draft 5 closed"])
def test_the_drafts_of_a_crisis_s_file_in_russian(entry: str) -> None:
    out = timeline_text(entry, "ru").replace("On collective assistance", "")
    assert "проект 5" in out, out
    assert not re.search(r"\b(draft|tabled|adopted|decision|returned|lapsed|closed)\b",
                         out), out


@pytest.mark.parametrize("obligation", ["assistance", "collective defence"])
def test_the_notice_of_a_request_names_the_answers_due_in_russian(obligation: str) -> None:
    # the notice of an official request, as written now and as written before (when it
    # named the obligation of collective defence): a Russian reader reads it all in Russian
    line = (f"the answers of ARM, BLR, KAZ under the obligation of {obligation} are due by "
            "2026-12-06 12:42 UTC")
    out = timeline_text(line, "ru")
    assert out.startswith("ответы государств ARM, BLR, KAZ по обязательству"), out
    assert out.endswith("ожидаются до 06.12.2026 12:42 UTC"), out
    assert not re.search(r"\b(the|answers|under|obligation|due|by)\b", out), out
    assert timeline_text(line, "en") == line


def test_the_notice_of_a_request_keeps_its_paragraphs_apart_on_one_line() -> None:
    # the request, then the answers it makes due: two sentences, not one run together
    body = ("official request of KGZ (Sadyr Japarov, head of state), Treaty art. 4: "
            "humanitarian, military_crrf\n\nthe answers of ARM, KAZ under the obligation of "
            "assistance are due by 2026-12-06 12:42 UTC")
    ru = notice_text(body, "ru", limit=400)
    assert "военные (КСОР) · ответы государств ARM, KAZ" in ru, ru
    assert "military (CRRF) · the answers of ARM, KAZ" in notice_text(body, "en", limit=400)
