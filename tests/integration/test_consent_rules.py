"""Whose consent a response asks and what a plan's decision checks of it, on SQLite and
PostgreSQL: a suspended member (Uzbekistan, from 2012-12-19) is not asked, its answer is
refused and its units take no part; a plan moving the units of a state that answered on
conditions is decided only once the Joint Staff or the Secretariat accepted them, by name,
and a new answer needs a new acceptance; an answer withdrawn after the plan was made bars
its units from the decision."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.forces.registry import Scope
from phalanx.services import forces, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.web.app import create_app
from tests.support.templates import FORCES_START

T0 = FORCES_START  # the demo crisis's start (its database's template)
LATER = T0 + timedelta(hours=5)
PLANNER = forcesdemo.PLANNER
SEC = Principal("secretariat", Role.SECRETARIAT)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe(request: pytest.FixtureRequest) -> str:
    # the demo accounts; and the demo crisis planned and decided, once a session
    return "forces" if "crisis" in request.fixturenames else "accounts"


@pytest.fixture
def crisis(db: Database) -> int:
    found = forcesdemo.existing(db)  # (`forcesdemo.run(db, start=T0, ...)`)
    assert found is not None
    return found


def test_a_suspended_member_is_outside_from_the_day_of_its_suspension(db: Database) -> None:
    with db.read() as conn:
        org = orgs.organization(conn)
    # the Council's decision of 2012-12-19 suspends it from that day
    assert forces.outside(org, date(2012, 12, 18), ["UZB", "KAZ"]) == {}
    assert forces.outside(org, date(2012, 12, 19), ["UZB", "KAZ"]) == {
        "UZB": "UZB's participation is suspended: its units take no part"}
    # between the 1999 lapse and the 2006 return it was no member at all
    assert "not a member" in forces.outside(org, date(2003, 1, 1), ["UZB"])["UZB"]
    # Armenia, not taking part since 2024, is still asked (a setting of the dataset)
    assert forces.outside(org, date(2025, 1, 1), ["ARM"]) == {}


def test_a_suspended_member_is_not_asked_and_its_units_take_no_part(
        db: Database, crisis: int) -> None:
    with pytest.raises(Forbidden, match="UZB's participation is suspended"):
        forces.give_consent(db, crisis, "UZB", forces.ConsentIn(scope=Scope.ALL),
                            actor=rep("UZB"), at=LATER)
    with db.read() as conn:
        assert "UZB" not in {c.state for c in forces.consents(conn, crisis, actor=PLANNER)}
        built = forces.build(conn, crisis, actor=PLANNER, at=LATER)
    assert built.problem.barred[("crdf-uzb-1", str(crisis))] == \
        "UZB's participation is suspended: its units take no part"


def test_conditions_are_accepted_by_name_before_a_plan_moving_those_units_is_decided(
        db: Database, crisis: int) -> None:
    proposal = forces.run_plan(db, crisis, forces.PlanIn(time_limit=1), actor=PLANNER,
                               at=LATER)
    state = proposal.movements[0].state
    with db.read() as conn:
        old = next(c for c in forces.consents(conn, crisis, actor=PLANNER)
                   if c.state == state)
    # the state answers again, on a new condition: the plan already made moves its units
    forces.give_consent(db, crisis, state, forces.ConsentIn(
        scope=old.scope, units=old.units, conditions="no night movements"),
        actor=rep(state), at=LATER)
    with pytest.raises(Conflict, match=f"not decided: crisis {crisis}: {state} made its "
                                       "units available on conditions not yet accepted"):
        forces.decide_plan(db, proposal.id, actor=PLANNER, at=LATER)
    with pytest.raises(Forbidden, match="Joint Staff or the Secretariat"):
        forces.accept_conditions(db, crisis, state, "no night movements", actor=rep(state))
    with pytest.raises(Conflict, match="changed its conditions since you read them"):
        forces.accept_conditions(db, crisis, state, old.conditions or "other", actor=SEC)
    with pytest.raises(Invalid, match="ARM set no conditions"):
        forces.accept_conditions(db, crisis, "ARM", "", actor=SEC)
    forces.accept_conditions(db, crisis, state, "no night movements", actor=SEC,
                             at=LATER)
    with pytest.raises(Conflict, match="accepted already, by secretariat"):
        forces.accept_conditions(db, crisis, state, "no night movements", actor=PLANNER)
    decided = forces.decide_plan(db, proposal.id, actor=PLANNER, at=LATER)
    assert decided.status == "decided"
    with db.read() as conn:
        answer = next(c for c in forces.consents(conn, crisis, actor=rep("KAZ"))
                      if c.state == state)
        audited = [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "forces.consent.accept")).scalars()]
    assert (answer.conditions_accepted_by, answer.conditions_accepted_at) == (
        "secretariat", LATER)
    assert {"state": state, "conditions": "no night movements"} in audited
    # a new answer is a new consent: its conditions are accepted again
    forces.give_consent(db, crisis, state, forces.ConsentIn(
        scope=old.scope, units=old.units, conditions="no night movements"),
        actor=rep(state), at=LATER)
    with db.read() as conn:
        again = next(c for c in forces.consents(conn, crisis, actor=PLANNER)
                     if c.state == state)
    assert again.conditions_accepted_by is None


def test_an_answer_withdrawn_after_the_plan_bars_its_units_from_the_decision(
        db: Database, crisis: int) -> None:
    proposal = forces.run_plan(db, crisis, forces.PlanIn(time_limit=1), actor=PLANNER,
                               at=LATER)
    state = proposal.movements[0].state
    forces.give_consent(db, crisis, state, forces.ConsentIn(scope=Scope.NONE),
                        actor=rep(state), at=LATER)
    with pytest.raises(Conflict, match=f"{state} declined to take part in this crisis"):
        forces.decide_plan(db, proposal.id, actor=PLANNER, at=LATER)
    with db.read() as conn:
        statuses = [p.status for p in forces.plans(conn, crisis, actor=PLANNER)]
    assert "proposed" in statuses  # nothing half-written: the proposal stays a proposal


def _login(client: TestClient, user: str, password: str) -> None:
    client.cookies.clear()
    client.get("/login")
    client.post("/login", data={"username": user, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")})


def test_the_crisis_room_asks_no_suspended_member_and_offers_the_acceptance(
        accounts_db: Database, settings: Settings) -> None:
    crisis = forcesdemo.run(accounts_db, start=T0, time_limit=1)
    forces.give_consent(accounts_db, crisis, "KAZ", forces.ConsentIn(
        scope=Scope.SOME, units=["crdf-kaz-1"], conditions="no night movements"),
        actor=rep("KAZ"), at=LATER)
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "rep-uzb", "demo-rep-uzb")
        html = client.get(f"/crises/{crisis}").text
        assert 'id="consent-form"' not in html
        outside = re.search(r'<p[^>]*id="consent-outside">(.*?)</p>', html, re.S)
        assert outside is not None and "participation is suspended" in outside.group(1)
        ru = client.get(f"/crises/{crisis}?lang=ru").text
        shown = re.search(r'<p[^>]*id="consent-outside">(.*?)</p>', ru, re.S)
        assert shown is not None and "приостановлено" in shown.group(1)
        client.cookies.delete("lang")
        # the representative of a state asked sees no acceptance form; the Joint Staff does
        _login(client, "rep-kaz", "demo-rep-kaz")
        html = client.get(f"/crises/{crisis}").text
        assert 'data-unaccepted="KAZ"' in html and 'id="accept-KAZ"' not in html
        # the form holds the state's standing answer, to change rather than type again
        form = html[html.index('id="consent-form"'):]
        form = form[:form.index("</form>")]
        assert 'id="consent-standing"' in form and "rep-kaz" in form
        assert re.search(r'<option value="some" selected>', form)
        assert re.search(r'<option value="crdf-kaz-1" selected>', form)
        assert len(re.findall(r"<option [^>]*selected>", form)) == 2
        assert 'name="conditions" maxlength="2000" value="no night movements"' in form
        _login(client, "planner", "demo-planner-pass")
        html = client.get(f"/crises/{crisis}").text
        form = re.search(r'<form[^>]*id="accept-KAZ".*?</form>', html, re.S)
        assert form is not None
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0))
        assert token is not None
        r = client.post(f"/crises/{crisis}/consents/KAZ/acceptance", data={
            "csrf_token": token.group(1), "conditions": "no night movements"},
            follow_redirects=False)
        assert r.status_code == 303
        html = client.get(f"/crises/{crisis}").text
        assert 'data-accepted="KAZ"' in html and "Accepted by planner" in html


def test_a_member_out_of_a_limited_format_decision_is_out_of_its_implementation(
        db: Database) -> None:
    """Belarus declares it does not take part in the Council's decision (limited format):
    it is not bound, and its units take no part in carrying the decision out."""
    crisis = forcesdemo.run(db, start=T0, time_limit=1, aside=("BLR",))
    with db.read() as conn:
        (plan,) = forces.plans(conn, crisis, actor=PLANNER)
        built = forces.build(conn, crisis, actor=PLANNER, at=LATER)
        asked_blr = forces.asked(conn, crisis, "BLR", LATER.date())
    assert asked_blr is not None and "BLR stayed out of" in asked_blr
    assert "a decision in a limited format" in asked_blr
    assert not [m for m in plan.movements if m.state == "BLR"]
    blr = [k for (k, c), why in built.problem.barred.items() if k.split("-")[1] == "blr"]
    assert blr and all("BLR stayed out of" in built.problem.barred[(k, str(crisis))]
                       for k in blr)
    with pytest.raises(Forbidden, match="BLR stayed out of"):
        forces.give_consent(db, crisis, "BLR", forces.ConsentIn(scope=Scope.ALL),
                            actor=rep("BLR"), at=LATER)


def test_a_member_out_of_a_decision_it_may_not_read_is_not_told_its_number(
        db: Database) -> None:
    """Belarus stayed out of the crisis's decision (limited format), which the Secretariat
    then restricts to the members it binds: Belarus still reads the crisis, and is told
    why it is not asked (the forces page, its answer refused, its units offered refused)
    naming no decision it may not read; the staff read the number."""
    from phalanx.services import crises
    from phalanx.services import decisions as dec
    from phalanx.services.errors import NotFound

    crisis = forcesdemo.run(db, start=T0, time_limit=1, aside=("BLR",))
    with db.read() as conn:
        decision_id = crises.get(conn, crisis, actor=SEC).decision_id
        assert decision_id is not None
        d = dec.get_decision(conn, decision_id, actor=SEC)
    assert "BLR" not in d.binding and "BLR" not in d.for_consideration
    dec.remark_decision(db, decision_id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=d.binding, reason="marked too widely"),
        actor=SEC)
    with db.read() as conn:
        with pytest.raises(NotFound):
            dec.get_decision(conn, decision_id, actor=rep("BLR"))
        assert crises.get(conn, crisis, actor=rep("BLR")).decision_id is None
        told = forces.asked(conn, crisis, "BLR", LATER.date(), actor=rep("BLR"))
        assert told is not None and "BLR stayed out of" in told and d.number not in told
        assert d.number in (forces.asked(conn, crisis, "BLR", LATER.date(), actor=SEC) or "")
    with pytest.raises(Forbidden, match="BLR stayed out of") as refused:
        forces.give_consent(db, crisis, "BLR", forces.ConsentIn(scope=Scope.ALL),
                            actor=rep("BLR"), at=LATER)
    assert d.number not in str(refused.value)
    from phalanx.web.i18n.errors import translate

    assert translate(str(refused.value), "ru").startswith(
        "BLR не участвовало в решении по кризису, принятом в ограниченном формате")
    c = crises.request_assistance(db, crisis, crises.RequestIn(
        resource="engineers", quantity=100, needed_by=LATER + timedelta(days=2)),
        actor=rep("KGZ"), at=LATER)
    with pytest.raises(Forbidden, match="BLR stayed out of") as refused:
        crises.offer_assistance(db, c.requests[-1].id, crises.OfferIn(
            kind="units", description="an engineer battalion", quantity=100),
            actor=rep("BLR"), at=LATER)
    assert d.number not in str(refused.value)
    with TestClient(create_app(Settings(), db)) as client:
        _login(client, "rep-blr", "demo-rep-blr")
        page = client.get(f"/crises/{crisis}")
        assert page.status_code == 200 and "stayed out of" in page.text
        assert d.number not in page.text


def test_a_suspended_member_offers_no_units_to_a_request(db: Database, crisis: int) -> None:
    from phalanx.services import crises

    c = crises.request_assistance(db, crisis, crises.RequestIn(
        resource="engineers", quantity=100, needed_by=LATER + timedelta(days=2)),
        actor=rep("KGZ"), at=LATER)
    request = c.requests[-1].id
    with pytest.raises(Forbidden, match="UZB's participation is suspended"):
        crises.offer_assistance(db, request, crises.OfferIn(
            kind="units", description="an engineer battalion", quantity=100),
            actor=rep("UZB"), at=LATER)
    # aid that is not the Organization's forces stays its own voluntary act
    crises.offer_assistance(db, request, crises.OfferIn(
        kind="aid", description="tents", quantity=100), actor=rep("UZB"), at=LATER)
