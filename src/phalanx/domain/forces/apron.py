"""How many aircraft an airfield takes on the ground at once.

The rule (setting: the dataset gives an airfield's number of places, `apron`, as a
planning figure; an airfield without one is not limited):

- An airfield with a number of places takes at most that many aircraft on the ground at
  once where aircraft land for a requirement: an aircraft is on the ground there from its
  landing for its turnaround (unloading, and readying for its next flight).
- A landing that would find no place free waits: the aircraft leaves later from where it
  loads, so that it lands when a place is free; it does not hold in the air.
- A place counts as the airfield when it lies within `AT_AIRFIELD_KM` of it, as where
  aircraft land does (`boarding.py`).
- Aircraft of other plans decided (another crisis's deployment or way home) keep the
  places they land in (`Problem.apron_taken`), as do the movements under way; where
  aircraft load is not counted.
- A plan answers for the moments its own aircraft are on the ground: where others'
  already fill or crowd an airfield (two plans proposed side by side, then both
  decided), its landings wait until a place is free, and it is not wrong for theirs.

The greedy (and the priority search over its order) weighs the places as it goes: each
load goes to the aircraft that lands it soonest with a place free (`flying.airlift`), so
a unit goes by ground when waiting for places would bring it later. The deadline search
and CP-SAT build plans as though no airfield were limited; every plan they find is flown
again in its aircraft's order of sorties with the places (`reflow.reflow`) before it is
compared, so that every plan kept keeps the rule. The checker counts the aircraft on the
ground at each limited airfield itself (`crowded`). The lower bounds leave the places
out, so they stay bounds.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable

from phalanx.domain.forces.boarding import AT_AIRFIELD_KM
from phalanx.domain.forces.model import EPS, Movement, Plan, Point, Problem, distance_km

Stay = tuple[float, float]  # on the ground from, until (hours)


class Aprons:
    """The problem's limited airfields: which one a place lands at, and the aircraft on the
    ground at each."""

    def __init__(self, problem: Problem) -> None:
        """With the places other plans decided and the movements under way take."""
        self.fields = [(p, n) for p, n in problem.aprons]
        self._of: dict[Point, int | None] = {}
        self.stays: list[list[Stay]] = [[] for _ in self.fields]
        if not self.fields:
            return
        for place, start, end in problem.apron_taken:
            i = self.field(place)
            if i is not None:
                self.stays[i].append((start, end))
        drops = {r.id: r.drop for r in problem.requirements}
        turns = {a.id: a.turnaround_h for a in problem.aircraft}
        for m in problem.fixed:
            if m.requirement in drops:
                self.land(drops[m.requirement], m, turns)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def field(self, place: Point) -> int | None:
        """The limited airfield `place` lands at (`field_of`)."""
        if place not in self._of:
            self._of[place] = field_of(place, [p for p, _n in self.fields])
        return self._of[place]

    def places(self, i: int) -> int:
        return self.fields[i][1]

    def first_free(self, i: int, land: float, turnaround: float,
                   extra: Iterable[Stay] = ()) -> float:
        """The first moment from `land` at which an aircraft may land at airfield `i` and
        stay its turnaround with no more on the ground than its places (`extra`: stays
        not taken yet, counted as well)."""
        # (only the stays not ended by `land` can be in the way)
        stays = [(s, e) for s, e in (*self.stays[i], *extra) if e > land + EPS]
        places = self.places(i)
        if len(stays) < places:
            return land
        # how many are on the ground from each moment a stay begins or ends
        at: list[float] = []
        busy: list[int] = []
        now = 0
        for x, step in sorted(ev for s, e in stays for ev in ((e, -1), (s, 1))):
            now += step
            if at and x <= at[-1] + EPS:
                busy[-1] = now
            else:
                at.append(x)
                busy.append(now)
        for t in sorted({land, *(e for _s, e in stays)}):
            j = bisect.bisect_right(at, t + EPS) - 1
            most = busy[j] if j >= 0 else 0
            j += 1
            while most < places and j < len(at) and at[j] < t + turnaround - EPS:
                most = max(most, busy[j])
                j += 1
            if most < places:
                return t
        return land  # unreachable: after the last stay ends, the airfield is empty

    def take(self, i: int, land: float, turnaround: float) -> None:
        self.stays[i].append((land, land + turnaround))

    def land(self, drop: Point, m: Movement, turns: dict[str, float]) -> None:
        """The places the sorties of `m` take where they land at `drop` (`turns`: each
        aircraft's turnaround; one no longer in the lift takes none)."""
        i = self.field(drop)
        if i is not None:
            for s in m.sorties:
                if s.aircraft in turns:
                    self.take(i, s.arrive_h, turns[s.aircraft])

    def sizes(self) -> tuple[int, ...]:
        """How many stays each airfield has: with `back_to`, the state before a step."""
        return tuple(len(s) for s in self.stays)

    def back_to(self, sizes: tuple[int, ...]) -> Aprons:
        """A copy with the stays each airfield had when it had `sizes` of them."""
        out = copy.copy(self)
        out.stays = [list(s[:n]) for s, n in zip(self.stays, sizes, strict=True)]
        return out


def field_of(place: Point, fields: Iterable[Point]) -> int | None:
    """Which of the limited airfields at `fields` aircraft landing at `place` land at: the
    nearest within `AT_AIRFIELD_KM` (its index), none when none is that near."""
    near = [(d, i) for i, p in enumerate(fields) if (d := distance_km(place, p)) <= AT_AIRFIELD_KM]
    return min(near)[1] if near else None


def most_at_once(stays: Iterable[Stay]) -> int:
    """The most stays overlapping at one moment (one that ends as another begins does not
    overlap it)."""
    events = sorted(ev for s, e in stays for ev in ((e, -1), (s, 1)))
    most = now = 0
    for _t, step in events:
        now += step
        most = max(most, now)
    return most


def crowded(problem: Problem, landings: Iterable[tuple[Point, float, float]]) -> list[str]:
    """The limited airfields where a plan's aircraft are on the ground with more aircraft
    at once than their places: `landings` are (where aircraft land, landing, turnaround)
    of the plan's own sorties; the landings of other plans decided and of the movements
    under way are added, and counted only while one of the plan's aircraft is there (the
    plan cannot move them, and waits for them)."""
    aprons = Aprons(problem)
    if not aprons:
        return []
    own: list[list[Stay]] = [[] for _ in aprons.fields]
    for place, land, turnaround in landings:
        i = aprons.field(place)
        if i is not None:
            own[i].append((land, land + turnaround))
    out = []
    for i, (place, n) in enumerate(aprons.fields):
        most = _most_beside(own[i], aprons.stays[i])
        if most > n:
            out.append(f"{most} aircraft on the ground at once at {place[0]:.4f}, "
                       f"{place[1]:.4f}, which takes {n}")
    return out


def _most_beside(own: list[Stay], held: list[Stay]) -> int:
    """The most stays on the ground at one moment while one of `own` is there (stays
    rounded to a millionth of an hour, so that one ending as the next lands is not counted
    as overlapping it)."""
    events = sorted(ev for stays, mine in ((own, 1), (held, 0)) for s, e in stays
                    for ev in ((round(e, 6), -1, mine), (round(s, 6), 1, mine)))
    most = now = mine_now = 0
    for _t, step, mine in events:
        now += step
        mine_now += step * mine
        if step > 0 and mine_now > 0:
            most = max(most, now)
    return most


def landings(problem: Problem, p: Plan) -> list[tuple[Point, float, float]]:
    """Where, when and for how long each sortie of `p` by an aircraft of the problem is on
    the ground where it lands (the movements under way left out: `crowded` adds them)."""
    reqs = {r.id: r for r in problem.requirements}
    turn = {a.id: a.turnaround_h for a in problem.aircraft}
    fixed = set(problem.fixed)
    return [(reqs[s.requirement].drop, s.arrive_h, turn[s.aircraft])
            for m in p.movements if m not in fixed for s in m.sorties
            if s.aircraft in turn and s.requirement in reqs]
