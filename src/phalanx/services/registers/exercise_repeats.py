"""A joint exercise planned a second time, or a state's formation committed to one a
second time (a form sent twice, a call retried without its `Idempotency-Key`): the
register would hold two exercises for one, or count the formation's strength twice. The
second is refused, naming the first; changed in anything, it is another one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.services.errors import Conflict


def refuse_planned(conn: Connection, data: Any, actor: Principal) -> None:
    """One of the same name and series, hosted by the same state from the same day to the
    same day (one the planner may read), not cancelled: a cancellation is never undone,
    so an exercise held after all is planned again."""
    x = t.joint_exercise.c
    first = conn.execute(access.select_visible(t.joint_exercise, actor, x.key).where(
        x.name_en == data.name, x.series == data.series, x.host_state == data.host,
        x.start_on == data.start, x.end_on == data.end, x.cancelled_on.is_(None))
        .order_by(x.id)).first()
    if first is not None:
        raise Conflict(f"exercise {first.key} is planned already with this name, host and "
                       "days")


def refuse_committed(conn: Connection, exercise_id: int, key: str, data: Any) -> None:
    """The same state's same formation (its unit, its strength) in the same exercise."""
    p = t.exercise_participant.c
    if conn.execute(select(p.id).where(
            p.exercise_id == exercise_id, p.state_code == data.state,
            p.formation == data.formation, p.strength == data.strength,
            p.unit_key.is_(None) if data.unit is None else p.unit_key == data.unit)).first():
        raise Conflict(f"{data.state} takes part already in exercise {key} with "
                       f"{data.formation}")
