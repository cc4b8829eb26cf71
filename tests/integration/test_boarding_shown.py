"""Where a unit of a garrison without an airfield boards (Belarus's peacekeeping company at
Vitebsk goes by rail to Machulishchy, 5 h) is told alike wherever its movement shows: the
crisis room's chart starts its bar when the unit sets off from its garrison, as the plan's
table does; the way home says where it lands; the command line says where it boards; a
reader who may not see the unit learns nothing of where it boards, not even from the gap
between its setting off and its aircraft leaving."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access import classification_values
from phalanx.cli.main import app
from phalanx.config import Settings, get_settings
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.pages.crisis_forces import gantt
from tests.integration.test_force_tasks import (
    PLANNER,
    SEC,
    T0,
    consent_all,
    need,
    rep,
    response,
    run,
)
from tests.support.sessions import login

UNIT = "pk-blr-1"


def _planned(db: Database) -> tuple[int, forces.PlanOut]:
    cid = response(db, contributing=["BLR"])
    consent_all(db, cid, ["BLR"])
    need(db, cid, strength=300)
    plan = run(db, cid)
    (m,) = plan.movements
    assert m.unit == UNIT and (m.boards, m.boards_h) == ("machulishchy", 5.0)
    return cid, plan


def _way_home(db: Database, cid: int, plan: forces.PlanOut) -> tuple[forces.PlanOut, datetime]:
    """The plan decided, the mission over after nine days, the way home proposed then."""
    forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=6))
    crises.transition(db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=8))
    end = T0 + timedelta(days=9)
    crises.transition(db, cid, Stage.MONITORING, actor=SEC, at=end)
    return forces.plan_withdrawal(db, cid, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=end), end


def _national(db: Database) -> None:
    """Belarus marks the unit NATIONAL: other states' readers no longer see it."""
    with db.write(rep("BLR")) as w:
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == UNIT).values(
            **classification_values(Classification(OwnerKind.STATE, "BLR", Marking.NATIONAL))))
        w.audit("forces.unit.mark", "force_unit", UNIT, {"marking": "NATIONAL"})


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_the_chart_starts_a_units_bar_when_it_sets_off_from_its_garrison(
        db: Database) -> None:
    cid, plan = _planned(db)
    (m,) = plan.movements
    with db.read() as conn:
        reqs = forces.requirements(conn, cid, actor=PLANNER)
    svg = gantt(plan, reqs, cid, {UNIT: "Peacekeeping company"}, "en")
    sets_off = (m.depart - plan.starts_at).total_seconds() / 3600  # type: ignore[operator]
    flies = min(s["depart_h"] for s in m.sorties)
    assert sets_off == pytest.approx(flies - 5.0)
    (tip,) = set(re.findall(r"by air, ([\d.]+)–([\d.]+) h", svg))
    assert float(tip[0]) == pytest.approx(sets_off, abs=0.05)
    assert float(tip[1]) == pytest.approx(m.arrive_h, abs=0.05)


def test_a_reader_who_may_not_see_the_unit_learns_no_ground_time_from_its_departure(
        db: Database) -> None:
    _, plan = _planned(db)
    _national(db)
    with db.read() as conn:
        (mine,) = forces.plan_out(conn, plan.id, actor=rep("BLR")).movements
        (theirs,) = forces.plan_out(conn, plan.id, actor=rep("KAZ")).movements
    flies = plan.starts_at + timedelta(hours=min(s["depart_h"] for s in mine.sorties))
    assert mine.depart == flies - timedelta(hours=5) and mine.boards == "machulishchy"
    assert theirs.unit == "" and theirs.boards is None and theirs.boards_h is None
    # its aircraft's departure, which the reader sees anyway, and nothing earlier
    assert theirs.depart == flies


def test_a_reader_who_may_not_see_the_unit_learns_no_ground_time_from_its_way_home(
        db: Database) -> None:
    cid, plan = _planned(db)
    home, end = _way_home(db, cid, plan)
    _national(db)
    with db.read() as conn:
        (mine,) = forces.plan_out(conn, home.id, actor=rep("BLR")).movements
        (theirs,) = forces.plan_out(conn, home.id, actor=rep("KAZ")).movements
    landed = max(s["arrive_h"] for s in mine.sorties)
    assert mine.arrive_h == pytest.approx(landed + 5.0)  # home at Vitebsk
    # to the other reader: where its aircraft land, which it sees anyway
    assert theirs.unit == "" and theirs.boards is None
    assert theirs.arrive_h == pytest.approx(landed)
    assert theirs.arrive == end + timedelta(hours=landed)
    assert theirs.late_h == pytest.approx(max(0.0, mine.late_h - 5.0))
    # nor from the deployment's progress once the way home is decided: its aircraft's
    # times there too
    forces.decide_plan(db, home.id, actor=PLANNER, at=end)
    after = end + timedelta(hours=landed + 6)
    with db.read() as conn:
        (row,) = forces.progress(conn, cid, actor=rep("KAZ"), at=after).rows  # type: ignore[union-attr]
        (own,) = forces.progress(conn, cid, actor=rep("BLR"), at=after).rows  # type: ignore[union-attr]
    assert row["unit"] == "" and row["home"] == theirs.arrive
    assert own["home"] == mine.arrive == theirs.arrive + timedelta(hours=5)


def test_the_way_home_says_where_the_unit_lands_in_both_languages(
        accounts_db: Database, settings: Settings) -> None:
    cid, plan = _planned(accounts_db)
    _way_home(accounts_db, cid, plan)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "planner", "demo-planner-pass")
        en = client.get(f"/crises/{cid}?lang=en").text
        ru = client.get(f"/crises/{cid}?lang=ru").text
    home = en[en.index('id="withdrawal-movements"'):]
    assert "lands at Machulishchy (Minsk), then 5.0 h home by ground" in home
    home = ru[ru.index('id="withdrawal-movements"'):]
    assert "высадка: Мачулищи (Минск), затем 5,0 ч по земле до пункта дислокации" in home


def test_the_command_line_says_where_a_unit_boards(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHALANX_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(app, ["load", "--builtin", "csto"]).exit_code == 0
        db = Database.from_url(url)
        cid = response(db, contributing=["BLR"])
        consent_all(db, cid, ["BLR"])
        need(db, cid, strength=300)
        r = runner.invoke(app, ["plan", "--crisis", str(cid), "--time-limit", "1"])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    assert f"{UNIT}: boards at machulishchy (5.0 h by ground)" in r.stdout


def test_a_way_home_by_ground_says_when_the_unit_leaves(db: Database) -> None:
    """Kazakhstan's unit at Almaty goes home by ground: its way home says when it may
    leave, as a way home by air does."""
    cid = response(db, contributing=["KAZ"])
    consent_all(db, cid, ["KAZ"])
    need(db, cid, strength=300)
    plan = run(db, cid)
    home, end = _way_home(db, cid, plan)
    by_ground = [m for m in home.movements if m.mode == "road"]
    assert by_ground, home.movements
    for m in by_ground:
        assert m.depart is not None and end <= m.depart <= m.arrive
