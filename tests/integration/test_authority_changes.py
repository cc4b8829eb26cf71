"""A change of a member state's authorities: the Secretariat records it with its day and
source (API, CLI; audited); an unconstitutional one ends, from its day, the appointments
of the state's users made before it, on their open tokens too, until the administrator
records that the authorities in power confirm them. A constitutional one ends none."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.config import Settings, get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import identity, state_users
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import translate
from tests.support.sessions import bearer

NOTE = {"owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL", "title": "a note",
        "kind": "report", "body": "text", "language": "en"}
CRISIS = {"title": "Flooding in Almaty region", "category": "natural_disaster",
          "affected": ["KAZ"], "severity": "moderate", "place": "Almaty", "lat": 43.24,
          "lon": 76.89}


def _change(since: str, constitutional: bool = False) -> dict[str, object]:
    return {"since": since, "authorities": "a provisional council", "source": "its decree",
            "constitutional": constitutional}


def _audit(db: Database, action: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == action).order_by(t.audit_log.c.id)).scalars()]


def test_an_unconstitutional_change_ends_the_appointments_made_before_it(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec, admin = bearer(accounts_db, "secretariat"), bearer(accounts_db, "admin")
    rep = bearer(accounts_db, "rep-kaz")
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 201
    # the reporter's term ended yesterday: the change ends nothing of it
    state_users.set_term(accounts_db, "reporter-kaz", today - timedelta(days=1),
                         actor=SYSTEM)

    r = client.post("/api/v1/states/KAZ/authorities", headers=sec, json=_change(str(today)))
    assert r.status_code == 201, r.text
    assert (r.json()["state"], r.json()["recorded_by"]) == ("KAZ", "secretariat")
    assert r.json()["recorded_at"].endswith("Z") or "+00:00" in r.json()["recorded_at"]
    assert _audit(accounts_db, "state.authorities")[0]["appointments_lapsed"] == ["rep-kaz"]
    # the same token now acts for no one and reads what the public reads
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 403
    refused = client.post("/api/v1/crises", headers=rep, json=CRISIS)
    assert refused.status_code == 403, refused.text
    assert refused.json()["detail"] == (
        f"rep-kaz's appointment to act for KAZ lapsed on {today}, when its authorities "
        "changed outside the constitution; the authorities in power have not confirmed it")
    me = client.get("/api/v1/me", headers=rep).json()
    assert (me["appointed"], me["lapsed_on"]) == (False, str(today))
    assert client.get("/api/v1/forces/units", headers=rep).json() == []
    # another state's representative is untouched
    assert client.get("/api/v1/me", headers=bearer(accounts_db, "rep-arm")).json()[
        "appointed"] is True
    # anyone reads who holds power
    listed = client.get("/api/v1/states/KAZ/authorities", headers=rep).json()
    assert [(x["since"], x["constitutional"]) for x in listed] == [(str(today), False)]
    assert listed[0]["recorded_by"] == "secretariat"
    # a visitor who has not signed in learns no account's name from it
    public = client.get("/api/v1/states/KAZ/authorities").json()
    assert [(x["since"], x["recorded_by"]) for x in public] == [(str(today), None)]

    # the authorities in power confirm it: it acts again
    r = client.post("/api/v1/users/rep-kaz/confirm", headers=admin)
    assert r.status_code == 200 and r.json()["appointed"], r.text
    assert r.json()["lapsed_on"] is None
    assert client.post("/api/v1/documents", headers=rep, json=NOTE).status_code == 201
    assert client.post("/api/v1/users/rep-kaz/confirm", headers=admin).status_code == 200
    assert [x["username"] for x in _audit(accounts_db, "user.confirm")] == ["rep-kaz"]
    with accounts_db.read() as conn:  # the reporter was not confirmed
        assert identity.principal(conn, "reporter-kaz").lapsed_on == today
    # an account made under the authorities in power stands
    identity.add_user(accounts_db, identity.NewUser(
        "rep-kaz-new", "a long unguessable passphrase 7", identity.Role.REPRESENTATIVE,
        "KAZ"), actor=identity.ANONYMOUS)
    with accounts_db.read() as conn:
        assert identity.principal(conn, "rep-kaz-new").appointed


def test_a_constitutional_change_and_one_to_come_end_nothing(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec, rep = bearer(accounts_db, "secretariat"), bearer(accounts_db, "rep-kaz")
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec,
                    json=_change(str(today - timedelta(days=3)), constitutional=True))
    assert r.status_code == 201, r.text
    # power taken outside the constitution is never announced: not recorded ahead of its
    # day, so that no one's appointment is set to end ahead of it; nothing written
    tomorrow = str(today + timedelta(days=1))
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec, json=_change(tomorrow))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["where"] == "since"
    assert f"is recorded once it has happened: {tomorrow} is after today" in r.text
    assert len(_audit(accounts_db, "state.authorities")) == 1
    assert "когда она уже произошла" in translate(r.json()["errors"][0]["message"], "ru")
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec,
                    json=_change(tomorrow, constitutional=True))
    assert r.status_code == 201, r.text  # an inauguration set for tomorrow: nothing ends
    assert client.get("/api/v1/me", headers=rep).json()["appointed"] is True
    assert _audit(accounts_db, "state.authorities")[0]["appointments_lapsed"] == []


def test_what_is_refused_and_by_whom(accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    sec, admin = bearer(accounts_db, "secretariat"), bearer(accounts_db, "admin")
    rep = bearer(accounts_db, "rep-kaz")
    day = "2020-03-01"
    assert client.post("/api/v1/states/KAZ/authorities", headers=rep,
                       json=_change(day)).status_code == 403
    assert client.post("/api/v1/states/XXX/authorities", headers=sec,
                       json=_change(day)).status_code == 404
    no_source = {**_change(day), "source": ""}
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec, json=no_source)
    assert r.status_code == 422 and "source" in r.text, r.text
    # a state that is no member on the day (Georgia left in 1999)
    r = client.post("/api/v1/states/GEO/authorities", headers=sec, json=_change(day))
    assert r.status_code == 422, r.text
    assert "GEO is not a member of the organization on 2020-03-01" in r.text
    # confirming with no change recorded, or a user that acts for no state
    r = client.post("/api/v1/users/rep-kaz/confirm", headers=admin)
    assert r.status_code == 422 and "no change of KAZ's authorities" in r.text, r.text
    assert client.post("/api/v1/states/KAZ/authorities", headers=sec,
                       json=_change(day)).status_code == 201
    r = client.post("/api/v1/states/KAZ/authorities", headers=sec, json=_change(day))
    assert r.status_code == 422 and "already recorded on 2020-03-01" in r.text, r.text
    r = client.post("/api/v1/users/planner/confirm", headers=admin)
    assert r.status_code == 422 and "does not act for a state" in r.text, r.text
    assert client.post("/api/v1/users/rep-kaz/confirm", headers=sec).status_code == 403
    assert client.post("/api/v1/users/nobody/confirm", headers=admin).status_code == 404


def test_the_command_line_records_lists_and_confirms(accounts_db: Database, monkeypatch,
                                                     tmp_path) -> None:
    from phalanx.cli.main import app as cli

    monkeypatch.setenv("PHALANX_DATABASE_URL", str(accounts_db.engine.url))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(cli, ["membership", "authorities", "KAZ", "--since", "2020-03-01",
                                "--authorities", "a provisional council", "--unconstitutional",
                                "--json"])
        assert r.exit_code == 2 and "source" in r.output, r.output  # none given
        r = runner.invoke(cli, ["membership", "authorities", "kaz", "--since", "2020-03-01",
                                "--authorities", "a provisional council", "--source", "decree",
                                "--unconstitutional", "--json"])
        assert r.exit_code == 0, r.output
        assert [(x["since"], x["constitutional"]) for x in json.loads(r.output)] == [
            ("2020-03-01", False)]
        assert runner.invoke(cli, ["users", "term", "rep-arm", "2030-01-01"]).exit_code == 0
        r = runner.invoke(cli, ["users", "list", "--json"])  # a term and a lapse, as days
        assert r.exit_code == 0, r.output
        rows = {x["username"]: x for x in json.loads(r.output)}
        assert (rows["rep-kaz"]["appointed"], rows["rep-kaz"]["lapsed_on"]) == (
            False, "2020-03-01")
        assert rows["rep-arm"]["acts_until"] == "2030-01-01"
        r = runner.invoke(cli, ["users", "list"], env={"COLUMNS": "200"})
        assert r.exit_code == 0 and "lapsed" in r.output, r.output
        r = runner.invoke(cli, ["users", "confirm", "rep-kaz"])
        assert r.exit_code == 0 and "appointment confirmed" in r.output, r.output
        r = runner.invoke(cli, ["users", "confirm", "planner"])
        assert r.exit_code != 0 and "does not act for a state" in r.output, r.output
        r = runner.invoke(cli, ["membership", "authorities", "KAZ", "--since", "2020-03-01",
                                "--authorities", "again", "--source", "decree"])
        assert r.exit_code == 1 and "already recorded" in r.output, r.output
    finally:
        get_settings.cache_clear()
