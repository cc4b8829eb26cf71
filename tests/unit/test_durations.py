"""A length of time in minutes reads in days, hours and minutes in either language."""

import pytest

from phalanx.web.i18n.durations import duration_text


@pytest.mark.parametrize(("minutes", "en", "ru"), [
    (0, "0 min", "0 мин"),
    (44.6, "45 min", "45 мин"),
    (60, "1 h", "1 ч"),
    (1270, "21 h 10 min", "21 ч 10 мин"),
    (1440, "1 d", "1 сут."),
    (3 * 1440 + 125, "3 d 2 h", "3 сут. 2 ч"),  # beyond a day the minutes are left out
    (-90, "-1 h 30 min", "-1 ч 30 мин"),
    (40 * 1440, "40 d", "40 сут."),
])
def test_minutes_read_as_days_hours_and_minutes(minutes: float, en: str, ru: str) -> None:
    assert duration_text(minutes, "en") == en
    assert duration_text(minutes, "ru") == ru


def test_large_counts_take_the_language_separators() -> None:
    assert duration_text(1234 * 1440, "en") == "1,234 d"
    assert duration_text(1234 * 1440, "ru") == "1\xa0234 сут."
