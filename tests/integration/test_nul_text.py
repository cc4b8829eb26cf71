"""The NUL character in a request's text (a JSON field, a form's field, a query, the path)
is refused with 422 naming where, on both databases alike: PostgreSQL holds no NUL in a
text column (the request failed there with a server error, and passed on SQLite), and
nothing is stored."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _count(db: Database, table: str) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(
            t.metadata.tables[table])).scalar_one())


def _refused(r: object, where: str) -> None:
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    problem = r.json()  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert problem["errors"] == [{"where": where, "message":
                                  "the character U+0000 (NUL) is not accepted in a text"}]


def test_a_text_holding_nul_is_refused_naming_where(db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, db), raise_server_exceptions=False)
    kaz = bearer(db, "rep-kaz")
    documents, crises = _count(db, "document"), _count(db, "crisis")
    _refused(client.post("/api/v1/documents", headers=kaz, json={
        "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL", "title": "a\x00b",
        "kind": "report", "body": "text", "language": "en"}), "body.title")
    _refused(client.post("/api/v1/crises", headers=kaz, json={
        "title": "Floods", "category": "natural_disaster", "affected": ["KAZ"],
        "description": ["not", "a text"], "place": {"x\x00": 1}}), "body.place")
    _refused(client.get("/api/v1/documents", headers=kaz, params={"q": "a\x00b"}), "query.q")
    _refused(client.get("/api/v1/mtc/supplies/kaz-a%00b", headers=kaz), "path")
    assert (_count(db, "document"), _count(db, "crisis")) == (documents, crises)
    # a page's form alike
    login(client, "secretariat", "demo-secretariat")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/sessions").text).group(1)  # type: ignore[union-attr]
    meetings = _count(db, "meeting")
    _refused(client.post("/sessions", data={
        "body": "csc", "opens_at": "2026-12-20T10:00", "place": "Minsk\x00",
        "csrf_token": token}), "body.place")
    assert _count(db, "meeting") == meetings
    # the same texts without it are taken
    r = client.post("/api/v1/documents", headers=kaz, json={
        "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL", "title": "a b",
        "kind": "report", "body": "text", "language": "en"})
    assert r.status_code == 201 and _count(db, "document") == documents + 1
    assert client.get("/api/v1/documents", headers=kaz, params={"q": "a b"}).status_code == 200
