"""A member's answer sent a second time as it stands (a form sent twice on a dropping
link, a call retried without its `Idempotency-Key`): an obligation answer, a head of
state's answer in a consultation, a position on a draft. Only the latest counts, and the
same one again is refused (409, naming the first) with nothing recorded, logged or
announced again; changed in anything, it is a new answer and is kept. (A signature
answered twice is refused by the written procedure itself: "has already answered".)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from tests.support.sessions import bearer

ATTACK = {"title": "Armed attack in the Batken region", "category": "armed_attack",
          "affected": ["KGZ"]}
SEC = Principal("secretariat", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _count(db: Database, table: object, *where: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(*where)).scalar_one())


def test_the_same_obligation_answer_sent_twice_is_recorded_once(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    crisis = api.post("/api/v1/crises", json=ATTACK, headers=bearer(db, "rep-kgz")).json()["id"]
    url = f"/api/v1/crises/{crisis}/obligations/KAZ"
    forces = {"answer": "forces", "detail": "a battalion"}
    assert api.put(url, json=forces, headers=kaz).status_code == 200
    audit, events = _count(db, t.audit_log), _count(db, t.crisis_event)
    r = api.put(url, json=forces, headers=kaz)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"].startswith("KAZ's answer (forces, ")
    assert r.json()["detail"].endswith(" UTC) is recorded already")
    r = api.put(url, json=forces, headers={**kaz, "Accept-Language": "ru"})
    assert r.json()["detail"].startswith("ответ KAZ (forces, ")
    assert _count(db, t.obligation_answer) == 1
    assert (_count(db, t.audit_log), _count(db, t.crisis_event)) == (audit, events)
    # another detail is another answer; and the first one given again after it counts
    assert api.put(url, json={**forces, "detail": "two battalions"},
                   headers=kaz).status_code == 200
    assert api.put(url, json=forces, headers=kaz).status_code == 200
    assert _count(db, t.obligation_answer) == 3


def test_the_same_position_stated_twice_is_logged_once(db: Database) -> None:
    meeting = dec.convene(db, dec.MeetingIn(body="csc", opens_at=datetime(
        2023, 11, 23, 10, tzinfo=UTC)), actor=SEC)
    draft = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=meeting.id, title="On the plan",
        text_en="The Council decides:\n1. To approve the plan.\n"), actor=SEC)
    kaz = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
    dec.state_position(db, draft.id, Position.SUPPORT, "agreed", actor=kaz)
    stated = t.audit_log.c.action == "position.state"
    with pytest.raises(Conflict, match=r"KAZ's position \(support\) on version 1 is stated "
                                       r"already"):
        dec.state_position(db, draft.id, Position.SUPPORT, "agreed", actor=kaz)
    assert _count(db, t.audit_log, stated) == 1
    dec.state_position(db, draft.id, Position.SUPPORT, "agreed, with thanks", actor=kaz)
    assert _count(db, t.audit_log, stated) == 2


def test_the_same_consultation_answer_recorded_twice_is_kept_once(db: Database) -> None:
    t0 = datetime(2022, 1, 5, 18, 0, tzinfo=UTC)
    arm = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")
    with clock.use(t0 + timedelta(minutes=30)):
        d = dec.propose_draft(db, dec.DraftIn(
            body="csc", procedure="consultation", question="peacekeeping",
            title="On sending collective peacekeeping forces",
            text_en="To send collective peacekeeping forces for a limited period ...",
            measures=["military_peacekeeping"], formations=["peacekeeping"],
            contributing_states=["ARM", "BLR", "KGZ", "RUS", "TJK"], period_days=30),
            actor=SEC)
    given = dec.ConsultationAnswerIn(state="KAZ", position=Position.SUPPORT,
                                     given_at=t0 + timedelta(minutes=40))
    answered = t.audit_log.c.action == "consultation.answer"
    with clock.use(t0 + timedelta(minutes=45)):
        dec.record_answer(db, d.id, given, actor=arm)
        with pytest.raises(Conflict, match=r"KAZ's answer \(support, 2022-01-05 18:40 UTC\) "
                                           r"is recorded already"):
            dec.record_answer(db, d.id, given, actor=arm)
    assert _count(db, t.consultation_answer) == 1
    assert _count(db, t.audit_log, answered) == 1
    # the head of state called back later and said it again: a new answer, with its time
    with clock.use(t0 + timedelta(minutes=55)):
        dec.record_answer(db, d.id, given.model_copy(
            update={"given_at": t0 + timedelta(minutes=50)}), actor=arm)
    assert _count(db, t.consultation_answer) == 2
