"""A row of a result file whose date, stage, metric or unit cell is left empty is told
which cell is missing, in the reader's language: not "'' is not a date", which a Russian
page showed as "' — не дата"."""

from __future__ import annotations

from datetime import date

import pytest

from phalanx.domain.operations.results import Stage, check_row
from phalanx.web.i18n.errors import translate

STAGES = {"spring": Stage("spring", date(2026, 3, 1), date(2026, 3, 31))}
ROW = {"reference": "K-1", "date": "10.03.2026", "stage": "spring", "metric": "seizure",
       "substance": "heroin", "quantity": "2,5", "unit": "кг", "area": "Хорог"}


@pytest.mark.parametrize(("column", "english", "russian"), [
    ("date", "a date is required (YYYY-MM-DD or DD.MM.YYYY)",
     "нужна дата (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)"),
    ("stage", "a stage is required (stages: spring)", "нужен этап (этапы: spring)"),
    ("metric", "a metric is required", "нужен показатель"),
    ("unit", "a unit is required (one of g, kg, t, ml, l)",
     "нужна единица измерения (одна из g, kg, t, ml, l)"),
])
def test_an_empty_cell_is_said_to_be_missing(column: str, english: str, russian: str) -> None:
    clean, problems = check_row({**ROW, column: " "}, "anti_drug", STAGES)
    assert clean is None
    said = [message for col, message in problems if col == column]
    assert said == [english]
    assert translate(english, "ru") == russian
    assert "'" not in translate(english, "ru")
