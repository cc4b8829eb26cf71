"""The way home: after the mission, the units deployed at a crisis's places return to
their garrisons, planned by the same planner, with the same lift, and checked by the same
checker (`flying.check`).

The reverse problem: each deployed unit (or part of a unit) is a unit *at the place it
served*, ready when it has arrived there (and not before the withdrawal starts); each has
one requirement *at its home*, which only it can serve — the requirement's capability is
`return:{unit}`, a capability no other unit has — of its own strength, needed by the
withdrawal's target. The aircraft start from their bases, as in any plan. A unit that
boards aircraft away from its garrison (`boarding.py`) comes home the same way by air:
its requirement is at the airfield it boarded at, needed by the target less its ground
time from there, and it is home that ground time after it lands (`home_h`). By ground it
goes straight home: the requirement's listed time from the unit's place is what the road
or rail takes to its garrison (listed, or the road estimate) less that ground time (less
than nothing where its garrison is nearer than the airfield: the requirement's times are
those it would be at the airfield), so that it is home when that road brings it (a
setting). A place without an airfield, where aircraft landed it at one nearby, it leaves
by air from that airfield, its ground time there first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from phalanx.domain.forces.flying import ground_hours
from phalanx.domain.forces.model import Aircraft, Point, Problem, Requirement, Unit

RETURN = "return:"


@dataclass(frozen=True)
class Deployed:
    """A unit at the place it served."""

    unit: Unit  # as in the deployment (id, state, strength, weight; home = its garrison)
    place: Point
    node: str  # the place's node, when it is one
    ready_h: float  # when it may leave, hours from the withdrawal's start
    # where aircraft land for the place when it has no airfield, and the hours by ground
    # from there (`boarding.py`): by air, the unit boards there on its way home
    lands_at: Point | None = None
    lands_h: float = 0.0


def requirement_id(unit_id: str) -> str:
    return f"home:{unit_id}"


def problem(deployed: Iterable[Deployed], aircraft: Iterable[Aircraft], crisis: str,
            needed_by_h: float, ground_times: Mapping[tuple[str, str], float] | None = None,
            weight: float = 1.0) -> Problem:
    """The return movements' problem for one crisis."""
    units: list[Unit] = []
    reqs: list[Requirement] = []
    listed = dict(ground_times or {})
    ground = dict(listed)
    for d in deployed:
        u = d.unit
        cap = f"{RETURN}{u.id}"
        back = Unit(u.id, u.state, cap, u.strength, d.place, max(0.0, d.ready_h),
                    u.weight_t, True, d.node, d.lands_at, d.lands_h if d.lands_at else 0.0)
        home = Requirement(requirement_id(u.id), crisis, cap, u.strength, u.home,
                           needed_by_h, u.garrison)
        if u.boards_at is not None:
            # by air to where it boards; by ground straight home (this unit's own pair
            # of places, with the time the road or rail takes less the ground time)
            straight = ground_hours(Problem((), (), (), ground_times=listed), back, home)
            back = replace(back, garrison=f"{cap}:from")
            home = replace(home, place=u.lift_from, needed_by_h=needed_by_h - u.boards_h,
                           node=f"{cap}:home")
            ground[(back.garrison, home.node)] = straight - u.boards_h
        units.append(back)
        reqs.append(home)
    return Problem(tuple(units), tuple(reqs), tuple(aircraft), {crisis: weight}, {}, ground)


def home_h(unit: Unit, arrive_h: float) -> float:
    """When a unit that arrived at its requirement of the way home at `arrive_h` is home:
    then, or its ground time later from the airfield it boards at."""
    return arrive_h + unit.boards_h


def span(movements: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """The withdrawal's start and end, hours: the first departure and the last arrival
    home, from (depart_h, arrive_h) per movement."""
    ms = list(movements)
    if not ms:
        return None
    return min(d for d, _ in ms), max(a for _, a in ms)
