"""Whether a procedure's deadline falls on a day off where the Secretariat sits, read on
its clocks (not UTC's), for the CSTO (Moscow, Saturday and Sunday off) and the Danube
Alliance (Vienna, Friday to Sunday off), and the refusal in Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.decisions.procedure import WEEKDAYS, deadline_on_day_off
from phalanx.services.errors import DayOff
from phalanx.web.i18n.errors import translate

MOSCOW = ("Europe/Moscow", ("saturday", "sunday"))
VIENNA = ("Europe/Vienna", ("friday", "saturday", "sunday"))
MONDAY = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)  # a Monday in winter (Vienna: UTC+1)


@pytest.mark.parametrize("n", range(7))
@pytest.mark.parametrize(("where", "offset"), [(MOSCOW, 3), (VIENNA, 1)])
def test_each_day_of_the_week(n: int, where: tuple[str, tuple[str, ...]],
                              offset: int) -> None:
    zone, off = where
    at = MONDAY + timedelta(days=n)
    found = deadline_on_day_off(at, zone, off)
    name = WEEKDAYS[n]
    if name not in off:
        assert found is None
        return
    assert found is not None and found[1] == name
    assert (found[0].date(), found[0].hour) == (at.date(), 12 + offset)  # its local time


def test_the_day_is_the_secretariats_not_utcs() -> None:
    friday_late = datetime(2027, 1, 8, 22, 30, tzinfo=UTC)  # Saturday 01:30 in Moscow
    assert deadline_on_day_off(friday_late, *MOSCOW) is not None
    assert deadline_on_day_off(friday_late, None, MOSCOW[1]) is None  # UTC: a Friday
    thursday_late = datetime(2027, 1, 7, 23, 30, tzinfo=UTC)  # Friday 00:30 in Vienna
    local, name = deadline_on_day_off(thursday_late, *VIENNA) or (None, "")
    assert name == "friday" and local is not None and local.hour == 0
    assert deadline_on_day_off(thursday_late, *MOSCOW) is None  # Friday 02:30 there


def test_a_deadline_at_midnight_ends_the_day_before() -> None:
    monday_midnight = datetime(2027, 1, 10, 21, 0, tzinfo=UTC)  # Monday 00:00 in Moscow
    local, name = deadline_on_day_off(monday_midnight, *MOSCOW) or (None, "")
    assert name == "sunday" and local is not None and local.weekday() == 0
    assert deadline_on_day_off(monday_midnight + timedelta(seconds=1), *MOSCOW) is None
    saturday_midnight = datetime(2027, 1, 8, 21, 0, tzinfo=UTC)  # ends Friday in Moscow
    assert deadline_on_day_off(saturday_midnight, *MOSCOW) is None
    assert deadline_on_day_off(saturday_midnight, *VIENNA) is not None  # 22:00 Friday


def test_the_refusal_in_russian() -> None:
    local = datetime(2027, 1, 8, 13, 0)
    refusal = DayOff("deadline", local, "friday", "Europe/Vienna")
    assert refusal.where == "deadline"
    assert translate(refusal.message, "ru") == (
        "срок приходится на выходной день по месту пребывания Секретариата (пятница, "
        "08.01.2027 13:00, Europe/Vienna): выберите рабочий день или подтвердите "
        "выходной день")
