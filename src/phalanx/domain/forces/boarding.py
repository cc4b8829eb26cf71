"""Where a unit boards aircraft.

The rule (setting: the seeds and the dataset give the units' garrisons and the bases'
kinds, not how a unit reaches an aircraft):

- A unit whose garrison is an air base or an airfield boards there.
- A unit whose garrison is not (a garrison town, a node of the road network) goes by
  ground to an air base or airfield and boards there: to the one its garrison's listed
  ground times reach soonest, else to the nearest of its own state's (of any state's when
  its own has none), its time estimated as any road movement's.
- It is ready to board once it is ready and has got there; by ground it still leaves from
  its garrison. A garrison with no place known boards nowhere else.

No web or database import: the services hand it the dataset's bases and ground times.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from phalanx.domain.forces.model import ROAD_FACTOR, ROAD_KMH, Point, distance_km

AIR_KINDS = frozenset({"airbase", "airfield"})


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
