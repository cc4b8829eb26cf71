"""Phalanx as docs/deploy.md deploys it: nginx with the document's own configuration
(HTTPS with a throwaway certificate) in front of two gunicorn application processes on
PostgreSQL. Pages, API and login work through it; the forwarded scheme turns on HSTS and
Secure cookies (which the same processes do not send over plain HTTP); nginx's request
id reaches the application's logs and answers; a body over the limit gets a problem;
and server-sent events stream through nginx unbuffered, a write through either process
reaching the pages connected through nginx to both."""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from bench.durability import free_port, serve, wait_ready

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from tests.support.nginx import run_nginx
from tests.support.postgres import fresh_database

pytestmark = [pytest.mark.postgres, pytest.mark.proxy]

EVENT_BUDGET_S = 2.0


@dataclass
class Stack:
    proxy: str  # https://127.0.0.1:PORT
    plain: str  # http://127.0.0.1:PORT (nginx, redirects only)
    apps: list[str]  # each process directly, over plain HTTP
    app_ports: list[int]
    verify: ssl.SSLContext
    tokens: dict[str, str]
    access_log: Path
    url: str  # the database
    app_logs: list[Path] = field(default_factory=list)

    def client(self, **kw: object) -> httpx.Client:
        return httpx.Client(base_url=self.proxy, verify=self.verify, timeout=10,
                            **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def stack(postgres_admin_url: str, nginx_binary: str,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("proxy")
    with fresh_database(postgres_admin_url) as url:
        db = Database(make_engine(url))
        upgrade(db.engine)
        orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
        demo.ensure_demo_accounts(db, actor=SYSTEM)
        tokens = {u: api_tokens.issue_token(db, u, actor=SYSTEM).token
                  for u in ("secretariat", "rep-kaz")}
        db.dispose()
        # "test", not "production": here only the forwarded scheme may turn HSTS and
        # Secure cookies on, so the test sees that nginx's X-Forwarded-Proto does it
        env = {**os.environ, "PHALANX_DATABASE_URL": url, "PHALANX_ENVIRONMENT": "test",
               "PHALANX_AUDIT_KEY_FILE": str(tmp / "audit.key")}
        ports = [free_port(), free_port()]
        logs = [tmp / f"app-{p}.log" for p in ports]
        procs: list[subprocess.Popen[bytes]] = []
        try:
            for port, log in zip(ports, logs, strict=True):
                with log.open("wb") as out:
                    procs.append(serve(env, port, gunicorn=True, stderr=out))
            for port, proc in zip(ports, procs, strict=True):
                wait_ready(f"http://127.0.0.1:{port}", proc)
            https_port, http_port = free_port(), free_port()
            with run_nginx(nginx_binary, ports, https_port, http_port) as (cert, access):
                yield Stack(proxy=f"https://127.0.0.1:{https_port}",
                            plain=f"http://127.0.0.1:{http_port}",
                            apps=[f"http://127.0.0.1:{p}" for p in ports], app_ports=ports,
                            verify=ssl.create_default_context(cafile=str(cert)),
                            tokens=tokens, access_log=access, url=url, app_logs=logs)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _auth(stack: Stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.tokens[user]}"}


def test_pages_and_api_over_https_with_hsts(stack: Stack) -> None:
    with stack.client() as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        members = client.get("/api/v1/members", params={"on": "2014-06-01"})
        assert members.status_code == 200
        assert {m["code"] for m in members.json()} >= {"ARM", "KAZ", "RUS"}
        me = client.get("/api/v1/me", headers=_auth(stack, "rep-kaz"))
        assert me.json()["username"] == "rep-kaz"
        assert client.get("/readyz").json()["status"] == "ready"
        for r in (page, members, me):
            assert r.headers["strict-transport-security"].startswith("max-age=")
            assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
            assert r.headers["x-content-type-options"] == "nosniff"
    # the same process over plain HTTP, without the proxy: no HSTS
    direct = httpx.get(stack.apps[0] + "/", timeout=10)
    assert direct.status_code == 200
    assert "strict-transport-security" not in direct.headers


def test_plain_http_is_redirected_to_https(stack: Stack) -> None:
    r = httpx.get(stack.plain + "/members?on=2014-06-01", timeout=10)
    assert r.status_code == 301
    assert r.headers["location"].startswith("https://")
    assert r.headers["location"].endswith("/members?on=2014-06-01")


def test_nginx_request_id_reaches_the_app_logs_and_the_answer(stack: Stack) -> None:
    with stack.client() as client:
        r = client.get("/api/v1/states/KAZ", headers={"X-Request-ID": "spoofed-by-client"})
    assert r.status_code == 200
    rid = r.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)  # nginx's $request_id, not the client's
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        logged = [line for line in stack.access_log.read_text().splitlines()
                  if "/api/v1/states/KAZ" in line]
        app_lines = [json.loads(line) for log in stack.app_logs
                     for line in log.read_text(errors="replace").splitlines()
                     if line.startswith("{") and rid in line]
        if logged and app_lines:
            break
        time.sleep(0.1)
    assert logged and logged[-1].split()[0] == rid
    assert any(e.get("request_id") == rid and e.get("path") == "/api/v1/states/KAZ"
               and e.get("status") == 200 for e in app_lines), app_lines


def test_login_through_the_proxy_sets_secure_cookies(stack: Stack) -> None:
    with stack.client(follow_redirects=False) as client:
        form = client.get("/login")
        assert form.status_code == 200
        login_cookie = form.headers["set-cookie"]
        assert "phalanx_login_csrf=" in login_cookie
        assert all(flag in login_cookie.lower() for flag in ("secure", "httponly",
                                                              "samesite=strict"))
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        r = client.post("/login", data={"username": "rep-kaz", "password": "demo-rep-kaz",
                                        "csrf_token": token.group(1), "next": "/"})
        assert r.status_code == 303, r.text[:300]
        session_cookie = next(v for k, v in r.headers.multi_items()
                              if k == "set-cookie" and v.startswith("phalanx_session="))
        assert all(flag in session_cookie.lower() for flag in ("secure", "httponly",
                                                                "samesite=lax"))
        me = client.get("/api/v1/me")  # the session cookie, on whichever process
        assert me.json()["username"] == "rep-kaz" and me.json()["authenticated"]
    # without the proxy, over plain HTTP, the same processes do not mark cookies Secure
    direct = httpx.get(stack.apps[1] + "/login", timeout=10)
    assert "secure" not in direct.headers["set-cookie"].lower()


def test_the_login_throttle_counts_the_clients_address_not_the_proxys(stack: Stack) -> None:
    # the client comes from 127.0.0.2; nginx reaches the app from 127.0.0.1
    transport = httpx.HTTPTransport(verify=stack.verify, local_address="127.0.0.2")
    with httpx.Client(base_url=stack.proxy, transport=transport, timeout=10) as client:
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token
        r = client.post("/login", data={"username": "rep-kaz", "password": "wrong-password",
                                        "csrf_token": token.group(1)})
        assert r.status_code == 401
    engine = sa.create_engine(stack.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            keys = set(conn.execute(sa.text("SELECT key FROM login_throttle")).scalars())
    finally:
        engine.dispose()
    assert "addr:127.0.0.2" in keys and "addr:127.0.0.1" not in keys, keys


def test_a_body_over_the_limit_gets_a_problem_from_nginx(stack: Stack) -> None:
    with stack.client() as client:
        r = client.post("/api/v1/documents", content=b"x" * (10 * 1024 * 1024 + 1),
                        headers={**_auth(stack, "secretariat"),
                                 "content-type": "application/json"})
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 413


def test_live_events_stream_through_the_proxy_across_processes(stack: Stack) -> None:
    """Four pages follow the crisis board through nginx (round robin: two on each
    process); crises are opened directly on one process, on the other, and through
    nginx; every page gets every event within the budget."""
    outcome: dict[str, object] = {}
    # a loop of its own, on a thread of its own (Playwright keeps one on the main thread)
    th = threading.Thread(target=lambda: outcome.update(asyncio.run(_pages_and_writes(stack))))
    th.start()
    th.join(60)
    assert not th.is_alive()
    sent = outcome["sent"]
    assert isinstance(sent, dict) and len(sent) == 3
    for i, got in enumerate(outcome["received"]):  # type: ignore[attr-defined]
        assert sent.keys() <= got.keys(), f"page {i} missed {sent.keys() - got.keys()}"
        delays = {cid: round(got[cid] - t0, 3) for cid, t0 in sent.items()}
        assert max(delays.values()) < EVENT_BUDGET_S, (i, delays)
    # nginx logs a stream when it ends: the pages were served by both processes
    deadline = time.monotonic() + 5
    upstreams: set[str] = set()
    while time.monotonic() < deadline and len(upstreams) < 2:
        upstreams = {line.split()[2] for line in stack.access_log.read_text().splitlines()
                     if "/api/v1/events" in line}
        time.sleep(0.1)
    assert upstreams == {f"127.0.0.1:{p}" for p in stack.app_ports}


async def _pages_and_writes(stack: Stack) -> dict[str, object]:
    received: list[dict[int, float]] = [{} for _ in range(4)]
    connected = [asyncio.Event() for _ in range(4)]

    async def follow(i: int) -> None:
        async with httpx.AsyncClient(base_url=stack.proxy, verify=stack.verify,
                                     timeout=None) as client, client.stream(
                "GET", "/api/v1/events", params={"topic": "crises"},
                headers=_auth(stack, "rep-kaz")) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            async for line in r.aiter_lines():
                if line.startswith(": connected"):
                    connected[i].set()  # the first bytes come through at once: no buffering
                elif line.startswith("data: "):
                    event = json.loads(line[6:])
                    if event["kind"] == "opened":
                        received[i][event["data"]["id"]] = time.perf_counter()

    pages = []
    for i in range(4):  # one after the other, so that round robin alternates
        pages.append(asyncio.create_task(follow(i)))
        await asyncio.wait_for(connected[i].wait(), 5)
    sent: dict[int, float] = {}
    for base in [*stack.apps, stack.proxy]:
        async with httpx.AsyncClient(base_url=base, verify=stack.verify,
                                     timeout=10) as client:
            t0 = time.perf_counter()
            r = await client.post("/api/v1/crises", headers=_auth(stack, "secretariat"),
                                  json={"title": f"through {base}",
                                        "category": "natural_disaster", "affected": ["KGZ"]})
            assert r.status_code == 201, r.text
            sent[r.json()["id"]] = t0
    deadline = time.perf_counter() + EVENT_BUDGET_S + 3
    while time.perf_counter() < deadline and not all(sent.keys() <= got.keys()
                                                     for got in received):
        await asyncio.sleep(0.02)
    for page in pages:
        page.cancel()
    results = await asyncio.gather(*pages, return_exceptions=True)
    failures = [r for r in results if not isinstance(r, asyncio.CancelledError)]
    assert failures == []
    return {"sent": sent, "received": received}
