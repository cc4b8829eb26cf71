"""A national system keeps its copy of everything its state reads through the change feed
(`/api/v1/changes`): each record created, changed, re-marked wider is said `changed`; one
re-marked narrower, away from the state, is said `gone` (its kind and id, nothing else);
what the state never read, and what changes while a record is kept from it, is never said
and moves no cursor."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from phalanx.services.db import Database
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def poll(api: TestClient, auth: dict[str, str], after: int | None,
         **params: Any) -> tuple[list[tuple[str, str, str]], int]:
    r = api.get("/api/v1/changes", headers=auth,
                params={**params, **({} if after is None else {"after": after})})
    assert r.status_code == 200, r.text
    return ([(c["kind"], c["id"], c["change"]) for c in r.json()],
            int(r.headers["X-Change-Cursor"]))


def document(api: TestClient, auth: dict[str, str], owner: str, **marking: Any) -> int:
    r = api.post("/api/v1/documents", headers=auth, json={
        "owner_kind": "state", "owner": owner, "title": "Border situation",
        "marking": "ORGANIZATION", **marking})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def remark(api: TestClient, auth: dict[str, str], doc: int, **marking: Any) -> None:
    version = api.get(f"/api/v1/documents/{doc}", headers=auth).json()["version"]
    r = api.post(f"/api/v1/documents/{doc}/marking", headers=auth, json={
        "version": version, "reason": "as agreed", "participants": [], **marking})
    assert r.status_code == 200, r.text


def test_a_record_restricted_away_is_said_gone_and_nothing_more(
        api: TestClient, db: Database) -> None:
    kaz, rus, kgz = bearer(db, "rep-kaz"), bearer(db, "rep-rus"), bearer(db, "rep-kgz")
    assert poll(api, kaz, None) == ([], 0)
    _, start = poll(api, kaz, None)
    doc = document(api, rus, "RUS")
    crisis = api.post("/api/v1/crises", headers=kaz, json={
        "title": "Flood", "category": "natural_disaster", "affected": ["KAZ"]})
    assert crisis.status_code == 201, crisis.text
    cid = str(crisis.json()["id"])
    said, cursor = poll(api, kaz, start)
    assert said == [("document", str(doc), "changed"), ("crisis", cid, "changed")]
    r = api.get("/api/v1/changes", headers=kaz, params={"after": start})
    assert [c["path"] for c in r.json()] == [f"/documents/{doc}", f"/crises/{cid}"]
    assert poll(api, kaz, cursor) == ([], cursor)
    # restricted away from KAZ: said gone, once, with nothing but its kind and id
    remark(api, rus, doc, marking="PARTICIPANTS", participants=["RUS"])
    said, gone_at = poll(api, kaz, cursor)
    assert said == [("document", str(doc), "gone")] and gone_at > cursor
    item = api.get("/api/v1/changes", headers=kaz, params={"after": cursor}).json()[0]
    assert item == {"cursor": gone_at, "kind": "document", "id": str(doc),
                    "change": "gone", "path": None}
    # changed while kept from KAZ (re-marked for others too): neither said nor moving
    # the cursor, whichever cursor KAZ polls from
    remark(api, rus, doc, marking="PARTICIPANTS", participants=["RUS", "KGZ"])
    assert poll(api, kaz, gone_at) == ([], gone_at)
    assert poll(api, kaz, None)[1] == gone_at
    said, _ = poll(api, kaz, start)
    assert said == [("crisis", cid, "changed"), ("document", str(doc), "gone")]
    # released to the members again: changed
    remark(api, rus, doc, marking="ORGANIZATION")
    said, wider = poll(api, kaz, gone_at)
    assert said == [("document", str(doc), "changed")] and wider > gone_at
    # another state's restricted records never reach the feed, nor its cursor
    hidden = document(api, kgz, "KGZ", marking="NATIONAL")
    remark(api, kgz, hidden, marking="PARTICIPANTS", participants=["KGZ", "ARM"])
    assert poll(api, kaz, wider) == ([], wider)
    assert poll(api, kaz, None)[1] == wider
    assert all(i != str(hidden) for _, i, _ in poll(api, kaz, 0)[0])


def test_the_feed_pages_in_commit_order_without_missing_any(api: TestClient,
                                                          db: Database) -> None:
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    _, start = poll(api, kaz, None)
    docs = [document(api, rus, "RUS") for _ in range(5)]
    seen: list[str] = []
    cursor = start
    while True:
        said, nxt = poll(api, kaz, cursor, limit=2)
        if not said:
            assert nxt == cursor
            break
        assert len(said) <= 2 and nxt > cursor
        seen += [i for _, i, _ in said]
        cursor = nxt
    assert seen == [str(d) for d in docs]
    # only the kinds asked for
    assert poll(api, kaz, start, kind="crisis") == ([], start)
    assert api.get("/api/v1/changes", headers=kaz,
                   params={"kind": "audit"}).headers["content-type"].startswith(
        "application/problem+json")


def test_a_decision_published_then_restricted_is_gone_for_the_observer(
        api: TestClient, db: Database) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.integration.test_api_changes import adopt

    sec, obs, kaz = bearer(db, "secretariat"), bearer(db, "observer"), bearer(db, "rep-kaz")
    _, seen = poll(api, obs, None)
    _, kaz_start = poll(api, kaz, None)
    session = api.post("/api/v1/sessions", headers=sec, json={
        "body": "csc", "kind": "extraordinary", "mode": "in_person",
        "opens_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()})
    assert session.status_code == 201, session.text
    decision = str(adopt(api, db, session.json()["id"]))
    assert poll(api, obs, seen) == ([], seen)  # adopted for the members only
    assert api.post(f"/api/v1/decisions/{decision}/publish", headers=sec).status_code == 200
    said, published = poll(api, obs, seen)
    assert said == [("decision", decision, "changed")]
    r = api.post(f"/api/v1/decisions/{decision}/marking", headers=sec, json={
        "marking": "ORGANIZATION", "reason": "published by mistake"})
    assert r.status_code == 200, r.text
    said, restricted = poll(api, obs, published)
    assert said == [("decision", decision, "gone")] and restricted > published
    # the members read it all along: each change said, the draft and the session too
    said = poll(api, kaz, kaz_start)[0]
    assert ("decision", decision, "changed") in said
    assert ("session", str(session.json()["id"]), "changed") in said
    assert all(c == "changed" for _, _, c in said)


def test_a_draft_restricted_by_its_limited_format_adoption_is_gone_for_who_stayed_out(
        api: TestClient, db: Database) -> None:
    """A decision in a limited format is read by its participants only (CSTO: the body's
    rules), and so is its draft from then on: a member that stayed out is told the draft
    is gone, and is never told of the decision."""
    from sqlalchemy import select, update

    from phalanx.adapters.db import tables as t
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import decisions as dec
    from tests.integration.test_draft_pages import SEC, rep, session

    with db.write(SYSTEM) as w:  # a dataset whose limited-format decisions are kept so
        rules = w.conn.execute(select(t.body.c.rules).where(t.body.c.key == "csc")).scalar_one()
        rules = {**rules, "limited_format": {**rules["limited_format"],
                                             "readers": "participants"}}
        w.conn.execute(update(t.body).where(t.body.c.key == "csc").values(rules=rules))
        w.audit("test.rules", "body", "csc", {"limited_format.readers": "participants"})
    kaz = bearer(db, "rep-kaz")
    m = session(db)
    d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id, title="On a group",
                                          text_en="The Council decides."), actor=SEC)
    _, before = poll(api, kaz, None)
    assert api.get(f"/api/v1/drafts/{d.id}", headers=kaz).status_code == 200
    for s in d.stances:
        if s.standing.value == "full":
            dec.record_attendance(db, m.id, s.state, True, actor=SEC)
            dec.state_position(db, d.id, Position.NOT_TAKING_PART if s.state == "KAZ"
                               else Position.SUPPORT, actor=rep(s.state))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert api.get(f"/api/v1/drafts/{d.id}", headers=kaz).status_code == 404
    said, after = poll(api, kaz, before)
    assert ("draft", str(d.id), "gone") in said and after > before
    assert not [k for k, i, _ in said if k == "decision"], closed


def test_the_document_register_pages_as_the_other_lists(api: TestClient,
                                                        db: Database) -> None:
    """A national system mirrors every list alike: the header X-Total-Count."""
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    for _ in range(3):
        document(api, rus, "RUS")
    document(api, rus, "RUS", marking="NATIONAL")  # not RUS's to show KAZ
    r = api.get("/api/v1/documents", headers=kaz, params={"limit": 2})
    assert r.status_code == 200, r.text
    assert r.headers["X-Total-Count"] == "3" == str(r.json()["total"])
    assert len(r.json()["items"]) == 2
