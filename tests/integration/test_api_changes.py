"""A national system polls for what changed since its last poll: the board's
X-Change-Cursor, then `changed_after`, answers only the crises changed since, and only
those its state may read (another state's restricted crisis moves no cursor)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.services.db import Database
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def crisis(state: str, **more: object) -> dict[str, object]:
    return {"title": f"Flood in {state}", "category": "natural_disaster", "affected": [state],
            **more}


def poll(api: TestClient, auth: dict[str, str], after: int | None) -> tuple[list[int], int]:
    params = {} if after is None else {"changed_after": after}
    r = api.get("/api/v1/crises", params=params, headers=auth)
    assert r.status_code == 200, r.text
    return sorted(c["id"] for c in r.json()), int(r.headers["X-Change-Cursor"])


def test_only_what_changed_since_the_cursor_and_may_be_read(api: TestClient,
                                                             db: Database) -> None:
    kaz, kgz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-kgz"), bearer(db, "rep-rus")
    listed, start = poll(api, kaz, None)
    assert listed == [] and start == 0
    hidden = api.post("/api/v1/crises", headers=kgz, json=crisis(
        "KGZ", marking="PARTICIPANTS", participants=["KGZ"])).json()["id"]
    assert poll(api, kaz, start) == ([], start)
    mine = api.post("/api/v1/crises", headers=kaz, json=crisis("KAZ")).json()["id"]
    theirs = api.post("/api/v1/crises", headers=rus, json=crisis("RUS")).json()["id"]
    listed, cursor = poll(api, kaz, start)
    assert listed == [mine, theirs] and cursor > start
    assert poll(api, kaz, cursor) == ([], cursor)
    # a sitrep on one crisis, a change of the hidden one: only the one read is said
    assert api.post(f"/api/v1/crises/{mine}/sitreps", headers=kaz,
                    json={"situation": "rising"}).status_code == 201
    assert api.post(f"/api/v1/crises/{hidden}/sitreps", headers=kgz,
                    json={"situation": "rising"}).status_code == 201
    listed, later = poll(api, kaz, cursor)
    assert listed == [mine] and later > cursor
    # an ended crisis is said too: the board without the cursor shows only open ones
    r = api.post(f"/api/v1/crises/{theirs}/transition", headers=bearer(db, "secretariat"),
                 json={"to": "rejected", "reason": "handled nationally"})
    assert r.status_code == 200, r.text
    assert poll(api, kaz, later)[0] == [theirs]
    assert poll(api, kaz, None)[0] == [mine]


def decisions(api: TestClient, auth: dict[str, str], after: int | None
              ) -> tuple[list[int], int]:
    params = {} if after is None else {"changed_after": after}
    r = api.get("/api/v1/decisions", params=params, headers=auth)
    assert r.status_code == 200, r.text
    assert int(r.headers["X-Total-Count"]) == len(r.json())
    return sorted(d["id"] for d in r.json()), int(r.headers["X-Change-Cursor"])


def adopt(api: TestClient, db: Database, session: int, hidden_from: str = "") -> int:
    """A decision of the Council adopted in `session` by every member with a say present;
    with `hidden_from`, marked for the others only (that member, absent, reads only the
    decision sent to it for consideration, not the draft)."""
    sec = bearer(db, "secretariat")
    text = {"body": "csc", "meeting_id": session, "kind": "decision",
            "title": "On the exercise", "text_en": "The Council decides ..."}
    d = api.post("/api/v1/drafts", headers=sec, json=text)
    assert d.status_code == 201, d.text
    sitting = [s["state"] for s in d.json()["stances"]
               if s["standing"] == "full" and s["state"] != hidden_from]
    if hidden_from:
        d = api.post("/api/v1/drafts", headers=sec, json={
            **text, "marking": "PARTICIPANTS", "participants": sitting})
        assert d.status_code == 201, d.text
        r = api.post(f"/api/v1/sessions/{session}/attendance", headers=sec,
                     json={"state": hidden_from, "present": False})
        assert r.status_code < 300, r.text
    draft = d.json()["id"]
    for state in sitting:
        r = api.post(f"/api/v1/sessions/{session}/attendance", headers=sec,
                     json={"state": state, "present": True})
        assert r.status_code < 300, r.text
        r = api.post(f"/api/v1/drafts/{draft}/positions",
                     headers=bearer(db, f"rep-{state.lower()}"), json={"position": "support"})
        assert r.status_code < 300, r.text
    closed = api.post(f"/api/v1/drafts/{draft}/close", headers=sec)
    assert closed.status_code == 200, closed.text
    return int(closed.json()["decision_id"])


def test_the_register_answers_what_was_adopted_or_published_since(
        api: TestClient, db: Database) -> None:
    kaz, sec = bearer(db, "rep-kaz"), bearer(db, "secretariat")
    listed, start = decisions(api, kaz, None)
    assert decisions(api, kaz, start) == ([], start)
    session = api.post("/api/v1/sessions", headers=sec, json={
        "body": "csc", "kind": "extraordinary", "mode": "in_person",
        "opens_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()})  # sitting now
    assert session.status_code == 201, session.text
    sid = session.json()["id"]
    first = adopt(api, db, sid)
    second = adopt(api, db, sid)
    new, cursor = decisions(api, kaz, start)
    assert new == [first, second] and cursor > start
    assert decisions(api, kaz, cursor) == ([], cursor)
    assert decisions(api, kaz, None)[0] == sorted([*listed, first, second])
    # the exercises' register has a cursor of its own: no exercise has decided anything
    r = api.get("/api/v1/decisions", params={"exercise": "true"}, headers=kaz)
    assert r.json() == [] and r.headers["X-Change-Cursor"] == "0"
    # published: said again, alone
    r = api.post(f"/api/v1/decisions/{first}/publish", headers=sec)
    assert r.status_code == 200, r.text
    again, later = decisions(api, kaz, cursor)
    assert again == [first] and later > cursor
    # one the observer may not read (marked for some members) neither shows nor moves
    # its cursor; KAZ, absent from it, is sent it for consideration and hears of it
    obs = bearer(db, "observer")
    assert decisions(api, obs, None)[0] == [first]
    seen = decisions(api, obs, None)[1]
    hidden = adopt(api, db, sid, hidden_from="KAZ")
    assert api.get(f"/api/v1/decisions/{hidden}", headers=obs).status_code == 404
    assert decisions(api, obs, seen) == ([], seen)
    assert hidden in decisions(api, sec, later)[0]
    assert decisions(api, kaz, later)[0] == [hidden]
    assert "KAZ" in api.get(f"/api/v1/decisions/{hidden}", headers=kaz).json()[
        "for_consideration"]
