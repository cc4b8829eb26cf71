"""A cancelled exercise stays in the calendar, marked so, but it is no exercise held or
to come: the Secretariat's overview counts none (nor in its chart by year), names none
as the next, and the annual report prints it as cancelled, with no strength."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services.db import Database
from phalanx.services.registers import exercises as ex
from phalanx.services.registers import overview as ov

SEC = Principal("sec", Role.SECRETARIAT)
BEFORE = date(2026, 9, 1)  # two weeks before the dataset's Frontier 2026


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_cancelled_exercise_is_counted_nowhere(db: Database) -> None:
    with db.read() as conn:
        before = ov.overview(conn, actor=SEC, today=BEFORE).exercises
    assert before["upcoming"] == ["frontier-2026"] and before["by_year"]["2026"] == 1
    ex.cancel(db, "frontier-2026", ex.CancelIn(reason="floods at the range", on=BEFORE),
              actor=SEC)
    with db.read() as conn:
        after = ov.overview(conn, actor=SEC, today=BEFORE).exercises
        assert any(e.key == "frontier-2026" for e in ex.calendar(conn, actor=SEC))
        pdf = ov.annual_report_pdf(conn, 2026, actor=SEC)
    assert after["count"] == before["count"] - 1
    assert after["upcoming"] == [] and after["next"] is None
    assert "2026" not in after["by_year"]
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "cancelled on 2026-09-01" in " ".join(text.split())
