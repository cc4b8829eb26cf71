"""An account after it was made: the administrator sets a forgotten password anew,
deactivates and activates it again (`phalanx users ...`), and the user changes its own
password on the Password page; each audited without the password, each ending the
browser sessions it should."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.services.db import Database
from phalanx.web.app import create_app

runner = CliRunner()
NEW = "Quartz-lantern-1987"


@pytest.fixture
def client(accounts_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[TestClient]:
    monkeypatch.setenv("PHALANX_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(settings.audit_key_file))
    get_settings.cache_clear()
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c
    get_settings.cache_clear()


def _login(client: TestClient, username: str, password: str) -> int:
    client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": client.cookies.get("phalanx_login_csrf")},
                       follow_redirects=False).status_code


def _csrf(client: TestClient) -> str:
    found = re.search(r'data-csrf="([^"]+)"', client.get("/password").text)
    assert found
    return found.group(1)


def _entries(db: Database, action: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return [json.loads(r.change) for r in conn.execute(
            select(t.audit_log.c.change).where(t.audit_log.c.action == action))]


def test_the_administrator_sets_a_forgotten_password(client: TestClient,
                                                     accounts_db: Database) -> None:
    assert _login(client, "rep-kaz", "demo-rep-kaz") == 303
    r = runner.invoke(cli, ["users", "password", "rep-kaz"], input=NEW + "\n")
    assert r.exit_code == 2 and "--password-stdin" in r.output
    r = runner.invoke(cli, ["users", "password", "rep-kaz", "--password-stdin"],
                      input="password123\n")
    assert r.exit_code == 1 and "password:" in r.output and "Traceback" not in r.output
    r = runner.invoke(cli, ["users", "password", "nobody", "--password-stdin"], input=NEW)
    assert r.exit_code == 1 and "no user 'nobody'" in r.output
    r = runner.invoke(cli, ["users", "password", "rep-kaz", "--password-stdin"],
                      input=NEW + "\n")
    assert r.exit_code == 0, r.output
    assert "1 browser session(s) ended" in r.output
    assert client.get("/inbox", follow_redirects=False).status_code == 303  # to the login
    assert _login(client, "rep-kaz", "demo-rep-kaz") == 401
    assert _login(client, "rep-kaz", NEW) == 303
    [entry] = _entries(accounts_db, "user.password_set")
    assert entry == {"username": "rep-kaz", "sessions_ended": 1}


def test_a_deactivated_user_is_let_in_again(client: TestClient) -> None:
    assert runner.invoke(cli, ["users", "deactivate", "rep-arm"]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["users", "list", "--json"]).stdout)
    assert {u["username"]: u["active"] for u in listed}["rep-arm"] is False
    assert _login(client, "rep-arm", "demo-rep-arm") == 401
    r = runner.invoke(cli, ["users", "activate", "rep-arm"])
    assert r.exit_code == 0, r.output
    assert _login(client, "rep-arm", "demo-rep-arm") == 303
    assert runner.invoke(cli, ["users", "activate", "nobody"]).exit_code == 1


def test_a_user_changes_its_own_password(client: TestClient, accounts_db: Database,
                                         settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as elsewhere:
        assert _login(elsewhere, "rep-kaz", "demo-rep-kaz") == 303
        assert _login(client, "rep-kaz", "demo-rep-kaz") == 303
        csrf = _csrf(client)
        wrong = client.post("/password", data={"current": "not-it-at-all", "new": NEW,
                                               "repeated": NEW, "csrf_token": csrf})
        assert wrong.status_code == 422
        assert "Current password: it is not this account&#39;s password" in wrong.text
        differ = client.post("/password", data={"current": "demo-rep-kaz", "new": NEW,
                                                "repeated": NEW + "x", "csrf_token": csrf})
        assert differ.status_code == 422 and "the two entries differ" in differ.text
        ru = client.post("/password?lang=ru", data={"current": "demo-rep-kaz", "new": "abc",
                                                    "repeated": "abc", "csrf_token": csrf})
        assert ru.status_code == 422 and "Пароль" in ru.text
        assert _entries(accounts_db, "user.password_changed") == []
        assert len(_entries(accounts_db, "user.password_refused")) == 1
        done = client.post("/password", data={"current": "demo-rep-kaz", "new": NEW,
                                              "repeated": NEW, "csrf_token": csrf},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/password?saved=1"
        assert client.get("/inbox").status_code == 200  # this session is kept
        assert elsewhere.get("/inbox", follow_redirects=False).status_code == 303  # ended
    [entry] = _entries(accounts_db, "user.password_changed")
    assert entry == {"username": "rep-kaz", "sessions_ended": 1}
    assert NEW not in Path(settings.database_url.removeprefix("sqlite:///")).read_bytes(
        ).decode("latin-1")
    client.cookies.clear()
    assert _login(client, "rep-kaz", NEW) == 303


def test_the_current_password_is_guessed_no_faster_than_a_login(
        client: TestClient, accounts_db: Database) -> None:
    """A session left open: whoever holds it tries the current password five times, then
    waits, the right one refused too; the password stays as it was."""
    assert _login(client, "rep-kaz", "demo-rep-kaz") == 303
    csrf = _csrf(client)
    for guess in range(5):
        wrong = client.post("/password", data={"current": f"guess-{guess}", "new": NEW,
                                               "repeated": NEW, "csrf_token": csrf})
        assert wrong.status_code == 422, guess
    right = client.post("/password?lang=ru", data={"current": "demo-rep-kaz", "new": NEW,
                                                   "repeated": NEW, "csrf_token": csrf})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 60
    assert "Слишком много неудачных попыток" in right.text
    assert _entries(accounts_db, "user.password_changed") == []
    client.cookies.clear()
    assert _login(client, "rep-kaz", NEW) == 401
    assert _login(client, "rep-kaz", "demo-rep-kaz") == 303


def test_an_account_is_offered_only_the_roles_a_user_may_have(client: TestClient) -> None:
    shown = runner.invoke(cli, ["users", "add", "--help"], env={"COLUMNS": "300"}).output
    assert "auditor" in shown and "system" not in shown and "anonymous" not in shown
    r = runner.invoke(cli, ["users", "add", "bot", "--role", "system", "--password-stdin"],
                      input=NEW + "\n")
    assert r.exit_code == 2 and "Invalid value for '--role'" in r.output
    r = runner.invoke(cli, ["users", "add", "eve", "--role", "auditor", "--password-stdin"],
                      input=NEW + "\n")
    assert r.exit_code == 0 and "user eve added" in r.output and "auditor" in r.output
