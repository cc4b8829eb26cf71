"""Kyrgyzstan, April to June 2010, the case for which the organization was most reproached,
replayed from the public record through the services and the API as the real actors
acted (times in Bishkek, UTC+6; the Secretariat works on Moscow time, UTC+4 in 2010),
checking at each step what the system says, under the rules in force on the day, and who
reads what:

- 7 April: an unconstitutional change of power; the President leaves Bishkek, then the
  country (his resignation letter from abroad on 15 April); an interim government under
  Roza Otunbayeva takes over. The organization does not react: no consultations, no
  decision. The system keeps the clocks running and escalates. The Secretariat records
  the change of authorities with its source: the former authorities' representative no
  longer acts for Kyrgyzstan until the interim government confirms it.
- 10-14 June: mass violence in Osh and Jalal-Abad; refugees towards Uzbekistan, a member
  in 2010 (its participation suspended only in 2012).
- 12 June: the head of the interim government asks Russia, then the organization, for
  collective peacekeeping forces. Her request invokes no collective-defence article:
  no member owes an answer, and the armed attack by illegal armed formations and bandit
  groups is no category yet (the December 2010 reform made it).
- 14 June: the Committee of Secretaries of Security Councils meets urgently in Moscow, in
  person (no legal basis yet for decisions by video conference or by consultation of the
  heads of state); it decides on logistic help and sends no forces. Its decision is in the
  register, read by the members, bound by those present.
- December 2010: the reform; from then on the same facts meet the later rules.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain import membership
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.domain.membership import MembershipStatus
from phalanx.services import clock, crises, crisis_requests, identity, representation
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.web.app import create_app
from tests.support.sessions import login

BISHKEK = ZoneInfo("Asia/Bishkek")  # UTC+6
MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+4 in 2010
SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
MEMBERS_2010 = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
TITLE = "On the situation in the south of the Kyrgyz Republic"
HELP = [Measure.LOGISTIC, Measure.POLITICAL, Measure.INFORMATIONAL]


def bishkek(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of 2010 on Bishkek's clock, in UTC (as the services keep it)."""
    return datetime(2010, month, day, hour, minute, tzinfo=BISHKEK).astimezone(UTC)


def moscow(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2010, month, day, hour, minute, tzinfo=MOSCOW).astimezone(UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


COUP = bishkek(4, 7, 20)  # power changes hands in Bishkek in the evening
OSH = bishkek(6, 11, 1)  # clashes break out in Osh in the night of 10-11 June
APPEAL = bishkek(6, 12, 12)  # the head of the interim government asks for peacekeepers
CSSC_OPENS = moscow(6, 14, 12)  # the secretaries meet in Moscow (hour assumed)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # the built-in dataset and the demo accounts


def _token(db: Database, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_tokens.issue_token(db, username, actor=SYSTEM).token}"}


def _told(db: Database, subject: str) -> set[str]:
    with db.read() as conn:
        return {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith(subject)))}


# --- the steps of the record, each building on the one before --------------------------


def change_of_power(db: Database) -> crises.CrisisOut:
    """The Secretariat records the report; nobody convenes anything."""
    with clock.use(COUP + timedelta(hours=1)):
        return crises.open_crisis(db, crises.CrisisIn(
            title="Unconstitutional change of power in Bishkek",
            category="threat_to_security", affected=["KGZ"], severity="severe",
            place="Bishkek", lat=42.87, lon=74.59), actor=SEC, at=COUP + timedelta(hours=1))


def appeal(db: Database) -> crises.CrisisOut:
    with clock.use(OSH + timedelta(hours=2)):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="Mass riots and inter-ethnic clashes in Osh and Jalal-Abad",
            category="threat_to_security", affected=["KGZ"], severity="extreme",
            place="Osh", lat=40.53, lon=72.80), actor=rep("KGZ"), at=OSH + timedelta(hours=2))
    with clock.use(APPEAL + timedelta(minutes=30)):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Roza Otunbayeva", office="head_of_government", at=APPEAL,
            article="Treaty art. 2", measures=[Measure.MILITARY_PEACEKEEPING],
            forces="collective peacekeeping forces", text="to restore order in the south"),
            actor=SEC, at=APPEAL + timedelta(minutes=30))
    with db.read() as conn:
        return crises.get(conn, c.id, actor=SEC, at=APPEAL + timedelta(hours=1))


def consultations(db: Database) -> crises.CrisisOut:
    """The secretaries of the security councils, not the heads of state, consult: the
    Secretariat names the committee among the bodies the category convenes."""
    c = appeal(db)
    with clock.use(CSSC_OPENS):
        return crises.convene_consultations(db, c.id, actor=SEC, body="cssc", at=CSSC_OPENS)


def committee(db: Database) -> tuple[crises.CrisisOut, dec.DraftOut]:
    """The secretaries meet in Moscow and decide on logistic help; Belarus is absent."""
    c = consultations(db)
    meeting = c.session_id or 0
    with clock.use(CSSC_OPENS):
        draft = dec.propose_draft(db, dec.DraftIn(
            body="cssc", meeting_id=meeting, crisis_id=c.id, title=TITLE,
            text_en="The members give the law-enforcement and security agencies of the "
                    "Kyrgyz Republic helicopters, fuel, vehicles and equipment, help to find "
                    "the organizers of the riots, and consider the matter at the next "
                    "session.", measures=HELP), actor=SEC)
        for state in MEMBERS_2010:
            dec.record_attendance(db, meeting, state, state != "BLR", actor=SEC)
        for state in MEMBERS_2010:
            if state != "BLR":
                dec.state_position(db, draft.id, Position.SUPPORT, actor=rep(state))
    with clock.use(CSSC_OPENS + timedelta(hours=3)):
        done = dec.close_draft(db, draft.id, actor=SEC)
    return c, done


def respond(db: Database) -> crises.CrisisOut:
    c, done = committee(db)
    at = CSSC_OPENS + timedelta(hours=4)
    with clock.use(at):
        crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
        crises.link_decision(db, c.id, done.decision_id or 0, actor=SEC, at=at)
        crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=at)
        crises.set_response(db, c.id, crises.ResponseIn(measures=[Measure.LOGISTIC]),
                            actor=SEC, at=at)
        return crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=at)


# --- the tests, one per step --------------------------------------------------------------


def test_7_april_the_change_of_power_goes_unanswered_and_the_clocks_say_so(
        accounts_db: Database) -> None:
    db = accounts_db
    c = change_of_power(db)
    # every member's representative is told at once; the observer is not
    told = _told(db, "Crisis reported")
    assert {f"rep-{s.lower()}" for s in MEMBERS_2010} <= told and "observer" not in told
    # nobody asked for anything: no member owes an answer, no request is on record
    assert c.obligations == [] and c.official_requests == []
    # a day later, nothing convened: the consultations the Treaty wants at once are late
    later = COUP + timedelta(days=1)
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=rep("RUS"), at=later)
        board = crises.board(conn, actor=SEC, at=later)
    assert c.stage is Stage.REPORTED and c.overdue
    marks = {m.measure: m.verdict for m in c.response_card}
    assert marks["consultations"] == "overdue" and marks["decision"] == "overdue"
    assert [x.id for x in board] == [c.id]
    # the escalation goes out once, and the timeline keeps it
    assert crises.escalate_overdue(db, at=later) == [c.id]
    assert crises.escalate_overdue(db, at=later + timedelta(hours=1)) == []
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=later + timedelta(hours=2))
    assert [e.kind for e in c.timeline].count("escalation") >= 1
    # the observer does not read it
    with db.read() as conn, pytest.raises(NotFound):
        crises.get(conn, c.id, actor=OBSERVER)


def test_15_april_the_representative_of_the_former_authorities_no_longer_acts(
        accounts_db: Database, settings: Settings) -> None:
    """The one rule on who acts for a state: the account of its representative, with the
    last day of its appointment. The President's resignation (15 April) ends the
    appointment of the representative his authorities named; from the next day that
    account acts for no one and reads what the public reads. Only the administrator
    changes an account's term, not the Secretariat."""
    db = accounts_db
    c = change_of_power(db)
    with TestClient(create_app(settings, db)) as client:
        refused = client.patch("/api/v1/users/rep-kgz", json={"acts_until": "2010-04-15"},
                               headers=_token(db, "secretariat"))
        assert refused.status_code == 403, refused.text
        done = client.patch("/api/v1/users/rep-kgz", json={"acts_until": "2010-04-15"},
                            headers=_token(db, "admin"))
        assert done.status_code == 200, done.text
    with db.read() as conn:
        with clock.use(bishkek(4, 15, 12)):  # the day of the resignation letter
            still = identity.principal(conn, "rep-kgz")
        with clock.use(APPEAL):
            gone = identity.principal(conn, "rep-kgz")
    assert still.acts_until == gone.acts_until == date(2010, 4, 15)
    assert still.appointed and not gone.appointed
    # after its term the former authorities' representative neither asks nor reads
    with clock.use(APPEAL), pytest.raises(Forbidden, match="appointment to act for KGZ ended"):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Kurmanbek Bakiyev", office="head_of_state", at=APPEAL,
            article="Treaty art. 2", measures=[Measure.POLITICAL]), actor=gone, at=APPEAL)
    with db.read() as conn, clock.use(APPEAL), pytest.raises(NotFound):
        crises.get(conn, c.id, actor=gone, at=APPEAL)


def test_7_april_the_secretariat_records_who_holds_power_and_the_old_appointment_lapses(
        accounts_db: Database, settings: Settings) -> None:
    """The change of power itself, recorded with its source: from 7 April the
    representative named by the former authorities no longer acts for Kyrgyzstan (the one
    rule on who acts for a state), even before anyone sets its term, and the interim
    government's confirmation gives the appointment back (its day here is illustrative:
    the record gives none)."""
    db = accounts_db
    c = change_of_power(db)
    with TestClient(create_app(settings, db)) as client, clock.use(bishkek(4, 9, 10)):
        r = client.post("/api/v1/states/KGZ/authorities", headers=_token(db, "secretariat"),
                        json={"since": "2010-04-07", "constitutional": False,
                              "authorities": "the interim government under Roza Otunbayeva",
                              "source": "decree No. 1 of the interim government, 8 April "
                                        "2010 (public record)"})
        assert r.status_code == 201, r.text
    with db.read() as conn:
        with clock.use(bishkek(4, 6, 12)):  # the day before: the appointment stands
            before = identity.principal(conn, "rep-kgz")
        with clock.use(bishkek(4, 9, 12)):
            after = identity.principal(conn, "rep-kgz")
    assert before.appointed and (after.appointed, after.lapsed_on) == (False, date(2010, 4, 7))
    with clock.use(bishkek(4, 9, 12)), pytest.raises(Forbidden, match="lapsed on 2010-04-07"):
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Kurmanbek Bakiyev", office="head_of_state",
            at=bishkek(4, 9, 12), article="Treaty art. 2", measures=[Measure.POLITICAL]),
            actor=after, at=bishkek(4, 9, 12))
    with db.read() as conn, clock.use(bishkek(4, 9, 12)), pytest.raises(NotFound):
        crises.get(conn, c.id, actor=after, at=bishkek(4, 9, 12))
    # the interim government names its representative: the same account, confirmed
    with clock.use(bishkek(4, 20, 12)):
        identity_confirmed = representation.confirm(db, "rep-kgz", actor=SYSTEM)
        with db.read() as conn:
            again = identity.principal(conn, "rep-kgz")
    assert identity_confirmed and again.appointed and again.lapsed_on is None
    with db.read() as conn, clock.use(bishkek(4, 20, 12)):
        assert crises.get(conn, c.id, actor=again, at=bishkek(4, 20, 12)).id == c.id
    # the June appeal reads as the interim government's, whoever's name it bears
    osh = appeal(db)
    assert [(r.person, r.authorities, r.authorities_since) for r in osh.official_requests] == [
        ("Roza Otunbayeva", "the interim government under Roza Otunbayeva", date(2010, 4, 7))]
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{osh.id}?lang=ru").text
    assert ("у власти тогда: the interim government under Roza Otunbayeva, с 7 апреля 2010 г."
            in room)


def test_12_june_the_request_for_peacekeepers_under_the_rules_of_2010(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    # Uzbekistan is a member in June 2010 (suspended only in 2012): it sits and reads
    with db.read() as conn:
        org = orgs.organization(conn)
    assert membership.status_on(org, "UZB", date(2010, 6, 12)) is MembershipStatus.MEMBER
    assert [m.state for m in membership.members_on(org, date(2010, 6, 12))] == MEMBERS_2010
    # the armed attack by illegal armed formations and bandit groups is a category of the
    # December 2010 reform: no crisis of June 2010 is one, and none owes what it obliges
    with clock.use(OSH), pytest.raises(Invalid, match="exists from 2010-12-10"):
        crises.open_crisis(db, crises.CrisisIn(
            title="Armed bands attack in Osh", category="armed_attack", affected=["KGZ"]),
            actor=rep("KGZ"), at=OSH)
    with TestClient(create_app(settings, db)) as client:
        cats = {x["key"]: x for x in client.get(
            "/api/v1/crisis-categories", headers=_token(db, "rep-kgz")).json()}
    assert cats["armed_attack"]["exists_from"] == "2010-12-10"
    assert cats["threat_to_security"]["exists_from"] is None
    c = appeal(db)
    # the request names who signed it and under which article; no collective-defence
    # article: the members consult, and nobody owes an answer within a deadline
    assert [(r.person, r.office, r.article) for r in c.official_requests] == [
        ("Roza Otunbayeva", "head_of_government", "Treaty art. 2")]
    assert c.obligations == []
    # the Secretariat names the body that consults among those the category convenes;
    # one it does not name is refused, in words, and nothing is convened
    with TestClient(create_app(settings, db)) as client:
        sec = _token(db, "secretariat")
        wrong = client.post(f"/api/v1/crises/{c.id}/consultations", json={"body": "cmo"},
                            headers=sec)
        in_russian = client.post(f"/api/v1/crises/{c.id}/consultations",
                                 json={"body": "cmo"}, headers={**sec, "Accept-Language": "ru"})
    assert wrong.status_code == 422, wrong.text
    assert "cmo does not consult on a crisis of threat_to_security" in wrong.text
    assert "не проводит консультаций по кризису категории" in in_russian.text, in_russian.text
    with db.read() as conn:
        assert crises.get(conn, c.id, actor=SEC).session_id is None
    c = consultations(db)
    # the committee meets in person: no legal basis for a session by video conference
    # before the reform; Uzbekistan has its seat
    with db.read() as conn:
        m = dec.get_meeting(conn, c.session_id or 0, actor=SEC)
    assert (m.body, m.kind, m.mode) == ("cssc", "emergency", "in_person")
    assert {a.state for a in m.attendance} == set(MEMBERS_2010)
    # nor may the chair decide by telephone, by consulting the heads of state
    with clock.use(APPEAL + timedelta(hours=3)), pytest.raises(
            Invalid, match="decisions by consultation exist from 2010-12-10"):
        crises.consultation_draft(db, c.id, dec.DraftIn(
            body="csc", procedure="consultation", question="peacekeeping", title="Forces",
            text_en="To send the collective peacekeeping forces.",
            measures=[Measure.MILITARY_PEACEKEEPING], formations=["peacekeeping"],
            contributing_states=["RUS", "KAZ"]), actor=SEC, at=APPEAL + timedelta(hours=3))


def test_14_june_the_committee_meets_in_moscow_and_decides_on_logistic_help(
        accounts_db: Database) -> None:
    db = accounts_db
    c = consultations(db)
    # another session of the committee by video conference in June 2010 is refused
    with clock.use(moscow(6, 14, 16)), pytest.raises(
            Invalid, match="meets by video conference from 2010-12-10"):
        crises.convene_session(db, c.id, actor=SEC, body="cssc",
                               kind=SessionKind.EXTRAORDINARY, mode=Mode.VIDEO,
                               opens_at=moscow(6, 17, 12), at=moscow(6, 14, 16))
    c, done = committee(db)
    assert done.status == "adopted" and done.decision_id is not None
    with db.read() as conn:
        d = dec.get_decision(conn, done.decision_id, actor=rep("KGZ"))
        m = dec.get_meeting(conn, c.session_id or 0, actor=SEC)
    assert (m.body, m.kind, m.mode) == ("cssc", "emergency", "in_person")
    assert c.sessions == [m.id]
    # the committee's decision: its own number, dated on the Secretariat's day, binding
    # the six present; absent Belarus receives it for consideration; no limited format
    assert d.number == "CSSC-2010-001" and d.body == "cssc"
    assert d.adopted_on == date(2010, 6, 14)
    assert d.binding == [s for s in MEMBERS_2010 if s != "BLR"]
    assert d.for_consideration == ["BLR"] and not d.limited_format
    assert sorted(d.authorizes.measures) == sorted(HELP)
    assert d.authorizes.contributing_states == []
    # each member's representative is told, Belarus included; the observer reads nothing
    assert {f"rep-{s.lower()}" for s in MEMBERS_2010} <= _told(
        db, "Decision CSSC-2010-001 adopted")
    with db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, done.decision_id, actor=OBSERVER)
    # the register of the committee's decisions for 2010 holds it
    with db.read() as conn:
        register = dec.list_decisions(conn, actor=rep("BLR"), body="cssc", year=2010)
    assert [x.number for x in register] == ["CSSC-2010-001"]
    # no member may stay out of a decision in a limited format: that came with the reform
    with clock.use(CSSC_OPENS + timedelta(hours=1)):
        other = dec.propose_draft(db, dec.DraftIn(
            body="cssc", meeting_id=m.id, title="On helicopters",
            text_en="Those interested send helicopters."), actor=SEC)
        with pytest.raises(Invalid, match="the limited format exists from 2010-12-10"):
            dec.state_position(db, other.id, Position.NOT_TAKING_PART, actor=rep("ARM"))


# the record gives no day on which Belarus declared it joins the committee's decision:
# 1 July 2010 is illustrative, a day after its representative's return to the work
BLR_JOINS = date(2010, 7, 1)


def test_belarus_absent_on_14_june_joins_the_committees_decision_later(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    _c, done = committee(db)
    decision_id = done.decision_id or 0
    six = [s for s in MEMBERS_2010 if s != "BLR"]
    with db.read() as conn, clock.use(moscow(6, 20, 12)):
        d = dec.get_decision(conn, decision_id, actor=rep("BLR"))
    # before: Belarus received it for consideration and is not bound; it may still declare
    assert d.binding == six and d.bound_from == {} and d.may_join == ["BLR"]
    assert d.bound_on(BLR_JOINS) == six
    # only Belarus's representative, or the Secretariat, declares in Belarus's name
    with clock.use(moscow(7, 2, 10)), pytest.raises(Forbidden, match="you act for ARM"):
        dec.declare_joining(db, decision_id, "BLR", True, BLR_JOINS, actor=rep("ARM"))
    # a declaration is recorded once made, never ahead of its day
    with clock.use(moscow(6, 20, 12)), pytest.raises(Invalid, match="after today"):
        dec.declare_joining(db, decision_id, "BLR", True, BLR_JOINS, actor=rep("BLR"))
    # a member bound since the adoption has nothing to join
    with clock.use(moscow(7, 2, 10)), pytest.raises(Invalid, match="RUS is already bound"):
        dec.declare_joining(db, decision_id, "RUS", True, BLR_JOINS, actor=SEC)
    with clock.use(moscow(7, 1, 10)):
        d = dec.declare_joining(db, decision_id, "BLR", True, BLR_JOINS, actor=rep("BLR"),
                                note="Letter of the Security Council of Belarus")
    # after: bound from the day of its declaration, not before
    assert d.bound_from == {"BLR": BLR_JOINS} and d.may_join == []
    assert d.binding == six  # bound from the adoption: the six present
    assert d.bound_on(BLR_JOINS - timedelta(days=1)) == six
    assert d.bound_on(BLR_JOINS) == MEMBERS_2010
    # its record is closed: no second declaration
    with clock.use(moscow(7, 3, 10)), pytest.raises(Invalid, match="record is closed"):
        dec.declare_joining(db, decision_id, "BLR", False, date(2010, 7, 3), actor=SEC)
    # the declaration is audited, and read as the decision is: the observer reads neither
    with db.read() as conn:
        entry = conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "decision.join")).one()
    assert (entry.actor, entry.target_id) == ("rep-blr", str(decision_id))
    with db.read() as conn, pytest.raises(NotFound):
        dec.get_decision(conn, decision_id, actor=OBSERVER)
    # the API says who is bound and from when; the exports name the joining
    with TestClient(create_app(settings, db)) as client, clock.use(moscow(7, 3, 10)):
        r = client.get(f"/api/v1/decisions/{decision_id}", headers=_token(db, "rep-kaz"))
        assert r.status_code == 200, r.text
        assert r.json()["bound_from"] == {"BLR": "2010-07-01"}
        assert r.json()["binding"] == six
        pdf = client.get(f"/api/v1/decisions/{decision_id}/pdf",
                         headers=_token(db, "rep-kaz"))
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Belarus joined it, bound from" in " ".join(text.split())


def test_the_logistic_help_is_a_response_and_the_forces_asked_for_are_not_sent(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    c = respond(db)
    assert c.stage is Stage.RESPONSE
    assert c.authorizes == sorted(m.value for m in HELP)
    assert c.measures == ["logistic"]
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=rep("KGZ"), at=bishkek(6, 20, 12))
    marks = {m.measure: m.verdict for m in c.response_card}
    # the decision came, late against its target: "missed", not "not reached"
    assert marks["consultations"] == "missed" and marks["decision"] == "missed"
    # the help decided is a response; the forces asked for and not sent stay visible
    # beside it, to those who read the decision
    assert c.official_requests[0].measures == [Measure.MILITARY_PEACEKEEPING]
    assert c.not_granted == [Measure.MILITARY_PEACEKEEPING]
    with TestClient(create_app(settings, db)) as client:
        got = client.get(f"/api/v1/crises/{c.id}", headers=_token(db, "rep-tjk"))
        assert got.status_code == 200, got.text
        assert got.json()["not_granted"] == ["military_peacekeeping"]
        login(client, "rep-kaz", "demo-rep-kaz")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
    assert 'data-not-granted="military_peacekeeping"' in room
    assert "Запрошено и не предоставлено решением по кризису" in room
    # and so does the situation report
    with db.read() as conn:
        pdf = crises.report_pdf(conn, c.id, actor=rep("ARM"))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Asked for and not given by the decision on the crisis" in " ".join(text.split())


def test_after_the_reform_the_same_facts_meet_the_later_rules(accounts_db: Database) -> None:
    """From the reform of 10 December 2010 an armed attack by bandit groups is a category
    of its own, and the Council meets by video conference."""
    db = accounts_db
    at = bishkek(12, 20, 12)
    with clock.use(at):
        c = crises.open_crisis(db, crises.CrisisIn(
            title="Armed bands attack in Batken", category="armed_attack", affected=["KGZ"]),
            actor=rep("KGZ"), at=at)
        crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Roza Otunbayeva", office="head_of_state", at=at,
            article="Treaty art. 4", measures=[Measure.POLITICAL]), actor=rep("KGZ"), at=at)
    with clock.use(at + timedelta(hours=1)):
        c = crises.convene_consultations(db, c.id, actor=SEC, at=at + timedelta(hours=1))
    with db.read() as conn:
        m = dec.get_meeting(conn, c.session_id or 0, actor=SEC)
    assert m.mode == "video_conference"
    assert [x.state for x in c.obligations] == [s for s in MEMBERS_2010 if s != "KGZ"]
