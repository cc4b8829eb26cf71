"""The deployment planner's model: units, requirements, aircraft, sorties and movements,
the problem, who may serve what (`eligible`), and the objective.

Objective, in order: uncovered requirements, weighted crisis closure times (a crisis
closes when its last requirement arrives; the sum of each crisis's weight times its
closure in hours, so in weighted hours), lateness against needed-by, sorties.
Unit weights, strengths and the rules that bar a unit come from the registry and the
consent recorded per crisis; the speeds and factors below are settings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

ROAD_KMH = 45.0  # convoy speed by road
ROAD_FACTOR = 1.3  # roads are longer than great circles
EPS = 1e-6
REFUEL_H = 1.0  # a stop to refuel on an empty ferry flight beyond range

Point = tuple[float, float]


@lru_cache(maxsize=200_000)
def distance_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Unit:
    id: str
    state: str
    capability: str
    strength: int
    home: Point
    readiness_h: float
    weight_t: float
    available: bool = True  # its state made it available (for every crisis of the problem)
    garrison: str = ""  # node key of its home, for listed ground movement times
    # where it boards aircraft when its home has no airfield, and the hours it takes to
    # get there from its home (`boarding.py`); None: it boards at its home
    boards_at: Point | None = None
    boards_h: float = 0.0

    @property
    def lift_from(self) -> Point:
        """Where aircraft load it: its home, or the airfield it boards at."""
        return self.boards_at or self.home

    @property
    def lift_ready(self) -> float:
        """When it is ready to board: its readiness, and the way to where it boards."""
        return self.readiness_h + self.boards_h


@dataclass(frozen=True)
class Requirement:
    id: str
    crisis: str
    capability: str
    strength: int
    place: Point
    needed_by_h: float
    node: str = ""  # node key of the place, when it is one
    # where the rules barring a unit are looked up, if not under its crisis: a task that
    # requires a state's units has bars of its own ("{crisis}/{state}", `tasks.py`),
    # while it closes with its crisis
    bars: str = ""
    # where aircraft land for it when its place has no airfield, and the hours from there
    # to its place by ground (`boarding.py`); None: they land at its place
    lands_at: Point | None = None
    lands_h: float = 0.0

    @property
    def drop(self) -> Point:
        """Where aircraft land for it: its place, or the airfield nearest it by ground."""
        return self.lands_at or self.place

    @property
    def bar_key(self) -> str:
        """The key its bars are under: `bars`, else its crisis."""
        return self.bars or self.crisis


@dataclass(frozen=True)
class Aircraft:
    id: str
    kind: str
    payload_t: float
    speed_kmh: float
    range_km: float
    base: Point
    turnaround_h: float = 2.0


@dataclass(frozen=True)
class Sortie:
    aircraft: str
    unit: str
    requirement: str
    depart_h: float  # loaded, from the unit's home
    arrive_h: float
    load_t: float
    start: Point  # where the aircraft was before flying to the unit


@dataclass(frozen=True)
class Movement:
    requirement: str
    unit: str
    mode: str  # "road" or "air"
    arrive_h: float
    sorties: tuple[Sortie, ...] = ()


@dataclass(frozen=True)
class Problem:
    units: tuple[Unit, ...]
    requirements: tuple[Requirement, ...]
    aircraft: tuple[Aircraft, ...]
    crisis_weight: dict[str, float] = field(default_factory=dict)
    # (unit, crisis) pairs a rule or a withheld consent bars, with the reason
    barred: dict[tuple[str, str], str] = field(default_factory=dict)
    # listed ground movement times between nodes, hours: (from, to) -> hours
    ground_times: dict[tuple[str, str], float] = field(default_factory=dict)
    # where and when each aircraft is free at the start (repair); default: its base at 0
    aircraft_start: dict[str, tuple[float, Point]] = field(default_factory=dict)
    # movements already under way, kept as they are (repair)
    fixed: tuple[Movement, ...] = ()
    # airfields that take only so many aircraft on the ground at once: (place, places);
    # and other plans' aircraft on the ground there: (place, from, until) (`apron.py`)
    aprons: tuple[tuple[Point, int], ...] = ()
    apron_taken: tuple[tuple[Point, float, float], ...] = ()

    def start_of(self, a: Aircraft) -> tuple[float, Point]:
        return self.aircraft_start.get(a.id, (0.0, a.base))


@dataclass(frozen=True)
class Objective:
    uncovered: int
    closure: float  # sum over crises of weight x closure time: weighted hours
    lateness: float  # hours past needed-by, summed
    sorties: int

    def key(self) -> tuple[int, float, float, int]:
        return (self.uncovered, round(self.closure, 6), round(self.lateness, 6), self.sorties)


@dataclass(frozen=True)
class Plan:
    movements: tuple[Movement, ...]
    uncovered: tuple[str, ...]
    objective: Objective
    method: str = "greedy"


def eligible(unit: Unit, req: Requirement, barred: dict[tuple[str, str], str] | None = None
             ) -> bool:
    return (unit.available and unit.capability == req.capability
            and unit.strength >= req.strength
            and not (barred and (unit.id, req.bar_key) in barred))


def objective(problem: Problem, movements: Iterable[Movement], uncovered: int) -> Objective:
    req = {r.id: r for r in problem.requirements}
    close: dict[str, float] = {}
    lateness = 0.0
    sorties = 0
    for m in movements:
        r = req[m.requirement]
        close[r.crisis] = max(close.get(r.crisis, 0.0), m.arrive_h)
        lateness += max(0.0, m.arrive_h - r.needed_by_h)
        sorties += len(m.sorties)
    closure = sum(problem.crisis_weight.get(c, 1.0) * t for c, t in close.items())
    return Objective(uncovered, closure, lateness, sorties)


def closures(problem: Problem, movements: Iterable[Movement]) -> dict[str, float]:
    """Each crisis's closure in hours: when its last requirement arrives."""
    req = {r.id: r for r in problem.requirements}
    close: dict[str, float] = {}
    for m in movements:
        c = req[m.requirement].crisis
        close[c] = max(close.get(c, 0.0), m.arrive_h)
    return dict(sorted(close.items()))
