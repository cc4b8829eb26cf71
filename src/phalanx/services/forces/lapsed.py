"""The units a plan moves that may no longer serve: withdrawn from the registry, or their
certification expired, since the plan was made, and the aircraft flying its sorties
withdrawn since (`domain/forces/registry.lapsed`). The
plan keeps them until a new one is decided; each is said beside the plan, read as the
registry stands today, so that no unit leaves a deployment unsaid."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.forces.registry import (
    UnitFacts,
    grounded_warning,
    lapsed,
    lapsed_warning,
)
from phalanx.services import offered_units


def warnings(conn: Connection, movements: Iterable[dict[str, Any]], *, on: date,
             unseen: frozenset[str]) -> list[str]:
    """A line for each unit of `movements` that may no longer serve on `on`; a unit in
    `unseen` (one the reader may not see) as `restricted`, with no reason."""
    movements = list(movements)
    keys = sorted({m["unit"].partition("#")[0] for m in movements if m.get("unit")})
    if not keys:
        return []
    rows = conn.execute(access.select_visible(t.force_unit, SYSTEM).where(
        t.force_unit.c.key.in_(keys)).order_by(t.force_unit.c.key))
    out = []
    for r in rows:
        why = lapsed(UnitFacts(r.key, r.state_code, r.formation, "none", r.certified_until,
                               r.withdrawn), on)
        if why is None:
            continue
        if offered_units.is_hidden(r.key, unseen):
            out.append(lapsed_warning(offered_units.RESTRICTED, None))
        else:
            out.append(lapsed_warning(r.key, why))
    # an aircraft withdrawn since flies none of its sorties (named as the plan names it)
    planes = sorted({s["aircraft"] for m in movements for s in m.get("sorties") or []})
    out += [grounded_warning(r.key, r.state_code) for r in conn.execute(
        access.select_visible(t.force_aircraft, SYSTEM).where(
            t.force_aircraft.c.key.in_(planes or ["-"]),
            t.force_aircraft.c.withdrawn.is_(True)).order_by(t.force_aircraft.c.key))]
    return list(dict.fromkeys(out))
