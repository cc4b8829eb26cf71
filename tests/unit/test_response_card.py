"""The response card (`domain/crisis/card.py`): each measure from the request, beside its
target: met, missed, open, overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phalanx.domain.crisis.card import card

T0 = datetime(2022, 1, 5, 23, 0, tzinfo=UTC)  # a request made at night
TARGETS = {"consultations": 60, "decision": 720, "first_unit": 1440}


def test_each_measure_is_met_missed_open_or_overdue() -> None:
    reached = {"consultations": T0 + timedelta(minutes=30),
               "decision": T0 + timedelta(hours=13), "first_unit": None}
    marks = {m.measure: m for m in card(T0, reached, TARGETS, T0 + timedelta(hours=20))}
    assert marks["consultations"].verdict == "met"
    assert marks["decision"].verdict == "missed"
    assert marks["first_unit"].verdict == "open"
    assert marks["closing"].verdict == "no target" and marks["closing"].elapsed is None
    late = {m.measure: m for m in card(T0, reached, TARGETS, T0 + timedelta(hours=25))}
    assert late["first_unit"].verdict == "overdue"


def test_a_measure_that_does_not_apply_is_left_out() -> None:
    marks = card(T0, {}, TARGETS, T0, applies=frozenset({"consultations", "closing"}))
    assert [m.measure for m in marks] == ["consultations", "closing"]
