"""The work beside the searches, each on a thread of its own: the time-space bound
(`Tightener`) and CP-SAT over the best plan so far (`CpSearch`). Both spend their time
in native code that leaves Python's lock (CLP's simplex, CP-SAT's search), so they use
the machine's second core while the searches run in Python; what each finds is limited
in counted work, never by the moment the other thread reaches a point."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

from phalanx.domain.forces.bounds import Bounds, bounds
from phalanx.domain.forces.cpsat import ARCS, _build_options, _round
from phalanx.domain.forces.model import Plan, Problem
from phalanx.domain.forces.timespace import LpWork


class CpSearch:
    """CP-SAT rounds over the best plan so far, each over wider choices (more units,
    aircraft and sortie options) while the last was optimal among its own, within
    `cp_time` deterministic seconds in all; `stop` ends the one running. What `keep`
    raises (a run cancelled) stops the search and the bound's work `lp`, and is raised
    again by the caller's thread."""

    def __init__(self, problem: Problem, units_per_req: int | None,
                 aircraft_per_pair: int | None, per_aircraft: int | None, blocks: int,
                 cp_time: float, seed: int, workers: int, keep: Callable[[Plan], None],
                 best: list[Plan], remaining: Callable[[], float], lp: LpWork) -> None:
        n = max(1, len(problem.requirements))  # smaller instances get wider choices
        self.sizes = [units_per_req or max(4, min(12, 240 // n)),
                      aircraft_per_pair or max(3, min(8, 160 // n)),
                      per_aircraft or max(20, min(80, math.isqrt(ARCS // len(problem.aircraft))))]
        self.problem, self.blocks, self.cp_time = problem, blocks, cp_time
        self.seed, self.workers, self.keep = seed, workers, keep
        self.best, self.remaining, self.lp = best, remaining, lp
        self.status, self.rounds = "UNKNOWN", 0
        self.stopped = False
        self.error: BaseException | None = None
        self._running: list[cp_model.CpSolver] = []
        self._lock = threading.Lock()

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            for solver in self._running:
                solver.StopSearch()

    def run(self) -> None:
        try:
            self._rounds()
        except BaseException as e:  # raised again by the caller's thread
            self._failed(e)

    def _failed(self, e: BaseException) -> None:
        if self.error is None:
            self.error = e
        self.lp.until = 0.0  # the bound stops at its next solve
        self.stop()

    def _keep(self, p: Plan) -> None:
        if self.error is not None:
            return
        try:
            self.keep(p)
        except BaseException as e:  # from CP-SAT's callback: not through the solver
            self._failed(e)

    def _rounds(self) -> None:
        problem, sizes, seen = self.problem, self.sizes, -1
        while not self.stopped and self.error is None:
            left = self.remaining()
            if left <= 0.2:
                break
            options, nodes = _build_options(problem, self.best[0], *sizes, self.blocks)
            if len(options) + len(nodes) <= seen:
                break  # wider choices add nothing: the last round was over all there is
            seen = len(options) + len(nodes)
            self.rounds += 1
            with self._lock:
                if self.stopped:
                    break
                self._running.clear()
            status, spent, _ = _round(problem, self.best[0], options, nodes, min(left, 1e6),
                                      self.cp_time, self.seed, self.workers, self._keep,
                                      running=self._running)
            self.status = status
            self.cp_time -= spent
            if self.cp_time <= 0.1 or status != "OPTIMAL":
                break  # out of work, or of time within this neighbourhood
            # optimal among these choices: widen them (more units, aircraft and options)
            wider = [min(len(problem.units), sizes[0] * 2),
                     min(len(problem.aircraft), sizes[1] + 3), sizes[2] + 20]
            if wider == sizes or sum(wider) > 4 * sum(sizes) + 200:
                break
            sizes = wider


class Tightener:
    """The time-space bound on a thread of its own: its sets of crises searched up to the
    closures of the plan `begin` hands it, its joint bound up to those of the plan
    `searched` hands it (it waits for each), so that what it finds does not depend on
    the moment either is handed over."""

    def __init__(self, problem: Problem, lp: LpWork) -> None:
        self.problem, self.lp = problem, lp
        self.bounds: Bounds | None = None
        self.error: BaseException | None = None
        self._plans: dict[str, Plan] = {}
        self._handed = {"begin": threading.Event(), "searched": threading.Event()}
        self._thread = threading.Thread(target=self._run, name="time-space", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def begin(self, plan: Plan) -> None:
        self._hand("begin", plan)

    def searched(self, plan: Plan) -> None:
        self._hand("begin", plan)  # when the first search ended before its hand-over
        self._hand("searched", plan)

    def join(self) -> None:
        if self._thread.is_alive():
            self._thread.join()

    def _hand(self, what: str, plan: Plan) -> None:
        if what not in self._plans:
            self._plans[what] = plan
            self._handed[what].set()

    def _wait(self, what: str) -> Plan:
        self._handed[what].wait()
        return self._plans[what]

    def _run(self) -> None:
        try:
            self.bounds = bounds(self.problem, self._wait("begin"), self.lp,
                                 lambda: self._wait("searched"))
        except BaseException as e:  # raised again by the caller's thread
            self.error = e
