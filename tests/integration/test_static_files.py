"""The static files under versioned addresses: a page names each with its content's
digest; that address is kept a year without asking again, any other is asked again each
time (304 while unchanged); a changed file gets a new address."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web import assets
from phalanx.web.app import create_app


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        c.get("/login")
        c.post("/login", data={"username": "secretariat", "password": "demo-secretariat",
                               "csrf_token": c.cookies.get("phalanx_login_csrf")})
        yield c


def test_pages_name_each_static_file_by_its_content(client: TestClient) -> None:
    named: set[str] = set()
    for page in ("/", "/crises", "/forces/map"):  # the last two with the maps' files
        answer = client.get(page)
        assert answer.status_code == 200, page
        named |= set(re.findall(r'(?:href|src)="(/static/[^"]*)"', answer.text))
    assert {"app.js", "app.css", "cop.js", "vendor/leaflet/leaflet.js"} <= {
        u.split("?")[0].removeprefix("/static/") for u in named}
    for url in sorted(named):
        path, _, query = url.partition("?v=")
        content = (assets.STATIC / path.removeprefix("/static/")).read_bytes()
        assert query == hashlib.sha256(content).hexdigest()[:12], url
        kept = client.get(url)
        assert kept.status_code == 200 and kept.content == content, url
        assert kept.headers["cache-control"] == "public, max-age=31536000, immutable", url
        # signed in, a static file still varies by nothing and is kept
        assert "vary" not in kept.headers, url
        # asked again with its tag: not modified, and still kept
        again = client.get(url, headers={"if-none-match": kept.headers["etag"]})
        assert again.status_code == 304, url


def test_an_address_without_the_current_digest_is_asked_again(client: TestClient) -> None:
    for url in ("/static/app.js", "/static/app.js?v=000000000000", "/static/app.js?v="):
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "no-cache", url
    assert client.get("/static/nothing.js").status_code == 404


def test_a_changed_file_gets_a_new_address(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assets, "STATIC", tmp_path)
    (tmp_path / "app.js").write_text("let a = 1;\n")
    first = assets.static_url("app.js")
    assert first.startswith("/static/app.js?v=")
    assert assets.static_url("app.js") == first
    (tmp_path / "app.js").write_text("let a = 22;\n")  # another size: another stamp too
    assert assets.static_url("app.js") not in (first, "/static/app.js")
    assert assets.static_url("gone.js") == "/static/gone.js"  # no file: the plain address
