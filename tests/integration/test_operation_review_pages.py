"""The review of the results through the API and the pages: a reporter (in Russian)
uploads rows that look like earlier ones and is told so, finds a report and withdraws it;
the analyst lists the look-alikes and keeps both, closes a year, and a later change needs
its reason; the API answers the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import identity
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer

PASSWORD = "a-long-password"
CSV = ("reference;date;stage;metric;substance;quantity;unit;area\n"
       "{ref};10.10.2025;autumn-2025;seizure;heroin;{qty};кг;Шымкент\n")


@pytest.fixture
def world(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    for name, role, state, agency in (("kaz-police", Role.REPORTER, "KAZ", Agency.POLICE),
                                      ("rep-kaz", Role.REPRESENTATIVE, "KAZ", None),
                                      ("sec", Role.SECRETARIAT, None, None)):
        identity.add_user(loaded_db, identity.NewUser(name, PASSWORD, role, state, agency,
                                                      language="ru" if agency else None),
                          actor=SYSTEM)
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, loaded_db


def login(c: TestClient, user: str) -> str:
    c.cookies.clear()
    c.get("/login")
    r = c.post("/login", data={"username": user, "password": PASSWORD,
                               "csrf_token": c.cookies.get("phalanx_login_csrf")},
               follow_redirects=False)
    assert r.status_code == 303, r.text
    found = re.search(r'data-csrf="([^"]+)"', c.get("/inbox").text)
    assert found
    return found.group(1)


def upload(c: TestClient, csrf: str, ref: str, qty: str, reason: str = "") -> str:
    r = c.post("/operations/channel/upload", headers={"x-csrf-token": csrf},
               files={"file": ("results.csv", CSV.format(ref=ref, qty=qty).encode("cp1251"),
                               "text/csv")}, data={"reason": reason})
    return r.text


def test_a_russian_reporter_is_told_of_a_look_alike_and_withdraws_it(
        world: tuple[TestClient, Database]) -> None:
    c, db = world
    csrf = login(c, "kaz-police")
    assert "<strong>results.csv</strong>" in upload(c, csrf, "KZ-1", "12,5")
    page = upload(c, csrf, "KZ-2", "12,5")
    assert 'id="upload-duplicates"' in page
    assert "1 строка похожа на донесение, уже направленное под другим номером" in page
    assert re.search(r'<td>2</td><th scope="row" class="name">KZ-2</th><td>KZ-1</td>', page)
    review = c.get("/operations/channel/review").text
    assert "Возможные повторы" in review and "KZ-2" in review
    r = c.get("/operations/channel/find-report?reference=KZ-2", follow_redirects=False)
    assert r.headers["location"] == "/operations/channel/reports/KAZ/police/KZ-2"
    report = c.get(r.headers["location"]).text
    assert 'id="withdraw-form"' in report
    assert "«Канал» – осень 2025" in report  # the stage by its name
    # the metric and its substance: "изъятия (героин)", not "изъятия героин"
    assert "<td>изъятия (героин)</td>" in report, report
    r = c.post("/operations/channel/reports/KAZ/police/KZ-2/withdrawal",
               headers={"x-csrf-token": csrf}, data={"reason": "направлено дважды"},
               follow_redirects=False)
    assert r.status_code == 303
    report = c.get("/operations/channel/reports/KAZ/police/KZ-2").text
    assert "направлено дважды" in report and 'id="withdraw-form"' not in report
    assert "KZ-2" not in c.get("/operations/channel/review").text  # resolved by it
    with db.read() as conn:
        s = ops.statistics(conn, "channel", [], actor=Principal(
            "kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE), year=2025)
    assert [(r.quantity, r.reports) for r in s.rows] == [(12.5, 1)]


def test_the_analyst_closes_the_year_and_a_late_change_needs_its_reason(
        world: tuple[TestClient, Database]) -> None:
    c, _db = world
    csrf = login(c, "kaz-police")
    upload(c, csrf, "KZ-1", "10")
    sec = login(c, "sec")
    assert 'id="close-year"' in c.get("/operation-years").text
    r = c.post("/operation-years/close", headers={"x-csrf-token": sec},
               data={"year": "2025", "note": "annual report"}, follow_redirects=False)
    assert r.status_code == 303
    assert "annual report" in c.get("/operation-years?year=2025").text
    again = c.post("/operation-years/close", headers={"x-csrf-token": sec},
                   data={"year": "2025"})
    assert again.status_code == 422 and "already closed" in again.text
    csrf = login(c, "kaz-police")
    refused = upload(c, csrf, "KZ-1", "11")
    assert "2025 год закрыт: изменение его показателей требует причины" in refused
    assert 'id="upload-reason"' in refused
    done = upload(c, csrf, "KZ-1", "11", reason="перевзвешено")
    assert 'id="upload-late"' in done and "1 изменение показателей закрытого года" in done
    dashboard = c.get("/operations/channel?year=2025").text
    assert 'id="year-closed"' in dashboard
    changes = c.get("/operation-years?year=2025").text
    assert "перевзвешено" in changes and "исправление" in changes
    assert "<th>Донесение</th>" in changes and "<td>изъятия (героин)</td>" in changes


def test_the_api_withdraws_lists_look_alikes_and_closes_a_year(
        world: tuple[TestClient, Database]) -> None:
    c, db = world
    reporter, sec, rep = bearer(db, "kaz-police"), bearer(db, "sec"), bearer(db, "rep-kaz")
    row = {"reference": "KZ-1", "date": "2025-10-10", "stage": "autumn-2025",
           "metric": "seizure", "substance": "heroin", "quantity": 3, "unit": "kg",
           "area": "Aktau"}
    url = "/api/v1/operations/channel/reports"
    assert c.post(url, headers=reporter, json={"state": "KAZ", "agency": "police",
                                               "rows": [row]}).json()["possible_duplicates"] == 0
    second = c.post(url, headers=reporter, json={"state": "KAZ", "agency": "police",
                                                 "rows": [{**row, "reference": "KZ-2"}]})
    assert second.json()["duplicates"] == [{"reference": "KZ-2", "like": "KZ-1", "row": 1}]
    c.post("/api/v1/operations/channel/release", headers=rep, json={})
    [flag] = c.get("/api/v1/operations/channel/duplicates", headers=sec).json()
    kept = c.post(f"/api/v1/operations/channel/duplicates/{flag['id']}/keep", headers=sec,
                  json={"note": "two seizures"})
    assert kept.json()["resolution"] == "kept"
    assert c.get("/api/v1/operations/channel/duplicates", headers=sec).json() == []
    bad = c.post("/api/v1/operation-years/2026/close", headers=sec, json={})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(
        "application/problem+json")
    assert c.post("/api/v1/operation-years/2025/close", headers=rep, json={}).status_code == 403
    assert c.post("/api/v1/operation-years/2025/close", headers=sec, json={}).status_code == 200
    late = c.post(url, headers=reporter, json={"state": "KAZ", "agency": "police",
                                               "rows": [{**row, "quantity": 4}]})
    assert late.status_code == 422
    assert late.json()["errors"][0]["where"] == "rows: row 1, date"
    assert "2025 is closed" in late.json()["errors"][0]["message"]
    w = c.post("/api/v1/operations/channel/reports/KAZ/police/KZ-1/withdrawal", headers=sec,
               json={"reason": "wrong operation"})
    assert w.status_code == 200 and w.json()["after_closing"] == [2025]
    assert c.post("/api/v1/operations/channel/reports/KAZ/police/KZ-1/withdrawal",
                  headers=sec, json={"reason": "again"}).status_code == 404
    history = c.get("/api/v1/operations/channel/reports/KAZ/police/KZ-1", headers=sec).json()
    assert history[0]["withdrawal_reason"] == "wrong operation"
    [change] = c.get("/api/v1/operation-years/2025/changes", headers=sec).json()
    assert (change["kind"], change["quantity_before"], change["reason"]) == (
        "withdrawal", 3.0, "wrong operation")


def test_a_reference_written_with_slashes_is_read_and_withdrawn_by_its_address(
        world: tuple[TestClient, Database]) -> None:
    """Agencies number their results as "KZ/CUS/2025-17": a reference's slashes, spaces
    and signs are part of it, in the API's address, the page's links and the forms."""
    c, db = world
    reporter = bearer(db, "kaz-police")
    ref = "KZ/POL/2025-17 №5?#"
    r = c.post("/api/v1/operations/channel/reports", headers=reporter, json={
        "state": "KAZ", "agency": "police", "rows": [
            {"reference": ref, "date": "2025-10-10", "stage": "autumn-2025",
             "metric": "seizure", "substance": "heroin", "quantity": 3, "unit": "kg",
             "area": "Aktau"},
            {"reference": "KZ/POL/2025-18", "date": "2025-10-10", "stage": "autumn-2025",
             "metric": "seizure", "substance": "heroin", "quantity": 3, "unit": "kg",
             "area": "Aktau"}]})
    assert r.json()["possible_duplicates"] == 1
    quoted = quote(ref, safe="")
    url = f"/api/v1/operations/channel/reports/KAZ/police/{quoted}"
    assert [v["version"] for v in c.get(url, headers=reporter).json()] == [1]
    csrf = login(c, "kaz-police")
    found = c.get(f"/operations/channel/find-report?reference={quoted}",
                  follow_redirects=False)
    page = c.get(found.headers["location"])
    assert page.status_code == 200 and "KZ/POL/2025-17 №5?#" in page.text
    action = re.search(r'action="([^"]+/withdrawal)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post(action.replace("&amp;", "&"), headers={"x-csrf-token": csrf},
               data={"reason": "test"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    review = c.get("/operations/channel/review?resolved=true").text
    link = re.search(r'href="(/operations/channel/reports/KAZ/police/KZ[^"]*2025-17[^"]*)"',
                     review).group(1)  # type: ignore[union-attr]
    assert c.get(link.replace("&amp;", "&")).status_code == 200
    w = c.post(f"{url}/withdrawal", headers=reporter, json={"reason": "again"})
    assert w.status_code == 404  # withdrawn already: found, and no current version
    assert c.get(url, headers=reporter).json()[0]["withdrawal_reason"] == "test"
