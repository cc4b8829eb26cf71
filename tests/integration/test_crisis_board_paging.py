"""The crisis board after years of use: the ended crises come a page at a time, after the
open ones, and a reader narrows the board to a state, a year, a stage; on the API too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain import calendar
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, identity
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.clock import use
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.pages import crises as crisis_pages
from tests.support.sessions import login

SEC = Principal("sec", Role.SECRETARIAT)
STATES = ["ARM", "KAZ", "KGZ"]


def _crisis(db: Database, n: int, at: datetime, ended: bool) -> int:
    state = STATES[n % len(STATES)]
    rep = Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)
    with use(at):
        c = crises.open_crisis(db, crises.CrisisIn(
            title=f"Floods no. {n}", category="natural_disaster", affected=[state],
            severity="moderate"), actor=rep, at=at)
        if ended:
            crises.convene_consultations(db, c.id, actor=SEC, at=at)
            crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=at)
            crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, at=at,
                              reason="handled by the member's own means")
    return c.id


@pytest.fixture
def board(loaded_db: Database, settings: Settings
          ) -> Iterator[tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]]]:
    """Fourteen ended crises over two years and three open ones; the client signed in as
    the Secretariat, with its token for the API; each crisis's state, year (the
    organization's, in its working time zone: a crisis reported at 21:00 UTC on 31
    December is of the next year in Moscow), and whether it ended."""
    identity.add_user(loaded_db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    # the tenth reported at 22:30 UTC on 31 December two years ago: the next year's in Moscow
    eve = datetime(datetime.now(UTC).year - 2, 12, 31, 22, 30, tzinfo=UTC)
    start = eve - timedelta(days=40 * 9)
    with loaded_db.read() as conn:
        zone = orgs.working_zone(conn)
    made: dict[int, tuple[str, int, bool]] = {}
    assert calendar.day_of(eve, zone).year == eve.year + 1
    for n in range(17):
        at = start + timedelta(days=40 * n)
        cid = _crisis(loaded_db, n, at, ended=n < 14)
        made[cid] = (STATES[n % len(STATES)], calendar.day_of(at, zone).year, n < 14)
    token = api_tokens.issue_token(loaded_db, "sec", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db), base_url="https://testserver") as c:
        login(c, "sec", "a-long-password")
        yield c, {"Authorization": f"Bearer {token}"}, made


def test_the_api_gives_the_board_a_page_at_a_time_with_the_total(
        board: tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]]) -> None:
    client, auth, made = board
    seen: list[int] = []
    for offset in range(0, 20, 5):
        r = client.get(f"/api/v1/crises?closed=true&limit=5&offset={offset}", headers=auth)
        assert r.status_code == 200
        assert r.headers["X-Total-Count"] == str(len(made))
        page = [c["id"] for c in r.json()]
        assert len(page) == min(5, len(made) - offset)
        seen += page
    assert sorted(seen) == sorted(made)  # every crisis once, none twice
    ended = [cid for cid in seen if made[cid][2]]
    assert seen[:3] == [cid for cid in seen if not made[cid][2]]  # the open ones first
    assert ended == sorted(ended, reverse=True)  # then the latest reported first
    # without `closed`, the open ones only, and their count
    r = client.get("/api/v1/crises", headers=auth)
    assert r.headers["X-Total-Count"] == "3" and len(r.json()) == 3


def test_the_api_narrows_the_board_to_a_state_a_year_a_stage(
        board: tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]]) -> None:
    client, auth, made = board
    year = sorted({y for _, y, _ in made.values()})[0]
    for query, wanted in (
            ("state=KAZ", {i for i, (s, _, _) in made.items() if s == "KAZ"}),
            (f"year={year}", {i for i, (_, y, _) in made.items() if y == year}),
            (f"state=KGZ&year={year}",
             {i for i, (s, y, _) in made.items() if s == "KGZ" and y == year})):
        r = client.get(f"/api/v1/crises?closed=true&{query}&limit=500", headers=auth)
        assert r.status_code == 200, r.text
        assert {c["id"] for c in r.json()} == wanted, query
        assert r.headers["X-Total-Count"] == str(len(wanted))
    # a closing stage asked for shows the ended crises without `closed`
    r = client.get("/api/v1/crises?stage=no_action&limit=500", headers=auth)
    assert {c["id"] for c in r.json()} == {i for i, (_, _, e) in made.items() if e}
    r = client.get("/api/v1/crises?stage=reported&closed=true", headers=auth)
    assert {c["id"] for c in r.json()} == {i for i, (_, _, e) in made.items() if not e}


@pytest.mark.parametrize("query", ["state=kaz", "year=1800", "stage=over", "limit=0",
                                   "limit=100000", "offset=-1"])
def test_a_wrong_filter_on_the_api_is_refused_with_its_place(
        board: tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]],
        query: str) -> None:
    client, auth, _ = board
    r = client.get(f"/api/v1/crises?closed=true&{query}", headers=auth)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert query.split("=")[0] in r.text


def _rows(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-crisis="(\d+)"', html)]


def test_the_board_page_is_paged_and_its_links_reach_every_crisis(
        board: tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, made = board
    monkeypatch.setattr(crisis_pages, "BOARD_PAGE", 6)
    url, seen, pages = "/crises?closed=true", [], 0
    while url:
        r = client.get(url)
        assert r.status_code == 200
        rows = _rows(r.text)
        assert 0 < len(rows) <= 6
        seen += rows
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', r.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert pages == 3 and sorted(seen) == sorted(made)
    assert f"13–{len(made)} of {len(made)}" in r.text
    # the open board alone fits a page: no pager
    r = client.get("/crises")
    assert len(_rows(r.text)) == 3 and 'id="board-pager"' not in r.text


def test_the_board_page_filters_by_state_and_year_and_keeps_them_in_its_links(
        board: tuple[TestClient, dict[str, str], dict[int, tuple[str, int, bool]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    client, _, made = board
    monkeypatch.setattr(crisis_pages, "BOARD_PAGE", 1)
    # 17 crises of 3 states over at most 3 years: one state and year have two or more
    state, year = max(((s, y) for s, y, _ in made.values()), key=lambda k: sum(
        1 for s, y, _ in made.values() if (s, y) == k))
    wanted = {i for i, (s, y, _) in made.items() if (s, y) == (state, year)}
    assert len(wanted) > 1  # more than a page
    r = client.get(f"/crises?closed=true&state={state}&year={year}")
    assert len(_rows(r.text)) == 1 and set(_rows(r.text)) <= wanted
    nxt = re.search(r'<a href="([^"]+)" rel="next">', r.text)
    assert nxt is not None and f"state={state}&amp;year={year}" in nxt.group(1)
    r = client.get(nxt.group(1).replace("&amp;", "&"))
    assert len(_rows(r.text)) == 1 and set(_rows(r.text)) <= wanted
    assert f'<option value="{state}" selected>' in r.text
    r = client.get("/crises?closed=true&stage=bogus")
    assert r.status_code == 422 and "stage" in r.text
