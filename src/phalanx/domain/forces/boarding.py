"""Where a unit boards aircraft, and where aircraft land for a place.

The rule for boarding (setting: the seeds and the dataset give the units' garrisons and
the bases' kinds, not how a unit reaches an aircraft):

- A unit whose garrison is an air base or an airfield boards there.
- A unit whose garrison is not (a garrison town, a node of the road network) goes by
  ground to an air base or airfield and boards there: to the one its garrison's listed
  ground times reach soonest, else to the nearest of its own state's (of any state's when
  its own has none), its time estimated as any road movement's.
- It is ready to board once it is ready and has got there; by ground it still leaves from
  its garrison. A garrison with no place known boards nowhere else.

The rule for landing (setting, alike): aircraft land for a requirement at its place when
the place is an air base or an airfield, or lies within `AT_AIRFIELD_KM` of one.
Otherwise they land at an air base or airfield of the place's state (the state of its
node, else the one the services name, else any): the one its listed ground times reach
soonest, else any state's its listed times reach soonest, else the nearest, at the road
estimate; and the unit goes on by ground. It has arrived when it gets to the place.

No web or database import: the services hand it the dataset's bases and ground times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from phalanx.domain.forces.model import ROAD_FACTOR, ROAD_KMH, Point, distance_km

AIR_KINDS = frozenset({"airbase", "airfield"})
AT_AIRFIELD_KM = 5.0  # a place this near an airfield is at it (setting)


@dataclass(frozen=True)
class Base:
    key: str
    state: str
    kind: str  # airbase, airfield, garrison, node
    place: Point


@dataclass(frozen=True)
class Boarding:
    """Where a unit of a garrison boards, and the hours from its garrison to there."""

    base: str
    place: Point
    hours: float


def boarding(garrison: str, bases: Iterable[Base],
             ground_times: Mapping[tuple[str, str], float]) -> Boarding | None:
    """Where a unit of `garrison` boards aircraft when not at its garrison (None: there, or
    the garrison is not a base of the dataset, or no air base or airfield is known)."""
    every = {b.key: b for b in bases}
    home = every.get(garrison)
    if home is None or home.kind in AIR_KINDS:
        return None
    air = [b for b in every.values() if b.kind in AIR_KINDS]
    listed = [(h, b.key) for b in air if (h := ground_times.get((garrison, b.key))) is not None]
    if listed:
        hours, key = min(listed)
        return Boarding(key, every[key].place, hours)
    mine = [b for b in air if b.state == home.state] or air
    if not mine:
        return None
    near = min(mine, key=lambda b: (distance_km(home.place, b.place), b.key))
    return Boarding(near.key, near.place,
                    distance_km(home.place, near.place) * ROAD_FACTOR / ROAD_KMH)


def boardings(bases: Iterable[Base], ground_times: Mapping[tuple[str, str], float]
              ) -> dict[str, Boarding]:
    """Where the units of each garrison that is not an air base or airfield board."""
    every = list(bases)
    out = {}
    for b in every:
        found = boarding(b.key, every, ground_times)
        if found is not None:
            out[b.key] = found
    return out


def landing(place: Point, node: str, bases: Iterable[Base],
            ground_times: Mapping[tuple[str, str], float], state: str = ""
            ) -> Boarding | None:
    """Where aircraft land for a requirement at `place` (its node `node`, when it is one;
    `state`: the place's state when its node does not say) and the hours by ground from
    there to the place (None: at the place itself, or no air base or airfield is known)."""
    every = {b.key: b for b in bases}
    at = every.get(node)
    if at is not None:
        if at.kind in AIR_KINDS:
            return None
        place, state = at.place, at.state or state
    air = [b for b in every.values() if b.kind in AIR_KINDS]
    if not air or min(distance_km(place, b.place) for b in air) <= AT_AIRFIELD_KM:
        return None
    listed = [(h, b.state != state, b.key) for b in air
              if at is not None and (h := ground_times.get((b.key, node))) is not None]
    if listed:
        hours, _away, key = min(listed, key=lambda x: (x[1], x[0], x[2]))
        return Boarding(key, every[key].place, hours)
    mine = [b for b in air if b.state == state] or air
    near = min(mine, key=lambda b: (distance_km(place, b.place), b.key))
    return Boarding(near.key, near.place,
                    distance_km(place, near.place) * ROAD_FACTOR / ROAD_KMH)
