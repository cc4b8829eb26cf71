"""The charts of the printed reports write their axes' figures as the report's language
does: "20 000" and "12,5" on a Russian report (they read "20000" and "12.5" whatever the
language), "20,000" and "12.5" on an English one."""

from __future__ import annotations

from typing import Any

import pytest

from phalanx.adapters.exports import charts
from phalanx.domain.access.principal import Principal, Role
from phalanx.services.db import Database
from phalanx.services.registers import overview as ov
from phalanx.web.i18n import texts_for

SEC = Principal("sec", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_an_axis_is_written_with_the_languages_separators() -> None:
    russian, english = (charts.tick(texts_for(lang).number) for lang in ("ru", "en"))
    assert russian(20000.0).replace("\u202f", "\u00a0") == "20\u00a0000"
    assert russian(12.5) == "12,5" and russian(0.0) == "0"
    assert english(20000.0) == "20,000" and english(12.5) == "12.5"


def test_the_russian_annual_reports_charts_are_written_in_russian(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[Any] = []

    def spy(draw: Any) -> Any:
        def drawing(*args: Any, **kwargs: Any) -> bytes:
            drawn.append(kwargs.get("number"))
            return draw(*args, **kwargs)
        return drawing

    monkeypatch.setattr(ov.charts, "lines", spy(charts.lines))
    monkeypatch.setattr(ov.charts, "bars", spy(charts.bars))
    with db.read() as conn:
        ov.annual_report_pdf(conn, 2024, actor=SEC, texts=texts_for("ru"))
    assert len(drawn) >= 3  # the transposition, the supplies, the training quotas
    assert all(n is not None and n(1.5) == "1,5" for n in drawn), drawn
