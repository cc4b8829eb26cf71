"""Requirements by task, parts of units, and a preferred or required state, expanded into
the planner's own terms (`model.py`: a requirement is served by one unit of its
capability and at least its strength; a rule bars a unit per crisis).

A stored requirement is a *task*:

- `unit`: one unit of at least the strength (as before);
- `strength`: a strength at a place, covered by one or more units;
- `sites`: a number of sites to guard, each with the same strength.

Each task becomes one or more planner requirements, its *pieces*: a site is one piece, a
strength is cut into slices that the candidate units can each serve (`slices`), and a
site that no single candidate can hold is cut the same way. Pieces are named
`{task}.{piece}` and labelled for the plan's explanation ("site 3 of 14", "part 2 of 5").

Parts of a unit: where the dataset lets a formation send detachments (its
`detachment.strength`), a unit of that formation is cut into parts `{unit}#1..#k` of
that strength (the last part takes the remainder), their weight proportional to their
strength. The rule that keeps a unit and its parts apart: **a unit is planned either
whole or as its parts, never both** — it is replaced by its parts in a problem where
some task asks for its capability by strength or by sites, and stays whole otherwise. A
whole-unit requirement (`unit`) of that capability is then served only by parts large
enough or by units of formations that send no detachments. On a re-plan a unit keeps the
form it has in the decided plan (`whole`, `cut`), so that a movement under way is never
lost to a change of form.

A state for a task: *required* — only that state's units serve it; *preferred* — its
units serve it first: when they suffice (enough candidates, each large enough, for every
piece), the others are kept out of the task as if it were required; when they do not,
the task is open to every state's units and the note says so. The planner bars a unit
per crisis, so a task with a state has bars of its own, under `{crisis}/{state}` (its
requirements' `bars`): the other states' units are barred there, and the crisis's own
bars carried; it still closes with its crisis, whose weight counts once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from phalanx.domain.forces.model import Point, Requirement, Unit

KINDS = ("unit", "strength", "sites")
STATE_RULES = ("", "preferred", "required")


@dataclass(frozen=True)
class Task:
    id: str
    crisis: str
    capability: str
    strength: int  # per site for `sites`, in all for `strength` and `unit`
    place: Point
    needed_by_h: float
    node: str = ""
    kind: str = "unit"
    sites: int = 1
    state: str = ""
    state_rule: str = ""  # "", "preferred", "required"
    # where aircraft land for its place, and the hours from there by ground (`boarding.py`)
    lands_at: Point | None = None
    lands_h: float = 0.0


@dataclass(frozen=True)
class Piece:
    task: str
    crisis: str  # the stored crisis (never a sub-crisis)
    site: int = 0  # 1-based, for `sites`
    sites: int = 0
    part: int = 0  # 1-based, when the task or the site is cut into slices
    parts: int = 0
    # the slice left when the task's other pieces have taken every candidate unit (the
    # units exist and are available, but none is left for this one)
    short: bool = False

    def label(self) -> str:
        where = f"site {self.site} of {self.sites}" if self.sites else ""
        cut = f"part {self.part} of {self.parts}" if self.parts > 1 else ""
        return f"requirement {self.task}" + "".join(
            f", {x}" for x in (where, cut) if x)


@dataclass(frozen=True)
class Expanded:
    units: tuple[Unit, ...]
    requirements: tuple[Requirement, ...]
    barred: dict[tuple[str, str], str]
    weights: dict[str, float]
    pieces: dict[str, Piece] = field(default_factory=dict)  # planner requirement -> piece
    parent: dict[str, str] = field(default_factory=dict)  # part id -> its unit's id
    notes: list[str] = field(default_factory=list)

    @property
    def short(self) -> frozenset[str]:
        """The requirements no candidate is left for: the task's other pieces took them."""
        return frozenset(rid for rid, p in self.pieces.items() if p.short)


def whole_of(unit_id: str) -> str:
    """The registry unit a planner unit stands for (`pk-kaz-1#2` -> `pk-kaz-1`)."""
    return unit_id.split("#", 1)[0]


def parts(u: Unit, detachment: int) -> tuple[Unit, ...]:
    """The unit cut into parts of `detachment` (the last takes the remainder); the unit
    itself when it is no larger than two detachments' worth minus one."""
    k = u.strength // detachment if detachment > 0 else 0
    if k <= 1:
        return (u,)
    out = []
    for i in range(1, k + 1):
        s = detachment if i < k else u.strength - detachment * (k - 1)
        out.append(replace(u, id=f"{u.id}#{i}", strength=s,
                           weight_t=round(u.weight_t * s / u.strength, 3)))
    return tuple(out)


def slices(need: int, candidates: Iterable[int]) -> tuple[list[int], bool]:
    """Cut `need` into slices that distinct candidates (their strengths) can each serve,
    with as few slices as the greedy rule gives: while no single candidate holds what
    remains, the largest candidate takes its strength; then the smallest candidate that
    holds the rest takes it. Also whether every slice has a candidate of its own."""
    pool = sorted(candidates, reverse=True)
    out: list[int] = []
    left = need
    while left > 0:
        if not pool:
            out.append(left)
            return out, False
        if pool[0] >= left:
            out.append(left)
            return out, True
        out.append(pool.pop(0))
        left -= out[-1]
    return out, True


def expand(units: Iterable[Unit], tasks: Iterable[Task], barred: Mapping[tuple[str, str], str],
           weights: Mapping[str, float], detachments: Mapping[str, int],
           whole: Iterable[str] = (), cut: Iterable[str] = ()) -> Expanded:
    """The planner's units and requirements for these tasks. `detachments`: for a unit id,
    the strength of the smallest detachment its formation sends (absent: whole only);
    `whole` and `cut`: units that a decided plan moves whole, or as parts (they keep
    that form)."""
    tasks = list(tasks)
    by_parts = {t.capability for t in tasks if t.kind in ("strength", "sites")}
    keep_whole, keep_cut = set(whole), set(cut)
    out_units: list[Unit] = []
    parent: dict[str, str] = {}
    for u in units:
        split = detachments.get(u.id) and u.id not in keep_whole and (
            u.capability in by_parts or u.id in keep_cut)
        cut_up = parts(u, detachments[u.id]) if split else (u,)
        for p in cut_up:
            if p.id != u.id:
                parent[p.id] = u.id
        out_units.extend(cut_up)
    bars = dict(barred)
    for pid, uid in parent.items():
        for (b_uid, crisis), why in barred.items():
            if b_uid == uid:
                bars[(pid, crisis)] = why
    replaced = set(parent.values())
    bars = {k: v for k, v in bars.items() if k[0] not in replaced}
    ws = dict(weights)
    reqs: list[Requirement] = []
    pieces: dict[str, Piece] = {}
    notes: list[str] = []
    for t in tasks:
        bars_at = ""  # a task with a state's own bars (none: its crisis's)

        def candidates(state: str = "", crisis: str = t.crisis, cap: str = t.capability
                       ) -> list[Unit]:
            return [u for u in out_units if u.available and u.capability == cap
                    and (u.id, crisis) not in bars and (not state or u.state == state)]

        if t.state and t.state_rule in ("required", "preferred"):
            own = candidates(t.state)
            keep = t.state_rule == "required" or _suffices(t, [u.strength for u in own])
            if keep:
                sub = f"{t.crisis}/{t.state}"
                verb = "requires" if t.state_rule == "required" else "prefers"
                why = f"requirement {t.id} {verb} {t.state}'s units"
                for u in out_units:
                    b = bars.get((u.id, t.crisis))
                    if b is not None:
                        bars[(u.id, sub)] = b
                    elif u.state != t.state:
                        bars[(u.id, sub)] = why
                bars_at = sub
                if t.state_rule == "preferred":
                    notes.append(f"requirement {t.id}: {t.state}'s units suffice and serve it")
            else:
                notes.append(f"requirement {t.id}: {t.state}'s units do not suffice; open to "
                             "every state's units")
        pool = [u.strength for u in candidates(crisis=bars_at or t.crisis)]
        if t.kind == "unit" and t.capability in by_parts and max(pool, default=0) < t.strength:
            notes.append(f"requirement {t.id}: one whole unit of {t.capability} "
                         f"{t.strength} is asked, and this plan moves {t.capability} as parts"
                         " of units: state it as a strength to be covered by parts")
        for rid, strength, piece in _pieces(t, pool):
            reqs.append(Requirement(rid, t.crisis, t.capability, strength, t.place,
                                    t.needed_by_h, t.node, bars_at, t.lands_at, t.lands_h))
            pieces[rid] = piece
    return Expanded(tuple(out_units), tuple(reqs), bars, ws, pieces, parent, notes)


def _suffices(t: Task, strengths: list[int]) -> bool:
    pool = list(strengths)
    return all(s >= 0 for _rid, s, _p in _pieces(t, pool, consume=True))


def _pieces(t: Task, pool: list[int], consume: bool = False
            ) -> Iterable[tuple[str, int, Piece]]:
    """(planner requirement id, strength, piece) for each piece of the task, each slice
    taking a candidate out of `pool` (a copy unless `consume`); with `consume`, a piece no
    candidate is left for is yielded with strength -1."""
    pool = pool if consume else list(pool)
    if t.kind == "unit":
        yield t.id, t.strength, Piece(t.id, t.crisis)
        return
    had = bool(pool)  # (with no candidate at all, no piece is short of one: none exists)
    sites = t.sites if t.kind == "sites" else 0
    for site in range(1, max(sites, 1) + 1):
        cut, ok = slices(t.strength, pool)
        if consume and not ok:
            yield "", -1, Piece(t.id, t.crisis)
            return
        for i, s in enumerate(cut, 1):
            _take(pool, s)
            rid = f"{t.id}.{site}.{i}" if sites else f"{t.id}.{i}"
            yield rid, s, Piece(t.id, t.crisis, site if sites else 0, sites, i, len(cut),
                                short=had and not ok and i == len(cut))


def _take(pool: list[int], s: int) -> None:
    """Take out the smallest candidate that holds `s` (none: nothing)."""
    fits = [x for x in pool if x >= s]
    if fits:
        pool.remove(min(fits))
