"""Who holds power in a member state and whose appointments stand
(`domain/representation.py`)."""

from __future__ import annotations

from datetime import date

from phalanx.domain.representation import (
    Change,
    holder_removed_by,
    in_power,
    lapsed_by,
    refusal,
)

COUP = Change(1, "KGZ", date(2010, 4, 7), "the interim government", False, "record")
ELECTED = Change(2, "KGZ", date(2011, 12, 1), "the elected President", True, "record")
ELSEWHERE = Change(3, "KAZ", date(2010, 4, 7), "another state's", False, "record")
ALL = (ELECTED, COUP, ELSEWHERE)


def test_the_authorities_in_power_are_the_latest_change_of_the_state_on_the_day() -> None:
    assert in_power(ALL, "KGZ", date(2010, 4, 6)) is None
    assert in_power(ALL, "KGZ", date(2010, 4, 7)) == COUP
    assert in_power(ALL, "KGZ", date(2012, 1, 1)) == ELECTED
    assert in_power(ALL, "ARM", date(2012, 1, 1)) is None


def test_an_unconstitutional_change_ends_the_appointments_made_before_it() -> None:
    assert lapsed_by(ALL, "KGZ", date(2010, 4, 6), None) is None  # the day before
    assert lapsed_by(ALL, "KGZ", date(2010, 4, 7), None) == COUP  # from its own day
    assert lapsed_by(ALL, "KGZ", date(2012, 1, 1), None) == COUP  # the election heals none
    # made or confirmed under the interim government: it stands, and past the election
    assert lapsed_by(ALL, "KGZ", date(2010, 6, 12), COUP.id) is None
    assert lapsed_by(ALL, "KGZ", date(2012, 1, 1), COUP.id) is None
    # another state's change ends none of this state's
    assert lapsed_by((ELSEWHERE,), "KGZ", date(2012, 1, 1), None) is None


def test_a_constitutional_change_leaves_the_appointments_standing() -> None:
    assert lapsed_by((ELECTED,), "KGZ", date(2012, 1, 1), None) is None
    # a later coup ends what the elected authorities confirmed
    later = Change(4, "KGZ", date(2013, 1, 1), "a junta", False, "record")
    assert lapsed_by((ELECTED, later), "KGZ", date(2013, 1, 2), ELECTED.id) == later


def test_an_appointment_confirmed_under_authorities_not_in_power_counts_as_none() -> None:
    assert lapsed_by(ALL, "KGZ", date(2010, 5, 1), ELECTED.id) == COUP


def test_one_change_a_day() -> None:
    assert refusal("KGZ", ALL, date(2010, 4, 7)) == (
        "a change of KGZ's authorities is already recorded on 2010-04-07")
    assert refusal("KGZ", ALL, date(2010, 4, 8)) is None
    assert refusal("ARM", ALL, date(2010, 4, 7)) is None


def test_an_unconstitutional_change_is_not_recorded_ahead_of_its_day() -> None:
    today = date(2010, 4, 9)
    assert refusal("KGZ", ALL, date(2010, 4, 10), False, today) == (
        "a change of authorities outside the constitution is recorded once it has "
        "happened: 2010-04-10 is after today (2010-04-09)")
    assert refusal("KGZ", ALL, date(2010, 4, 9), False, today) is None
    assert refusal("KGZ", ALL, date(2010, 4, 10), True, today) is None


def test_a_coup_removes_the_head_of_state_the_dataset_names_from_before_it() -> None:
    # the President named from 2005: his name no longer carries the state's answers
    assert holder_removed_by(ALL, "KGZ", date(2010, 4, 6), date(2005, 8, 14)) is None
    assert holder_removed_by(ALL, "KGZ", date(2010, 4, 7), date(2005, 8, 14)) == COUP
    # one the dataset names from the change's day on is the new authorities'
    assert holder_removed_by(ALL, "KGZ", date(2010, 7, 3), date(2010, 4, 7)) is None
    # an election removes nobody the dataset names; another state's coup neither
    assert holder_removed_by((ELECTED, ELSEWHERE), "KGZ", date(2012, 1, 1),
                             date(2005, 8, 14)) is None
