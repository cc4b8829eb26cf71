"""Forces go onto a member's territory only at that member's request
(`domain/crisis/authority.py` `host_problems`, `services/forces/hosts.py`): in a border
clash affecting Kyrgyzstan and Tajikistan, Kyrgyzstan's request covers the sites on its
own territory, not those on Tajikistan's. Linking the decision keeps its rule (any affected
state's request); the planner leaves the other sites out with the reason, the crisis room
shows it beside the requirement, and a plan sending units there is not decided.

Which member's territory a place lies on comes from the country shapes installed at set-up
(`make vendor`); without them these tests skip (PHALANX_REQUIRE_ALL=1 fails them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import clock, crises, crisis_requests, forces
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from phalanx.services.forces import hosts
from tests.integration.test_response_chain import PK, SEC, adopt, rep

T0 = datetime(2022, 9, 14, 6, 0, tzinfo=UTC)  # fire along the border in Batken
PLANNER = Principal("planner", Role.PLANNER)
BATKEN = {"place": "Batken", "lat": 40.06, "lon": 70.82}  # Kyrgyzstan
ISFARA = {"place": "Isfara", "lat": 40.12, "lon": 70.63}  # Tajikistan
NOT_ASKED = ("military_peacekeeping: the place lies on the territory of TJK, which has not "
             "asked for it: forces go onto a member's territory only at that member's request "
             "(an affected state's request covers its own territory only)")


@pytest.fixture
def db(accounts_db: Database) -> Database:
    if not hosts.known():
        pytest.skip("the country shapes (static/vendor/countries-50m.json) are not "
                    "installed: run make vendor (PHALANX_REQUIRE_ALL=1 turns this skip into a "
                    "failure)")
    return accounts_db  # the built-in dataset and the demo accounts


def _ask(db: Database, cid: int, state: str, at: datetime) -> int:
    return crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
        state=state, person=f"the President of {state}", office="head_of_state", at=at,
        article="Treaty art. 4", measures=[PK], forces="collective peacekeeping forces"),
        actor=rep(state), at=at).id


def border_clash(db: Database) -> tuple[int, int, int]:
    """The crisis under way on Kyrgyzstan's request alone, with a site to guard on each
    side of the border; gives the crisis and the requirements in Batken and Isfara."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Clash on the Kyrgyz-Tajik border", category="threat_to_security",
        affected=["KGZ", "TJK"], severity="extreme", place="Batken", lat=40.06, lon=70.82),
        actor=SEC, at=T0)
    _ask(db, c.id, "KGZ", T0 + timedelta(minutes=30))
    c = crises.convene_consultations(db, c.id, actor=SEC, at=T0 + timedelta(hours=1))
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=T0 + timedelta(hours=2))
    with clock.use(T0 + timedelta(hours=3)):
        decision = adopt(db, c.session_id or 0, measures=[PK], formations=["peacekeeping"])
    # one affected state's request is enough to link the decision
    crises.link_decision(db, c.id, decision, actor=SEC, at=T0 + timedelta(hours=3))
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=T0 + timedelta(hours=3))
    crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC,
                        at=T0 + timedelta(hours=4))
    crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=T0 + timedelta(hours=4))
    at = T0 + timedelta(hours=5)
    ids = [forces.add_requirement(db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=300, needed_by=T0 + timedelta(days=2),
        **where), actor=PLANNER, at=at).id for where in (BATKEN, ISFARA)]
    with db.read() as conn:  # every state asked (not suspended Uzbekistan)
        states = sorted({u.state for u in forces.units(conn, actor=SEC)}
                        - set(forces.outside(orgs.organization(conn), date.today(), ["UZB"])))
    for s in states:
        forces.give_consent(db, c.id, s, forces.ConsentIn(scope="all"), actor=rep(s), at=at)
    return c.id, ids[0], ids[1]


def test_one_members_request_sends_no_forces_to_the_others_territory(db: Database) -> None:
    cid, batken, isfara = border_clash(db)
    with db.read() as conn:
        shown = {r.id: r for r in forces.requirements(conn, cid, actor=SEC)}
    assert (shown[batken].territory, shown[batken].barred) == ("KGZ", None)
    assert (shown[isfara].territory, shown[isfara].barred) == ("TJK", NOT_ASKED)

    plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=5))
    assert plan.movements and {m.requirement for m in plan.movements} == {batken}
    assert isfara not in {u["requirement"] for u in plan.uncovered}  # left out, not uncovered
    assert (f"requirement {isfara} (motorized_rifle 300) is left out: {NOT_ASKED}"
            in plan.warnings)
    forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=6))

    # Tajikistan's own request, arriving later, covers its territory from then on
    _ask(db, cid, "TJK", T0 + timedelta(hours=7))
    again = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                            at=T0 + timedelta(hours=7))
    assert {m.requirement for m in again.movements} == {batken, isfara}
    assert not any("is left out" in w for w in again.warnings)


def test_a_plan_sending_units_to_a_member_that_withdrew_its_request_is_not_decided(
        db: Database) -> None:
    cid, batken, isfara = border_clash(db)
    tjk = _ask(db, cid, "TJK", T0 + timedelta(hours=5))
    plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=5))
    assert {m.requirement for m in plan.movements} == {batken, isfara}
    crisis_requests.withdraw_request(db, cid, tjk, crisis_requests.WithdrawalIn(
        at=T0 + timedelta(hours=6)), actor=rep("TJK"), at=T0 + timedelta(hours=6))
    # Kyrgyzstan's request stands, so the crisis as a whole still answers one; the sites
    # on Tajikistan's territory do not
    with pytest.raises(Conflict) as refused:
        forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=7))
    assert str(refused.value) == (
        f"plan {plan.id} is not decided: requirement {isfara}: military_peacekeeping: the "
        "place lies on the territory of TJK, whose official request of 2022-09-14 11:00 UTC "
        "was withdrawn on 2022-09-14 12:00 UTC: forces go onto a member's territory only at "
        "its request")
    with db.read() as conn:
        assert forces.plans(conn, cid, actor=SEC)[0].status == "proposed"


def test_the_crisis_room_shows_the_reason_beside_the_requirement(
        db: Database, settings: Settings) -> None:
    from phalanx.web.app import create_app
    from phalanx.web.i18n.errors import translate
    from tests.integration.test_pages import login

    cid, _batken, _isfara = border_clash(db)
    with TestClient(create_app(settings, db)) as client:
        login(client, "planner", "demo-planner-pass")
        room = client.get(f"/crises/{cid}").text
        assert NOT_ASKED.replace("'", "&#39;") in room
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{cid}").text
    russian = translate(NOT_ASKED, "ru", labelled=True)
    assert russian != NOT_ASKED and russian in room


def test_a_plan_refused_for_a_crisis_the_decider_may_not_read_names_none_of_it(
        db: Database) -> None:
    """Two border clashes planned together; the second is Kyrgyzstan's own (NATIONAL),
    which the Joint Staff may not read, and Tajikistan withdrew the request that sent its
    units to Isfara: the plan is not decided, and the refusal says why without naming the
    crisis, its requirement, its place or the state."""
    from sqlalchemy import update

    from phalanx.adapters.db import tables as t
    from phalanx.adapters.db.access import classification_values
    from phalanx.domain.access.policy import Classification, Marking, OwnerKind
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services.forces.deployment import UNSEEN_UNREQUESTED
    from phalanx.web.i18n.errors import translate

    seen, _batken, _isfara = border_clash(db)
    hidden, _, isfara = border_clash(db)
    tjk = _ask(db, hidden, "TJK", T0 + timedelta(hours=5))
    plan = forces.run_plan(db, seen, forces.PlanIn(time_limit=1), actor=PLANNER,
                           at=T0 + timedelta(hours=5))
    with db.read() as conn:
        whole = forces.plan_out(conn, plan.id, actor=SYSTEM)
    assert isfara in {m.requirement for m in whole.movements if m.crisis_id == hidden}
    crisis_requests.withdraw_request(db, hidden, tjk, crisis_requests.WithdrawalIn(
        at=T0 + timedelta(hours=6)), actor=rep("TJK"), at=T0 + timedelta(hours=6))
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == hidden).values(
            **classification_values(Classification(OwnerKind.STATE, "KGZ", Marking.NATIONAL))))
        w.audit("crisis.mark", "crisis", hidden, {"marking": "NATIONAL"})
    with pytest.raises(Conflict) as refused:
        forces.decide_plan(db, plan.id, actor=PLANNER, at=T0 + timedelta(hours=7))
    assert str(refused.value) == f"plan {plan.id} is not decided: {UNSEEN_UNREQUESTED}"
    russian = translate(str(refused.value), "ru")
    assert russian.startswith(f"план {plan.id} не утверждён: ") and "crisis" not in russian, \
        russian
    # the reader of both crises reads the requirement and why
    with pytest.raises(Conflict, match=f"requirement {isfara}: military_peacekeeping: the "
                                       "place lies on the territory of TJK, whose"):
        forces.decide_plan(db, plan.id, actor=SYSTEM, at=T0 + timedelta(hours=7))
