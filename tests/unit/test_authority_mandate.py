"""The decision's period ends the mandate (`domain/crisis/authority.py: Mandate`,
`domain/crisis/workflow.py: mandate_refusals`, `domain/crisis/clocks.py:
mandate_overrun`): from the end of its period on, nothing new is deployed under the
decision, each refusal naming it and the end; monitoring and the way home stay open; a
mandate over with units still out is flagged."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from phalanx.domain.crisis.authority import Mandate
from phalanx.domain.crisis.clocks import mandate_overrun
from phalanx.domain.crisis.workflow import (
    Category,
    Measure,
    Situation,
    Stage,
    mandate_refusals,
    military_refusals,
    refusals,
    response_refusals,
)

PK, CRRF = Measure.MILITARY_PEACEKEEPING, Measure.MILITARY_CRRF
ADOPTED = datetime(2022, 1, 5, 20, 0, tzinfo=UTC)  # the announcement, 02:00 in Almaty
MANDATE = Mandate("CSC-2022-001", ADOPTED, 14)
ENDS = datetime(2022, 1, 19, 20, 0, tzinfo=UTC)
ENDED = ("the mandate of CSC-2022-001 ended on 2022-01-19 20:00 UTC (its period of 14 days "
         "from its adoption): no new deployment under it without a new decision linked to "
         "the crisis")


# --- the period ---------------------------------------------------------------------------


def test_the_period_counts_from_the_adoption() -> None:
    assert MANDATE.ends_at == ENDS
    assert not MANDATE.expired(ENDS - timedelta(minutes=1))
    assert MANDATE.expired(ENDS) and MANDATE.expired(ENDS + timedelta(days=30))
    assert MANDATE.ended() == ENDED


def test_an_adoption_known_by_the_day_counts_from_its_start() -> None:
    by_day = Mandate.of("CSC-2010-004", date(2010, 6, 14), None, 30)
    assert by_day.adopted == datetime(2010, 6, 14, tzinfo=UTC)
    assert by_day.ends_at == datetime(2010, 7, 14, tzinfo=UTC)
    to_the_minute = Mandate.of("CSC-2022-001", date(2022, 1, 5), ADOPTED, 14)
    assert to_the_minute == MANDATE


def test_a_period_across_a_change_to_summer_time_counts_the_seats_days() -> None:
    """Vienna moves its clocks on 29 March 2026: thirty days from the start of 20 March
    there end at the start of 19 April there (22:00 UTC), not an hour after it; a time of
    day is kept likewise (10:00 there, whatever its offset to UTC)."""
    by_day = Mandate.of("SC-2026-001", date(2026, 3, 20), None, 30, "Europe/Vienna")
    assert by_day.adopted == datetime(2026, 3, 19, 23, tzinfo=UTC)
    assert by_day.ends_at == datetime(2026, 4, 18, 22, tzinfo=UTC)
    at_ten = Mandate.of("SC-2026-002", date(2026, 3, 20), datetime(2026, 3, 20, 9, tzinfo=UTC),
                        30, "Europe/Vienna")
    assert at_ten.ends_at == datetime(2026, 4, 19, 8, tzinfo=UTC)
    assert not at_ten.carried
    # and back in October: the start of the day there, an hour later in UTC
    autumn = Mandate.of("SC-2026-003", date(2026, 10, 20), None, 14, "Europe/Vienna")
    assert autumn.ends_at == datetime(2026, 11, 2, 23, tzinfo=UTC)


def test_a_decision_without_a_period_has_no_end() -> None:
    endless = Mandate("CSC-2022-001", ADOPTED)
    assert endless.ends_at is None
    assert not endless.expired(ADOPTED + timedelta(days=3650))


def test_a_decision_the_reader_may_not_see_is_not_named() -> None:
    assert Mandate(None, ADOPTED, 14).ended().startswith(
        "the decision's mandate ended on 2022-01-19 20:00 UTC (its period of 14 days")


# --- the guards, once it is over ----------------------------------------------------------

CAT = Category("threat_to_security", "Threat", "", "2010", ("csc",),
               frozenset({Measure.POLITICAL, Measure.HUMANITARIAN, PK, CRRF}), "assist",
               "volunteers")


def deployed(stage: Stage = Stage.RESPONSE, ended: str = ENDED, **kw: object) -> Situation:
    data: dict[str, object] = dict(
        consultations_convened=True, decision_adopted=True,
        decision_authorizes=frozenset({PK}), measures=frozenset({PK}), units_committed=3,
        review="done", requested=frozenset({PK}), official_request=True,
        mandate_ended=ended)
    return Situation(CAT, stage, **(data | kw))  # type: ignore[arg-type]


def test_nothing_new_is_deployed_once_the_mandate_is_over() -> None:
    s = deployed()
    assert refusals(s, Stage.DEPLOYED) == [ENDED]
    assert military_refusals(s) == [ENDED]
    assert response_refusals(s) == [ENDED]  # a change under way is refused
    assert mandate_refusals(s) == [ENDED]
    assert mandate_refusals(s, [PK]) == [ENDED]  # e.g. an offer of peacekeepers accepted
    assert mandate_refusals(s, [Measure.HUMANITARIAN]) == []  # aid is not a deployment


def test_monitoring_and_the_way_home_stay_open() -> None:
    s = deployed(Stage.DEPLOYED)
    assert refusals(s, Stage.MONITORING) == []
    monitoring = replace(s, stage=Stage.MONITORING)
    assert refusals(monitoring, Stage.CLOSED) == []
    # closing still needs the way home of the units still out
    assert refusals(replace(monitoring, units_out=2), Stage.CLOSED) == [
        "2 unit(s) of the decided deployment are still out: plan and decide their way home "
        "first"]
    # dropping the military measures is not refused
    assert response_refusals(replace(s, stage=Stage.RESPONSE,
                                     measures=frozenset({Measure.HUMANITARIAN}))) == []


def test_a_mandate_that_runs_leaves_the_guards_as_they_were() -> None:
    s = deployed(ended="")
    assert refusals(s, Stage.DEPLOYED) == [] and military_refusals(s) == []
    assert mandate_refusals(s) == []


# --- the flag ------------------------------------------------------------------------------


def test_a_mandate_over_with_units_out_is_flagged() -> None:
    assert mandate_overrun(ENDS, 3, ENDS + timedelta(hours=5)) == timedelta(hours=5)
    assert mandate_overrun(ENDS, 3, ENDS) == timedelta(0)  # from the end on
    assert mandate_overrun(ENDS, 3, ENDS - timedelta(minutes=1)) is None  # still running
    assert mandate_overrun(ENDS, 0, ENDS + timedelta(days=1)) is None  # all home (decided)
    assert mandate_overrun(None, 3, ENDS + timedelta(days=1)) is None  # no period


# --- "for a limited period", no number of days -----------------------------------------

APPEAL = datetime(2022, 1, 5, 17, 30, tzinfo=UTC)  # 23:30 in Almaty
ACCOMPLISHED = datetime(2022, 1, 11, 6, 0, tzinfo=UTC)  # the mission declared accomplished


def limited(*requests: tuple[datetime, datetime | None]) -> Mandate:
    return Mandate.of("CSC-2022-001", date(2022, 1, 6), ADOPTED, None, limited=True,
                      requests=requests)


def test_a_limited_period_runs_while_the_request_it_answers_stands() -> None:
    m = limited((APPEAL, None))
    assert m.limited and m.ends_at is None
    assert not m.expired(ADOPTED + timedelta(days=365))
    assert mandate_overrun(m.ends_at, 5, ADOPTED + timedelta(days=365)) is None


def test_a_limited_period_ends_with_the_withdrawal_of_the_request() -> None:
    m = limited((APPEAL, ACCOMPLISHED))
    assert m.ends_at == ACCOMPLISHED
    assert not m.expired(ACCOMPLISHED - timedelta(minutes=1)) and m.expired(ACCOMPLISHED)
    assert m.ended() == (
        "the mandate of CSC-2022-001 ended on 2022-01-11 06:00 UTC (its limited period, which "
        "ended with the withdrawal of the official request it answered): no new deployment "
        "under it without a new decision linked to the crisis")
    # units still out a day later with no decided way home are flagged
    assert mandate_overrun(m.ends_at, 3, ACCOMPLISHED + timedelta(days=1)) == timedelta(days=1)


def test_a_limited_period_ends_when_the_last_request_it_answers_is_withdrawn() -> None:
    second = APPEAL + timedelta(hours=1)  # a second state's request, withdrawn later
    assert limited((APPEAL, ACCOMPLISHED), (second, None)).ends_at is None
    assert limited((APPEAL, ACCOMPLISHED),
                   (second, ACCOMPLISHED + timedelta(days=2))).ends_at \
        == ACCOMPLISHED + timedelta(days=2)
    # a request made after the adoption counts for later decisions only: it does not
    # carry this one on
    assert limited((APPEAL, ACCOMPLISHED),
                   (ADOPTED + timedelta(days=2), None)).ends_at == ACCOMPLISHED


def test_a_limited_period_that_answers_no_request_has_no_end_of_this_kind() -> None:
    assert limited().ends_at is None  # sent under a UN mandate, say
    # the register's end still ends it
    repealed = Mandate.of("CSC-2022-001", date(2022, 1, 6), ADOPTED, None,
                          last_day=(date(2022, 1, 9), "repealed", None), limited=True,
                          requests=[(APPEAL, None)])
    assert repealed.ends_at == datetime(2022, 1, 9, tzinfo=UTC) and repealed.by_register


def test_a_period_of_days_is_not_also_limited() -> None:
    m = Mandate.of("CSC-2022-001", date(2022, 1, 6), ADOPTED, 14, limited=True,
                   requests=[(APPEAL, ACCOMPLISHED)])
    assert not m.limited and m.ends_at == ENDS
