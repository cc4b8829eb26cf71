"""A national report's rows stored: each reference's current version (a correction a new
one, a report sent again as it stands none), in the driver's bulk path, and the totals
table the statistics read recounted from the current versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.operations import closing
from phalanx.domain.operations.results import ResultRow


@dataclass
class Stored:
    """What a chunk did: how many versions stored, the corrections (each with the figure it
    replaces), how many were unchanged, the rows refused because they change a closed
    year without a reason (reference, years), and the changes after closing made."""

    stored: int = 0
    corrected: list[dict[str, Any]] = field(default_factory=list)
    same: int = 0
    refused: list[tuple[str, list[int]]] = field(default_factory=list)
    late: list[dict[str, Any]] = field(default_factory=list)


def store(conn: Connection, batch_id: int, op: str, state: str, agency: str,
          rows: list[ResultRow], synthetic: bool, *, closed: frozenset[int] = frozenset(),
          reason: str | None = None) -> Stored:
    """Insert a chunk; a reference already reported gets a new version, released as the
    version it replaces was, and the old one stops counting, unless it says the same as
    that version (left as it is). A reference withdrawn earlier is reported anew (the next
    version, national again). A change to a report of a closed year needs `reason`: without
    one the row is refused (`refused`), with one it is kept as a change after closing."""
    c = t.op_report.c
    out = Stored()
    refs = [r.reference for r in rows]
    existing = {r.reference: r for r in conn.execute(
        select(c.reference, c.version, c.marking, c.observers, *(c[k] for k in _SAID)).where(
            c.operation == op, c.state_code == state, c.agency == agency, c.current.is_(True),
            c.reference.in_(refs)))}
    # a report sent again as it stands is no correction: its version stays
    same = {r.reference for r in rows if r.reference in existing
            and _stored_says(existing[r.reference]) == _row_says(r)}
    out.same = len(same)
    rows = [r for r in rows if r.reference not in same]
    kept = []
    for r in rows:
        old = existing.get(r.reference)
        years = closing.closed_touched((r.date, old.day if old else None), closed)
        if years and reason is None:
            out.refused.append((r.reference, years))
        else:
            kept.append(r)
    rows = kept
    existing = {r.reference: existing[r.reference] for r in rows if r.reference in existing}
    # the last version of a reference with none current (withdrawn): the next one follows
    last = dict(conn.execute(select(c.reference, func.max(c.version)).where(
        c.operation == op, c.state_code == state, c.agency == agency,
        c.reference.in_([r.reference for r in rows if r.reference not in existing]))
        .group_by(c.reference)).all()) if len(existing) < len(rows) else {}
    if existing:
        conn.execute(update(t.op_report).where(
            c.operation == op, c.state_code == state, c.agency == agency,
            c.current.is_(True), c.reference.in_(list(existing))).values(current=False))
    # the driver's executemany with plain tuples: the bulk path, without per-row
    # SQLAlchemy parameter processing
    sqlite = conn.dialect.name == "sqlite"
    values = []
    for r in rows:
        old = existing.get(r.reference)
        version = (old.version if old else last.get(r.reference, 0)) + 1
        if old is not None:
            out.corrected.append({"reference": r.reference, "version": old.version,
                                  "quantity": old.quantity, "unit": old.unit,
                                  "new_quantity": r.quantity, "new_unit": r.unit})
        for year in closing.closed_touched((r.date, old.day if old else None), closed):
            out.late.append({
                "year": year, "reference": r.reference, "version": version,
                "kind": "correction" if old else "new", "metric": r.metric,
                "substance": r.substance or None,
                "quantity_before": old.quantity if old and old.day.year == year else None,
                "unit_before": old.unit if old and old.day.year == year else None,
                "quantity_after": r.quantity if r.date.year == year else None,
                "unit_after": r.unit if r.date.year == year else None})
        values.append((
            batch_id, op, r.stage, state, agency, r.reference,
            version, True, r.date.isoformat() if sqlite else r.date,
            r.metric, r.substance, r.quantity, r.unit, r.area, r.lat, r.lon, r.route_from,
            r.route_to, synthetic, "state", state,
            old.marking if old else Marking.NATIONAL.value, "",
            bool(old.observers) if old else False))
    if values:
        conn.exec_driver_sql(insert_sql(conn.dialect.name), values)
    out.stored = len(values)
    return out


# what a report says: sent again with all of it the same, it is unchanged
_SAID = ("day", "stage", "metric", "substance", "quantity", "unit", "area", "lat", "lon",
         "route_from", "route_to")


def _stored_says(r: Any) -> tuple[Any, ...]:
    return (r.day, r.stage, r.metric, r.substance or None, r.quantity, r.unit, r.area or None,
            r.lat, r.lon, r.route_from, r.route_to)


def _row_says(r: ResultRow) -> tuple[Any, ...]:
    return (r.date, r.stage, r.metric, r.substance or None, r.quantity, r.unit, r.area or None,
            r.lat, r.lon, r.route_from, r.route_to)


_TOTAL_KEYS = ("operation", "stage", "state_code", "agency", "metric", "substance", "unit",
               "route_from", "route_to", "synthetic", "owner_kind", "owner", "marking",
               "participants", "observers")


def rebuild_totals(conn: Connection, operation_key: str, state: str,
                   agency: str | None = None) -> None:
    """Recount the totals of one state's (or one agency's) current reports, by year and
    month of their days."""
    c, tot = t.op_report.c, t.op_total
    where = [tot.c.operation == operation_key, tot.c.state_code == state]
    src = [c.operation == operation_key, c.state_code == state, c.current.is_(True)]
    if agency is not None:
        where.append(tot.c.agency == agency)
        src.append(c.agency == agency)
    conn.execute(tot.delete().where(*where))
    year, month = func.extract("year", c.day), func.extract("month", c.day)
    keys = [getattr(c, k) for k in _TOTAL_KEYS]
    # internal bookkeeping over every row; reads of the totals go through the access filter
    select_all = access.select_visible(t.op_report, SYSTEM, *keys, year, month,
                                       func.sum(c.quantity), func.count())
    conn.execute(tot.insert().from_select(
        [*_TOTAL_KEYS, "year", "month", "quantity", "reports"],
        select_all.where(*src).group_by(*keys, year, month)))


_INSERT_COLUMNS = ("batch_id", "operation", "stage", "state_code", "agency", "reference",
                   "version", "current", "day", "metric", "substance", "quantity", "unit",
                   "area", "lat", "lon", "route_from", "route_to", "synthetic", "owner_kind",
                   "owner", "marking", "participants", "observers")


def insert_sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    # fixed column names and placeholders only: no value is ever formatted in
    return (f"INSERT INTO op_report ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join([mark] * len(_INSERT_COLUMNS))})")
