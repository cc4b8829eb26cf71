"""The crises of a year (`domain/crisis/year.py`): reported in it, or carried over into
it unended; each at its stage at the year's end."""

from __future__ import annotations

from datetime import UTC, datetime

from phalanx.domain.crisis.workflow import Stage
from phalanx.domain.crisis.year import of_the_year, stage_at

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
DEC20 = datetime(2025, 12, 20, tzinfo=UTC)


def test_a_crisis_reported_in_the_year_is_of_it() -> None:
    assert of_the_year(datetime(2026, 3, 1, tzinfo=UTC), [], START, END)
    assert not of_the_year(datetime(2027, 1, 1, tzinfo=UTC), [], START, END)


def test_a_crisis_carried_over_unended_is_of_the_next_year_too() -> None:
    ended_jan3 = [(datetime(2025, 12, 21, tzinfo=UTC), Stage.CONSULTATIONS),
                  (datetime(2026, 1, 3, tzinfo=UTC), Stage.NO_ACTION)]
    assert of_the_year(DEC20, ended_jan3, START, END)
    ended_dec30 = [(datetime(2025, 12, 21, tzinfo=UTC), Stage.CONSULTATIONS),
                   (datetime(2025, 12, 30, tzinfo=UTC), Stage.NO_ACTION)]
    assert not of_the_year(DEC20, ended_dec30, START, END)
    assert of_the_year(DEC20, [], START, END)  # never moved: still open


def test_the_stage_is_the_one_it_had_then() -> None:
    changes = [(datetime(2026, 12, 1, tzinfo=UTC), Stage.CONSULTATIONS),
               (datetime(2027, 2, 1, tzinfo=UTC), Stage.NO_ACTION)]
    assert stage_at(changes, END) is Stage.CONSULTATIONS
    assert stage_at(reversed(changes), datetime(2028, 1, 1, tzinfo=UTC)) is Stage.NO_ACTION
    assert stage_at(changes, datetime(2026, 12, 1, tzinfo=UTC)) is Stage.REPORTED
