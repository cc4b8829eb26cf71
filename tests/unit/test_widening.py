"""Whether a new marking lets someone read a record whom the old one did not
(`policy.widens`), which decides what an exercise's or a limited-format decision may
not be re-marked to."""

from __future__ import annotations

import pytest

from phalanx.domain.access.policy import Classification, Marking, OwnerKind, widens

MEMBERS = {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}


def body(marking: Marking, participants: set[str] | None = None,
         observers: bool = False) -> Classification:
    return Classification(OwnerKind.BODY, "csc", marking, frozenset(participants or ()),
                          observers)


ORG, PUB, PART = Marking.ORGANIZATION, Marking.PUBLIC, Marking.PARTICIPANTS


@pytest.mark.parametrize(("before", "after", "wider"), [
    (body(ORG), body(PUB), True),
    (body(PUB), body(ORG), False),
    (body(ORG), body(ORG, observers=True), True),
    (body(ORG, observers=True), body(ORG), False),
    (body(PART, {"KAZ", "RUS"}), body(ORG), True),
    (body(ORG), body(PART, {"KAZ", "RUS"}), False),
    (body(ORG), body(PART, {"KAZ", "SRB"}), True),  # a state that is no member listed
    (body(PART, {"KAZ", "RUS"}), body(PART, {"KAZ"}), False),
    (body(PART, {"KAZ"}), body(PART, {"KAZ", "ARM"}), True),
    (body(PART, {"KAZ"}, observers=True), body(PART, {"KAZ"}), False),
    (body(PUB), body(PART, {"KAZ"}, observers=True), False),
])
def test_widens(before: Classification, after: Classification, wider: bool) -> None:
    assert widens(before, after, MEMBERS) is wider


def test_a_state_record_made_national_again_widens_nothing() -> None:
    mine = Classification(OwnerKind.STATE, "KGZ", Marking.NATIONAL)
    released = Classification(OwnerKind.STATE, "KGZ", ORG)
    assert widens(mine, released, MEMBERS) and not widens(released, mine, MEMBERS)
