"""Armenia's appeals to the Organization, 2021-2024, replayed through the services as
the Secretariat, the representatives and the Council use them, checking what follows at
each step:

- May 2021: Armenia asks for consultations (Treaty art. 2) after Azerbaijani troops
  cross into its territory; every member is told at once, the consultations are held, no
  collective action follows; art. 2 obliges nobody to assist, so no member owes an
  answer.
- 13 September 2022: Armenia invokes art. 4 against Azerbaijan, a non-member: no
  dispute between members, every other member (the suspended one aside) owes an answer,
  each escalated once when late; the Permanent Council meets in extraordinary session; no
  assistance is decided, and once the crisis ends so its clocks stop (the answers awaited
  and the response card no longer overdue for ever).
- 23 November 2022, Yerevan: Armenia chairs the Council; its objection returns the
  declaration and the draft on assistance to Armenia, which stay on record as returned,
  while the session's other decision is adopted.
- February 2024: Armenia stops taking part and stays a member, passed over for the chair.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.organization import MembershipStatus
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import NotFound

SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
OTHERS = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]  # the members in 2022 but Armenia and UZB


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _told(db: Database, subject: str) -> set[str]:
    with db.read() as conn:
        return {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith(subject)))}


def test_may_2021_consultations_at_armenias_request(accounts_db: Database) -> None:
    db = accounts_db
    t0 = datetime(2021, 5, 13, 8, 0, tzinfo=UTC)
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Azerbaijani troops cross into Armenia's territory",
        category="threat_to_security", affected=["ARM"], other_parties=["AZE"]),
        actor=rep("ARM"), at=t0)
    # every member's representative is told at once; the observer is not
    told = _told(db, "Crisis reported")
    assert {f"rep-{s.lower()}" for s in OTHERS} <= told and "observer" not in told
    assert c.other_parties == ["AZE"] and c.members_in_dispute == []
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="ARM", person="Nikol Pashinyan", office="head_of_government", at=t0,
        article="Treaty art. 2", measures=[Measure.POLITICAL]), actor=rep("ARM"), at=t0)
    c = crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(minutes=40))
    with db.read() as conn:
        seated = {a.state for a in dec.get_meeting(conn, c.session_id, actor=SEC).attendance}
    assert {"ARM", *OTHERS} <= seated
    assert c.obligations == []  # art. 2: consultations, nobody owes assistance
    c = crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=t0 + timedelta(days=2),
                          reason="consultations held; no collective action")
    assert c.stage is Stage.NO_ACTION
    with db.read() as conn:
        later = crises.get(conn, c.id, actor=rep("ARM"), at=t0 + timedelta(days=400))
    marks = {m.measure: m.verdict for m in later.response_card}
    assert marks["consultations"] == "met"
    assert marks["decision"] == "not reached"  # not overdue for ever after the end


def test_september_2022_art_4_against_a_non_member(accounts_db: Database) -> None:
    db = accounts_db
    t0 = datetime(2022, 9, 13, 1, 0, tzinfo=UTC)
    request = t0 + timedelta(hours=2)
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Fighting on Armenia's border with Azerbaijan", category="aggression",
        affected=["ARM"], other_parties=["AZE"]), actor=rep("ARM"), at=t0)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="ARM", person="Nikol Pashinyan", office="head_of_government", at=request,
        article="Treaty art. 4", measures=[Measure.MILITARY_CRRF, Measure.POLITICAL]),
        actor=rep("ARM"), at=request)
    crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(hours=3))
    c = crises.convene_session(db, c.id, actor=SEC, body="permanent-council",
                               opens_at=t0 + timedelta(hours=10), at=t0 + timedelta(hours=4))
    assert len(c.sessions) == 2

    # Azerbaijan is no member: no dispute between members, the obligation applies
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=t0 + timedelta(hours=12))
    assert c.members_in_dispute == []
    assert [line.state for line in c.obligations] == OTHERS  # not UZB (suspended)
    assert not any(line.overdue for line in c.obligations)

    # Russia answers; the others' answers, late, are escalated once each, to the
    # Secretariat, the chair's state (Armenia, 2022) and the member awaited
    crisis_obligations.answer(db, c.id, "RUS", crisis_obligations.ObligationIn(
        answer="other", detail="a mission of the Secretary General"), actor=rep("RUS"),
        at=t0 + timedelta(hours=20))
    late = request + timedelta(hours=25)
    assert crises.escalate_overdue(db, at=late) == [c.id]
    crises.escalate_overdue(db, at=late + timedelta(hours=1))  # nothing again
    with db.read() as conn:
        c = crises.get(conn, c.id, actor=SEC, at=late + timedelta(hours=2))
        told = {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.body.contains("the answer of KAZ")))}
    escalated = [e.text for e in c.timeline if e.kind == "escalation"
                 and e.text.startswith("the answer of")]
    assert sorted(e.split()[3] for e in escalated) == ["BLR", "KAZ", "KGZ", "TJK"]
    assert {"rep-kaz", "rep-arm", "secretariat"} <= told and "rep-blr" not in told
    with db.read() as conn:  # the trail says what fell due, when, and who was told
        entry = next(json.loads(e.change) for e in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == "crisis.escalate"))
            if json.loads(e.change)["stage"] == "answer:KAZ")
    assert entry["told"] == {"secretariat": True, "chair": "ARM", "member": "KAZ"}
    assert datetime.fromisoformat(entry["due_at"]) == late - timedelta(
        minutes=entry["overdue_minutes"])

    # no assistance decided: the crisis ends with no action, and its clocks stop there
    ended = datetime(2022, 11, 24, 9, 0, tzinfo=UTC)
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=t0 + timedelta(days=3))
    crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=ended,
                      reason="no assistance decided: the draft was not adopted")
    with db.read() as conn:
        then = crises.get(conn, c.id, actor=rep("ARM"), at=ended + timedelta(days=30))
        later = crises.get(conn, c.id, actor=rep("ARM"), at=ended + timedelta(days=300))
    waited = (ended - request).total_seconds() / 60
    kaz = [line for line in later.obligations if line.state == "KAZ"]
    assert kaz[0].answer is None and kaz[0].waiting_minutes == waited
    assert [x.waiting_minutes for x in then.obligations] == [
        x.waiting_minutes for x in later.obligations]
    marks = {m.measure: m.verdict for m in later.response_card}
    assert marks["decision"] == marks["first_unit"] == "not reached"
    assert marks["un_notification"] == "not reached"
    assert crises.escalate_overdue(db, at=ended + timedelta(days=300)) == []
    # Azerbaijan has no account; the observer does not read the crisis
    with db.read() as conn, pytest.raises(NotFound):
        crises.get(conn, c.id, actor=OBSERVER)


def test_november_2022_yerevan_the_chairs_objection_returns_two_drafts(
        accounts_db: Database) -> None:
    db = accounts_db
    opens = datetime(2022, 11, 23, 8, 0, tzinfo=UTC)
    with db.read() as conn:
        org = orgs.organization(conn)
    chair = membership.chair_of(org, "csc", 2022)
    assert chair is not None and chair.state == "ARM"
    titles = ("Yerevan Declaration", "On collective assistance to Armenia",
              "On the Secretary General")
    with clock.use(opens - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=opens, place="Yerevan"),
                        actor=SEC)
        drafts = [dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title=title, text_en="The Council decides."),
            actor=SEC) for title in titles]
    with clock.use(opens + timedelta(minutes=30)):
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state != "UZB", actor=SEC)
        for d in drafts:
            for s in ["ARM", *OTHERS]:
                objects = s == "ARM" and d.title != titles[2]
                dec.state_position(db, d.id, Position.OBJECT if objects else Position.SUPPORT,
                                   actor=rep(s))
        outcomes = [dec.close_draft(db, d.id, actor=SEC) for d in drafts]
    assert [o.status for o in outcomes] == ["returned", "returned", "adopted"]
    assert "ARM formally objects" in outcomes[1].outcome_reason
    assert outcomes[1].decision_id is None and outcomes[2].decision_id is not None
    with db.read() as conn:  # the returned drafts stay on record
        kept = dec.get_draft(conn, drafts[1].id, actor=rep("KAZ"))
    assert kept.status == "returned"


def test_2024_armenia_stops_taking_part_and_stays_a_member(accounts_db: Database) -> None:
    with accounts_db.read() as conn:
        org = orgs.organization(conn)
    status = membership.status_on(org, "ARM", date(2024, 3, 1))
    assert status is MembershipStatus.NOT_TAKING_PART
    assert "ARM" in {m.state for m in membership.members_on(org, date(2024, 3, 1))}
    assert membership.status_on(org, "ARM", date(2024, 2, 21)) is MembershipStatus.MEMBER


def test_an_answer_awaited_stops_waiting_when_the_crisis_ends(accounts_db: Database) -> None:
    """A member that never answered reads, after the crisis ended with no action, the
    time it waited until the end, not a wait that grows for ever after."""
    db = accounts_db
    t0 = datetime(2022, 9, 13, 1, 0, tzinfo=UTC)
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Fighting on the border", category="aggression", affected=["ARM"],
        other_parties=["AZE"]), actor=rep("ARM"), at=t0)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="ARM", person="Nikol Pashinyan", office="head_of_government", at=t0,
        article="Treaty art. 4", measures=[Measure.POLITICAL]), actor=rep("ARM"), at=t0)
    crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(minutes=30))
    crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=t0 + timedelta(hours=10),
                      reason="no assistance decided")
    with db.read() as conn:
        lines = crises.get(conn, c.id, actor=SEC, at=t0 + timedelta(days=90)).obligations
    assert {x.waiting_minutes for x in lines} == {600.0}
    assert not any(x.overdue for x in lines)  # ended before its 24 hours had passed
