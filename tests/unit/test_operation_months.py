"""A count by month: months of different years are never one sum, and a year's months
are in order, a month gone by with no report a zero, one still to come none."""

from __future__ import annotations

from datetime import date

from phalanx.domain.operations import months


def test_the_year_is_grouped_before_the_month_unless_one_year_is_asked_for() -> None:
    assert months.groups(["state", "month"], None) == ["state", "year", "month"]
    assert months.groups(["month"], 2025) == ["month"]
    assert months.groups(["month", "year"], None) == ["month", "year"]
    assert months.groups(["stage"], None) == ["stage"]


def test_a_year_s_months_in_order_with_zeros_gone_by_and_none_to_come() -> None:
    assert months.series({3: 120.0, 4: 5.0}, 2025, date(2026, 1, 5)) == [
        0.0, 0.0, 120.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert months.series({2: 1.0}, 2026, date(2026, 3, 31)) == [
        0.0, 1.0, 0.0, *[None] * 9]
    # a report dated tomorrow, in next month, is shown, not hidden
    assert months.series({4: 2.0}, 2026, date(2026, 3, 31))[3] == 2.0
