"""The collective-response chain as the treaty writes it, replayed on a peacekeeping case
(Kyrgyzstan, June 2010: an official request for collective peacekeeping forces):
no military measure without the affected state's recorded request; only a decision of a
competent body, after the crisis and the request, binding the affected state, authorizes
it, and what it authorizes is what it adopted; a crisis holds as many sessions as it
needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_letter, crisis_requests, forces
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.web.i18n import texts_for

SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2023, 6, 11, 2, 0, tzinfo=UTC)
PK = Measure.MILITARY_PEACEKEEPING


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def crisis(db: Database) -> crises.CrisisOut:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Mass unrest in Osh and Jalal-Abad", category="armed_attack", affected=["KGZ"],
        severity="extreme", place="Osh", lat=40.53, lon=72.8), actor=SEC, at=T0)
    return crises.convene_consultations(db, c.id, actor=SEC, at=T0 + timedelta(hours=1))


def adopt(db: Database, meeting_id: int, *, body: str = "csc", kind: str = "decision",
          out: tuple[str, ...] = (), **authorizes: object) -> int:
    """A text adopted in `meeting_id` by every member with a say (those in `out` stay out
    of a limited-format decision)."""
    d = dec.propose_draft(db, dec.DraftIn.model_validate({
        "body": body, "meeting_id": meeting_id, "kind": kind, "title": "On Kyrgyzstan",
        "text_en": "The Council decides ...", **authorizes}), actor=SEC)
    for s in d.stances:
        if s.standing.value == "full":
            dec.record_attendance(db, meeting_id, s.state, True, actor=SEC)
            dec.state_position(db, d.id, Position.NOT_TAKING_PART if s.state in out
                               else Position.SUPPORT, actor=rep(s.state))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.decision_id is not None, closed.outcome_reason
    return closed.decision_id


def request(db: Database, crisis_id: int, at: datetime, who: Principal = SEC) -> None:
    crisis_requests.record_request(db, crisis_id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Roza Otunbayeva", office="head_of_state", at=at,
        article="Treaty art. 4", measures=[PK, Measure.HUMANITARIAN],
        forces="collective peacekeeping forces", period_days=30), actor=who, at=at)


def test_no_military_measure_without_the_recorded_request(org_db: Database) -> None:
    c = crisis(org_db)
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(org_db, c.session_id or 0, measures=[PK], formations=["peacekeeping"])
    with pytest.raises(Conflict, match="no official request of KGZ asks for it"):
        crises.link_decision(org_db, c.id, decision, actor=SEC)
    crises.set_response(org_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SEC)
    crises.transition(org_db, c.id, Stage.ASSESSMENT, actor=SEC, at=T0 + timedelta(hours=2))
    with org_db.read() as conn:
        assert any("record its official request" in p
                   for p in crises.military_check(conn, c.id, actor=SEC))


def test_only_a_decision_that_can_authorize_does(org_db: Database) -> None:
    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        session = c.session_id or 0
        statement = adopt(org_db, session, kind="statement", measures=[PK])
        limited = adopt(org_db, session, measures=[PK], out=("KGZ",))
        good = adopt(org_db, session, measures=[PK, Measure.HUMANITARIAN],
                     formations=["peacekeeping"], contributing_states=["KAZ", "RUS"],
                     period_days=30)
    earlier = crises.open_crisis(org_db, crises.CrisisIn(
        title="Later events", category="armed_attack", affected=["KGZ"]), actor=SEC,
        at=T0 + timedelta(days=3))
    with pytest.raises(Conflict, match="is a statement: only a decision authorizes"):
        crises.link_decision(org_db, c.id, statement, actor=SEC)
    with pytest.raises(Conflict, match="does not bind KGZ"):
        crises.link_decision(org_db, c.id, limited, actor=SEC)
    with pytest.raises(Conflict, match="before the crisis was reported"):
        crises.link_decision(org_db, earlier.id, good, actor=SEC)
    with pytest.raises(Invalid, match="authorizes humanitarian, military_peacekeeping"):
        crises.link_decision(org_db, c.id, good, [Measure.MILITARY_CRRF], actor=SEC)
    linked = crises.link_decision(org_db, c.id, good, actor=SEC)
    assert linked.authorizes == ["humanitarian", "military_peacekeeping"]
    assert linked.official_requests[0].person == "Roza Otunbayeva"


def test_a_coordination_council_statement_authorizes_nothing(org_db: Database) -> None:
    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=3)):
        m = dec.convene(org_db, dec.MeetingIn(body="cc-emergencies", opens_at=T0 + timedelta(
            hours=3)), actor=SEC)
        statement = adopt(org_db, m.id, body="cc-emergencies", kind="statement",
                          measures=[PK])
    with pytest.raises(Conflict) as refused:
        crises.link_decision(org_db, c.id, statement, actor=SEC)
    assert "only a decision authorizes" in str(refused.value)
    assert "cc-emergencies is not competent (the dataset names csc)" in str(refused.value)


def test_the_request_is_the_affected_states_own(org_db: Database) -> None:
    c = crisis(org_db)
    reporter = Principal("reporter-kgz", Role.REPORTER, state="KGZ", agency=Agency.POLICE)
    with pytest.raises(Forbidden, match="reporter"):
        request(org_db, c.id, T0, who=reporter)
    with pytest.raises(Forbidden, match="act for KAZ, not for KGZ"):
        request(org_db, c.id, T0, who=rep("KAZ"))
    request(org_db, c.id, T0 + timedelta(minutes=5), who=rep("KGZ"))
    with org_db.read() as conn:
        got = crises.get(conn, c.id, actor=rep("KAZ"))
    assert [(r.state, r.article, r.period_days) for r in got.official_requests] == [
        ("KGZ", "Treaty art. 4", 30)]
    assert any("official request of KGZ (Roza Otunbayeva" in e.text for e in got.timeline)


def test_a_crisis_holds_as_many_sessions_as_it_needs(org_db: Database) -> None:
    c = crisis(org_db)
    again = crises.convene_session(org_db, c.id, actor=SEC, opens_at=T0 + timedelta(days=3),
                                   at=T0 + timedelta(days=2))
    assert len(again.sessions) == 2 and again.sessions[0] == c.session_id
    assert any("extraordinary session" in e.text.lower() for e in again.timeline)
    with pytest.raises(Forbidden):
        crises.convene_session(org_db, c.id, actor=rep("KGZ"), opens_at=T0)


def test_the_planner_uses_only_what_the_decision_authorizes(org_db: Database) -> None:
    """A peacekeeping-only decision: the plan moves peacekeepers, never the CRRF or the
    rapid-deployment forces, though they are nearer and every state consents."""
    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        good = adopt(org_db, c.session_id or 0, measures=[PK], formations=["peacekeeping"])
    crises.link_decision(org_db, c.id, good, actor=SEC)
    planner = Principal("planner", Role.PLANNER)
    forces.add_requirement(org_db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=400, place="Osh", lat=40.53, lon=72.8,
        needed_by=datetime.now(UTC) + timedelta(days=2)), actor=planner)
    with org_db.read() as conn:  # every state asked (not suspended Uzbekistan)
        states = sorted({u.state for u in forces.units(conn, actor=SEC)}
                        - set(forces.outside(orgs.organization(conn), date.today(), ["UZB"])))
    for s in states:
        forces.give_consent(org_db, c.id, s, forces.ConsentIn(scope="all"), actor=rep(s))
    plan = forces.run_plan(org_db, c.id, forces.PlanIn(time_limit=2), actor=planner)
    with org_db.read() as conn:
        formation = {u.key: u.formation for u in forces.units(conn, actor=SEC)}
    assert plan.movements, plan.uncovered
    assert {formation[m.unit] for m in plan.movements} == {"peacekeeping"}
    assert any("authorizes peacekeeping, not crrf" in e for e in plan.explanations.values())


def test_every_member_answers_the_obligation_and_the_un_is_notified(org_db: Database) -> None:
    """Art. 4: every member other than the affected one has a line (an answer, or "no
    answer yet" with its clock); the notice to the UN Security Council opens with the
    decision, with a letter in English and Russian, and is recorded as sent."""
    import io

    from pypdf import PdfReader

    from phalanx.services import crisis_obligations as ob

    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with org_db.read() as conn:
        lines = crises.get(conn, c.id, actor=SEC, at=T0 + timedelta(hours=25)).obligations
    assert "KGZ" not in [x.state for x in lines] and len(lines) >= 5
    assert all(x.answer is None and x.overdue for x in lines)
    with pytest.raises(Invalid, match="states its reason"):
        ob.answer(org_db, c.id, "KAZ", ob.ObligationIn(answer="declined"), actor=rep("KAZ"))
    with pytest.raises(Forbidden, match="reporter"):
        ob.answer(org_db, c.id, "KAZ", ob.ObligationIn(answer="other", detail="tents"),
                  actor=Principal("r", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS))
    with pytest.raises(Conflict, match="owes no answer"):
        ob.answer(org_db, c.id, "KGZ", ob.ObligationIn(answer="other", detail="x"),
                  actor=rep("KGZ"))
    after = ob.answer(org_db, c.id, "KAZ", ob.ObligationIn(
        answer="forces", detail="a peacekeeping battalion"), actor=rep("KAZ"),
        at=T0 + timedelta(hours=3))
    assert next(x for x in after if x.state == "KAZ").answer == "forces"

    with clock.use(T0 + timedelta(hours=2)):
        good = adopt(org_db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                     period_days=30)
    crises.link_decision(org_db, c.id, good, actor=SEC, at=T0 + timedelta(hours=4))
    with org_db.read() as conn:
        late = crises.get(conn, c.id, actor=SEC, at=T0 + timedelta(hours=6)).un_notice
        letters = {lang: crisis_letter.letter_pdf(conn, c.id, actor=rep("KAZ"),
                                                  texts=texts_for(lang))
                   for lang in ("en", "ru")}
    assert late is not None and late.status == "overdue"
    # an overdue notice is escalated once, like an overdue stage
    crises.escalate_overdue(org_db, at=T0 + timedelta(hours=5, minutes=30))
    crises.escalate_overdue(org_db, at=T0 + timedelta(hours=5, minutes=40))
    with org_db.read() as conn:
        timeline = crises.get(conn, c.id, actor=SEC).timeline
    escalations = [e.text for e in timeline if "UN Security Council" in e.text
                   and "escalated" in e.text]
    assert len(escalations) == 1 and "overdue by 30 min" in escalations[0]
    text = {k: "".join(p.extract_text() for p in PdfReader(io.BytesIO(v)).pages)
            for k, v in letters.items()}
    assert "Article 51" in text["en"] and "Roza Otunbayeva" in text["en"]
    assert "статьёй 51" in text["ru"]
    with pytest.raises(Forbidden):
        ob.mark_sent(org_db, c.id, "S/2023/1", actor=rep("KAZ"))
    sent = ob.mark_sent(org_db, c.id, "S/2023/1", actor=SEC, at=T0 + timedelta(hours=6))
    assert sent.status == "sent" and sent.reference == "S/2023/1"
    with pytest.raises(Conflict, match="was sent"):
        ob.mark_sent(org_db, c.id, "again", actor=SEC)


def test_a_peacekeeping_response_to_a_terrorist_threat_from_request_to_closing(
        org_db: Database) -> None:
    """A member asks for collective peacekeeping forces against a terrorist threat with
    outside interference (the category of a threat to a member's security; January 2022
    as the public record tells it): the CRRF is not eligible, peacekeepers are."""
    t0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty", lat=43.24, lon=76.89),
        actor=rep("KAZ"), at=t0)
    crisis_requests.record_request(org_db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state",
        at=t0 + timedelta(hours=1), article="Treaty art. 2 and 4",
        measures=[PK], forces="collective peacekeeping forces", period_days=14),
        actor=rep("KAZ"), at=t0 + timedelta(hours=1))
    c = crises.convene_consultations(org_db, c.id, actor=SEC, at=t0 + timedelta(hours=2))
    crises.transition(org_db, c.id, Stage.ASSESSMENT, actor=SEC, at=t0 + timedelta(hours=3))
    with clock.use(t0 + timedelta(hours=4)):
        decision = adopt(org_db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                         contributing_states=["ARM", "BLR", "KGZ", "RUS", "TJK"],
                         period_days=14)
    crises.link_decision(org_db, c.id, decision, actor=SEC, at=t0 + timedelta(hours=4))
    crises.transition(org_db, c.id, Stage.DECISION, actor=SEC, at=t0 + timedelta(hours=4))
    with pytest.raises(Invalid, match="not eligible"):
        crises.set_response(org_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                            actor=SEC)
    crises.set_response(org_db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC)
    with org_db.read() as conn:  # the page offers the move the request allows
        assert dict(crises.stage_options(conn, c.id, actor=SEC))[Stage.RESPONSE] == []
    crises.transition(org_db, c.id, Stage.RESPONSE, actor=SEC, at=t0 + timedelta(hours=5))
    planner = Principal("planner", Role.PLANNER)
    forces.add_requirement(org_db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=300, place="Almaty", lat=43.24, lon=76.89,
        needed_by=t0 + timedelta(days=2)), actor=planner, at=t0 + timedelta(hours=5))
    for s in ["BLR", "KGZ", "RUS", "TJK"]:
        forces.give_consent(org_db, c.id, s, forces.ConsentIn(scope="all"), actor=rep(s),
                            at=t0 + timedelta(hours=5))
    plan = forces.run_plan(org_db, c.id, forces.PlanIn(time_limit=2), actor=planner,
                           at=t0 + timedelta(hours=6))
    with org_db.read() as conn:
        units = {u.key: u for u in forces.units(conn, actor=SEC)}
    assert plan.movements
    assert {units[m.unit].formation for m in plan.movements} == {"peacekeeping"}
    assert {units[m.unit].state for m in plan.movements} <= {"BLR", "KGZ", "RUS", "TJK"}
    forces.decide_plan(org_db, plan.id, actor=planner, at=t0 + timedelta(hours=6))
    for stage, hours in ((Stage.DEPLOYED, 30), (Stage.MONITORING, 200)):
        crises.transition(org_db, c.id, stage, actor=SEC, at=t0 + timedelta(hours=hours))
    review = "Peacekeepers guarded sites for two weeks and went home."
    with pytest.raises(Conflict, match="still out: plan and decide their way home"):
        crises.transition(org_db, c.id, Stage.CLOSED, actor=SEC, review=review,
                          at=t0 + timedelta(days=13))
    home = forces.plan_withdrawal(org_db, c.id, forces.WithdrawalIn(time_limit=1),
                                  actor=planner, at=t0 + timedelta(days=13))
    forces.decide_plan(org_db, home.id, actor=planner, at=t0 + timedelta(days=13))
    done = crises.transition(org_db, c.id, Stage.CLOSED, actor=SEC,
                             review="Peacekeepers guarded sites for two weeks and went home.",
                             at=t0 + timedelta(days=14))
    assert done.stage is Stage.CLOSED and done.official_requests[0].state == "KAZ"
    assert done.authorizes == ["military_peacekeeping"]
    # hours from the request (t0 + 1 h), consultations from the report (t0)
    card = {m.measure: m for m in done.response_card}
    # the request invokes art. 4: every other member has a line and the UN is notified,
    # although the category alone relies on volunteers
    assert card["un_notification"].verdict == "not reached"  # never sent before closing
    # closed, the unsent notice is still escalated to the Secretary General and the chair
    assert c.id in crises.escalate_overdue(org_db, at=t0 + timedelta(days=15))
    with org_db.read() as conn:
        lines = crises.get(conn, c.id, actor=SEC).obligations
    assert sorted(x.state for x in lines) == ["ARM", "BLR", "KGZ", "RUS", "TJK"]
    # consultations from the report (t0: at once, Treaty art. 2), two hours: missed
    assert (card["consultations"].elapsed_minutes, card["consultations"].verdict) == (
        120, "missed")
    assert (card["decision"].elapsed_minutes, card["decision"].verdict) == (180, "met")
    assert card["first_unit"].elapsed_minutes is not None
    assert card["full_deployment"].verdict in ("met", "missed")
    assert card["closing"].verdict == "no target"


def test_the_un_letter_obeys_the_decisions_marking(org_db: Database) -> None:
    """The letter quotes the decision: a reader of the crisis who may not read the
    decision (a PARTICIPANTS decision it is not party to) gets no letter."""
    from sqlalchemy import update

    from phalanx.adapters.db import tables as t
    from phalanx.services.errors import NotFound

    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        good = adopt(org_db, c.session_id or 0, measures=[PK], formations=["peacekeeping"])
    crises.link_decision(org_db, c.id, good, actor=SEC, at=T0 + timedelta(hours=3))
    with org_db.write(SYSTEM) as w:
        w.conn.execute(update(t.decision).where(t.decision.c.id == good).values(
            marking="PARTICIPANTS", participants=",KGZ,RUS,"))
        w.audit("test.remark", "decision", good, {"marking": "PARTICIPANTS"})
    with org_db.read() as conn:
        assert crisis_letter.letter_pdf(conn, c.id, actor=rep("RUS")).startswith(b"%PDF")
        with pytest.raises(NotFound):
            crisis_letter.letter_pdf(conn, c.id, actor=rep("KAZ"))
        notice = crises.get(conn, c.id, actor=rep("KAZ")).un_notice
    assert notice is not None and "decision_id" not in notice.model_dump()
