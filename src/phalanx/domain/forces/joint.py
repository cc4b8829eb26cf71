"""The joint bound: the least weighted closure over every vector of crisis closures that
the time-space relaxation (`timespace.py`) can meet all at once, found by branch and
bound over boxes of such vectors.

The order bound asks each set of crises alone by when it can have closed; here one
relaxation must meet every crisis's own deadline together. Closures are grid steps of
`horizon / steps` hours (a plan's closure falls in step k: closure >= k steps); one step
past the grid means "after the horizon", where the crisis asks nothing of the
relaxation. A box gives each crisis a range of steps; its lower end is raised to the
least step the relaxation meets with every other crisis at the top of its range
(feasibility only grows with later deadlines), searched from the bound known for the
crisis alone, and from a set's bound when the set's other crises end below it in the
box, and the box is bounded below by the order bound within it (each crisis no sooner
than its lower end, each set of crises no sooner than the bound known for it). A box
whose lower corner the relaxation meets is solved; otherwise it is split in two on its
widest weighted range. A vector above one the relaxation met is met, one below a vector
it could not meet is not: those are answered without a solve. A box is also bounded by
its least vector (by weighted closure) that lies below no vector the relaxation could
not meet and closes no set of crises before its bound: no plan's vector lies below
those. The bound is the least of the solved boxes and of the lower bounds of the boxes
left open when the work runs out (in variable-solves, counted: the same on every
machine). Every plan's vector of closure steps is met by the relaxation and lies in one
of the boxes, so the bound holds for every plan. It is not tried when the work left does
not allow `JOINT_SOLVES` solves of its model, and left to a finer grid when the work
allows that grid's (`tighten.py`)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping

from phalanx.domain.forces.model import EPS, Problem, Requirement, Unit
from phalanx.domain.forces.timespace import LpWork, _Model

JOINT_SOLVES = 150  # the solves the work left must allow for the search to be tried
LOOKS = 20_000  # vectors looked at for a box's least one not ruled out


def joint_bound(problem: Problem, by_crisis: Mapping[str, list[Requirement]],
                cands: dict[str, list[Unit]], close: Mapping[str, float],
                known: Mapping[frozenset[str], float], horizon: float, steps: int,
                work: LpWork, defer: float = 0.0) -> float | None:
    """A lower bound on the weighted closure of every plan covering all of `by_crisis`
    (hours per crisis `close` and per set of crises `known` already proven), searched
    on a grid of `steps` steps up to `horizon`; 0 when the work does not allow it, None
    (nothing spent) when it would allow `defer` times as many solves as the search is
    tried with: the caller searches on a finer grid instead."""
    crises = sorted(by_crisis)
    if problem.fixed or not problem.aircraft or len(crises) < 2 or horizon <= EPS:
        return 0.0
    step = horizon / steps
    model = _Model(problem, [r for c in crises for r in by_crisis[c]], cands, step, steps,
                   min(close[c] for c in crises))
    size = model.size
    if work.left < JOINT_SOLVES * size:
        return 0.0  # too large a model for the work left: the search would stop early
    if defer and work.left >= defer * JOINT_SOLVES * size:
        return None
    n = model.n
    weight = [problem.crisis_weight.get(c, 1.0) for c in crises]
    floor_c = [math.floor(close[c] / step + EPS) for c in crises]
    # each set of crises (bit mask): no plan closes all of them before this step
    sets = {sum(1 << crises.index(c) for c in s): math.floor(t / step + EPS)
            for s, t in known.items() if s <= set(crises)}

    def value(k: list[int]) -> float:
        return sum(w * max(close[c], x * step) for w, c, x in zip(weight, crises, k,
                                                                  strict=True))

    def order(lo: list[int]) -> float:
        """The order bound within a box: the crises close one after another, the j-th
        no sooner than its lower end nor than the bound of the first j together."""
        best = {0: 0.0}
        together = {0: 0}
        for mask in range(1, 1 << len(crises)):
            together[mask] = max([sets.get(mask, 0)] + [together[mask & ~(1 << i)]
                                                         for i in range(len(crises))
                                                         if mask >> i & 1])
            best[mask] = min(best[mask & ~(1 << i)] + weight[i] * max(
                close[crises[i]], max(lo[i], together[mask]) * step)
                for i in range(len(crises)) if mask >> i & 1)
        return best[(1 << len(crises)) - 1]

    met: list[list[int]] = []  # vectors the relaxation meets, and those it cannot
    unmet: list[list[int]] = []
    top = n + 1  # after the horizon: nothing asked
    # no plan closes every crisis of a set before the set's bound: the vector just below
    ruled = [[min(top, t) - 1 if mask >> i & 1 else top for i in range(len(crises))]
             for mask, t in sorted(sets.items()) if min(top, t) >= 1]

    def stairs(lo: list[int], hi: list[int]) -> float:
        """The least value of a vector of the box that lies below no vector the
        relaxation cannot meet nor a set's bound (best first: a vector below one is raised
        past it in one crisis at a time); infinite when there is none, and a lower value
        when `LOOKS` vectors did not find it."""
        start = tuple(lo)
        heap = [(value(list(start)), start)]
        seen = {start}
        out = unmet + ruled
        for _ in range(LOOKS):
            if not heap:
                return math.inf
            v, k = heapq.heappop(heap)
            g = next((g for g in out if all(a <= b for a, b in zip(k, g, strict=True))),
                     None)
            if g is None:
                return v
            for i, x in enumerate(g):
                if x < hi[i]:
                    up = (*k[:i], x + 1, *k[i + 1:])
                    if up not in seen:
                        seen.add(up)
                        heapq.heappush(heap, (value(list(up)), up))
        return heap[0][0] if heap else math.inf

    def feasible(k: list[int]) -> bool | None:
        # later deadlines only ask less: a vector above one met is met, one below a
        # vector not met is not
        if any(all(a <= b for a, b in zip(f, k, strict=True)) for f in met):
            return True
        if any(all(a <= b for a, b in zip(k, g, strict=True)) for g in unmet):
            return False
        if not work.spend(size):
            return None
        solves[0] += 1
        ok = not model.infeasible(dict(zip(crises, k, strict=True)))
        (met if ok else unmet).append(list(k))
        return ok

    solves = [0]

    def out_of_work(lb: float) -> float:
        if not solves[0]:
            return 0.0  # nothing learnt
        return min([lb, best] + ([heap[0][0]] if heap else []))

    # boxes: (lower bound, lower ends, upper ends, the crisis whose top was lowered)
    # each crisis no sooner than the bound known for it alone
    floor_c = [min(top, max(k, sets.get(1 << i, 0))) for i, k in enumerate(floor_c)]
    heap: list[tuple[float, list[int], list[int], int]] = [
        (order(floor_c), floor_c, [top] * len(crises), -1)]
    best = value([top] * len(crises))
    while heap:
        lb, lo, hi, lowered = heapq.heappop(heap)
        if lb >= best - 1e-9:
            return best  # every box left is bounded by a solved one
        lo = list(lo)
        # raise the lower ends, the others at their tops (only a lowered top changes
        # what the others need): from the lower end up, by doubling, then halving
        for i in range(len(crises)) if lowered != -2 else ():
            if i == lowered:
                continue
            probe = list(hi)
            # a set of crises closes no sooner than its bound: when the others of the set
            # end below it in this box, this one does not
            a = max([lo[i]] + [t for mask, t in sets.items() if mask >> i & 1 and all(
                hi[j] < t for j in range(len(crises)) if j != i and mask >> j & 1)])
            b, jump = hi[i], 1
            while a < b:
                probe[i] = min(b, a + jump - 1)
                ok = feasible(probe)
                if ok is None:
                    return out_of_work(lb)
                if ok:
                    b = probe[i]
                    break
                a, jump = probe[i] + 1, jump * 2
            while a < b:
                probe[i] = (a + b) // 2
                ok = feasible(probe)
                if ok is None:
                    return out_of_work(lb)
                if ok:
                    b = probe[i]
                else:
                    a = probe[i] + 1
            if a == hi[i] and b == hi[i]:
                probe[i] = a
                ok = feasible(probe)
                if ok is None:
                    return out_of_work(lb)
                if not ok:
                    a = hi[i] + 1  # the box holds no vector the relaxation meets
            lo[i] = a
            if a > hi[i]:
                break
        if any(a > b for a, b in zip(lo, hi, strict=True)):
            continue
        lb = max(lb, order(lo), stairs(lo, hi))
        if lb >= best - 1e-9:
            continue
        ok = feasible(lo)
        if ok is None:
            return out_of_work(lb)
        if ok:
            best = min(best, value(lo))
            continue
        i = max(range(len(crises)), key=lambda j: (weight[j] * (hi[j] - lo[j]), -j))
        mid = (lo[i] + hi[i]) // 2
        left, right = list(hi), list(lo)
        left[i], right[i] = mid, mid + 1
        for box in ((lo, left, i), (right, list(hi), -2)):
            heapq.heappush(heap, (max(lb, stairs(box[0], box[1])), *box))
    return best
