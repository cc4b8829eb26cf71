"""Forces go onto a member's territory only at that member's request
(`domain/crisis/authority.py`, `host_problems`; DOMAIN §7: Treaty art. 4 assistance at
the request of the attacked state, peacekeeping on a member's territory on its official
request): in a crisis affecting two members, one member's request does not cover the
other's territory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from phalanx.domain.crisis.authority import (
    DecisionBasis,
    OfficialRequest,
    authority_problems,
    forces_measures,
    host_problems,
)
from phalanx.domain.crisis.workflow import Measure

PK, CRRF = Measure.MILITARY_PEACEKEEPING, Measure.MILITARY_CRRF
HUMANITARIAN = Measure.HUMANITARIAN
AFFECTED = ["KGZ", "TJK"]  # a border clash
KGZ_ASKS = OfficialRequest("KGZ", datetime(2026, 3, 1, 6, tzinfo=UTC), "Treaty art. 4",
                           frozenset({CRRF, PK}))
TJK_ASKS = OfficialRequest("TJK", datetime(2026, 3, 2, 9, tzinfo=UTC), "Treaty art. 4",
                           frozenset({CRRF}))
NOT_ASKED = ("military_crrf: the place lies on the territory of TJK, which has not asked "
             "for it: forces go onto a member's territory only at that member's request (an "
             "affected state's request covers its own territory only)")


def test_one_members_request_covers_its_own_territory_only() -> None:
    assert host_problems("KGZ", [CRRF], [KGZ_ASKS], AFFECTED) == []
    assert host_problems("TJK", [CRRF], [KGZ_ASKS], AFFECTED) == [NOT_ASKED]
    # peacekeeping on a member's territory too, each measure named
    assert host_problems("TJK", [CRRF, PK], [KGZ_ASKS], AFFECTED) == [
        NOT_ASKED, NOT_ASKED.replace("military_crrf", "military_peacekeeping")]
    # a measure that needs no request needs none anywhere
    assert host_problems("TJK", [HUMANITARIAN], [], AFFECTED) == []


def test_the_other_members_request_arriving_later_covers_its_territory_from_then() -> None:
    requests = [KGZ_ASKS, TJK_ASKS]
    assert host_problems("TJK", [CRRF], requests, AFFECTED) == []
    # it asks for the CRRF, not for peacekeepers
    assert host_problems("TJK", [PK], requests, AFFECTED) == [
        NOT_ASKED.replace("military_crrf", "military_peacekeeping")]


def test_a_withdrawn_request_covers_its_territory_no_more() -> None:
    gone = replace(TJK_ASKS, withdrawn_at=datetime(2026, 3, 9, 12, tzinfo=UTC))
    named = ("military_crrf: the place lies on the territory of TJK, whose official request "
             "of 2026-03-02 09:00 UTC was withdrawn on 2026-03-09 12:00 UTC: forces go onto a "
             "member's territory only at its request")
    assert host_problems("TJK", [CRRF], [KGZ_ASKS, gone], AFFECTED) == [named]
    # before the withdrawal it stood
    assert host_problems("TJK", [CRRF], [KGZ_ASKS, gone], AFFECTED,
                         at=gone.withdrawn_at - timedelta(minutes=1)) == []
    # KGZ's own territory keeps its own request
    assert host_problems("KGZ", [CRRF], [KGZ_ASKS, gone], AFFECTED) == []
    # a later request of the same state counts again
    again = replace(TJK_ASKS, at=datetime(2026, 3, 10, tzinfo=UTC))
    assert host_problems("TJK", [CRRF], [KGZ_ASKS, gone, again], AFFECTED) == []


def test_a_member_not_affected_cannot_have_asked() -> None:
    assert host_problems("KAZ", [CRRF], [KGZ_ASKS], AFFECTED) == [
        "military_crrf: the place lies on the territory of KAZ, which is not an affected "
        "state of the crisis: forces go onto a member's territory only at that member's "
        "request"]


def test_outside_the_members_territory_the_crisis_wide_rule_holds() -> None:
    # military assistance still needs a request of an affected state, any of them
    assert host_problems(None, [CRRF], [TJK_ASKS], AFFECTED) == []
    assert host_problems(None, [CRRF], [], AFFECTED)[0].startswith(
        "military_crrf: no official request of KGZ, TJK asks for it")
    # peacekeeping there needs a UN Security Council mandate, not a request
    assert host_problems(None, [PK], [], AFFECTED) == [
        "peacekeepers go outside the members' territory only with a UN mandate"]
    assert host_problems(None, [PK], [], AFFECTED, un_mandate=True) == []


def test_linking_a_decision_keeps_any_affected_states_request() -> None:
    d = DecisionBasis("CSC-2026-004", "decision", "csc", date(2026, 3, 3),
                      frozenset(AFFECTED), False, frozenset({CRRF}),
                      datetime(2026, 3, 3, 8, tzinfo=UTC))
    assert authority_problems(d, affected=AFFECTED,
                              reported_at=datetime(2026, 3, 1, tzinfo=UTC),
                              requests=[KGZ_ASKS], competent={"military_crrf": ["csc"]},
                              exercise=False, on_member_territory=True) == []


def test_the_measures_the_forces_serve() -> None:
    assert forces_measures([PK, HUMANITARIAN], [CRRF, PK], [KGZ_ASKS]) == {PK}
    assert forces_measures([HUMANITARIAN], [CRRF], [KGZ_ASKS]) == {CRRF}
    assert forces_measures([], [], [TJK_ASKS]) == {CRRF}
    assert forces_measures([], [], []) == frozenset()
