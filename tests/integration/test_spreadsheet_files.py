"""Result files as the agencies' spreadsheets write them: a Russian spreadsheet's CSV
(Windows-1251, semicolons, decimal commas, thousands set apart by no-break spaces, dates
day first), a spreadsheet's "Unicode text" (UTF-16, tabs). Each is read, and what was
assumed is said to the sender (API, page, CLI); what cannot be told apart stays an error
with its row and column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from phalanx.adapters.ingest import CP1251, SEPARATORS, UTF16, FileProblem, read_file
from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import identity
from phalanx.services import operations as ops
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
HEADER = ["reference", "date", "stage", "metric", "substance", "quantity", "unit", "area"]
# as a Russian spreadsheet saves "CSV (разделители - точки с запятой)"
RUSSIAN = [["K-1", "10.03.2026", "spring-2026", "seizure", "heroin", "1\u00a0250,5", "kg",
            "Хорог"],
           ["K-2", "11.03.2026 14:30", "spring-2026", "seizure", "heroin", "2,5", "kg",
            "Актау"]]


def russian_csv(path: Path, rows: list[list[str]] = RUSSIAN) -> Path:
    lines = [";".join(HEADER)] + [";".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_russian_spreadsheet_s_csv_is_read_and_what_was_assumed_said(
        tmp_path: Path, db: Database) -> None:
    path = russian_csv(tmp_path / "kaz.csv")
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")  # not UTF-8 indeed
    notes: list[str] = []
    rows = list(read_file(path, notes))
    assert notes == [CP1251, SEPARATORS[";"]]
    assert [r["area"] for _n, r in rows] == ["Хорог", "Актау"]
    result = ops.ingest(db, "channel", "KAZ", "customs", iter(rows), actor=KAZ_CUSTOMS)
    assert (result.stored, result.errors) == (2, [])
    with db.read() as conn:
        stats = ops.statistics(conn, "channel", ["substance"], actor=KAZ_CUSTOMS)
    assert [(r.key, r.quantity) for r in stats.rows] == [
        ({"substance": "heroin", "metric": "seizure", "unit": "kg"}, 1253.0)]


def test_a_unicode_text_file_is_read_as_utf16_with_tabs(tmp_path: Path) -> None:
    path = tmp_path / "kaz.csv"
    lines = ["\t".join(HEADER), "\t".join(RUSSIAN[0])]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))  # with its mark
    notes: list[str] = []
    rows = list(read_file(path, notes))
    assert notes == [UTF16, SEPARATORS["\t"]]
    assert rows[0][1]["area"] == "Хорог" and rows[0][1]["quantity"] == "1\u00a0250,5"


def test_the_template_s_own_form_needs_no_note(tmp_path: Path) -> None:
    path = tmp_path / "kaz.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(
        ["K-1", "2026-03-10", "spring-2026", "seizure", "heroin", "12.5", "kg", "Хорог"])
        + "\n", encoding="utf-8-sig")
    notes: list[str] = []
    assert [r["area"] for _n, r in read_file(path, notes)] == ["Хорог"]
    assert notes == []


def test_what_cannot_be_told_apart_stays_an_error_with_its_row_and_column(
        tmp_path: Path, db: Database) -> None:
    rows = [["K-1", "03/04/2026", "spring-2026", "seizure", "heroin", "5", "kg", "Хорог"],
            ["K-2", "31.02.2026", "spring-2026", "seizure", "heroin", "5", "kg", "Хорог"],
            ["K-3", "10.03.2026", "spring-2026", "seizure", "heroin", "1,250.5", "kg", "Хорог"],
            ["K-4", "10.03.2026", "spring-2026", "seizure", "heroin", "12 5", "kg", "Хорог"]]
    path = russian_csv(tmp_path / "kaz.csv", rows)
    result = ops.ingest(db, "channel", "KAZ", "customs", read_file(path),
                        actor=KAZ_CUSTOMS)
    assert result.stored == 0
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "date"), (3, "date"), (4, "quantity"), (5, "quantity")]
    assert "DD.MM.YYYY" in result.errors[0].message


@pytest.fixture
def client(loaded_db: Database, settings: Settings) -> Iterator[TestClient]:
    identity.add_user(loaded_db, identity.NewUser("kaz-customs", "a-long-password",
                                                  Role.REPORTER, "KAZ", Agency.CUSTOMS),
                      actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "kaz-customs", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


def test_the_api_says_what_the_file_was_read_as(client: TestClient, tmp_path: Path) -> None:
    body = russian_csv(tmp_path / "kaz.csv").read_bytes()
    r = client.post("/api/v1/operations/channel/upload",
                    params={"state": "KAZ", "agency": "customs"},
                    files={"file": ("kaz.csv", body, "text/csv")})
    assert r.status_code == 200, r.text
    assert (r.json()["stored"], r.json()["notes"]) == (2, [CP1251, SEPARATORS[";"]])
    wrong = russian_csv(tmp_path / "wrong.csv", [[
        "K-9", "03/04/2026", "spring-2026", "seizure", "heroin", "5", "kg", "Хорог"]])
    r = client.post("/api/v1/operations/channel/upload",
                    params={"state": "KAZ", "agency": "customs"},
                    headers={"Accept-Language": "ru"},
                    files={"file": ("wrong.csv", wrong.read_bytes(), "text/csv")})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["notes"] == ["не UTF-8: прочитан как Windows-1251 (кириллица)",
                                "столбцы разделены точкой с запятой"]
    assert "ДД.ММ.ГГГГ" in problem["errors"][0]["message"]
    # a file stored says so in the language asked for, as a refused one does
    again = russian_csv(tmp_path / "again.csv", [[
        "K-10", "03.04.2026", "spring-2026", "seizure", "heroin", "5", "kg", "Хорог"]])
    r = client.post("/api/v1/operations/channel/upload",
                    params={"state": "KAZ", "agency": "customs"},
                    headers={"Accept-Language": "ru"},
                    files={"file": ("again.csv", again.read_bytes(), "text/csv")})
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == problem["notes"]


def test_the_page_says_it_in_the_reader_s_language(accounts_db: Database, settings: Settings,
                                                  tmp_path: Path) -> None:
    body = russian_csv(tmp_path / "kaz.csv").read_bytes()
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "reporter-kaz", "demo-reporter-kaz")
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel/upload").text
        assert "ГГГГ-ММ-ДД или ДД.ММ.ГГГГ" in page
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("kaz.csv", body, "text/csv")})
        assert r.status_code == 200
        notes = r.text.split('id="upload-notes">')[1].split("</p>")[0]
        assert notes == ("Файл прочитан так: не UTF-8: прочитан как Windows-1251 (кириллица); "
                         "столбцы разделены точкой с запятой.")
        assert "2 строки" in r.text
        # a row's dates said as the page writes them, the day first
        late = russian_csv(tmp_path / "late.csv", [[
            "K-5", "10.06.2026", "spring-2026", "seizure", "heroin", "5", "kg", "Хорог"]])
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("late.csv", late.read_bytes(), "text/csv")})
        errors = r.text.split('id="upload-errors"')[1].split("</table>")[0]
        assert "10.06.2026 вне этапа spring-2026 (с 01.03.2026 по 31.05.2026)" in errors


def test_the_command_line_says_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    path = russian_csv(tmp_path / "kaz.csv")
    monkeypatch.setenv("PHALANX_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        for step in (["db", "upgrade"], ["load", "--builtin", "csto"]):
            assert runner.invoke(cli, step).exit_code == 0
        out = runner.invoke(cli, ["ops", "ingest", str(path), "--operation", "channel",
                                  "--agency", "customs", "--state", "KAZ", "--json"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    answer = json.loads(out.stdout)
    assert (answer["stored"], answer["notes"]) == (2, [CP1251, SEPARATORS[";"]])


def test_a_file_neither_utf8_nor_windows_1251_is_refused_at_its_first_row(
        tmp_path: Path) -> None:
    path = tmp_path / "kaz.csv"
    path.write_bytes(b"reference;date\x98\r\nK-1;10.03.2026\r\n")  # 0x98: no character
    with pytest.raises(FileProblem, match="not a readable CSV file") as info:
        list(read_file(path))
    assert info.value.row == 1
