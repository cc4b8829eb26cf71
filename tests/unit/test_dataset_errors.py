"""A broken organization file is refused with the file, the line, the place inside it
and what is wrong; and the membership rule holds on random histories."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
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
  - {state: ARM, event: join, on: 1994-04-20}
  - {state: KAZ, event: join, on: 1994-04-20}
bodies:
  - key: council
    name: {en: Council}
    kind: council
"""


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the line holding the nth occurrence of `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DatasetError) as info:
        parse(text, "org.yaml")
    assert info.value.file == "org.yaml"
    return [(p.line, p.path, p.message) for p in info.value.problems]


def test_the_valid_file_loads() -> None:
    _, org = parse(VALID, "org.yaml")
    assert [x.state for x in m.members_on(org, date(2000, 1, 1))] == ["ARM", "KAZ"]


def test_unknown_state_code() -> None:
    text = VALID.replace("{state: KAZ, event: join", "{state: KAX, event: join")
    assert problems(text) == [(line_of(text, "KAX"), "membership.1.state",
                               "unknown state code 'KAX'")]


def test_overlapping_membership() -> None:
    text = VALID.replace("  - {state: KAZ, event: join, on: 1994-04-20}\n",
                         "  - {state: KAZ, event: join, on: 1994-04-20}\n"
                         "  - {state: ARM, event: join, on: 1996-01-01}\n")
    (line, path, message), = problems(text)
    assert (line, path) == (line_of(text, "1996-01-01"), "membership.2.event")
    assert "overlapping membership: already a member since 1994-04-20" in message


def test_event_before_the_treaty_exists() -> None:
    text = VALID.replace("{state: ARM, event: join, on: 1994-04-20}",
                         "{state: ARM, event: join, on: 1990-01-01}")
    (line, path, message), = problems(text)
    assert (line, path) == (line_of(text, "1990-01-01"), "membership.0.on")
    assert "before the treaty exists" in message


def test_invalid_date() -> None:
    text = VALID.replace("on: 1994-04-20}\n  - {state: KAZ", "on: 1995-13-45}\n  - {state: KAZ")
    (line, path, message), = problems(text)
    assert (line, path) == (line_of(text, "1995-13-45"), "membership.0.on")
    assert "date" in message.lower()


def test_unknown_key_is_named() -> None:
    text = VALID.replace("    kind: council\n", "    kind: council\n    sesion_kinds: [regular]\n")
    (line, path, message), = problems(text)
    assert (line, path) == (line_of(text, "sesion_kinds"), "bodies.0.sesion_kinds")
    assert "Extra inputs" in message


def test_duplicate_key() -> None:
    text = VALID + "  - key: council\n    name: {en: Again}\n    kind: council\n"
    assert problems(text) == [(line_of(text, "- key: council", 2), "bodies.1.key",
                               "'council' already defined at bodies.0")]


def test_not_an_iso_code() -> None:
    text = VALID.replace("{code: KAZ, name:", "{code: XXX, name:").replace(
        "{state: KAZ", "{state: XXX")
    (line, path, message), = problems(text)
    assert (line, path) == (line_of(text, "code: XXX"), "states.1.code")
    assert "ISO 3166-1 alpha-3" in message


@pytest.mark.parametrize("text", ["", "just text", "a: [unclosed", "- 1\n- 2\n"])
def test_not_a_dataset(text: str) -> None:
    assert problems(text)


# --- the membership rule on random histories, against its own statement ----------------

STATES = ["ARM", "BLR", "KAZ"]
KINDS = list(EventKind)


def org_with(events: list[MembershipEvent]) -> Organization:
    return Organization(
        key="t", name=Text("T", ""), abbreviation=Text("T", ""), founding_agreement="t",
        states={s: State(s, Text(s, "")) for s in STATES},
        agreements={"t": Agreement("t", Text("t", ""), AgreementKind.TREATY, date(1990, 1, 1))},
        membership=tuple(events))


ALLOWED = {(None, "sign"): "signatory", (None, "join"): "member",
           ("signatory", "join"): "member", ("signatory", "withdraw"): None,
           ("member", "suspend"): "suspended", ("member", "withdraw"): None,
           ("suspended", "resume"): "member", ("suspended", "withdraw"): None}

events_strategy = st.lists(
    st.tuples(st.sampled_from(STATES), st.sampled_from(KINDS), st.integers(0, 4000)),
    max_size=12)


@settings(max_examples=400, deadline=None)
@given(raw=events_strategy, probe=st.integers(0, 4200))
def test_membership_follows_the_documented_state_machine(
        raw: list[tuple[str, EventKind, int]], probe: int) -> None:
    start = date(1991, 1, 1)
    events = [MembershipEvent(s, k, start + timedelta(days=d)) for s, k, d in raw]
    org = org_with(events)
    day = start + timedelta(days=probe)
    # independent statement: replay each state's events in (date, file order)
    expected_status: dict[str, str | None] = {}
    broken = False
    for s in STATES:
        status: str | None = None
        mine = sorted((e.on, i, e.kind.value) for i, e in enumerate(events) if e.state == s)
        at_day: str | None = None
        for on, _, kind in mine:
            if (status, kind) not in ALLOWED:
                broken = True
                continue
            if on <= day:
                at_day = ALLOWED[(status, kind)]
            status = ALLOWED[(status, kind)]
        expected_status[s] = at_day
    members = {x.state: x.status.value for x in m.members_on(org, day)}
    assert members == {s: v for s, v in expected_status.items() if v in ("member", "suspended")}
    timeline_problems = [p for p in m.check(org) if p.path[0] == "membership"]
    assert bool(timeline_problems) == broken
