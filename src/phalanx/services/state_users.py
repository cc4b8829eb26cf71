"""The users of a state as they read and act today.

A state that is not a member of the organization today (it never joined, or it has left:
withdrawn, expelled): its users read and act as a non-member's users (`policy.read_scope`,
`policy.acts_for`), whenever their account was made. A suspended member and a member not
taking part are members still.

A user's appointment to act for its state (a representative's, a reporter's) may have a
term, its last day (`acts_until`, set by the administrator; setting): from the day after,
the user acts for no one and reads what the public reads, until a new term is set. The
state names its representatives; the organization's records follow.

An unconstitutional change of a state's authorities (`domain/representation.py`, recorded
by the Secretariat: `services/representation.py`) ends, from its day, every appointment
made under the authorities before it, until those in power confirm it: the user then
reads and acts as one whose term has ended.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Connection, select, update

from phalanx.adapters.db import tables as t
from phalanx.domain import membership, representation
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


def authority_changes(conn: Connection, state: str | None = None
                      ) -> tuple[representation.Change, ...]:
    """The recorded changes of a state's authorities (of `state` only, if given), in the
    order of their days."""
    a = t.authority_change.c
    q = select(t.authority_change).order_by(a.since, a.id)
    if state is not None:
        q = q.where(a.state_code == state)
    return tuple(representation.Change(r.id, r.state_code, r.since, r.authorities,
                                       bool(r.constitutional), r.source)
                 for r in conn.execute(q))


def made_under(conn: Connection, state: str | None, role: Role) -> int | None:
    """The change of `state`'s authorities under which an appointment made (or confirmed)
    today to act for it is made (None: none is recorded, or `role` acts for no state)."""
    if role not in STATE_ROLES or state is None:
        return None
    from phalanx.services import organization as orgs

    c = representation.in_power(authority_changes(conn, state), state, orgs.today(conn))
    return None if c is None else c.id


@dataclass(frozen=True)
class Today:
    """What decides how a state's users read and act today, read once for many users."""

    day: date
    members: frozenset[str] | None  # None: no organization is loaded
    changes: tuple[representation.Change, ...]


def today(conn: Connection, state: str | None = None) -> Today:
    """What decides it today, for every state's users (for `state`'s only, if given)."""
    from phalanx.services import organization as orgs

    return Today(orgs.today(conn), members_today(conn), authority_changes(conn, state))


def acting(conn: Connection, p: Principal, now: Today | None = None) -> Principal:
    """`p` as it reads and acts today: marked as a non-member's user when the state it acts
    for is no member of the organization, and as no longer appointed after its term or
    once an unconstitutional change of its state's authorities has ended its appointment.
    `now`: `today(conn)`, when read once for many users."""
    if p.role not in STATE_ROLES or p.state is None:
        return p
    now = now or today(conn, p.state)
    if p.acts_until is not None and now.day > p.acts_until:
        p = replace(p, appointed=False)
    lapse = representation.lapsed_by(now.changes, p.state, now.day, p.confirmed_under)
    if lapse is not None:
        p = replace(p, appointed=False, lapsed_on=lapse.since)
    if now.members is None or p.state in now.members:
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
