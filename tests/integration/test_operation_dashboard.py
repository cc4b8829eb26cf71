"""The operation's page and report agree with what was entered: every figure of a stage
or a year is of that stage or year (the corridors and the chart by stage too), the
seizures of all substances are added up beside the organization's total of drugs
seized, and a substance the organization gave no figure for is drawn with none, not a
zero."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import operations as ops
from phalanx.services import opsreport
from phalanx.services.db import Database
from phalanx.web import charts
from phalanx.web.app import create_app
from tests.support.sessions import login

SEC = Principal("sec", Role.SECRETARIAT)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")


def seizure(ref: str, day: str, stage: str, substance: str, quantity: str, unit: str,
            route: tuple[str, str] = ("AFG", "TJK")) -> dict[str, Any]:
    return {"reference": ref, "date": day, "stage": stage, "metric": "seizure",
            "substance": substance, "quantity": quantity, "unit": unit, "area": "Shymkent",
            "route_from": route[0], "route_to": route[1]}


# two stages of two years: 2025 only on AFG-TJK, 2026 only on TJK-KAZ
ROWS = [seizure("K-1", "2025-03-10", "spring-2025", "heroin", "1,5", "т"),
        seizure("K-2", "2025-04-01", "spring-2025", "cannabis", "250", "kg"),
        seizure("K-3", "2026-03-10", "spring-2026", "hashish", "2", "t", ("TJK", "KAZ")),
        seizure("K-4", "2026-03-11", "spring-2026", "heroin", "500", "г", ("TJK", "KAZ"))]


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def loaded(db: Database) -> Database:
    from phalanx.domain.access.principal import SYSTEM

    r = ops.ingest(db, "channel", "KAZ", "customs", list(enumerate(ROWS, start=2)),
                   actor=SYSTEM)
    assert r.stored == 4, r.errors
    ops.release(db, "channel", actor=REP_KAZ)
    return db


def test_every_figure_of_a_year_is_of_that_year(loaded: Database) -> None:
    with loaded.read() as conn:
        d = opsreport.dashboard(conn, "channel", actor=SEC, year=2025)
        stages = opsreport.by_stage(conn, "channel", actor=SEC, year=2025)
        whole = opsreport.dashboard(conn, "channel", actor=SEC)
    assert [(c.route_from, c.route_to, c.seizures, c.kg) for c in d["corridors"]] == [
        ("AFG", "TJK", 2, 1750.0)]
    assert stages == {"KAZ": [("Channel – Spring 2025", 1750.0)]}
    assert [(r.key["unit"], r.quantity, r.reports) for r in d["seized"]] == [
        ("kg", 1750.0, 2)]
    assert [(r.key["unit"], r.quantity, r.reports) for r in whole["seized"]] == [
        ("kg", 3750.5, 4)]
    assert sorted((c.route_from, c.route_to) for c in whole["corridors"]) == [
        ("AFG", "TJK"), ("TJK", "KAZ")]


def test_a_substance_without_a_historical_figure_has_none(loaded: Database) -> None:
    with loaded.read() as conn:
        keys, values, hist = opsreport.by_substance(conn, "channel", actor=SEC)
    assert keys == ["hashish", "heroin", "cannabis"]
    assert values == [2000.0, 1500.5, 250.0]
    assert hist == [42000.0, 12000.0, None]  # the dataset gives none for cannabis
    svg = charts.bars(keys, {"reported": values, "historical": hist}, "Seizures", "kg")
    tips = re.findall(r"<title>([^<]*)</title>", svg)
    assert "cannabis, reported: 250 kg" in tips  # with the chart's unit
    assert not any(t.startswith("cannabis, historical") for t in tips)
    assert "hashish, historical: 42,000 kg" in tips


def test_the_page_adds_up_the_seizures_of_the_year(loaded: Database,
                                                   settings: Settings) -> None:
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import identity

    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    with TestClient(create_app(settings, loaded)) as client:
        login(client, "sec", "a-long-password")
        page = client.get("/operations/channel", params={"year": "2026"}).text
    total = re.search(r'<tr class="total">(.*?)</tr>', page, re.S)
    assert total is not None
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(
        r"<t[hd][^>]*>(.*?)</t[hd]>", total.group(1), re.S)]
    assert cells == ["seizures", "all substances", "2,000.50 kg", "2"]
    corridors = re.search(r'id="corridors".*?</table>', page, re.S)
    assert corridors is not None and "AFG" not in corridors.group(0)


def test_no_total_adds_up_litres_and_kilograms_or_rounds_and_firearms(db: Database) -> None:
    from phalanx.domain.access.principal import SYSTEM

    rows = [seizure("P-1", "2026-03-10", "spring-2026", "precursors", "800", "l"),
            seizure("P-2", "2026-03-10", "spring-2026", "precursors", "200", "kg"),
            {"reference": "F-1", "date": "2026-03-10", "stage": "spring-2026",
             "metric": "firearms", "quantity": "3", "area": "Osh"},
            {"reference": "A-1", "date": "2026-03-10", "stage": "spring-2026",
             "metric": "ammunition", "quantity": "400", "area": "Osh"}]
    assert ops.ingest(db, "channel", "KAZ", "customs", list(enumerate(rows, start=2)),
                      actor=SYSTEM).stored == 4
    with db.read() as conn:
        by_state = ops.statistics(conn, "channel", ["state"], actor=REP_KAZ)
        keys, values, _ = opsreport.by_substance(conn, "channel", actor=REP_KAZ)
        stages = opsreport.by_stage(conn, "channel", actor=REP_KAZ)
        seized = opsreport.dashboard(conn, "channel", actor=REP_KAZ)["seized"]
    assert by_state.by == ["state", "metric", "unit"]
    assert sorted((r.key["metric"], r.key["unit"], r.quantity) for r in by_state.rows) == [
        ("ammunition", "count", 400.0), ("firearms", "count", 3.0),
        ("seizure", "kg", 200.0), ("seizure", "l", 800.0)]
    assert (keys, values) == (["precursors"], [200.0])  # the chart in kg: the kg alone
    assert stages == {"KAZ": [("Channel – Spring 2026", 200.0)]}
    assert sorted((r.key["unit"], r.quantity) for r in seized) == [("kg", 200.0), ("l", 800.0)]


def test_the_figures_download_as_csv_adding_up_to_what_was_entered(
        loaded: Database, settings: Settings) -> None:
    import csv
    import io

    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import identity

    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    with TestClient(create_app(settings, loaded)) as client:
        login(client, "sec", "a-long-password")
        assert 'id="statistics-csv"' in client.get("/operations/channel").text
        english = client.get("/operations/channel/statistics.csv")
        client.cookies.set("lang", "ru")
        russian = client.get("/operations/channel/statistics.csv", params={"year": "2026"})
    assert english.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert sorted((r["year"], r["stage"], r["state"], r["agency"], r["substance"],
                   r["unit"], r["quantity"], r["reports"], r["marking"]) for r in rows) == [
        ("2025", "spring-2025", "KAZ", "customs", "cannabis", "kg", "250", "1", "ORGANIZATION"),
        ("2025", "spring-2025", "KAZ", "customs", "heroin", "kg", "1500", "1", "ORGANIZATION"),
        ("2026", "spring-2026", "KAZ", "customs", "hashish", "kg", "2000", "1", "ORGANIZATION"),
        ("2026", "spring-2026", "KAZ", "customs", "heroin", "kg", "0.5", "1", "ORGANIZATION")]
    # a Russian spreadsheet's CSV: semicolons and a decimal comma, in Russian; of the year
    assert russian.headers["content-disposition"].endswith('-2026-statistics.csv"')
    ru = list(csv.DictReader(io.StringIO(russian.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted((r["Вещество"], r["Количество"]) for r in ru) == [("гашиш", "2000"),
                                                                      ("героин", "0,5")]
    assert {r["Гриф"] for r in ru} == {"ДЛЯ ОРГАНИЗАЦИИ"}


def test_the_api_and_the_command_line_give_the_figures_of_a_year(
        loaded: Database, settings: Settings, tmp_path: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from phalanx.cli.main import app
    from phalanx.config import get_settings
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import identity
    from phalanx.services import tokens as api_tokens

    identity.add_user(loaded, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    auth = {"Authorization": "Bearer " + api_tokens.issue_token(loaded, "sec",
                                                                actor=SYSTEM).token}
    with TestClient(create_app(settings, loaded)) as client:
        r = client.get("/api/v1/operations/channel/statistics", headers=auth,
                       params={"by": "state", "year": "2025", "unit": "kg"})
    assert r.status_code == 200, r.text
    assert r.json()["by"] == ["state", "metric"]
    assert [(x["key"], x["quantity"], x["reports"]) for x in r.json()["rows"]] == [
        ({"state": "KAZ", "metric": "seizure"}, 1750.0, 2)]
    if loaded.engine.dialect.name != "sqlite":
        return  # the command line below reads the database the settings name
    monkeypatch.setenv("PHALANX_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "cli-audit.key"))
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["ops", "stats", "channel", "--by", "state",
                                       "--year", "2026", "--json"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    import json

    rows = json.loads(out.output)["rows"]
    assert [(x["key"], x["quantity"]) for x in rows] == [
        ({"state": "KAZ", "metric": "seizure", "unit": "kg"}, 2000.5)]


def test_an_operation_without_seizures_is_charted_by_what_it_counts(
        db: Database, settings: Settings) -> None:
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import identity

    rows = [{"reference": f"I-{n}", "date": "2026-05-0" + str(n), "stage": "year-2026",
             "metric": metric, "quantity": quantity, "area": "Gyumri"}
            for n, metric, quantity in ((1, "irregular_migrants", "37"),
                                        (2, "facilitation_groups", "2"),
                                        (3, "irregular_migrants", "5"))]
    assert ops.ingest(db, "illegal", "ARM", "border_guard", list(enumerate(rows, start=2)),
                      actor=SYSTEM).stored == 3
    identity.add_user(db, identity.NewUser("arm-border", "a-long-password", Role.REPORTER,
                                           "ARM", Agency.BORDER_GUARD), actor=SYSTEM)
    with TestClient(create_app(settings, db)) as client:
        login(client, "arm-border", "a-long-password")
        client.cookies.set("lang", "ru")
        page = client.get("/operations/illegal").text
        pdf = client.get("/operations/illegal/report.pdf").content
    tips = re.findall(r"<title[^>]*>([^<]*)</title>", page)
    assert "«Нелегал» – 2026, Армения: 42" in tips  # the migrants by stage and state, by name
    assert "Результаты по показателям" in tips and "Изъятия по веществам" not in tips
    assert "Самые активные коридоры" not in page  # no trafficking routes to map
    assert tips[0].startswith("Операция «Нелегал»")
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "незаконные мигранты 42 2" in text  # its total: 42 migrants in two reports
    assert "Самые активные коридоры" not in text
