"""Result reports of the joint operations: every row checked and every error placed,
nothing half-stored, resubmissions never counted twice, and each user's totals
counting exactly the reports they may see."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from phalanx.adapters.ingest import FileProblem, read_file
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import identity, operation_history
from phalanx.services import operations as ops
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.web.app import create_app

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
TJK_DRUGS = Principal("tjk-drugs", Role.REPORTER, state="TJK", agency=Agency.DRUG_CONTROL)
SEC = Principal("sec", Role.SECRETARIAT)
OSCE = Principal("osce", Role.OBSERVER, observer_of="OSCE")


def row(ref: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": "2026-03-10", "stage": "spring-2026",
            "metric": "seizure", "substance": "heroin", "quantity": "12.5", "unit": "kg",
            "area": "Khorog", "route_from": "AFG", "route_to": "TJK", **kw}


def numbered(rows: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(rows, start=2))


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def totals(db: Database, actor: Principal, by: list[str] | None = None) -> dict[Any, float]:
    with db.read() as conn:
        s = ops.statistics(conn, "channel", by or ["substance"], actor=actor)
    return {tuple(r.key[g] for g in by or ["substance"]): r.quantity for r in s.rows}


def test_a_clean_batch_is_stored_and_counted(org_db: Database) -> None:
    r = ops.ingest(org_db, "channel", "KAZ", "customs", numbered([
        row("K-1"), row("K-2", quantity="800", unit="g", substance="hashish"),
        row("K-3", metric="firearms", substance="", quantity="3", unit="", route_from="",
            route_to="")]), actor=KAZ_CUSTOMS)
    assert (r.rows, r.stored, r.replaced, r.errors) == (3, 3, 0, [])
    assert totals(org_db, KAZ_CUSTOMS) == {("heroin",): 12.5, ("hashish",): 0.8, (None,): 3.0}


def test_every_error_has_its_row_and_column_and_nothing_is_stored(org_db: Database) -> None:
    r = ops.ingest(org_db, "channel", "KAZ", "customs", numbered([
        row("K-1"),
        row("K-2", quantity="-5"),
        row("K-3", substance="sugar"),
        row("K-4", quantity="150", unit="t"),
        row("K-5", date="2026-07-01"),
        row("K-1"),
        row("K-6", unit="bags")]), actor=KAZ_CUSTOMS)
    found = {(e.row, e.column) for e in r.errors}
    assert found == {(3, "quantity"), (4, "substance"), (5, "quantity"), (6, "date"),
                     (7, "reference"), (8, "unit")}
    assert r.stored == 0 and r.batch_id is None
    assert totals(org_db, KAZ_CUSTOMS) == {}
    kept = ops.ingest(org_db, "channel", "KAZ", "customs", numbered([row("K-1"),
                                                                      row("K-2", quantity="-5")]),
                      actor=KAZ_CUSTOMS, store_valid=True)
    assert kept.stored == 1 and len(kept.errors) == 1


def test_a_resubmission_replaces_and_keeps_the_history(org_db: Database) -> None:
    ops.ingest(org_db, "channel", "KAZ", "customs", numbered([row("K-1")]), actor=KAZ_CUSTOMS)
    again = ops.ingest(org_db, "channel", "KAZ", "customs",
                       numbered([row("K-1", quantity="20")]), actor=KAZ_CUSTOMS)
    assert (again.stored, again.replaced) == (1, 1)
    assert totals(org_db, KAZ_CUSTOMS) == {("heroin",): 20.0}
    with org_db.read() as conn:
        versions = operation_history.history(conn, "channel", "KAZ", "customs", "K-1",
                                             actor=KAZ_CUSTOMS)
    assert [(v["version"], v["current"], v["quantity"]) for v in versions] == [
        (2, True, 20.0), (1, False, 12.5)]


def test_reporters_report_only_for_their_own_agency(org_db: Database) -> None:
    with pytest.raises(Forbidden):
        ops.ingest(org_db, "channel", "TJK", "customs", numbered([row("T-1")]),
                   actor=KAZ_CUSTOMS)
    with pytest.raises(Forbidden):
        ops.ingest(org_db, "channel", "KAZ", "customs", numbered([row("T-1")]), actor=SEC)
    with pytest.raises(Invalid, match="does not take part"):
        ops.ingest(org_db, "channel", "ARM", "drug_control", numbered([row("A-1")]),
                   actor=SYSTEM)


def test_national_until_released_and_observers_only_what_is_released_to_them(
        org_db: Database) -> None:
    ops.ingest(org_db, "channel", "KAZ", "customs", numbered([row("K-1")]), actor=KAZ_CUSTOMS)
    ops.ingest(org_db, "channel", "TJK", "drug_control",
               numbered([row("T-1", quantity="7"), row("T-2", substance="opium")]),
               actor=TJK_DRUGS)
    assert totals(org_db, SEC) == {}  # national: not even the Secretariat
    assert totals(org_db, TJK_DRUGS) == {("heroin",): 7.0, ("opium",): 12.5}
    ops.release(org_db, "channel", actor=Principal("rep-tjk", Role.REPRESENTATIVE,
                                                   state="TJK"))
    assert totals(org_db, SEC) == {("heroin",): 7.0, ("opium",): 12.5}
    assert totals(org_db, KAZ_CUSTOMS) == {("heroin",): 19.5, ("opium",): 12.5}
    assert totals(org_db, OSCE) == {}
    ops.release(org_db, "channel", to_observers=True,
                actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"))
    assert totals(org_db, OSCE) == {("heroin",): 12.5}
    with org_db.read() as conn:
        s = ops.statistics(conn, "channel", ["metric"], actor=OSCE)
    assert any(h.note == "about 245 t of drugs to date" for h in s.historical)


def test_corridors_rank_the_routes(org_db: Database) -> None:
    ops.ingest(org_db, "channel", "TJK", "drug_control", numbered([
        row("T-1", quantity="100"), row("T-2", quantity="50", route_from="TJK",
                                        route_to="KGZ"),
        row("T-3", quantity="30", route_from="KGZ", route_to="KAZ"),
        row("T-4", quantity="90")]), actor=TJK_DRUGS)
    with org_db.read() as conn:
        ranked = ops.corridors(conn, "channel", actor=TJK_DRUGS)
    assert [(c.route_from, c.route_to, c.kg, c.seizures) for c in ranked] == [
        ("AFG", "TJK", 190.0, 2), ("TJK", "KGZ", 50.0, 1), ("KGZ", "KAZ", 30.0, 1)]


def test_csv_and_xlsx_files(tmp_path: Path, org_db: Database) -> None:
    good = tmp_path / "kaz.csv"
    with good.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row("x")))
        w.writeheader()
        w.writerow(row("K-1"))
        w.writerow(row("K-2", quantity="2,5"))
    r = ops.ingest(org_db, "channel", "KAZ", "customs", read_file(good), actor=KAZ_CUSTOMS)
    assert (r.stored, r.errors) == (2, [])
    book = tmp_path / "kaz.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(list(row("x")))
    ws.append(list(row("K-3").values()))
    ws.append([*list(row("K-4").values())[:5], "=2*3", *list(row("K-4").values())[6:]])
    wb.save(book)
    with pytest.raises(FileProblem) as info:
        ops.ingest(org_db, "channel", "KAZ", "customs", read_file(book), actor=KAZ_CUSTOMS)
    assert (info.value.row, info.value.column) == (3, "quantity")
    assert "formula" in info.value.message
    assert totals(org_db, KAZ_CUSTOMS) == {("heroin",): 15.0}
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("ref,when\nx,y\n", encoding="utf-8")
    with pytest.raises(FileProblem, match="missing column"):
        list(read_file(bad_header))


def test_formula_like_cells_and_overlong_texts_are_refused_by_row_and_column(
        tmp_path: Path, org_db: Database) -> None:
    """Text a spreadsheet would run when the data is exported again is refused in a CSV
    file as in an XLSX one, naming row and column; a signed number is not a formula."""
    path = tmp_path / "kaz.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=[*row("x"), "lat", "lon"])
        w.writeheader()
        w.writerow(row("K-1", area='=HYPERLINK("http://x","y")'))
        w.writerow(row("K-2", route_from="+cmd|' /C calc'!A0"))
        w.writerow(row("K-3", route_to="-2+3"))
        w.writerow(row("@SUM(A1)"))
        w.writerow(row("K-5", route_from="A" * 65))
        w.writerow(row("K-6", area="Aktau " * 40))
        w.writerow(row("K-7", area="\tTAB"))
        w.writerow(row("K-8", lat="-12.5", lon="+43.25", area=""))
    r = ops.ingest(org_db, "channel", "KAZ", "customs", read_file(path), actor=KAZ_CUSTOMS)
    assert {(e.row, e.column) for e in r.errors} == {
        (2, "area"), (3, "route_from"), (4, "route_to"), (5, "reference"), (6, "route_from"),
        (7, "area"), (8, "area")}, r.errors
    assert r.stored == 0
    tab = tmp_path / "tab.csv"
    tab.write_text("reference,date,stage,metric,substance,quantity,unit,area\n"
                   "K-9,2026-03-10,spring-2026,seizure,heroin,5,kg,\"\tcalc\"\n")
    bad = ops.ingest(org_db, "channel", "KAZ", "customs", read_file(tab), actor=KAZ_CUSTOMS)
    assert [(e.row, e.column) for e in bad.errors] == [(2, "area")]


@pytest.fixture
def client(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, str]]:
    identity.add_user(loaded_db, identity.NewUser("kaz-customs", "a-long-password",
                                                  Role.REPORTER, "KAZ", Agency.CUSTOMS),
                      actor=SYSTEM)
    token = api_tokens.issue_token(loaded_db, "kaz-customs", actor=SYSTEM).token
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, token


def test_the_api_upload_reports_errors_by_row(client: tuple[TestClient, str],
                                              tmp_path: Path) -> None:
    c, token = client
    auth = {"Authorization": f"Bearer {token}"}
    body = "reference,date,stage,metric,substance,quantity,unit,area\n" \
           "K-1,2026-03-10,spring-2026,seizure,heroin,5,kg,Aktau\n" \
           "K-2,2026-03-11,spring-2026,seizure,unobtainium,5,kg,Aktau\n"
    r = c.post("/api/v1/operations/channel/upload",
               params={"state": "KAZ", "agency": "customs"}, headers=auth,
               files={"file": ("kaz.csv", body.encode(), "text/csv")})
    # refused whole, as bad input: every wrong row named, with its line and column
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["rows"] == 2
    assert problem["detail"] == "kaz.csv: 1 of 2 rows is wrong: nothing is stored"
    assert [(e["where"], e["line"]) for e in problem["errors"]] == [
        ("kaz.csv: row 3, substance", 3)]
    assert "unobtainium" in problem["errors"][0]["message"]
    r = c.post("/api/v1/operations/channel/reports", headers={**auth, "Accept-Language": "ru"},
               json={"state": "KAZ", "agency": "customs",
                     "rows": [row("K-7", substance="unobtainium"), row("K-8", date="x")]})
    assert r.status_code == 422
    assert r.json()["detail"] == "rows: строк с ошибками: 2 из 2, ничего не сохранено"
    assert [e["where"] for e in r.json()["errors"]] == ["rows: row 1, substance",
                                                        "rows: row 2, date"]
    r = c.post("/api/v1/operations/channel/reports", headers=auth, json={
        "state": "KAZ", "agency": "customs", "store_valid": True,
        "rows": [row("K-5"), row("K-6", substance="unobtainium")]})
    assert r.status_code == 200  # asked to keep the valid rows: stored, the others listed
    assert (r.json()["stored"], [e["row"] for e in r.json()["errors"]]) == (1, [2])
    r = c.post("/api/v1/operations/channel/reports", headers=auth, json={
        "state": "KAZ", "agency": "customs", "rows": [row("K-9")]})
    assert r.json()["stored"] == 1
    stats = c.get("/api/v1/operations/channel/statistics", params={"by": "substance"},
                  headers=auth).json()
    assert stats["rows"] == [{"key": {"substance": "heroin", "metric": "seizure", "unit": "kg"},
                              "quantity": 25.0, "reports": 2}]


def test_a_workbook_unpacking_past_the_limit_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip bomb: a few kilobytes whose one cell unpacks to megabytes (gigabytes, at the
    size of an upload) is refused from its archive's sizes, no cell of it read."""
    import zipfile

    from phalanx.adapters import ingest

    monkeypatch.setattr(ingest, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    wb = Workbook()
    wb.active.append(["reference", "date", "stage", "metric", "quantity"])
    wb.active.append(["HUGE", "2026-03-10", "spring-2026", "seizure", 1])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b">HUGE<", b">" + b"A" * (3 * 1024 * 1024) + b"<")
            out.writestr(item.filename, data)
    assert bomb.stat().st_size < 64 * 1024
    read: list[int] = []
    with pytest.raises(FileProblem, match=r"unpacks to \d+ bytes; the limit is 2097152"):
        read.extend(n for n, _row in read_file(bomb))
    assert read == []
    assert [n for n, _row in read_file(plain)] == [2]  # the same workbook, not inflated


def test_malformed_files_are_refused_clearly(tmp_path: Path) -> None:
    fake = tmp_path / "report.xlsx"
    fake.write_bytes(b"this is not a zip archive")
    with pytest.raises(FileProblem, match="not an XLSX workbook"):
        list(read_file(fake))
    binary = tmp_path / "report.csv"
    binary.write_bytes(b"reference,date\n\xff\xfe\x00garbage\n")
    with pytest.raises(FileProblem, match=r"readable|missing"):
        list(read_file(binary))
    other = tmp_path / "report.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(FileProblem, match=r"csv or \.xlsx"):
        list(read_file(other))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(FileProblem, match="empty"):
        list(read_file(empty))
