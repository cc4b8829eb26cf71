"""The column-generation relaxation of bench/patterns.py: it never rules out a plan's own
closures (a plan's routes are among its columns), and it rules out deadlines no plan can
meet."""

import pytest
from bench.patterns import Patterns

from phalanx.domain.forces.bounds import _options, bounds
from phalanx.domain.forces.generate import instance
from phalanx.domain.forces.model import closures
from phalanx.domain.forces.planner import check, plan


def _cands(problem):
    units = {u.id: u for u in problem.units}
    return {rid: [units[u] for u in us] for rid, us in _options(problem).items()}


@pytest.mark.parametrize("alpha", [0.0, 0.8])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_plans_closures_are_never_ruled_out(seed: int, alpha: float) -> None:
    problem = instance("small", seed)
    greedy = plan(problem)
    assert check(problem, greedy) == [] and not greedy.uncovered
    master = Patterns(problem, _cands(problem), closures(problem, greedy.movements))
    assert master.ruled_out(alpha=alpha) is False


@pytest.mark.parametrize("alpha", [0.0, 0.8])
def test_deadlines_before_any_arrival_are_ruled_out(alpha: float) -> None:
    problem = instance("small", 1)
    cheap = bounds(problem)
    # every crisis a little before the soonest its last requirement can arrive alone
    early = {c: 0.9 * t for c, t in cheap.crisis_closure.items()}
    master = Patterns(problem, _cands(problem), early)
    assert master.ruled_out(alpha=alpha) is True
    assert master.solves >= 1
