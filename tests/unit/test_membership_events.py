"""Membership as events with effects, standing, arrears and the rotation: each test
names the rule it checks (docstrings of domain/membership.py, contributions.py,
rotation.py)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.dataset import loader
from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain import contributions, leaving, rotation
from phalanx.domain import membership as m
from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.organization import (
    Agreement,
    AgreementKind,
    Contribution,
    EventKind,
    MembershipEvent,
    MembershipStatus,
    Organization,
    State,
    Text,
)


@pytest.fixture(scope="module")
def csto() -> Organization:
    return loader.read(loader.builtin_path())[0]


def org_with(events: list[MembershipEvent], **kw: object) -> Organization:
    states = ["ARM", "BLR", "KAZ"]
    return Organization(
        key="t", name=Text("T", ""), abbreviation=Text("T", ""), founding_agreement="t",
        states={s: State(s, Text(s, "")) for s in states},
        agreements={"t": Agreement("t", Text("t", ""), AgreementKind.TREATY, date(1990, 1, 1))},
        membership=tuple(events), **kw)  # type: ignore[arg-type]


def ev(state: str, kind: EventKind, on: date) -> MembershipEvent:
    return MembershipEvent(state, kind, on)


# --- the CSTO on the dates ---------------------------------------------------


def test_armenia_is_a_member_not_taking_part_in_june_2024_and_still_bound(csto) -> None:
    """Not taking part is not a suspension: a member, bound, with no say."""
    day = date(2024, 6, 1)
    arm = next(x for x in m.members_on(csto, day) if x.state == "ARM")
    assert arm.status is MembershipStatus.NOT_TAKING_PART
    assert arm.since == date(1994, 4, 20)
    assert m.bound_by_founding(csto, "ARM", day)
    assert m.standing_on(csto, "ARM", day) is Standing.NOT_PARTICIPATING
    assert m.standing_on(csto, "ARM", date(2024, 1, 15)) is Standing.FULL


def test_uzbekistan_in_2007_is_a_member_and_bound_by_the_treaty(csto) -> None:
    """A party row per period: 1994-1999 and from 2006 for Uzbekistan. The Council's
    suspension of 2012 took away its say, not its tie to the Treaty: it gave no notice
    of withdrawal and did not denounce it (a suspended member stays a party)."""
    treaty = csto.agreements["cst-1992"]
    for day, member, bound in [(date(1997, 1, 1), True, True), (date(2003, 1, 1), False, False),
                               (date(2007, 1, 1), True, True), (date(2014, 1, 1), True, True),
                               (date(2025, 6, 1), True, True)]:
        status = m.status_on(csto, "UZB", day)
        assert (status in (MembershipStatus.MEMBER, MembershipStatus.SUSPENDED)) is member, day
        assert ("UZB" in m.parties_bound(treaty, day)) is bound, day
    assert m.standing_on(csto, "UZB", date(2014, 1, 1)) is Standing.SUSPENDED


def test_every_member_taking_part_or_not_is_bound_by_the_treaty_every_year(csto) -> None:
    """A member (suspended, taking part or not) is bound by the founding agreement on
    every day of its membership; arrears never cost the obligations."""
    for year in range(1995, 2027):
        day = date(year, 7, 1)
        for x in m.members_on(csto, day):
            assert m.bound_by_founding(csto, x.state, day), (x, day)


# --- notice of withdrawal ------------------------------------------------------------


def test_a_notice_takes_effect_after_the_notice_period() -> None:
    """Withdrawal by written notice: the state leaves `withdrawal_notice_months` later
    (six months for the CSTO: the Charter's written notice, DOMAIN.md §7)."""
    org = org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1)),
                    ev("ARM", EventKind.NOTICE, date(2010, 8, 31)),
                    ev("ARM", EventKind.SETTLE, date(2010, 12, 1))],
                   settings={"withdrawal_notice_months": 6})
    (n,) = leaving.notices(org)
    assert n.effective == date(2011, 2, 28) and n.settled == date(2010, 12, 1)
    assert m.status_on(org, "ARM", date(2011, 2, 27)) is MembershipStatus.MEMBER
    assert m.status_on(org, "ARM", date(2011, 2, 28)) is None
    assert m.check(org) == []


def test_a_withdrawal_before_the_notice_period_ends_is_a_problem() -> None:
    org = org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1)),
                    ev("ARM", EventKind.NOTICE, date(2010, 1, 1)),
                    ev("ARM", EventKind.WITHDRAW, date(2010, 3, 1))],
                   settings={"withdrawal_notice_months": 6})
    (p,) = m.check(org)
    assert p.path == ("membership", 2, "on") and "notice period" in p.message


def test_settling_without_a_notice_and_a_notice_by_a_non_member_are_problems() -> None:
    org = org_with([ev("ARM", EventKind.NOTICE, date(2000, 1, 1)),
                    ev("KAZ", EventKind.JOIN, date(2000, 1, 1)),
                    ev("KAZ", EventKind.SETTLE, date(2001, 1, 1))])
    assert {p.path for p in m.check(org)} == {("membership", 0, "event"),
                                              ("membership", 2, "event")}


@settings(max_examples=200, deadline=None)
@given(given_on=st.dates(date(1995, 1, 1), date(2030, 12, 31)), months=st.integers(1, 24),
       settle_after=st.integers(0, 800))
def test_the_effective_day_is_the_later_of_the_period_and_the_settlement(
        given_on: date, months: int, settle_after: int) -> None:
    """DOMAIN.md §7: "withdrawal by written notice at least six months ahead, after
    settling obligations": the state leaves on the later of the two days."""
    settled = given_on + timedelta(days=settle_after)
    org = org_with([ev("ARM", EventKind.JOIN, date(1994, 1, 1)),
                    ev("ARM", EventKind.NOTICE, given_on),
                    ev("ARM", EventKind.SETTLE, settled)],
                   settings={"withdrawal_notice_months": months})
    (n,) = leaving.notices(org)
    assert n.period_end is not None
    assert 28 * months <= (n.period_end - given_on).days <= 31 * months + 3
    assert n.effective == max(n.period_end, settled)
    assert m.status_on(org, "ARM", n.effective - timedelta(days=1)) is MembershipStatus.MEMBER
    assert m.status_on(org, "ARM", n.effective) is None
    assert m.check(org) == []


def test_a_state_that_has_not_settled_stays_a_member() -> None:
    org = org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1)),
                    ev("ARM", EventKind.NOTICE, date(2010, 1, 1))],
                   settings={"withdrawal_notice_months": 6})
    (n,) = leaving.notices(org)
    assert not n.takes_effect and n.period_end == date(2010, 7, 1)
    assert m.status_on(org, "ARM", date(2030, 1, 1)) is MembershipStatus.MEMBER
    # a withdrawal recorded after the period but before settling is a problem
    late = org_with([*org.membership, ev("ARM", EventKind.WITHDRAW, date(2010, 9, 1))],
                    settings={"withdrawal_notice_months": 6})
    (p,) = m.check(late)
    assert p.path == ("membership", 2, "on") and "obligations" in p.message


@pytest.mark.parametrize("kind", [EventKind.JOIN, EventKind.SUSPEND, EventKind.RESUME,
                                  EventKind.EXPEL])
def test_the_councils_acts_are_recorded_only_by_a_decision(kind: EventKind) -> None:
    org = org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1))])
    why = leaving.recording_problem(org, "KAZ", kind, date(2010, 1, 1), by_decision=False)
    assert why is not None and "decided by the Council" in why
    assert leaving.recording_problem(org, "KAZ", kind, date(2010, 1, 1), by_decision=True) is None


def test_a_withdrawal_is_recorded_only_after_a_notice_and_the_settlement() -> None:
    org = org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1))],
                   settings={"withdrawal_notice_months": 6})
    why = leaving.recording_problem(org, "ARM", EventKind.WITHDRAW, date(2010, 9, 1), False)
    assert why is not None and "written notice at least 6 months" in why
    noticed = org_with([*org.membership, ev("ARM", EventKind.NOTICE, date(2010, 1, 1))],
                       settings={"withdrawal_notice_months": 6})
    why = leaving.recording_problem(noticed, "ARM", EventKind.WITHDRAW, date(2010, 9, 1), False)
    assert why is not None and "not settled" in why
    settled = org_with([*noticed.membership, ev("ARM", EventKind.SETTLE, date(2010, 8, 1))],
                       settings={"withdrawal_notice_months": 6})
    assert leaving.recording_problem(settled, "ARM", EventKind.WITHDRAW, date(2010, 9, 1),
                               False) is None
    for kind in (EventKind.NOTICE, EventKind.SETTLE, EventKind.STAND_ASIDE):
        assert leaving.recording_problem(org, "ARM", kind, date(2010, 9, 1), False) is None


def test_expulsion_only_where_the_dataset_allows_it() -> None:
    events = [ev("ARM", EventKind.JOIN, date(2000, 1, 1)),
              ev("ARM", EventKind.EXPEL, date(2005, 1, 1))]
    (p,) = m.check(org_with(events))
    assert "expulsion" in p.message and p.path == ("membership", 1, "event")
    assert m.check(org_with(events, settings={"expulsion_allowed": True})) == []


# --- arrears -------------------------------------------------------------------------


def ledger_org(rows: list[Contribution]) -> Organization:
    return org_with([ev("ARM", EventKind.JOIN, date(2000, 1, 1))], contributions=tuple(rows),
                    settings={"arrears_years_to_lose_vote": 2})


def test_two_unpaid_years_cost_the_say_and_a_payment_restores_it() -> None:
    """Two-year rule: owed for the years before the day's year >= the assessments of the
    last two full years."""
    rows = [Contribution("ARM", 2020, 100, 100, date(2020, 5, 1)),
            Contribution("ARM", 2021, 100, 0), Contribution("ARM", 2022, 100, 100,
                                                              date(2023, 6, 1))]
    org = ledger_org(rows)
    assert m.standing_on(org, "ARM", date(2022, 12, 31)) is Standing.FULL  # 2021 only
    assert m.standing_on(org, "ARM", date(2023, 1, 1)) is Standing.IN_ARREARS  # 2021+2022
    assert m.standing_on(org, "ARM", date(2023, 6, 1)) is Standing.FULL  # 2022 paid
    a = contributions.arrears(org, "ARM", date(2023, 1, 1))
    assert (a.owed, a.threshold, a.years) == (200, 200, (2021, 2022))


@settings(max_examples=200, deadline=None)
@given(unpaid=st.lists(st.integers(0, 100), min_size=4, max_size=4),
       day=st.dates(date(2020, 1, 1), date(2025, 12, 31)))
def test_the_rule_against_its_statement(unpaid: list[int], day: date) -> None:
    rows = [Contribution("ARM", 2020 + k, 100, 100 - u, date(2020 + k, 12, 31))
            for k, u in enumerate(unpaid)]
    org = ledger_org(rows)
    past = [(2020 + k, u) for k, u in enumerate(unpaid) if 2020 + k < day.year]
    owed = sum(u for _, u in past)
    last_two = sum(100 for y, _ in past if y >= day.year - 2)
    expected = bool(past) and last_two > 0 and owed >= last_two
    assert contributions.in_arrears(org, "ARM", day) is expected
    assert m.status_on(org, "ARM", day) is MembershipStatus.MEMBER  # never the obligations


def test_the_csto_ledger_puts_armenia_in_arrears_from_2026_illustratively(csto) -> None:
    a = contributions.arrears(csto, "ARM", date(2026, 1, 1))
    assert a.in_arrears and a.years == (2024, 2025)
    assert all(c.illustrative for c in csto.contributions)
    assert not contributions.in_arrears(csto, "KAZ", date(2026, 1, 1))


# --- rotation ------------------------------------------------------------------------

PUBLIC = {2013: "KGZ", 2014: "RUS", 2015: "TJK", 2016: "ARM", 2017: "BLR", 2018: "KAZ",
          2019: "KGZ", 2020: "RUS", 2021: "TJK", 2022: "ARM", 2023: "BLR", 2024: "KAZ",
          2025: "KGZ", 2026: "RUS"}


def test_the_derived_chairs_are_the_public_sequence(csto) -> None:
    """Yearly, Russian alphabetical order among members in good standing: Uzbekistan
    (suspended) skipped from 2013, Armenia (not taking part) skipped in 2028."""
    derived = {y: c.state for y, c in rotation.chairs(csto, "csc", 2029).items()}
    assert {y: s for y, s in derived.items() if y <= 2026} == PUBLIC
    assert derived[2027] == "TJK" and derived[2028] == "BLR" and derived[2029] == "KAZ"
    assert m.composition_on(csto, "csc", date(2028, 3, 1)).chair.state == "BLR"


def test_the_secretary_general_s_term_and_next_rotation(csto) -> None:
    """Three-year terms from 1 January; acting holders outside the rotation; the next
    term goes to the next state in the same order."""
    t = rotation.post_term(csto, "secretary_general", date(2026, 6, 1))
    assert (t.term.start, t.term.end, t.term_state) == (date(2026, 1, 1), date(2029, 1, 1),
                                                        "KGZ")
    assert (t.next_start, t.next_state) == (date(2029, 1, 1), "RUS")
    acting = rotation.post_term(csto, "secretary_general", date(2019, 6, 1))
    assert acting.holder.acting and acting.term_state == "ARM"


def _csto_text() -> str:
    return loader.builtin_path().read_text(encoding="utf-8")


def _problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DatasetError) as info:
        parse(text, "csto.yaml")
    return [(p.line, p.path, p.message) for p in info.value.problems]


def _line(text: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if needle in line)


@pytest.mark.parametrize(("year", "typed", "why"), [
    (2020, "{year: 2020, state: GEO, person: X}", "not a member"),
    (2016, "{year: 2016, state: UZB, person: X}", "not a member in good standing"),
    (2017, "{year: 2017, state: KAZ, person: X}", "out of turn"),
])
def test_a_typed_chair_that_breaks_the_rule_is_refused_at_its_line(year, typed, why) -> None:
    text = _csto_text()
    old = next(line for line in text.splitlines() if line.strip().startswith(
        f"- {{year: {year}, state:"))
    bad = text.replace(old, "      - " + typed)
    ((line, path, message), *_) = _problems(bad)
    assert line == _line(bad, typed) and path.endswith("state")
    assert why in message and f"in {year}" in message


def test_an_exception_by_council_decision_is_accepted_and_the_rotation_follows_it() -> None:
    text = _csto_text().replace(
        "{year: 2017, state: BLR, person: Alexander Lukashenko,",
        "{year: 2017, state: KAZ, exception: CSC decision (test), person: X,")
    org = parse(text.replace("{year: 2018, state: KAZ", "{year: 2018, state: KGZ")
                .replace("{year: 2019, state: KGZ", "{year: 2019, state: RUS")
                .replace("{year: 2020, state: RUS", "{year: 2020, state: TJK")
                .replace("{year: 2021, state: TJK", "{year: 2021, state: ARM")
                .replace("{year: 2022, state: ARM", "{year: 2022, state: BLR")
                .replace("{year: 2023, state: BLR", "{year: 2023, state: KAZ")
                .replace("{year: 2024, state: KAZ", "{year: 2024, state: KGZ")
                .replace("{year: 2025, state: KGZ", "{year: 2025, state: RUS")
                .replace("{year: 2026, state: RUS", "{year: 2026, state: TJK"), "x.yaml")[1]
    assert rotation.chair(org, "csc", 2018).state == "KGZ"


def test_a_body_before_its_parent_is_refused_at_its_line() -> None:
    text = _csto_text()
    bad = text.replace("    established: 2012-12-19\n    seat: chief_of_general_staff",
                       "    established: 2001-01-01\n    seat: chief_of_general_staff")
    probs = _problems(bad)
    assert (_line(bad, "established: 2001-01-01"), "bodies.4.established",
            "exists before its parent cmo (established 2003-09-18)") in probs


UZB_TREATY_ROW = "        bound_from: 2006-08-16\n        note: >-\n          bound again on its"


def test_overlapping_party_periods_are_refused() -> None:
    text = _csto_text().replace(UZB_TREATY_ROW, UZB_TREATY_ROW.replace("2006", "1998"))
    probs = _problems(text)
    assert any("period bound overlaps" in msg and path.startswith("agreements.0.parties")
               for _, path, msg in probs)


def test_a_member_not_bound_by_the_treaty_is_refused() -> None:
    text = _csto_text().replace(UZB_TREATY_ROW, UZB_TREATY_ROW.replace("2006", "2007"))
    probs = _problems(text)
    assert any("UZB is a member on 2006-08-16 but not bound by cst-1992" in msg
               for _, _, msg in probs)


def test_a_suspension_that_ends_the_treaty_tie_is_refused_at_the_suspension() -> None:
    """A suspended member is still a member: its period bound by the founding agreement
    may not end on the day of its suspension (Uzbekistan's did until the dataset was
    corrected)."""
    text = _csto_text().replace(UZB_TREATY_ROW, UZB_TREATY_ROW.replace(
        "\n        note:", "\n        bound_until: 2012-12-19\n        note:"))
    probs = _problems(text)
    assert [(path, msg) for _, path, msg in probs] == [
        ("membership.22.on", "UZB is a member on 2012-12-19 but not bound by cst-1992 that day")]
    assert probs[0][0] == _line(text, "    event: suspend") + 1  # its `on:` line


def _without_rule(text: str, question: str, following: str, note: str) -> str:
    """The file without one decision rule of the Council (and its note's translation)."""
    start = text.index(f"      {question}:\n")
    end = text.index(f"      {following}:\n", start)
    return "\n".join(line for line in (text[:start] + text[end:]).splitlines()
                     if not line.startswith(f'    "{note}')) + "\n"


def test_a_suspension_nothing_can_lift_is_refused() -> None:
    """Lifting a suspension is the Council's act (leaving.DECIDED): without a body deciding
    the question, Uzbekistan's suspension of 2012 could never be lifted."""
    probs = _problems(_without_rule(_csto_text(), "lifting_of_suspension", "expulsion",
                                    "The Council that suspends"))
    assert [(path, msg) for _, path, msg in probs] == [
        ("bodies.0.decision_rules.suspension", "no body decides 'lifting_of_suspension' "
         "questions: the Council's act could never be recorded (give a body a rule for it)")]


def test_an_expulsion_the_settings_allow_needs_a_body_to_decide_it() -> None:
    bad = _without_rule(_csto_text(), "expulsion", "peacekeeping", "Expulsion of a member")
    probs = _problems(bad)
    assert [(line, path) for line, path, _ in probs] == [
        (_line(bad, "expulsion_allowed: true"), "organization.settings.expulsion_allowed")]
    assert "no body decides 'expulsion' questions" in probs[0][2]


def test_a_party_bound_before_the_agreement_is_in_force_is_refused() -> None:
    """`bound_from` is the entry into force for the state: the 1999 extension protocol,
    in force on 2000-03-22, bound nobody on 1999-04-20 (as the dataset once said)."""
    text = _csto_text().replace(
        "{state: ARM, signed: 1999-04-02, bound_from: 2000-03-22",
        "{state: ARM, signed: 1999-04-02, bound_from: 1999-04-20")
    probs = _problems(text)
    assert probs == [(_line(text, "{state: ARM, signed: 1999-04-02, bound_from: 1999-04-20"),
                      "agreements.1.parties.0.bound_from",
                      "bound before extension-1999 is in force (2000-03-22)")]


def test_a_seat_holder_of_an_unknown_office_is_refused() -> None:
    text = _csto_text().replace("person: Nikol Pashinyan, office: head_of_government",
                                "person: Nikol Pashinyan, office: prime_minister")
    probs = _problems(text)
    assert [(path, msg) for _, path, msg in probs] == [
        ("bodies.0.seat_holders.13.office", "unknown office 'prime_minister'")]


def test_the_dataset_states_its_cut_off(csto) -> None:
    assert csto.as_of == date(2025, 11, 30)
    assert "charter-amendment-2010" in csto.agreements
    assert csto.agreements["charter-amendment-2010"].signed == date(2010, 12, 10)


def test_a_not_taking_part_member_is_still_seated_and_flagged(csto) -> None:
    comp = m.composition_on(csto, "csc", date(2024, 6, 1))
    arm = next(s for s in comp.seats if s.state == "ARM")
    assert arm.not_taking_part and not arm.suspended
    assert arm.standing is Standing.NOT_PARTICIPATING
    assert dataclasses.replace(arm, not_taking_part=False) != arm


def test_nothing_dated_after_the_cut_off_passes_for_a_sourced_fact() -> None:
    """Every dated entry after `as_of` is marked illustrative, except what a source
    before the cut-off announced (the Secretary General's term from 2026-01-01)."""
    import re

    import yaml

    from phalanx.dataset.loader import _Loader

    data = yaml.load(_csto_text(), Loader=_Loader)
    cut = data["as_of"]
    found = []

    def walk(x: object, path: tuple, marked: bool) -> None:
        if isinstance(x, dict):
            marked = marked or x.get("illustrative") is True or "illustrative" in str(
                x.get("source", ""))
            for k, v in x.items():
                if (isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) and v > cut
                        and not marked):
                    found.append((*path, k))
                walk(v, (*path, k), marked)
        elif isinstance(x, list):
            for i, v in enumerate(x):
                walk(v, (*path, i), marked)

    walk(data, (), False)
    assert found == [("posts", 0, "appointments", 5, "until"),
                     ("posts", 0, "appointments", 6, "from")]
