"""A broken organization file is refused with the file, the line, the place inside it
and what is wrong; and the membership rule holds on random histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain import membership as m
from phalanx.domain.organization import (
    Agreement,
    AgreementKind,
    EventKind,
    MembershipEvent,
    Organization,
    State,
    Text,
)

VALID = """\
format: phalanx-organization/1
version: "1"
organization:
  key: test
  name: {en: Test}
  abbreviation: {en: T}
  founding_agreement: t
states:
  - {code: ARM, name: {en: Armenia}}
  - {code: KAZ, name: {en: Kazakhstan}}
agreements:
  - key: t
    title: {en: Treaty}
    kind: treaty
    signed: 1992-05-15
membership:
  - {state: ARM, event: sign, on: 1992-05-15}
  - {state: ARM, event: join, on: 1994-04-20}
  - {state: KAZ, event: join, on: 1994-04-20}
bodies:
  - key: council
    name: {en: Council}
    kind: council
    seat: head
offices:
  - {key: head, name: {en: Head of state}}
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the line holding the nth occurrence of `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth - 1]


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DatasetError) as info:
        parse(text, "org.yaml")
    assert info.value.file == "org.yaml"
    # the exception's text is the problems, one per line, as `file:line: path: message`
    assert str(info.value).splitlines()[0].startswith("org.yaml")
    return [(p.line, p.path, p.message) for p in info.value.problems]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def test_the_valid_file_loads() -> None:
    ds, org = parse(VALID, "org.yaml")
    assert [x.state for x in m.members_on(org, date(2000, 1, 1))] == ["ARM", "KAZ"]
    assert ds.organization.key == "test"


def test_unknown_state_code_in_a_membership_event() -> None:
    text = replace_once(VALID, "{state: KAZ, event: join", "{state: KAX, event: join")
    assert problems(text) == [
        (line_of(text, "KAX"), "membership.2.state", "unknown state code 'KAX'")]


def test_unknown_state_code_is_located_in_block_style_too() -> None:
    text = replace_once(VALID, "  - {state: KAZ, event: join, on: 1994-04-20}\n",
                        "  - event: join\n    on: 1994-04-20\n    state: KAX\n")
    assert problems(text) == [
        (line_of(text, "state: KAX"), "membership.2.state", "unknown state code 'KAX'")]


def test_overlapping_membership_joining_twice() -> None:
    text = replace_once(VALID, "  - {state: KAZ, event: join, on: 1994-04-20}\n",
                        "  - {state: KAZ, event: join, on: 1994-04-20}\n"
                        "  - {state: ARM, event: join, on: 1996-01-01}\n")
    assert problems(text) == [
        (line_of(text, "1996-01-01"), "membership.3.event",
         "overlapping membership: already a member since 1994-04-20")]


def test_overlap_is_found_whatever_the_order_in_the_file() -> None:
    # the second join is written first: events are read in date order
    text = replace_once(VALID, "  - {state: ARM, event: sign, on: 1992-05-15}\n",
                        "  - {state: ARM, event: join, on: 1996-01-01}\n"
                        "  - {state: ARM, event: sign, on: 1992-05-15}\n")
    assert problems(text) == [
        (line_of(text, "1996-01-01"), "membership.0.event",
         "overlapping membership: already a member since 1994-04-20")]


def test_an_event_before_the_founding_treaty_is_signed() -> None:
    text = replace_once(VALID, "{state: KAZ, event: join, on: 1994-04-20}",
                        "{state: KAZ, event: join, on: 1990-01-01}")
    assert problems(text) == [
        (line_of(text, "1990-01-01"), "membership.2.on",
         "1990-01-01 is before the treaty exists (t signed 1992-05-15)")]


def test_an_event_on_the_day_of_signature_is_fine() -> None:
    parse(VALID, "org.yaml")  # ARM signs on 1992-05-15, the treaty's own day


@pytest.mark.parametrize("bad", ["1995-13-45", "1995-02-30", "95-01-01", "tomorrow"])
def test_an_invalid_date(bad: str) -> None:
    text = replace_once(VALID, "{state: KAZ, event: join, on: 1994-04-20}",
                        f"{{state: KAZ, event: join, on: {bad}}}")
    ((line, path, message),) = problems(text)
    assert (line, path) == (line_of(text, bad), "membership.2.on")
    assert message.startswith("Input should be a valid date")


def test_an_unknown_key_in_a_body() -> None:
    text = replace_once(VALID, "    kind: council\n",
                        "    kind: council\n    sesion_kinds: [regular]\n")
    assert problems(text) == [
        (line_of(text, "sesion_kinds"), "bodies.0.sesion_kinds", "Extra inputs are not permitted")]


def test_a_duplicated_body_key() -> None:
    text = replace_once(VALID, "offices:\n",
                        "  - key: council\n    name: {en: Again}\n    kind: council\n"
                        "offices:\n")
    assert problems(text) == [
        (line_of(text, "- key: council", 2), "bodies.1.key",
         "'council' already defined at bodies.0")]


@pytest.mark.parametrize("code", ["XXX", "ZZZ", "SUN"])
def test_a_code_that_is_not_iso_3166_alpha_3(code: str) -> None:
    text = replace_once(VALID, "{code: KAZ, name:", f"{{code: {code}, name:"
                        ).replace("{state: KAZ", f"{{state: {code}")
    assert problems(text) == [
        (line_of(text, f"code: {code}"), "states.1.code",
         f"Value error, {code!r} is not an ISO 3166-1 alpha-3 code")]


def test_a_lower_case_code_is_refused_by_its_pattern() -> None:
    text = replace_once(VALID, "{code: KAZ, name:", "{code: kaz, name:")
    located = problems(text)
    assert (line_of(text, "code: kaz"), "states.1.code") in [(ln, p) for ln, p, _ in located]


@pytest.mark.parametrize(("text", "line", "start"), [
    ("a: [unclosed\nb: 1\n", 2, "not valid YAML: while parsing a flow sequence"),
    ("format: x\n\tversion: tab\n", 2, "not valid YAML: while scanning"),
    ("a: b: c\n", 1, "not valid YAML: mapping values are not allowed"),
    ("{{{", 1, "not valid YAML: while parsing a flow node"),
])
def test_not_yaml_at_all(text: str, line: int, start: str) -> None:
    ((got_line, path, message),) = problems(text)
    assert (got_line, path) == (line, "")
    assert message.startswith(start)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "just text", "- 1\n- 2\n",
                                  "42\n"])
def test_an_empty_file_or_one_without_a_mapping(text: str) -> None:
    assert problems(text) == [(1, "", "the file must hold a mapping")]


def test_a_mapping_that_is_not_a_dataset_names_every_missing_section() -> None:
    paths = {p for _, p, _ in problems("colour: blue\n")}
    assert {"format", "version", "organization", "states", "agreements", "colour"} <= paths


def test_every_problem_is_reported_at_once() -> None:
    text = replace_once(VALID, "{state: KAZ, event: join, on: 1994-04-20}",
                        "{state: KAX, event: join, on: 1990-01-01}")
    assert sorted(problems(text)) == sorted([
        (line_of(text, "KAX"), "membership.2.state", "unknown state code 'KAX'"),
        (line_of(text, "KAX"), "membership.2.on",
         "1990-01-01 is before the treaty exists (t signed 1992-05-15)"),
    ])


def test_a_duplicated_key_is_reported_before_anything_misplaced() -> None:
    """Later checks number items by key; with a duplicate they would point at the wrong
    items, so the duplicate is reported alone, at its place, and the rest after a fix."""
    text = replace_once(VALID, "offices:\n",
                        "  - key: council\n    name: {en: Again}\n    kind: council\n"
                        "  - key: other\n    name: {en: Other}\n    kind: council\n"
                        "    parent: nope\n"
                        "offices:\n")
    assert problems(text) == [(line_of(text, "- key: council", 2), "bodies.1.key",
                               "'council' already defined at bodies.0")]
    fixed = text.replace("  - key: council\n    name: {en: Again}\n    kind: council\n", "")
    assert (line_of(fixed, "parent: nope"), "bodies.1.parent", "unknown body 'nope'") in \
        problems(fixed)


def test_a_control_character_is_located() -> None:
    text = VALID.replace("version: \"1\"", "version: \"1\x01\"")
    ((line, _, message),) = problems(text)
    assert message.startswith("not valid YAML")
    assert line == line_of(text, "version:")


# --- the membership rule on random histories, against its own statement ----------------
#
# The rule of membership.py, stated here independently of its transition table:
#   sign     - only a state that is nothing (never in, or withdrawn) becomes a signatory;
#   join     - a state that is nothing or a signatory becomes a member;
#   suspend  - only a member becomes suspended;
#   resume   - only a suspended member becomes a member again;
#   stand_aside - only a member stops taking part (and stays a member);
#   take_part   - only a member not taking part takes part again;
#   suspend  - a member not taking part may also be suspended;
#   withdraw - a signatory, member, suspended member or member not taking part becomes
#              nothing again; expel - the same, a signatory excepted.
# Each state's events are taken in date order (file order on the same day); an event
# that breaks the rule is reported and changes nothing. A member on a day is a state
# that is a member, suspended or not taking part on it; its `since` is the join that
# began the stretch. (Notices of withdrawal, whose effect comes months later, have
# their own tests in test_membership_events.py.)

STATES = ["ARM", "BLR", "KAZ"]
START = date(1991, 1, 1)
BROKEN = "broken"


def next_status(status: str | None, kind: str) -> str | None:
    if kind == "sign":
        return "signatory" if status is None else BROKEN
    if kind == "join":
        return "member" if status in (None, "signatory") else BROKEN
    if kind == "suspend":
        return "suspended" if status in ("member", "not_taking_part") else BROKEN
    if kind == "resume":
        return "member" if status == "suspended" else BROKEN
    if kind == "stand_aside":
        return "not_taking_part" if status == "member" else BROKEN
    if kind == "take_part":
        return "member" if status == "not_taking_part" else BROKEN
    if kind == "withdraw":
        return None if status is not None else BROKEN
    if kind == "expel":
        return None if status not in (None, "signatory") else BROKEN
    raise AssertionError(kind)


def replay(events: list[MembershipEvent], day: date) -> tuple[dict[str, tuple[str, date]],
                                                              set[int]]:
    """Members on `day` as {state: (status, since)} and the indices of broken events."""
    members: dict[str, tuple[str, date]] = {}
    broken: set[int] = set()
    for s in STATES:
        status: str | None = None
        since: date | None = None
        on_day: tuple[str | None, date | None] = (None, None)
        for on, i in sorted((e.on, i) for i, e in enumerate(events) if e.state == s):
            kind = events[i].kind.value
            nxt = next_status(status, kind)
            if nxt == BROKEN:
                broken.add(i)
                continue
            if kind == "join":
                since = on
            status = nxt
            if on <= day:
                on_day = (status, since)
        if on_day[0] in ("member", "suspended", "not_taking_part"):
            members[s] = (on_day[0], on_day[1])  # type: ignore[assignment]
    return members, broken


def org_with(events: list[MembershipEvent]) -> Organization:
    return Organization(
        key="t", name=Text("T", ""), abbreviation=Text("T", ""), founding_agreement="t",
        states={s: State(s, Text(s, "")) for s in STATES},
        agreements={"t": Agreement("t", Text("t", ""), AgreementKind.TREATY, date(1990, 1, 1))},
        membership=tuple(events), settings={"expulsion_allowed": True})


# Few days, so that several events often fall on one day, and the probe on event days.
KINDS = [k for k in EventKind if k not in (EventKind.NOTICE, EventKind.SETTLE)]
event = st.tuples(st.sampled_from(STATES), st.sampled_from(KINDS),
                  st.integers(0, 40))
histories = st.lists(event, max_size=14)


@settings(max_examples=500, deadline=None)
@given(raw=histories, probe=st.integers(-1, 42))
@example(raw=[("ARM", EventKind.JOIN, 0), ("ARM", EventKind.JOIN, 5)], probe=10)
@example(raw=[("ARM", EventKind.RESUME, 0)], probe=1)
@example(raw=[("ARM", EventKind.SIGN, 0), ("ARM", EventKind.WITHDRAW, 3),
              ("ARM", EventKind.JOIN, 3), ("ARM", EventKind.SUSPEND, 4)], probe=4)
def test_membership_follows_the_documented_rule(raw: list[tuple[str, EventKind, int]],
                                                probe: int) -> None:
    events = [MembershipEvent(s, k, START + timedelta(days=n)) for s, k, n in raw]
    org = org_with(events)
    day = START + timedelta(days=probe)
    expected, broken = replay(events, day)

    got = {x.state: (x.status.value, x.since) for x in m.members_on(org, day)}
    assert got == expected

    # check() reports exactly the events that break the rule, each at its own place
    flagged = {p.path[1] for p in m.check(org) if p.path[0] == "membership"}
    assert flagged == broken
    assert all(p.path == ("membership", p.path[1], "event") for p in m.check(org))


@settings(max_examples=300, deadline=None)
@given(raw=histories, probe=st.integers(-1, 42))
def test_no_member_whose_last_event_is_a_withdrawal(raw: list[tuple[str, EventKind, int]],
                                                   probe: int) -> None:
    events = [MembershipEvent(s, k, START + timedelta(days=n)) for s, k, n in raw]
    day = START + timedelta(days=probe)
    for x in m.members_on(org_with(events), day):
        mine = sorted((e.on, i) for i, e in enumerate(events)
                      if e.state == x.state and e.on <= day)
        assert mine, x  # a member has at least one event on or before the day
        assert events[mine[-1][1]].kind is not EventKind.WITHDRAW, x


def test_a_same_day_withdrawal_and_rejoin_starts_a_new_membership() -> None:
    events = [MembershipEvent("ARM", EventKind.JOIN, date(1995, 1, 1)),
              MembershipEvent("ARM", EventKind.WITHDRAW, date(2000, 1, 1)),
              MembershipEvent("ARM", EventKind.JOIN, date(2000, 1, 1))]
    (arm,) = m.members_on(org_with(events), date(2001, 1, 1))
    assert arm.since == date(2000, 1, 1)


def test_arrears_settings_are_checked_at_load() -> None:
    bad_date = replace_once(VALID, "  founding_agreement: t\n",
                            "  founding_agreement: t\n  settings:\n    in_arrears:\n"
                            "      - {state: ARM, from: 2020-13-01}\n")
    ((_, path, message),) = problems(bad_date)
    assert path == "organization.settings.in_arrears.0.from" and "date" in message
    unknown = replace_once(VALID, "  founding_agreement: t\n",
                           "  founding_agreement: t\n  settings:\n    in_arrears:\n"
                           "      - {state: ARX, from: 2020-01-01}\n")
    assert ("organization.settings.in_arrears.0.state", "unknown state code 'ARX'") in [
        (p, m) for _, p, m in problems(unknown)]
