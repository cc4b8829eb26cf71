"""Look-alike reports: the same agency's current reports that say the same day, place,
metric, substance and quantity under two references are likely one result sent twice.
They are flagged, not refused (two equal seizures on one day at one post happen): at
ingestion, which says so, and in a list the analyst reviews and resolves by keeping both
(`resolve`) or by withdrawing one (`operation_withdrawal.withdraw`, which resolves its
flags). A flag is read only by who may read both reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    Connection,
    DateTime,
    and_,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import aliased

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import reviews_reports
from phalanx.domain.access.principal import Principal
from phalanx.domain.operations import closing
from phalanx.services import clock
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound

FLAGS_LISTED = 200  # flags an ingestion's answer names one by one


class Duplicate(BaseModel):
    id: int
    operation: str
    state: str
    agency: str
    reference: str
    other_reference: str
    batch: int
    flagged_at: datetime
    resolution: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None
    # what both say (of the current version of the reference flagged, if any)
    day: date | None = None
    area: str | None = None
    metric: str | None = None
    substance: str | None = None
    quantity: float | None = None
    unit: str | None = None


def flag(conn: Connection, batch_id: int, operation: str, state: str, agency: str
         ) -> tuple[int, list[dict[str, Any]]]:
    """Flag the reports `batch_id` stored that look like another current report of the
    agency under another reference (a pair once flagged is not flagged again, whatever
    its resolution). Returns how many new flags, and the first `FLAGS_LISTED` of them:
    the reference and the one it looks like. In one statement (a batch of a million rows
    names no reference one by one)."""
    new, other, d = aliased(t.op_report), aliased(t.op_report), t.op_duplicate.c
    # a pair flagged either way round; two lookups, each by the flags' index on the
    # reference (one condition with OR would read every flag of the agency for each pair)
    def known(ref: Any, other_ref: Any) -> Any:
        return exists(select(d.id).where(
            d.operation == operation, d.state_code == state, d.agency == agency,
            d.reference == ref, d.other_reference == other_ref))
    pairs = (
        select(new.c.operation, new.c.state_code, new.c.agency, new.c.reference,
               other.c.reference, new.c.batch_id, literal(clock.now(), DateTime(timezone=True)))
        .select_from(new).join(other, and_(
            other.c.operation == new.c.operation, other.c.state_code == new.c.state_code,
            other.c.agency == new.c.agency, other.c.day == new.c.day,
            other.c.quantity == new.c.quantity, other.c.current.is_(True),
            other.c.reference != new.c.reference, other.c.metric == new.c.metric,
            other.c.substance.is_not_distinct_from(new.c.substance),
            other.c.unit == new.c.unit, other.c.area == new.c.area))
        .where(new.c.batch_id == batch_id, new.c.current.is_(True),
               new.c.operation == operation, new.c.state_code == state,
               new.c.agency == agency,
               # within the batch, each pair once
               or_(other.c.batch_id != batch_id, other.c.reference < new.c.reference),
               ~known(new.c.reference, other.c.reference),
               ~known(other.c.reference, new.c.reference))
        .order_by(new.c.reference, other.c.reference))
    conn.execute(insert(t.op_duplicate).from_select(
        ["operation", "state_code", "agency", "reference", "other_reference", "batch_id",
         "flagged_at"], pairs))
    n = conn.execute(select(func.count()).where(d.batch_id == batch_id)).scalar_one()
    listed = conn.execute(select(d.reference, d.other_reference).where(
        d.batch_id == batch_id).order_by(d.id).limit(FLAGS_LISTED)).all()
    return int(n), [{"reference": a, "like": b} for a, b in listed]


def _visible_refs(conn: Connection, actor: Principal, keys: set[tuple[str, str, str, str]]
                  ) -> set[tuple[str, str, str, str]]:
    """Which (operation, state, agency, reference) the reader may read as they stand: their
    latest version (a reference released once, withdrawn and reported again is national
    until released again, and so is what a flag on it says)."""
    if not keys:
        return set()
    r, later = t.op_report.c, aliased(t.op_report)
    cols = (r.operation, r.state_code, r.agency, r.reference)
    latest = select(func.max(later.c.version)).where(
        later.c.operation == r.operation, later.c.state_code == r.state_code,
        later.c.agency == r.agency, later.c.reference == r.reference).scalar_subquery()
    return {tuple(x) for x in conn.execute(  # type: ignore[misc]
        access.select_visible(t.op_report, actor, *cols)
        .where(tuple_(*cols).in_(sorted(keys)), r.version == latest).distinct())}


def duplicates(conn: Connection, operation: str, *, actor: Principal,
               open_only: bool = True) -> list[Duplicate]:
    """The flags of `operation` the reader may see (both reports), open ones or all,
    each with what the flagged report says."""
    d = t.op_duplicate.c
    stmt = select(t.op_duplicate).where(d.operation == operation).order_by(d.id)
    if open_only:
        stmt = stmt.where(d.resolution.is_(None))
    rows = conn.execute(stmt).all()
    keys = {(x.operation, x.state_code, x.agency, ref) for x in rows
            for ref in (x.reference, x.other_reference)}
    seen = _visible_refs(conn, actor, keys)
    rows = [x for x in rows if (x.operation, x.state_code, x.agency, x.reference) in seen
            and (x.operation, x.state_code, x.agency, x.other_reference) in seen]
    r = t.op_report.c
    said = {(x.state_code, x.agency, x.reference): x for x in conn.execute(
        access.select_visible(t.op_report, actor, r.state_code, r.agency, r.reference,
                              r.day, r.area, r.metric, r.substance, r.quantity, r.unit)
        .where(r.operation == operation, r.current.is_(True),
               tuple_(r.state_code, r.agency, r.reference).in_(
                   sorted({(x.state_code, x.agency, x.reference) for x in rows}))))
    } if rows else {}
    out = []
    for x in rows:
        s = said.get((x.state_code, x.agency, x.reference))
        out.append(Duplicate(
            id=x.id, operation=x.operation, state=x.state_code, agency=x.agency,
            reference=x.reference, other_reference=x.other_reference, batch=x.batch_id,
            flagged_at=clock.aware(x.flagged_at), resolution=x.resolution,
            resolved_by=x.resolved_by,
            resolved_at=clock.aware(x.resolved_at) if x.resolved_at else None, note=x.note,
            **({"day": s.day, "area": s.area, "metric": s.metric,
                "substance": s.substance, "quantity": s.quantity, "unit": s.unit}
               if s else {})))
    return out



def resolve(db: Database, operation: str, flag_id: int, note: str, *,
            actor: Principal) -> Duplicate:
    """Keep both reports of an open flag: they are two results. Audited
    (`operations.keep_duplicates`, about the flagged report)."""
    if len(note) > closing.REASON_MAX:
        raise Invalid("note", f"at most {closing.REASON_MAX} characters ({len(note)} given)")
    with db.write(actor) as w:
        found = [x for x in duplicates(w.conn, operation, actor=actor, open_only=False)
                 if x.id == flag_id]
        if not found:
            raise NotFound("possible duplicate", str(flag_id))
        x = found[0]
        if not reviews_reports(actor, x.state, x.agency):
            raise Forbidden("a possible duplicate is resolved by the Secretariat or by the "
                            "reporting agency's reporter")
        # read again under the flag's lock: kept or withdrawn meanwhile by another
        d = t.op_duplicate.c
        held = w.conn.execute(select(d.resolution, d.resolved_by).where(
            d.id == flag_id).with_for_update()).one()
        if held.resolution is not None:
            raise Invalid("flag", f"already resolved ({held.resolution}, by "
                                  f"{held.resolved_by})")
        at = clock.now()
        w.conn.execute(update(t.op_duplicate).where(t.op_duplicate.c.id == flag_id).values(
            resolution="kept", resolved_by=actor.username, resolved_at=at,
            note=note.strip() or None))
        report_id = _report_id(w.conn, x)
        w.audit("operations.keep_duplicates", "op_report", report_id, {
            "operation": operation, "state": x.state, "agency": x.agency,
            "reference": x.reference, "other_reference": x.other_reference,
            "flag": flag_id, "note": note.strip()})
        w.emit(f"operation:{operation}", "duplicate", flag=flag_id)
    return x.model_copy(update={"resolution": "kept", "resolved_by": actor.username,
                                "resolved_at": at, "note": note.strip() or None})


def _report_id(conn: Connection, x: Duplicate) -> int:
    r = t.op_report.c
    return int(conn.execute(select(r.id).where(
        r.operation == x.operation, r.state_code == x.state, r.agency == x.agency,
        r.reference == x.reference).order_by(r.version.desc()).limit(1)).scalar_one())


def resolve_withdrawn(conn: Connection, operation: str, state: str, agency: str,
                      reference: str, by: str, at: datetime) -> int:
    """Resolve the open flags naming a report just withdrawn. Returns how many."""
    d = t.op_duplicate.c
    return int(conn.execute(update(t.op_duplicate).where(
        d.operation == operation, d.state_code == state, d.agency == agency,
        d.resolution.is_(None),
        or_(d.reference == reference, d.other_reference == reference)).values(
        resolution="withdrawn", resolved_by=by, resolved_at=at,
        note=f"{reference} withdrawn")).rowcount)
