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
