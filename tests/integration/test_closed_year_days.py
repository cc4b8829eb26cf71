"""The annual report dates a year's closing and each change after it by the organization's
day (its working time zone's), as it dates everything else: a year closed at 01:30 in
Moscow on 1 February was printed as closed on 31 January (UTC's day), and so was a change
made then; and so does the operation's page."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pypdf
import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import clock
from phalanx.services import operation_years as years
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.services.registers.overview import annual_report_pdf
from phalanx.web.app import create_app
from tests.support.sessions import login

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
SEC = Principal("sec", Role.SECRETARIAT)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")  # reads it unreleased


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_the_closing_and_a_late_change_are_dated_by_the_organizations_day(
        db: Database) -> None:
    with clock.use(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)):  # 1 February, 01:30 Moscow
        years.close_year(db, 2025, "the annual report is out", actor=SEC)
    with clock.use(datetime(2026, 3, 31, 21, 45, tzinfo=UTC)):  # 1 April, 00:45 Moscow
        sent = ops.ingest(db, "channel", "KAZ", "police", [(2, {
            "reference": "K-1", "date": "2025-10-10", "stage": "autumn-2025",
            "metric": "seizure", "substance": "heroin", "quantity": "100", "unit": "kg",
            "area": "Shymkent"})], actor=KAZ_POLICE, reason="sent late by the region")
    assert sent.late == 1, sent.errors
    with db.read() as conn:
        pdf = annual_report_pdf(conn, 2025, actor=REP_KAZ)
    text = " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "closed by the Secretariat on 2026-02-01" in text
    assert "2026-04-01 channel KAZ K-1" in text
    assert "2026-01-31" not in text and "2026-03-31" not in text


def test_the_operations_page_dates_the_closing_by_the_organizations_day(
        accounts_db: Database, settings: Settings) -> None:
    with clock.use(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)):  # 1 February, 01:30 Moscow
        years.close_year(accounts_db, 2025, "the annual report is out", actor=SEC)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        english = client.get("/operations/channel?year=2025&lang=en").text
        russian = client.get("/operations/channel?year=2025&lang=ru").text
    notice = re.search(r'id="year-closed">([^<]*)', english)
    assert notice is not None and "on 2026-02-01" in notice.group(1), notice
    notice = re.search(r'id="year-closed">([^<]*)', russian)
    assert notice is not None and "01.02.2026" in notice.group(1), notice
