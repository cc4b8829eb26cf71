"""Who is acting: a user with one role, acting for at most one state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SECRETARIAT = "secretariat"  # secretariat officer
    PLANNER = "planner"  # joint-staff planner
    REPRESENTATIVE = "representative"  # state representative (Permanent Council)
    REPORTER = "reporter"  # national agency reporter: one state, one agency
    OBSERVER = "observer"  # a non-member state or an international organization
    AUDITOR = "auditor"
    SYSTEM = "system"  # the installation itself: migrations, dataset loads from the CLI
    ANONYMOUS = "anonymous"  # a visitor who has not logged in (never a user's role)


class Agency(StrEnum):
    CUSTOMS = "customs"
    BORDER_GUARD = "border_guard"
    POLICE = "police"
    DRUG_CONTROL = "drug_control"
    STATE_SECURITY = "state_security"
    FINANCIAL_INTELLIGENCE = "financial_intelligence"
    EMERGENCY_SERVICE = "emergency_service"


@dataclass(frozen=True)
class Principal:
    username: str
    role: Role
    state: str | None = None  # the state the user acts for
    agency: Agency | None = None
    observer_of: str | None = None  # for observers: the state code or organization name
    user_id: int | None = None
    scopes: frozenset[str] | None = None  # an API token's scopes; None for a browser session
    # whether the state it acts for is a member of the organization today (suspended or not
    # taking part included); False for a state that never joined or has left, whose users
    # read and act as a non-member's (`policy.read_scope`, `policy.acts_for`)
    state_is_member: bool = True
    # a state's user: the last day of its appointment to act for its state (None: no term),
    # and whether that appointment stands today; once it has ended the user acts for no
    # one and reads only what the public reads (`policy.read_scope`, `policy.acts_for`)
    acts_until: date | None = None
    appointed: bool = True
    # a state's user: the change of its state's authorities under which its appointment
    # was made or last confirmed (None: before any recorded), and the day an
    # unconstitutional change ended it (`domain/representation.py`; None: it did not)
    confirmed_under: int | None = None
    lapsed_on: date | None = None


SYSTEM = Principal("system", Role.SYSTEM)
ANONYMOUS = Principal("anonymous", Role.ANONYMOUS)
