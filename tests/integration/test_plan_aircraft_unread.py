"""A plan read by whom may not read the registry's aircraft (an observer of a crisis
released to observers; the registry's aircraft are marked ORGANIZATION): an aircraft's
key names its base ("kant-il76-2"), so each is named by its place among the plan's
aircraft ("aircraft-1", "самолёт 1" on the page), and where it starts a sortie from is not
said, in the API, the planner's lines and the crisis room; the staff read the keys."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import PLANNER, T0, consent_all, need, response
from tests.support.sessions import login


def _plan(db: Database) -> tuple[int, int]:
    """A crisis released to the observers, whose plan flies Belarus's company to Almaty."""
    cid = response(db, observers=True)
    consent_all(db, cid)
    need(db, cid, strength=300, state="BLR", state_rule="required")
    plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=8))
    return cid, plan.id


def test_an_observer_reads_a_plan_by_no_aircraft_key(accounts_db: Database,
                                                     settings: Settings) -> None:
    cid, pid = _plan(accounts_db)
    with accounts_db.read() as conn:
        keys = {k for (k,) in conn.execute(select(t.force_aircraft.c.key))}
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "planner", "demo-planner-pass")
        staff = client.get(f"/api/v1/plans/{pid}").json()
        flown = [s for m in staff["movements"] for s in m["sorties"]]
        assert flown and {s["aircraft"] for s in flown} <= keys
        assert all("start" in s for s in flown)
        login(client, "observer", "demo-observer-pass")
        got = client.get(f"/api/v1/plans/{pid}")
        assert got.status_code == 200, got.text
        body = got.json()
        text = json.dumps(body)
        assert not [k for k in keys if k in text], text
        seen = [s for m in body["movements"] for s in m["sorties"]]
        assert len(seen) == len(flown)
        # the same aircraft by the same name, numbered by its first sortie
        names = list(dict.fromkeys(s["aircraft"] for s in seen))
        assert names == [f"aircraft-{n}" for n in range(1, len(names) + 1)]
        assert len(names) == len({s["aircraft"] for s in flown})
        assert all("start" not in s for s in seen)
        assert not [k for k in keys
                    if k in json.dumps(client.get(f"/api/v1/crises/{cid}/plans").json())]
        room = client.get(f"/crises/{cid}?lang=ru")
        assert room.status_code == 200
        assert not [k for k in keys if k in room.text]
        assert re.search(r"по воздуху \(\d+ вылет\w*: самолёт 1\b", room.text)
        assert "aircraft-1" not in room.text
