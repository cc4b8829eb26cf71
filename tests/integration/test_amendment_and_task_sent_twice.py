"""An amendment proposed a second time while the first is still before the chair, and an
implementation task assigned a second time (a form sent twice, a call retried without its
`Idempotency-Key`), are refused (409 naming the first) and nothing is written; changed in
anything, it is another one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import clock
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login


@pytest.fixture
def client(records_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, records_db)) as c:
        yield c


def _count(db: Database, table: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _wednesday() -> datetime:
    day = (clock.now() + timedelta(days=3)).date()
    day += timedelta(days=(2 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def test_the_same_amendment_proposed_twice_is_put_to_the_chair_once(
        client: TestClient, records_db: Database) -> None:
    sec = bearer(records_db, "secretariat")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "written", "title": "On the retry statement",
        "text_en": "To adopt the statement.", "deadline": _wednesday().isoformat()})
    assert r.status_code == 201, r.text
    draft = r.json()["id"]
    kaz = bearer(records_db, "rep-kaz")
    amendment = {"against_version": 1, "text_en": "To adopt the joint statement."}
    first = client.post(f"/api/v1/drafts/{draft}/amendments", headers=kaz, json=amendment)
    assert first.status_code == 201, first.text
    audit = _count(records_db, t.audit_log)
    r = client.post(f"/api/v1/drafts/{draft}/amendments", headers=kaz, json=amendment)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"] == (f"KAZ proposes this amendment already (amendment "
                                  f"{first.json()['id']})")
    r = client.post(f"/api/v1/drafts/{draft}/amendments", json=amendment,
                    headers={**kaz, "Accept-Language": "ru"})
    assert r.json()["detail"] == (f"KAZ уже предлагает эту поправку (поправка "
                                  f"{first.json()['id']})")
    assert _count(records_db, t.audit_log) == audit
    # another member's, or another text: another amendment
    arm = client.post(f"/api/v1/drafts/{draft}/amendments", json=amendment,
                      headers=bearer(records_db, "rep-blr"))
    assert arm.status_code == 201, arm.text
    assert client.post(f"/api/v1/drafts/{draft}/amendments", headers=kaz, json={
        **amendment, "text_en": "To adopt it."}).status_code == 201


def test_the_same_task_assigned_twice_is_kept_once(
        client: TestClient, records_db: Database) -> None:
    sec = bearer(records_db, "secretariat")
    decision = client.get("/api/v1/decisions", headers=sec).json()[0]["id"]
    due = (date.today() + timedelta(days=30)).isoformat()
    task = {"assignee_kind": "state", "assignee": "KAZ", "title": "Report on the retry",
            "due_on": due}
    first = client.post(f"/api/v1/decisions/{decision}/tasks", headers=sec, json=task)
    assert first.status_code == 201, first.text
    tasks, audit = _count(records_db, t.task), _count(records_db, t.audit_log)
    r = client.post(f"/api/v1/decisions/{decision}/tasks", headers=sec, json=task)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (f"task {first.json()['id']} asks this already of KAZ by "
                                  f"{due}")
    r = client.post(f"/api/v1/decisions/{decision}/tasks", json=task,
                    headers={**sec, "Accept-Language": "ru"})
    day = date.fromisoformat(due)
    assert r.json()["detail"] == (f"задача {first.json()['id']} уже поручает это KAZ со "
                                  f"сроком {day:%d.%m.%Y}")
    assert (_count(records_db, t.task), _count(records_db, t.audit_log)) == (tasks, audit)
    # the form sent twice: the page says so beside the form
    login(client, "secretariat", "demo-secretariat")
    page = client.get("/tasks").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    again = client.post("/tasks", data={
        "csrf_token": token, "decision_id": str(decision), "assignee": "state:KAZ",
        "title": "Report on the retry", "due_on": due}, follow_redirects=False)
    assert again.status_code == 409, again.text
    assert f"Task {first.json()['id']} asks this already of KAZ by {due}" in again.text
    assert _count(records_db, t.task) == tasks
    # another day is another task
    assert client.post(f"/api/v1/decisions/{decision}/tasks", headers=sec, json={
        **task, "due_on": (date.today() + timedelta(days=60)).isoformat()}).status_code == 201


def test_the_same_session_convened_twice_calls_the_members_once(
        client: TestClient, records_db: Database) -> None:
    sec = bearer(records_db, "secretariat")
    opens = _wednesday().isoformat()
    session = {"body": "permanent-council", "opens_at": opens, "place": "Moscow"}
    first = client.post("/api/v1/sessions", headers=sec, json=session)
    assert first.status_code == 201, first.text
    meetings, audit = _count(records_db, t.meeting), _count(records_db, t.audit_log)
    r = client.post("/api/v1/sessions", headers=sec, json=session)
    assert r.status_code == 409, r.text
    day = _wednesday().strftime("%Y-%m-%d")
    assert r.json()["detail"] == (f"session {first.json()['id']} of permanent-council is "
                                  f"convened already for {day} 12:00 UTC")
    r = client.post("/api/v1/sessions", json=session,
                    headers={**sec, "Accept-Language": "ru"})
    assert r.json()["detail"].startswith(
        f"заседание {first.json()['id']} органа «Постоянный совет"), r.text
    assert (_count(records_db, t.meeting), _count(records_db, t.audit_log)) == (meetings,
                                                                                audit)
    # another hour, or an exercise's session at that moment, is another session
    assert client.post("/api/v1/sessions", headers=sec, json={
        **session, "opens_at": (_wednesday() + timedelta(hours=2)).isoformat()}
        ).status_code == 201
    assert client.post("/api/v1/sessions", headers=sec, json={
        **session, "exercise": True}).status_code == 201


def test_the_same_exercise_and_formation_sent_twice_are_registered_once(
        client: TestClient, records_db: Database) -> None:
    sec = bearer(records_db, "secretariat")
    plan = {"name": "Frontier-2031", "series": "frontier", "start": "2031-09-10",
            "end": "2031-09-20", "host": "KGZ"}
    first = client.post("/api/v1/joint-exercises", headers=sec, json=plan)
    assert first.status_code == 201, first.text
    key = first.json()["key"]
    exercises, audit = _count(records_db, t.joint_exercise), _count(records_db, t.audit_log)
    r = client.post("/api/v1/joint-exercises", headers=sec, json=plan)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == (f"exercise {key} is planned already with this name, host "
                                  "and days")
    r = client.post("/api/v1/joint-exercises", json=plan,
                    headers={**sec, "Accept-Language": "ru"})
    assert r.json()["detail"] == (f"учение {key} уже запланировано с тем же названием, "
                                  "принимающим государством и сроками")
    assert (_count(records_db, t.joint_exercise), _count(records_db, t.audit_log)) == (
        exercises, audit)
    # a state's formation committed twice: its strength is counted once
    kgz = bearer(records_db, "rep-kgz")
    part = {"state": "KGZ", "formation": "CRDF CAR", "strength": 300}
    assert client.post(f"/api/v1/joint-exercises/{key}/participants", headers=kgz,
                       json=part).status_code == 201
    r = client.post(f"/api/v1/joint-exercises/{key}/participants", headers=kgz, json=part)
    assert r.status_code == 409, r.text
    assert r.json()["detail"] == f"KGZ takes part already in exercise {key} with CRDF CAR"
    assert _count(records_db, t.exercise_participant) == 1 + _count_others(records_db, key)
    # another year's exercise is another one
    assert client.post("/api/v1/joint-exercises", headers=sec, json={
        **plan, "start": "2032-09-10", "end": "2032-09-20"}).status_code == 201


def _count_others(db: Database, key: str) -> int:
    x, p = t.joint_exercise.c, t.exercise_participant.c
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(
            t.exercise_participant.join(t.joint_exercise, x.id == p.exercise_id))
            .where(x.key != key)).scalar_one())


def test_an_exercise_cancelled_may_be_planned_again(
        client: TestClient, records_db: Database) -> None:
    """A cancellation is never undone: an exercise cancelled (by its host, or in error)
    and then held after all is planned again with its name, host and days, not refused as
    'planned already' by the cancelled one."""
    sec = bearer(records_db, "secretariat")
    plan = {"name": "Frontier-2033", "series": "frontier", "start": "2033-09-10",
            "end": "2033-09-20", "host": "KGZ"}
    first = client.post("/api/v1/joint-exercises", headers=sec, json=plan)
    assert first.status_code == 201, first.text
    key = first.json()["key"]
    r = client.post(f"/api/v1/joint-exercises/{key}/cancel", headers=bearer(
        records_db, "rep-kgz"), json={"reason": "floods at the training ground"})
    assert r.status_code == 200, r.text
    again = client.post("/api/v1/joint-exercises", headers=sec, json=plan)
    assert again.status_code == 201, again.text
    assert again.json()["key"] != key and again.json()["cancelled_on"] is None
    r = client.post("/api/v1/joint-exercises", headers=sec, json=plan)  # sent twice
    assert r.status_code == 409 and again.json()["key"] in r.json()["detail"], r.text
