"""How long each member's answer to the affected state's official request has waited
reads on the crisis room as the stage clocks do, in days, hours and minutes in the page's
language ("1 сут. 3 ч"), not in hours with a decimal comma ("27,3 ч")."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from phalanx.services import clock, crises
from phalanx.services.db import Database
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    page_settings,
)
from tests.integration.test_response_chain import SEC, request

PO = (Path(__file__).resolve().parents[2] / "src/phalanx/web/i18n/locale/ru/LC_MESSAGES/"
      "messages.po")


@pytest.fixture
def asked_a_day_ago(demo_db: Database) -> int:  # noqa: F811
    now = clock.now()
    c = crises.open_crisis(demo_db, crises.CrisisIn(
        title="Shelling across the border", category="armed_attack", affected=["KGZ"]),
        actor=SEC, at=now - timedelta(hours=28))
    request(demo_db, c.id, now - timedelta(hours=27, minutes=20))
    return c.id


def _waiting(html: str) -> list[str]:
    """The last cell of each member's line of the obligation's table."""
    return [unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(
        r'<tr data-state="[A-Z]{3}"[^>]*><th scope="row" class="name">.*?</th>'
        r'(?:<td>.*?</td>){2}<td>(.*?)</td></tr>', html)]


@pytest.mark.parametrize(("lang", "late"), [("ru", "1 сут. 3 ч"), ("en", "1 d 3 h")])
def test_a_members_wait_reads_in_days_and_hours(client: TestClient,  # noqa: F811
                                                asked_a_day_ago: int, lang: str,
                                                late: str) -> None:
    login(client, "rep-kaz", "demo-rep-kaz")
    html = client.get(f"/crises/{asked_a_day_ago}?lang={lang}").text
    waiting = _waiting(html)
    assert len(waiting) >= 4, waiting
    assert all(w.startswith(late) for w in waiting), waiting
    assert not any(re.search(r"\d[.,]\d", w) for w in waiting), waiting


def test_no_longer_awaited_names_the_affected_state_as_the_room_does() -> None:
    # the room's heading says "пострадавшее государство"; so does every Russian text of
    # the affected state, the line no longer awaited after its request's withdrawal too
    with PO.open("rb") as f:
        catalog = read_po(f)
    found = [m for m in catalog if isinstance(m.id, str) and "the affected state" in m.id]
    assert any(m.id.startswith("no longer awaited") for m in found)
    assert [m.id for m in found if "затронут" in str(m.string)] == []


@pytest.mark.parametrize(("lang", "day"), [("ru", "1 сут."), ("en", "1 d")])
def test_the_response_card_reads_in_days_hours_and_minutes(client: TestClient,  # noqa: F811
                                                           asked_a_day_ago: int, lang: str,
                                                           day: str) -> None:
    # the card's elapsed and target times, as the stage clocks below it read
    login(client, "secretariat", "demo-secretariat")
    html = client.get(f"/crises/{asked_a_day_ago}?lang={lang}").text
    cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for row in re.findall(
        r'<tr data-measure="[a-z_]+"[^>]*>(.*?)</tr>', html)
        for c in re.findall(r"<td>(.*?)</td>", row)[1:3]]
    assert len(cells) >= 8, cells
    assert not any(re.search(r"\d[.,]\d", c) for c in cells), cells
    assert day in cells, cells  # the decision's 24 hours read as a day


@pytest.mark.parametrize(("lang", "head"), [("ru", "Просрочено"), ("en", "Overdue")])
def test_the_crisis_board_says_how_late_under_a_heading_like_the_others(
        client: TestClient, asked_a_day_ago: int, lang: str,  # noqa: F811
        head: str) -> None:
    # reported 28 hours ago and left at its first stage: late by more than a day
    login(client, "secretariat", "demo-secretariat")
    html = client.get(f"/crises?lang={lang}").text
    heads = re.findall(r"<th>([^<]*)</th>", html.split("</thead>")[0])
    assert heads[-1] == head, heads
    row = re.search(rf'<a href="/crises/{asked_a_day_ago}">.*?</tr>', html, re.S)
    assert row is not None
    late = re.findall(r"<td><strong>([^<]+)</strong></td>", row.group(0))
    assert len(late) == 1 and re.fullmatch(r"1 (сут\.|d) \d+ (ч|h)", late[0]), late
