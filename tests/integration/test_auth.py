"""Logins, sessions, tokens, CSRF and request limits, as an attacker would try them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app_db(loaded_db: Database) -> Database:
    identity.add_user(loaded_db, identity.NewUser("rep-kaz", PASSWORD, Role.REPRESENTATIVE,
                                                  "KAZ"), actor=SYSTEM)
    identity.add_user(loaded_db, identity.NewUser("admin", PASSWORD, Role.ADMINISTRATOR),
                      actor=SYSTEM)
    return loaded_db


@pytest.fixture
def client(app_db: Database, settings: Settings) -> Iterator[TestClient]:
    settings = settings.model_copy(update={"max_body_bytes": 4096})
    with TestClient(create_app(settings, app_db)) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_valid_token_identifies_its_user(client: TestClient, app_db: Database) -> None:
    token = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me == {"username": "rep-kaz", "role": "representative", "state": "KAZ",
                  "agency": None, "observer_of": None, "authenticated": True,
                  "language": None, "acts_until": None, "appointed": True,
                  "lapsed_on": None}


def test_expired_revoked_and_altered_tokens_get_401(client: TestClient,
                                                    app_db: Database) -> None:
    issued = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM)
    altered = issued.token[:-2] + ("AA" if not issued.token.endswith("AA") else "BB")
    r = client.get("/api/v1/documents", headers=bearer(altered))
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/documents", headers=bearer(issued.token)).status_code == 200
    api_tokens.revoke_token(app_db, issued.id, actor=SYSTEM)
    assert client.get("/api/v1/documents", headers=bearer(issued.token)).status_code == 401
    old = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM)
    with app_db.engine.begin() as conn:
        conn.execute(update(t.api_token).where(t.api_token.c.id == old.id)
                     .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert client.get("/api/v1/documents", headers=bearer(old.token)).status_code == 401


def test_the_stored_token_is_only_a_hash(client: TestClient, app_db: Database) -> None:
    issued = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM)
    with app_db.read() as conn:
        stored = [r.token_hash for r in conn.execute(t.api_token.select())]
    assert issued.token not in stored
    assert identity.sha256(issued.token) in stored


def test_a_token_scope_limits_what_it_may_do(client: TestClient, app_db: Database) -> None:
    ro = api_tokens.issue_token(app_db, "rep-kaz", scopes=["read"], actor=SYSTEM).token
    body = {"title": "x", "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL"}
    assert client.post("/api/v1/documents", json=body, headers=bearer(ro)).status_code == 403
    rw = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    assert client.post("/api/v1/documents", json=body, headers=bearer(rw)).status_code == 201
    with pytest.raises(identity.IdentityError):
        api_tokens.issue_token(app_db, "rep-kaz", scopes=["users.manage"], actor=SYSTEM)


def test_unknown_user_and_wrong_password_look_the_same(production_hashing: None,
                                                       client: TestClient,
                                                       app_db: Database) -> None:
    # production_hashing comes first: the accounts are hashed with the library's
    # parameters, as the dummy hash of an unknown user is
    def attempt(user: str) -> tuple[int, str, float]:
        start = time.perf_counter()
        with pytest.raises(identity.AuthFailed) as info:
            identity.authenticate(app_db, user, "wrong password!", f"10.0.0.{len(user)}")
        return 401, str(info.value), time.perf_counter() - start

    # warm up, then compare medians of several tries
    attempt("nobody")
    wrong = sorted(attempt("admin")[2] for _ in range(3))[1]
    unknown = sorted(attempt("nobody-at-all")[2] for _ in range(3))[1]
    assert attempt("admin")[1] == attempt("nobody-else")[1]
    assert 0.3 < wrong / unknown < 3.3  # both pay for one argon2 verification


def test_failed_logins_are_throttled_per_account(client: TestClient) -> None:
    client.get("/login")
    csrf = client.cookies.get("phalanx_login_csrf")
    for _ in range(identity.MAX_FAILURES_PER_USER):
        r = client.post("/login", data={"username": "admin", "password": "nope-nope-nope",
                                        "csrf_token": csrf})
        assert r.status_code == 401
    r = client.post("/login", data={"username": "admin", "password": PASSWORD,
                                    "csrf_token": csrf})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0


def test_concurrent_wrong_passwords_cannot_pass_the_account_limit(db: Database) -> None:
    """Wrong passwords at once for one account, each from an address of its own, more
    than the account's limit: each attempt is counted before its password is checked,
    so no more than the limit are even tried, and the right password is then refused
    too (SQLite and PostgreSQL)."""
    import threading

    identity.add_user(db, identity.NewUser("admin", PASSWORD, Role.ADMINISTRATOR),
                      actor=SYSTEM)
    app_db = db
    n = identity.MAX_FAILURES_PER_ACCOUNT + 10
    start = threading.Barrier(n)
    results: list[str] = []

    def guess(i: int) -> None:
        start.wait()
        try:
            identity.authenticate(app_db, "admin", f"wrong-guess-{i:04d}", f"10.9.0.{i}")
            results.append("ok")
        except identity.AuthFailed:
            results.append("401")
        except identity.Throttled:
            results.append("429")

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == n and "ok" not in results
    assert results.count("401") == identity.MAX_FAILURES_PER_ACCOUNT
    with pytest.raises(identity.Throttled):
        identity.authenticate(app_db, "admin", PASSWORD, "10.9.1.1")


def test_a_stranger_guessing_locks_out_only_himself(app_db: Database) -> None:
    """Five wrong passwords for an account from one address lock that account from that
    address; its owner, elsewhere, still logs in."""
    for _ in range(identity.MAX_FAILURES_PER_USER):
        with pytest.raises(identity.AuthFailed):
            identity.authenticate(app_db, "rep-kaz", "wrong password!", "10.7.0.66")
    with pytest.raises(identity.Throttled):
        identity.authenticate(app_db, "rep-kaz", PASSWORD, "10.7.0.66")
    assert identity.authenticate(app_db, "rep-kaz", PASSWORD, "10.7.0.1").username == "rep-kaz"


def test_a_success_gives_the_address_its_attempt_back(app_db: Database) -> None:
    from sqlalchemy import select

    for _ in range(identity.MAX_FAILURES_PER_ADDRESS + 5):
        identity.authenticate(app_db, "rep-kaz", PASSWORD, "10.8.0.1")
    with app_db.read() as conn:  # successes leave no throttle record behind
        assert list(conn.execute(select(t.login_throttle.c.key))) == []
    with pytest.raises(identity.AuthFailed):
        identity.authenticate(app_db, "rep-kaz", "wrong password!", "10.8.0.1")


def test_a_failed_login_keeps_no_text_typed_for_an_unknown_account(app_db: Database) -> None:
    """The trail can never be cleaned: a password typed into the user name field must not
    stay in it. A failed login names the account tried when it is one (its id, as a
    successful login does); for a name no account has, nothing of what was typed (the
    address the guesses came from still shows)."""
    import json

    from sqlalchemy import select

    secret = "Correct-Horse-Battery-9"  # a password typed as the user name
    for name in (secret, secret, "rep-kaz"):
        with pytest.raises(identity.AuthFailed):
            identity.authenticate(app_db, name, "wrong password!", "10.9.0.1")
    with app_db.read() as conn:
        rows = list(conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "auth.login_failed").order_by(t.audit_log.c.id)))
        rep = conn.execute(select(t.app_user.c.id).where(
            t.app_user.c.username == "rep-kaz")).scalar_one()
    assert len(rows) == 3
    assert not any(secret in f"{r.target_id} {r.change}" for r in rows)
    unknown, again, known = rows
    assert unknown.target_id == again.target_id == "unknown" != known.target_id
    assert known.target_id == str(rep)
    assert json.loads(known.change)["username"] == "rep-kaz"
    assert json.loads(unknown.change)["address"] == "10.9.0.1"


def _served(app: object, options: dict[str, object]) -> tuple[str, object]:
    import socket
    import threading

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning", **options))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", server


@pytest.mark.parametrize("allowed", ["", "10.1.1.1"])
def test_phalanx_serve_believes_forwarded_addresses_only_from_configured_proxies(
        app_db: Database, settings: Settings, allowed: str) -> None:
    """A client on the same host rotating X-Forwarded-For is still one address: the
    per-address throttle catches it (by default and with a proxy configured elsewhere)."""
    import httpx

    from phalanx.cli.main import proxy_options

    url, server = _served(create_app(settings, app_db), proxy_options(allowed))
    try:
        with httpx.Client(base_url=url) as c:
            c.get("/login")
            csrf = c.cookies.get("phalanx_login_csrf")
            codes = [c.post("/login", headers={"X-Forwarded-For": f"10.7.{i}.{i}"},
                            data={"username": f"nobody{i}", "password": "nope-nope-nope",
                                  "csrf_token": csrf}).status_code
                     for i in range(identity.MAX_FAILURES_PER_ADDRESS + 1)]
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
    assert codes[-1] == 429 and codes.count(401) == identity.MAX_FAILURES_PER_ADDRESS
    assert proxy_options("127.0.0.1") == {"proxy_headers": True,
                                          "forwarded_allow_ips": "127.0.0.1"}


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "password123", "qwertyuiop12",
                                      "1234567890", "rep-kaz2rep-kaz2", "phalanx2026!"])
def test_common_and_repetitive_passwords_are_refused(app_db: Database, password: str) -> None:
    with pytest.raises(identity.IdentityError, match="password: "):
        identity.add_user(app_db, identity.NewUser("rep-kaz2", password, Role.REPRESENTATIVE,
                                                   "KAZ"), actor=SYSTEM)
    with pytest.raises(identity.IdentityError, match="not a user role"):
        identity.add_user(app_db, identity.NewUser("anon", PASSWORD, Role.ANONYMOUS),
                          actor=SYSTEM)


def test_authenticated_answers_are_not_stored_by_caches(client: TestClient,
                                                        app_db: Database) -> None:
    token = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    for path in ("/api/v1/me", "/api/v1/documents", "/", "/crises", "/api/v1/nope"):
        r = client.get(path, headers=bearer(token))
        assert r.headers["cache-control"] == "no-store", path
    client.get("/login")
    r = client.post("/login", data={"username": "rep-kaz", "password": PASSWORD,
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.headers["cache-control"] == "no-store"
    assert client.get("/crises").headers["cache-control"] == "no-store"  # by the cookie
    # what is the same for everyone is kept by the browser, signed in or not: the maps'
    # base layer (on every map page) and the static files
    for signed_in in (True, False):
        land = client.get("/maps/land.geojson", headers={"accept-encoding": "gzip"})
        assert land.headers["cache-control"] == "public, max-age=86400", signed_in
        assert land.headers["vary"] == "Accept-Encoding", signed_in
        assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")
        client.cookies.clear()


def test_login_sets_a_safe_cookie_and_forms_need_the_csrf_token(client: TestClient) -> None:
    client.get("/login")
    csrf = client.cookies.get("phalanx_login_csrf")
    r = client.post("/login", data={"username": "rep-kaz", "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    r = client.post("/login", data={"username": "rep-kaz", "password": PASSWORD,
                                    "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "phalanx_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/v1/me").json()["username"] == "rep-kaz"
    body = {"title": "x", "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL"}
    assert client.post("/api/v1/documents", json=body).status_code == 403
    assert client.post("/logout").status_code == 403


def test_an_invisible_record_is_404_not_403(client: TestClient, app_db: Database) -> None:
    identity.add_user(app_db, identity.NewUser("rep-arm", PASSWORD, Role.REPRESENTATIVE, "ARM"),
                      actor=SYSTEM)
    kaz = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    arm = api_tokens.issue_token(app_db, "rep-arm", actor=SYSTEM).token
    body = {"title": "seizure figures", "owner_kind": "state", "owner": "KAZ",
            "marking": "NATIONAL"}
    doc = client.post("/api/v1/documents", json=body, headers=bearer(kaz)).json()
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=bearer(arm)).status_code == 404
    assert client.get("/api/v1/documents/999999", headers=bearer(arm)).status_code == 404
    r = client.post(f"/api/v1/documents/{doc['id']}/marking", headers=bearer(arm),
                    json={"marking": "PUBLIC", "version": 1, "reason": "released"})
    assert r.status_code == 404
    r = client.post(f"/api/v1/documents/{doc['id']}/marking", headers=bearer(kaz),
                    json={"marking": "ORGANIZATION", "version": 1,
                          "reason": "released to the members"})
    assert r.status_code == 200
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=bearer(arm)).status_code == 200
    r = client.post(f"/api/v1/documents/{doc['id']}/marking", headers=bearer(kaz),
                    json={"marking": "PUBLIC", "version": 1, "reason": "released"})
    assert r.status_code == 409


def test_oversized_bodies_get_413(client: TestClient, app_db: Database) -> None:
    token = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    body = {"title": "x", "owner_kind": "state", "owner": "KAZ", "marking": "NATIONAL",
            "body": "y" * 10_000}
    r = client.post("/api/v1/documents", json=body, headers=bearer(token))
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")

    def chunks() -> Iterator[bytes]:
        yield b'{"title": "x", "body": "'
        for _ in range(10):
            yield b"z" * 1000
        yield b'"}'

    r = client.post("/api/v1/documents", content=chunks(), headers={
        **bearer(token), "content-type": "application/json"})
    assert r.status_code == 413


def test_security_headers(client: TestClient) -> None:
    r = client.get("/api/v1/organization")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_admin_routes_need_the_admin_role(client: TestClient, app_db: Database) -> None:
    rep = api_tokens.issue_token(app_db, "rep-kaz", actor=SYSTEM).token
    admin = api_tokens.issue_token(app_db, "admin", actor=SYSTEM).token
    assert client.get("/api/v1/users", headers=bearer(rep)).status_code == 403
    assert client.get("/api/v1/users").status_code == 401
    users = client.get("/api/v1/users", headers=bearer(admin)).json()
    assert {u["username"] for u in users} == {"rep-kaz", "admin"}
    r = client.post("/api/v1/users", headers=bearer(admin), json={
        "username": "aud", "password": "short", "role": "auditor"})
    assert r.status_code == 422
