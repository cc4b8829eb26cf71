"""Forces that follow the decision, end to end (SQLite and PostgreSQL): an offer names
registry units of the offering state, which become the plan's candidates once accepted;
a peacekeeping-only response guards 14 sites with parts of units and covers a strength
without moving whole battalions; after the mission the units go home by a withdrawal
plan, shown leaving and returned, with the start and end of withdrawal on the card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, crisis_requests, forces
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from tests.integration.test_response_chain import adopt

SEC = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
PK = Measure.MILITARY_PEACEKEEPING
T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
CONTRIBUTING = ["ARM", "BLR", "KGZ", "RUS", "TJK"]


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def response(db: Database, contributing: list[str] = CONTRIBUTING, **marking: object) -> int:
    """A member's request for peacekeepers against a terrorist threat, a peacekeeping-only
    decision naming the contributing states, the response under way."""
    c = crises.open_crisis(db, crises.CrisisIn.model_validate({
        "title": "Attacks on government buildings in Almaty",
        "category": "threat_to_security", "affected": ["KAZ"], "severity": "extreme",
        "place": "Almaty", "lat": 43.24, "lon": 76.89, **marking}), actor=rep("KAZ"), at=T0)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state",
        at=T0 + timedelta(hours=1), article="Treaty art. 2 and 4", measures=[PK],
        forces="collective peacekeeping forces", period_days=14),
        actor=rep("KAZ"), at=T0 + timedelta(hours=1))
    c = crises.convene_consultations(db, c.id, actor=SEC, at=T0 + timedelta(hours=2))
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=T0 + timedelta(hours=3))
    with clock.use(T0 + timedelta(hours=4)):
        decision = adopt(db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                         contributing_states=contributing, period_days=14)
    crises.link_decision(db, c.id, decision, actor=SEC, at=T0 + timedelta(hours=4))
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=T0 + timedelta(hours=4))
    crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC)
    crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=T0 + timedelta(hours=5))
    return c.id


def consent_all(db: Database, cid: int, states: list[str] = CONTRIBUTING) -> None:
    for s in states:
        forces.give_consent(db, cid, s, forces.ConsentIn(scope="all"), actor=rep(s),
                            at=T0 + timedelta(hours=5))


def need(db: Database, cid: int, **task: object) -> forces.RequirementOut:
    return forces.add_requirement(db, cid, forces.RequirementIn.model_validate({
        "capability": "motorized_rifle", "place": "Almaty", "lat": 43.24, "lon": 76.89,
        "needed_by": T0 + timedelta(days=2), **task}), actor=PLANNER,
        at=T0 + timedelta(hours=5))


def run(db: Database, cid: int) -> forces.PlanOut:
    return forces.run_plan(db, cid, forces.PlanIn(time_limit=2), actor=PLANNER,
                           at=T0 + timedelta(hours=6))


def registry(db: Database) -> dict[str, forces.UnitOut]:
    with db.read() as conn:
        return {u.key: u for u in forces.units(conn, actor=SEC)}


def test_an_offer_names_registry_units_that_the_plan_then_uses(org_db: Database) -> None:
    cid = response(org_db)
    c = crises.request_assistance(org_db, cid, crises.RequestIn(
        resource="peacekeepers", measure=PK, quantity=300, unit="troops",
        needed_by=T0 + timedelta(days=2)), actor=rep("KAZ"), at=T0 + timedelta(hours=5))
    rid = c.requests[0].id

    def offer(state: str, **what: object) -> crises.CrisisOut:
        return crises.offer_assistance(org_db, rid, crises.OfferIn.model_validate(
            {"kind": "units", "description": "a peacekeeping company", **what}),
            actor=rep(state), at=T0 + timedelta(hours=5))

    with pytest.raises(Invalid, match="pk-rus-1 belongs to RUS, which alone may offer it"):
        offer("KGZ", units=["pk-rus-1"])
    with pytest.raises(Invalid, match="not in the registry"):
        offer("BLR", units=["pk-blr-9"])
    with pytest.raises(Invalid, match="authorizes peacekeeping, not crrf"):
        offer("BLR", units=["crrf-blr-sp-1"])
    with pytest.raises(Invalid, match="not both"):
        offer("BLR", units=["pk-blr-1"], capability="motorized_rifle", strength=100)
    with pytest.raises(Forbidden):
        crises.offer_assistance(org_db, rid, crises.OfferIn(
            kind="units", description="x", units=["pk-blr-1"], state="BLR"), actor=rep("KGZ"))
    c = offer("BLR", units=["pk-blr-1"])
    o = c.requests[0].offers[0]
    assert (o.quantity, [u.name for u in o.units]) == (300, ["Peacekeeping company"])
    crises.decide_offer(org_db, o.id, True, actor=rep("KAZ"), at=T0 + timedelta(hours=5))

    need(org_db, cid, strength=300)  # no state answered; the accepted offer is BLR's consent
    plan = run(org_db, cid)
    assert [(m.unit, m.state) for m in plan.movements] == [("pk-blr-1", "BLR")]
    assert "KGZ has not made its units available" in plan.explanations["pk-kgz-1"]
    # the crisis room lists the offer with the unit's name
    with org_db.read() as conn:
        seen = crises.get(conn, cid, actor=rep("RUS"))
    assert seen.requests[0].offers[0].units[0].name == "Peacekeeping company"


def test_an_offer_of_a_strength_makes_the_units_that_may_take_part_available(
        org_db: Database) -> None:
    """RUS offers 600 motorized rifles: its rapid-deployment battalions come first in the
    registry, but the decision authorizes peacekeepers only, so its peacekeeping
    battalion is what the offer makes available."""
    cid = response(org_db)
    c = crises.request_assistance(org_db, cid, crises.RequestIn(
        resource="peacekeepers", measure=PK, quantity=600, unit="troops",
        needed_by=T0 + timedelta(days=2)), actor=rep("KAZ"), at=T0 + timedelta(hours=5))
    with pytest.raises(Invalid, match="less than 5000"):
        crises.offer_assistance(org_db, c.requests[0].id, crises.OfferIn(
            kind="units", description="a battalion", capability="motorized_rifle",
            strength=5000), actor=rep("RUS"))
    c = crises.offer_assistance(org_db, c.requests[0].id, crises.OfferIn(
        kind="units", description="a battalion", capability="motorized_rifle", strength=600),
        actor=rep("RUS"), at=T0 + timedelta(hours=5))
    o = c.requests[0].offers[0]
    assert (o.quantity, o.capability, o.strength, o.units) == (600, "motorized_rifle", 600, [])
    crises.decide_offer(org_db, o.id, True, actor=SEC, at=T0 + timedelta(hours=5))
    need(org_db, cid, strength=600)
    plan = run(org_db, cid)
    assert [m.unit for m in plan.movements] == ["pk-rus-1"]


def test_fourteen_sites_are_guarded_by_parts_of_peacekeeping_units(org_db: Database) -> None:
    cid = response(org_db)
    consent_all(org_db, cid)
    r = need(org_db, cid, task="sites", sites=14, strength=100)
    assert (r.task, r.sites) == ("sites", 14)
    plan = run(org_db, cid)
    units = registry(org_db)
    assert not plan.uncovered and len(plan.movements) == 14
    assert {m.requirement for m in plan.movements} == {r.id}
    assert all("#" in m.unit and m.strength == 100 for m in plan.movements)
    assert {units[m.unit.split("#")[0]].formation for m in plan.movements} == {"peacekeeping"}
    assert {units[m.unit.split("#")[0]].state for m in plan.movements} <= set(CONTRIBUTING)
    assert sorted(m.label or "" for m in plan.movements)[0].endswith("site 1 of 14")
    assert any(f"serves requirement {r.id}, site 3 of 14" in e
               for e in plan.explanations.values())
    # a unit is planned as its parts or whole, never both
    wholes = {m.unit.split("#")[0] for m in plan.movements}
    assert not wholes & {m.unit for m in plan.movements}
    with org_db.read() as conn:  # the operational picture draws each part from its home
        pic = forces.picture(conn, actor=SEC)
    assert len([m for m in pic["movements"] if m["crisis"] == cid]) == 14


def test_a_strength_is_covered_without_moving_whole_battalions(org_db: Database) -> None:
    """1,885 troops needed: the parts move 1,900, not 5,620."""
    cid = response(org_db)
    consent_all(org_db, cid)
    need(org_db, cid, task="strength", strength=1885)
    plan = run(org_db, cid)
    moved = sum(m.strength or 0 for m in plan.movements)
    assert not plan.uncovered
    assert 1885 <= moved < 1885 + 100


def test_a_required_state_serves_its_task_alone(org_db: Database) -> None:
    cid = response(org_db)
    consent_all(org_db, cid)
    with pytest.raises(ValueError, match="with its rule"):
        forces.RequirementIn.model_validate({"capability": "medical", "strength": 1,
                                             "place": "x", "needed_by": T0, "state": "KGZ"})
    need(org_db, cid, task="sites", sites=3, strength=100, state="KGZ", state_rule="required")
    plan = run(org_db, cid)
    assert {m.state for m in plan.movements} == {"KGZ"} and len(plan.movements) == 3


def test_after_the_mission_the_units_go_home(org_db: Database) -> None:
    cid = response(org_db)
    consent_all(org_db, cid)
    need(org_db, cid, task="sites", sites=4, strength=100)
    plan = run(org_db, cid)
    forces.decide_plan(org_db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=6))
    # moved to deployed once the plan is decided, before any of its units can be ready
    crises.transition(org_db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=8))
    with org_db.read() as conn:
        decided = forces.progress(conn, cid, actor=SEC, at=T0 + timedelta(hours=8))
        first = min(m.arrive for m in forces.plan_out(conn, decided.plan_id, actor=SEC)
                    .movements)
        # deployed on paper: until the plan's first unit lands, none is on the ground
        early = crises.get(conn, cid, actor=SEC, at=first - timedelta(minutes=1))
    assert first - timedelta(minutes=1) > T0 + timedelta(hours=8), first
    assert {m.measure: m for m in early.response_card}["first_unit"].elapsed_minutes is None
    with pytest.raises(Conflict, match="after the mission"):
        forces.plan_withdrawal(org_db, cid, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                               at=T0 + timedelta(hours=40))
    end = T0 + timedelta(days=9)
    crises.transition(org_db, cid, Stage.MONITORING, actor=SEC, at=end)
    with pytest.raises(Forbidden):
        forces.plan_withdrawal(org_db, cid, forces.WithdrawalIn(), actor=rep("RUS"), at=end)
    home = forces.plan_withdrawal(org_db, cid, forces.WithdrawalIn(time_limit=1),
                                  actor=PLANNER, at=end)
    assert home.kind == "withdrawal" and home.status == "proposed" and not home.uncovered
    assert sorted(m.unit for m in home.movements) == sorted(m.unit for m in plan.movements)
    units = registry(org_db)
    leave = min(m.depart or m.arrive for m in home.movements)
    with org_db.read() as conn:
        before = forces.progress(conn, cid, actor=SEC, at=end)
    assert before is not None and before.arrived == 4 and before.withdrawal_plan_id is None
    forces.decide_plan(org_db, home.id, actor=PLANNER, at=end)
    last = max(m.arrive for m in home.movements)
    with org_db.read() as conn:
        kept = forces.progress(conn, cid, actor=SEC, at=end)
        moving = forces.progress(conn, cid, actor=SEC, at=leave + (last - leave) / 2)
        after = forces.progress(conn, cid, actor=SEC, at=last + timedelta(minutes=1))
        got = crises.get(conn, cid, actor=SEC, at=last + timedelta(minutes=1))
    assert kept is not None and kept.plan_id == plan.id  # the deployment stays decided
    assert moving is not None and moving.leaving >= 1
    assert after is not None and after.returned == 4 and after.withdrawal_plan_id == home.id
    for m in home.movements:  # each part went to its own unit's garrison
        assert m.unit.split("#")[0] in units
    card = {m.measure: m for m in got.response_card}
    assert card["withdrawal_start"].elapsed_minutes is not None
    assert card["withdrawal_end"].elapsed_minutes is not None
    assert card["withdrawal_end"].target_minutes == 20160
    assert any("withdrawal plan" in e.text for e in got.timeline)


def test_the_warnings_count_the_sites_no_unit_is_left_for(org_db: Database) -> None:
    """Six sites of 800 need more peacekeepers than the members have: the warning says how
    many of the task's sites go without a unit (not the planner's ids, nor sites the plan
    may then cover), because every unit is already assigned to the other sites; the plan
    names which sites go without."""
    cid = response(org_db)
    consent_all(org_db, cid)
    r = need(org_db, cid, task="sites", sites=6, strength=800)
    plan = run(org_db, cid)
    assert plan.uncovered
    about = [w for w in plan.warnings if w.startswith(f"requirement {r.id}")]
    assert about == [f"requirement {r.id}, {len(plan.uncovered)} of its 6 sites "
                     f"(motorized_rifle 800): every available unit of that capability is "
                     f"already assigned to the other sites or parts of the requirement"], about
    assert not any(f"site {m.site} of 6" in w for m in plan.movements for w in plan.warnings)
    # the units exist and are available, but the other sites took them all; the place is
    # within the range of the aircraft that carry the other sites' units
    assert all(w.endswith("every available unit of that capability is already assigned to "
                          "the other sites or parts of the requirement") for w in about), about
    assert not any("registry" in w or "by ground only" in w for w in plan.warnings)
    assert any(m.mode == "air" for m in plan.movements)
    assert all(u["short"] and u["sites"] == 6 for u in plan.uncovered), plan.uncovered
    with org_db.read() as conn:  # still seen only by those who see the crisis
        assert forces.plan_out(conn, plan.id, actor=rep("KAZ")).warnings == plan.warnings
