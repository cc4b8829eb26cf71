"""The first use of the collective peacekeeping forces, Kazakhstan, January 2022, replayed
from the public record through the services and the API as the real actors used them
(times in Almaty, UTC+6 then; the Secretariat works on Moscow time, UTC+3), checking at
each step what the system says and who reads what:

- 5 January, evening: the unrest reaches Almaty; about 23:30 the President of Kazakhstan
  appeals to the heads of the member states under art. 4 of the Treaty. Every member is
  told; each other member (suspended Uzbekistan aside) owes an answer within the setting's
  24 hours.
- The same night: the chair of the Collective Security Council (Armenia's Prime Minister)
  reaches the heads of state by telephone and, about 00:50 Moscow time on 6 January,
  announces the decision to send the collective peacekeeping forces "for a limited
  period": a decision by consultation, no session, dated 6 January where the Secretariat
  sits, binding the six members with a say; the five contributing states have answered
  the appeal with it.
- From 6 January: the host asked, the five contributing states consent, the Joint Staff's
  planner moves peacekeeping units of those five only (about 2,000 personnel).
- 10 January: the Council meets in extraordinary session by video conference.
- 11 January: the President declares the mission accomplished; from 13 January the forces
  go home, the last on 19 January; the crisis closes with its after-action review.
- Afterwards: the register of decisions, the timeline, the situation report and the
  notices each state received.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select, update

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.forces.registry import crisis_weight
from phalanx.services import clock, crises, crisis_obligations, crisis_requests, forces
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, NotFound
from phalanx.web.app import create_app
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import login

ALMATY = ZoneInfo("Asia/Almaty")  # UTC+6 in January 2022
SEC = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
OBSERVER = Principal("observer", Role.OBSERVER)
PK = Measure.MILITARY_PEACEKEEPING
FIVE = ["ARM", "BLR", "KGZ", "RUS", "TJK"]  # the contributing states
TITLE = "On sending the CSTO Collective Peacekeeping Forces to the Republic of Kazakhstan"
# each contributing state's contingent, about 2,000 in all (Qazaq TV 2022-01-13): Armenia's
# 100 (JAMnews), each other state's the company the registry holds, Russia the rest
CONTINGENTS = {"RUS": 1000, "BLR": 300, "ARM": 100, "KGZ": 300, "TJK": 300}
REVIEW = ("Peacekeepers of five states guarded strategic facilities in Almaty from 6 January; "
          "the withdrawal began on 13 January and ended on 19 January.")


def almaty(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of January 2022 on Almaty's clock, in UTC (as the services keep it)."""
    return datetime(2022, 1, day, hour, minute, tzinfo=ALMATY).astimezone(UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


REPORTED = almaty(5, 20)  # the unrest in Almaty reported by Kazakhstan
APPEAL = almaty(5, 23, 30)  # the President's appeal under art. 4
ANNOUNCED = almaty(6, 3, 50)  # 00:50 in Moscow, 6 January: the chair's announcement
ACCOMPLISHED = almaty(11, 12)  # the President: the mission is accomplished
HOME_FROM = almaty(13, 10)  # the withdrawal begins
HOME = almaty(19, 18)  # the last units home


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # the built-in dataset and the demo accounts


def _told(db: Database, subject: str) -> set[str]:
    with db.read() as conn:
        return {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith(subject)))}


def _token(db: Database, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_tokens.issue_token(db, username, actor=SYSTEM).token}"}


# --- the steps of the record, each building on the one before --------------------------


def appeal(db: Database) -> crises.CrisisOut:
    with clock.use(REPORTED):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="Mass unrest; government buildings in Almaty seized",
            category="threat_to_security", affected=["KAZ"], severity="extreme",
            place="Almaty", lat=43.24, lon=76.89), actor=rep("KAZ"), at=REPORTED)
    with clock.use(APPEAL + timedelta(minutes=5)):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="KAZ", person="Kassym-Jomart Tokayev", office="head_of_state", at=APPEAL,
            article="Treaty art. 4", measures=[PK], forces="collective peacekeeping forces",
            text="to help overcome the terrorist threat"), actor=rep("KAZ"),
            at=APPEAL + timedelta(minutes=5))
    with clock.use(APPEAL + timedelta(minutes=15)):
        return crises.convene_consultations(db, c.id, actor=SEC,
                                            at=APPEAL + timedelta(minutes=15))


def consult(db: Database, c: crises.CrisisOut) -> dec.DraftOut:
    """The chair reaches each head of state by telephone and announces."""
    with clock.use(almaty(6, 0, 10)):
        d = crises.consultation_draft(db, c.id, dec.DraftIn(
            body="csc", procedure="consultation", question="peacekeeping", title=TITLE,
            text_en="To send the CSTO Collective Peacekeeping Forces to the Republic of "
                    "Kazakhstan for a limited period to stabilize and normalize the situation.",
            measures=[PK], formations=["peacekeeping"], contributing_states=FIVE,
            period_limited=True), actor=SEC, at=almaty(6, 0, 10))
    for i, state in enumerate(["KAZ", "RUS", "BLR", "KGZ", "TJK", "ARM"]):
        given = almaty(6, 0, 30) + timedelta(minutes=25 * i)
        with clock.use(given + timedelta(minutes=3)):
            d = dec.record_answer(db, d.id, dec.ConsultationAnswerIn(
                state=state, position=Position.SUPPORT, given_at=given), actor=rep("ARM"))
    with clock.use(ANNOUNCED):
        return dec.announce(db, d.id, actor=rep("ARM"))


def decide(db: Database) -> tuple[crises.CrisisOut, int]:
    c = appeal(db)
    done = consult(db, c)
    assert done.decision_id is not None, done.outcome_reason
    at = ANNOUNCED + timedelta(minutes=10)
    with clock.use(at):
        crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
        crises.link_decision(db, c.id, done.decision_id, actor=SEC, at=at)
        c = crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=at)
    return c, done.decision_id


def deploy(db: Database) -> tuple[crises.CrisisOut, forces.PlanOut]:
    c, _ = decide(db)
    at = ANNOUNCED + timedelta(minutes=30)
    with clock.use(at):
        crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC, at=at)
        crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=at)
        for state, strength in CONTINGENTS.items():
            forces.add_requirement(db, c.id, forces.RequirementIn(
                capability="motorized_rifle", strength=strength, task="strength",
                place="Almaty", lat=43.24, lon=76.89, needed_by=almaty(7, 12), state=state,
                state_rule="required"), actor=PLANNER, at=at)
    for state in FIVE:
        with clock.use(at + timedelta(minutes=20)):
            forces.give_consent(db, c.id, state, forces.ConsentIn(scope="all"),
                                actor=rep(state), at=at + timedelta(minutes=20))
    with clock.use(at + timedelta(minutes=40)):
        plan = forces.run_plan(db, c.id, forces.PlanIn(time_limit=2), actor=PLANNER,
                               at=at + timedelta(minutes=40))
        forces.decide_plan(db, plan.id, actor=PLANNER, at=at + timedelta(minutes=45))
    with clock.use(almaty(6, 18)):
        c = crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=almaty(6, 18))
    return c, plan


def withdraw(db: Database) -> crises.CrisisOut:
    c, _ = deploy(db)
    with clock.use(almaty(10, 16)):
        crises.convene_session(db, c.id, actor=SEC, body="csc", opens_at=almaty(10, 17),
                               at=almaty(10, 16))
    with clock.use(ACCOMPLISHED + timedelta(minutes=5)):
        crisis_requests.withdraw_request(
            db, c.id, c.official_requests[0].id, crisis_requests.WithdrawalIn(
                at=ACCOMPLISHED, reason="the main mission is accomplished"),
            actor=rep("KAZ"), at=ACCOMPLISHED + timedelta(minutes=5))
        crises.transition(db, c.id, Stage.MONITORING, actor=SEC,
                          at=ACCOMPLISHED + timedelta(minutes=5))
    with clock.use(HOME_FROM):
        home = forces.plan_withdrawal(db, c.id, forces.WithdrawalIn(time_limit=1),
                                      actor=PLANNER, at=HOME_FROM)
        forces.decide_plan(db, home.id, actor=PLANNER, at=HOME_FROM)
    with clock.use(HOME + timedelta(hours=20)):
        return crises.transition(db, c.id, Stage.CLOSED, actor=SEC, review=REVIEW,
                                 at=HOME + timedelta(hours=20))


# --- the tests, one per step --------------------------------------------------------------


def test_5_january_the_appeal_under_art_4(accounts_db: Database) -> None:
    db = accounts_db
    c = appeal(db)
    # every member's representative is told of the report at once; the observer is not
    told = _told(db, "Crisis reported")
    assert {f"rep-{s.lower()}" for s in [*FIVE, "KAZ"]} <= told and "observer" not in told
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=rep("RUS"), at=almaty(6, 0))
    assert [r.person for r in c.official_requests] == ["Kassym-Jomart Tokayev"]
    assert c.official_requests[0].at == APPEAL
    # art. 4: every other member owes an answer within 24 hours of the appeal; the
    # affected state owes none, nor suspended Uzbekistan
    assert [x.state for x in c.obligations] == FIVE
    assert {x.due_at for x in c.obligations} == {APPEAL + timedelta(hours=24)}
    assert not any(x.overdue for x in c.obligations)
    assert c.stage is Stage.CONSULTATIONS
    # the timeline runs in the record's order
    kinds = [(e.kind, e.at) for e in c.timeline]
    assert [k for k, _ in kinds][:2] == ["stage", "request"]
    assert [at for _, at in kinds] == sorted(at for _, at in kinds)
    # the observer does not read the crisis
    with db.read() as conn, pytest.raises(NotFound):
        crises.get(conn, c.id, actor=OBSERVER)
    # each member learns of the appeal at once, and who owes an answer by when: 23:30
    # in Almaty on 6 January, 17:30 UTC
    with db.read() as conn:
        notices = list(conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith("Official request: crisis"))))
        render = notice_renderer(orgs.organization(conn))
    assert {f"rep-{s.lower()}" for s in [*FIVE, "KAZ"]} <= {n.recipient for n in notices}
    assert "observer" not in {n.recipient for n in notices}
    assert {n.created_at.replace(tzinfo=UTC) for n in notices} == {APPEAL + timedelta(minutes=5)}
    body = notices[0].body
    assert "official request of KAZ (Kassym-Jomart Tokayev, head of state), Treaty art. 4" \
        in body
    assert body.endswith("the answers of ARM, BLR, KGZ, RUS, TJK under the obligation of "
                         "assistance are due by 2022-01-06 17:30 UTC")
    ru_subject, ru_body = render(notices[0].subject, body, "ru")
    assert ru_subject.startswith("Официальное обращение: кризис")
    assert ru_body.endswith("ответы государств ARM, BLR, KGZ, RUS, TJK по обязательству "
                            "оказать помощь ожидаются до 06.01.2022 17:30 UTC"), ru_body
    assert "official request" not in ru_body


def test_an_appeal_withdrawn_before_any_answer_awaits_none(accounts_db: Database,
                                                           settings: Settings) -> None:
    """Had the President withdrawn the appeal before any member answered, the lines
    would say the answers are no longer awaited: the obligation arose with the appeal,
    so "not yet arisen: no official request" would be wrong."""
    db = accounts_db
    c = appeal(db)
    at = almaty(6, 2)
    with clock.use(at):
        crisis_requests.withdraw_request(
            db, c.id, c.official_requests[0].id, crisis_requests.WithdrawalIn(at=at),
            actor=rep("KAZ"), at=at)
    with db.read() as conn:
        lines = crises.get(conn, c.id, actor=rep("RUS"), at=almaty(8, 0)).obligations
    assert [(x.state, x.answer, x.arisen, x.withdrawn, x.overdue) for x in lines] == [
        (s, None, True, True, False) for s in FIVE]
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-rus", "demo-rep-rus")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
    assert room.count('data-withdrawn="yes"') == len(FIVE)
    assert 'data-arisen="no"' not in room
    assert "больше не ожидается: пострадавшее государство отозвало" in room


def test_the_same_night_the_chair_decides_by_consultation(accounts_db: Database) -> None:
    db = accounts_db
    c = appeal(db)
    done = consult(db, c)
    assert done.procedure == "consultation" and done.chair == "ARM"
    assert done.status == "adopted"
    assert "announced by the chair (ARM)" in (done.outcome_reason or "")
    # each head of state answered in person: the holder of the Council's seat that night
    assert {a.state: a.given_by for a in done.consultation} == {
        "KAZ": "Kassym-Jomart Tokayev", "RUS": "Vladimir Putin",
        "BLR": "Alexander Lukashenko", "KGZ": "Sadyr Japarov", "TJK": "Emomali Rahmon",
        "ARM": "Nikol Pashinyan"}
    with db.read() as conn:
        d = dec.get_decision(conn, done.decision_id or 0, actor=rep("KAZ"))
    # dated on the Secretariat's day: 00:50 in Moscow, 6 January
    assert d.adopted_on.isoformat() == "2022-01-06" and d.adopted_at == ANNOUNCED
    # it binds the six with a say, the host included; Uzbekistan receives it for
    # consideration; it is no limited-format decision
    assert d.binding == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    assert d.for_consideration == ["UZB"] and not d.limited_format
    assert d.authorizes.contributing_states == FIVE and d.authorizes.period_days is None
    assert d.authorizes.period_limited  # "for a limited period", no number of days
    # each member's representative is told of the decision
    assert {f"rep-{s.lower()}" for s in [*FIVE, "KAZ", "UZB"]} <= _told(
        db, "Decision CSC-2022-001 adopted")
    # only the chair announced; no other state could have
    with clock.use(ANNOUNCED), pytest.raises(Conflict):
        dec.announce(db, done.id, actor=rep("ARM"))


def test_the_decision_authorizes_the_peacekeeping_and_answers_the_appeal(
        accounts_db: Database) -> None:
    db = accounts_db
    c, _ = decide(db)
    assert c.authorizes == ["military_peacekeeping"]
    # the five heads of state answered the appeal by sending their forces: their lines
    # are answered by the decision, and nobody is escalated as late 24 hours on
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=rep("KAZ"), at=APPEAL + timedelta(hours=25))
    assert [(x.state, x.answer) for x in c.obligations] == [(s, "forces") for s in FIVE]
    assert {x.at for x in c.obligations} == {ANNOUNCED}
    assert not any(x.overdue for x in c.obligations)
    crises.escalate_overdue(db, at=APPEAL + timedelta(hours=25))
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=APPEAL + timedelta(hours=25))
    assert not [e for e in c.timeline if e.text.startswith("the answer of")]
    # the UN Security Council is to be notified at once: the notice opened with the link
    assert c.un_notice is not None and c.un_notice.opened_at == ANNOUNCED + timedelta(minutes=10)
    # the answers are derived, never stored as the members' own: the link's audit entry
    # says whose answers the decision gives, so the trail tells why none was escalated
    import json

    a = t.audit_log.c
    with db.read() as conn:
        [linked] = [json.loads(x) for x in conn.execute(select(a.change).where(
            a.action == "crisis.decision", a.target_id == str(c.id))).scalars()]
        own = conn.execute(select(a.id).where(a.action == "crisis.obligation",
                                              a.target_id == str(c.id))).all()
    assert linked["obligation_answered_for"] == FIVE and own == []


def test_the_answers_a_decision_gives_obey_its_marking(accounts_db: Database,
                                                       settings: Settings) -> None:
    """A reader of the crisis who may not read the decision (marked for some members
    only) reads no answer derived from it: the lines stay awaited for that reader. The
    crisis room names the decision's answer in the reader's language."""
    db = accounts_db
    c, decision_id = decide(db)
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-blr", "demo-rep-blr")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
    assert room.count('data-decided="yes"') == len(FIVE)
    assert "государство, направляющее силы по решению по кризису" in room
    with db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id).values(
            marking="PARTICIPANTS", participants=",KAZ,RUS,"))
        w.audit("test.remark", "decision", decision_id, {"marking": "PARTICIPANTS"})
    with db.read() as conn:
        seen = crises.get(conn, c.id, actor=rep("RUS"), at=almaty(6, 12)).obligations
        unseen = crises.get(conn, c.id, actor=rep("BLR"), at=almaty(6, 12)).obligations
    assert [x.answer for x in seen] == ["forces"] * len(FIVE)
    assert [x.answer for x in unseen] == [None] * len(FIVE)
    # a member answers in its own words after the decision: its answer counts, as a first
    # answer of its own
    lines = crisis_obligations.answer(db, c.id, "BLR", crisis_obligations.ObligationIn(
        answer="forces", detail="a peacekeeping company of 300"), actor=rep("BLR"),
        at=almaty(6, 12))
    blr = next(x for x in lines if x.state == "BLR")
    # the lines it is given back obey the decision's marking too
    assert next(x for x in lines if x.state == "RUS").answer is None
    assert (blr.detail, blr.decided, blr.version is not None) == (
        "a peacekeeping company of 300", False, True)


def test_from_6_january_units_of_five_states_deploy(accounts_db: Database) -> None:
    db = accounts_db
    c, plan = deploy(db)
    with db.read() as conn:
        units = {u.key: u for u in forces.units(conn, actor=SEC)}
    moved = [units[m.unit.split("#")[0]] for m in plan.movements]
    assert {u.state for u in moved} == set(FIVE)  # the host's own units do not move
    assert {u.formation for u in moved} == {"peacekeeping"}
    assert c.stage is Stage.DEPLOYED
    # the host, which asked, gives no consent; a member not contributing is not asked
    with pytest.raises((Conflict, Forbidden)):
        forces.give_consent(db, c.id, "UZB", forces.ConsentIn(scope="all"), actor=rep("UZB"))


def test_11_january_the_limited_period_ends_with_the_appeal_withdrawn(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    c, _ = deploy(db)

    def mandate_entries() -> list[str]:
        with db.read() as conn:
            return [r.text for r in conn.execute(select(t.crisis_event).where(
                t.crisis_event.c.crisis_id == c.id, t.crisis_event.c.kind == "escalation",
                t.crisis_event.c.stage.like("mandate:%")))]

    # while the appeal stands the mandate runs, with no day fixed for its end
    with db.read() as conn:
        running = crises.get(conn, c.id, actor=rep("KAZ"), at=almaty(10, 12))
    assert running.mandate is not None and running.mandate.limited
    assert running.mandate.ends_at is None and not running.mandate.expired
    crises.escalate_overdue(db, at=almaty(10, 12))
    assert mandate_entries() == []
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        room = client.get(f"/crises/{c.id}", headers={"Accept-Language": "ru"}).text
    assert "На ограниченный срок" in room
    assert "истекает, когда отозваны официальные обращения" in room
    # 11 January: the President declares the mission accomplished (his appeal withdrawn):
    # the limited period ends at that moment
    with clock.use(ACCOMPLISHED + timedelta(minutes=5)):
        crisis_requests.withdraw_request(
            db, c.id, c.official_requests[0].id, crisis_requests.WithdrawalIn(
                at=ACCOMPLISHED, reason="the main mission is accomplished"),
            actor=rep("KAZ"), at=ACCOMPLISHED + timedelta(minutes=5))
    with db.read() as conn:
        over = crises.get(conn, c.id, actor=rep("KAZ"), at=ACCOMPLISHED + timedelta(hours=1))
    assert over.mandate is not None and over.mandate.ends_at == ACCOMPLISHED
    assert over.mandate.expired
    # the units still out with no decided way home a day later are escalated, once
    crises.escalate_overdue(db, at=ACCOMPLISHED + timedelta(days=1))
    [entry] = mandate_entries()
    assert entry.startswith("the mandate of CSC-2022-001 ended on 2022-01-11 06:00 UTC with ")
    crises.escalate_overdue(db, at=ACCOMPLISHED + timedelta(days=1, hours=5))
    assert len(mandate_entries()) == 1
    # a new deployment under it is refused, naming the limited period's end
    with clock.use(HOME_FROM):
        again = forces.run_plan(db, c.id, forces.PlanIn(time_limit=1), actor=PLANNER,
                                at=HOME_FROM)
        with pytest.raises(Conflict) as refused:
            forces.decide_plan(db, again.id, actor=PLANNER, at=HOME_FROM)
    assert "its limited period, which ended with the withdrawal of the official request" \
        in str(refused.value)


def test_6_january_the_plan_lands_the_first_units_within_hours(accounts_db: Database) -> None:
    """The record: the first Russian airborne units, flown from airfields of the Moscow,
    Ivanovo and Ulyanovsk regions, were at work in Almaty on 6 January, within about 12
    hours of the decision; the four other contingents followed in the next day or two;
    about 2,000 in all. The plan must agree within 3 hours for the first landing and by
    the calendar day for the others."""
    db = accounts_db
    _, plan = deploy(db)
    with db.read() as conn:
        units = {u.key: u for u in forces.units(conn, actor=SEC)}
    assert plan.uncovered == []
    # the objective in its own unit: the crisis's weight (extreme) times its closure, once,
    # though each state's contingent is a task of its own
    assert plan.objective["closure"] == pytest.approx(
        crisis_weight("extreme") * plan.closures[plan.crisis_id])
    landed = {m.unit: plan.starts_at + timedelta(hours=m.arrive_h) for m in plan.movements}
    first = min(plan.movements, key=lambda m: m.arrive_h)
    at = landed[first.unit]
    assert first.state == "RUS", first
    assert units[first.unit.split("#")[0]].garrison in {"chkalovsky", "ivanovo", "ulyanovsk"}
    assert timedelta(hours=9) <= at - ANNOUNCED <= timedelta(hours=15), at - ANNOUNCED
    assert at.astimezone(ALMATY).day == 6
    # each other contributing state lands its first unit on 7 or 8 January, in Almaty
    for state in FIVE:
        day = min(landed[m.unit] for m in plan.movements if m.state == state)
        assert day.astimezone(ALMATY).day in ({6} if state == "RUS" else {7, 8}), (state, day)
    assert sum(m.strength for m in plan.movements) == sum(CONTINGENTS.values()) == 2000
    # why a unit stayed home names the requirement the faster unit serves, as the
    # planner's reader knows it, never the planner's own piece id
    passed = [x for x in plan.explanations.values() if x.startswith("passed over:")]
    assert passed and all(re.search(r" reaches requirement \d+(, part \d+ of \d+)? at ", x)
                          for x in passed), passed


def test_the_planner_reads_the_first_landing_in_the_crisis_room(accounts_db: Database,
                                                               settings: Settings) -> None:
    """The plan's summary in the crisis room says when the first unit lands, as a moment
    and in hours after the plan's start, in the reader's language, beside the closure."""
    db = accounts_db
    c, plan = deploy(db)
    first = min(plan.movements, key=lambda m: m.arrive_h)
    hours = f"{first.arrive_h:.1f}"
    with TestClient(create_app(settings, db)) as client:
        login(client, "planner", "demo-planner-pass")
        for lang, moment, said in (
                ("en", "%m-%d %H:%M", f"the first unit arrives {{}} UTC, {hours} h after "
                                      "the plan's start"),
                ("ru", "%d.%m %H:%M", f"первое подразделение прибывает {{}} UTC, через "
                                      f"{hours.replace('.', ',')} ч от начала плана")):
            client.cookies.set("lang", lang)
            room = client.get(f"/crises/{c.id}").text
            text = said.format(first.arrive.astimezone(UTC).strftime(moment))
            assert f'<span id="plan-first" data-first="{first.arrive.isoformat()}">{text}' \
                in room, (lang, text)


def test_13_to_19_january_the_forces_go_home_and_the_crisis_closes(
        accounts_db: Database) -> None:
    db = accounts_db
    c = withdraw(db)
    assert c.stage is Stage.CLOSED
    assert c.official_requests[0].withdrawn_at == ACCOMPLISHED
    # 10 January: the Council's extraordinary session by video conference, the six seated
    assert len(c.sessions) == 2
    with db.read() as conn:
        m = dec.get_meeting(conn, c.sessions[1], actor=rep("KAZ"))
    assert (m.body, m.kind, m.mode, m.opens_at) == ("csc", "extraordinary", "video_conference",
                                                    almaty(10, 17))
    assert {"KAZ", *FIVE} <= {a.state for a in m.attendance}
    card = {m.measure: m for m in c.response_card}
    assert card["decision"].verdict == "met"
    assert card["withdrawal_start"].verdict in ("met", "missed")
    assert card["un_notification"].verdict == "not reached"


def test_afterwards_the_register_the_report_and_the_notices(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    c = withdraw(db)
    with db.read() as conn:
        register = dec.list_decisions(conn, actor=rep("TJK"), body="csc", year=2022)
        pdf = crises.report_pdf(conn, c.id, actor=rep("KAZ"))
    assert [d.title for d in register if d.title == TITLE] == [TITLE]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kassym-Jomart Tokayev" in text and "CSC-2022-001" in text
    with TestClient(create_app(settings, db)) as client:
        got = client.get(f"/api/v1/crises/{c.id}", headers=_token(db, "rep-blr"))
        assert got.status_code == 200, got.text
        assert got.json()["review"] == REVIEW
        assert client.get(f"/api/v1/crises/{c.id}",
                          headers=_token(db, "observer")).status_code == 404
