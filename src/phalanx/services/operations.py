"""The joint operations: national result reports in, statistics and corridors out.

Ingestion checks every row (`domain/operations/results.py`), stores nothing from a
file with errors unless the reporter asks to store the valid rows, and is idempotent:
a report carries the agency's own reference and a resubmission supersedes the earlier
version (kept, not counted). A batch is one transaction and one audit entry, which names
the reports it corrects with the figure each replaces (`CORRECTIONS_AUDITED` of them).

A state's reports are NATIONAL until it releases them to the organization (and,
separately, to the observers); statistics are computed through the access filter, so
every user's totals count exactly the reports they may see. A correction of a report
already released stays released as the report was (setting): the reference was
released, and the organization's totals count the corrected figure instead of losing
the report until the next release.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, func, insert, or_, select, update

from phalanx.adapters import countries
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, StateAct, acts_for, why_not_act
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.operations import closing, months, results
from phalanx.domain.operations import corridors as corr
from phalanx.domain.operations.results import ResultRow, Stage, check_row
from phalanx.services import clock, operation_duplicates, operation_years
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.services.operation_store import rebuild_totals, store

CHUNK = 2000
CORRECTIONS_AUDITED = 200  # corrections an ingestion's audit entry names one by one


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class IngestResult:
    batch_id: int | None
    rows: int
    stored: int
    replaced: int
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0  # reports sent again as they stood: no new version
    # reports that look like another current report of the agency under another
    # reference (flagged, stored all the same: the first `operation_duplicates.FLAGS_LISTED`),
    # and how many
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    flagged: int = 0
    late: int = 0  # changes to a closed year's figures, kept with the batch's reason
    # the reports corrected: reference, the version replaced, its quantity and unit, and
    # the new ones (the first `CORRECTIONS_AUDITED`)
    corrections: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"batch": self.batch_id, "rows": self.rows, "stored": self.stored,
                "replaced": self.replaced, "unchanged": self.unchanged,
                "possible_duplicates": self.flagged, "duplicates": self.duplicates,
                "after_closing": self.late,
                "errors": [{"row": e.row, "column": e.column, "message": e.message}
                           for e in self.errors]}


def operation(conn: Connection, key: str) -> dict[str, Any]:
    org = orgs.organization(conn)
    op = org.operations.get(key)
    if op is None:
        raise NotFound("operation", key)
    return op


def _stages(op: dict[str, Any]) -> dict[str, Stage]:
    return {s["key"]: Stage(s["key"], date.fromisoformat(s["start"]),
                            date.fromisoformat(s["end"])) for s in op.get("stages", [])}


def _may_report(actor: Principal, state: str, agency: str) -> None:
    """Forbidden unless `actor` submits for `state` and `agency` (`policy.acts_for` …
    REPORT: a reporter of that state, appointed today, its state a member)."""
    if actor.role is Role.SYSTEM:
        return
    if actor.role is not Role.REPORTER:
        raise Forbidden("results are reported by the national agencies' reporters")
    if actor.state != state or (actor.agency and actor.agency.value != agency):
        raise Forbidden(f"you report for {actor.state} {actor.agency.value if actor.agency else ''}"
                        f", not for {state} {agency}".replace("  ", " "))
    if reason := why_not_act(actor, state, StateAct.REPORT):
        raise Forbidden(reason)


def why_not_submit(op: dict[str, Any], actor: Principal) -> str | None:
    """Why `actor` may not submit results of `op` for its own state and agency, said
    before a file is sent (what `ingest` refuses): "role" — results are submitted by the
    national agencies' reporters; "agency" — the reporter's agency does not take part in
    the operation. None: it may."""
    if actor.role is Role.SYSTEM:
        return None
    if not acts_for(actor, actor.state or "", StateAct.REPORT):
        return "role"
    if (actor.agency.value if actor.agency else "") not in \
            op.get("agencies", {}).get(actor.state or "", []):
        return "agency"
    return None


def ingest(db: Database, operation_key: str, state: str, agency: str,
           rows: Iterable[tuple[int, dict[str, Any]]], *, actor: Principal,
           source: str = "api", store_valid: bool = False, synthetic: bool = False,
           progress: Any = None, reason: str | None = None) -> IngestResult:
    """Check and store a batch of result rows (row number, raw values). A row that
    changes a closed year's figures needs `reason` (else it is wrong: its date names the
    year), and is then kept as a change after closing; a stored row that looks like
    another current report of the agency under another reference is flagged."""
    _may_report(actor, state, agency)
    if reason is not None and not reason.strip():
        reason = None
    if reason is not None and (problem := closing.reason_problem(reason)):
        raise Invalid("reason", problem)
    with db.read() as conn:
        op = operation(conn, operation_key)
        own = countries.state_names(orgs.organization(conn))
    seen_ends: dict[str | None, str | None] = {}  # each way of writing an end, looked up once

    def end(text: str | None) -> str | None:
        if text not in seen_ends:
            seen_ends[text] = countries.route_end(text, own)
        return seen_ends[text]
    if agency not in op.get("agencies", {}).get(state, []):
        raise Invalid("agency", f"{state} {agency} does not take part in "
                                f"{operation_key} (the operation's agencies for {state}: "
                                f"{', '.join(op.get('agencies', {}).get(state, [])) or 'none'})")
    stages = _stages(op)
    latest = clock.now().date() + timedelta(days=1)  # the members' clocks run ahead of UTC
    result = IngestResult(None, 0, 0, 0)
    seen: dict[str, int] = {}
    try:
        with db.write(actor) as w:
            # the state's reports held, then the closed years read (`hold_reports`)
            operation_years.hold_reports(w.conn, state)
            closed = frozenset(operation_years.closed_years(w.conn))
            at = clock.now()
            result.batch_id = w.conn.execute(insert(t.op_batch).values(
                operation=operation_key, state_code=state, agency=agency, source=source[:300],
                rows=0, stored=0, replaced=0, errors=[], created_by=actor.username,
                created_at=at).returning(t.op_batch.c.id)).scalar_one()
            chunk: list[ResultRow] = []

            def flush() -> None:
                done = store(w.conn, result.batch_id or 0, operation_key, state, agency,
                             chunk, synthetic, closed=closed, reason=reason)
                result.stored += done.stored
                result.unchanged += done.same
                result.replaced += len(done.corrected)
                room = CORRECTIONS_AUDITED - len(result.corrections)
                result.corrections += done.corrected[:max(room, 0)]
                for ref, years in done.refused:
                    result.errors.append(RowError(seen[ref], "date", closed_message(years)))
                operation_years.record(w.conn, done.late, operation=operation_key,
                                       state=state, agency=agency, reason=reason or "",
                                       by=actor.username, at=at)
                result.late += len(done.late)
                chunk.clear()

            # streamed: rows are checked and written in chunks inside one transaction,
            # which is rolled back if any row is wrong (unless the valid ones are wanted)
            for n, raw in rows:
                result.rows += 1
                row, problems = check_row(raw, op["kind"], stages, latest)
                if row is not None and (row.route_from or row.route_to):  # one corridor
                    ends = (end(row.route_from), end(row.route_to))
                    if ends != (row.route_from, row.route_to):
                        row = replace(row, route_from=ends[0], route_to=ends[1])
                for column, message in problems:
                    result.errors.append(RowError(n, column, message))
                if row is not None:
                    first = seen.setdefault(row.reference, n)
                    if first != n:
                        result.errors.append(RowError(
                            n, "reference", f"{row.reference!r} appears again (first at row "
                                            f"{first})"))
                    else:
                        chunk.append(row)
                        if len(chunk) >= CHUNK:
                            flush()
                if progress is not None and result.rows % 1000 == 0:
                    progress(result.rows)
            if chunk:
                flush()
            if result.errors and not store_valid:
                raise _Rejected()
            result.flagged, flags = operation_duplicates.flag(
                w.conn, result.batch_id, operation_key, state, agency)
            result.duplicates = [{**f, "row": seen.get(f["reference"])} for f in flags]
            rebuild_totals(w.conn, operation_key, state, agency)
            w.conn.execute(update(t.op_batch).where(t.op_batch.c.id == result.batch_id).values(
                rows=result.rows, stored=result.stored, replaced=result.replaced,
                errors=[e.__dict__ for e in result.errors[:1000]]))
            w.audit("operations.ingest", "op_batch", result.batch_id, {
                "operation": operation_key, "state": state, "agency": agency,
                "source": source, "rows": result.rows, "stored": result.stored,
                "replaced": result.replaced, "errors": len(result.errors),
                **({"unchanged": result.unchanged} if result.unchanged else {}),
                **({"after_closing": result.late, "reason": reason} if result.late else {}),
                **({"possible_duplicates": result.duplicates} if result.flagged else {}),
                **({"corrections": result.corrections} if result.corrections else {})})
            w.emit(f"operation:{operation_key}", "ingest", batch=result.batch_id)
    except _Rejected:
        result.batch_id, result.stored, result.replaced, result.unchanged = None, 0, 0, 0
        result.corrections, result.late = [], 0
    return result


def closed_message(years: list[int]) -> str:
    """A row changing a closed year's figures without a reason, said of its date."""
    listed = ", ".join(str(y) for y in years)
    return (f"{listed} is closed: a change to its figures needs a reason "
            "(sent with the file)")


class _Rejected(Exception):
    """A file with errors: the transaction is rolled back, nothing is stored."""


def release(db: Database, operation_key: str, *, actor: Principal,
            to_observers: bool = False, stage: str | None = None) -> int:
    """The state's representative releases its current reports of an operation to the
    organization (and, if asked, to the observers). Returns how many."""
    if actor.state is None or not acts_for(actor, actor.state, StateAct.RECORDS):
        raise Forbidden("a state's representative releases its national reports")
    with db.write(actor) as w:
        operation(w.conn, operation_key)
        operation_years.hold_reports(w.conn, actor.state)
        c = t.op_report.c
        where = [c.operation == operation_key, c.state_code == actor.state, c.current.is_(True)]
        if stage:
            where.append(c.stage == stage)
        # the reports it releases: those not yet the organization's (or the observers',
        # when asked), never those released before, so that its count is what it released
        values: dict[str, Any] = {"marking": Marking.ORGANIZATION.value}
        unreleased = c.marking == Marking.NATIONAL.value
        if to_observers:
            values["observers"] = True
            unreleased = or_(unreleased, c.observers.is_(False))
        where.append(unreleased)
        late = _released_late(w.conn, operation_key, where, actor)
        # each report released, with its marking before (the change feed tells the states
        # that read it only from the release on)
        released = [[r.id, r.marking, bool(r.observers)] for r in w.conn.execute(
            select(c.id, c.marking, c.observers).where(*where).order_by(c.id))]
        n = w.conn.execute(update(t.op_report).where(*where).values(**values)).rowcount
        for agency, changes in late.items():
            operation_years.record(w.conn, changes, operation=operation_key,
                                   state=actor.state, agency=agency, reason="",
                                   by=actor.username, at=clock.now())
        rebuild_totals(w.conn, operation_key, actor.state)
        w.audit("operations.release", "operation", operation_key, {
            "state": actor.state, "stage": stage, "to_observers": to_observers, "reports": n,
            "released": released,
            **({"after_closing": sum(len(v) for v in late.values())} if late else {})})
        return int(n)


def _released_late(conn: Connection, operation_key: str, where: list[Any],
                   actor: Principal) -> dict[str, list[dict[str, Any]]]:
    """The national reports of a closed year that a release brings into the
    organization's figures: changes after closing (kind "release"), by agency."""
    closed = operation_years.closed_years(conn)
    if not closed:
        return {}
    c = t.op_report.c
    found: dict[str, list[dict[str, Any]]] = {}
    for r in conn.execute(access.select_visible(
            t.op_report, actor, c.agency, c.reference, c.version, c.metric, c.substance,
            c.quantity, c.unit, c.day).where(*where, c.marking == Marking.NATIONAL.value,
                                             func.extract("year", c.day).in_(list(closed)))):
        found.setdefault(r.agency, []).append({
            "year": r.day.year, "reference": r.reference, "version": r.version,
            "kind": "release", "metric": r.metric, "substance": r.substance,
            "quantity_before": None, "unit_before": None, "quantity_after": r.quantity,
            "unit_after": r.unit})
    return found


# --- statistics ------------------------------------------------------------------------------

GROUPS = {"year": t.op_total.c.year, "month": t.op_total.c.month,
          "stage": t.op_total.c.stage, "state": t.op_total.c.state_code,
          "agency": t.op_total.c.agency, "substance": t.op_total.c.substance,
          "metric": t.op_total.c.metric, "unit": t.op_total.c.unit}


class TotalRow(BaseModel):
    key: dict[str, Any]
    quantity: float
    reports: int


class HistoricalTotal(BaseModel):
    metric: str
    substance: str | None
    value: float
    unit: str
    note: str
    source: str


class Statistics(BaseModel):
    operation: str
    by: list[str]
    rows: list[TotalRow]
    historical: list[HistoricalTotal]
    synthetic_reports: int = 0  # demo data among the counted reports


def _check_scope(op: dict[str, Any], *, stage: str | None = None, metric: str | None = None,
                 unit: str | None = None) -> None:
    if problem := results.scope_problem(op, stage=stage, metric=metric, unit=unit):
        raise Invalid(*problem)


def statistics(conn: Connection, operation_key: str, by: list[str], *,
               actor: Principal, stage: str | None = None, metric: str | None = None,
               year: int | None = None, unit: str | None = None) -> Statistics:
    """Totals of the current reports the user may see, grouped, beside the operation's
    historical totals (marked as such). A total never adds up different things: unless
    one metric is asked for, the metric is among the groups, and so is the unit unless one
    is asked for (kilograms and litres, rounds and firearms, are never one sum), and so is
    the year by the month unless one year is asked for (`months.groups`); `by` in the
    answer says the groups used."""
    op = operation(conn, operation_key)
    _check_scope(op, stage=stage, metric=metric, unit=unit)
    unknown = sorted(set(by) - set(GROUPS))
    if unknown:
        raise Invalid("by", f"cannot group by {unknown} (by: {', '.join(GROUPS)})")
    by = months.groups([*dict.fromkeys(by)], year)
    by += [g for g, fixed in (("metric", metric), ("unit", unit)) if not fixed and g not in by]
    cols = [GROUPS[g].label(g) for g in by]
    c = t.op_total.c
    stmt = (access.select_visible(t.op_total, actor, *cols, func.sum(c.quantity),
                                  func.sum(c.reports))
            .where(c.operation == operation_key))
    filters = [c.stage == stage if stage else None, c.metric == metric if metric else None,
               c.unit == unit if unit else None, GROUPS["year"] == year if year else None]
    stmt = stmt.where(*(f for f in filters if f is not None))
    if cols:
        stmt = stmt.group_by(*cols).order_by(*cols)
    rows = [TotalRow(key={g: (int(v) if g in ("year", "month") and v is not None else v)
                          for g, v in zip(by, r[:len(by)], strict=True)},
                     quantity=round(float(r[len(by)] or 0), 6),
                     reports=int(r[len(by) + 1] or 0))
            for r in conn.execute(stmt)]
    # the demo data among the reports counted: of the same stage, metric, unit and year
    synthetic = conn.execute(access.select_visible(t.op_total, actor, func.sum(c.reports))
                             .where(c.operation == operation_key, c.synthetic.is_(True),
                                    *(f for f in filters if f is not None))).scalar() or 0
    return Statistics(operation=operation_key, by=by, rows=rows, synthetic_reports=synthetic,
                      historical=[HistoricalTotal(**{"substance": None, "note": "",
                                                     "source": "", **h})
                                  for h in op.get("historical_totals", [])])


def corridors(conn: Connection, operation_key: str, *, actor: Principal,
              top: int = 10, stage: str | None = None,
              year: int | None = None) -> list[corr.Corridor]:
    """The most active trafficking corridors from seizures with a known route (of one
    stage or year if asked)."""
    _check_scope(operation(conn, operation_key), stage=stage)
    c = t.op_total.c
    stmt = access.select_visible(
        t.op_total, actor, c.route_from, c.route_to, func.sum(c.quantity),
        func.sum(c.reports)).where(
        c.operation == operation_key, c.metric == "seizure", c.unit == "kg",
        and_(c.route_from.is_not(None), c.route_to.is_not(None)))
    if stage:
        stmt = stmt.where(c.stage == stage)
    if year:
        stmt = stmt.where(c.year == year)
    rows = conn.execute(stmt.group_by(c.route_from, c.route_to))
    return corr.rank_totals([corr.Corridor(a, b, int(n), float(q)) for a, b, q, n in rows],
                            top)

