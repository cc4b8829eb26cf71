"""The refusals the organization's staff meet read in Russian on a Russian page and in
the API's problem details asked for in Russian: the membership ledger (recording,
proposing, confirming membership events, the contributions ledger), the actions kept to
the Secretariat and the Joint Staff, exercises and registers, CAP feeds, users and API
tokens. Each message is written here as the services write it; values named by a label
(a membership event, a status, a role) show by their labels, dates in the language's
order or words, codes and keys as they are."""

from __future__ import annotations

import re

import pytest

from phalanx.domain.organization import EventKind, MembershipStatus
from phalanx.web.i18n import labeller
from phalanx.web.i18n.errors import _patterns, translate, validation_message
from phalanx.web.i18n.feed_texts import FEED_MESSAGES, FEED_TEMPLATES
from phalanx.web.i18n.staff_refusals import STAFF_MESSAGES, STAFF_TEMPLATES, USER_TEMPLATES
from tests.unit.staff_refusal_cases import CASES, LATIN_WORD, TECHNICAL


@pytest.mark.parametrize(("english", "russian"), CASES)
def test_a_staff_refusal_reads_in_russian(english: str, russian: str) -> None:
    shown = translate(english, "ru", labelled=True)
    assert shown == russian
    assert not LATIN_WORD.search(shown), shown


@pytest.mark.parametrize(("english", "russian"), TECHNICAL)
def test_a_feeds_error_quoting_a_library_reads_in_russian_around_it(english: str,
                                                                     russian: str) -> None:
    assert translate(english, "ru", labelled=True) == russian


@pytest.mark.parametrize(("english", "russian"), CASES[:3])
def test_the_api_in_russian_translates_them_too(english: str, russian: str) -> None:
    assert translate(english, "ru") == russian


def test_each_message_and_template_has_a_case() -> None:
    """Every message and template of the module is met by a case above or is one of
    the Secretariat's and the Joint Staff's actions (one shape, checked below)."""
    staff_acts = [m for m in STAFF_MESSAGES
                  if m.startswith("only the Secretariat and the Joint Staff ")]
    for message in (*STAFF_MESSAGES, *FEED_MESSAGES):
        shown = translate(message, "ru", labelled=True)
        assert shown != message and not LATIN_WORD.search(shown), message
    assert all("Секретариат и Объединённый штаб" in translate(m, "ru") for m in staff_acts)
    templates = {t for t in (*STAFF_TEMPLATES, *USER_TEMPLATES, *FEED_TEMPLATES) if t not in {
        "password: at most %(n)s characters",
        "agency: a reporter is bound to one agency (--agency KIND)"}}
    # each template is the one some case's English (or a refusal inside it) matches
    patterns = dict(_patterns())
    shown = [part for english, _ in (*CASES, *TECHNICAL)
             for part in (english, english.partition(": ")[2], *english.split("; "))]
    met = {t for t in templates if any(patterns[t].match(m) for m in shown)}
    assert templates - met == set()


def test_every_membership_event_and_status_has_a_russian_label() -> None:
    ru = labeller("ru")
    for kind in EventKind:
        assert re.search("[а-я]", ru("membership_event", kind.value)), kind
    for status in MembershipStatus:
        assert re.search("[а-я]", ru("member_status", status.value)), status


def test_a_forms_own_check_reads_in_russian() -> None:
    error = {"type": "value_error", "msg": "Value error, a feed is an http:// or https:// URL"}
    assert validation_message(error, "ru") == "адрес канала начинается с http:// или https://"
    assert validation_message(error, "en") == error["msg"]  # the API's English as it was
    unknown = {"type": "value_error", "msg": "Value error, something else"}
    assert validation_message(unknown, "ru") == unknown["msg"]


def test_the_api_keeps_the_services_english() -> None:
    message = "only the Secretariat records membership events"
    assert translate(message, "en") == message


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_refusal_of_the_membership_rules_reads_in_russian(kind: EventKind) -> None:
    """What the rules of membership say of an event, for every kind of event and every
    status a state may be in, as the ledger shows it (named by state and day)."""
    from datetime import date

    from phalanx.domain.membership import _refusal

    for status in (None, *MembershipStatus):
        english = f"KAZ on 2026-03-01: {_refusal(status, kind, date(1994, 4, 20))}"
        shown = translate(english, "ru", labelled=True)
        assert shown.startswith("KAZ, 01.03.2026: "), shown
        assert not LATIN_WORD.search(shown), shown


def test_a_new_users_problems_read_in_russian() -> None:
    """Every problem of an account refused whole, as the services list them."""
    from phalanx.domain.access.principal import Agency, Role
    from phalanx.services.identity import NewUser

    wrong = [NewUser("B o b", "short", Role.REPORTER, email="bob", language="de"),
             NewUser("bob", "x" * 70, Role.PLANNER, state="KAZ", agency=Agency.POLICE),
             NewUser("bob", "correct horse battery staple", Role.SYSTEM)]
    for user in wrong:
        problems = user.problems()
        assert problems
        shown = translate("; ".join(problems), "ru", labelled=True)
        assert not LATIN_WORD.search(shown.replace("B o b", "")), shown


def test_the_chairs_refusals_of_a_consultation_read_in_russian() -> None:
    """What the chair meets recording a head of state's answer or announcing too early
    (`Consultation.answer_problems`, `announce_problems`), as the API and the draft's
    page show it in Russian: every clause translated, times in figures."""
    from datetime import UTC, datetime

    from phalanx.domain.decisions.consensus import Position
    from phalanx.domain.decisions.consultation import Answer, Channel, Consultation

    opened = datetime(2026, 12, 6, 15, 56, tzinfo=UTC)
    c = Consultation("RUS", ("ARM", "KAZ", "RUS"), (), opened)

    def said(state: str, position: Position, at: datetime) -> str:
        problems = c.answer_problems(Answer(state, position, at, Channel.TELEPHONE, ""),
                                     now=opened.replace(hour=17))
        return translate("; ".join(problems), "ru", labelled=True)

    early = said("XYZ", Position.NOT_STATED, opened.replace(hour=7, minute=0))
    assert early == (
        "XYZ нет среди консультируемых государств-членов (ARM, KAZ, RUS); ответ должен "
        "содержать позицию; ответ датирован 06.12.2026 07:00 UTC, раньше начала "
        "консультаций (06.12.2026 15:56 UTC)")
    late = said("KAZ", Position.SUPPORT, datetime(2026, 12, 7, 7, 0, tzinfo=UTC))
    assert late == "ответ датирован 07.12.2026 07:00 UTC, то есть в будущем"
    [waiting] = c.announce_problems()
    assert translate(waiting, "ru", labelled=True) == (
        "ещё не получены ответы: ARM, KAZ, RUS; председатель объявляет решение, когда "
        "ответили все консультируемые государства-члены")
    for shown in (early, late, translate(waiting, "ru", labelled=True)):
        assert not LATIN_WORD.search(shown), shown
