"""The users of a state as they read and act today.

A state that is not a member of the organization today (it never joined, or it has left:
withdrawn, expelled): its users read and act as a non-member's users (`policy.read_scope`,
`policy.acts_for`), whenever their account was made. A suspended member and a member not
taking part are members still.

A user's appointment to act for its state (a representative's, a reporter's) may have a
term, its last day (`acts_until`, set by the administrator; setting): from the day after,
the user acts for no one and reads what the public reads, until a new term is set. The
state names its representatives; the organization's records follow.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Connection, update

from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import STATE_ROLES
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import clock
from phalanx.services.db import Database


def members_today(conn: Connection) -> frozenset[str] | None:
    """The member states today; None when no organization is loaded (no record to read)."""
    from phalanx.services import organization as orgs

    try:
        org = orgs.organization(conn)
    except orgs.NotLoaded:
        return None
    return frozenset(m.state for m in membership.members_on(org, clock.today(org)))


_TODAY: frozenset[str] = frozenset({"(read the members today)"})


def acting(conn: Connection, p: Principal, members: frozenset[str] | None = _TODAY
           ) -> Principal:
    """`p` as it reads and acts today: marked as a non-member's user when the state it acts
    for is no member of the organization, and as no longer appointed after its term.
    `members`: the member states today (`members_today`) when read once for many users."""
    if p.role not in STATE_ROLES or p.state is None:
        return p
    from phalanx.services import organization as orgs

    if p.acts_until is not None and orgs.today(conn) > p.acts_until:
        p = replace(p, appointed=False)
    if members is _TODAY:
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
    from phalanx.services import organization as orgs

    return (f"state: {state} is not a member of the organization on {orgs.today(conn)}; "
            f"a non-member state's users are observers")


def set_term(db: Database, username: str, until: date | None, *, actor: Principal) -> bool:
    """Set the last day a state's user acts for its state (None: no term), audited
    (`user.term`); False when it was already so (nothing is written)."""
    from phalanx.services import identity

    with db.read() as conn:  # (a write transaction always writes its audit entry)
        row = identity.user_row(conn, username)
    if Role(row.role) not in STATE_ROLES:
        raise identity.IdentityError(f"acts_until: a {row.role} does not act for a state")
    if row.acts_until == until:
        return False
    with db.write(actor) as w:
        w.conn.execute(update(t.app_user).where(t.app_user.c.id == row.id)
                       .values(acts_until=until))
        w.audit("user.term", "user", row.id, {
            "username": username,
            "from": row.acts_until.isoformat() if row.acts_until else None,
            "to": until.isoformat() if until else None})
    return True
