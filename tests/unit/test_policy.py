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
    key_namespace,
    key_state,
    why_not_key,
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
# a national agency's reports before the representative releases them
KAZ_CUSTOMS_REPORT = Classification(OwnerKind.STATE, "KAZ", Marking.NATIONAL, agency="customs")
KAZ_POLICE_REPORT = Classification(OwnerKind.STATE, "KAZ", Marking.NATIONAL, agency="police")


@pytest.mark.parametrize(("who", "record", "sees"), [
    (OBSERVER, PUBLIC, True), (OBSERVER, ORG, False), (OBSERVER, RELEASED, True),
    (OBSERVER, LIMITED, False), (OBSERVER, KAZ_NATIONAL, False),
    (ARM_REP, ORG, True), (ARM_REP, LIMITED, False), (ARM_REP, KAZ_NATIONAL, False),
    (KAZ_REP, LIMITED, True), (KAZ_REP, KAZ_NATIONAL, True),
    (KAZ_CUSTOMS, KAZ_NATIONAL, False), (KAZ_CUSTOMS, LIMITED, True),
    (KAZ_CUSTOMS, KAZ_CUSTOMS_REPORT, True), (KAZ_CUSTOMS, KAZ_POLICE_REPORT, False),
    (KAZ_REP, KAZ_POLICE_REPORT, True), (SECRETARIAT, KAZ_POLICE_REPORT, False),
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


def test_a_state_that_is_no_member_reads_and_acts_as_a_non_member() -> None:
    """A user of a state that never joined or has left reads no ORGANIZATION record: the
    public ones, its state's own and those listing its state; and no one acts for it."""
    from phalanx.domain.access.policy import StateAct, acts_for, why_not_act

    left = Principal("rep-geo", Role.REPRESENTATIVE, state="GEO", state_is_member=False)
    member = Principal("rep-geo", Role.REPRESENTATIVE, state="GEO")
    listing = Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS, frozenset({"GEO"}))
    own = Classification(OwnerKind.STATE, "GEO", Marking.NATIONAL)
    assert [can_read(left, c) for c in (PUBLIC, ORG, RELEASED, LIMITED, listing, own)] == [
        True, False, False, False, True, True]
    assert [can_read(member, c) for c in (PUBLIC, ORG, RELEASED, LIMITED, listing, own)] == [
        True, True, True, False, True, True]
    assert not any(acts_for(left, "GEO", act) for act in StateAct)
    assert acts_for(member, "GEO", StateAct.POSITION)
    assert why_not_act(left, "GEO", StateAct.RECORDS) == (
        "GEO is not a member of the organization: no one acts for it here")


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


STATES = {"ARM", "KAZ", "RUS"}


@pytest.mark.parametrize(("key", "state"), [
    ("kaz-2026-rifles", "KAZ"), ("kaz-sup-1f2e3d4c", "KAZ"), ("rus-x", "RUS"),
    ("sup-rus-kaz-2026-1", None), ("kazakh-supply", None), ("kaz", None),
    ("kaz_rifles", None), ("blr-x", None),  # BLR: no state of this organization
])
def test_a_key_beginning_with_a_states_code_and_a_hyphen_is_that_states(
        key: str, state: str | None) -> None:
    assert key_state(key, STATES) == state


def test_each_creator_chooses_keys_in_a_namespace_of_its_own() -> None:
    """A user acting for a state: its state's ("kaz-…"), whatever its role there; the
    staff and the system: the organization's (no state's code first)."""
    assert key_namespace(KAZ_REP) == key_namespace(KAZ_CUSTOMS) == "KAZ"
    assert key_namespace(SECRETARIAT) is key_namespace(SYSTEM) is None
    assert why_not_key(KAZ_REP, "kaz-2026-rifles", STATES) is None
    assert why_not_key(KAZ_REP, "rus-2026-rifles", STATES) == (
        "the key of a record created for KAZ begins with 'kaz-' (or leave the key out: one "
        "is assigned)")
    assert why_not_key(KAZ_REP, "sup-2026", STATES) is not None
    assert why_not_key(SECRETARIAT, "sup-kaz-2026", STATES) is None
    assert why_not_key(SYSTEM, "frontier-2026", STATES) is None
    assert why_not_key(SECRETARIAT, "kaz-2026", STATES) == (
        "'kaz-2026' begins with KAZ's code: the keys the organization's staff choose begin "
        "with no state's code (or leave the key out: one is assigned)")
    # its own state's namespace even when the list of states misses it
    assert why_not_key(ARM_REP, "arm-1", {"KAZ"}) is None


def test_an_assigned_key_of_the_organizations_lies_in_no_states_namespace() -> None:
    """The registers' prefixes ("sup-…") are no ISO 3166 alpha-3 code, which every state
    code of an organization file is."""
    import pycountry

    from phalanx.services.registers.common import ASSIGNED

    assert all(pycountry.countries.get(alpha_3=p.upper()) is None for p in ASSIGNED.values())


def test_a_user_whose_appointment_ended_acts_for_no_one_and_reads_the_public() -> None:
    from datetime import date

    from phalanx.domain.access.policy import StateAct, acts_for, read_scope, why_not_act

    ended = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ", acts_until=date(2026, 5, 31),
                      appointed=False)
    standing = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ",
                         acts_until=date(2026, 5, 31))
    assert all(acts_for(standing, "KAZ", act) for act in StateAct if act is not StateAct.REPORT)
    assert not any(acts_for(ended, "KAZ", act) for act in StateAct)
    assert why_not_act(ended, "KAZ", StateAct.CRISIS) == (
        "rep-kaz's appointment to act for KAZ ended on 2026-05-31")
    scope = read_scope(ended)
    assert scope.markings == frozenset({Marking.PUBLIC})
    assert (scope.own_state, scope.participant) == (None, None)
    assert read_scope(standing).own_state == "KAZ"


def test_a_state_sent_a_record_for_consideration_reads_it_whatever_its_marking() -> None:
    """An adopted decision sent to a member absent from its adoption (DOMAIN §7): that
    member reads it as a participant does; no one else gains by it."""
    sent = Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS,
                          frozenset({"KAZ", "RUS"}), recipients=frozenset({"ARM"}))
    assert can_read(ARM_REP, sent) and not can_read(ARM_REP, LIMITED)
    assert can_read(KAZ_REP, sent) and can_read(SECRETARIAT, sent)
    assert not can_read(OBSERVER, sent)
    assert not can_read(Principal("rep-blr", Role.REPRESENTATIVE, state="BLR"), sent)
    ended = Principal("rep-arm-old", Role.REPRESENTATIVE, state="ARM", appointed=False)
    assert not can_read(ended, sent)
