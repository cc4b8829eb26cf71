"""The pages' `day` filter: a date as it is, in the page's language; a moment (a date and
time, as a draft's sending) as the organization's day, its working time zone's, never
UTC's: 22:30 UTC on 31 January is 1 February in Moscow."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from phalanx.web.pages.render import templates

MOSCOW = SimpleNamespace(working_time_zone="Europe/Moscow")


@pytest.mark.parametrize(("value", "org", "lang", "shown"), [
    (date(2026, 1, 31), MOSCOW, "ru", "31.01.2026"),
    (date(2026, 1, 31), MOSCOW, "en", "2026-01-31"),
    (datetime(2026, 1, 31, 22, 30, tzinfo=UTC), MOSCOW, "ru", "01.02.2026"),
    (datetime(2026, 1, 31, 20, 30, tzinfo=UTC), MOSCOW, "en", "2026-01-31"),
    (datetime(2026, 1, 31, 22, 30, tzinfo=UTC), None, "en", "2026-01-31"),  # no org: UTC
    (None, MOSCOW, "en", ""),
    ("2026", MOSCOW, "en", "2026")])
def test_a_moment_shows_as_the_organizations_day(value: object, org: object, lang: str,
                                                 shown: str) -> None:
    got = templates.env.from_string("{{ value|day }}").render(value=value, org=org,
                                                              lang=lang)
    assert got == shown


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (date(1, 1, 1), "en", "0001-01-01"),
    (date(1, 1, 1), "ru", "01.01.0001"),
    (date(999, 3, 1), "en", "0999-03-01"),
    (date(9999, 12, 31), "ru", "31.12.9999")])
def test_a_year_before_1000_shows_in_four_figures(value: date, lang: str, shown: str) -> None:
    """A date before the Organization existed, asked of the members page ("On 0001-01-01,
    0 of them were in the Organization"), showed as "1-01-01" and "01.01.1"."""
    got = templates.env.from_string("{{ value|day }}").render(value=value, org=MOSCOW,
                                                              lang=lang)
    assert got == shown
