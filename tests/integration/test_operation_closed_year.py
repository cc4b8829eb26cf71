"""A year closed by the Secretariat: a change to its figures afterwards (a correction, a
report sent late, a withdrawal) needs a reason and is kept as a change after closing,
which the annual report names beside the figures it counts."""

from __future__ import annotations

import io
import json
from typing import Any

import pypdf
import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import operation_years as years
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.operation_withdrawal import withdraw
from phalanx.services.registers.overview import annual_report_pdf

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
SEC = Principal("sec", Role.SECRETARIAT)


def row(ref: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": "2025-10-10", "stage": "autumn-2025",
            "metric": "seizure", "substance": "heroin", "quantity": "100", "unit": "kg",
            "area": "Shymkent", **kw}


def send(db: Database, *rows: dict[str, Any], **kw: Any) -> ops.IngestResult:
    return ops.ingest(db, "channel", "KAZ", "police", list(enumerate(rows, start=2)),
                      actor=KAZ_POLICE, **kw)


def heroin(db: Database, actor: Principal, year: int) -> tuple[float, int] | None:
    with db.read() as conn:
        s = ops.statistics(conn, "channel", ["substance"], actor=actor, year=year)
    return next(((r.quantity, r.reports) for r in s.rows if r.key["substance"] == "heroin"),
                None)


def pdf_text(db: Database, actor: Principal, year: int) -> str:
    with db.read() as conn:
        pdf = annual_report_pdf(conn, year, actor=actor)
    return " ".join(" ".join(p.extract_text().split())
                    for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_only_the_secretariat_closes_a_year_that_is_over_and_once(db: Database) -> None:
    with pytest.raises(Forbidden):
        years.close_year(db, 2025, "", actor=REP_KAZ)
    with pytest.raises(Invalid, match="not over"):
        years.close_year(db, 2026, "", actor=SEC)  # the clock's today is in 2026
    closed = years.close_year(db, 2025, "figures for the annual report", actor=SEC)
    assert (closed.year, closed.closed_by) == (2025, "sec")
    with pytest.raises(Invalid, match="already closed"):
        years.close_year(db, 2025, "", actor=SEC)
    with db.read() as conn:
        assert list(years.closed_years(conn)) == [2025]
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "operations.close_year")).scalar_one()
    entry = json.loads(entry) if isinstance(entry, str) else entry
    assert entry == {"year": 2025, "note": "figures for the annual report"}


def test_a_change_after_closing_needs_a_reason_and_is_kept_as_such(db: Database) -> None:
    send(db, row("KAZ-1"), row("KAZ-2", quantity="50", area="Aktau"))
    ops.release(db, "channel", actor=REP_KAZ)
    years.close_year(db, 2025, "", actor=SEC)
    # without a reason: refused with its row and the date's column; nothing stored
    late = send(db, row("KAZ-1", quantity="110"), row("KAZ-3", date="2026-03-10",
                                                      stage="spring-2026"))
    assert late.batch_id is None
    assert [(e.row, e.column) for e in late.errors] == [(2, "date")]
    assert "2025 is closed" in late.errors[0].message
    assert heroin(db, SEC, 2025) == (150.0, 2)
    # sent again as it stands: no change, no reason needed; another year's row neither
    fine = send(db, row("KAZ-2", quantity="50", area="Aktau"),
                row("KAZ-3", date="2026-03-10", stage="spring-2026"))
    assert (fine.errors, fine.unchanged, fine.stored, fine.late) == ([], 1, 1, 0)
    # with a reason: stored, and kept as changes after closing
    done = send(db, row("KAZ-1", quantity="110"), row("KAZ-4", quantity="5"),
                reason="the customs laboratory weighed again")
    assert (done.stored, done.replaced, done.late) == (2, 1, 2)
    withdraw(db, "channel", "KAZ", "police", "KAZ-2", "sent by the wrong agency", actor=SEC)
    assert heroin(db, KAZ_POLICE, 2025) == (115.0, 2)
    with db.read() as conn:
        mine = years.late_changes(conn, 2025, actor=KAZ_POLICE)
        staff = years.late_changes(conn, 2025, actor=SEC)
    assert [(c.reference, c.kind, c.quantity_before, c.quantity_after, c.reason)
            for c in mine] == [
        ("KAZ-1", "correction", 100.0, 110.0, "the customs laboratory weighed again"),
        ("KAZ-4", "new", None, 5.0, "the customs laboratory weighed again"),
        ("KAZ-2", "withdrawal", 50.0, None, "sent by the wrong agency")]
    # the late report is national: the Secretariat sees the others' changes only
    assert [c.reference for c in staff] == ["KAZ-1", "KAZ-2"]
    text = pdf_text(db, SEC, 2025)
    assert "closed by the Secretariat" in text
    assert "weighed again" in text and "sent by the wrong agency" in text
    assert "KAZ-4" not in text and "KAZ-4" in pdf_text(db, KAZ_POLICE, 2025)


def test_a_correction_moving_a_report_out_of_a_closed_year_needs_a_reason(
        db: Database) -> None:
    send(db, row("KAZ-1"))
    years.close_year(db, 2025, "", actor=SEC)
    moved = send(db, row("KAZ-1", date="2026-03-10", stage="spring-2026"))
    assert [(e.row, e.column) for e in moved.errors] == [(2, "date")]
    send(db, row("KAZ-1", date="2026-03-10", stage="spring-2026"), reason="wrong year")
    with db.read() as conn:
        [change] = years.late_changes(conn, 2025, actor=KAZ_POLICE)
    assert (change.kind, change.quantity_before, change.quantity_after) == (
        "correction", 100.0, None)
    assert heroin(db, KAZ_POLICE, 2025) is None


def test_an_open_year_says_its_figures_may_change(db: Database) -> None:
    assert "not closed" in pdf_text(db, SEC, 2025)


def test_a_national_report_released_after_closing_is_a_change_after_closing(
        db: Database) -> None:
    send(db, row("KAZ-1"))
    years.close_year(db, 2025, "", actor=SEC)
    assert heroin(db, SEC, 2025) is None  # national at closing: not in the figures
    ops.release(db, "channel", actor=REP_KAZ)
    assert heroin(db, SEC, 2025) == (100.0, 1)
    with db.read() as conn:
        [change] = years.late_changes(conn, 2025, actor=SEC)
    assert (change.reference, change.kind, change.quantity_after, change.by) == (
        "KAZ-1", "release", 100.0, "rep-kaz")
    ops.release(db, "channel", actor=REP_KAZ)  # released already: no change
    with db.read() as conn:
        assert len(years.late_changes(conn, 2025, actor=SEC)) == 1
