"""The armed clashes on the border between two members, Kyrgyzstan and Tajikistan (the
Batken region, 14-16 September 2022), replayed from the public record through the
services and the pages as the people used them. The sources are those of
`data/exercises/kyrgyzstan-tajikistan-2022.yaml` (TASS 2022-09-16 and 2022-12-05,
UrduPoint/Sputnik 2022-10-09, Asia-Plus 2022-10-12, Inozpress 2022-10-08); DOMAIN §3 (the
CRRF is not used to settle bilateral political problems between states) and §7
(consensus means no objection).

- 14 September: each state reports the clashes and names the other as the other party
  (each held the other responsible). Every member is told, the member named included,
  and learns from the notice that it is named; the observer is not told.
- 16 September: the Secretary General's talks with the two security councils, played as
  the consultations the Secretariat convenes; the Permanent Council meets in
  extraordinary session. A statement calling for a ceasefire is returned when Tajikistan
  objects (consensus means no objection), and adopted once revised with no objection; a
  statement authorizes no measure.
- Kyrgyzstan's official request under art. 4 for the CRRF (assumption: the sources
  record no such request; it is played to see the rule hold): the CRRF is refused,
  naming the members in dispute; Tajikistan, the member named, owes no answer; no
  notice to the UN Security Council opens, no decision having been taken.
- What each member and the observer read; the crisis room and the board in Russian.
- 9 October: Kyrgyzstan cancels the exercise Indestructible Brotherhood-2022 planned on
  its territory for 10-14 October; Tajikistan may not.

Times of day are assumed where the sources give only the day (as the scenario says).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.registers import exercises as ex
from phalanx.web.app import create_app
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import login

SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
THIRD = ["ARM", "BLR", "KAZ", "RUS"]  # the members in 2022 but the two parties (UZB suspended)
KGZ_REPORT = datetime(2022, 9, 14, 3, 0, tzinfo=UTC)  # 09:00 in Bishkek (hour assumed)
TJK_REPORT = datetime(2022, 9, 14, 5, 0, tzinfo=UTC)  # 10:00 in Dushanbe (hour assumed)
TALKS = datetime(2022, 9, 16, 3, 0, tzinfo=UTC)  # the Secretary General's talks
REQUEST = datetime(2022, 9, 16, 2, 0, tzinfo=UTC)  # assumption: no such request is sourced
COUNCIL = datetime(2022, 9, 16, 10, 0, tzinfo=UTC)
CRRF = "the CRRF is not used to settle a bilateral political problem between states"


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def report(db: Database) -> tuple[crises.CrisisOut, crises.CrisisOut]:
    """Each state reports the clashes, naming the other."""
    with clock.use(KGZ_REPORT):
        kgz = crises.open_crisis(db, crises.CrisisIn(
            title="Armed clashes on the Kyrgyz-Tajik border, Batken region",
            category="aggression", affected=["KGZ"], other_parties=["TJK"],
            place="Bulak-Bashi, Batken region", lat=39.95, lon=70.45), actor=rep("KGZ"),
            at=KGZ_REPORT)
    with clock.use(TJK_REPORT):
        tjk = crises.open_crisis(db, crises.CrisisIn(
            title="Kyrgyz forces fire on Tajik border posts, Isfara district",
            category="aggression", affected=["TJK"], other_parties=["KGZ"],
            place="Isfara", lat=40.12, lon=70.63), actor=rep("TJK"), at=TJK_REPORT)
    return kgz, tjk


def request_and_consult(db: Database) -> crises.CrisisOut:
    kgz, _ = report(db)
    with clock.use(REQUEST):
        crisis_requests.record_request(db, kgz.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Sadyr Japarov", office="head_of_state", at=REQUEST,
            article="Treaty art. 4", measures=[Measure.MILITARY_CRRF, Measure.POLITICAL]),
            actor=rep("KGZ"), at=REQUEST)
    with clock.use(TALKS):
        crises.convene_consultations(db, kgz.id, actor=SEC, at=TALKS)
        return crises.convene_session(db, kgz.id, actor=SEC, body="permanent-council",
                                      opens_at=COUNCIL, at=TALKS)


def test_14_september_each_state_reports_the_other_as_the_other_party(
        accounts_db: Database) -> None:
    db = accounts_db
    kgz, tjk = report(db)
    assert (kgz.other_parties, kgz.members_in_dispute) == (["TJK"], ["TJK"])
    assert (tjk.other_parties, tjk.members_in_dispute) == (["KGZ"], ["KGZ"])
    with db.read() as conn:
        notices = {(n.recipient, n.subject): n.body for n in conn.execute(
            select(t.notification).where(t.notification.c.subject.startswith(
                "Crisis reported")))}
        render = notice_renderer(orgs.organization(conn))
    told = {who for who, subject in notices if kgz.title in subject}
    assert {"rep-tjk", "rep-kaz", "rep-rus", "secretariat"} <= told
    assert "observer" not in told
    # the member named learns from the notice that the report names it
    body = notices[("rep-tjk", f"Crisis reported: {kgz.title}")]
    assert "the report names TJK as the other party (a dispute between members)" in body
    _, ru = render(f"Crisis reported: {kgz.title}", body, "ru")
    assert "сообщение называет другой стороной TJK (спор между государствами-членами)" \
        in ru, ru
    assert "report names" not in ru


def test_16_september_a_party_objects_and_the_statement_is_returned(
        accounts_db: Database) -> None:
    db = accounts_db
    c = request_and_consult(db)
    with db.read() as conn:
        seated = {a.state for a in dec.get_meeting(conn, c.sessions[-1], actor=SEC).attendance}
    assert {"KGZ", "TJK", *THIRD} <= seated  # both parties keep their seats
    with clock.use(COUNCIL - timedelta(hours=1)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="permanent-council", meeting_id=c.sessions[-1], crisis_id=c.id,
            kind="statement", title="Statement on the situation on the Kyrgyz-Tajik border",
            text_en="The Permanent Council calls on the parties to cease fire at once."),
            actor=SEC)
    with clock.use(COUNCIL + timedelta(minutes=30)):
        for s in ["KGZ", "TJK", *THIRD]:
            dec.record_attendance(db, c.sessions[-1], s, True, actor=SEC)
        for s in ["KGZ", *THIRD]:
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
        dec.state_position(db, d.id, Position.OBJECT, actor=rep("TJK"))
        # one state does not state another's position
        with pytest.raises(Forbidden):
            dec.state_position(db, d.id, Position.SUPPORT, state="TJK", actor=rep("KGZ"))
        returned = dec.close_draft(db, d.id, actor=SEC)
    assert returned.status == "returned" and returned.decision_id is None
    assert "TJK formally objects" in (returned.outcome_reason or "")
    with clock.use(COUNCIL + timedelta(minutes=45)):
        again = dec.revise_draft(db, d.id, "The Permanent Council calls on both parties to "
                                 "cease fire and to settle the conflict exclusively by "
                                 "peaceful means.", actor=SEC)
        for s in ["KGZ", "TJK", *THIRD]:
            dec.state_position(db, again.id, Position.SUPPORT, actor=rep(s))
        adopted = dec.close_draft(db, again.id, actor=SEC)
    assert adopted.status == "adopted" and adopted.decision_id is not None
    # a statement authorizes nothing: no response rests on it
    with clock.use(COUNCIL + timedelta(hours=1)), pytest.raises(Conflict, match="statement"):
        crises.link_decision(db, c.id, adopted.decision_id, actor=SEC,
                             at=COUNCIL + timedelta(hours=1))


def test_the_crrf_is_refused_and_the_party_named_owes_no_answer(
        accounts_db: Database) -> None:
    db = accounts_db
    c = request_and_consult(db)
    at = COUNCIL + timedelta(hours=2)
    with clock.use(at):
        crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
        crises.set_response(db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                            actor=SEC, at=at)
    with db.read() as conn:
        why = crises.military_check(conn, c.id, actor=SEC, at=at)
        c = crises.get(conn, c.id, actor=rep("KAZ"), at=at)
    assert (f"{CRRF}: the report names TJK, a member, as the other party (a dispute between "
            "the members KGZ, TJK)") in why
    # art. 4: the third members owe an answer; the member named owes none
    assert [x.state for x in c.obligations] == THIRD
    assert {x.due_at for x in c.obligations} == {REQUEST + timedelta(hours=24)}
    with clock.use(at), pytest.raises(Conflict, match="TJK owes no answer"):
        crisis_obligations.answer(db, c.id, "TJK", crisis_obligations.ObligationIn(
            answer="declined", detail="a party to the dispute"), actor=rep("TJK"), at=at)
    crisis_obligations.answer(db, c.id, "KAZ", crisis_obligations.ObligationIn(
        answer="other", detail="political support for a ceasefire"), actor=rep("KAZ"), at=at)
    # no decision: no notice to the UN Security Council opens
    assert c.un_notice is None
    with clock.use(at), pytest.raises(Conflict, match="no notice to the UN Security Council"):
        crisis_obligations.mark_sent(db, c.id, "S/2022/1", actor=SEC, at=at)
    ended = datetime(2022, 9, 26, 6, 0, tzinfo=UTC)
    with clock.use(ended):
        c = crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=ended, reason=(
            "a dispute between two members: the Organization calls for a ceasefire; the two "
            "states signed a protocol on ending the fighting on 25 September"))
    assert c.stage is Stage.NO_ACTION
    with db.read() as conn:
        later = crises.get(conn, c.id, actor=rep("KGZ"), at=ended + timedelta(days=30))
    marks = {m.measure: m.verdict for m in later.response_card}
    assert marks["decision"] == marks["un_notification"] == "not reached"


def test_what_each_member_and_the_observer_read_and_the_board_in_russian(
        accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    kgz, tjk = report(db)
    with db.read() as conn:
        for state in ["KGZ", "TJK", *THIRD]:
            assert crises.get(conn, kgz.id, actor=rep(state)).other_parties == ["TJK"]
        for c in (kgz, tjk):
            with pytest.raises(NotFound):
                crises.get(conn, c.id, actor=OBSERVER)
        assert crises.board(conn, actor=OBSERVER) == []
        # the board narrowed to a state: the crises it reports and those naming it
        for state in ("KGZ", "TJK"):
            listed = crises.board(conn, actor=SEC, where=crises.BoardFilter(state=state))
            assert {c.id for c in listed} == {kgz.id, tjk.id}, state
        assert crises.board(conn, actor=SEC, where=crises.BoardFilter(state="KAZ")) == []
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        client.cookies.set("lang", "ru")
        board = client.get("/crises", params={"state": "TJK"}).text
        room = client.get(f"/crises/{kgz.id}").text
    rows = board.split('id="crisis-board"')[1].split("</table>")[0]
    assert f'data-crisis="{kgz.id}"' in rows and f'data-crisis="{tjk.id}"' in rows
    assert "другая сторона: TJK" in rows and "другая сторона: KGZ" in rows
    assert ("другая сторона: TJK (спор между государствами-членами: КСОР не "
            "используются)") in room


def test_9_october_kyrgyzstan_cancels_the_exercise_on_its_territory(
        accounts_db: Database) -> None:
    db = accounts_db
    with clock.use(datetime(2022, 6, 1, 6, 0, tzinfo=UTC)):
        ex.create(db, ex.ExerciseIn(
            key="brotherhood-2022", name="Indestructible Brotherhood-2022",
            name_ru="Нерушимое братство-2022", series="indestructible_brotherhood",
            start=date(2022, 10, 10), end=date(2022, 10, 14), host="KGZ",
            place="Balykchy"), actor=SEC)
        for state in ("KGZ", "TJK", "RUS", "KAZ"):
            ex.add_participant(db, "brotherhood-2022", ex.ParticipantIn(
                state=state, formation=f"Peacekeeping contingent of {state}", strength=150),
                actor=rep(state))
    cancel = ex.CancelIn(reason="the border conflict with Tajikistan", on=date(2022, 10, 9))
    with pytest.raises(Forbidden, match="only the host"):
        ex.cancel(db, "brotherhood-2022", cancel, actor=rep("TJK"))
    done = ex.cancel(db, "brotherhood-2022", cancel, actor=rep("KGZ"))
    assert (done.cancelled_on, done.cancelled_by) == (date(2022, 10, 9), "KGZ")
    with db.read() as conn:
        assert ex.get(conn, "brotherhood-2022", actor=rep("TJK")).cancel_reason == (
            "the border conflict with Tajikistan")
        with pytest.raises(NotFound):
            ex.get(conn, "brotherhood-2022", actor=OBSERVER)
    with pytest.raises(Invalid, match="it takes no participants"):  # once cancelled
        ex.add_participant(db, "brotherhood-2022", ex.ParticipantIn(
            state="BLR", formation="Peacekeeping contingent of BLR", strength=150),
            actor=rep("BLR"))
    with db.read() as conn:
        assert conn.execute(select(t.audit_log.c.actor).where(
            t.audit_log.c.action == "exercise.cancel")).scalar_one() == "rep-kgz"
