"""A year of the joint operations' results closed by the Secretariat, and the changes
made after it (`domain/operations/closing.py`): each kept with its reason, read through
the report version it names, so that a reader sees only the changes of reports it may
see, and named by the annual report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Duty, does
from phalanx.domain.access.principal import Principal
from phalanx.domain.operations import closing
from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid


class ClosedYear(BaseModel):
    year: int
    closed_at: datetime
    closed_by: str
    note: str


class LateChange(BaseModel):
    year: int
    operation: str
    state: str
    agency: str
    reference: str
    version: int
    kind: str  # new, correction, withdrawal, release (of a national report: no reason)
    metric: str
    substance: str | None
    quantity_before: float | None
    unit_before: str | None
    quantity_after: float | None
    unit_after: str | None
    reason: str
    by: str
    at: datetime


def closed_years(conn: Connection) -> dict[int, ClosedYear]:
    """Every closed year (public to the organization's readers: a date and who closed)."""
    return {r.year: ClosedYear(year=r.year, closed_at=clock.aware(r.closed_at),
                               closed_by=r.closed_by, note=r.note)
            for r in conn.execute(select(t.op_year_closed).order_by(t.op_year_closed.c.year))}


def hold_reports(conn: Connection, state: str) -> None:
    """Take the lock under which a state's reports of the joint operations are written and
    the closed years read: the state's row, until the transaction ends. Two uploads of one
    agency at once (two instances of the app) are stored one after the other, the second
    seeing the first's reports among its look-alikes, and a year closed meanwhile is
    closed before or after the write, never in the middle of it (`close_year` takes every
    state's row). FOR NO KEY UPDATE: the records that merely name the state are not held
    up. (SQLite already runs one writer at a time.)"""
    conn.execute(select(t.state.c.code).where(t.state.c.code == state)
                 .with_for_update(key_share=True))


def may_close(actor: Principal) -> bool:
    """The Secretariat closes a year (setting: it writes the annual report)."""
    return does(actor, Duty.STATISTICS)


def close_year(db: Database, year: int, note: str, *, actor: Principal) -> ClosedYear:
    """Close `year`'s figures: from now on a change to them needs a reason and is kept as a
    change after closing. Audited (`operations.close_year`)."""
    if not may_close(actor):
        raise Forbidden("the Secretariat closes a year's figures")
    if len(note) > closing.REASON_MAX:
        raise Invalid("note", f"at most {closing.REASON_MAX} characters ({len(note)} given)")
    with db.write(actor) as w:
        # every state's reports held (`hold_reports`): a write in progress ends first, and
        # the years are read as it left them (two closings at once: the second sees the
        # first's, instead of meeting its row)
        w.conn.execute(select(t.state.c.code).order_by(t.state.c.code)
                       .with_for_update(key_share=True))
        if why := closing.why_not_close(year, orgs.today(w.conn), closed_years(w.conn)):
            raise Invalid("year", why)
        at = clock.now()
        w.conn.execute(insert(t.op_year_closed).values(year=year, closed_at=at,
                                                       closed_by=actor.username,
                                                       note=note.strip()))
        w.audit("operations.close_year", "op_year", year, {"year": year, "note": note.strip()})
        w.emit("operations", "close_year", year=year)
    return ClosedYear(year=year, closed_at=at, closed_by=actor.username, note=note.strip())


def record(conn: Connection, changes: list[dict[str, Any]], *, operation: str, state: str,
           agency: str, reason: str, by: str, at: datetime) -> None:
    """Keep the changes after closing of one write (each a dict of `op_late_change`'s)."""
    if changes:
        conn.execute(insert(t.op_late_change), [
            {**c, "operation": operation, "state_code": state, "agency": agency,
             "reason": reason, "changed_by": by, "changed_at": at} for c in changes])


def late_changes(conn: Connection, year: int, *, actor: Principal,
                 operation: str | None = None) -> list[LateChange]:
    """The changes after `year` was closed, oldest first, of the reports the reader may
    see (the version each brought or withdrew, read through the access filter)."""
    lc, r = t.op_late_change.c, t.op_report.c
    stmt = (access.select_visible(t.op_report, actor, t.op_late_change)
            .join(t.op_late_change, and_(
                lc.operation == r.operation, lc.state_code == r.state_code,
                lc.agency == r.agency, lc.reference == r.reference, lc.version == r.version))
            .where(lc.year == year).order_by(lc.changed_at, lc.id))
    if operation:
        stmt = stmt.where(lc.operation == operation)
    return [LateChange(year=x.year, operation=x.operation, state=x.state_code,
                       agency=x.agency, reference=x.reference, version=x.version,
                       kind=x.kind, metric=x.metric, substance=x.substance,
                       quantity_before=x.quantity_before, unit_before=x.unit_before,
                       quantity_after=x.quantity_after, unit_after=x.unit_after,
                       reason=x.reason, by=x.changed_by, at=clock.aware(x.changed_at))
            for x in conn.execute(stmt)]
