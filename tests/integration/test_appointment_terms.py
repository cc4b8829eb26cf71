"""A representative's appointment has a term: the administrator sets the last day its
account acts for its state (API, CLI; audited). From the day after, the account acts for
no one and reads what the public reads, on its open sessions and tokens too; a new term
gives it back."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.config import Settings, get_settings
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer

NOTE = {"owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL", "title": "a note",
        "kind": "report", "body": "text", "language": "en"}

CRISIS = {"title": "Flooding in Almaty region", "category": "natural_disaster",
          "affected": ["KAZ"], "severity": "moderate", "place": "Almaty", "lat": 43.24,
          "lon": 76.89}


def _keys(rows: list[dict[str, object]]) -> set[object]:
    return {r["key"] for r in rows}


def test_after_its_term_a_representative_acts_for_no_one(accounts_db: Database,
                                                         settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    admin, rep = bearer(accounts_db, "admin"), bearer(accounts_db, "rep-kaz")
    before = _keys(client.get("/api/v1/joint-exercises", headers=rep).json())
    with accounts_db.read() as conn:
        today = orgs.today(conn)  # the day where the Secretariat sits
    r = client.patch("/api/v1/users/rep-kaz", headers=admin,
                     json={"acts_until": today.isoformat()})
    assert r.status_code == 200 and r.json()["appointed"], r.text  # its last day: today
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 201

    r = client.patch("/api/v1/users/rep-kaz", headers=admin,
                     json={"acts_until": (today - timedelta(days=1)).isoformat()})
    assert r.status_code == 200, r.text
    assert (r.json()["appointed"], r.json()["acts_until"]) == (
        False, (today - timedelta(days=1)).isoformat())
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 403
    refused = client.post("/api/v1/crises", headers=rep, json=CRISIS)  # the same token
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == (f"rep-kaz's appointment to act for KAZ ended on "
                                        f"{today - timedelta(days=1)}")
    public = _keys(client.get("/api/v1/joint-exercises", headers=rep).json())
    assert public < before  # the ORGANIZATION records are no longer its
    assert client.get("/api/v1/forces/units", headers=rep).json() == []
    assert client.get("/api/v1/me", headers=rep).json()["appointed"] is False

    r = client.patch("/api/v1/users/rep-kaz", headers=admin, json={"acts_until": None})
    assert r.status_code == 200 and r.json()["appointed"], r.text
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 201
    with accounts_db.read() as conn:
        terms = [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "user.term").order_by(t.audit_log.c.id)).scalars()]
    assert [x["to"] for x in terms] == [today.isoformat(),
                                        (today - timedelta(days=1)).isoformat(), None]


def test_a_term_to_the_last_day_a_date_holds_reads_the_change_feed(
        accounts_db: Database, settings: Settings) -> None:
    # 9999-12-31 typed for "no end": the feed counted the day after it and answered 500
    client = TestClient(create_app(settings, accounts_db))
    admin, rep = bearer(accounts_db, "admin"), bearer(accounts_db, "rep-kaz")
    r = client.patch("/api/v1/users/rep-kaz", headers=admin, json={"acts_until": "9999-12-31"})
    assert r.status_code == 200 and r.json()["appointed"], r.text
    doc = client.post("/api/v1/documents", headers=rep, json=NOTE)
    assert doc.status_code == 201, doc.text
    feed = client.get("/api/v1/changes", headers=rep, params={"after": 0, "limit": 1000})
    assert feed.status_code == 200, feed.text
    assert str(doc.json()["id"]) in {c["id"] for c in feed.json() if c["kind"] == "document"}


def test_a_term_is_for_a_states_user_and_a_change_names_what(accounts_db: Database,
                                                            settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    admin = bearer(accounts_db, "admin")
    r = client.patch("/api/v1/users/planner", headers=admin, json={"acts_until": "2030-01-01"})
    assert r.status_code == 422 and "does not act for a state" in r.text, r.text
    r = client.patch("/api/v1/users/rep-kaz", headers=admin, json={})
    assert r.status_code == 422 and "nothing to change" in r.text, r.text
    r = client.patch("/api/v1/users/nobody", headers=admin, json={"acts_until": "2030-01-01"})
    assert r.status_code == 404, r.text
    r = client.patch("/api/v1/users/rep-kaz", headers=bearer(accounts_db, "secretariat"),
                     json={"acts_until": "2030-01-01"})
    assert r.status_code == 403, r.text


def test_the_command_line_sets_a_term(accounts_db: Database, monkeypatch, tmp_path) -> None:
    from phalanx.cli.main import app as cli

    monkeypatch.setenv("PHALANX_DATABASE_URL", str(accounts_db.engine.url))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(cli, ["users", "term", "rep-kaz", "2020-05-31"])
        assert r.exit_code == 0, r.output
        with accounts_db.read() as conn:
            p = identity.principal(conn, "rep-kaz")
        assert (p.acts_until.isoformat() if p.acts_until else None, p.appointed) == (
            "2020-05-31", False)
        r = runner.invoke(cli, ["users", "term", "rep-kaz", "31.05.2020"])
        assert r.exit_code == 2 and "is not a date" in r.output, r.output
        r = runner.invoke(cli, ["users", "term", "rep-kaz", "none"])
        assert r.exit_code == 0, r.output
    finally:
        get_settings.cache_clear()


def test_the_header_says_the_appointment_ended(accounts_db: Database,
                                               settings: Settings) -> None:
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import state_users
    from tests.support.sessions import login

    client = TestClient(create_app(settings, accounts_db))
    login(client, "rep-kaz", "demo-rep-kaz")
    assert "appointment ended" not in client.get("/inbox?lang=en").text
    state_users.set_term(accounts_db, "rep-kaz", now().date() - timedelta(days=1),
                         actor=SYSTEM)
    assert "(appointment ended)" in client.get("/inbox?lang=en").text
    assert "(полномочия истекли)" in client.get("/inbox?lang=ru").text
