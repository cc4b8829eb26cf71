"""Trafficking corridors: from seizures whose route is known (from, to), the movement
graph and its most active edges and paths."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Seizure:
    route_from: str
    route_to: str
    kg: float


@dataclass(frozen=True)
class Corridor:
    route_from: str
    route_to: str
    seizures: int
    kg: float


def rank(seizures: list[Seizure], top: int = 10) -> list[Corridor]:
    """Edges ranked by the mass seized on them, then by the number of seizures."""
    kg: dict[tuple[str, str], float] = defaultdict(float)
    count: dict[tuple[str, str], int] = defaultdict(int)
    for s in seizures:
        key = (s.route_from.strip(), s.route_to.strip())
        kg[key] += s.kg
        count[key] += 1
    ranked = sorted(kg, key=lambda k: (-kg[k], -count[k], k))
    return [Corridor(a, b, count[(a, b)], round(kg[(a, b)], 3)) for a, b in ranked[:top]]


def rank_totals(totals: list[Corridor], top: int = 10) -> list[Corridor]:
    """Corridors already summed per edge, ranked as `rank` ranks seizures."""
    ranked = sorted(totals, key=lambda c: (-c.kg, -c.seizures, c.route_from, c.route_to))
    return [Corridor(c.route_from, c.route_to, c.seizures, round(c.kg, 3))
            for c in ranked[:top]]


def chains(corridors: list[Corridor]) -> list[list[str]]:
    """Routes made of consecutive corridors (a → b → c), longest first: how goods move
    through several countries."""
    nxt: dict[str, list[str]] = defaultdict(list)
    for c in corridors:
        nxt[c.route_from].append(c.route_to)
    starts = {c.route_from for c in corridors} - {c.route_to for c in corridors}
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        tails = [n for n in nxt.get(path[-1], []) if n not in path]
        if not tails:
            out.append(path)
        for n in tails:
            walk([*path, n])

    for s in sorted(starts):
        walk([s])
    return sorted(out, key=lambda p: (-len(p), p))
