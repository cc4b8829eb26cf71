"""Who may see and change what. The one place these rules are written.

Every record carries a `Classification`: an owner (a state, a body or the
Secretariat) and a marking:

| marking       | who sees it                                                      |
|---------------|------------------------------------------------------------------|
| PUBLIC        | everyone, observers and anonymous visitors included              |
| ORGANIZATION  | every user of the organization (member states and its staff)     |
| PARTICIPANTS  | the listed states, and the organization's staff                  |
| NATIONAL      | the owning state only, until it releases it (re-marks it)        |

A state always sees the records it owns, whatever their marking (its representative
does; a national agency's reporter sees, of them, its own agency's: below); and, separately,
a record can be released to observers explicitly. A record sent to states for their
consideration (`recipients`: an adopted decision sent to the members absent from its
adoption, or without a say on it, DOMAIN.md §7 "members who missed a session receive the
adopted texts for consideration") is read by those states as by its participants,
whatever its marking: they receive the text, not what it came from (the draft, its
versions and positions keep their own marking). Observers see PUBLIC records
and records released to observers, nothing else. An anonymous visitor (a principal of
its own, not an observer) sees PUBLIC records only. The system principal sees all.

`read_scope` states a principal's entitlement as data; `allows` evaluates it on one
record in Python; the storage adapter turns the same scope into a query filter, so
that lists, counts, searches and exports obey exactly the same rule.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from phalanx.domain.access.principal import Principal, Role


class Marking(StrEnum):
    PUBLIC = "PUBLIC"
    ORGANIZATION = "ORGANIZATION"
    PARTICIPANTS = "PARTICIPANTS"
    NATIONAL = "NATIONAL"


class OwnerKind(StrEnum):
    STATE = "state"
    BODY = "body"
    SECRETARIAT = "secretariat"


@dataclass(frozen=True)
class Classification:
    owner_kind: OwnerKind
    owner: str  # state code, body key, or "secretariat"
    marking: Marking
    participants: frozenset[str] = frozenset()
    observers: bool = False  # released to observers
    # the states the record was sent to for their consideration: they read it too
    recipients: frozenset[str] = frozenset()
    # a state's record kept by one of its national agencies (its results of the joint
    # operations: the reports and their totals): that agency's reporter reads it
    agency: str | None = None

    def problems(self) -> list[str]:
        out = []
        if self.marking is Marking.PARTICIPANTS and not self.participants:
            out.append("a PARTICIPANTS marking needs the list of participating states")
        if self.marking is not Marking.PARTICIPANTS and self.participants:
            out.append("participants are listed only with the PARTICIPANTS marking")
        if self.marking is Marking.NATIONAL and self.owner_kind is not OwnerKind.STATE:
            out.append("only a state can own a NATIONAL record")
        if self.owner_kind is OwnerKind.SECRETARIAT and self.owner != "secretariat":
            out.append("a Secretariat record is owned by 'secretariat'")
        return out


# Roles that work for the organization as a whole rather than for one state.
STAFF = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT, Role.PLANNER, Role.AUDITOR})
STATE_ROLES = frozenset({Role.REPRESENTATIVE, Role.REPORTER})


@dataclass(frozen=True)
class ReadScope:
    """What a principal may read, as data that can become a query filter."""

    everything: bool = False
    markings: frozenset[Marking] = frozenset()  # visible whatever the owner
    participant: str | None = None  # PARTICIPANTS records listing this state
    all_participants: bool = False  # every PARTICIPANTS record
    own_state: str | None = None  # every record this state owns, NATIONAL included
    # (state, agency): every record this state's agency keeps, NATIONAL included
    own_agency: tuple[str, str] | None = None
    observer_releases: bool = False  # anything released to observers


def read_scope(p: Principal) -> ReadScope:
    if p.role is Role.SYSTEM:
        return ReadScope(everything=True)
    if p.role is Role.OBSERVER:
        return ReadScope(markings=frozenset({Marking.PUBLIC}), observer_releases=True)
    if p.role in STAFF:
        return ReadScope(markings=frozenset({Marking.PUBLIC, Marking.ORGANIZATION}),
                         all_participants=True)
    if p.role in STATE_ROLES and p.state and not p.appointed:
        # a state's user whose appointment to act for it has ended (setting: the account's
        # term, `acts_until`) is no longer its representative nor its agency's reporter
        return ReadScope(markings=frozenset({Marking.PUBLIC}))
    markings = frozenset({Marking.PUBLIC} if not p.state_is_member
                         else {Marking.PUBLIC, Marking.ORGANIZATION})
    # a state that is no member (it never joined, or has left) is none of the member
    # states ORGANIZATION records are for (source: the Charter, membership by admission
    # and ended by withdrawal; a non-member takes part as an observer or partner);
    # setting: it still reads the public records, its own and those listing it
    if p.role is Role.REPRESENTATIVE and p.state:
        return ReadScope(markings=markings, participant=p.state, own_state=p.state)
    if p.role is Role.REPORTER and p.state:
        # README (roles): a reporter submits "that agency's results of the joint
        # operations, and nothing else"; its state's NATIONAL records are kept until the
        # state releases them, by its representative (README: "a state's results of the
        # joint operations are released by its representative"). Reading taken: the
        # reporter reads what is released to its state's users (PUBLIC, ORGANIZATION,
        # PARTICIPANTS listing its state, sent to its state) and its own agency's records;
        # not its state's other NATIONAL records (the representative's documents, the
        # units it keeps national, another agency's reports before their release)
        return ReadScope(markings=markings, participant=p.state,
                         own_agency=(p.state, p.agency.value) if p.agency else None)
    return ReadScope(markings=frozenset({Marking.PUBLIC}))


def allows(scope: ReadScope, c: Classification) -> bool:
    if scope.everything or c.marking in scope.markings:
        return True
    if scope.observer_releases and c.observers:
        return True
    if (scope.own_state is not None and c.owner_kind is OwnerKind.STATE
            and c.owner == scope.own_state):
        return True
    if (scope.own_agency is not None and c.owner_kind is OwnerKind.STATE
            and (c.owner, c.agency) == scope.own_agency):
        return True
    if scope.participant is not None and scope.participant in c.recipients:
        return True
    if c.marking is Marking.PARTICIPANTS:
        return scope.all_participants or (
            scope.participant is not None and scope.participant in c.participants)
    return False


def can_read(p: Principal, c: Classification) -> bool:
    return allows(read_scope(p), c)


def state_reads(state: str, c: Classification) -> bool:
    """Does member `state` (its representative, today) read a record classified `c`?"""
    return can_read(Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state), c)


def widens(before: Classification, after: Classification,
           members: Collection[str]) -> bool:
    """Does `after` let someone read a record whom `before` did not (`members`: the member
    states today, who read ORGANIZATION records)? The owner reads under both (a re-marking
    keeps it); the organization's staff read all but another's NATIONAL records."""
    if after.marking is Marking.PUBLIC:
        return before.marking is not Marking.PUBLIC
    if after.observers and not before.observers and before.marking is not Marking.PUBLIC:
        return True
    if after.marking is Marking.NATIONAL or before.marking is Marking.PUBLIC:
        return False
    if after.marking is Marking.ORGANIZATION:
        return before.marking is not Marking.ORGANIZATION
    # after: PARTICIPANTS
    if before.marking is Marking.ORGANIZATION:
        return not after.participants <= set(members)  # a non-member listed
    if before.marking is Marking.PARTICIPANTS:
        return not after.participants <= before.participants
    return True  # from NATIONAL: the staff and the states listed


# The contributions ledger (each member's assessments and payments) and what each member
# owes under the two-year rule: the Secretariat's record, marked for the members and the
# staff (setting: the documents do not say who outside the Organization reads them). A
# member's standing, which decides who has a say, stays with the bodies' composition.
LEDGER = Classification(OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION)


# --- who acts for a state -----------------------------------------------------------------


class StateAct(StrEnum):
    """What is done in a member state's name."""

    POSITION = "position"  # state, change or withdraw its position; declare it stays out
    AMEND = "amend"  # propose an amendment to a draft
    SIGN = "sign"  # sign, sign with a reservation or object under the written procedure
    CHAIR = "chair"  # as the body's chair: record the heads of state's answers, announce
    ATTENDANCE = "attendance"  # record its own attendance at a session
    CONSENT = "consent"  # answer whether its units take part in a response
    CRISIS = "crisis"  # open a crisis, request or offer assistance, accept or decline offers
    RECORDS = "records"  # create, change, re-mark or release the state's own records
    REPORT = "report"  # submit its agency's results of the joint operations


# Source: each member state appoints its authorized representative (the Permanent
# Council, seeds). Setting: no other role acts for a state; a national agency's reporter
# only submits that agency's records, which the representative then releases.
ACTS_BY_ROLE: dict[Role, frozenset[StateAct]] = {
    Role.REPRESENTATIVE: frozenset(StateAct) - {StateAct.REPORT},
    Role.REPORTER: frozenset({StateAct.REPORT}),
}


def acts_for(p: Principal, state: str, act: StateAct) -> bool:
    """May `p` do `act` in `state`'s name? Its own state's representative may do all of it;
    a reporter only submit its agency's records; the system (loads, exercises) anything.
    The organization's staff never speak for a state, nor anyone for a state that is not a
    member (it never joined, or has left), nor a user whose appointment has ended (its
    account's term, `acts_until`, or an unconstitutional change of its state's
    authorities: `domain/representation.py`)."""
    if p.role is Role.SYSTEM:
        return True
    return (p.state == state and p.state_is_member and p.appointed
            and act in ACTS_BY_ROLE.get(p.role, frozenset()))


def why_not_act(p: Principal, state: str, act: StateAct) -> str | None:
    """Why `p` may not do `act` for `state`, in words (None if it may)."""
    if acts_for(p, state, act):
        return None
    if p.state == state and not p.appointed and p.lapsed_on is not None:
        return (f"{p.username}'s appointment to act for {state} lapsed on "
                f"{p.lapsed_on.isoformat()}, when its authorities changed outside the "
                "constitution; the authorities in power have not confirmed it")
    if p.state == state and not p.appointed:
        ended = f" on {p.acts_until.isoformat()}" if p.acts_until else ""
        return f"{p.username}'s appointment to act for {state} ended{ended}"
    if p.state == state and not p.state_is_member:
        return f"{state} is not a member of the organization: no one acts for it here"
    if p.role is Role.REPORTER and p.state == state:
        return (f"a national agency's reporter submits its agency's records; only {state}'s "
                "authorized representative acts for it here")
    if p.state and p.state != state:
        return f"you act for {p.state}, not for {state}"
    return f"only {state}'s authorized representative acts for it"


def can_own(p: Principal, owner_kind: OwnerKind, owner: str) -> bool:
    """May `p` create or change records with this owner? A state's records are its
    representative's (`acts_for` … RECORDS); the others the staff's."""
    if p.role is Role.SYSTEM:
        return True
    if owner_kind is OwnerKind.STATE:
        return acts_for(p, owner, StateAct.RECORDS)
    return p.role in (Role.SECRETARIAT, Role.PLANNER, Role.ADMINISTRATOR)


def is_staff(p: Principal) -> bool:
    """The Secretariat, the Joint Staff, the administrator (and the system)."""
    return can_own(p, OwnerKind.SECRETARIAT, "secretariat")


class Duty(StrEnum):
    """What only part of the staff does in the organization's name."""

    UN_NOTICE = "un_notice"  # record the notice to the UN Security Council as sent
    STATISTICS = "statistics"  # close a year's figures; withdraw or resolve any agency's report
    CRISIS_FILE = "crisis_file"  # tie a draft to a crisis's file after the fact, or untie it
    AUTHORITIES = "authorities"  # record a change of a member state's authorities


# Setting: the Secretariat keeps the organization's correspondence and statistics (the
# Charter gives it the organization's administrative work, seeds); the administrator
# may record the notice as sent for it; the Joint Staff does neither.
DUTIES: dict[Duty, frozenset[Role]] = {
    Duty.UN_NOTICE: frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR}),
    Duty.STATISTICS: frozenset({Role.SECRETARIAT}),
    # setting: the Secretariat keeps each crisis's file (the administrator may for it)
    Duty.CRISIS_FILE: frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR}),
    # setting: the Secretariat records who holds power in a member state, as it keeps the
    # organization's correspondence with the members (the administrator may for it)
    Duty.AUTHORITIES: frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR}),
}


def does(p: Principal, duty: Duty) -> bool:
    """May `p` do `duty` (`DUTIES`; the system does all of them)?"""
    return p.role is Role.SYSTEM or p.role in DUTIES[duty]


def reviews_reports(p: Principal, state: str, agency: str) -> bool:
    """Who withdraws a national agency's reports of the joint operations and resolves
    their look-alikes (setting): that agency's own reporter, which sent them, or whoever
    keeps the statistics (`Duty.STATISTICS`)."""
    return does(p, Duty.STATISTICS) or (
        p.role is Role.REPORTER and acts_for(p, state, StateAct.REPORT)
        and p.agency is not None and p.agency.value == agency)


def can_change(p: Principal, c: Classification) -> bool:
    return can_read(p, c) and can_own(p, c.owner_kind, c.owner)


# --- the keys of new records ---------------------------------------------------------------

# A register's record is named by its key (/api/v1/mtc/supplies/KEY), unique over all the
# records, those a user may not read included. So that creating a record never tells
# whether one the creator may not read exists ("exists" where reading it answers "not
# found"), a key lies in a namespace, and each namespace holds only records that whoever
# creates in it reads: a key beginning with a state's code and a hyphen ("kaz-…") is that
# state's, chosen by the users acting for it (what they create is a record their state
# reads: a supply it is party to); any other key is the organization's, chosen by its
# staff, the system and the organization file (the registers' records are PUBLIC,
# ORGANIZATION or PARTICIPANTS, which the staff read). A key left out is assigned in the
# creator's namespace; never from a sequence, which would count records some of its
# readers may not read.


def key_namespace(p: Principal) -> str | None:
    """The state in whose namespace `p` keys the records it creates: the state whose
    records it reads whatever their marking (its representative's; its reporters', which
    read those of their agency); None for the organization's (the staff, the system)."""
    scope = read_scope(p)
    return scope.own_state or (scope.own_agency[0] if scope.own_agency else None)


def key_prefix(p: Principal) -> str:
    """How the keys `p` chooses begin: "kaz-" for Kazakhstan's representative, nothing
    for the organization's staff."""
    state = key_namespace(p)
    return f"{state.lower()}-" if state else ""


def key_state(key: str, states: Collection[str]) -> str | None:
    """The state (one of `states`) whose namespace `key` lies in, or None: the
    organization's."""
    head, hyphen, _ = key.partition("-")
    return head.upper() if hyphen and head.upper() in states else None


def why_not_key(p: Principal, key: str, states: Collection[str], *,
                assignable: bool = True) -> str | None:
    """Why `p` may not give a record the key `key` (None if it may): the key lies outside
    its namespace. `assignable`: the refusal says that a key left out is assigned (when
    creating a record; not when changing a key)."""
    mine = key_namespace(p)
    owner = key_state(key, {*states, *([mine] if mine else [])})
    if owner == mine:
        return None
    or_assigned = " (or leave the key out: one is assigned)" if assignable else ""
    if mine is not None:
        return f"the key of a record created for {mine} begins with '{key_prefix(p)}'" \
            + or_assigned
    return (f"'{key}' begins with {owner}'s code: the keys the organization's staff "
            f"choose begin with no state's code" + or_assigned)


def why_not_change(p: Principal, c: Classification) -> str | None:
    if can_change(p, c):
        return None
    if c.owner_kind is OwnerKind.STATE:
        return f"only users acting for {c.owner} may change this record"
    return "only the Secretariat and the Joint Staff may change this record"


# --- permissions: what each role may do, declared by every route ----------------------


class Permission(StrEnum):
    PUBLIC = "public"  # no login needed
    READ = "read"  # any logged-in user; records are filtered by the read scope
    RECORDS_WRITE = "records.write"  # create and change records (owner rules apply)
    RECORDS_RELEASE = "records.release"  # re-mark, release to observers (owner rules apply)
    AUDIT_READ = "audit.read"
    USERS_MANAGE = "users.manage"
    TOKENS_MANAGE = "tokens.manage"


_WRITERS = {Role.ADMINISTRATOR, Role.SECRETARIAT, Role.PLANNER, Role.REPRESENTATIVE,
            Role.REPORTER}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    role: frozenset(
        {Permission.PUBLIC, Permission.READ}
        | ({Permission.RECORDS_WRITE, Permission.RECORDS_RELEASE} if role in _WRITERS else set())
        | ({Permission.AUDIT_READ} if role in (Role.AUDITOR, Role.ADMINISTRATOR) else set())
        | ({Permission.USERS_MANAGE, Permission.TOKENS_MANAGE}
           if role is Role.ADMINISTRATOR else set())
    )
    for role in Role
}
ROLE_PERMISSIONS[Role.SYSTEM] = frozenset(Permission)
ROLE_PERMISSIONS[Role.ANONYMOUS] = frozenset({Permission.PUBLIC})


def has_permission(p: Principal, permission: Permission) -> bool:
    """The role grants it, and, for an API token, the token's scopes include it."""
    if permission is Permission.PUBLIC:
        return True
    if permission not in ROLE_PERMISSIONS.get(p.role, frozenset()):
        return False
    return p.scopes is None or permission.value in p.scopes
