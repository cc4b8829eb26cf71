"""A report withdrawn: sent by mistake (the wrong operation, the wrong agency, test
data), it stops counting in every total, chart, corridor, file and report, while its
versions stay readable (the withdrawn one says by whom, when and why). Withdrawn by its
agency's own reporter or by the Secretariat (setting), with a reason, audited; a change
after its year was closed is kept as such; its reference may be reported again later, as
a new report (the next version, national until released)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Classification, Marking, OwnerKind, reviews_reports
from phalanx.domain.access.principal import Principal
from phalanx.domain.operations import closing
from phalanx.services import clock, operation_duplicates, operation_years
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.services.operation_store import rebuild_totals
from phalanx.services.operations import operation


def _current(conn: Connection, operation_key: str, state: str, agency: str, reference: str,
             actor: Principal) -> Any:
    c = t.op_report.c
    return conn.execute(access.select_visible(t.op_report, actor, t.op_report).where(
        c.operation == operation_key, c.state_code == state, c.agency == agency,
        c.reference == reference, c.current.is_(True))).first()


def withdraw(db: Database, operation_key: str, state: str, agency: str, reference: str,
             reason: str, *, actor: Principal) -> dict[str, Any]:
    """Withdraw the current version of one report. Returns what was withdrawn."""
    if problem := closing.reason_problem(reason):
        raise Invalid("reason", problem)
    reason = reason.strip()
    with db.write(actor) as w:
        operation(w.conn, operation_key)
        operation_years.hold_reports(w.conn, state)  # then the report and the closed years
        row = _current(w.conn, operation_key, state, agency, reference, actor)
        if row is None:
            raise NotFound("report", f"{state}/{agency}/{reference}")
        if not reviews_reports(actor, state, agency):
            raise Forbidden("a report is withdrawn by its agency's reporter or by the "
                            "Secretariat")
        at = clock.now()
        w.conn.execute(update(t.op_report).where(t.op_report.c.id == row.id).values(
            current=False, withdrawn_at=at, withdrawn_by=actor.username,
            withdrawal_reason=reason))
        closed = operation_years.closed_years(w.conn)
        late = [{"year": year, "reference": reference, "version": row.version,
                 "kind": "withdrawal", "metric": row.metric, "substance": row.substance,
                 "quantity_before": row.quantity, "unit_before": row.unit,
                 "quantity_after": None, "unit_after": None}
                for year in closing.closed_touched([row.day], closed)]
        operation_years.record(w.conn, late, operation=operation_key, state=state,
                               agency=agency, reason=reason, by=actor.username, at=at)
        flags = operation_duplicates.resolve_withdrawn(w.conn, operation_key, state, agency,
                                                       reference, actor.username, at)
        rebuild_totals(w.conn, operation_key, state, agency)
        w.audit("operations.withdraw", "op_report", row.id, {
            "operation": operation_key, "state": state, "agency": agency,
            "reference": reference, "version": row.version, "quantity": row.quantity,
            "unit": row.unit, "reason": reason,
            **({"after_closing": [c["year"] for c in late]} if late else {}),
            **({"duplicates_resolved": flags} if flags else {})})
        w.emit(f"operation:{operation_key}", "withdraw", classification=Classification(
            OwnerKind.STATE, state, Marking(row.marking), observers=bool(row.observers),
            agency=agency))
    return {"reference": reference, "version": row.version, "quantity": row.quantity,
            "unit": row.unit, "withdrawn_at": at, "withdrawn_by": actor.username,
            "reason": reason, "after_closing": [c["year"] for c in late]}
