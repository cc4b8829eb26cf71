"""One lift for every real crisis (SQLite and PostgreSQL): an aircraft flying a decided
plan of one crisis is free for another crisis's plan only once it has landed and turned
round — the way home of a crisis after its mission and another crisis's deployment,
planned in either order, never give one aircraft two sorties at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from phalanx.domain.crisis.workflow import Stage
from phalanx.services import clock, crises, forces
from phalanx.services.db import Database
from phalanx.services.forces import commitments
from tests.integration.test_force_tasks import (
    CONTRIBUTING,
    PLANNER,
    SEC,
    T0,
    consent_all,
    need,
    rep,
    response,
)

ONE = "vta-il76-1"
ALMATY = (43.3521, 77.0405)  # the airfield aircraft land at for Konaev, which has none


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _flights(db: Database, plan_id: int) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each aircraft's loaded legs in the plan, with its turnaround after each."""
    with db.read() as conn:
        p = forces.plan_out(conn, plan_id, actor=SEC)
        turn = {a.key: a.turnaround_h for a in forces.aircraft(conn, actor=SEC)}
    out: dict[str, list[tuple[datetime, datetime]]] = {}
    for m in p.movements:
        for s in m.sorties:
            out.setdefault(s["aircraft"], []).append(
                (p.starts_at + timedelta(hours=s["depart_h"]),
                 p.starts_at + timedelta(hours=s["arrive_h"] + turn[s["aircraft"]])))
    return out


def _overlaps(a: dict[str, list[tuple[datetime, datetime]]],
              b: dict[str, list[tuple[datetime, datetime]]]) -> list[str]:
    return [f"{k}: {x} and {y}" for k in a.keys() & b.keys()
            for x in a[k] for y in b[k] if x[0] < y[1] and y[0] < x[1]]


def _monitoring(db: Database, **marking: object) -> tuple[int, datetime]:
    """A crisis whose peacekeepers are out, the mission over; one Il-76 left to the lift,
    which its way home and another crisis must share (`marking`: the crisis's own fields,
    e.g. an exercise's)."""
    a = response(db, **marking)
    consent_all(db, a)
    need(db, a, task="sites", sites=4, strength=100)
    plan = forces.run_plan(db, a, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=6))
    forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=6))
    crises.transition(db, a, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=30))
    end = T0 + timedelta(days=9)
    crises.transition(db, a, Stage.MONITORING, actor=SEC, at=end)
    with db.read() as conn:
        lift = [x.key for x in forces.aircraft(conn, actor=SEC) if not x.withdrawn]
    for key in lift:
        if key != ONE:
            forces.update_aircraft(db, key, forces.AircraftPatch(withdrawn=True),
                                   actor=PLANNER)
    return a, end


def _second(db: Database, at: datetime, secret: bool = False) -> int:
    """Another crisis needing peacekeepers at once, as the first one's units go home; a
    `secret` one is marked for the states that answer it (Armenia not among them), one
    site to guard at Konaev."""
    states = ["BLR", "KGZ", "RUS", "TJK"]
    with clock.use(at):
        b = (response(db, states, marking="PARTICIPANTS", participants=["KAZ", *states])
             if secret else response(db))
    consent_all(db, b, states if secret else CONTRIBUTING)
    need(db, b, task="sites", sites=1 if secret else 4, strength=100,
         needed_by=at + timedelta(hours=6),
         **({"place": "Konaev", "lat": 43.87, "lon": 77.07} if secret else {}))
    return b


def _blind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The planner as it would be without the lift's other commitments."""
    monkeypatch.setattr(commitments, "committed", lambda *a, **k: commitments.Committed())


def _first_departure(db: Database, plan_id: int, after: datetime) -> datetime:
    return min(d for legs in _flights(db, plan_id).values() for d, _ in legs if d > after)


def test_the_way_home_waits_for_aircraft_flying_another_crisis(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    a, end = _monitoring(db)
    b = _second(db, end)
    deploy = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    forces.decide_plan(db, deploy.id, actor=PLANNER, at=end)
    at = _first_departure(db, deploy.id, end) - timedelta(hours=1)  # as it flies
    home = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=at)
    assert _overlaps(_flights(db, home.id), _flights(db, deploy.id)) == []
    with monkeypatch.context() as m:  # the case is one where it matters
        _blind(m)
        blind = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1),
                                       actor=PLANNER, at=at)
    assert _overlaps(_flights(db, blind.id), _flights(db, deploy.id))


def test_an_exercise_s_way_home_waits_for_aircraft_flying_a_real_crisis(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exercise plans with the forces actually available, on the way home as on the way
    there: its units go home on aircraft only once a real crisis's decided plan has done
    with them, and the real plan is as it was."""
    a, end = _monitoring(db, exercise=True)
    b = _second(db, end)
    deploy = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    forces.decide_plan(db, deploy.id, actor=PLANNER, at=end)
    at = _first_departure(db, deploy.id, end) - timedelta(hours=1)  # as it flies
    home = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=at)
    assert home.movements and _overlaps(_flights(db, home.id), _flights(db, deploy.id)) == []
    assert any(w.startswith(f"crisis {b}: aircraft {ONE} ") for w in home.warnings)
    forces.decide_plan(db, home.id, actor=PLANNER, at=at)
    again = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    assert _flights(db, again.id) == _flights(db, deploy.id)  # no real plan waits for it
    with monkeypatch.context() as m:  # the case is one where it matters
        _blind(m)
        blind = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1),
                                       actor=PLANNER, at=at)
    assert _overlaps(_flights(db, blind.id), _flights(db, deploy.id))


def test_a_deployment_waits_for_aircraft_flying_another_crisis_home(db: Database) -> None:
    a, end = _monitoring(db)
    b = _second(db, end)
    # the deployment as it would be with the lift free; the way home then flies as it does
    blind = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    at = _first_departure(db, blind.id, end) - timedelta(hours=1)
    home = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=at)
    forces.decide_plan(db, home.id, actor=PLANNER, at=end)
    assert _overlaps(_flights(db, blind.id), _flights(db, home.id))
    deploy = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    assert set(_flights(db, deploy.id)) >= {ONE}
    assert _overlaps(_flights(db, deploy.id), _flights(db, home.id)) == []


def test_where_an_aircraft_waited_for_a_crisis_its_reader_may_not_see_is_not_said(
        db: Database) -> None:
    """The way home of a crisis every member reads waits for an aircraft flying a crisis
    marked for some states only: its first sortie starts where that crisis's plan left it
    (Konaev), which the staff read and Armenia, outside the marking, does not."""
    a, end = _monitoring(db)
    b = _second(db, end, secret=True)
    deploy = forces.run_plan(db, b, forces.PlanIn(time_limit=1), actor=PLANNER, at=end)
    forces.decide_plan(db, deploy.id, actor=PLANNER, at=end)
    at = _first_departure(db, deploy.id, end) - timedelta(hours=1)
    home = forces.plan_withdrawal(db, a, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=at)
    starts = [tuple(s["start"]) for m in home.movements for s in m.sorties]
    # the staff see where it comes from: Almaty's airfield, where it landed for Konaev
    assert ALMATY in starts and (43.87, 77.07) not in starts
    with db.read() as conn:
        seen = forces.plan_out(conn, home.id, actor=rep("ARM"))
        theirs = forces.plan_out(conn, home.id, actor=rep("RUS"))
    assert [m.unit for m in seen.movements] == [m.unit for m in home.movements]
    assert all("start" not in s for m in seen.movements for s in m.sorties)
    assert [tuple(s["start"]) for m in theirs.movements for s in m.sorties] == starts
    # the plan says which crisis holds the aircraft it waits for, to those who read it
    held = [w for w in home.warnings if w.startswith(f"crisis {b}: aircraft {ONE} ")]
    assert len(held) == 1 and "is committed to its decided plan until" in held[0]
    assert held[0] in theirs.warnings and not any(f"crisis {b}" in w for w in seen.warnings)


def test_only_the_movements_of_the_plan_in_force_for_their_crisis_commit_aircraft(
        db: Database) -> None:
    """A plan run for two crises stays in force for the one a later plan does not plan
    again: its sorties for the other crisis, superseded there, commit no aircraft."""
    from sqlalchemy import insert

    from phalanx.adapters.db import tables as t

    a, b = response(db), response(db)
    ra, rb = need(db, a, strength=100).id, need(db, b, strength=100).id

    def plan(crisis: int, planned: list[int], flights: list[tuple[int, int, str, float]]
             ) -> None:
        with db.engine.begin() as conn:
            conn.execute(insert(t.deployment_plan).values(
                crisis_id=crisis, status="decided", starts_at=T0, created_by="planner",
                created_at=T0, decided_at=T0, method="greedy", solver_status="feasible",
                seconds=0.0, seed=0, objective={}, greedy={}, bound=0.0, uncovered=[],
                explanations=[], warnings=[], crises=planned, kind="deployment",
                movements=[{"crisis_id": c, "requirement": r, "unit": f"u-{k}",
                            "sorties": [{"aircraft": k, "arrive_h": h}]}
                           for c, r, k, h in flights]))

    plan(a, [a, b], [(a, ra, "plane-a", 10.0), (b, rb, "plane-b-old", 50.0)])
    plan(b, [b], [(b, rb, "plane-b-new", 20.0)])  # b planned again, alone: in force there
    with db.read() as conn:
        busy = commitments.committed(conn, T0, skip=lambda p: False)
    assert set(busy.free) == {"plane-a", "plane-b-new"}, busy
    assert busy.crises == {a, b}


def test_an_aircraft_is_free_where_it_landed_not_at_a_place_without_an_airfield(
        db: Database) -> None:
    """Aircraft that landed a unit for Konaev (no airfield) are free at Almaty's airfield,
    where they landed; those that brought a unit of a garrison without an airfield home
    are free at the airfield it boarded at (Taldykorgan's units: Almaty), not at the
    garrison."""
    from sqlalchemy import insert

    from phalanx.adapters.db import tables as t

    a, b = response(db), response(db)
    ra = need(db, a, strength=100, place="Konaev", lat=43.87, lon=77.07).id
    rb = need(db, b, strength=100).id
    with db.read() as conn:
        garrisoned = next(u.key for u in forces.units(conn, actor=SEC)
                          if u.garrison == "taldykorgan")
    rows = [(a, "deployment", {"crisis_id": a, "requirement": ra, "unit": "u-1",
                               "lands": "almaty", "lands_h": 1.2, "lands_at": list(ALMATY),
                               "sorties": [{"aircraft": "plane-a", "arrive_h": 10.0}]}),
            (b, "withdrawal", {"crisis_id": b, "requirement": rb, "unit": garrisoned,
                               "boards": "almaty", "boards_h": 3.0,
                               "sorties": [{"aircraft": "plane-b", "arrive_h": 10.0}]})]
    with db.engine.begin() as conn:
        for crisis, kind, movement in rows:
            conn.execute(insert(t.deployment_plan).values(
                crisis_id=crisis, status="decided", starts_at=T0, created_by="planner",
                created_at=T0, decided_at=T0, method="greedy", solver_status="feasible",
                seconds=0.0, seed=0, objective={}, greedy={}, bound=0.0, uncovered=[],
                explanations=[], warnings=[], crises=[crisis], kind=kind,
                movements=[movement]))
    with db.read() as conn:
        busy = commitments.committed(conn, T0, skip=lambda p: False)
    assert {k: where for k, (_when, where) in busy.free.items()} == {
        "plane-a": ALMATY, "plane-b": ALMATY}
