"""A unit a decided deployment moves, withdrawn from the registry by its state or out of
certification since, stays in the plan until a new one is decided, and the plan says so
beside it — in the API, the crisis room and in Russian — never silently; a unit the
reader may not see is said with no key and no reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access import classification_values
from phalanx.config import Settings
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import forces, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

PLANNER = forcesdemo.PLANNER


@pytest.fixture
def db_recipe() -> str:
    return "forces"


def _rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _decided(db: Database, actor: Principal = PLANNER) -> forces.PlanOut:
    found = forcesdemo.existing(db)
    assert found is not None
    with db.read() as conn:
        (plan,) = [p for p in forces.plans(conn, found, actor=actor) if p.status == "decided"]
    return plan


def test_a_unit_withdrawn_or_out_of_certification_is_said_beside_the_plan(
        db: Database, settings: Settings) -> None:
    before = _decided(db)
    assert not [w for w in before.warnings if "may no longer serve" in w]
    units = list(dict.fromkeys((m.unit, m.state) for m in before.movements))
    (gone, gone_state), (lapsed, _) = units[0], units[1]
    forces.update_unit(db, gone, forces.UnitPatch(withdrawn=True), actor=_rep(gone_state))
    with db.read() as conn:
        day = orgs.today(conn) - timedelta(days=1)
    forces.update_unit(db, lapsed, forces.UnitPatch(certified_until=day), actor=PLANNER)
    after = _decided(db)
    assert after.status == "decided" and {m.unit for m in after.movements} >= {gone, lapsed}
    assert (f"{gone} may no longer serve (withdrawn by {gone_state}): plan again to "
            "replace it") in after.warnings, after.warnings
    assert (f"{lapsed} may no longer serve (certification expired on {day.isoformat()}): "
            "plan again to replace it") in after.warnings, after.warnings
    with TestClient(create_app(settings, db)) as client:
        login(client, "planner", "demo-planner-pass")
        room = client.get(f"/crises/{after.crisis_id}", headers={"Accept-Language": "ru"}).text
    assert "больше не может участвовать" in room and "выведено государством" in room, room[:2000]


def test_a_restricted_unit_no_longer_serving_is_said_without_key_or_reason(
        db: Database) -> None:
    plan = _decided(db)
    unit, state = plan.movements[0].unit, plan.movements[0].state
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.force_unit).where(t.force_unit.c.key == unit).values(
            withdrawn=True, **classification_values(
                Classification(OwnerKind.STATE, state, Marking.NATIONAL))))
        w.audit("forces.unit.mark", "force_unit", unit, {"marking": "NATIONAL"})
    said = [w for w in _decided(db).warnings if "may no longer serve" in w]
    assert said == ["restricted may no longer serve: plan again to replace it"], said
    assert not [w for w in said if unit in w or state in w]


def test_an_aircraft_withdrawn_since_is_said_beside_the_plan(
        db: Database, settings: Settings) -> None:
    plan = _decided(db)
    flying = sorted({s["aircraft"] for m in plan.movements for s in m.sorties})
    assert flying, "the demo deployment flies"
    with db.read() as conn:
        state = next(a.state for a in forces.aircraft(conn, actor=PLANNER)
                     if a.key == flying[0])
    forces.update_aircraft(db, flying[0], forces.AircraftPatch(withdrawn=True),
                           actor=PLANNER)
    said = [w for w in _decided(db).warnings if "may no longer fly" in w]
    assert said == [f"{flying[0]} may no longer fly (withdrawn by {state}): plan again to "
                    "replace it"], said
    with TestClient(create_app(settings, db)) as client:
        login(client, "planner", "demo-planner-pass")
        room = client.get(f"/crises/{plan.crisis_id}", headers={"Accept-Language": "ru"}).text
    assert "больше не может летать" in room
