"""Times as the Secretariat reads them where it sits (Moscow, setting `working_time_zone`):
beside UTC on a session's and a written procedure's pages, and a written procedure's
deadline falling on a day off (setting `days_off`) kept only once confirmed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, login, token


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _next(weekday: int, hour: int) -> datetime:
    """The first such day of the week (Monday 0) at least three days ahead, at `hour` UTC."""
    day = (now() + timedelta(days=3)).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _drafts(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.draft)).scalar_one())


def test_a_deadline_on_a_saturday_is_kept_only_once_confirmed(
        client: TestClient, accounts_db: Database) -> None:
    saturday = _next(5, 15)
    login(client, "secretariat")
    page = client.get("/sessions?lang=ru").text
    form = {"csrf_token": token(page), "body": "csc", "title": "О заявлении СКБ",
            "text_ru": "Принять заявление.", "deadline": f"{saturday:%Y-%m-%dT%H:%M}"}
    before = _drafts(accounts_db)
    r = client.post("/written?lang=ru", data=form)
    assert r.status_code == 422
    error = re.search(r'id="written-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == (
        "Срок приходится на выходной день по месту пребывания Секретариата (Москва: "
        f"суббота, {saturday:%d.%m.%Y} 18:00): выберите рабочий день или отметьте "
        "«Оставить срок в выходной день».")
    assert 'id="day-off-ok"' in r.text and "О заявлении СКБ" in r.text  # the input kept
    assert _drafts(accounts_db) == before  # nothing written

    r = client.post("/written", data={**form, "day_off_ok": "true"}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"{r.headers['location']}?lang=ru").text
    at_seat = re.search(r'id="deadline-at-seat">\(([^)]+)\)', page)
    assert at_seat is not None
    assert at_seat.group(1) == f"Москва: суббота, {saturday:%d.%m.%Y} 18:00"
    assert re.search(r'id="deadline-day-off">Срок истекает в выходной день по месту '
                     r"пребывания Секретариата \(суббота\)\.<", page)


def test_a_deadline_on_a_working_day_goes_round_at_once(
        client: TestClient, accounts_db: Database) -> None:
    """Friday 22:30 UTC is already Saturday in Moscow: refused; Friday 12:00 is not."""
    friday_late, friday = _next(4, 22).replace(minute=30), _next(4, 12)
    login(client, "secretariat")
    page = client.get("/sessions?lang=en").text
    form = {"csrf_token": token(page), "body": "csc", "title": "On the statement",
            "text_en": "To adopt the statement."}
    r = client.post("/written?lang=en", data={**form,
                                              "deadline": f"{friday_late:%Y-%m-%dT%H:%M}"})
    assert r.status_code == 422 and "Moscow: Saturday" in r.text
    r = client.post("/written", data={**form, "deadline": f"{friday:%Y-%m-%dT%H:%M}"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"{r.headers['location']}?lang=en").text
    assert 'id="deadline-day-off"' not in page
    assert f"(Moscow: Friday, {friday:%Y-%m-%d} 15:00)" in page


def test_a_sessions_opening_in_moscow_time(client: TestClient, accounts_db: Database) -> None:
    opens = _next(2, 7)
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=opens), actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert f"{opens:%d.%m.%Y} 07:00 UTC" in page
    assert re.search(r'id="opens-at-seat">\(Москва: среда, '
                     + re.escape(f"{opens:%d.%m.%Y}") + r" 10:00\)<", page)
    listing = client.get("/sessions?lang=ru").text
    assert f"Москва: среда, {opens:%d.%m.%Y} 10:00" in listing



def test_a_deadline_at_monday_midnight_names_sunday_as_the_day_off(
        client: TestClient, accounts_db: Database) -> None:
    """Monday 00:00 in Moscow (Sunday 21:00 UTC) leaves Sunday as the last day to answer:
    the refusal says so, instead of calling a Monday a day off."""
    monday = _next(6, 21)  # Sunday 21:00 UTC, Monday 00:00 in Moscow
    login(client, "secretariat")
    page = client.get("/sessions?lang=ru").text
    form = {"csrf_token": token(page), "body": "csc", "title": "О заявлении СКБ",
            "text_ru": "Принять заявление.", "deadline": f"{monday:%Y-%m-%dT%H:%M}"}
    r = client.post("/written?lang=ru", data=form)
    assert r.status_code == 422
    error = re.search(r'id="written-error">([^<]+)<', r.text)
    assert error is not None
    local = monday + timedelta(hours=3)
    assert error.group(1) == (
        "Срок приходится на выходной день по месту пребывания Секретариата (Москва: "
        f"понедельник, {local:%d.%m.%Y} 00:00; последний день для ответа — воскресенье): "
        "выберите рабочий день или отметьте «Оставить срок в выходной день».")
