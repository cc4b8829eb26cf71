"""Which deployment plan is in force for a crisis, and which proposal is newer than it.

Crises that compete for the same units are planned together: a plan is stored with the
crisis it was run from and names every crisis it plans (`crises`). Deciding it supersedes
the decided plans of all of them, so the plan in force for a crisis is the newest decided
one that plans it, whether run from its own room or from another crisis's. A plan
proposed after it (a re-run) is only a proposal: the units keep moving under the decided
plan until the proposal is decided in its turn.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import tables as t


def _plans(conn: Connection, crisis_id: int, status: str, kind: str) -> list[int]:
    """The ids of the plans of `kind` and `status` that plan the crisis, newest first."""
    c = t.deployment_plan.c
    rows = conn.execute(select(c.id, c.crisis_id, c.crises).where(
        c.status == status, c.kind == kind).order_by(c.id.desc()))
    return [r.id for r in rows if r.crisis_id == crisis_id or crisis_id in (r.crises or [])]


def _row(conn: Connection, plan_id: int | None) -> Any:
    if plan_id is None:
        return None
    return conn.execute(select(t.deployment_plan).where(t.deployment_plan.c.id == plan_id)
                        ).first()


def decided(conn: Connection, crisis_id: int, kind: str = "deployment") -> Any:
    """The stored plan of `kind` in force for the crisis (None: none is decided)."""
    return _row(conn, next(iter(_plans(conn, crisis_id, "decided", kind)), None))


def newer_proposal(conn: Connection, crisis_id: int, than: int | None = None) -> Any:
    """The newest deployment plan proposed for the crisis after plan `than` (any, with
    None); None when there is none."""
    ids = [i for i in _plans(conn, crisis_id, "proposed", "deployment")
           if than is None or i > than]
    return _row(conn, ids[0] if ids else None)
