"""A national report's versions: a correction keeps the figure it replaced, and the
auditor and the reporting state read every version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.services import clock
from phalanx.services.operations import operation


def history(conn: Connection, operation_key: str, state: str, agency: str, reference: str,
            *, actor: Principal) -> list[dict[str, Any]]:
    """Every version of one report the user may see, newest first (corrections keep
    their history): what it said, its marking, and the batch that brought it (who sent
    it, when, from which file), and a withdrawn version by whom, when and why."""
    operation(conn, operation_key)
    c, b = t.op_report.c, t.op_batch.c
    rows = conn.execute(
        access.select_visible(t.op_report, actor, t.op_report, b.created_by, b.created_at,
                              b.source)
        .join_from(t.op_report, t.op_batch, c.batch_id == b.id)
        .where(c.operation == operation_key, c.state_code == state, c.agency == agency,
               c.reference == reference).order_by(c.version.desc()))
    return [{"version": r.version, "current": r.current, "day": r.day, "stage": r.stage,
             "metric": r.metric, "substance": r.substance, "quantity": r.quantity,
             "unit": r.unit, "marking": r.marking, "observers": r.observers,
             "batch": r.batch_id, "by": r.created_by, "at": clock.aware(r.created_at),
             "source": r.source, "withdrawn_at": clock.aware(r.withdrawn_at)
             if r.withdrawn_at else None, "withdrawn_by": r.withdrawn_by,
             "withdrawal_reason": r.withdrawal_reason} for r in rows]
