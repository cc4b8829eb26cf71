"""What the time-space relaxation (`timespace.py`) pools: units alike into classes and
aircraft alike into kinds."""

from __future__ import annotations

import math
from dataclasses import dataclass

from phalanx.domain.forces.model import Aircraft, Point, Problem, Requirement, Unit


@dataclass(frozen=True)
class UnitClass:
    """Units alike: the same home, readiness and garrison, where and when they board,
    and the same requirements of the set they may serve; counted, with the lightest and
    the heaviest weight."""

    home: Point  # where they board (`Unit.lift_from`)
    ready: float  # when they are ready to board (`Unit.lift_ready`)
    weight: float  # the lightest of the class
    count: int
    unit: Unit  # one of them, for the ground time
    serves: tuple[str, ...]  # the requirements of the set they may serve
    heaviest: float = math.inf  # the heaviest of the class


def unit_classes(reqs: list[Requirement], cands: dict[str, list[Unit]]) -> list[UnitClass]:
    """The units that may serve `reqs` (`cands`), pooled into classes (in a fixed order)."""
    serves: dict[str, list[str]] = {}
    units: dict[str, Unit] = {}
    for r in reqs:
        for u in cands.get(r.id, ()):
            serves.setdefault(u.id, []).append(r.id)
            units[u.id] = u
    grouped: dict[tuple[object, ...], list[Unit]] = {}
    for uid, rids in serves.items():
        u = units[uid]
        grouped.setdefault((u.lift_from, u.lift_ready, u.garrison, tuple(rids), u.home,
                            u.readiness_h), []).append(u)
    return [UnitClass(k[0], k[1], min(u.weight_t for u in us), len(us),  # type: ignore[arg-type]
                   min(us, key=lambda u: u.id), k[3],  # type: ignore[arg-type]
                   max(u.weight_t for u in us))
            for k, us in sorted(grouped.items(), key=lambda kv: str(kv[0]))]


def aircraft_kinds(problem: Problem) -> dict[tuple[float, float, float, float], Aircraft]:
    """One aircraft of each kind (payload, speed, range, turnaround), by its kind."""
    out: dict[tuple[float, float, float, float], Aircraft] = {}
    for a in problem.aircraft:
        out.setdefault((a.payload_t, a.speed_kmh, a.range_km, a.turnaround_h), a)
    return out
