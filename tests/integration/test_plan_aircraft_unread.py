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


def test_aircraft_are_numbered_among_what_the_reader_sees(accounts_db: Database) -> None:
    """The numbers count only the aircraft of the movements the reader sees, then those its
    lines name: not the aircraft flying for a crisis it may not read (planned together),
    nor the registry's others (the highest number would tell how many fly, or exist)."""
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises

    cid, pid = _plan(accounts_db)
    hidden = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Unrest at a border post", category="armed_attack", affected=["KAZ"],
        place="Shymkent", lat=42.32, lon=69.59),
        actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"), at=T0)
    with accounts_db.write(PLANNER) as w:
        r = w.conn.execute(select(t.deployment_plan).where(t.deployment_plan.c.id == pid)
                           ).one()
        flown = list(dict.fromkeys(s["aircraft"] for m in r.movements for s in m["sorties"]))
        spare = sorted({k for (k,) in w.conn.execute(select(t.force_aircraft.c.key))}
                       - set(flown))
        # a crisis the observers may not read, planned with it: its movement flies first,
        # in an aircraft of its own; a line of the plan names another aircraft
        theirs = {**r.movements[0], "crisis_id": hidden.id, "requirement": 999,
                  "sorties": [{**r.movements[0]["sorties"][0], "aircraft": spare[0],
                               "depart_h": -1.0}]}
        line = (f"crisis {cid}: aircraft {spare[-1]} is committed to its decided plan "
                "until 2026-12-01 12:00: this plan has it from there")
        w.conn.execute(t.deployment_plan.update().where(t.deployment_plan.c.id == pid).values(
            movements=[theirs, *r.movements], crises=[hidden.id, cid],
            warnings=[*r.warnings, line]))
        w.audit("test.plan", "crisis", cid)
    with accounts_db.read() as conn:
        seen = forces.plan_out(conn, pid, actor=Principal("observer", Role.OBSERVER,
                                                          observer_of="OSCE"))
    names = list(dict.fromkeys(s.get("aircraft") for m in seen.movements for s in m.sorties))
    assert names == [f"aircraft-{n}" for n in range(1, len(flown) + 1)], names
    said = [w for w in seen.warnings if "is committed" in w]
    assert said == [line.replace(spare[-1], f"aircraft-{len(flown) + 1}")], seen.warnings
