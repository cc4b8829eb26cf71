"""Forces through the services and the API, on SQLite and PostgreSQL: the registry is
loaded from the dataset and read through the access filter; consent is the state's alone
and contradictions are refused; the CRRF rule and withheld units keep units out of the
plan; a planner run is checked, stored with its bound and gap ("optimal" only where it
reaches the bound), decided, shown as the deployment, and re-planned after a unit is
withdrawn, keeping what is already moving."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.domain.forces import planner as pl
from phalanx.domain.forces.registry import Scope
from phalanx.services import crises, forces, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.web.app import create_app
from tests.support.templates import FORCES_START

T0 = FORCES_START  # the demo crisis's start (its database's template)
PLANNER = forcesdemo.PLANNER
OBSERVER = Principal("observer", Role.OBSERVER, observer_of="OSCE")


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe(request: pytest.FixtureRequest) -> str:
    # every test starts from the built-in dataset and the demo accounts; one of the demo
    # crisis, from them and the demo crisis planned and decided (once a session)
    return "forces" if "demo_crisis" in request.fixturenames else "accounts"


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


@pytest.fixture
def demo_crisis(org_db: Database) -> int:
    found = forcesdemo.existing(org_db)  # (`forcesdemo.run(org_db, start=T0, ...)`)
    assert found is not None
    return found


def test_the_registry_is_loaded_and_filtered_by_access(org_db: Database) -> None:
    with org_db.read() as conn:
        us = forces.units(conn, actor=rep("ARM"))
        assert len(us) == 60 and {u.state for u in us} >= {"RUS", "KAZ", "ARM"}
        assert forces.units(conn, actor=OBSERVER) == []  # the registry is not public
        kant = next(b for b in forces.bases(conn) if b.key == "kant")
        assert kant.icao == "UAFW"
        fs = {f.key: f for f in forces.formations(conn, actor=PLANNER)}
        assert fs["crrf"].listed_strength > 20_000 and fs["crdf-car"].units == 10


def test_a_unit_is_changed_only_by_its_state_or_the_staff_and_it_is_audited(
        org_db: Database) -> None:
    with pytest.raises(Forbidden, match="RUS's representative"):
        forces.update_unit(org_db, "crdf-rus-1", forces.UnitPatch(strength=300),
                           actor=rep("KAZ"))
    u = forces.update_unit(org_db, "crdf-rus-1", forces.UnitPatch(strength=350,
                                                                  revision=1),
                           actor=rep("RUS"))
    assert (u.strength, u.edited, u.revision) == (350, True, 2)
    with org_db.read() as conn:
        entry = conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "forces.unit.update")).one()
        assert entry.target_id == "crdf-rus-1"
    # a reload of the same dataset keeps the change made in the app
    orgs.load_dataset(org_db, loader.builtin_path(), actor=SYSTEM)
    with org_db.read() as conn:
        assert forces.unit(conn, "crdf-rus-1", actor=PLANNER).strength == 350


def test_a_lift_asset_is_moved_or_withdrawn_and_the_planner_follows(org_db: Database) -> None:
    with pytest.raises(Forbidden):
        forces.update_aircraft(org_db, "kant-il76-1", forces.AircraftPatch(withdrawn=True),
                               actor=rep("KAZ"))
    with pytest.raises(Invalid, match="unknown base 'nowhere'"):
        forces.update_aircraft(org_db, "kant-il76-1", forces.AircraftPatch(base="nowhere"),
                               actor=rep("RUS"))
    a = forces.update_aircraft(org_db, "kant-il76-1", forces.AircraftPatch(
        base="dushanbe", withdrawn=True), actor=rep("RUS"))
    assert (a.base, a.withdrawn, round(a.lat, 1)) == ("dushanbe", True, 38.5)
    cid = _crisis_in_response(org_db)
    forces.add_requirement(org_db, cid, forces.RequirementIn(
        capability="airborne", strength=400, place="Osh", node="osh",
        needed_by=T0 + timedelta(hours=24)), actor=PLANNER, at=T0)
    with org_db.read() as conn:
        built = forces.build(conn, cid, actor=PLANNER, at=T0)
        entry = conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "forces.aircraft.update")).one()
    assert "kant-il76-1" not in {x.id for x in built.problem.aircraft}
    assert entry.target_id == "kant-il76-1"


def _crisis_in_response(db: Database, **flags: bool) -> int:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Flooding in the Fergana valley", category="natural_disaster",
        affected=["KGZ"], severity="severe", place="Osh", lat=40.53, lon=72.80),
        actor=rep("KGZ"), at=T0)
    if flags:
        with db.write(SYSTEM) as w:  # the facts the guards look at
            w.conn.execute(t.crisis.update().where(t.crisis.c.id == c.id).values(**flags))
            w.audit("test.flags", "crisis", c.id, flags)
    return c.id


def test_consent_is_the_states_alone_and_contradictions_are_refused(org_db: Database) -> None:
    cid = _crisis_in_response(org_db)
    with pytest.raises(Forbidden, match="only KAZ's representative"):
        forces.give_consent(org_db, cid, "KAZ", forces.ConsentIn(scope=Scope.ALL),
                            actor=PLANNER)
    with pytest.raises(Invalid, match="belongs to RUS"):
        forces.give_consent(org_db, cid, "KAZ", forces.ConsentIn(
            scope=Scope.SOME, units=["crdf-rus-1"]), actor=rep("KAZ"))
    with pytest.raises(Invalid, match="'some' names no unit"):
        forces.give_consent(org_db, cid, "KAZ", forces.ConsentIn(scope=Scope.SOME),
                            actor=rep("KAZ"))
    with pytest.raises(Invalid, match="named only with 'some'"):
        forces.give_consent(org_db, cid, "KAZ", forces.ConsentIn(
            scope=Scope.NONE, units=["crdf-kaz-1"]), actor=rep("KAZ"))
    forces.give_consent(org_db, cid, "KAZ", forces.ConsentIn(
        scope=Scope.SOME, units=["crdf-kaz-1"], conditions="rescue only"), actor=rep("KAZ"))
    with org_db.read() as conn:
        (k,) = forces.consents(conn, cid, actor=PLANNER)
    assert (k.state, k.scope, k.units, k.conditions) == ("KAZ", Scope.SOME, ["crdf-kaz-1"],
                                                         "rescue only")


def test_the_crrf_rule_and_withheld_consent_keep_units_out_of_the_plan(
        org_db: Database) -> None:
    cid = _crisis_in_response(org_db, bilateral_dispute=True)
    forces.add_requirement(org_db, cid, forces.RequirementIn(
        capability="airborne", strength=400, place="Osh", node="osh",
        needed_by=T0 + timedelta(hours=24)), actor=PLANNER, at=T0)
    forces.add_requirement(org_db, cid, forces.RequirementIn(
        capability="motorized_rifle", strength=300, place="Osh", node="osh",
        needed_by=T0 + timedelta(hours=24)), actor=PLANNER, at=T0)
    for state in ("RUS", "KAZ", "KGZ"):
        forces.give_consent(org_db, cid, state, forces.ConsentIn(scope=Scope.ALL),
                            actor=rep(state), at=T0)
    with org_db.read() as conn:
        built = forces.build(conn, cid, actor=PLANNER, at=T0)
    crrf = {u["key"] for u in orgs_units(org_db) if u["formation"] in ("crrf", "crdf-car")
            and u["state"] in ("RUS", "KAZ", "KGZ")}
    cs = str(cid)
    expired = "crdf-kgz-1"  # its certification ran out on 2026-06-30 (in the dataset)
    assert "certification expired on 2026-06-30" in built.problem.barred[(expired, cs)]
    for key in crrf - {expired}:
        assert "bilateral political problem" in built.problem.barred[(key, cs)], key
    # peacekeepers without an official request, and states that did not answer, are out too
    assert "official request" in built.problem.barred[("pk-kaz-1", cs)]
    assert "has not made its units available" in built.problem.barred[("crrf-tjk-mr-1", cs)]
    p = forces.run_plan(org_db, cid, forces.PlanIn(time_limit=1), actor=PLANNER, at=T0)
    assert not {m.unit for m in p.movements} & crrf
    assert p.uncovered and all(u["proven"] for u in p.uncovered)
    assert any("no available unit can meet it" in w for w in p.warnings)


def orgs_units(db: Database) -> list[dict[str, object]]:
    with db.read() as conn:
        return [u.model_dump() for u in forces.units(conn, actor=PLANNER)]


def test_the_demo_crisis_gets_a_checked_decided_deployment(org_db: Database,
                                                           demo_crisis: int) -> None:
    with org_db.read() as conn:
        (p,) = forces.plans(conn, demo_crisis, actor=PLANNER)
        built = forces.build(conn, demo_crisis, actor=PLANNER, at=T0 + timedelta(hours=5))
        progress = forces.progress(conn, demo_crisis, actor=PLANNER,
                                   at=T0 + timedelta(hours=10))
        c = crises.get(conn, demo_crisis, actor=PLANNER)
    assert p.status == "decided" and p.gap is not None and 0 <= p.gap < 1
    assert p.bound <= p.objective["closure"] + 1e-6
    assert p.objective["closure"] <= p.greedy["closure"] + 1e-6
    assert len(p.movements) == len(forcesdemo.REQUIREMENTS) - len(p.uncovered)
    # nothing from a state that declined, nothing KAZ did not name
    used = {m.unit for m in p.movements}
    assert not {u for u in used if u.startswith(("crrf-arm", "crdf-arm", "pk-arm"))}
    kaz = {u for u in used if "-kaz-" in u}
    assert kaz <= set(forcesdemo.CONSENTS[1][2])
    assert set(p.explanations) >= used
    assert progress is not None and progress.waiting + progress.moving + progress.arrived \
        == len(p.movements)
    assert built.previous is not None  # the decided plan is kept when re-planning
    assert c.stage is Stage.RESPONSE
    assert crises.transition(org_db, demo_crisis, Stage.DEPLOYED, actor=PLANNER,
                             at=T0 + timedelta(hours=6)).stage is Stage.DEPLOYED


def test_a_withdrawn_unit_is_replanned_keeping_what_is_moving(org_db: Database,
                                                             demo_crisis: int) -> None:
    with org_db.read() as conn:
        (first,) = forces.plans(conn, demo_crisis, actor=PLANNER)
    start = first.starts_at
    now = start + timedelta(hours=3)
    moving = {m.unit for m in first.movements if m.depart is not None and m.depart <= now}
    waiting = [m for m in first.movements if m.depart is not None and m.depart > now]
    assert waiting, "the demo plan has movements that have not left after three hours"
    victim = waiting[0].unit
    state = waiting[0].state
    forces.update_unit(org_db, victim, forces.UnitPatch(withdrawn=True), actor=rep(state))
    second = forces.run_plan(org_db, demo_crisis, forces.PlanIn(time_limit=2),
                             actor=PLANNER, at=now)
    assert second.starts_at == start
    assert victim not in {m.unit for m in second.movements}
    again = {m.unit: m for m in second.movements}
    for m in first.movements:
        if m.unit in moving:
            assert again[m.unit].arrive_h == pytest.approx(m.arrive_h)
    for m in second.movements:
        if m.unit not in moving:
            assert all(s["depart_h"] >= 3 - 1e-6 for s in m.sorties)
    forces.decide_plan(org_db, second.id, actor=PLANNER, at=now)
    with org_db.read() as conn:
        statuses = [p.status for p in forces.plans(conn, demo_crisis, actor=PLANNER)]
        audited = conn.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action.like("forces.%"))).scalar_one()
    assert statuses == ["decided", "superseded"]
    assert audited >= 3 + len(forcesdemo.REQUIREMENTS) + len(forcesdemo.CONSENTS)


def test_every_stored_plan_passes_the_checker(org_db: Database, demo_crisis: int) -> None:
    with org_db.read() as conn:
        (p,) = forces.plans(conn, demo_crisis, actor=PLANNER)
        built = forces.build(conn, demo_crisis, actor=PLANNER, at=p.starts_at)
    stored = forces._plan_from_json(
        [m.model_dump() | {"requirement_key": str(m.requirement)} for m in p.movements],
        [u | {"key": str(u["requirement"])} for u in p.uncovered])
    problem = built.problem
    # the stored plan in its own clock, as the planner produced it
    objective = pl.objective(problem, stored.movements, len(stored.uncovered))
    assert pl.check(problem, pl.Plan(stored.movements, stored.uncovered, objective)) == []


@pytest.fixture
def api(org_db: Database, settings: Settings, demo_crisis: int
        ) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    tokens = {}
    for name in ("planner", "rep-kaz", "observer"):
        tokens[name] = {"Authorization": "Bearer "
                        + api_tokens.issue_token(org_db, name, actor=SYSTEM).token}
    with TestClient(create_app(settings, org_db)) as c:
        yield c, tokens


def test_the_api_runs_the_planner_and_refuses_bad_input_clearly(
        api: tuple[TestClient, dict[str, dict[str, str]]], demo_crisis: int) -> None:
    c, tok = api
    r = c.get(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"])
    assert r.status_code == 200 and r.json()[0]["status"] == "decided"
    r = c.post(f"/api/v1/crises/{demo_crisis}/requirements", headers=tok["planner"],
               json={"capability": "airborne", "strength": -5, "place": "Osh",
                     "needed_by": "2026-11-21T00:00:00Z"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "strength" in r.text
    r = c.put(f"/api/v1/crises/{demo_crisis}/consents/KAZ", headers=tok["rep-kaz"],
              json={"scope": "some", "units": ["no-such-unit"]})
    assert r.status_code == 422 and "unknown unit 'no-such-unit'" in r.text
    r = c.put(f"/api/v1/crises/{demo_crisis}/consents/RUS", headers=tok["rep-kaz"],
              json={"scope": "all"})
    assert r.status_code == 403
    r = c.post(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["rep-kaz"],
               json={"time_limit": 1})
    assert r.status_code == 403
    r = c.post(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"],
               json={"time_limit": 1, "seed": 3})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "proposed" and body["bound"] <= body["objective"]["closure"]
    assert c.get("/api/v1/forces/units", headers=tok["observer"]).json() == []
    pic = c.get("/api/v1/forces/picture", headers=tok["planner"]).json()
    assert {m["crisis"] for m in pic["movements"]} == {demo_crisis}
    assert any(x["id"] == demo_crisis for x in pic["crises"])


def test_the_pages_show_the_plan_and_the_map(
        api: tuple[TestClient, dict[str, dict[str, str]]], demo_crisis: int) -> None:
    c, tok = api
    r = c.get(f"/crises/{demo_crisis}", headers=tok["planner"])
    assert r.status_code == 200
    assert 'id="plan-gap"' in r.text and 'class="chart gantt"' in r.text
    # why each unit: capabilities by their labels, aircraft by state and type, not by ids
    assert "serves requirement 1 (Special police, 200) of crisis" in r.text
    why = " ".join(re.findall(r'<td class="small">([^<]*)</td>', r.text))
    assert "RUS Il-76MD" in why and not re.search(r"\b(kant|vta)-il76-\d", why), why
    assert "special_police" not in why
    # the chart names each unit with its state, uncut
    bars = re.findall(r'<text class="label"[^>]*>([^<]*)', r.text)
    assert bars and all(re.search(r" \([A-Z]{3}\)$", b) for b in bars), bars
    assert "Emergency rescue detachment (KGZ)" in bars, bars
    # in Russian: why each unit, the search's status and the numbers too
    r = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"])
    assert "закрывает потребность 1 (Спецподразделение полиции, 200) кризиса" in r.text
    assert "serves requirement" not in r.text and "at the bound" not in r.text
    assert "достигнута нижняя оценка" in r.text
    # the category's treaty basis and obligation, in the Russian the dataset gives
    assert "Реформа 2010 г.: обязательства о взаимной помощи" in r.text
    assert "2010 reform" not in r.text and "members give assistance" not in r.text
    assert re.search(r'<span id="plan-gap">\d+,\d%</span>', r.text)
    # a unit of a garrison without an airfield: where it boards, by its Russian name
    assert re.search(r"посадка: (Чкаловский \(Москва\)|Мачулищи \(Минск\)|Алматы) "
                     r"\(\d+(,\d)? ч по земле\)", r.text)
    assert "boards at" not in r.text
    # to Batken, which has no airfield: its aircraft land at Osh, 4 h from it by road
    assert re.search(r"высадка: Ош, затем 4(,0)? ч по земле", r.text)
    # the chart draws the road from Osh within the bars of the units flown there
    assert '<rect class="leg road"' in r.text
    # and beside each requirement at a place without an airfield, before any plan
    assert re.search(r'data-lands="\d+">высадка: Ош, затем 4(,0)? ч по земле', r.text)
    # and that Osh takes three aircraft on the ground at once (the dataset's `apron`)
    assert re.search(r'data-apron="\d+">Ош принимает на стоянку не более 3 самолётов '
                     r"одновременно: посадки ждут свободного места", r.text)
    r = c.get(f"/forces/map?crisis={demo_crisis}", headers=tok["planner"])
    assert r.status_code == 200
    assert 'data-src="/forces/map/data.json?crisis=' in r.text  # the interactive map
    assert "/static/vendor/milsymbol.js" in r.text and "/static/vendor/leaflet/leaflet.js" in r.text
    data = c.get(f"/forces/map/data.json?crisis={demo_crisis}&lang=en",
                 headers=tok["planner"]).json()
    assert sum(s["layer"] == "units" for s in data["symbols"]) >= 50 and data["moves"]
    # its line on the map passes through where it boards
    away = [m for m in data["moves"] if m["via"] and m["via"] != m["from"]]
    assert away and all(re.search(r" · boards at .+ \(\d+\.\d h by ground\)( · |$)",
                                  m["label"]) for m in away), away
    # and, to Batken, which has no airfield, through Osh, where its aircraft land
    osh = next(b for b in c.get("/api/v1/forces/bases", headers=tok["planner"]).json()
               if b["key"] == "osh")
    landed = [m for m in data["moves"] if m["to"] == [40.06, 70.82] and m["mode"] == "air"]
    assert landed and all(m["land"] == [osh["lat"], osh["lon"]] for m in landed)
    assert all(re.search(r" · lands at Osh.*, then 4\.0 h by ground$", m["label"])
               for m in landed), landed
    ru = c.get(f"/forces/map/data.json?crisis={demo_crisis}&lang=ru",
               headers=tok["planner"]).json()
    assert any(" · посадка: " in m["label"] for m in ru["moves"] if m["via"])
    r = c.get("/forces?lang=en", headers=tok["rep-kaz"])
    assert r.status_code == 200 and "crdf-kaz-1" in r.text and 'id="strength-chart"' in r.text
    # garrisons and bases by their names, not their keys
    assert "<td>Kant air base</td>" in r.text and "<td>Tolmachevo (Novosibirsk)</td>" in r.text
    assert "<td>kant</td>" not in r.text and "<td>tolmachevo</td>" not in r.text
    ru = c.get("/forces?lang=ru", headers=tok["rep-kaz"]).text
    assert "<td>Авиабаза Кант</td>" in ru


def test_the_crisis_room_says_optimal_only_where_the_plan_reaches_its_bound(
        api: tuple[TestClient, dict[str, dict[str, str]]], demo_crisis: int) -> None:
    c, tok = api

    def shown() -> tuple[dict[str, Any], str]:
        plan = c.get(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"]).json()[0]
        page = c.get(f"/crises/{demo_crisis}", headers=tok["planner"]).text
        return plan, page

    # the demo's plan reaches its bound: plan, bound, a gap of 0 and "optimal"
    plan, page = shown()
    assert plan["gap"] is not None and plan["gap"] < 1e-6
    assert f'<span id="plan-bound">{plan["bound"]:.1f}</span>' in page
    assert '<span id="plan-gap">0.0%</span>' in page and 'id="plan-optimal"' in page
    closes = max(m["arrive_h"] for m in plan["movements"] if m["crisis_id"] == demo_crisis)
    assert f"{closes:.1f} h after the plan's start" in page  # its closure, in hours
    # heavy, distant and urgent needs on top, each to a battalion told only now, so that
    # they compete for the lift: a short run cannot reach its bound
    soon = (datetime.now(UTC) + timedelta(hours=6)).isoformat()
    for place, lat, lon in (("Osh", 40.53, 72.8), ("Khujand", 40.28, 69.62),
                            ("Jalal-Abad", 40.93, 73.0)):
        for cap in ("airborne", "airborne"):
            r = c.post(f"/api/v1/crises/{demo_crisis}/requirements", headers=tok["planner"],
                       json={"capability": cap, "strength": 800, "place": place,
                             "lat": lat, "lon": lon, "needed_by": soon})
            assert r.status_code == 201, r.text
    r = c.post(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"],
               json={"time_limit": 0.5, "seed": 1})
    assert r.status_code == 201, r.text
    plan, page = shown()
    assert plan["id"] == r.json()["id"] and plan["gap"] > 0.001, plan["gap"]
    # (a proposal beside the decided plan, which stays in force)
    assert f'<span id="proposal-gap">{plan["gap"] * 100:.1f}%</span>' in page
    assert 'id="proposal-optimal"' not in page and 'id="plan-optimal"' in page


def test_optimal_is_not_shown_where_the_plan_leaves_out_a_requirement_a_unit_could_meet(
        org_db: Database, api: tuple[TestClient, dict[str, dict[str, str]]],
        demo_crisis: int) -> None:
    """A plan whose gap is 0 over the requirements it covers, leaving out one that some
    unit could meet: the bound says nothing of a plan leaving out another, so neither the
    API nor the crisis room nor the command line calls it optimal."""
    c, tok = api
    plan = c.get(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"]).json()[0]
    assert plan["gap"] == 0 and plan["optimal"] and not plan["uncovered"]
    left_out = {"key": "99", "requirement": 99, "crisis_id": demo_crisis, "label": None,
                "site": 0, "sites": 0, "part": 0, "parts": 0, "capability": "airborne",
                "strength": 400, "proven": False, "short": False}
    with org_db.write(SYSTEM) as w:
        w.conn.execute(t.deployment_plan.update().where(t.deployment_plan.c.id == plan["id"])
                       .values(uncovered=[left_out]))
        w.audit("test.uncovered", "deployment_plan", plan["id"])
    plan = c.get(f"/api/v1/plans/{plan['id']}", headers=tok["planner"]).json()
    assert plan["gap"] == 0 and not plan["optimal"]
    page = c.get(f"/crises/{demo_crisis}", headers=tok["planner"]).text
    assert '<span id="plan-gap">0.0%</span>' in page and 'id="plan-optimal"' not in page
    assert "(over the requirements covered)" in page


def test_a_requirement_left_uncovered_says_which_requirements_took_its_units(
        org_db: Database, api: tuple[TestClient, dict[str, dict[str, str]]],
        demo_crisis: int) -> None:
    """Every unit able to meet it serves another requirement: the crisis room says so
    and names them, in English and in Russian; the API gives them with their crisis."""
    c, tok = api
    plan = c.get(f"/api/v1/crises/{demo_crisis}/plans", headers=tok["planner"]).json()[0]
    with org_db.read() as conn:
        stored = conn.execute(select(t.deployment_plan.c.movements).where(
            t.deployment_plan.c.id == plan["id"])).scalar_one()
    m = stored[0]
    left_out = {"key": "99", "requirement": 99, "crisis_id": demo_crisis, "label": None,
                "site": 0, "sites": 0, "part": 0, "parts": 0, "capability": m.get("capability",
                "airborne"), "strength": 400, "proven": False, "short": False,
                "taken_by": [{"unit": m["unit"], "requirement_key": m["requirement_key"]}]}
    with org_db.write(SYSTEM) as w:
        w.conn.execute(t.deployment_plan.update().where(t.deployment_plan.c.id == plan["id"])
                       .values(uncovered=[left_out]))
        w.audit("test.uncovered", "deployment_plan", plan["id"])
    out = c.get(f"/api/v1/plans/{plan['id']}", headers=tok["planner"]).json()["uncovered"]
    assert out == [{**{k: v for k, v in left_out.items() if k != "taken_by"}, "taken": True,
                    "taken_by": [{"unit": m["unit"], "crisis_id": demo_crisis,
                                  "requirement": m["requirement"], "label": m.get("label"),
                                  "site": m.get("site"), "sites": m.get("sites"),
                                  "part": m.get("part"), "parts": m.get("parts")}]}]
    english = c.get(f"/crises/{demo_crisis}?lang=en", headers=tok["planner"]).text
    russian = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"]).text
    assert "every unit able to meet it serves another requirement of this plan" in english
    assert f"serves requirement {m['requirement']}" in english
    assert "заняты другими потребностями этого плана" in russian
    assert f"закрывает потребность {m['requirement']}" in russian


def test_the_crisis_timeline_speaks_the_readers_language(
        org_db: Database, api: tuple[TestClient, dict[str, dict[str, str]]],
        demo_crisis: int) -> None:
    c, tok = api
    # a situation report is what its author wrote, even when it reads like an entry
    crises.add_sitrep(org_db, demo_crisis, crises.SitrepIn(situation="KGZ: declined"),
                      actor=rep("KGZ"))
    english = c.get(f"/crises/{demo_crisis}?lang=en", headers=tok["planner"]).text
    russian = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"]).text

    def entries(html: str) -> list[str]:
        timeline = html[html.index('id="timeline"'):]
        timeline = timeline[:timeline.index("</ol>")]
        return [re.sub(r"<[^>]+>", "", li)
                for li in re.findall(r"<li[^>]*>(.*?)</li>", timeline, re.S)]

    assert any("units move" in e for e in entries(english))
    said = [forcesdemo.TITLE, "Sadyr Japarov", "Treaty art. 4",
            "the Collective Rapid Reaction Force", "within the Batken region only",
            "rescue only", "On collective assistance to Kyrgyzstan"]
    left = []
    for entry in entries(russian):
        for text in said:  # what people wrote stays as they wrote it
            entry = entry.replace(text, "")
        left += re.findall(r"\b(?:units|plan|movements|uncovered|gap|consultations|"
                           r"convened|official|request|decision|notice|Consultations|"
                           r"conditions|decided|proposed|move|for \d+ days)\b", entry)
    assert not left, left
    joined = " ".join(entries(russian))
    assert "утверждён план развёртывания" in joined and "отрыв 0,0%" in joined
    assert "KGZ: declined" in joined and "KGZ: отказ" not in joined  # the sitrep


def planned_with_a_secret_crisis(org_db: Database, demo_crisis: int
                                 ) -> tuple[crises.CrisisOut, forces.RequirementOut,
                                            forces.PlanOut]:
    """A second crisis, marked for KAZ and RUS only, competes with the demo crisis for the
    same units; the planner plans both together."""
    secret = crises.open_crisis(org_db, crises.CrisisIn(
        title="Unrest at a border post", category="armed_attack", affected=["KAZ"],
        severity="severe", place="Shymkent", lat=42.32, lon=69.59,
        marking="PARTICIPANTS", participants=["KAZ", "RUS"]), actor=rep("KAZ"), at=T0)
    req = forces.add_requirement(org_db, secret.id, forces.RequirementIn(
        capability="special_police", strength=200, place="Shymkent", lat=42.32, lon=69.59,
        needed_by=T0 + timedelta(hours=24)), actor=PLANNER, at=T0)
    forces.give_consent(org_db, secret.id, "RUS", forces.ConsentIn(scope=Scope.ALL),
                        actor=rep("RUS"), at=T0)
    plan = forces.run_plan(org_db, demo_crisis, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=5))
    return secret, req, plan


def test_a_plan_shows_only_the_crises_its_reader_may_see(org_db: Database,
                                                        demo_crisis: int) -> None:
    """Two crises compete for the same units; a state that may not see the second one
    sees none of its movements in the first one's plan."""
    secret, _req, p = planned_with_a_secret_crisis(org_db, demo_crisis)
    assert set(p.crises) == {demo_crisis, secret.id}  # planned together, seen by the staff
    assert secret.id in {m.crisis_id for m in p.movements}
    with org_db.read() as conn:
        seen = forces.plan_out(conn, p.id, actor=rep("ARM"))
    assert seen.crises == [demo_crisis]
    assert {m.crisis_id for m in seen.movements} == {demo_crisis}
    theirs = {m.unit for m in p.movements if m.crisis_id == secret.id}
    assert not theirs & set(seen.explanations)


def test_the_crisis_room_lists_each_crisis_planned_together_with_its_closure(
        org_db: Database, api: tuple[TestClient, dict[str, dict[str, str]]],
        demo_crisis: int) -> None:
    """Each crisis's closure in hours beside the plan, for the crises its reader may see."""
    c, tok = api
    secret, _req, p = planned_with_a_secret_crisis(org_db, demo_crisis)
    page = c.get(f"/crises/{demo_crisis}", headers=tok["planner"]).text
    listed = dict(re.findall(r'<a href="/crises/(\d+)" data-closes="([\d.]+)">', page))
    for crisis in (demo_crisis, secret.id):
        closes = max(m.arrive_h for m in p.movements if m.crisis_id == crisis)
        assert abs(float(listed[str(crisis)]) - closes) < 0.01, (listed, crisis, closes)
    # a state that may not see the second crisis sees neither it nor its closure
    arm = {"Authorization": "Bearer " + api_tokens.issue_token(org_db, "rep-arm",
                                                             actor=SYSTEM).token}
    page = c.get(f"/crises/{demo_crisis}", headers=arm).text
    assert 'id="plan-summary"' in page and 'id="plan-crises"' not in page
    assert f"/crises/{secret.id}" not in page


def test_a_partly_hidden_plan_says_nothing_of_the_hidden_crisis(org_db: Database,
                                                                demo_crisis: int) -> None:
    """Explanations, objective, sorties, bound and gap are limited to what the reader may
    see; a hidden crisis's plan, request and offer answer as missing ones ("no plan N",
    "no request N"), never "no crisis N"."""
    from phalanx.services.errors import NotFound

    secret, req, p = planned_with_a_secret_crisis(org_db, demo_crisis)
    assert not p.partial and p.bound is not None
    hidden_reqs = {str(m.requirement) for m in p.movements if m.crisis_id == secret.id}
    hidden_reqs |= {str(getattr(req, "id", ""))} - {""}
    with org_db.read() as conn:
        seen = forces.plan_out(conn, p.id, actor=rep("ARM"))
    assert seen.partial
    assert (seen.bound, seen.gap, seen.improvement, seen.greedy) == (None, None, None, {})
    mine = [m for m in p.movements if m.crisis_id == demo_crisis]
    assert seen.objective["sorties"] == sum(len(m.sorties) for m in mine)
    # the objective of what the reader sees is still in weighted hours: the demo crisis
    # (extreme, weight 3) times its closure, not the closure's bare hours
    closes = max(m.arrive_h for m in mine)
    assert seen.closures == {demo_crisis: pytest.approx(closes)}
    assert seen.objective["closure"] == pytest.approx(3.0 * closes)
    assert seen.objective["uncovered"] == len([u for u in p.uncovered
                                               if u["crisis_id"] == demo_crisis])
    assert all("start" not in s for m in seen.movements for s in m.sorties)
    assert set(seen.explanations) <= {m.unit for m in mine}
    for text in seen.explanations.values():
        assert f"of {secret.id}:" not in text
        assert not any(f" {r} " in f" {text} " or f"{r} (" in text for r in hidden_reqs)
    assert "Shymkent" not in seen.model_dump_json()
    # the hidden crisis's own plan, request and offer: missing, not "no crisis"
    theirs = forces.run_plan(org_db, secret.id, forces.PlanIn(time_limit=1), actor=PLANNER,
                             at=T0 + timedelta(hours=5))
    with org_db.read() as conn, pytest.raises(NotFound) as info:
        forces.plan_out(conn, theirs.id, actor=rep("ARM"))
    assert str(info.value) == f"no plan {theirs.id}"
    with org_db.write(SYSTEM) as w:
        rid = w.conn.execute(t.assistance_request.insert().values(
            crisis_id=secret.id, state_code="KAZ", resource="police", measure="humanitarian",
            quantity=1, unit="companies", place="Shymkent", needed_by=T0, lapses_at=T0,
            status="open", created_by="rep-kaz", created_at=T0)
            .returning(t.assistance_request.c.id)).scalar_one()
        w.audit("test.request", "assistance_request", rid)
    with pytest.raises(NotFound) as info:
        crises.offer_assistance(org_db, rid, crises.OfferIn(
            kind="units", description="a company", quantity=1), actor=rep("ARM"))
    assert str(info.value) == f"no request {rid}"


def test_a_plan_decided_from_one_crisis_is_the_deployment_of_each_it_covers(
        org_db: Database, demo_crisis: int) -> None:
    """Deciding a joint plan from the demo crisis supersedes the other crisis's plans too;
    that crisis's deployment is then the joint plan's movements for it: its progress,
    its committed units and its response card read them."""
    secret, _req, p = planned_with_a_secret_crisis(org_db, demo_crisis)
    forces.decide_plan(org_db, p.id, actor=PLANNER, at=T0 + timedelta(hours=5))
    theirs = [m for m in p.movements if m.crisis_id == secret.id]
    assert theirs
    late = max(m.arrive for m in theirs) + timedelta(hours=1)
    with org_db.read() as conn:
        seen = forces.progress(conn, secret.id, actor=PLANNER, at=late)
        assert forces.committed_units(conn, secret.id) == len(theirs)
        card = {m.measure: m for m in crises.get(conn, secret.id, actor=PLANNER,
                                                 at=late).response_card}
    assert seen is not None and seen.plan_id == p.id and seen.arrived == len(theirs)
    assert card["first_unit"].elapsed_minutes is not None


def test_a_new_proposal_is_shown_beside_the_decided_plan_in_force(
        org_db: Database, api: tuple[TestClient, dict[str, dict[str, str]]],
        demo_crisis: int) -> None:
    """A second crisis is planned with the demo crisis and its plan decided there: that
    plan is in force for both. Re-running the planner from the demo crisis proposes a
    plan; the room and the map go on showing the decided plan, under which the units
    move, with the proposal beside it, marked as not decided."""
    from tests.integration.test_force_tasks import consent_all, need, response

    c, tok = api
    other = response(org_db)
    consent_all(org_db, other)
    need(org_db, other, strength=100)
    shared = forces.run_plan(org_db, other, forces.PlanIn(time_limit=1), actor=PLANNER,
                             at=T0 + timedelta(hours=2))
    assert set(shared.crises) == {demo_crisis, other}
    forces.decide_plan(org_db, shared.id, actor=PLANNER, at=T0 + timedelta(hours=2))
    mine = [m for m in shared.movements if m.crisis_id == demo_crisis]
    with org_db.read() as conn:  # the demo crisis's units move under the shared plan
        assert forces.committed_units(conn, demo_crisis) == len(mine) > 0
        moving = forces.progress(conn, demo_crisis, actor=PLANNER)
        assert moving is not None and moving.plan_id == shared.id
        from phalanx.services import inbox
        assert not [i for i in inbox.inbox(conn, actor=PLANNER)
                    if i.kind == "plan" and i.href.startswith(f"/crises/{demo_crisis}#")]
    # units are committed to it: it may be marked deployed
    assert crises.transition(org_db, demo_crisis, Stage.DEPLOYED, actor=PLANNER,
                             at=T0 + timedelta(hours=2)).stage is Stage.DEPLOYED
    proposal = forces.run_plan(org_db, demo_crisis, forces.PlanIn(time_limit=1),
                               actor=PLANNER, at=T0 + timedelta(hours=3))
    assert proposal.status == "proposed" and proposal.crisis_id == demo_crisis

    page = c.get(f"/crises/{demo_crisis}?lang=en", headers=tok["planner"]).text
    summary = re.search(r'id="plan-summary" data-plan="(\d+)" data-status="(\w+)"', page)
    assert summary is not None and summary.groups() == (str(shared.id), "decided")
    assert f"decided in the room of crisis {other}" in page
    newer = re.search(r'id="proposal-summary" data-plan="(\d+)" data-status="(\w+)"', page)
    assert newer is not None and newer.groups() == (str(proposal.id), "proposed")
    assert (f"Plan {proposal.id} is a proposal: until it is decided, plan {shared.id} stays "
            "in force") in page
    assert page.index('id="plan-summary"') < page.index('id="proposal"')
    # only the proposal may be decided; the units' progress is the decided plan's
    assert page.count('id="decide-plan"') == 1
    assert page.index('id="decide-plan"') > page.index('id="proposal"')
    assert 'id="movements"' in page and 'id="proposal-movements"' in page
    assert 'id="progress"' in page

    pic = c.get(f"/forces/map?crisis={demo_crisis}&lang=en", headers=tok["planner"]).text
    shown = re.search(r'id="cop-plan" class="card" data-plan="(\d+)" data-status="(\w+)"', pic)
    assert shown is not None and shown.groups() == (str(shared.id), "decided")
    assert f'id="cop-proposal" class="card notice" data-plan="{proposal.id}"' in pic
    data = c.get(f"/forces/map/data.json?crisis={demo_crisis}&lang=en",
                 headers=tok["planner"]).json()
    assert sum(m["status"] == "decided" for m in data["moves"]) == len(mine) > 0
    ru = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"]).text
    assert "Предложенный план, не утверждён" in ru

    forces.decide_plan(org_db, proposal.id, actor=PLANNER, at=T0 + timedelta(hours=3))
    page = c.get(f"/crises/{demo_crisis}?lang=en", headers=tok["planner"]).text
    summary = re.search(r'id="plan-summary" data-plan="(\d+)" data-status="(\w+)"', page)
    assert summary is not None and summary.groups() == (str(proposal.id), "decided")
    assert 'id="proposal"' not in page
