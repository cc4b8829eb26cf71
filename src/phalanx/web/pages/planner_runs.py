"""Planner runs started from the crisis room: in the background, with their progress
and a cancel button.

The planner searches for up to two minutes. A run started from the page (htmx) goes to
a thread of its own; the page polls `/planner-runs/{id}` every second for its progress
(time spent, better plans found, the best so far: requirements uncovered, its objective in
weighted hours, hours late)
and shows a Cancel button, the Run button disabled meanwhile. When the run ends the
page reloads on the new plan. The search itself runs in a process of its own (the plan
is stored here, with the audit trail and the live events): a cancel stops that process
at once, and nothing is stored. Without JavaScript the form runs the planner in the
request, as before.

The runs live in this process (the demo's single worker); a run is seen and cancelled
by the staff only."""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from phalanx.domain.access.principal import Principal
from phalanx.domain.forces import planner as pl
from phalanx.services import forces
from phalanx.services.db import Database

KEEP_SECONDS = 600  # a finished run is forgotten after ten minutes


@dataclass
class Run:
    id: str
    crisis_id: int
    time_limit: float
    started: float = field(default_factory=time.monotonic)
    status: str = "running"  # running, cancelling, done, cancelled, failed
    improvements: int = 0
    uncovered: int | None = None
    objective: float | None = None  # the best plan's, in weighted hours
    lateness: float | None = None
    plan_id: int | None = None
    error: str = ""
    ended: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def active(self) -> bool:
        return self.status in ("running", "cancelling")

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "crisis_id": self.crisis_id, "status": self.status,
                "active": self.active, "elapsed": round(self.elapsed, 1),
                "time_limit": self.time_limit, "improvements": self.improvements,
                "uncovered": self.uncovered, "objective": self.objective,
                "lateness": self.lateness,
                "plan_id": self.plan_id, "error": self.error}


_RUNS: dict[str, Run] = {}
_LOCK = threading.Lock()


def _forget_old() -> None:
    now = time.monotonic()
    for key in [k for k, r in _RUNS.items() if r.ended and now - r.ended > KEEP_SECONDS]:
        del _RUNS[key]


def running_for(crisis_id: int) -> Run | None:
    """The run under way for a crisis, if any."""
    with _LOCK:
        return next((r for r in _RUNS.values() if r.crisis_id == crisis_id and r.active),
                    None)


def get(run_id: str) -> Run | None:
    with _LOCK:
        return _RUNS.get(run_id)


def _search(conn: Connection, kind: str, args: tuple[Any, ...], kwargs: dict[str, Any]
            ) -> None:
    """The child process: the search, telling the parent of each better plan."""
    from phalanx.services.forces.planning import direct

    def better(p: pl.Plan) -> None:
        conn.send(("plan", p.objective.uncovered, p.objective.closure, p.objective.lateness))

    try:
        conn.send(("done", direct(kind, *args, on_plan=better, **kwargs)))
    except Exception as exc:  # the parent says it
        conn.send(("error", str(exc)))


def _process_solver(run: Run) -> Callable[..., Any]:
    """A solver for `forces.run_plan` that searches in a child process, reports its
    progress into `run` and stops the child when the run is cancelled."""

    def solver(kind: str, *args: Any, on_plan: Any = None, **kwargs: Any) -> Any:
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        parent, child = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_search, args=(child, kind, args, kwargs), daemon=True,
                              name=f"planner-search-{run.id[:8]}")
        process.start()
        child.close()
        try:
            while True:
                if run.cancel.is_set():
                    raise forces.Cancelled()
                if parent.poll(0.1):
                    try:
                        message = parent.recv()
                    except EOFError:
                        raise RuntimeError("the planner's process ended unexpectedly") from None
                    if message[0] == "plan":
                        run.improvements += 1
                        run.uncovered, run.objective, run.lateness = message[1:4]
                    elif message[0] == "done":
                        return message[1]
                    else:
                        raise RuntimeError(message[1])
                elif not process.is_alive() and not parent.poll():
                    raise RuntimeError("the planner's process ended unexpectedly")
        finally:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
            parent.close()

    return solver


def start(db: Database, crisis_id: int, time_limit: float, actor: Principal,
          in_process: bool = False) -> Run:
    """Start a run for the crisis (or give the one under way: one run at a time)."""
    with _LOCK:
        _forget_old()
        for r in _RUNS.values():
            if r.crisis_id == crisis_id and r.active:
                return r
        run = Run(uuid.uuid4().hex, crisis_id, time_limit)
        _RUNS[run.id] = run

    def better(p: pl.Plan) -> None:
        run.improvements += 1
        run.uncovered = p.objective.uncovered
        run.objective = p.objective.closure
        run.lateness = p.objective.lateness

    def work() -> None:
        try:
            solver = {} if in_process else {"solver": _process_solver(run)}
            out = forces.run_plan(db, crisis_id, forces.PlanIn(time_limit=time_limit),
                                  actor=actor, on_plan=better, cancelled=run.cancel.is_set,
                                  **solver)
            run.plan_id, run.status = out.id, "done"
        except forces.Cancelled:
            run.status = "cancelled"
        except Exception as exc:  # shown on the page; the run is over
            run.status, run.error = "failed", str(exc)
        finally:
            run.ended = time.monotonic()

    threading.Thread(target=work, name=f"planner-{run.id[:8]}", daemon=True).start()
    return run


def cancel(run: Run) -> None:
    if run.active:
        run.cancel.set()
        run.status = "cancelling"
