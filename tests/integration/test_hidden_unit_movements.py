"""A deployment plan that moves a registry unit the reader may not see (one its state
keeps NATIONAL): the movement is the crisis's and shows to its readers (requirement,
state, mode, times), the unit does not — no key, no strength, no load, no home — in every
view of the plan: the API, the crisis room with its chart, the deployment's progress and
the way home, the operational picture and its Cursor-on-Target feed."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import cot, crises, forces, offered_units
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.plantexts import plan_text
from tests.integration.test_force_tasks import PLANNER, SEC, T0, need, rep
from tests.integration.test_offered_unit_names import _offers
from tests.support.sessions import login

HIDDEN = "pk-kgz-1"  # Kyrgyzstan's peacekeeping company, kept NATIONAL by `_offers`
KAZ = rep("KAZ")


def _deployed(db: Database) -> tuple[int, int, int]:
    """The crisis, its decided plan moving Kyrgyzstan's company (a task only Kyrgyzstan's
    units serve) and Belarus's, and the decided way home."""
    cid = _offers(db)
    need(db, cid, strength=300, state="KGZ", state_rule="required")
    need(db, cid, strength=300, state="BLR", state_rule="required")
    plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=8))
    with db.read() as conn:
        moved = {m.unit for m in forces.plan_out(conn, plan.id, actor=SYSTEM).movements}
    assert moved >= {HIDDEN, "pk-blr-1"}, moved
    forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=8))
    crises.transition(db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=30))
    end = T0 + timedelta(days=9)
    crises.transition(db, cid, Stage.MONITORING, actor=SEC, at=end)
    home = forces.plan_withdrawal(db, cid, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=end)
    forces.decide_plan(db, home.id, actor=PLANNER, at=end)
    return cid, plan.id, home.id


def test_a_plan_moves_a_unit_the_reader_may_not_see_without_naming_it(
        accounts_db: Database, settings: Settings) -> None:
    cid, plan_id, home_id = _deployed(accounts_db)
    with accounts_db.read() as conn:
        whole = forces.plan_out(conn, plan_id, actor=SYSTEM)
        way_home = forces.plan_out(conn, home_id, actor=SYSTEM)
        back = max(m.arrive for m in way_home.movements)
        seen = forces.progress(conn, cid, actor=KAZ, at=back + timedelta(hours=1))
    hidden_move = next(m for m in whole.movements if m.unit == HIDDEN)
    assert seen is not None and seen.returned == len(whole.movements)  # home, all of them
    assert [r["unit"] for r in seen.rows if r["state"] == "KGZ"] == [""]
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        for pid, plan in ((plan_id, whole), (home_id, way_home)):
            got = client.get(f"/api/v1/plans/{pid}").json()
            assert HIDDEN not in json.dumps(got), pid
            kgz = [m for m in got["movements"] if m["state"] == "KGZ"]
            mine = next(m for m in plan.movements if m.unit == HIDDEN)
            # the crisis's movement, by no unit: its requirement, mode and times stay
            assert len(kgz) == 1 and kgz[0]["unit"] == "" and kgz[0]["strength"] is None
            assert (kgz[0]["requirement"], kgz[0]["mode"], kgz[0]["arrive_h"]) == \
                (mine.requirement, mine.mode, mine.arrive_h)
            assert all(set(s) <= {"aircraft", "depart_h", "arrive_h"}
                       for s in kgz[0]["sorties"])
            blr = next(m for m in got["movements"] if m["state"] == "BLR")
            assert blr["unit"] == "pk-blr-1" and blr["strength"] == 300
        listed = client.get(f"/api/v1/crises/{cid}/plans").json()
        assert HIDDEN not in json.dumps(listed)
        room = client.get(f"/crises/{cid}?lang=en").text
        assert HIDDEN not in room
        assert room.count("a restricted unit") >= 3  # the plan, its chart, the way home
        assert "Peacekeeping company" in room  # Belarus's
        picture = client.get("/api/v1/forces/picture").json()
        assert HIDDEN not in json.dumps(picture)
        assert not [m for m in picture["movements"] if m["unit"] == ""]
        # Kyrgyzstan reads its own unit
        login(client, "rep-kgz", "demo-rep-kgz")
        own = client.get(f"/api/v1/plans/{plan_id}").json()
        assert next(m for m in own["movements"] if m["state"] == "KGZ")["unit"] == HIDDEN
    assert hidden_move.strength == 300
    assert not any(HIDDEN.encode() in e for e in cot.snapshot(accounts_db, actor=KAZ))


def test_a_planners_line_naming_a_unit_the_reader_may_not_see_names_none() -> None:
    """Why another unit was passed over names the unit that serves instead; one the
    reader may not see is "restricted" there (`offered_units.masked`), read as "a
    restricted unit"."""
    line = offered_units.masked("passed over: pk-kgz-1#2 reaches requirement 5 at 3.0 h; "
                                "this unit by ground at 9.0 h at the earliest",
                                frozenset({HIDDEN}))
    assert HIDDEN not in line
    assert plan_text(line, "en").startswith("passed over: a restricted unit reaches "), \
        plan_text(line, "en")
    russian = plan_text(line, "ru")
    assert russian.startswith("не выбрано: подразделение с ограниченным доступом прибывает"), \
        russian
