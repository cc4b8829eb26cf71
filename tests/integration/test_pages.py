"""Every page renders, in English and Russian, with no inline script or style (the
Content-Security-Policy forbids them), and bad input gets a page that says what."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo
from phalanx.services.db import Database
from phalanx.web.app import create_app

PUBLIC = ["/", "/members", "/members?on=2000-01-01", "/members/table?on=1995-01-01",
          "/bodies", "/bodies/csc?on=2014-06-01", "/agreements?on=2010-01-01", "/login"]
PRIVATE = ["/sessions", "/decisions", "/tasks", "/tasks?overdue=true", "/documents",
           "/crises", "/crises?exercise=true", "/crises?closed=true", "/crises/1", "/watch",
           "/operations", "/operations/channel", "/operations/channel?stage=spring-2026",
           "/operations/channel?year=2026"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    from phalanx.adapters.db.engine import make_engine
    from phalanx.adapters.db.migrate import upgrade
    from phalanx.dataset import loader
    from phalanx.services import organization as orgs

    db = Database(make_engine(f"sqlite:///{tmp_path_factory.mktemp('pages') / 'p.db'}"))
    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    demo.ensure_demo_records(db, actor=SYSTEM)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def page_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # one installation, one checkpoint key, for every test on the shared database
    return Settings(environment="test", audit_key_file=tmp_path_factory.mktemp("k") / "key")


@pytest.fixture
def client(demo_db: Database, page_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(page_settings, demo_db)) as c:
        yield c


def login(client: TestClient, user: str, password: str) -> None:
    client.get("/login")
    r = client.post("/login", data={"username": user, "password": password,
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_public_pages(client: TestClient, path: str, lang: str) -> None:
    client.cookies.set("lang", lang)
    r = client.get(path)
    assert r.status_code == 200, r.text
    no_inline_code(r.text)
    if lang == "ru" and path.startswith("/members"):
        assert "Армения" in r.text
    if lang == "en" and path.startswith("/members"):
        assert "Armenia" in r.text


def test_members_on_a_date(client: TestClient) -> None:
    html = client.get("/members/table", params={"on": "2000-01-01"}).text
    assert re.findall(r'<td class="code">([A-Z]{3})</td>', html) == [
        "ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_a_bad_date_is_explained(client: TestClient) -> None:
    r = client.get("/members", params={"on": "1995-13-45"})
    assert r.status_code == 400
    assert "1995-13-45" in r.text and "YYYY-MM-DD" in r.text


def test_an_unknown_body_is_a_404_page(client: TestClient) -> None:
    r = client.get("/bodies/nope")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]


def test_private_pages_send_strangers_to_the_login(client: TestClient) -> None:
    r = client.get("/sessions", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/sessions")


@pytest.mark.parametrize("path", PRIVATE)
def test_private_pages_for_a_representative(client: TestClient, path: str) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    r = client.get(path)
    assert r.status_code == 200, r.text
    no_inline_code(r.text)
    assert "rep-arm" in r.text and "ARM" in r.text  # who is logged in, for which state


def test_the_session_page_shows_the_three_demo_outcomes(client: TestClient,
                                                        demo_db: Database) -> None:
    from phalanx.services import decisions as dec

    with demo_db.read() as conn:
        real = [m for m in dec.list_meetings(conn, actor=SYSTEM) if not m.exercise]
    assert len(real) == 1
    login(client, "secretariat", "demo-secretariat")
    html = client.get(f"/sessions/{real[0].id}").text
    no_inline_code(html)
    assert html.count('class="outcome adopted"') == 2
    assert html.count('class="outcome returned"') == 1


def test_a_limited_format_decision_is_hidden_from_those_who_stayed_out(
        client: TestClient) -> None:
    login(client, "rep-tjk", "demo-rep-tjk")  # TJK stays out of the demo's limited decision
    html = client.get("/decisions").text
    assert "joint contingent" not in html
    login(client, "rep-arm", "demo-rep-arm")
    assert "joint contingent" in client.get("/decisions").text


def test_audit_page_for_auditors_only(client: TestClient) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    assert client.get("/audit").status_code == 403
    login(client, "auditor", "demo-auditor-pass")
    r = client.get("/audit", params={"verify": "true"})
    assert r.status_code == 200
    assert 'id="verdict"' in r.text and "intact" in r.text


def test_the_demo_exercise_is_a_full_crisis_marked_exercise(client: TestClient) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    board = client.get("/crises").text
    assert "Batken" not in board  # exercises never mix with real crises
    html = client.get("/crises?exercise=true&closed=true").text
    assert "Batken" in html and "EXERCISE" in html
    room = client.get("/crises/1").text
    assert 'data-stage="closed"' in room and "overdue 15 min" in room
    assert "<svg" in room and "Kyrgyzstan" in room


def test_operation_dashboard_charts_and_report(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    html = client.get("/operations/channel").text
    assert "synthetic reports" in html
    first = re.search(r'<table class="data compact" id="corridors">.*?<tbody><tr><td>(\w+)'
                      r'</td><td>(\w+)</td>', html, re.S)
    assert first is not None and first.groups() == ("AFG", "TJK")  # the Northern route
    for path in ("/operations/channel/seizures.png", "/operations/channel/stages.png"):
        r = client.get(path)
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    r = client.get("/operations/channel/report.pdf", params={"stage": "spring-2026"})
    assert r.content.startswith(b"%PDF")


def test_observers_see_only_what_was_released_to_them(client: TestClient,
                                                      demo_db: Database) -> None:
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import operations as ops

    with demo_db.read() as conn:
        seen = ops.statistics(conn, "channel", ["state"], actor=Principal(
            "observer", Role.OBSERVER, observer_of="OSCE"))
        everything = ops.statistics(conn, "channel", ["state"], actor=SYSTEM)
    assert {r.key["state"] for r in seen.rows} == {"KAZ", "KGZ", "TJK"}
    assert len(everything.rows) == 7
