"""The users of a state that is not a member of the organization today (it never joined,
or it has left: withdrawn, expelled): they read and act as a non-member's users
(`policy.read_scope`, `policy.acts_for`), whenever their account was made. A suspended
member and a member not taking part are members still."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from phalanx.domain import membership
from phalanx.domain.access.policy import STATE_ROLES
from phalanx.domain.access.principal import Principal, Role
from phalanx.services.clock import now


def members_today(conn: Connection) -> frozenset[str] | None:
    """The member states today; None when no organization is loaded (no record to read)."""
    from phalanx.services import organization as orgs

    try:
        org = orgs.organization(conn)
    except orgs.NotLoaded:
        return None
    return frozenset(m.state for m in membership.members_on(org, now().date()))


def acting(conn: Connection, p: Principal) -> Principal:
    """`p` as it reads and acts today: marked as a non-member's user when the state it acts
    for is no member of the organization."""
    if p.role not in STATE_ROLES or p.state is None:
        return p
    members = members_today(conn)
    if members is None or p.state in members:
        return p
    return replace(p, state_is_member=False)


def why_not_account(conn: Connection, role: Role, state: str | None) -> str | None:
    """Why an account of `role` may not act for `state` (None if it may): the state is no
    member today (a non-member state's users are observers)."""
    if role not in STATE_ROLES or state is None:
        return None
    members = members_today(conn)
    if members is None or state in members:
        return None
    return (f"state: {state} is not a member of the organization on {now().date()}; "
            f"a non-member state's users are observers")
