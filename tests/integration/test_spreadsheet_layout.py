"""A result file as an agency's own spreadsheet lays it out: columns headed in Russian,
a title above the header (a workbook's merged cells), an empty row in the middle and a
row of sums ("Итого") at the bottom. The reports are read, nothing is counted twice,
and what was left out or assumed is said, in the reader's language; a file whose header
is nowhere near the top is still refused at its first row."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from phalanx.adapters.ingest import CP1251, RUSSIAN_HEADER, SEPARATORS, FileProblem, read_file
from phalanx.config import Settings
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
TITLE = "Результаты операции «Канал» — таможня РК"
HEADER = ["Номер", "Дата", "Этап", "Показатель", "Вещество", "Количество", "Ед. изм.",
          "Район"]
ROWS = [["K-1", "10.03.2026", "spring-2026", "seizure", "heroin", "1 250,5", "кг",
         "Хорог"],
        ["", "", "", "", "", "", "", ""],
        ["K-2", "11.03.2026", "spring-2026", "seizure", "heroin", "2,5", "кг", "Актау"],
        ["Итого:", "", "", "", "", "1 253", "", ""]]


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def agency_csv(path: Path) -> Path:
    lines = [TITLE + ";;;;;;;", ";".join(HEADER)] + [";".join(r) for r in ROWS]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def agency_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:H1")  # the title over the columns
    ws.append(HEADER)
    for r in ROWS:
        ws.append([float(v.replace(" ", "").replace(",", ".")) if i == 5 and v else v or None
                   for i, v in enumerate(r)])
    wb.save(path)
    return path


def test_a_csv_headed_in_russian_below_a_title_is_read_and_its_sums_left_out(
        tmp_path: Path, db: Database) -> None:
    notes: list[str] = []
    rows = list(read_file(agency_csv(tmp_path / "kaz.csv"), notes))
    assert [(n, r["reference"], r["quantity"]) for n, r in rows] == [
        (3, "K-1", "1 250,5"), (5, "K-2", "2,5")]
    assert notes == [CP1251, SEPARATORS[";"], RUSSIAN_HEADER,
                     "the header is at row 2: the rows above it are left out",
                     "row 6 (Итого:) sums the rows above it: left out, not a report"]
    result = ops.ingest(db, "channel", "KAZ", "customs", iter(rows), actor=KAZ_CUSTOMS)
    assert (result.stored, result.errors) == (2, [])
    with db.read() as conn:
        stats = ops.statistics(conn, "channel", ["substance"], actor=KAZ_CUSTOMS)
    assert [r.quantity for r in stats.rows] == [1253.0]  # the sums not counted again


def test_a_workbook_with_a_merged_title_is_read_alike(tmp_path: Path) -> None:
    notes: list[str] = []
    rows = list(read_file(agency_xlsx(tmp_path / "kaz.xlsx"), notes))
    assert [(n, r["reference"], r["quantity"], r["unit"]) for n, r in rows] == [
        (3, "K-1", 1250.5, "кг"), (5, "K-2", 2.5, "кг")]
    assert notes == [RUSSIAN_HEADER,
                     "the header is at row 2: the rows above it are left out",
                     "row 6 (Итого:) sums the rows above it: left out, not a report"]


def test_a_header_nowhere_near_the_top_is_refused_at_the_first_row(tmp_path: Path) -> None:
    path = tmp_path / "kaz.csv"
    path.write_text("\n".join(["заголовок"] * 12 + [";".join(HEADER)]) + "\n",
                    encoding="utf-8")
    with pytest.raises(FileProblem, match="missing column") as info:
        list(read_file(path))
    assert info.value.row == 1


def test_the_page_says_it_in_russian(accounts_db: Database, settings: Settings,
                                     tmp_path: Path) -> None:
    body = agency_xlsx(tmp_path / "kaz.xlsx").read_bytes()
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "reporter-kaz", "demo-reporter-kaz")
        client.cookies.set("lang", "ru")
        page = client.get("/operations/channel/upload").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        r = client.post("/operations/channel/upload", data={"csrf_token": token},
                        files={"file": ("kaz.xlsx", body, "application/octet-stream")})
        assert r.status_code == 200
        assert 'id="upload-errors"' not in r.text
        notes = r.text.split('id="upload-notes">')[1].split("</p>")[0]
        assert notes == (
            "Файл прочитан так: столбцы озаглавлены по-русски: прочитаны как столбцы "
            "шаблона; заголовок в строке 2: строки над ним не читаются; строка 6 (Итого:) "
            "— сумма строк над ней: не читается, это не донесение.")
