"""The exercise's control ends it (ENDEX) or cancels one started in error, audited: its
crisis closed (or rejected) wherever it stands, its open sessions and drafts closed, its
unread notices withdrawn, its clocks stopped; its record kept for the after-action review.
A real crisis is never ended so, nor is an exercise twice; a representative may not."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.web.app import create_app
from tests.support.days import working_deadline
from tests.support.sessions import bearer, login

SEC = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)


def _open(db: Database, exercise: bool = True, hours_ago: float = 0) -> crises.CrisisOut:
    return crises.open_crisis(db, crises.CrisisIn(
        title="CPX flood" if exercise else "Flood", category="natural_disaster",
        affected=["KGZ"], place="Osh", lat=40.53, lon=72.8, exercise=exercise), actor=SEC,
        at=datetime.now(UTC) - timedelta(hours=hours_ago))


def _entries(db: Database, crisis_id: int) -> list[dict[str, object]]:
    with db.read() as conn:
        return [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "exercise.end",
            t.audit_log.c.target_id == str(crisis_id))).scalars()]


def test_endex_closes_the_exercise_and_keeps_its_record(accounts_db: Database) -> None:
    c = _open(accounts_db)
    crises.convene_consultations(accounts_db, c.id, actor=SEC)
    with accounts_db.read() as conn:
        session = crises.get(conn, c.id, actor=SEC).sessions[0]
    draft = dec.propose_draft(accounts_db, dec.DraftIn(
        body=_body(accounts_db, session), meeting_id=session, title="[EXERCISE] On aid",
        text_en="To send aid."), actor=SEC)
    done = crises.end_exercise(accounts_db, c.id, crises.ExerciseEndIn(
        how="ended", reason="the training objectives are met"), actor=PLANNER)
    assert done.stage.value == "closed"
    with accounts_db.read() as conn:
        meeting = conn.execute(select(t.meeting.c.status).where(
            t.meeting.c.id == session)).scalar_one()
        d = conn.execute(select(t.draft.c.status).where(t.draft.c.id == draft.id)).scalar_one()
        left = conn.execute(select(t.notification.c.id).where(
            t.notification.c.topic == f"crisis:{c.id}")).all()
        kept = conn.execute(select(t.crisis.c.id).where(t.crisis.c.id == c.id)).all()
    assert (meeting, d) == ("closed", "closed")
    assert left == [] and kept  # nobody told any more; nothing deleted of the record
    assert [e["how"] for e in _entries(accounts_db, c.id)] == ["ended"]
    assert _entries(accounts_db, c.id)[0]["exercise"] is True
    assert _entries(accounts_db, c.id)[0]["sessions_closed"] == [session]
    # the session and the draft closed each say so in their own entries, the exercise's
    with accounts_db.read() as conn:
        own = {(r.action, r.target_id): json.loads(r.change) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action.in_(
                ["session.closed", "draft.close"])))}
    assert own[("session.closed", str(session))] == {
        "by": "exercise.end", "crisis": c.id, "exercise": True, "from": "scheduled"}
    closing = own[("draft.close", str(draft.id))]
    assert (closing["outcome"], closing["crisis"], closing["exercise"]) == (
        "closed", c.id, True)
    assert closing["reason"] == "exercise ended (ENDEX) — the training objectives are met"
    assert any("ENDEX" in e.text for e in done.timeline)
    with pytest.raises(Conflict, match="already over"):  # once
        crises.end_exercise(accounts_db, c.id, crises.ExerciseEndIn(), actor=SEC)


def _body(db: Database, session: int) -> str:
    with db.read() as conn:
        return dec.get_meeting(conn, session, actor=SEC).body


def test_a_real_crisis_or_a_representative_or_no_reason_is_refused(
        accounts_db: Database) -> None:
    real = _open(accounts_db, exercise=False)
    with pytest.raises(Conflict, match="is real"):
        crises.end_exercise(accounts_db, real.id, crises.ExerciseEndIn(), actor=SEC)
    cpx = _open(accounts_db)
    rep = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")
    with pytest.raises(Forbidden):
        crises.end_exercise(accounts_db, cpx.id, crises.ExerciseEndIn(), actor=rep)
    with pytest.raises(Invalid, match="reason"):
        crises.end_exercise(accounts_db, cpx.id, crises.ExerciseEndIn(how="cancelled"),
                            actor=SEC)
    assert _entries(accounts_db, real.id) == _entries(accounts_db, cpx.id) == []
    with accounts_db.read() as conn:
        assert crises.get(conn, real.id, actor=SEC).stage.value == "reported"


def test_the_api_and_the_crisis_room_cancel_an_exercise_started_in_error(
        accounts_db: Database, settings: Settings) -> None:
    cpx, real = _open(accounts_db), _open(accounts_db, exercise=False)
    with TestClient(create_app(settings, accounts_db)) as client:
        auth = bearer(accounts_db, "secretariat")
        r = client.post(f"/api/v1/crises/{real.id}/exercise-end", json={}, headers=auth)
        assert r.status_code == 409 and "real" in r.json()["detail"]
        r = client.post(f"/api/v1/crises/{cpx.id}/exercise-end", json={"how": "cancelled"},
                        headers=auth)
        assert r.status_code == 422, r.text
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{cpx.id}").text
        assert 'id="exercise-end-form"' in room
        assert 'id="exercise-end-form"' not in client.get(f"/crises/{real.id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
        r = client.post(f"/crises/{cpx.id}/exercise-end", data={
            "csrf_token": token, "how": "cancelled", "reason": "opened on the live board"},
            follow_redirects=False)
        assert r.status_code == 303, r.text
        room = client.get(f"/crises/{cpx.id}", params={"lang": "ru"}).text
        assert "учения отменены: начаты по ошибке — opened on the live board" in room
        assert 'id="exercise-end-form"' not in room
        # the stage it ended on says why, and the timeline names its entry, in Russian
        final = re.search(r'<li class="current final" data-stage="rejected">([^<]+)</li>',
                          room)
        assert final is not None
        assert final.group(1).startswith("отклонён: учения отменены: начаты по ошибке — ")
        assert "<strong>окончание учений</strong>" in room
        assert "exercise cancelled" not in room and "exercise_end" not in room.replace(
            'class="exercise_end"', "")
    with accounts_db.read() as conn:
        assert crises.get(conn, cpx.id, actor=SEC).stage.value == "rejected"
    assert [e["how"] for e in _entries(accounts_db, cpx.id)] == ["cancelled"]


def test_an_exercise_played_live_escalates_on_the_timer_until_it_ends(
        accounts_db: Database) -> None:
    """The timer (`phalanx crises escalate`) escalates an exercise opened by hand as a real
    crisis, as the exercise's (its notice saying EXERCISE, its entry marked); ended, it
    escalates no more."""
    first, second = _open(accounts_db, hours_ago=3), _open(accounts_db, hours_ago=3)
    escalated = crises.escalate_overdue(accounts_db)
    assert {first.id, second.id} <= set(escalated)
    with accounts_db.read() as conn:
        change = json.loads(conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "crisis.escalate",
            t.audit_log.c.target_id == str(first.id))).scalar_one())
        subjects = list(conn.execute(select(t.notification.c.subject).where(
            t.notification.c.topic == f"crisis:{first.id}",
            t.notification.c.subject.like("%Overdue%"))).scalars())
    assert change["exercise"] is True
    assert subjects and all(s.startswith("[EXERCISE] Overdue") for s in subjects)
    crises.end_exercise(accounts_db, second.id, crises.ExerciseEndIn(), actor=SEC)
    crises.convene_consultations(accounts_db, first.id, actor=SEC,
                                 at=datetime.now(UTC) - timedelta(hours=2))
    # both overdue again: the one still played escalates, the one ended never
    later = crises.escalate_overdue(accounts_db, at=datetime.now(UTC) + timedelta(days=2))
    assert first.id in later and second.id not in later


def test_a_draft_closed_by_endex_says_so_in_the_pages_language(
        accounts_db: Database, settings: Settings) -> None:
    c = _open(accounts_db)
    crises.convene_consultations(accounts_db, c.id, actor=SEC)
    with accounts_db.read() as conn:
        session = crises.get(conn, c.id, actor=SEC).sessions[0]
    draft = dec.propose_draft(accounts_db, dec.DraftIn(
        body=_body(accounts_db, session), meeting_id=session, title="[EXERCISE] On aid",
        text_en="To send aid."), actor=SEC)
    crises.end_exercise(accounts_db, c.id, crises.ExerciseEndIn(
        how="ended", reason="objectives met"), actor=PLANNER)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        ru = client.get(f"/drafts/{draft.id}", params={"lang": "ru"}).text
        en = client.get(f"/drafts/{draft.id}", params={"lang": "en"}).text
    shown = re.search(rf'id="outcome-{draft.id}">([^<]+)</p>', ru)
    assert shown is not None and shown.group(1) == "учения завершены (ENDEX) — objectives met"
    assert "exercise ended" not in ru
    assert "exercise ended (ENDEX) — objectives met" in en


def test_a_draft_tabled_in_an_exercises_session_is_read_by_its_states_only(
        accounts_db: Database, settings: Settings) -> None:
    """Through the API, with the default marking, a draft in a session of an exercise
    marked for the states taking part is theirs: a state outside the exercise gets 404 as
    for the session and the crisis."""
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="CPX flood", category="natural_disaster", affected=["KGZ"], place="Osh",
        lat=40.53, lon=72.8, exercise=True, marking="PARTICIPANTS",
        participants=["KAZ", "KGZ"]), actor=SEC)
    crises.convene_consultations(accounts_db, c.id, actor=SEC)
    with accounts_db.read() as conn:
        session = crises.get(conn, c.id, actor=SEC).sessions[0]
    with TestClient(create_app(settings, accounts_db)) as client:
        r = client.post("/api/v1/drafts", headers=bearer(accounts_db, "secretariat"), json={
            "body": _body(accounts_db, session), "meeting_id": session,
            "title": "[EXERCISE] On aid", "text_en": "To send aid."})
        assert r.status_code == 201, r.text
        draft = r.json()["id"]
        assert r.json()["marking"] == "PARTICIPANTS"
        for user, status in (("rep-rus", 404), ("rep-kaz", 200), ("rep-kgz", 200)):
            got = client.get(f"/api/v1/drafts/{draft}", headers=bearer(accounts_db, user))
            assert got.status_code == status, (user, got.text)
            crisis = client.get(f"/api/v1/crises/{c.id}", headers=bearer(accounts_db, user))
            assert crisis.status_code == status, user


def test_endex_withdraws_the_unread_notices_of_its_drafts(accounts_db: Database) -> None:
    """A notice queued about an exercise's draft (a silence broken) is withdrawn with the
    crisis's; one about a draft of no exercise stays."""
    c = _open(accounts_db)
    crises.convene_consultations(accounts_db, c.id, actor=SEC)
    with accounts_db.read() as conn:
        session = crises.get(conn, c.id, actor=SEC).sessions[0]
    body = _body(accounts_db, session)
    played = dec.propose_draft(accounts_db, dec.DraftIn(
        body=body, meeting_id=session, title="[EXERCISE] On aid", text_en="To send aid."),
        actor=SEC)
    real = dec.propose_draft(accounts_db, dec.DraftIn(
        body=body, procedure="written", title="On the budget", text_en="To adopt it.",
        deadline=working_deadline(3)), actor=SEC)
    with accounts_db.engine.begin() as conn:
        for d in (played.id, real.id):
            conn.execute(t.notification.insert().values(
                created_at=datetime.now(UTC), recipient="rep-kaz", channel="email",
                subject=f"Silence broken: {d}", body="-", topic=f"draft:{d}", attempts=0))
    crises.end_exercise(accounts_db, c.id, crises.ExerciseEndIn(), actor=SEC)
    with accounts_db.read() as conn:
        topics = set(conn.execute(select(t.notification.c.topic).where(
            t.notification.c.topic.like("draft:%"))).scalars())
    assert topics == {f"draft:{real.id}"}


def test_endex_closes_the_drafts_in_its_crisis_s_file(accounts_db: Database) -> None:
    """A draft of another of the exercise's sessions, tied to the exercise's crisis by the
    Secretariat, is the exercise's too: ENDEX closes it with the crisis's own."""
    from phalanx.services import crisis_drafts

    c = _open(accounts_db)
    m = dec.convene(accounts_db, dec.MeetingIn(
        body="csc", opens_at=datetime.now(UTC) + timedelta(days=40), exercise=True),
        actor=SEC)
    draft = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="[EXERCISE] On aid", text_en="To send aid."),
        actor=SEC)
    crisis_drafts.tie(accounts_db, c.id, draft.id, "the exercise's draft on aid", actor=SEC)
    crises.end_exercise(accounts_db, c.id, crises.ExerciseEndIn(how="ended"), actor=SEC)
    with accounts_db.read() as conn:
        status = conn.execute(select(t.draft.c.status).where(
            t.draft.c.id == draft.id)).scalar_one()
    assert status == "closed"
    assert _entries(accounts_db, c.id)[0]["drafts_closed"] == [draft.id]
