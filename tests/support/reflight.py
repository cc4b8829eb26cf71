"""A plan flown again from the problem's definition alone, by code of its own (no import
of the planner's checker, its distances or its objective): where each aircraft is, when
each unit may leave and arrive, what each load weighs, who may serve which crisis, and
the figures a plan reports. Tests hand it plain data, whether taken from a `Problem`
or read back through the API.

The definition: a unit leaves no earlier than its readiness; by ground it takes the
listed time between its garrison and the place when one is listed (none when they are
the same node), otherwise the great-circle distance stretched by the road factor at
convoy speed; by air its loads, each within the aircraft's payload, together carry its
weight, each loaded leg within the aircraft's range and no faster than its speed, the
unit arriving with its last load. By air a unit boards at its garrison when that is an
air base or airfield, and otherwise, having gone there by ground, at the air base or
airfield its garrison's listed ground times reach soonest, else the nearest of its own
state's (of any state's when its own has none) at the road estimate: its loads leave no
earlier than its readiness and that ground time. Aircraft land at the place when it is
an air base or airfield or within 5 km of one; otherwise at an air base or airfield of
the place's state (its node's, or the state whose territory it lies on): the one the
listed ground times to the place reach soonest, else any state's so listed, else the
nearest of the place's state (any state's when none), at the road estimate; the unit
arrives that ground time after its last load lands. An airfield with a number of places
takes no more aircraft at once on the ground where they land (a place within 5 km of it
lands there), each from its landing for its turnaround; a landing of another plan held
there counts. An aircraft flies one leg at a time:
from where it is free (its base at the start) empty to where the unit boards (refuelling
once for each range it exceeds), loaded to where it lands, then turns around there. A unit
serves once (a whole unit or its parts, never both); a unit barred from a crisis,
withheld by its state or whose certification has expired never serves it. A crisis
closes when its last unit arrives; the objective weighs each crisis's closure by its
weight."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

EARTH_KM = 6371.0
TOL = 1e-5  # hours: what rounding in stored figures may leave


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = (math.radians(x) for x in (*a, *b))
    s = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(s)))


@dataclass(frozen=True)
class Settings:
    road_kmh: float
    road_factor: float
    refuel_h: float


@dataclass(frozen=True)
class U:
    key: str
    state: str
    capability: str
    strength: int
    home: tuple[float, float]
    readiness_h: float
    weight_t: float
    garrison: str = ""
    boards: tuple[float, float] | None = None  # where it boards, when not at its home
    boards_h: float = 0.0  # by ground from its home to there

    @property
    def air_from(self) -> tuple[float, float]:
        return self.boards or self.home


@dataclass(frozen=True)
class R:
    key: str
    crisis: str
    capability: str
    strength: int
    place: tuple[float, float]
    needed_by_h: float
    node: str = ""
    lands: tuple[float, float] | None = None  # where aircraft land, when not at the place
    lands_h: float = 0.0  # by ground from there to the place

    @property
    def air_to(self) -> tuple[float, float]:
        return self.lands or self.place


@dataclass(frozen=True)
class A:
    key: str
    payload_t: float
    speed_kmh: float
    range_km: float
    base: tuple[float, float]
    turnaround_h: float


@dataclass(frozen=True)
class Leg:
    aircraft: str
    depart_h: float
    arrive_h: float
    load_t: float


@dataclass(frozen=True)
class Move:
    requirement: str
    unit: str
    mode: str
    arrive_h: float
    legs: tuple[Leg, ...] = ()


@dataclass
class Definition:
    units: Mapping[str, U]
    requirements: Mapping[str, R]
    aircraft: Mapping[str, A]
    weights: Mapping[str, float]
    settings: Settings
    listed: Mapping[tuple[str, str], float] = field(default_factory=dict)
    # the units each crisis may not use (consent withheld, certification expired, a
    # rule of the treaty), whatever the reason
    barred: set[tuple[str, str]] = field(default_factory=set)
    # where and when each aircraft is free at the plan's start (default: its base at 0)
    free: Mapping[str, tuple[float, tuple[float, float]]] = field(default_factory=dict)
    # legs already flown or flying when the plan was made (a re-plan), by aircraft:
    # (depart_h, arrive_h, where it landed); they stand as flown, whichever plan keeps them
    flown: Mapping[str, list[tuple[float, float, tuple[float, float]]]] = field(
        default_factory=dict)
    # airfields that take only so many aircraft on the ground at once: (place, places);
    # and other plans' aircraft on the ground there: (place, from, until)
    aprons: list[tuple[tuple[float, float], int]] = field(default_factory=list)
    apron_taken: list[tuple[tuple[float, float], float, float]] = field(default_factory=list)

    def ground_h(self, u: U, r: R) -> float:
        if u.garrison and r.node:
            if u.garrison == r.node:
                return 0.0
            listed = self.listed.get((u.garrison, r.node))
            if listed is not None:
                return listed
        return km(u.home, r.place) * self.settings.road_factor / self.settings.road_kmh

    def empty_h(self, a: A, frm: tuple[float, float], to: tuple[float, float]) -> float:
        d = km(frm, to)
        stops = max(0, math.ceil(d / a.range_km - 1e-9) - 1)
        return d / a.speed_kmh + stops * self.settings.refuel_h


@dataclass(frozen=True)
class Figures:
    uncovered: int
    closures: dict[str, float]
    weighted: float
    lateness: float
    sorties: int


def refly(d: Definition, moves: Iterable[Move], uncovered: Iterable[str]
          ) -> tuple[list[str], Figures]:
    """What breaks the definition in the plan (empty if nothing), and its figures."""
    moves, uncovered = list(moves), list(uncovered)
    out: list[str] = []
    served: dict[str, str] = {}
    for m in moves:
        u, r = d.units.get(m.unit), d.requirements.get(m.requirement)
        if u is None or r is None:
            out.append(f"{m.requirement}/{m.unit}: not in the problem")
            continue
        if m.unit in served:
            out.append(f"{m.unit} serves {served[m.unit]} and {m.requirement}")
        served[m.unit] = m.requirement
        if (m.unit, r.crisis) in d.barred:
            out.append(f"{m.unit} may not serve crisis {r.crisis}")
        if u.capability != r.capability or u.strength < r.strength:
            out.append(f"{m.unit} cannot meet {r.key}")
        if m.mode == "road":
            if m.legs:
                out.append(f"{r.key}: by road with flights")
            if m.arrive_h < u.readiness_h + d.ground_h(u, r) - TOL:
                out.append(f"{r.key}: {m.unit} arrives by ground at {m.arrive_h:.3f} h, "
                           f"before {u.readiness_h + d.ground_h(u, r):.3f} h")
            continue
        if not m.legs:
            out.append(f"{r.key}: by air without flights")
            continue
        if sum(leg.load_t for leg in m.legs) < u.weight_t - 1e-6:
            out.append(f"{r.key}: {m.unit}'s {u.weight_t} t not all carried")
        if abs(max(leg.arrive_h for leg in m.legs) + r.lands_h - m.arrive_h) > TOL:
            out.append(f"{r.key}: arrival is not the last load's landing and the way on")
        for leg in m.legs:
            a = d.aircraft.get(leg.aircraft)
            if a is None:
                out.append(f"{r.key}: unknown aircraft {leg.aircraft}")
                continue
            if leg.load_t > a.payload_t + 1e-6 or leg.load_t <= 0:
                out.append(f"{leg.aircraft}: a load of {leg.load_t} t")
            if leg.depart_h < u.readiness_h + u.boards_h - TOL:
                out.append(f"{leg.aircraft}: leaves with {m.unit} before it is ready")
            dist = km(u.air_from, r.air_to)
            if dist > a.range_km:
                out.append(f"{leg.aircraft}: {dist:.0f} km loaded, beyond its range")
            if leg.arrive_h - leg.depart_h < dist / a.speed_kmh - TOL:
                out.append(f"{leg.aircraft}: flies {m.unit} faster than it can")
    for whole in {k.split("#", 1)[0] for k in served if "#" in k}:
        if whole in served:
            out.append(f"{whole} serves whole and as parts")
    # each aircraft's day, leg after leg
    flights: dict[str, list[tuple[Leg, U, R]]] = {}
    for m in moves:
        if m.unit in d.units and m.requirement in d.requirements:
            for leg in m.legs:
                flights.setdefault(leg.aircraft, []).append(
                    (leg, d.units[m.unit], d.requirements[m.requirement]))
    for key, legs in flights.items():
        a = d.aircraft.get(key)
        if a is None:
            continue
        history = sorted(d.flown.get(key, []))
        done = {(dep, arr) for dep, arr, _ in history}
        day: list[tuple[float, float, tuple[float, float], U | None]] = [
            (dep, arr, where, None) for dep, arr, where in history]
        day += [(leg.depart_h, leg.arrive_h, r.air_to, u) for leg, u, r in legs
                if (leg.depart_h, leg.arrive_h) not in done]
        day.sort(key=lambda x: (x[0], x[1]))
        free_at, at = d.free.get(key, (0.0, a.base))
        for dep, arr, where, unit in day:
            if unit is not None:  # a leg the plan decides
                earliest = free_at + d.empty_h(a, at, unit.air_from)
                if dep < earliest - TOL:
                    out.append(f"{key}: leaves {unit.key}'s home at {dep:.3f} h, "
                               f"free to be there at {earliest:.3f} h")
            free_at, at = arr + a.turnaround_h, where
    # the legs flown or flying when the plan was made (kept by it or not: a unit withdrawn
    # still lands) stand as other plans' landings do
    gone = {(key, dep, arr) for key, legs in d.flown.items() for dep, arr, _ in legs}
    out += _crowded(d, [(r.air_to, leg.arrive_h, d.aircraft[leg.aircraft].turnaround_h)
                        for key, legs in flights.items() for leg, _u, r in legs
                        if key in d.aircraft
                        and (key, leg.depart_h, leg.arrive_h) not in gone],
                    [(where, arr, arr + d.aircraft[key].turnaround_h)
                     for key, legs in d.flown.items() if key in d.aircraft
                     for _dep, arr, where in legs])
    covered = [m.requirement for m in moves]
    if (len(covered) != len(set(covered)) or set(covered) & set(uncovered)
            or set(covered) | set(uncovered) != set(d.requirements)):
        out.append("requirements lost or counted twice")
    closes: dict[str, float] = {}
    late = 0.0
    for m in moves:
        r = d.requirements.get(m.requirement)
        if r is None:
            continue
        closes[r.crisis] = max(closes.get(r.crisis, 0.0), m.arrive_h)
        late += max(0.0, m.arrive_h - r.needed_by_h)
    figures = Figures(len(uncovered), closes,
                      sum(d.weights.get(c, 1.0) * h for c, h in closes.items()), late,
                      sum(len(m.legs) for m in moves))
    return out, figures


def _crowded(d: Definition, landings: list[tuple[tuple[float, float], float, float]],
             flown: list[tuple[tuple[float, float], float, float]]) -> list[str]:
    """The airfields with more aircraft on the ground than their places at some moment
    one of the plan's aircraft is there: counted at each landing while one of the plan's
    is there (the aircraft already there and still there, and itself). Other plans'
    aircraft, and those `flown` before the plan, are counted beside the plan's but do not
    make it wrong alone: it cannot move them."""
    out = []
    for field_at, places in d.aprons:
        mine = [(t, t + turn) for where, t, turn in landings if km(where, field_at) <= 5.0]
        stays = mine + [(t0, t1) for where, t0, t1 in [*d.apron_taken, *flown]
                        if km(where, field_at) <= 5.0]
        for t, _end in stays:
            if not any(s <= t + TOL and e > t + TOL for s, e in mine):
                continue
            there = sum(1 for s, e in stays if s <= t + TOL and e > t + TOL)
            if there > places:
                out.append(f"{there} aircraft on the ground at {field_at} at {t:.3f} h, "
                           f"which takes {places}")
                break
    return out
