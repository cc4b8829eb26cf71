"""The algorithm of collective response: every transition and every guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.crisis.clocks import scorecard, stage_clocks
from phalanx.domain.crisis.workflow import (
    FINAL,
    TRANSITIONS,
    Category,
    Measure,
    Situation,
    Stage,
    refusals,
)

CAT = Category("armed_attack", "Armed attack", "", "2010", ("csc",),
               frozenset({Measure.POLITICAL, Measure.HUMANITARIAN, Measure.MILITARY_CRRF,
                          Measure.MILITARY_PEACEKEEPING}), "assist", "all_members",
               {"reported": 60, "consultations": 240})
READY = Situation(CAT, Stage.REPORTED, consultations_convened=True, decision_adopted=True,
                  decision_authorizes=frozenset({Measure.MILITARY_CRRF}),
                  measures=frozenset({Measure.HUMANITARIAN}), units_committed=1,
                  review="lessons", official_request=True)


def at(stage: Stage, **kw: object) -> Situation:
    return Situation(**{**READY.__dict__, "stage": stage, **kw})


@pytest.mark.parametrize("source", list(Stage))
@pytest.mark.parametrize("target", list(Stage))
def test_only_the_drawn_transitions_exist(source: Stage, target: Stage) -> None:
    problems = refusals(at(source), target, reason="because")
    if target in TRANSITIONS[source]:
        assert problems == [], problems
    else:
        assert len(problems) == 1 and "cannot go from" in problems[0]


def test_final_stages_lead_nowhere() -> None:
    assert all(not TRANSITIONS[s] for s in FINAL)


def test_consultations_need_a_convened_session() -> None:
    # the article the organization's file names (the CSTO's Treaty art. 2), or none
    problems = refusals(at(Stage.REPORTED, consultations_convened=False,
                           consult_article="Treaty art. 2"), Stage.CONSULTATIONS)
    assert problems == ["consultations must be convened first (Treaty art. 2): convene a "
                        "session"]
    assert refusals(at(Stage.REPORTED, consultations_convened=False), Stage.CONSULTATIONS) \
        == ["consultations must be convened first: convene a session"]


@pytest.mark.parametrize("target", [Stage.NO_ACTION, Stage.REJECTED])
def test_no_action_and_rejection_need_a_reason(target: Stage) -> None:
    assert "needs a recorded reason" in refusals(at(Stage.ASSESSMENT), target)[0]
    assert refusals(at(Stage.ASSESSMENT), target, "handled bilaterally") == []


def test_a_category_that_consults_first_is_not_rejected_before_consultations() -> None:
    """Treaty art. 2: a threat to a member's security calls for consultations at once. A
    category saying so (`consult_first`, from the dataset) is not rejected at "reported",
    though it relies on volunteers; one that does not say so may be."""
    from dataclasses import replace

    threat = replace(CAT, key="threat_to_security", obliged="volunteers", consult_first=True)
    refused = refusals(at(Stage.REPORTED, category=threat, consult_article="Treaty art. 2"),
                       Stage.REJECTED, "no threat")
    assert refused == ["this crisis is not rejected before the members consult (Treaty "
                       "art. 2: consultations at once): convene them"]
    assert refusals(at(Stage.REPORTED, category=threat, consult_article="Pact art. 4"),
                    Stage.REJECTED, "no threat") == [
        "this crisis is not rejected before the members consult (Pact art. 4: "
        "consultations at once): convene them"]
    flood = replace(threat, key="natural_disaster")
    flood = replace(flood, consult_first=False)
    assert refusals(at(Stage.REPORTED, category=flood), Stage.REJECTED, "handled") == []
    # collective defence (a request invoking art. 4) still consults first
    assert refusals(at(Stage.REPORTED, category=flood, collective_defence=True,
                       consult_article="Treaty art. 2"), Stage.REJECTED, "handled") == refused


def test_decision_and_response_need_an_adopted_decision() -> None:
    assert "decision adopted" in refusals(at(Stage.ASSESSMENT, decision_adopted=False),
                                          Stage.DECISION)[0]
    problems = refusals(at(Stage.DECISION, decision_adopted=False), Stage.RESPONSE)
    assert "a response needs an adopted decision" in problems


def test_military_measures_need_authorization() -> None:
    s = at(Stage.DECISION, measures=frozenset({Measure.MILITARY_PEACEKEEPING}),
           decision_authorizes=frozenset())
    assert any("authorizes" in p for p in refusals(s, Stage.RESPONSE))


def test_the_crrf_is_not_for_bilateral_disputes_or_against_neighbours() -> None:
    s = at(Stage.DECISION, measures=frozenset({Measure.MILITARY_CRRF}), bilateral_dispute=True,
           against_cis_or_neighbour=True)
    problems = refusals(s, Stage.RESPONSE)
    assert "the CRRF is not used to solve a bilateral political problem between states" in problems
    assert "the CRRF is not used against CIS partners or neighbouring states" in problems


def test_peacekeepers_need_a_request_at_home_or_a_un_mandate_abroad() -> None:
    pk = frozenset({Measure.MILITARY_PEACEKEEPING})
    s = at(Stage.DECISION, measures=pk, decision_authorizes=pk, official_request=False)
    assert any("official request" in p for p in refusals(s, Stage.RESPONSE))
    s = at(Stage.DECISION, measures=pk, decision_authorizes=pk, on_member_territory=False)
    assert any("UN Security Council" in p for p in refusals(s, Stage.RESPONSE))
    s = at(Stage.DECISION, measures=pk, decision_authorizes=pk, on_member_territory=False,
           un_mandate=True)
    assert refusals(s, Stage.RESPONSE) == []


def test_ineligible_measures_and_deployment_and_closing() -> None:
    s = at(Stage.DECISION, measures=frozenset({Measure.INFORMATIONAL}))
    assert "informational not eligible" in refusals(s, Stage.RESPONSE)[0]
    assert "nothing is deployed" in refusals(at(Stage.RESPONSE, units_committed=0),
                                             Stage.DEPLOYED)[0]
    assert "after-action review" in refusals(at(Stage.MONITORING, review=" "), Stage.CLOSED)[0]


def test_clocks_flag_an_overdue_stage_and_the_scorecard_counts() -> None:
    t0 = datetime(2026, 1, 1, 8, tzinfo=UTC)
    history = [(Stage.REPORTED, t0), (Stage.CONSULTATIONS, t0 + timedelta(minutes=90))]
    cl = stage_clocks(history, CAT.targets, t0 + timedelta(hours=10))
    assert cl[0].overdue and cl[0].overdue_by == timedelta(minutes=30)
    assert cl[1].overdue and cl[1].elapsed == timedelta(hours=10) - timedelta(minutes=90)
    card = scorecard(history, t0 + timedelta(minutes=200))
    assert card.to_consultations == timedelta(minutes=90)
    assert card.to_first_offer == timedelta(minutes=200)
    assert card.to_decision is None
