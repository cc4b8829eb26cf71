"""The sessions after years of use: a page at a time, the latest first, narrowed to a
year, on the page and on the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import decisions as dec
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.pages import work
from tests.support.sessions import login

SEC = Principal("sec", Role.SECRETARIAT)


@pytest.fixture
def many(loaded_db: Database, settings: Settings
         ) -> Iterator[tuple[TestClient, dict[str, str], dict[int, datetime]]]:
    """Seven sessions of the Permanent Council, ninety days apart, ending last month."""
    identity.add_user(loaded_db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    body = "permanent-council"
    last = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(
        days=30)
    made = {}
    for n in range(7):
        at = last - timedelta(days=90 * n)
        m = dec.convene(loaded_db, dec.MeetingIn(body=body, opens_at=at, place="Moscow",
                                                 title=f"Session {n}"), actor=SEC)
        made[m.id] = at
    token = api_tokens.issue_token(loaded_db, "sec", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db), base_url="https://testserver") as c:
        login(c, "sec", "a-long-password")
        yield c, {"Authorization": f"Bearer {token}"}, made


def test_the_sessions_page_comes_a_page_at_a_time_the_latest_first(
        many: tuple[TestClient, dict[str, str], dict[int, datetime]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, made = many
    monkeypatch.setattr(work, "SESSIONS_PAGE", 3)
    url, seen = "/sessions", []
    while url:
        r = client.get(url)
        assert r.status_code == 200
        rows = [int(x) for x in re.findall(r'href="/sessions/(\d+)"', r.text)]
        assert 0 < len(rows) <= 3
        seen += rows
        found = re.search(r'<a href="([^"]+)" rel="next">', r.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == sorted(made, key=lambda i: made[i], reverse=True)
    year = made[seen[-1]].year
    r = client.get(f"/sessions?year={year}")
    rows = {int(x) for x in re.findall(r'href="/sessions/(\d+)"', r.text)}
    assert rows == {i for i, at in made.items() if at.year == year}
    assert client.get("/sessions?year=20x").status_code == 422


def test_the_api_pages_the_sessions_and_counts_them(
        many: tuple[TestClient, dict[str, str], dict[int, datetime]]) -> None:
    client, auth, made = many
    r = client.get("/api/v1/sessions?limit=2&offset=1", headers=auth)
    assert r.status_code == 200 and r.headers["X-Total-Count"] == str(len(made))
    latest = sorted(made, key=lambda i: made[i], reverse=True)
    assert [m["id"] for m in r.json()] == latest[1:3]
    year = made[latest[0]].year
    r = client.get(f"/api/v1/sessions?year={year}", headers=auth)
    assert {m["id"] for m in r.json()} == {i for i, at in made.items() if at.year == year}
    for bad in ("limit=0", "limit=501", "offset=-1", "year=1700"):
        r = client.get(f"/api/v1/sessions?{bad}", headers=auth)
        assert r.status_code == 422 and bad.split("=")[0] in r.text


def test_the_exercises_sessions_are_a_register_of_their_own(
        many: tuple[TestClient, dict[str, str], dict[int, datetime]],
        loaded_db: Database) -> None:
    """As the decisions: the real sessions by default, the exercises' apart, each counted
    apart (X-Total-Count)."""
    client, auth, made = many
    at = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    drills = {dec.convene(loaded_db, dec.MeetingIn(
        body="permanent-council", opens_at=at + timedelta(days=n), title=f"Drill {n}",
        exercise=True), actor=SEC).id for n in (1, 2)}
    real = client.get("/api/v1/sessions", headers=auth)
    assert {m["id"] for m in real.json()} == set(made)
    assert real.headers["X-Total-Count"] == "7"
    drilled = client.get("/api/v1/sessions", params={"exercise": "true"}, headers=auth)
    assert {m["id"] for m in drilled.json()} == drills
    assert drilled.headers["X-Total-Count"] == "2"
    page = client.get("/sessions").text
    assert not drills & {int(x) for x in re.findall(r'href="/sessions/(\d+)"', page)}
    page = client.get("/sessions?exercise=true&lang=ru").text
    assert {int(x) for x in re.findall(r'href="/sessions/(\d+)"', page)} == drills
    assert "Заседания учений" in page
