"""A unit whose garrison has no airfield (Belarus's peacekeeping company at Vitebsk) goes
by rail to Machulishchy, the air base its garrison's listed ground times reach, and
boards there, on the way out and home again (SQLite and PostgreSQL; `boarding.py`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, forces
from phalanx.services.db import Database
from tests.integration.test_force_tasks import (
    PLANNER,
    SEC,
    T0,
    consent_all,
    need,
    response,
    run,
)

MACHULISHCHY = (53.77, 27.58)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_unit_of_a_garrison_without_an_airfield_boards_at_an_air_base_both_ways(
        db: Database) -> None:
    cid = response(db, contributing=["BLR"])
    consent_all(db, cid, ["BLR"])
    need(db, cid, strength=300)
    plan = run(db, cid)
    (m,) = plan.movements
    assert m.unit == "pk-blr-1" and m.mode == "air"
    # five hours by rail (listed), after its readiness of 24 h
    assert (m.boards, m.boards_h) == ("machulishchy", 5.0)
    assert min(s["depart_h"] for s in m.sorties) >= 24 + 5 - 1e-6
    assert {tuple(s["start"]) for s in m.sorties} - {MACHULISHCHY}  # aircraft fly in
    # it sets off from Vitebsk five hours before its first load leaves Machulishchy
    flies = plan.starts_at + timedelta(hours=min(s["depart_h"] for s in m.sorties))
    assert m.depart == flies - timedelta(hours=5)
    forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=6))
    with db.read() as conn:
        assert forces.progress(conn, cid, actor=SEC, at=m.depart - timedelta(minutes=1)
                               ).waiting == 1  # type: ignore[union-attr]
        assert forces.progress(conn, cid, actor=SEC, at=m.depart + timedelta(minutes=1)
                               ).moving == 1  # type: ignore[union-attr]
    crises.transition(db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=8))
    end = T0 + timedelta(days=9)
    crises.transition(db, cid, Stage.MONITORING, actor=SEC, at=end)
    home = forces.plan_withdrawal(db, cid, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=end)
    (back,) = home.movements
    assert back.mode == "air" and (back.boards, back.boards_h) == ("machulishchy", 5.0)
    # it lands at the air base and is home at Vitebsk five hours later
    landed = max(s["arrive_h"] for s in back.sorties)
    assert back.arrive_h == pytest.approx(landed + 5.0)
    assert back.arrive == end + timedelta(hours=landed + 5.0)
