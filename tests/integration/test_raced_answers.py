"""A write the database refuses because it met another at the same moment (PostgreSQL's
deadlock, serialization failure or unique violation; SQLite's busy database) was rolled
back whole: the API answers 409 with a problem saying to try again, in the reader's
language, not 500; any other database error stays a server error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app


def _busy() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorname = "SQLITE_BUSY"  # as sqlite3 sets it
    return error


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[tuple[TestClient, str]]:
    token = api_tokens.issue_token(accounts_db, "rep-kaz", actor=SYSTEM).token
    with TestClient(create_app(settings, accounts_db), raise_server_exceptions=False) as c:
        yield c, token


@pytest.mark.parametrize("orig", [psycopg.errors.DeadlockDetected("deadlock detected"),
                                  psycopg.errors.SerializationFailure("could not serialize"),
                                  psycopg.errors.UniqueViolation("duplicate key"),
                                  _busy()], ids=["deadlock", "serialization", "unique", "busy"])
def test_a_raced_write_answers_409_and_says_to_try_again(
        client: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch, orig: Any) -> None:
    c, token = client

    def raced(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("UPDATE crisis ...", {}, orig)

    monkeypatch.setattr(crises, "offer_assistance", raced)
    for lang, words in (("en", "try again"), ("ru", "попробуйте")):
        answer = c.post("/api/v1/requests/1/offers", json={
            "kind": "aid", "description": "x", "quantity": 1},
            headers={"Authorization": f"Bearer {token}", "Accept-Language": lang})
        assert answer.status_code == 409, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert words in answer.json()["detail"].lower(), answer.text


def test_any_other_database_error_stays_a_server_error(
        client: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch) -> None:
    c, token = client

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("SELECT ...", {}, psycopg.errors.UndefinedTable("no table"))

    monkeypatch.setattr(crises, "offer_assistance", broken)
    answer = c.post("/api/v1/requests/1/offers", json={
        "kind": "aid", "description": "x", "quantity": 1},
        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 500
