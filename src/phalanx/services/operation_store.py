"""A national report's rows stored: each reference's current version (a correction a new
one, a report sent again as it stands none), in the driver's bulk path, and the totals
table the statistics read recounted from the current versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.operations.results import ResultRow


def store(conn: Connection, batch_id: int, op: str, state: str, agency: str,
           rows: list[ResultRow], synthetic: bool) -> tuple[int, list[dict[str, Any]], int]:
    """Insert a chunk; a reference already reported gets a new version, released as the
    version it replaces was, and the old one stops counting, unless it says the same as
    that version (left as it is). Returns how many were stored, the corrections (each
    with the figure it replaces) and how many were unchanged."""
    c = t.op_report.c
    refs = [r.reference for r in rows]
    existing = {r.reference: r for r in conn.execute(
        select(c.reference, c.version, c.marking, c.observers, *(c[k] for k in _SAID)).where(
            c.operation == op, c.state_code == state, c.agency == agency, c.current.is_(True),
            c.reference.in_(refs)))}
    # a report sent again as it stands is no correction: its version stays
    same = {r.reference for r in rows if r.reference in existing
            and _stored_says(existing[r.reference]) == _row_says(r)}
    rows = [r for r in rows if r.reference not in same]
    existing = {k: v for k, v in existing.items() if k not in same}
    if existing:
        conn.execute(update(t.op_report).where(
            c.operation == op, c.state_code == state, c.agency == agency,
            c.current.is_(True), c.reference.in_(list(existing))).values(current=False))
    # the driver's executemany with plain tuples: the bulk path, without per-row
    # SQLAlchemy parameter processing
    sqlite = conn.dialect.name == "sqlite"
    values = []
    corrected: list[dict[str, Any]] = []
    for r in rows:
        old = existing.get(r.reference)
        if old is not None:
            corrected.append({"reference": r.reference, "version": old.version,
                              "quantity": old.quantity, "unit": old.unit,
                              "new_quantity": r.quantity, "new_unit": r.unit})
        values.append((
            batch_id, op, r.stage, state, agency, r.reference,
            (old.version if old else 0) + 1, True, r.date.isoformat() if sqlite else r.date,
            r.metric, r.substance, r.quantity, r.unit, r.area, r.lat, r.lon, r.route_from,
            r.route_to, synthetic, "state", state,
            old.marking if old else Marking.NATIONAL.value, "",
            bool(old.observers) if old else False))
    if values:
        conn.exec_driver_sql(insert_sql(conn.dialect.name), values)
    return len(values), corrected, len(same)


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
    """Recount the totals of one state's (or one agency's) current reports."""
    c, tot = t.op_report.c, t.op_total
    where = [tot.c.operation == operation_key, tot.c.state_code == state]
    src = [c.operation == operation_key, c.state_code == state, c.current.is_(True)]
    if agency is not None:
        where.append(tot.c.agency == agency)
        src.append(c.agency == agency)
    conn.execute(tot.delete().where(*where))
    year = func.extract("year", c.day)
    keys = [getattr(c, k) for k in _TOTAL_KEYS]
    # internal bookkeeping over every row; reads of the totals go through the access filter
    select_all = access.select_visible(t.op_report, SYSTEM, *keys, year,
                                       func.sum(c.quantity), func.count())
    conn.execute(tot.insert().from_select(
        [*_TOTAL_KEYS, "year", "quantity", "reports"],
        select_all.where(*src).group_by(*keys, year)))


_INSERT_COLUMNS = ("batch_id", "operation", "stage", "state_code", "agency", "reference",
                   "version", "current", "day", "metric", "substance", "quantity", "unit",
                   "area", "lat", "lon", "route_from", "route_to", "synthetic", "owner_kind",
                   "owner", "marking", "participants", "observers")


def insert_sql(dialect: str) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    # fixed column names and placeholders only: no value is ever formatted in
    return (f"INSERT INTO op_report ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join([mark] * len(_INSERT_COLUMNS))})")
