"""A planner run started from the crisis room runs in the background: the page gets its
progress and a cancel button (the run button disabled), then reloads on the new plan; a
cancelled run stores nothing. Without JavaScript the form still runs it in the request."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services import forces, forcesdemo
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.pages import planner_runs

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


@pytest.fixture
def room(accounts_db: Database, settings: Settings) -> Iterator[tuple[TestClient, int, str]]:
    crisis = forcesdemo.run(accounts_db, start=T0, time_limit=1)
    with TestClient(create_app(settings, accounts_db)) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "planner", "password": "demo-planner-pass",
                                   "csrf_token": c.cookies.get("phalanx_login_csrf")},
                   follow_redirects=False)
        assert r.status_code == 303
        page = c.get(f"/crises/{crisis}").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        yield c, crisis, token


def _plans(db_client: TestClient, crisis: int) -> int:
    return len(db_client.get(f"/api/v1/crises/{crisis}/plans").json())


def _wait(run_id: str, seconds: float = 60) -> planner_runs.Run:
    end = time.monotonic() + seconds
    run = planner_runs.get(run_id)
    while run is not None and run.active and time.monotonic() < end:
        time.sleep(0.1)
    assert run is not None and not run.active, "the run did not end"
    return run


def test_a_run_from_the_page_shows_its_progress_then_the_plan(
        room: tuple[TestClient, int, str]) -> None:
    c, crisis, token = room
    before = _plans(c, crisis)
    page = c.get(f"/crises/{crisis}").text
    assert 'id="planner"' in page and f'hx-post="/crises/{crisis}/plans"' in page
    r = c.post(f"/crises/{crisis}/plans", data={"csrf_token": token, "time_limit": 2},
               headers=HX)
    assert r.status_code == 200
    assert 'id="planner-progress"' in r.text and 'id="planner-cancel"' in r.text
    assert '<button type="button" id="planner-run-button" disabled>' in r.text
    run_id = r.text.split('hx-get="/planner-runs/')[1].split('"')[0]
    run = _wait(run_id)
    assert run.status == "done" and run.plan_id is not None and run.improvements >= 1
    r = c.get(f"/planner-runs/{run_id}", headers=HX)
    assert r.headers["HX-Redirect"] == f"/crises/{crisis}?saved=1&plan={run.plan_id}#forces"
    assert _plans(c, crisis) == before + 1


def _slow_planner(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planner that searches until it is cancelled (the demo's finds its plan at once)."""

    def run_plan(db: object, crisis_id: int, data: object, *, actor: object,
                 on_plan: object = None, cancelled: Callable[[], bool],
                 solver: object = None) -> None:
        while not cancelled():
            time.sleep(0.02)
        raise forces.Cancelled()

    monkeypatch.setattr(forces, "run_plan", run_plan)


def test_a_cancelled_run_stores_nothing(room: tuple[TestClient, int, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    c, crisis, token = room
    before = _plans(c, crisis)
    _slow_planner(monkeypatch)
    r = c.post(f"/crises/{crisis}/plans", data={"csrf_token": token, "time_limit": 60},
               headers=HX)
    run_id = r.text.split('hx-get="/planner-runs/')[1].split('"')[0]
    # while it runs, the room shows the run (a reload, or a live refresh), not the form
    page = c.get(f"/crises/{crisis}").text
    assert 'id="planner-progress"' in page and 'id="plan-form"' not in page
    r = c.get(f"/planner-runs/{run_id}", headers=HX)
    assert 'hx-trigger="every 1s"' in r.text
    r = c.post(f"/planner-runs/{run_id}/cancel", data={"csrf_token": token}, headers=HX)
    assert r.status_code == 200 and "planner-cancel" in r.text
    run = _wait(run_id, 10)
    assert run.status == "cancelled"
    r = c.get(f"/planner-runs/{run_id}", headers=HX)
    assert 'id="planner-cancelled"' in r.text and 'id="plan-form"' in r.text
    assert _plans(c, crisis) == before


def test_only_the_staff_see_a_run(room: tuple[TestClient, int, str]) -> None:
    c, crisis, token = room
    r = c.post(f"/crises/{crisis}/plans", data={"csrf_token": token, "time_limit": 1},
               headers=HX)
    run_id = r.text.split('hx-get="/planner-runs/')[1].split('"')[0]
    _wait(run_id)
    c.cookies.clear()
    c.get("/login")
    c.post("/login", data={"username": "rep-kaz", "password": "demo-rep-kaz",
                           "csrf_token": c.cookies.get("phalanx_login_csrf")})
    assert c.get(f"/planner-runs/{run_id}").status_code == 404


def test_the_service_stops_a_cancelled_run(loaded_db: Database) -> None:
    crisis = forcesdemo.run(loaded_db, start=T0, time_limit=1)
    with pytest.raises(forces.Cancelled):
        forces.run_plan(loaded_db, crisis, forces.PlanIn(time_limit=1),
                        actor=forcesdemo.PLANNER, cancelled=lambda: True)


def _problem(db: Database) -> object:
    crisis = forcesdemo.run(db, start=T0, time_limit=1)
    with db.read() as conn:
        return forces.build(conn, crisis, actor=forcesdemo.PLANNER).problem


def test_the_search_runs_in_a_process_of_its_own(loaded_db: Database) -> None:
    import multiprocessing

    from phalanx.services.forces.planning import direct

    problem = _problem(loaded_db)
    run = planner_runs.Run("t1", 1, 2.0)
    far = planner_runs._process_solver(run)("solve", problem, time_limit=2, seed=0)
    here = direct("solve", problem, time_limit=2, seed=0)
    assert far.plan.objective.uncovered == here.plan.objective.uncovered
    assert run.improvements >= 1 and run.uncovered == here.plan.objective.uncovered
    assert run.objective == pytest.approx(here.plan.objective.closure)
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("planner")]


def test_a_cancel_stops_the_search_process_at_once(loaded_db: Database) -> None:
    import multiprocessing
    import threading

    problem = _problem(loaded_db)
    run = planner_runs.Run("t2", 1, 120.0)
    outcome: list[BaseException] = []

    def search() -> None:
        try:
            planner_runs._process_solver(run)("solve", problem, time_limit=120, seed=0,
                                              wall_clock=False)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=search)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    run.cancel.set()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert outcome and isinstance(outcome[0], forces.Cancelled)
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("planner")]


def test_the_progress_shows_the_best_plan_so_far_by_its_objective(
        room: tuple[TestClient, int, str]) -> None:
    """What the search ranks plans by, weighted hours, is what the progress shows of the
    best plan so far (beside its uncovered requirements and lateness), in the page's
    language and number format."""
    c, crisis, _token = room
    run = planner_runs.Run("progress-figures", crisis, 10.0, improvements=2, uncovered=1,
                           objective=83.929, lateness=2.46)
    with planner_runs._LOCK:
        planner_runs._RUNS[run.id] = run
    try:
        en = c.get(f"/planner-runs/{run.id}", headers=HX).text
        assert "best so far: 1 requirements uncovered, 2.5 h late" in en
        assert 'objective <span id="planner-objective">83.9</span> weighted h' in en
        ru = c.get(f"/planner-runs/{run.id}?lang=ru", headers=HX).text
        assert '<span id="planner-objective">83,9</span> взвеш. ч' in ru
        assert "опоздание 2,5 ч" in ru and "best so far" not in ru
    finally:
        run.status = "done"
