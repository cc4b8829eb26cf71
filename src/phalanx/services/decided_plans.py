"""The decided plan that moves a crisis's forces: the latest decided plan of its kind
that covers the crisis, whether it was run from this crisis or planned jointly from
another one (`deployment_plan.crises`). Every reading of "the crisis's deployment" (the
response card, the stage guards, progress, the inbox) goes through it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import tables as t


def decided_plan(conn: Connection, crisis_id: int, kind: str = "deployment") -> Any | None:
    """The latest decided plan of `kind` whose crises include `crisis_id`, or None."""
    p = t.deployment_plan.c
    rows = conn.execute(select(t.deployment_plan).where(
        p.status == "decided", p.kind == kind).order_by(p.id.desc()))
    return next((r for r in rows
                 if r.crisis_id == crisis_id or crisis_id in (r.crises or [])), None)
