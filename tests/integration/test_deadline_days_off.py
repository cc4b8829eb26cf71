"""A written or silence procedure's deadline falling on a day off where the Secretariat
sits (settings `working_time_zone`, `days_off`) is kept only once confirmed, whichever
way the draft goes round: the API (422 naming `deadline`, the local date and the day,
unless `deadline_on_day_off`), the command line (non-zero exit unless `--day-off-ok`),
the sessions page (its box: tests/integration/test_seat_time.py); nothing is written
when refused. Over every day of a week, for the CSTO (Moscow, Saturday and Sunday off)
and the Danube Alliance (Vienna, Friday to Sunday off)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions import procedure
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import DayOff
from phalanx.web.app import create_app
from tests.integration.test_cli import cli_db  # noqa: F401 (a fixture)
from tests.support.sessions import bearer

SEC = Principal("secretariat", Role.SECRETARIAT)
DANUBE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
MONDAY = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)  # the clock of the table tests
runner = CliRunner()


def _next(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The first such day of the week (Monday 0) at least three days ahead, UTC."""
    day = (clock.now() + timedelta(days=3)).date()
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _count(db: Database, table: Table) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_the_api_refuses_a_sunday_deadline_unless_confirmed(
        client: TestClient, accounts_db: Database) -> None:
    sunday = _next(6, 9)  # 12:00 in Moscow
    sec = bearer(accounts_db, "secretariat")
    draft = {"body": "csc", "procedure": "written", "title": "On the statement",
             "text_en": "To adopt the statement.", "deadline": sunday.isoformat()}
    drafts, entries = _count(accounts_db, t.draft), _count(accounts_db, t.audit_log)
    r = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    [error] = r.json()["errors"]
    assert error["where"] == "deadline"
    assert error["message"] == (
        "the deadline falls on a day off where the Secretariat sits (sunday, "
        f"{sunday:%Y-%m-%d} 12:00, Europe/Moscow): choose a working day, or confirm the "
        "day off")
    r = client.post("/api/v1/drafts", headers={**sec, "Accept-Language": "ru"}, json=draft)
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == (
        "срок приходится на выходной день по месту пребывания Секретариата (воскресенье, "
        f"{sunday:%d.%m.%Y} 12:00, Europe/Moscow): выберите рабочий день или подтвердите "
        "выходной день")
    # nothing written: no draft, no audit entry (the token's own entry came before)
    assert (_count(accounts_db, t.draft), _count(accounts_db, t.audit_log)) == (drafts, entries)

    r = client.post("/api/v1/drafts", headers=sec, json={**draft, "deadline_on_day_off": True})
    assert r.status_code == 201, r.text
    assert r.json()["deadline"].startswith(f"{sunday:%Y-%m-%dT09:00}")
    with accounts_db.read() as conn:
        change = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "draft.propose").order_by(
            t.audit_log.c.id.desc())).scalars().first()
    assert json.loads(change)["deadline_on_day_off"] == "sunday"


def test_a_draft_refused_for_another_reason_asks_no_confirmation(
        client: TestClient, accounts_db: Database) -> None:
    """The Council decides by no silence procedure: that refusal comes first, the day off
    is asked about only of a draft that would otherwise go round."""
    sec = bearer(accounts_db, "secretariat")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "silence", "title": "On the statement",
        "text_en": "To adopt the statement.", "deadline": _next(6, 9).isoformat()})
    assert r.status_code == 422
    assert [e["where"] for e in r.json()["errors"]] == ["procedure"]


def test_the_api_reads_the_deadline_where_the_secretariat_sits(
        client: TestClient, accounts_db: Database) -> None:
    """Friday 22:30 UTC is Saturday in Moscow: refused. Monday 01:00 in Moscow, sent with
    its offset, is Sunday 22:00 UTC: a working day there, taken, and kept as that UTC
    moment."""
    sec = bearer(accounts_db, "secretariat")
    draft = {"body": "csc", "procedure": "written", "title": "On the statement",
             "text_en": "To adopt the statement."}
    friday = _next(4, 22, 30)
    r = client.post("/api/v1/drafts", headers=sec,
                    json={**draft, "deadline": friday.isoformat()})
    assert r.status_code == 422 and "(saturday, " in r.json()["errors"][0]["message"]
    monday = _next(0, 1).replace(tzinfo=None)  # local figures, sent with Moscow's offset
    r = client.post("/api/v1/drafts", headers=sec,
                    json={**draft, "deadline": f"{monday:%Y-%m-%dT%H:%M}+03:00"})
    assert r.status_code == 201, r.text
    sent = datetime.fromisoformat(r.json()["deadline"])
    assert sent == monday.replace(tzinfo=UTC) - timedelta(hours=3)
    with accounts_db.read() as conn:  # read back as stored, not as sent
        d = dec.get_draft(conn, r.json()["id"], actor=SEC)
    assert d.deadline == sent


def test_a_deadline_at_midnight_names_the_day_off_it_ends_with_its_own_date(
        client: TestClient, accounts_db: Database) -> None:
    """Monday 00:00 in Moscow leaves Sunday as the last day to answer: refused, and the
    refusal names Sunday with Sunday's date, beside the deadline's own moment (Monday
    00:00), never "sunday" beside Monday's date; in Russian likewise."""
    monday = _next(0, 0).replace(tzinfo=None)  # local figures, sent with Moscow's offset
    sunday = monday - timedelta(days=1)
    sec = bearer(accounts_db, "secretariat")
    draft = {"body": "csc", "procedure": "written", "title": "On the statement",
             "text_en": "To adopt the statement.",
             "deadline": f"{monday:%Y-%m-%dT%H:%M}+03:00"}
    r = client.post("/api/v1/drafts", headers=sec, json=draft)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["message"] == (
        f"the deadline falls on a day off where the Secretariat sits ({monday:%Y-%m-%d} "
        f"00:00, Europe/Moscow; the last day to answer is sunday, {sunday:%Y-%m-%d}): "
        "choose a working day, or confirm the day off")
    r = client.post("/api/v1/drafts", headers={**sec, "Accept-Language": "ru"}, json=draft)
    assert r.json()["errors"][0]["message"] == (
        "срок приходится на выходной день по месту пребывания Секретариата "
        f"({monday:%d.%m.%Y} 00:00, Europe/Moscow; последний день для ответа — "
        f"воскресенье, {sunday:%d.%m.%Y}): выберите рабочий день или подтвердите "
        "выходной день")


def test_the_command_line_refuses_a_saturday_deadline_unless_day_off_ok(
        cli_db: str) -> None:  # noqa: F811
    assert runner.invoke(cli, ["load", "--builtin", "csto"]).exit_code == 0
    saturday = _next(5, 12)
    args = ["decisions", "circulate", "--body", "csc", "--title", "On the statement",
            "--text-en", "To adopt the statement.", "--deadline", saturday.isoformat()]
    r = runner.invoke(cli, args)
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "deadline: the deadline falls on a day off" in said
    assert f"(saturday, {saturday:%Y-%m-%d} 15:00, Europe/Moscow)" in said
    assert "--day-off-ok" in said
    db = Database.from_url(cli_db)
    assert (_count(db, t.draft), _count(db, t.draft_version)) == (0, 0)  # nothing written

    r = runner.invoke(cli, [*args, "--day-off-ok", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["procedure"] == "written" and out["signing_order"]
    r = runner.invoke(cli, [*args[:-1], _next(0, 12).isoformat(), "--json"])
    assert r.exit_code == 0, r.output  # a Monday goes round without the flag


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, DANUBE, actor=SYSTEM)
    return sqlite_db


CASES = [("csto", "csc", "written", "Europe/Moscow", {"saturday", "sunday"}),
         ("danube", "supreme-council", "silence", "Europe/Vienna",
          {"friday", "saturday", "sunday"})]


@pytest.mark.parametrize(("org", "body", "by", "zone", "off"), CASES,
                         ids=[c[0] for c in CASES])
def test_every_day_of_a_week(org: str, body: str, by: str, zone: str, off: set[str],
                             request: pytest.FixtureRequest) -> None:
    """Each day of the week after MONDAY, at 12:00 and at 00:30 where the Secretariat
    sits: refused exactly on the organization's days off, taken once confirmed."""
    from zoneinfo import ZoneInfo

    db: Database = request.getfixturevalue("accounts_db" if org == "csto" else "danube_db")
    seen: list[str] = []
    with clock.use(MONDAY):
        for n in range(1, 8):
            for hour, minute in ((12, 0), (0, 30)):
                local = datetime(2027, 3, 1 + n, hour, minute, tzinfo=ZoneInfo(zone))
                name = procedure.WEEKDAYS[local.weekday()]
                seen.append(name)
                data = dec.DraftIn(body=body, procedure=by, title=f"On {name}",
                                   text_en="To approve.", deadline=local.astimezone(UTC))
                before = _count(db, t.draft)
                if name in off:
                    with pytest.raises(DayOff) as refused:
                        dec.propose_draft(db, data, actor=SEC)
                    assert (refused.value.where, refused.value.day) == ("deadline", name)
                    assert refused.value.local == local
                    assert _count(db, t.draft) == before
                    data = data.model_copy(update={"deadline_on_day_off": True})
                d = dec.propose_draft(db, data, actor=SEC)
                assert d.deadline == local.astimezone(UTC)
                assert _count(db, t.draft) == before + 1
    assert sorted(set(seen)) == sorted(procedure.WEEKDAYS)  # the whole week, each day
