"""The response card (`domain/crisis/card.py`): consultations from the first report, each
other measure from the request, beside its target: met, missed, open, overdue."""

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


def test_consultations_run_from_the_report_the_rest_from_the_request() -> None:
    """Treaty art. 2: the members consult at once when the threat arises, no request
    needed. Reported 06:00, request 14:30, consultations 15:00: nine hours, missed (as
    the stage clock of "reported" says), not half an hour from the request."""
    reported = datetime(2022, 1, 5, 6, 0, tzinfo=UTC)
    requested = reported + timedelta(hours=8, minutes=30)
    reached = {"consultations": reported + timedelta(hours=9),
               "decision": requested + timedelta(hours=2)}
    marks = {m.measure: m for m in card(requested, reached, TARGETS,
                                        requested + timedelta(hours=3), reported=reported)}
    assert marks["consultations"].elapsed == timedelta(hours=9)
    assert marks["consultations"].verdict == "missed"
    assert marks["decision"].elapsed == timedelta(hours=2)  # from the request
    assert marks["decision"].verdict == "met"
    # not reached yet: the consultations' clock has run since the report
    open_ = {m.measure: m for m in card(requested, {}, TARGETS, requested, reported=reported)}
    assert open_["consultations"].verdict == "overdue"
    assert open_["decision"].verdict == "open"


def test_a_crisis_ended_with_no_action_leaves_what_it_never_reached_not_reached() -> None:
    """Armenia, September 2022: the request under art. 4, consultations, no assistance
    decided. Once the crisis ended so, the decision and the first unit it never reached
    read "not reached", not overdue for ever after."""
    reached = {"consultations": T0 + timedelta(minutes=30)}
    ended = T0 + timedelta(days=30)
    marks = {m.measure: m for m in card(T0, reached, TARGETS, T0 + timedelta(days=60),
                                        ended=ended)}
    assert marks["consultations"].verdict == "met"
    assert marks["decision"].verdict == "not reached"
    assert marks["first_unit"].verdict == "not reached"
    still = {m.measure: m for m in card(T0, reached, TARGETS, T0 + timedelta(days=60))}
    assert still["decision"].verdict == "overdue"  # while it is open
