"""A result row's unit as a Russian spreadsheet writes it (г, кг, т, мл, л, шт, with or
without a full stop) is read as its international symbol; anything else stays an error
naming the unit column."""

from __future__ import annotations

from datetime import date

import pytest

from phalanx.domain.operations.results import Stage, check_row

STAGES = {"spring": Stage("spring", date(2026, 3, 1), date(2026, 3, 31))}


def row(metric: str, quantity: str, unit: str, substance: str = "") -> dict[str, str]:
    return {"reference": "K-1", "date": "10.03.2026", "stage": "spring", "metric": metric,
            "substance": substance, "quantity": quantity, "unit": unit, "area": "Хорог"}


@pytest.mark.parametrize(("metric", "quantity", "unit", "stored"), [
    ("seizure", "2,5", "кг", (2.5, "kg")),
    ("seizure", "2,5", "КГ.", (2.5, "kg")),
    ("seizure", "500", "г", (0.5, "kg")),
    ("seizure", "1,5", "т", (1500.0, "kg")),
    ("seizure", "250", "мл", (0.25, "l")),
    ("seizure", "3", "л.", (3.0, "l")),
    ("firearms", "12", "шт.", (12.0, "count")),
])
def test_a_russian_unit_is_read_as_its_symbol(metric: str, quantity: str, unit: str,
                                              stored: tuple[float, str]) -> None:
    clean, problems = check_row(row(metric, quantity, unit,
                                    "heroin" if metric == "seizure" else ""),
                                "anti_drug", STAGES)
    assert problems == [] and clean is not None
    assert (round(clean.quantity, 6), clean.unit) == stored


@pytest.mark.parametrize(("metric", "unit", "message"), [
    ("seizure", "пуд", "'пуд' is not one of g, kg, t, ml, l"),
    ("explosives", "л", "'л' is not one of g, kg, t"),  # a volume is no mass
    ("firearms", "кг", "firearms is counted; 'кг' is not a count"),
])
def test_any_other_unit_stays_an_error_in_its_column(metric: str, unit: str,
                                                     message: str) -> None:
    _, problems = check_row(row(metric, "2", unit, "heroin" if metric == "seizure" else ""),
                            "anti_drug", STAGES)
    assert ("unit", message) in problems
