"""The access policy, read as a table of who sees what."""

from __future__ import annotations

import pytest

from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    Permission,
    can_change,
    can_read,
    has_permission,
)
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role

ARM_REP = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")
KAZ_REP = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
SECRETARIAT = Principal("sec", Role.SECRETARIAT)
AUDITOR = Principal("aud", Role.AUDITOR)
OBSERVER = Principal("osce", Role.OBSERVER, observer_of="OSCE")

PUBLIC = Classification(OwnerKind.SECRETARIAT, "secretariat", Marking.PUBLIC)
ORG = Classification(OwnerKind.BODY, "csc", Marking.ORGANIZATION)
LIMITED = Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS,
                         frozenset({"KAZ", "RUS"}))
KAZ_NATIONAL = Classification(OwnerKind.STATE, "KAZ", Marking.NATIONAL)
RELEASED = Classification(OwnerKind.BODY, "csc", Marking.ORGANIZATION, observers=True)


@pytest.mark.parametrize(("who", "record", "sees"), [
    (OBSERVER, PUBLIC, True), (OBSERVER, ORG, False), (OBSERVER, RELEASED, True),
    (OBSERVER, LIMITED, False), (OBSERVER, KAZ_NATIONAL, False),
    (ARM_REP, ORG, True), (ARM_REP, LIMITED, False), (ARM_REP, KAZ_NATIONAL, False),
    (KAZ_REP, LIMITED, True), (KAZ_REP, KAZ_NATIONAL, True),
    (KAZ_CUSTOMS, KAZ_NATIONAL, True), (KAZ_CUSTOMS, LIMITED, True),
    (SECRETARIAT, LIMITED, True), (SECRETARIAT, KAZ_NATIONAL, False),
    (AUDITOR, ORG, True), (AUDITOR, KAZ_NATIONAL, False),
    (SYSTEM, KAZ_NATIONAL, True),
])
def test_who_sees_what(who: Principal, record: Classification, sees: bool) -> None:
    assert can_read(who, record) is sees


def test_an_anonymous_visitor_is_no_observer() -> None:
    """Anonymous visitors have a principal of their own: PUBLIC only, no observer
    release, no permission beyond the public pages."""
    from phalanx.domain.access.principal import ANONYMOUS

    assert ANONYMOUS.role is Role.ANONYMOUS
    assert can_read(ANONYMOUS, PUBLIC)
    assert not can_read(ANONYMOUS, RELEASED)
    assert not can_read(ANONYMOUS, ORG)
    assert not has_permission(ANONYMOUS, Permission.READ)
    assert has_permission(ANONYMOUS, Permission.PUBLIC)


def test_a_state_sees_its_own_records_whatever_the_marking() -> None:
    own = Classification(OwnerKind.STATE, "ARM", Marking.PARTICIPANTS, frozenset({"KAZ"}))
    assert can_read(ARM_REP, own)
    assert not can_read(Principal("rep-blr", Role.REPRESENTATIVE, state="BLR"), own)


def test_only_the_owner_changes_a_national_record() -> None:
    assert can_change(KAZ_REP, KAZ_NATIONAL)
    assert not can_change(ARM_REP, KAZ_NATIONAL)
    assert not can_change(SECRETARIAT, KAZ_NATIONAL)
    assert can_change(SECRETARIAT, ORG)
    assert not can_change(ARM_REP, ORG)


def test_classification_rules() -> None:
    assert Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS).problems()
    assert Classification(OwnerKind.BODY, "csc", Marking.NATIONAL).problems()
    assert not LIMITED.problems()


def test_permissions_by_role_and_token_scope() -> None:
    assert has_permission(AUDITOR, Permission.AUDIT_READ)
    assert not has_permission(ARM_REP, Permission.AUDIT_READ)
    assert not has_permission(OBSERVER, Permission.RECORDS_WRITE)
    scoped = Principal("bot", Role.REPORTER, state="KAZ", scopes=frozenset({"read"}))
    assert has_permission(scoped, Permission.READ)
    assert not has_permission(scoped, Permission.RECORDS_WRITE)
    assert has_permission(scoped, Permission.PUBLIC)
