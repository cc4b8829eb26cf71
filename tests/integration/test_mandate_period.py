"""The decision's period ends the mandate (the Council sent the collective peacekeeping
forces to Kazakhstan "for a limited period", January 2022): from the end of the period
on, nothing new is deployed under the decision (the move to deployed, an accepted offer of
military assistance, a deployment plan decided, a change of the response under way), each
refusal naming the decision and the end, until a new decision is linked; the response
card shows the end, and "expired" once past; monitoring and the way home stay open, and a
crisis whose mandate is over with units still out and no decided way home is escalated,
once, audited."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, crisis_requests, forces
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from phalanx.web.app import create_app
from tests.integration.test_response_chain import PK, SEC, adopt, rep

T1 = datetime(2022, 1, 5, 8, 0, tzinfo=UTC)  # unrest in Almaty reported
ADOPTED = T1 + timedelta(hours=4)  # the Council's decision, for fourteen days
ENDS = datetime(2022, 1, 19, 12, 0, tzinfo=UTC)
AFTER = ENDS + timedelta(hours=1)
PLANNER = Principal("planner", Role.PLANNER)


@pytest.fixture
def db(accounts_db: Database) -> Database:
    return accounts_db  # the built-in dataset and the demo accounts


def _audit_length(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def ended(number: str) -> str:
    return (f"the mandate of {number} ended on 2022-01-19 12:00 UTC (its period of 14 days "
            "from its adoption): no new deployment under it without a new decision linked to "
            "the crisis")


def under_way(db: Database, out: tuple[str, ...] = ()) -> tuple[crises.CrisisOut, str]:
    """The request for collective peacekeeping forces, a Council decision on it for
    fourteen days (the members in `out` staying out of it), the response under way; gives
    the crisis and the decision's number."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty", lat=43.24, lon=76.89),
        actor=rep("KAZ"), at=T1)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state",
        at=T1 + timedelta(hours=1), article="Treaty art. 4", measures=[PK]),
        actor=rep("KAZ"), at=T1 + timedelta(hours=1))
    c = crises.convene_consultations(db, c.id, actor=SEC, at=T1 + timedelta(hours=2))
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=T1 + timedelta(hours=3))
    with clock.use(ADOPTED):
        decision = adopt(db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                         period_days=14, out=out)
    crises.link_decision(db, c.id, decision, actor=SEC, at=ADOPTED)
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=ADOPTED)
    crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC,
                        at=ADOPTED + timedelta(minutes=30))
    c = crises.transition(db, c.id, Stage.RESPONSE, actor=SEC,
                          at=ADOPTED + timedelta(hours=1))
    with db.read() as conn:
        got = crises.get(conn, c.id, actor=SEC, at=ADOPTED)
    assert got.mandate is not None and got.mandate.decision is not None
    return c, got.mandate.decision


def _deployed(db: Database, c: crises.CrisisOut) -> Any:
    """A requirement of the crisis, the members' consent, and its plan run and decided
    two hours after the adoption: the plan."""
    at = ADOPTED + timedelta(hours=2)
    forces.add_requirement(db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=300, place="Almaty", lat=43.24, lon=76.89,
        needed_by=T1 + timedelta(days=2)), actor=PLANNER, at=at)
    for s in ["BLR", "KGZ", "RUS", "TJK"]:
        forces.give_consent(db, c.id, s, forces.ConsentIn(scope="all"), actor=rep(s), at=at)
    plan = forces.run_plan(db, c.id, forces.PlanIn(time_limit=1), actor=PLANNER, at=at)
    forces.decide_plan(db, plan.id, actor=PLANNER, at=at)
    return plan


def _offers(db: Database, crisis_id: int, measure: Measure, *states: str) -> list[int]:
    need = crises.request_assistance(db, crisis_id, crises.RequestIn(
        resource=f"{measure.value} for Almaty", measure=measure, quantity=len(states),
        needed_by=T1 + timedelta(days=30)), actor=rep("KAZ"), at=ADOPTED + timedelta(hours=2))
    req = need.requests[-1].id
    for state in states:
        crises.offer_assistance(db, req, crises.OfferIn(
            kind="units", description=f"a company of {state}", quantity=1), actor=rep(state),
            at=ADOPTED + timedelta(hours=3))
    with db.read() as conn:
        return [o.id for o in next(r for r in crises.get(conn, crisis_id, actor=SEC).requests
                                   if r.id == req).offers]


def test_the_card_shows_the_end_of_the_mandate_and_expired_once_past(
        db: Database, settings: Settings) -> None:
    from tests.support.sessions import login

    c, number = under_way(db)
    with db.read() as conn:
        running = crises.get(conn, c.id, actor=SEC, at=ENDS - timedelta(minutes=1)).mandate
        over = crises.get(conn, c.id, actor=SEC, at=ENDS).mandate
    assert running is not None and over is not None
    assert (running.decision, running.period_days, running.adopted_at, running.ends_at,
            running.expired) == (number, 14, ADOPTED, ENDS, False)
    assert over.expired and over.ends_at == ENDS
    with db.read() as conn:  # the situation report has it after the card
        assert crises.report_pdf(conn, c.id, actor=SEC).startswith(b"%PDF")
    with TestClient(create_app(settings, db)) as client:
        token = api_tokens.issue_token(db, "secretariat", actor=SYSTEM).token
        api = client.get(f"/api/v1/crises/{c.id}", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200
        assert api.json()["mandate"] == {
            "decision": number, "period_days": 14, "adopted_at": "2022-01-05T12:00:00Z",
            "ends_at": "2022-01-19T12:00:00Z", "ended_by": None, "limited": False,
            "expired": True}  # read today, long past
        login(client, "secretariat", "demo-secretariat")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
    mandate = re.search(r'<p id="mandate" class="expired">(.*?)</p>', room, re.S)
    assert mandate is not None, room
    assert number in mandate.group(1) and "19.01.2022 12:00 UTC" in mandate.group(1)
    assert 'data-mandate="expired">истёк</strong>' in mandate.group(1)
    # the blocked move names the end, in Russian
    assert f"мандат по решению {number} истёк 19.01.2022 12:00 UTC" in room


def test_nothing_new_is_deployed_under_an_expired_mandate(db: Database) -> None:
    c, number = under_way(db)
    first, second = _offers(db, c.id, PK, "RUS", "BLR")
    crises.decide_offer(db, first, True, actor=rep("KAZ"), at=ADOPTED + timedelta(hours=4))
    aid = _offers(db, c.id, Measure.HUMANITARIAN, "ARM")
    with db.read() as conn:  # while it runs, the guards are as they were
        assert crises.military_check(conn, c.id, actor=SEC, at=ENDS - timedelta(minutes=1)) == []
        assert crises.military_check(conn, c.id, actor=SEC, at=ENDS) == [ended(number)]

    before = _audit_length(db)
    with pytest.raises(Conflict) as deployed:
        crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=AFTER)
    assert str(deployed.value) == ended(number)  # a unit is committed: only the end refuses
    with pytest.raises(Conflict) as accepted:
        crises.decide_offer(db, second, True, actor=rep("KAZ"), at=AFTER)
    assert str(accepted.value) == f"offer {second} is not accepted: {ended(number)}"
    with pytest.raises(Conflict) as changed:
        crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC, at=AFTER)
    assert str(changed.value) == f"the response is under way (response): {ended(number)}"
    assert _audit_length(db) == before  # nothing written
    with db.read() as conn:  # the crisis room names it (read today: long past)
        assert dict(crises.stage_options(conn, c.id, actor=SEC))[Stage.DEPLOYED] == [
            ended(number)]

    # aid is no deployment; declining and winding down stay open
    crises.decide_offer(db, aid[0], True, actor=rep("KAZ"), at=AFTER)
    crises.decide_offer(db, second, False, actor=rep("KAZ"), at=AFTER)
    assert _audit_length(db) == before + 2

    # a new decision (here for thirty days more), in a session of its own, is linked: the
    # response is held to it, and what the end refused goes ahead
    later = AFTER + timedelta(hours=1)
    room = crises.convene_session(db, c.id, actor=SEC, opens_at=later, at=later)
    with clock.use(later):
        extended = adopt(db, room.sessions[-1], measures=[PK], formations=["peacekeeping"],
                         period_days=30)
    linked = crises.link_decision(db, c.id, extended, actor=SEC, at=later)
    assert linked.mandate is not None and not linked.mandate.expired
    assert linked.mandate.ends_at == later + timedelta(days=30)
    third = _offers(db, c.id, PK, "TJK")[0]
    crises.decide_offer(db, third, True, actor=rep("KAZ"), at=later + timedelta(hours=1))
    done = crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC,
                             at=later + timedelta(hours=2))
    assert done.stage is Stage.DEPLOYED


def test_the_way_home_stays_open_and_a_mandate_over_with_units_out_is_escalated(
        db: Database) -> None:
    c, number = under_way(db)
    first = _deployed(db, c)
    assert first.movements
    crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=T1 + timedelta(days=1))
    out = sum(1 for m in first.movements if m.crisis_id == c.id)

    # planning stays open after the end; deciding a new deployment does not
    second = forces.run_plan(db, c.id, forces.PlanIn(time_limit=1), actor=PLANNER, at=AFTER)
    with pytest.raises(Conflict) as refused:
        forces.decide_plan(db, second.id, actor=PLANNER, at=AFTER)
    assert str(refused.value) == f"plan {second.id} is not decided: {ended(number)}"

    def mandate_entries() -> list[Any]:
        with db.read() as conn:
            return list(conn.execute(select(t.crisis_event).where(
                t.crisis_event.c.crisis_id == c.id, t.crisis_event.c.kind == "escalation",
                t.crisis_event.c.stage.like("mandate:%"))))

    crises.escalate_overdue(db, at=ENDS - timedelta(minutes=1))
    assert mandate_entries() == []  # the period still runs
    before = _audit_length(db)
    assert c.id in crises.escalate_overdue(db, at=AFTER)
    [entry] = mandate_entries()
    with db.read() as conn:
        decision_id = crises.get(conn, c.id, actor=SYSTEM).decision_id
        audit = list(conn.execute(select(t.audit_log).where(
            t.audit_log.c.id > 0).order_by(t.audit_log.c.id)))[before:]
        noticed = {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.body.startswith("the mandate of")))}
    assert entry.stage == f"mandate:{decision_id}" and entry.decision_id == decision_id
    assert entry.text == (
        f"the mandate of {number} ended on 2022-01-19 12:00 UTC with {out} unit(s) of the "
        "decided deployment still out and no decided way home; escalated to the Secretariat "
        "and the chair")
    # audited in the same transaction as the entry
    mine = [a for a in audit if json.loads(a.change).get("stage") == entry.stage]
    assert [(a.action, a.target_kind, a.target_id, json.loads(a.change)) for a in mine] == [
        ("crisis.escalate", "crisis", str(c.id),
         {"stage": entry.stage, "overdue_minutes": 60.0, "due_at": "2022-01-19T12:00:00+00:00",
          "told": {"secretariat": True, "chair": "ARM"}})]
    assert "secretariat" in noticed
    crises.escalate_overdue(db, at=AFTER + timedelta(hours=5))
    assert len(mandate_entries()) == 1  # once per decision

    # the way home: monitoring, the withdrawal planned and decided, closed
    crises.transition(db, c.id, Stage.MONITORING, actor=SEC, at=AFTER + timedelta(hours=6))
    home = forces.plan_withdrawal(db, c.id, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=AFTER + timedelta(hours=6))
    forces.decide_plan(db, home.id, actor=PLANNER, at=AFTER + timedelta(hours=6))
    done = crises.transition(db, c.id, Stage.CLOSED, actor=SEC, at=AFTER + timedelta(days=3),
                             review="The forces left when the mandate ended.")
    assert done.stage is Stage.CLOSED


def test_a_mandate_with_no_unit_out_is_not_escalated(db: Database) -> None:
    c, _number = under_way(db)
    crises.escalate_overdue(db, at=AFTER)
    with db.read() as conn:
        keys = [r.stage for r in conn.execute(select(t.crisis_event.c.stage).where(
            t.crisis_event.c.crisis_id == c.id, t.crisis_event.c.kind == "escalation"))]
    assert not [k for k in keys if k.startswith("mandate")]


def test_the_refusals_read_in_russian() -> None:
    from phalanx.web.i18n.errors import translate

    assert translate(ended("CSC-2022-001"), "ru") == (
        "мандат по решению CSC-2022-001 истёк 19.01.2022 12:00 UTC (срок — 14 сут. с его "
        "принятия): ничего нового по нему не развёртывается, пока к кризису не привязано "
        "новое решение")
    assert translate(f"plan 4 is not decided: {ended('CSC-2022-001')}", "ru").startswith(
        "план 4 не утверждён: мандат по решению CSC-2022-001 истёк")


def test_the_escalation_names_the_decision_only_to_its_readers(db: Database) -> None:
    """The decision is read by its participants alone, Armenia, the chair of 2022, not
    among them: Armenia's representative is told of the mandate's end without the
    decision's number, the Secretariat with it; the live event names no decision."""
    from sqlalchemy import update

    from phalanx.adapters.db.access import classification_values
    from phalanx.adapters.events import Event
    from phalanx.domain.access.policy import Classification, Marking, OwnerKind

    c, number = under_way(db)
    _deployed(db, c)
    with db.write(SYSTEM) as w:
        decision_id = w.conn.execute(select(t.crisis.c.decision_id).where(
            t.crisis.c.id == c.id)).scalar_one()
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id).values(
            **classification_values(Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS,
                                                   frozenset({"BLR", "KAZ", "KGZ", "RUS",
                                                              "TJK"})))))
        w.audit("decision.mark", "decision", decision_id, {"marking": "PARTICIPANTS"})
    recorder: list[Event] = []
    db.bus = type("Recorder", (), {"publish": lambda self, e: recorder.append(e)})()  # type: ignore[assignment]
    assert c.id in crises.escalate_overdue(db, at=AFTER)
    db.bus = None
    with db.read() as conn:
        told = {r.recipient: r.body for r in conn.execute(select(t.notification).where(
            t.notification.c.topic == f"crisis:{c.id}",
            t.notification.c.body.contains("mandate")))}
    assert told["secretariat"].startswith(f"the mandate of {number} ended on 2022-01-19 12:00")
    assert told["rep-arm"].startswith("the decision's mandate ended on 2022-01-19 12:00 UTC "
                                      "with ")
    assert number not in told["rep-arm"]
    escalated = [e.data for e in recorder if e.kind == "escalation"]
    assert {"stage": "mandate"} in escalated
    assert not [d for d in escalated if str(d["stage"]).startswith("mandate:")], escalated


def test_an_escalation_told_before_a_restriction_names_the_decision_no_more(
        db: Database) -> None:
    """Armenia, the chair of 2022, stayed out of the decision (limited format) but read it
    when its mandate's end was escalated, and was told its number; the Secretariat then
    restricts the decision to the members it binds: the notice queued in Armenia's inbox
    (and not yet emailed) names the decision no more; the Secretariat's still does."""
    from phalanx.services import decisions as dec
    from phalanx.services import identity, outbox

    c, number = under_way(db, out=("ARM",))
    _deployed(db, c)
    assert c.id in crises.escalate_overdue(db, at=AFTER)
    with db.read() as conn:
        decision_id = crises.get(conn, c.id, actor=SYSTEM).decision_id
        assert decision_id is not None
        d = dec.get_decision(conn, decision_id, actor=SEC)
        users = {u.username: u for u in identity.list_users(conn)}

    def told(name: str) -> list[str]:
        with db.read() as conn:
            return [n.body for n in outbox.mine(conn, actor=users[name])
                    if n.topic == f"crisis:{c.id}" and "mandate" in n.body]

    assert told("rep-arm") and number in told("rep-arm")[0]
    assert "ARM" not in d.binding and "ARM" not in d.for_consideration
    dec.remark_decision(db, decision_id, dec.DecisionMarkingIn(
        marking="PARTICIPANTS", participants=d.binding, reason="marked too widely"),
        actor=SEC)
    [arm] = told("rep-arm")
    assert number not in arm and arm.startswith("the decision's mandate ended on 2022-01-19")
    assert told("secretariat")[0].startswith(f"the mandate of {number} ended on")
    with db.read() as conn:
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.remark")).scalar_one()
    assert json.loads(entry)["notices_unnamed"] == 1
