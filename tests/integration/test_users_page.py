"""The administrator's page of the accounts: each user's standing (a term ended, an
appointment lapsed after an unconstitutional change of its state's authorities), and
the forms that confirm an appointment, set a term and let a user in or not, each through
the services the API uses (audited), refused beside the table in the reader's language."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import identity, representation
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form on the page"
    return found.group(1)


def _row(html: str, user: str) -> str:
    found = re.search(rf'<tr id="user-{re.escape(user)}".*?</tr>', html, re.S)
    assert found, f"no row of {user}"
    return found[0]


def test_the_administrator_confirms_sets_a_term_and_stops_a_user(
        accounts_db: Database, settings: Settings) -> None:
    with accounts_db.read() as conn:
        today = orgs.today(conn)
    representation.record(accounts_db, representation.AuthorityChangeIn(
        state="KAZ", since=today, authorities="a provisional council", constitutional=False,
        source="its decree"), actor=SYSTEM)
    client = TestClient(create_app(settings, accounts_db))
    login(client, "admin", "demo-admin-pass")
    page = client.get("/users?lang=en")
    assert page.status_code == 200
    assert f'data-lapsed="{today.isoformat()}"' in _row(page.text, "rep-kaz")
    assert "/users/rep-arm/confirm" not in page.text  # its appointment stands
    token = _csrf(page.text)

    r = client.post("/users/rep-kaz/confirm", data={"csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.post("/users/rep-arm/term", data={"csrf_token": token, "until": "2030-01-31"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.post("/users/observer/active", data={"csrf_token": token, "active": "false"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with accounts_db.read() as conn:
        assert identity.principal(conn, "rep-kaz").appointed
        assert str(identity.account(conn, "rep-arm").principal.acts_until) == "2030-01-31"
        assert not identity.account(conn, "observer").active
        actions = [r.action for r in conn.execute(select(t.audit_log.c.action).where(
            t.audit_log.c.actor == "admin").order_by(t.audit_log.c.id))]
        confirmed = json.loads(conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "user.confirm")).scalar_one())
    mine = [a for a in actions if a.startswith("user.")]
    assert mine == ["user.confirm", "user.term", "user.deactivate"]
    # stopped again: it stood so already, and nothing more is recorded
    r = client.post("/users/observer/active", data={"csrf_token": token, "active": "false"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    with accounts_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action == "user.deactivate")).scalar_one() == 1
    assert confirmed["username"] == "rep-kaz"
    page = client.get("/users?lang=en").text
    assert "data-lapsed" not in _row(page, "rep-kaz")
    assert 'value="2030-01-31"' in _row(page, "rep-arm")

    # refused beside the table, in the reader's language
    refused = client.post("/users/planner/confirm?lang=ru", data={"csrf_token": token})
    assert refused.status_code == 422, refused.text
    assert "не действует от имени государства" in refused.text
    refused = client.post("/users/rep-arm/term?lang=en",
                          data={"csrf_token": token, "until": "31.01.2030"})
    assert refused.status_code == 422 and "is not a date" in refused.text, refused.text
    # a longer text too (the form's field takes a day): beside the table, in Russian
    refused = client.post("/users/rep-arm/term?lang=ru",
                          data={"csrf_token": token, "until": "31 января 2030"})
    assert refused.status_code == 422, refused.text
    assert "не дата (формат ГГГГ-ММ-ДД)" in refused.text
    assert 'id="user-rep-arm"' in refused.text


def test_only_the_administrator_keeps_the_accounts(accounts_db: Database,
                                                   settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    login(client, "secretariat", "demo-secretariat")
    assert client.get("/users").status_code == 403
    assert "/users" not in re.findall(r'href="(/users)"', client.get("/inbox").text)


def test_the_administrator_does_not_stop_its_own_account(accounts_db: Database,
                                                         settings: Settings) -> None:
    """The page offers no such button; a request made by hand is refused beside the table,
    in the reader's language, and the administrator stays logged in."""
    client = TestClient(create_app(settings, accounts_db))
    login(client, "admin", "demo-admin-pass")
    token = _csrf(client.get("/users?lang=ru").text)
    refused = client.post("/users/admin/active?lang=ru",
                          data={"csrf_token": token, "active": "false"})
    assert refused.status_code == 422, refused.text
    assert "не может остановить собственную учётную запись" in refused.text
    with accounts_db.read() as conn:
        assert identity.account(conn, "admin").active
    assert client.get("/users").status_code == 200
