"""Changes of a member state's authorities, recorded by the Secretariat, and appointments
confirmed by the authorities in power (the rule: `domain/representation.py`).

Recording a change and confirming an appointment are each one transaction with one audit
entry (`state.authorities`, `user.confirm`). Who holds power in a member state is public
knowledge: anyone may read the changes; a user's standing is the administrator's to read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import tables as t
from phalanx.domain import membership, representation
from phalanx.domain.access.policy import STATE_ROLES, Duty, Permission, does, has_permission
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.organization import MembershipStatus
from phalanx.services import identity, state_users
from phalanx.services import organization as orgs
from phalanx.services.clock import aware
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid

_MEMBER = (MembershipStatus.MEMBER, MembershipStatus.SUSPENDED,
           MembershipStatus.NOT_TAKING_PART)


class AuthoritiesIn(BaseModel):
    """A change of a state's authorities, the state named apart (the API's path)."""

    since: date = Field(description="the first day the authorities hold power")
    authorities: str = Field(min_length=1, max_length=500,
                             description="who holds power from `since`, in words")
    constitutional: bool = Field(description=(
        "false: power changed hands outside the constitution; the appointments made "
        "under the authorities before lapse until those in power confirm them"))
    source: str = Field(min_length=1, max_length=500, description="where it is documented")


class AuthorityChangeIn(AuthoritiesIn):
    state: str = Field(pattern=r"^[A-Z]{3}$")


class AuthorityChangeOut(BaseModel):
    id: int
    state: str
    since: date
    authorities: str
    constitutional: bool
    source: str
    recorded_by: str | None = Field(description=(
        "the Secretariat's user who recorded it; not said to a visitor who has not "
        "signed in"))
    recorded_at: datetime


def _out(r: object) -> AuthorityChangeOut:
    return AuthorityChangeOut(id=r.id, state=r.state_code, since=r.since,  # type: ignore[attr-defined]
                     authorities=r.authorities, constitutional=r.constitutional,  # type: ignore[attr-defined]
                     source=r.source, recorded_by=r.recorded_by,  # type: ignore[attr-defined]
                     recorded_at=aware(r.recorded_at))  # type: ignore[attr-defined]


def changes(conn: Connection, state: str | None = None, *,
            actor: Principal = SYSTEM) -> list[AuthorityChangeOut]:
    """The changes recorded, of one state or of all, in the order of their days. Who
    recorded each is said to the organization's users only: an anonymous visitor reads
    who holds power, not the names of the accounts that sign in here."""
    a = t.authority_change.c
    q = select(t.authority_change).order_by(a.since, a.id)
    if state is not None:
        q = q.where(a.state_code == state)
    named = has_permission(actor, Permission.READ)
    return [_out(r) if named else _out(r).model_copy(update={"recorded_by": None})
            for r in conn.execute(q)]


def record(db: Database, data: AuthorityChangeIn, *, actor: Principal) -> AuthorityChangeOut:
    """Record a change of a member state's authorities (422 for a state that is no member
    on its day, or a second change on one day)."""
    if not does(actor, Duty.AUTHORITIES):
        raise Forbidden("only the Secretariat records a change of a state's authorities")
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        if data.state not in org.states:
            raise Invalid("state", f"unknown state {data.state!r}")
        if membership.status_on(org, data.state, data.since) not in _MEMBER:
            raise Invalid("since", f"{data.state} is not a member of the organization on "
                                   f"{data.since}")
        why = representation.refusal(
            data.state, state_users.authority_changes(w.conn, data.state), data.since,
            data.constitutional, orgs.today(w.conn))
        if why is not None:
            raise Invalid("since", why)
        row = {"state_code": data.state, "since": data.since,
               "authorities": data.authorities, "constitutional": data.constitutional,
               "source": data.source, "recorded_by": actor.username,
               "recorded_at": datetime.now(UTC)}
        new = int(w.conn.execute(insert(t.authority_change).values(**row))
                  .inserted_primary_key[0])
        lapsed = _lapsing(w.conn, data.state, new) if not data.constitutional else []
        w.audit("state.authorities", "state", data.state, {
            "change": new, "since": data.since.isoformat(), "authorities": data.authorities,
            "constitutional": data.constitutional, "source": data.source,
            "appointments_lapsed": lapsed})
        return _out(w.conn.execute(select(t.authority_change)
                                   .where(t.authority_change.c.id == new)).one())


def _lapsing(conn: Connection, state: str, change: int) -> list[str]:
    """The users of `state` whose appointment the change `change` ends (by name): not
    those whose term had ended before its day (they had none left to end)."""
    every = state_users.authority_changes(conn, state)
    since = next(c.since for c in every if c.id == change)
    u = t.app_user.c
    rows = conn.execute(select(u.username, u.confirmed_under, u.acts_until).where(
        u.state_code == state, u.active.is_(True),
        u.role.in_([r.value for r in STATE_ROLES])).order_by(u.username))
    return [r.username for r in rows
            if (r.acts_until is None or r.acts_until >= since)
            and (c := representation.lapsed_by(every, state, since, r.confirmed_under))
            is not None and c.id == change]


def confirm(db: Database, username: str, *, actor: Principal) -> bool:
    """The authorities in power confirm a state's user's appointment (recorded by the
    administrator), audited (`user.confirm`); False when it stands already under them."""
    with db.read() as conn:  # (a write transaction always writes its audit entry)
        row = identity.user_row(conn, username)
        if Role(row.role) not in STATE_ROLES or row.state_code is None:
            raise identity.IdentityError(f"username: a {row.role} does not act for a state")
        under = state_users.made_under(conn, row.state_code, Role(row.role))
        if under is None:
            raise identity.IdentityError(
                f"username: no change of {row.state_code}'s authorities is recorded; its "
                "users' appointments stand as made")
        if row.confirmed_under == under:
            return False
    with db.write(actor) as w:
        w.conn.execute(update(t.app_user).where(t.app_user.c.id == row.id)
                       .values(confirmed_under=under))
        w.audit("user.confirm", "user", row.id, {
            "username": username, "state": row.state_code, "from": row.confirmed_under,
            "to": under})
    return True
