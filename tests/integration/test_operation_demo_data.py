"""Demo data among the counted reports is said where the figures are: of the same stage
or year as the figures (not the operation's whole), and in the annual report too, which
would otherwise publish synthetic reports as the organization's results."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.services.registers.overview import annual_report_pdf

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)


def row(ref: str, day: str, stage: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": day, "stage": stage, "metric": "seizure",
            "substance": "heroin", "quantity": "3", "unit": "kg", "area": "Aktau", **kw}


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_the_demo_reports_counted_are_those_of_the_figures_shown(db: Database) -> None:
    ops.ingest(db, "channel", "KAZ", "police", [
        (2, row("SYN-1", "2025-10-10", "autumn-2025")),
        (3, row("SYN-2", "2025-10-11", "autumn-2025")),
        (4, row("SYN-3", "2026-03-10", "spring-2026", metric="detained", substance="",
                quantity="2", unit="count"))], actor=SYSTEM, synthetic=True)
    ops.ingest(db, "channel", "KAZ", "police", [(2, row("K-1", "2026-03-11", "spring-2026"))],
               actor=KAZ_POLICE)
    with db.read() as conn:
        def demo(**kw: Any) -> int:
            return ops.statistics(conn, "channel", [], actor=KAZ_POLICE, **kw
                                  ).synthetic_reports
        assert demo() == 3
        assert demo(year=2025) == 2 and demo(year=2026) == 1
        assert demo(stage="spring-2026") == 1
        assert demo(year=2026, metric="seizure") == 0
        pdf = annual_report_pdf(conn, 2025, actor=KAZ_POLICE)
        other = annual_report_pdf(conn, 2026, actor=KAZ_POLICE)
    text = " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Operation Channel: 2 of the counted reports are synthetic demo data." in text
    text = " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(other)).pages)
    assert "Operation Channel: 1 of the counted reports are synthetic demo data." in text
