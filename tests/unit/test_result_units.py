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


@pytest.mark.parametrize(("quantity", "decimal", "whole"), [
    ("1,250", "1,25", "1250"), ("12,500", "12,5", "12500"), ("250,000", "250", "250000")])
def test_a_comma_before_three_digits_is_refused_as_ambiguous(quantity: str, decimal: str,
                                                             whole: str) -> None:
    """"12,500" kg is 12.5 kg to a Russian spreadsheet and 12,500 kg to an English one:
    neither reading is taken silently."""
    clean, problems = check_row(row("seizure", quantity, "kg", "heroin"), "anti_drug",
                                STAGES)
    assert clean is None
    assert problems == [("quantity", f"{quantity!r} may mean {decimal} or {whole}; "
                                     "write the one meant")]


@pytest.mark.parametrize(("quantity", "kg"), [
    ("0,250", 0.25), ("1,25", 1.25), ("1,2505", 1.2505), ("1 250", 1250.0),
    ("12500", 12500.0)])
def test_an_unambiguous_quantity_is_read(quantity: str, kg: float) -> None:
    clean, problems = check_row(row("seizure", quantity, "kg", "heroin"), "anti_drug",
                                STAGES)
    assert problems == [] and clean is not None and clean.quantity == kg


def test_a_day_after_the_latest_is_refused_in_the_date_column() -> None:
    raw = row("seizure", "2", "kg", "heroin")  # dated 10 March 2026
    assert check_row(raw, "anti_drug", STAGES, latest=date(2026, 3, 10))[1] == []
    clean, problems = check_row(raw, "anti_drug", STAGES, latest=date(2026, 3, 9))
    assert clean is None and problems == [("date", "2026-03-10 has not come yet")]


def test_a_seizure_without_its_substance_and_a_row_without_a_quantity_say_so() -> None:
    _, problems = check_row(row("seizure", "", "kg"), "anti_drug", STAGES)
    assert ("quantity", "a quantity is required") in problems
    assert any(col == "substance" and msg.startswith("a seizure names its substance")
               for col, msg in problems)


@pytest.mark.parametrize("reference", [".", "..", " .. "])
def test_a_reference_a_web_address_would_read_as_a_folder_is_refused(reference: str) -> None:
    clean, problems = check_row({**row("seizure", "2", "kg", "heroin"),
                                 "reference": reference}, "anti_drug", STAGES)
    assert clean is None
    assert ("reference", "a reference is more than '.' or '..'") in problems
    ok, _ = check_row({**row("seizure", "2", "kg", "heroin"), "reference": "K/../1"},
                      "anti_drug", STAGES)
    assert ok is not None and ok.reference == "K/../1"
