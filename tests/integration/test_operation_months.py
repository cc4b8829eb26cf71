"""Statistics by month within a year, from the reports' days: each month of the year
asked, of the reports the reader may read (a state's own national ones, the
organization's released ones), never January of one year added to January of another;
on the API, the command line, the page (a chart of the months, in Russian month names on
a Russian page) and the CSV file."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.migrate import downgrade, upgrade
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import identity
from phalanx.services import operations as ops
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

SEC = Principal("sec", Role.SECRETARIAT)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
REP_KGZ = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")


def seizure(ref: str, day: str, stage: str, quantity: str) -> dict[str, Any]:
    return {"reference": ref, "date": day, "stage": stage, "metric": "seizure",
            "substance": "heroin", "quantity": quantity, "unit": "kg", "area": "Osh"}


# Kazakhstan's in March and April 2025 and March 2026, released; Kyrgyzstan's in
# April 2025, national
KAZ = [seizure("K-1", "2025-03-10", "spring-2025", "100"),
       seizure("K-2", "2025-03-31", "spring-2025", "20"),
       seizure("K-3", "2025-04-01", "spring-2025", "5"),
       seizure("K-4", "2026-03-10", "spring-2026", "7")]
KGZ = [seizure("G-1", "2025-04-02", "spring-2025", "1000")]


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def loaded(db: Database) -> Database:
    assert ops.ingest(db, "channel", "KAZ", "customs", list(enumerate(KAZ, start=2)),
                      actor=SYSTEM).stored == 4
    assert ops.ingest(db, "channel", "KGZ", "customs", list(enumerate(KGZ, start=2)),
                      actor=SYSTEM).stored == 1
    ops.release(db, "channel", actor=REP_KAZ)
    return db


def _months(s: ops.Statistics) -> list[tuple[Any, ...]]:
    return [(*r.key.values(), r.quantity, r.reports) for r in s.rows]


def test_the_months_of_a_year_count_what_the_reader_may_read(loaded: Database) -> None:
    with loaded.read() as conn:
        sec = ops.statistics(conn, "channel", ["month"], actor=SEC, year=2025, unit="kg")
        kgz = ops.statistics(conn, "channel", ["month"], actor=REP_KGZ, year=2025,
                             unit="kg")
    assert sec.by == ["month", "metric"]
    # the Secretariat: Kazakhstan's released reports, not Kyrgyzstan's national one
    assert _months(sec) == [(3, "seizure", 120.0, 2), (4, "seizure", 5.0, 1)]
    # Kyrgyzstan's representative: its own national report beside the released ones
    assert _months(kgz) == [(3, "seizure", 120.0, 2), (4, "seizure", 1005.0, 2)]


def test_months_of_different_years_are_never_one_sum(loaded: Database) -> None:
    with loaded.read() as conn:
        s = ops.statistics(conn, "channel", ["month"], actor=SEC, unit="kg")
    assert s.by == ["year", "month", "metric"]
    assert _months(s) == [(2025, 3, "seizure", 120.0, 2), (2025, 4, "seizure", 5.0, 1),
                          (2026, 3, "seizure", 7.0, 1)]


def test_a_withdrawn_or_corrected_report_moves_out_of_its_month(loaded: Database) -> None:
    from phalanx.services import operation_withdrawal

    operation_withdrawal.withdraw(loaded, "channel", "KAZ", "customs", "K-2",
                                  reason="sent by mistake", actor=SEC)
    # K-1 corrected: it happened in April
    assert ops.ingest(loaded, "channel", "KAZ", "customs",
                      [(2, seizure("K-1", "2025-04-20", "spring-2025", "100"))],
                      actor=SYSTEM).replaced == 1
    with loaded.read() as conn:
        s = ops.statistics(conn, "channel", ["month"], actor=SEC, year=2025, unit="kg")
    assert _months(s) == [(4, "seizure", 105.0, 2)]


def test_the_totals_of_an_older_database_are_recounted_by_month(loaded: Database) -> None:
    downgrade(loaded.engine, "0044")
    upgrade(loaded.engine)
    with loaded.read() as conn:
        months = sorted(conn.execute(select(t.op_total.c.state_code, t.op_total.c.year,
                                            t.op_total.c.month, t.op_total.c.quantity)))
        s = ops.statistics(conn, "channel", ["month"], actor=SEC, year=2025, unit="kg")
    assert months == [("KAZ", 2025, 3, 120.0), ("KAZ", 2025, 4, 5.0),
                      ("KAZ", 2026, 3, 7.0), ("KGZ", 2025, 4, 1000.0)]
    assert _months(s) == [(3, "seizure", 120.0, 2), (4, "seizure", 5.0, 1)]


def test_the_api_gives_the_months_of_a_year(loaded: Database, settings: Settings) -> None:
    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    auth = {"Authorization": "Bearer " + api_tokens.issue_token(loaded, "sec",
                                                                actor=SYSTEM).token}
    with TestClient(create_app(settings, loaded)) as client:
        r = client.get("/api/v1/operations/channel/statistics", headers=auth,
                       params={"by": "month", "year": "2025", "metric": "seizure",
                               "unit": "kg"})
        wrong = client.get("/api/v1/operations/channel/statistics", headers=auth,
                           params={"by": "week", "year": "2025"})
    assert r.status_code == 200, r.text
    assert r.json()["by"] == ["month"]
    assert [(x["key"], x["quantity"], x["reports"]) for x in r.json()["rows"]] == [
        ({"month": 3}, 120.0, 2), ({"month": 4}, 5.0, 1)]
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")


def test_the_command_line_gives_the_months_of_a_year(
        loaded: Database, settings: Settings, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from phalanx.cli.main import app
    from phalanx.config import get_settings

    # the command line reads the database its settings name: this test's, either engine
    monkeypatch.setenv("PHALANX_DATABASE_URL",
                       loaded.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "cli-audit.key"))
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["ops", "stats", "channel", "--by", "month",
                                       "--year", "2025", "--json"])
        table = CliRunner().invoke(app, ["ops", "stats", "channel", "--by", "month",
                                         "--year", "2025"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert [(x["key"], x["quantity"]) for x in json.loads(out.output)["rows"]] == [
        ({"month": 3, "metric": "seizure", "unit": "kg"}, 120.0),
        ({"month": 4, "metric": "seizure", "unit": "kg"}, 1005.0)]
    assert table.exit_code == 0 and re.search(r"│\s+3\s+│\s+seizure", table.output)


def test_the_page_charts_the_months_of_the_year_in_the_page_language(
        loaded: Database, settings: Settings) -> None:
    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    with TestClient(create_app(settings, loaded)) as client:
        login(client, "sec", "a-long-password")
        english = client.get("/operations/channel", params={"year": "2025"}).text
        latest = client.get("/operations/channel").text
        client.cookies.set("lang", "ru")
        russian = client.get("/operations/channel", params={"year": "2025"}).text
    chart = re.search(r'<svg[^>]*data-chart="month-chart".*?</svg>', english, re.S)
    assert chart is not None
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)<', chart.group(0))
    assert labels[:4] == ["Jan", "Feb", "Mar", "Apr"] and len(labels) == 12
    bars = re.findall(r'data-label="([^"]*)" data-value="([^"]*)"', chart.group(0))
    assert ("Mar", "120") in bars and ("Apr", "5") in bars and ("Jan", "0") in bars
    assert "Seizures by month, 2025" in chart.group(0)
    # with no year asked, the latest year the reader has reports of
    assert "Seizures by month, 2026" in latest
    ru = re.search(r'<svg[^>]*data-chart="month-chart".*?</svg>', russian, re.S)
    assert ru is not None
    assert re.findall(r'<text class="label"[^>]*>([^<]*)<', ru.group(0))[2:4] == [
        "март", "апр."]
    assert "Изъятия по месяцам, 2025" in ru.group(0)
    table = re.search(r'id="month-totals".*?</table>', russian, re.S)
    assert table is not None and "<th>Месяц</th>" in table.group(0)
    assert re.search(r'<th scope="row" class="name">март</th><td>120,00\s*кг</td>',
                     table.group(0)), table.group(0)
    # a heading to reach the months by, each bar's figure with its unit, a named CSV link
    assert '<h2 id="by-month-title">По месяцам, 2025</h2>' in russian
    assert 'aria-label="март, изъятия: 120 кг"' in ru.group(0)
    assert ">Показанная статистика в CSV</a>" in russian


def test_the_csv_has_the_months_and_is_in_russian_on_a_russian_page(
        loaded: Database, settings: Settings) -> None:
    import csv
    import io

    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    with TestClient(create_app(settings, loaded)) as client:
        login(client, "sec", "a-long-password")
        english = client.get("/operations/channel/statistics.csv", params={"year": "2025"})
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel", params={"year": "2025"}).text
        link = re.search(r'href="([^"]*)" download id="statistics-csv"', page)
        assert link is not None
        russian = client.get(link.group(1).replace("&amp;", "&"))
        keys = client.get("/operations/channel/statistics.csv",
                          params={"year": "2025", "lang": "en"})
    rows = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert [(r["year"], r["month"], r["stage"], r["state"], r["metric"], r["unit"],
             r["quantity"]) for r in rows] == [
        ("2025", "3", "spring-2025", "KAZ", "seizure", "kg", "120"),
        ("2025", "4", "spring-2025", "KAZ", "seizure", "kg", "5")]
    text = russian.content.decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Год", "Месяц", "Этап", "Государство", "Ведомство", "Показатель",
                      "Вещество", "Ед. изм.", "Количество", "Донесений", "Гриф"]
    assert lines[0] == ["2025", "3", "«Канал» – весна 2025", "Казахстан", "таможня",
                        "изъятия", "героин", "кг", "120", "2", "ДЛЯ ОРГАНИЗАЦИИ"]
    # the same file for a program: the keys, whatever the page's language
    assert keys.content.decode("utf-8-sig").splitlines()[0] == (
        "year,month,stage,state,agency,metric,substance,unit,quantity,reports,marking")
