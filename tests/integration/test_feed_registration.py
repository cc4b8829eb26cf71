"""A feed whose URL a poll would refuse is refused when it is registered, on the API, the
page and the command line, by the poll's own check (`guarded_http.check_url`): 422
naming the field `url` and why, nothing written. An address in a network (and on a
port) the settings allow is registered; a name that resolves to nothing now is
registered with that warning as its last error."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import feeds
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_pages import demo_db, login  # noqa: F401 (fixtures)

ALLOW = "PHALANX_FEED_ALLOW_NETWORKS"
# each kind of address a poll refuses, and what the refusal says of it
REFUSED = {
    "http://127.0.0.1/feed.atom": "127.0.0.1 is a loopback address",
    "http://[::1]/feed.atom": "::1 is a loopback address",
    "http://10.1.2.3/feed.atom": "10.1.2.3 is a private network's address",
    "http://192.168.0.7/feed.atom": "192.168.0.7 is a private network's address",
    "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a link-local address",
    "http://[::ffff:10.0.0.7]/feed.atom": "::ffff:a00:7 (IPv4 10.0.0.7) is a private network",
    "http://0.0.0.0/feed.atom": "0.0.0.0 is an unspecified address",
    "http://224.0.0.1/feed.atom": "224.0.0.1 is a multicast address",
    "http://localhost/feed.atom": "localhost resolves to 127.0.0.1, a loopback address",
    # the forms of an address a resolver reads besides the dotted quad
    "http://2130706433/feed.atom": "2130706433 resolves to 127.0.0.1, a loopback address",
    "http://0x7f000001/feed.atom": "0x7f000001 resolves to 127.0.0.1, a loopback address",
    "http://127.1/feed.atom": "127.1 resolves to 127.0.0.1, a loopback address",
    "http://93.184.215.14:5432/feed.atom": "port 5432 is not http's default (80)",
    "https://93.184.215.14:80/feed.atom": "port 80 is not https's default (443)",
    "http://user:secret@93.184.215.14/feed.atom": "an address with a user name or password",
    "http://93.184.215.14:99999/feed.atom": "the port is not a number from 0 to 65535",
}
SCHEMES = ["ftp://93.184.215.14/feed.atom", "file:///etc/passwd", "gopher://10.0.0.1/"]


def _names(monkeypatch: pytest.MonkeyPatch) -> None:
    """`localhost` on loopback; any other name without an address (no DNS in a test)."""
    real = socket.getaddrinfo

    def lookup(host: str, port: Any, *args: Any, **kw: Any) -> Any:
        if host == "localhost":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        try:  # an address in any form the system reads (2130706433, 0x7f000001, 127.1)
            return real(host, port, *args, **kw | {"flags": socket.AI_NUMERICHOST})
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def _client(db: Database, tmp_path: Path, **allowed: str) -> TestClient:
    return TestClient(create_app(Settings(environment="test",
                                          **allowed), db))


@pytest.fixture
def api(demo_db: Database, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict[str, str]]]:
    _names(monkeypatch)
    token = api_tokens.issue_token(demo_db, "secretariat", actor=SYSTEM).token
    with _client(demo_db, tmp_path) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def _listed(db: Database) -> list[str]:
    with db.read() as conn:
        return [f.url for f in feeds.listing(conn)]


@pytest.mark.parametrize(("url", "why"), list(REFUSED.items()))
def test_the_api_refuses_an_address_a_poll_would_refuse(
        api: tuple[TestClient, dict[str, str]], demo_db: Database,  # noqa: F811
        url: str, why: str) -> None:
    c, auth = api
    before = _listed(demo_db)
    r = c.post("/api/v1/feeds", json={"url": url, "country": "KAZ"}, headers=auth)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert [e["where"] for e in body["errors"]] == ["url"]
    assert why in body["errors"][0]["message"] and body["detail"].startswith("url: ")
    assert _listed(demo_db) == before  # nothing written


@pytest.mark.parametrize("url", SCHEMES)
def test_the_api_refuses_a_scheme_other_than_http(
        api: tuple[TestClient, dict[str, str]], url: str) -> None:
    c, auth = api
    r = c.post("/api/v1/feeds", json={"url": url, "country": "KAZ"}, headers=auth)
    assert r.status_code == 422
    assert [e["where"] for e in r.json()["errors"]] == ["body.url"]
    assert "http:// or https://" in r.json()["errors"][0]["message"]


def test_the_api_refusal_reads_in_russian(api: tuple[TestClient, dict[str, str]]) -> None:
    c, auth = api
    r = c.post("/api/v1/feeds", json={"url": "http://10.1.2.3/feed.atom", "country": "KAZ"},
               headers={**auth, "Accept-Language": "ru"})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"where": "url", "message": (
        "10.1.2.3 — адрес частной сети, к нему каналы не обращаются (сети-исключения "
        "задаёт настройка PHALANX_FEED_ALLOW_NETWORKS)")}]


def test_a_name_without_an_address_now_is_registered_with_a_warning(
        api: tuple[TestClient, dict[str, str]]) -> None:
    """DNS may answer by the first poll (which checks the address again): the officer
    registers the feed and sees why it may fail."""
    c, auth = api
    r = c.post("/api/v1/feeds", json={"url": "https://cap.emergency.invalid/rss",
                                      "country": "KAZ"}, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "new"
    assert r.json()["last_error"] == ("when registered, cannot resolve cap.emergency.invalid: "
                                      "no such name (each poll checks the address again)")


def test_an_allowed_network_and_port_are_registered(
        demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """A national alerting service on an internal network, allowed by the installation."""
    _names(monkeypatch)
    token = api_tokens.issue_token(demo_db, "secretariat", actor=SYSTEM).token
    auth = {"Authorization": f"Bearer {token}"}
    with _client(demo_db, tmp_path, feed_allow_networks="10.1.2.0/24",
                 feed_allow_ports="8443") as c:
        r = c.post("/api/v1/feeds", json={"url": "https://10.1.2.3:8443/cap.atom",
                                          "country": "KAZ"}, headers=auth)
        assert r.status_code == 201, r.text
        assert r.json()["last_error"] == ""
        # the network allowed, not the port: refused; another private network: refused
        for url, why in (("https://10.1.2.4:9443/cap.atom", "port 9443"),
                         ("https://10.1.3.3:8443/cap.atom", "10.1.3.3 is a private")):
            r = c.post("/api/v1/feeds", json={"url": url, "country": "KAZ"}, headers=auth)
            assert r.status_code == 422 and why in r.json()["errors"][0]["message"]
    assert "https://10.1.2.3:8443/cap.atom" in _listed(demo_db)


def _token(page: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m is not None
    return m.group(1)


@pytest.mark.parametrize(("url", "why"), [*REFUSED.items(), *[
    (s, "a feed is an http:// or https:// URL") for s in SCHEMES]])
def test_the_page_refuses_it_beside_the_form_with_the_address_kept(
        demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        url: str, why: str) -> None:
    _names(monkeypatch)
    before = _listed(demo_db)
    with _client(demo_db, tmp_path) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get("/feeds?lang=en").text
        r = client.post("/feeds", data={"url": url, "country": "KAZ", "min_severity": "Minor",
                                        "csrf_token": _token(page)})
    assert r.status_code == 422
    refusal = re.search(r'<p class="error refusal" role="alert" id="feed-error"[^>]*>([^<]*)</p>',
                        r.text)
    assert refusal is not None
    import html

    shown = html.unescape(refusal.group(1))
    assert shown.startswith("Address (URL): ") and why in shown, shown
    kept = re.search(r'<input name="url"[^>]*>', r.text)
    assert kept is not None and f'value="{html.escape(url)}"' in kept.group(0)
    assert re.search(r'<option value="Minor" selected>', r.text)
    assert _listed(demo_db) == before


def test_the_command_line_refuses_it_unless_the_settings_allow_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.setenv("PHALANX_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    try:
        assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(cli, ["load", "--builtin", "csto"]).exit_code == 0
        r = runner.invoke(cli, ["feeds", "add", "http://10.20.30.40/cap.atom", "--country",
                                "KAZ"])
        assert r.exit_code == 1
        assert "url: 10.20.30.40 is a private network's address" in r.output
        assert ALLOW in r.output
        monkeypatch.setenv(ALLOW, "10.20.30.0/24")
        get_settings.cache_clear()
        r = runner.invoke(cli, ["feeds", "add", "http://10.20.30.40/cap.atom", "--country",
                                "KAZ", "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["url"] == "http://10.20.30.40/cap.atom"
        _names(monkeypatch)
        r = runner.invoke(cli, ["feeds", "add", "http://cap.kz.invalid/a.atom", "--country",
                                "KAZ"])
        assert r.exit_code == 0 and "warning: when registered, cannot resolve" in r.output
    finally:
        get_settings.cache_clear()
