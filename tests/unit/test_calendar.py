"""The organization's day of a moment (`domain/calendar.py`): the working zone's, at the
turn of a day, a year, a leap day and a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from phalanx.domain import calendar


def test_the_day_is_the_working_zones_not_utcs() -> None:
    at = datetime(2023, 12, 31, 21, 30, tzinfo=UTC)  # 00:30 on 1 January in Moscow
    assert calendar.day_of(at, "Europe/Moscow") == date(2024, 1, 1)
    assert calendar.day_of(at, None) == date(2023, 12, 31)
    assert calendar.day_of(at.replace(tzinfo=None), "Europe/Moscow") == date(2024, 1, 1)
    almaty = at.astimezone(timezone(timedelta(hours=5)))  # the same moment, another offset
    assert calendar.day_of(almaty, "Europe/Moscow") == date(2024, 1, 1)
    assert calendar.day_of(datetime(2023, 12, 31, 20, 59, tzinfo=UTC),
                           "Europe/Moscow") == date(2023, 12, 31)


def test_a_year_runs_from_the_working_zones_midnight() -> None:
    start, end = calendar.year_span(2024, "Europe/Moscow")
    assert (start, end) == (datetime(2023, 12, 31, 21, tzinfo=UTC),
                            datetime(2024, 12, 31, 21, tzinfo=UTC))
    assert calendar.year_span(2024, None)[0] == datetime(2024, 1, 1, tzinfo=UTC)


def test_leap_day_and_far_years() -> None:
    assert calendar.day_of(datetime(2024, 2, 28, 21, 0, tzinfo=UTC),
                           "Europe/Moscow") == date(2024, 2, 29)
    assert calendar.end_of(date(2024, 2, 29), "Europe/Moscow") == datetime(
        2024, 2, 29, 21, tzinfo=UTC)
    # Moscow's offset of the day itself: +4 in the summer of 1990 (and of 2012), +3 after
    # 2100 as now
    assert calendar.start_of(date(1990, 7, 1), "Europe/Moscow") == datetime(
        1990, 6, 30, 20, tzinfo=UTC)
    assert calendar.start_of(date(2012, 7, 1), "Europe/Moscow") == datetime(
        2012, 6, 30, 20, tzinfo=UTC)
    assert calendar.start_of(date(2101, 1, 1), "Europe/Moscow") == datetime(
        2100, 12, 31, 21, tzinfo=UTC)


def test_days_across_a_daylight_saving_change() -> None:
    # Vienna moves from +1 to +2 at 02:00 on 31 March 2024: that day has 23 hours
    start, end = calendar.start_of(date(2024, 3, 31), "Europe/Vienna"), calendar.end_of(
        date(2024, 3, 31), "Europe/Vienna")
    assert (start, end - start) == (datetime(2024, 3, 30, 23, tzinfo=UTC), timedelta(hours=23))
    # and back at 03:00 on 27 October: 25 hours
    start = calendar.start_of(date(2024, 10, 27), "Europe/Vienna")
    assert calendar.end_of(date(2024, 10, 27), "Europe/Vienna") - start == timedelta(hours=25)
    # where the clocks move at midnight (Santiago, 8 September 2024: 00:00 does not exist)
    # the day starts at its first moment, 01:00 local
    first = calendar.start_of(date(2024, 9, 8), "America/Santiago")
    assert first == datetime(2024, 9, 8, 4, tzinfo=UTC)
    assert calendar.day_of(first, "America/Santiago") == date(2024, 9, 8)
    assert calendar.day_of(first - timedelta(seconds=1), "America/Santiago") == date(2024, 9, 7)


def test_an_organization_names_its_zone_in_its_settings_or_record() -> None:
    from types import SimpleNamespace

    org = SimpleNamespace(settings={"working_time_zone": "Europe/Vienna"})
    record = SimpleNamespace(working_time_zone="Europe/Moscow")
    assert calendar.zone_name(org) == "Europe/Vienna"
    assert calendar.zone_name(record) == "Europe/Moscow"
    assert calendar.zone_name(None) is None
    assert calendar.zone(None) is UTC


def test_a_sessions_papers_are_due_on_the_organizations_day() -> None:
    """A regular session opening at 01:30 on 24 November in Moscow (22:30 UTC on the
    23rd): its papers are due 30 Moscow days before, on 25 October; a text sent at 23:00
    Moscow time that day is in time, one sent at 01:00 the next is late."""
    from phalanx.domain.decisions import procedure
    from phalanx.domain.decisions.procedure import SessionKind

    rules = {"papers": {"days_before": 30, "kinds": ["regular"]}}
    opens = datetime(2024, 11, 23, 22, 30, tzinfo=UTC)
    due = procedure.papers_due(rules, SessionKind.REGULAR, opens, "Europe/Moscow")
    assert due == date(2024, 10, 25)
    assert not procedure.papers_late(due, datetime(2024, 10, 25, 20, tzinfo=UTC),
                                     "Europe/Moscow")
    assert procedure.papers_late(due, datetime(2024, 10, 25, 22, tzinfo=UTC), "Europe/Moscow")
