"""A registry unit's marking: its state keeps it NATIONAL (read by that state alone, the
staff included out; a plan moving it shows its movement, not the unit) or releases it to
the Organization again. Only those acting for the unit's state re-mark it (the policy's
`why_not_change`), with a reason, audited; a unit so changed is kept by a reload of the
organization file (`edited`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Classification, Marking, why_not_change
from phalanx.domain.access.principal import Principal
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.forces.registry import UnitOut, _unit_out


class UnitMarkingIn(BaseModel):
    marking: Literal["ORGANIZATION", "NATIONAL"]
    reason: str = Field(max_length=2000, description=(
        "Why the unit is kept national or released (kept in the audit trail)."))
    revision: int | None = Field(default=None, ge=1, le=2_147_483_647, description=(
        "The unit's revision you read (optimistic lock)."))


def mark_unit(db: Database, key: str, data: UnitMarkingIn, *, actor: Principal) -> UnitOut:
    """Keep a unit NATIONAL or release it to the Organization: its own state only."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", "a re-marking needs its reason")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.force_unit, actor)
                             .where(t.force_unit.c.key == key).with_for_update()).first()
        if row is None:
            raise NotFound("unit", key)
        before = access.classification_of(row)
        if refused := why_not_change(actor, before):
            raise Forbidden(refused)
        if data.revision is not None and data.revision != row.revision:
            raise Conflict(f"unit {key} was changed meanwhile (revision {row.revision})")
        after = Classification(before.owner_kind, before.owner, Marking(data.marking))
        if after == before:
            raise Invalid("marking", f"unit {key} is marked so already")
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == key).values(
            **access.classification_values(after), edited=True, revision=row.revision + 1))
        w.audit("forces.unit.mark", "force_unit", key, {
            "before": access.classification_values(before),
            "after": access.classification_values(after), "reason": reason})
        w.emit("forces", "unit", key=key)
        return _unit_out(w.conn.execute(access.select_visible(t.force_unit, actor)
                                        .where(t.force_unit.c.key == key)).one())
