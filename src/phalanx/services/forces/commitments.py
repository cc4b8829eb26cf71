"""Aircraft already committed elsewhere: the sorties of the decided plans in force (a
deployment, or a way home) of crises a new plan does not re-plan. An aircraft flies one
sortie at a time, so one with such sorties not ended when the new plan starts is free for
it only where its last committed sortie lands (at the requirement's place, or at the
airfield its aircraft land at for a place without one; on the way home at the unit's
home, or at the airfield it boards at for a garrison without one), after its
turnaround — the same rule as an aircraft in the air at a re-plan
(`domain/forces/improve.py`, `repair`).

A plan that waits for such aircraft names the crises it waited for (`drew_on`): where an
aircraft starts its first sortie tells where the other crisis's plan left it, which only
those who may read that crisis see (`planning.plan_out`).

Real crises share one lift; an exercise crisis is planned alone (`problem.py`), so an
exercise's plans commit no real aircraft and a real plan commits none of an exercise's.
An exercise plans with the forces actually available, though: its plan waits for the
aircraft real plans hold, as any plan does, and leaves out the units a real operation has
(`taken_for_real`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.forces import tasks as tk
from phalanx.domain.forces.model import Point
from phalanx.services import organization as orgs
from phalanx.services import plans_in_force as in_force
from phalanx.services.clock import aware
from phalanx.services.forces.airfields import bases


def crises_of(row: Any) -> set[int]:
    """The crises a stored plan plans."""
    return {row.crisis_id, *(row.crises or [])}


@dataclass
class Committed:
    """For each aircraft with sorties not ended: when and where it is free (`free`); and
    the crises whose plans hold them (`crises`)."""

    free: dict[str, tuple[datetime, Point]] = field(default_factory=dict)
    crises: set[int] = field(default_factory=set)
    by: dict[str, int] = field(default_factory=dict)  # the crisis of its last such sortie
    # where and when they are on the ground where they land: (place, from, until), for
    # the airfields that take only so many at once (`domain/forces/apron.py`)
    ground: list[tuple[Point, datetime, datetime]] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """A line for each aircraft a plan waits for, naming the crisis that holds it (a
        plan shows each line only to those who may read that crisis)."""
        return [f"crisis {self.by[k]}: aircraft {k} is committed to its decided plan until "
                f"{when.astimezone(UTC):%Y-%m-%d %H:%M}: this plan has it from there"
                for k, (when, _where) in sorted(self.free.items())]


def committed(conn: Connection, at: datetime, *, skip: Callable[[Any], bool]) -> Committed:
    """The aircraft with sorties of a real decided plan in force (other than those `skip`
    names) that end after `at`. A movement commits its aircraft only where its plan is the
    one in force for the movement's crisis."""
    p = t.deployment_plan.c
    real = {r.id for r in conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id)
                                       .where(t.crisis.c.exercise.is_(False)))}
    rows = [r for r in conn.execute(select(t.deployment_plan).where(p.status == "decided"))
            if crises_of(r) <= real and not skip(r)]
    asked = {(c, r.kind) for r in rows for c in crises_of(r)}  # each asked once
    # a plan run for several crises is in force for those no later plan planned again:
    # only its movements for them fly (the others' are superseded there)
    plan_of = {(c, kind): getattr(in_force.decided(conn, c, kind), "id", None)
               for c, kind in asked}
    rows = [r for r in rows if r.id in plan_of.values()]
    if not rows:
        return Committed()
    turnaround = {a.key: a.turnaround_h for a in conn.execute(
        access.select_visible(t.force_aircraft, SYSTEM))}
    places = {r.id: (r.lat, r.lon) for r in conn.execute(
        select(t.force_requirement.c.id, t.force_requirement.c.lat,
               t.force_requirement.c.lon))}
    homes = {u.key: (u.lat, u.lon) for u in conn.execute(
        access.select_visible(t.force_unit, SYSTEM))}
    airfields = {b.key: b.place for b in bases(orgs.organization(conn).forces)}
    free: dict[str, tuple[datetime, Point]] = {}
    holding: set[int] = set()
    by: dict[str, int] = {}
    ground: list[tuple[Point, datetime, datetime]] = []
    for r in rows:
        start = aware(r.starts_at)
        for m in r.movements:
            if plan_of.get((m["crisis_id"], r.kind)) != r.id:
                continue
            lands = _lands(m, r.kind, places, homes, airfields)
            if lands is None:
                continue
            for s in m["sorties"]:
                done = start + timedelta(hours=s["arrive_h"]
                                         + turnaround.get(s["aircraft"], 0.0))
                if done > at:
                    holding.add(m["crisis_id"])
                    ground.append((lands, done - timedelta(hours=turnaround.get(
                        s["aircraft"], 0.0)), done))
                    if done > free.get(s["aircraft"], (at,))[0]:
                        free[s["aircraft"]] = (done, lands)
                        by[s["aircraft"]] = m["crisis_id"]
    return Committed(free, holding, by, ground)


def _lands(m: dict[str, Any], kind: str, places: dict[int, Point],
           homes: dict[str, Point], airfields: dict[str, Point]) -> Point | None:
    """Where the aircraft of a stored movement land: for a deployment, at the airfield
    its aircraft land at for a place without one (`lands_at`), else at the requirement's
    place; on the way home, at the airfield a unit of a garrison without one boards at
    (`boards`), else at the unit's home."""
    if kind == "withdrawal":
        board = airfields.get(m["boards"]) if m.get("boards") else None
        return board or homes.get(tk.whole_of(m["unit"]))
    if m.get("lands_at"):
        return (m["lands_at"][0], m["lands_at"][1])
    return places.get(m["requirement"])


# why an exercise plans without a unit a real operation has (naming no crisis: the
# exercise's planner may not read it)
TAKEN = "taken by a real operation: a decided deployment plan in force moves or holds it"


def taken_for_real(conn: Connection, at: datetime) -> set[str]:
    """The registry units a real operation has at `at`: moved or held by the decided
    deployment plan in force of a real crisis still being answered, and not yet home by
    its decided way home. An exercise plans with the forces actually available: these are
    barred from its plans (`problem.build`), whose crisis competes with no real one."""
    from phalanx.domain.crisis.workflow import FINAL, Stage

    out: set[str] = set()
    for c in conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id,
                                                t.crisis.c.stage)
                          .where(t.crisis.c.exercise.is_(False))):
        if Stage(c.stage) in FINAL:
            continue
        plan = in_force.decided(conn, c.id, "deployment")
        if plan is None:
            continue
        units = {tk.whole_of(m["unit"]) for m in plan.movements if m["crisis_id"] == c.id}
        home = in_force.decided(conn, c.id, "withdrawal")
        if home is not None:
            start = aware(home.starts_at)
            units -= {tk.whole_of(m["unit"]) for m in home.movements
                      if start + timedelta(hours=m["arrive_h"]) <= at}
        out |= units
    return out


def ground_from(at: datetime, held: Committed) -> tuple[tuple[Point, float, float], ...]:
    """Where and when the aircraft held are on the ground, in hours after `at`."""
    return tuple((where, (start - at).total_seconds() / 3600, (end - at).total_seconds() / 3600)
                 for where, start, end in held.ground)


def hours_from(at: datetime, held: Committed) -> dict[str, tuple[float, Point]]:
    """When and where each aircraft is free in the planner's terms: hours after `at`."""
    return {k: ((when - at).total_seconds() / 3600, where)
            for k, (when, where) in held.free.items()}
