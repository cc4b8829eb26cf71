"""An open live-event stream ends with its reader's session: after a logout (or its
session's time over, its token revoked) the page that was open is told nothing more,
as the Cursor-on-Target feed checks its credentials again before every send."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.services.tokens import revoke_token
from phalanx.web.api import events
from phalanx.web.app import create_app
from tests.support.browser import serve_asgi
from tests.support.sessions import bearer


def _open(db: Database, title: str) -> int:
    return crises.open_crisis(db, crises.CrisisIn(
        title=title, category="natural_disaster", affected=["KAZ"]), actor=SYSTEM).id


def _follow(client: httpx.Client, got: list[str], connected: threading.Event,
            done: threading.Event) -> None:
    try:
        with client.stream("GET", "/api/v1/events", params={"topic": "crises"},
                           timeout=30) as r:
            if r.status_code != 200:
                got.append(f"status {r.status_code}")
                return
            for line in r.iter_lines():
                if line.startswith(": connected"):  # subscribed: events from now on reach it
                    connected.set()
                if line.startswith("data:"):
                    got.append(line)
        done.set()
    except httpx.HTTPError as e:  # the server stopped under a stream still open
        got.append(f"error {e!r}")


def _wait(condition: object, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)


@pytest.mark.parametrize("ends", ["logout", "token revoked"])
def test_a_stream_tells_nothing_once_its_session_has_ended(
        accounts_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        ends: str) -> None:
    monkeypatch.setattr(events, "RECHECK_S", 0.0)  # the credentials read before every event
    monkeypatch.setattr(events, "KEEPALIVE_S", 0.5)
    with serve_asgi(create_app(settings, accounts_db)) as base, \
            httpx.Client(base_url=base) as client:
        if ends == "logout":
            client.get("/login")
            r = client.post("/login", data={
                "username": "rep-arm", "password": "demo-rep-arm",
                "csrf_token": client.cookies.get("phalanx_login_csrf")})
            assert r.status_code in (200, 303)
        else:
            client.headers.update(bearer(accounts_db, "rep-arm"))
        got: list[str] = []
        connected, done = threading.Event(), threading.Event()
        threading.Thread(target=_follow, args=(client, got, connected, done),
                         daemon=True).start()
        _wait(connected.is_set)
        assert connected.is_set(), got
        first = _open(accounts_db, "Floods in the Almaty region")
        _wait(lambda: got)
        assert [f'"id":{first}' in g for g in got] == [True]
        if ends == "logout":
            csrf = client.get("/inbox").text.split('name="csrf_token" value="')[1].split('"')[0]
            assert client.post("/logout", data={"csrf_token": csrf}).status_code in (200, 303)
        else:
            from sqlalchemy import select

            from phalanx.adapters.db import tables as t
            with accounts_db.read() as conn:
                token_id = conn.execute(select(t.api_token.c.id)).scalars().all()[-1]
            revoke_token(accounts_db, token_id, actor=SYSTEM)
        second = _open(accounts_db, "Floods in the Atyrau region")
        _wait(done.is_set)
        assert done.is_set()  # the stream has ended
        assert not any(f'"id":{second}' in g for g in got)


def test_a_stream_whose_database_goes_away_ends_with_one_line_in_the_log(
        accounts_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Its credentials cannot be read again while the database is away: the stream ends
    (the page's browser connects again, answered 503 until the database is back), with a
    `database unavailable` warning, not a traceback of the ASGI server."""
    import logging

    import sqlalchemy as sa

    monkeypatch.setattr(events, "KEEPALIVE_S", 0.5)
    app = create_app(settings, accounts_db)
    with caplog.at_level(logging.INFO), serve_asgi(app) as base, \
            httpx.Client(base_url=base, headers=bearer(accounts_db, "rep-arm")) as client:
        got: list[str] = []
        connected, done = threading.Event(), threading.Event()
        threading.Thread(target=_follow, args=(client, got, connected, done),
                         daemon=True).start()
        _wait(connected.is_set)
        assert connected.is_set(), got
        gone = Database(sa.create_engine("sqlite:////proc/no-such-dir/phalanx.db",
                                         poolclass=sa.pool.NullPool))
        app.state.db = gone
        _wait(done.is_set)
        gone.dispose()
        assert done.is_set(), got  # ended as a stream ends, the connection not cut
    said = [r for r in caplog.records if r.getMessage() == "database unavailable"]
    assert said and "unable to open database file" in said[0].fields["error"]
    assert not [r for r in caplog.records if r.exc_info], [
        r.getMessage() for r in caplog.records if r.exc_info]
