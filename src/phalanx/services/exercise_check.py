"""A scenario checked against the organization as of its dates, before anything is
written: the crisis category exists; every state named is a member on the day of its
inject (an affected state for a request); and every move of the crisis is one the
algorithm (`domain/crisis/workflow.py: refusals`) allows at that point, given what the
injects before it did — an official request withdrawn by its state covering nothing new
from its minute on (no move to deployed, no military offer accepted, no deployment
decided: `workflow.withdrawal_refusals`), and no withdrawal once the crisis is finished."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from phalanx.adapters.cap import territory
from phalanx.domain import calendar, membership
from phalanx.domain.crisis import authority, parties
from phalanx.domain.crisis import obligations as ob
from phalanx.domain.crisis.workflow import (
    FINAL,
    MILITARY,
    Category,
    Measure,
    Situation,
    Stage,
    refusals,
    withdrawal_refusals,
)
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.organization import Organization
from phalanx.services.exercise_injects import (
    AcceptConditionsInject,
    AcceptInject,
    ConsentInject,
    ConsultationsInject,
    DecideInject,
    ObligationInject,
    OfferInject,
    OfficialRequestInject,
    OpenInject,
    PlanInject,
    RequestInject,
    RequirementInject,
    ResponseInject,
    SessionInject,
    SitrepInject,
    TransitionInject,
    WithdrawRequestInject,
)
from phalanx.services.exercise_scenario import Problem, Scenario, withdrawn_requests


def _inside(lat: float | None, lon: float | None, states: list[str]) -> bool | None:
    """Whether the place lies on one of the states' territory (None: no place, or the
    country shapes are not installed)."""
    if lat is None or lon is None or not states:
        return None
    return territory.inside(lat, lon, states)


def _dispute(affected: list[str], others: list[str], members: set[str]) -> str:
    """Why the CRRF is not used, as the crisis's record says (`crises/record.py`): a
    member named as the other party, or else a neighbouring state named."""
    named = parties.members_in_dispute(others, members)
    if named:
        return parties.dispute_refusal(affected, named)
    return parties.neighbour_refusal({
        o: [a for a in affected if territory.borders(a, [o])] for o in others})


def problems(s: Scenario, org: Organization, start: datetime) -> list[Problem]:
    out: list[Problem] = []
    sit: Situation | None = None
    affected: list[str] = []
    offer_kinds: list[str] = []
    request_measures: list[Measure] = []  # what each request asks for, in order
    offer_measures: list[Measure | None] = []  # what each offer answers (its request's)
    requirements = 0
    collective_defence = False  # an official request invoked the collective-defence article
    outside = False  # the crisis's place lies outside every affected member's territory
    asked: list[authority.OfficialRequest] = []  # the official requests, in order
    withdraws = withdrawn_requests(s)[0]  # withdrawal inject -> the request it withdraws
    for n, i in enumerate(s.injects):
        where = s.where(n)
        day = calendar.day_of(start + timedelta(minutes=i.at), calendar.zone_name(org))
        members = {m.state for m in membership.members_on(org, day)}

        def state(code: str | None, role: str, where: str = where,
                  members: set[str] = members, day: object = day) -> None:
            if code is None:
                return
            if code not in org.states:
                out.append(Problem(where, f"unknown state {code!r} ({role})"))
            elif code not in members:
                out.append(Problem(where, f"{code} ({role}) is not a member on {day} "
                                          f"(members: {', '.join(sorted(members))})"))

        if isinstance(i, OpenInject):
            for code in i.affected:
                state(code, "affected")
            state(i.reported_by, "reported_by")
            if i.reported_by and i.reported_by not in i.affected:
                out.append(Problem(where, f"reported_by {i.reported_by} is not an affected "
                                          "state"))
            affected = i.affected
            cat = org.crisis_categories.get(i.category)
            if cat is None:
                out.append(Problem(where, f"unknown crisis category {i.category!r} (known: "
                                          f"{', '.join(org.crisis_categories)})"))
                return out  # the moves cannot be judged without the category
            assert isinstance(cat, Category)
            out.extend(Problem(where, f"other_parties: {p}") for p in
                       parties.party_problems(i.affected, i.other_parties, org.states))
            sit = Situation(category=cat, stage=Stage.REPORTED, dispute=_dispute(
                i.affected, i.other_parties, members),
                on_member_territory=_inside(i.lat, i.lon, sorted(members)) is not False,
                crrf_constraint=any(f.get("use_constraint") == "crrf"
                                    for f in org.forces.get("formations", [])))
            # art. 4 does not apply where the place lies outside every affected member's
            # territory (`domain/crisis/obligations.py`, `off_territory`)
            outside = ob.off_territory(_inside(i.lat, i.lon, i.affected))
            continue
        if sit is None:
            return out
        if isinstance(i, ConsultationsInject):
            if sit.consultations_convened:
                out.append(Problem(where, "consultations are convened already"))
            sit = replace(sit, consultations_convened=True)
            sit = _move(out, where, sit, Stage.CONSULTATIONS, "")
        elif isinstance(i, TransitionInject):
            sit = _move(out, where, replace(sit, review=i.review or sit.review), i.to,
                        i.reason)
        elif isinstance(i, OfficialRequestInject):
            state(i.state, "requesting state")
            if i.state in org.states and i.state not in affected:
                out.append(Problem(where, f"an official request comes from an affected state "
                                          f"({', '.join(affected)}), not {i.state}"))
            article = i.invoked(org.settings)
            if not article:
                out.append(Problem(where, "the request names no article and the "
                                          "organization's file names no collective-defence "
                                          "article: give its `article`"))
            asked.append(authority.OfficialRequest(
                i.state, start + timedelta(minutes=i.at), article,
                frozenset(m for m in i.measures if m in MILITARY)))
            sit = _asked(sit, asked, affected)
            collective_defence = collective_defence or ob.invokes(
                article, org.settings.get("collective_defence_articles", ()))
        elif isinstance(i, WithdrawRequestInject):
            state(i.state, "withdrawing state")
            if sit.stage in FINAL:
                out.append(Problem(where, f"the crisis is {sit.stage.value.replace('_', ' ')}: "
                                          "its official requests no longer change"))
            if n in withdraws:  # else the file's check has said why not
                k = withdraws[n] - 1
                asked[k] = replace(asked[k], withdrawn_at=start + timedelta(minutes=i.at))
                sit = _asked(sit, asked, affected)
        elif isinstance(i, DecideInject):
            if not sit.consultations_convened:
                out.append(Problem(where, "a decision needs consultations convened first "
                                          "(do: consultations)"))
            for code in [*i.positions, *i.absent]:
                state(code, "positions/absent")
            adopted = Position.OBJECT not in i.positions.values()
            sit = replace(sit, decision_adopted=sit.decision_adopted or adopted,
                          decision_authorizes=frozenset(i.authorizes) if adopted
                          else sit.decision_authorizes)
        elif isinstance(i, ResponseInject):
            ineligible = sorted(m.value for m in set(i.measures) - sit.category.measures)
            if ineligible:
                out.append(Problem(where, f"{', '.join(ineligible)} not eligible for "
                                          f"{sit.category.key} (eligible: "
                                          f"{', '.join(sorted(sit.category.measures))})"))
            sit = replace(sit, measures=frozenset(i.measures),
                          un_mandate=i.un_mandate,
                          bilateral_dispute=i.bilateral_dispute,
                          against_cis_or_neighbour=i.against_cis_or_neighbour)
        elif isinstance(i, RequestInject):
            state(i.state, "requesting state")
            request_measures.append(i.measure)
            if i.state in org.states and i.state not in affected:
                out.append(Problem(where, f"requests come from an affected state "
                                          f"({', '.join(affected)}), not {i.state}"))
        elif isinstance(i, OfferInject):
            state(i.state, "offering state")
            offer_kinds.append(i.kind)
            offer_measures.append(request_measures[i.request - 1]
                                  if i.request <= len(request_measures) else None)
        elif isinstance(i, AcceptInject):
            # military assistance whose official request was withdrawn goes out no more
            answers = [m for m in offer_measures[i.offer - 1:i.offer] if m is not None]
            gone = withdrawal_refusals(sit, answers) if i.do == "accept" and answers else []
            if gone:
                out.append(Problem(where, f"offer {i.offer} is not accepted: "
                                          + "; ".join(gone)))
            elif i.do == "accept" and i.offer <= len(offer_kinds) \
                    and offer_kinds[i.offer - 1] == "units":
                sit = replace(sit, units_committed=sit.units_committed + 1)
        elif isinstance(i, SitrepInject):
            state(i.state, "reporting state")
        elif isinstance(i, ConsentInject):
            state(i.state, "consenting state")
        elif isinstance(i, AcceptConditionsInject):
            state(i.state, "state whose conditions are accepted")
        elif isinstance(i, RequirementInject):
            if sit.stage in (Stage.CLOSED, Stage.NO_ACTION, Stage.REJECTED):
                out.append(Problem(where, f"the crisis is {sit.stage.value}: no more "
                                          "requirements"))
            requirements += 1
        elif isinstance(i, ObligationInject):
            state(i.state, "answering state")
            if i.state in affected:
                out.append(Problem(where, f"{i.state} is affected: it owes no answer to the "
                                          "obligation"))
            if outside:
                out.append(Problem(where, "the crisis's place lies outside the territory of "
                                          f"{', '.join(affected)}: no member owes an answer "
                                          "under the collective-defence article"))
            elif sit.category.obliged != "all_members" and not collective_defence:
                out.append(Problem(where, f"{sit.category.key} obliges no member (volunteers) "
                                          "and no official request before it invokes "
                                          "collective defence"))
        elif isinstance(i, SessionInject):
            if not sit.consultations_convened:
                out.append(Problem(where, "another session needs the consultations first "
                                          "(do: consultations)"))
        elif isinstance(i, PlanInject) and i.kind == "withdrawal":
            if sit.stage is not Stage.MONITORING or not sit.units_out:
                out.append(Problem(where, "the way home is planned after the mission "
                                          "(monitoring), for a decided deployment"))
            elif i.decide:
                sit = replace(sit, units_out=0)
        elif isinstance(i, PlanInject):
            if not requirements:
                out.append(Problem(where, "planning needs a force requirement first "
                                          "(do: requirement)"))
            elif i.decide:
                if sit.stage not in (Stage.RESPONSE, Stage.DEPLOYED, Stage.MONITORING):
                    out.append(Problem(where, f"a deployment is decided in the response "
                                              f"stage; the crisis is at {sit.stage.value}"))
                if gone := withdrawal_refusals(sit):
                    out.append(Problem(where, "the deployment is not decided: "
                                              + "; ".join(gone)))
                sit = replace(sit, units_committed=sit.units_committed + 1,
                              units_out=sit.units_out + 1)
    return out


def _asked(sit: Situation, asked: list[authority.OfficialRequest], affected: list[str]
           ) -> Situation:
    """The situation with the official requests as they stand (a withdrawn one covers
    nothing new, `authority.withdrawals`)."""
    requested = frozenset(m for m in MILITARY
                          if authority.covering_requests(asked, affected, m))
    return replace(sit, requested=requested,
                   official_request=Measure.MILITARY_PEACEKEEPING in requested,
                   withdrawn=authority.withdrawals(asked, affected))


def _move(out: list[Problem], where: str, sit: Situation, to: Stage,
          reason: str) -> Situation:
    refused = refusals(sit, to, reason)
    if refused:
        out.append(Problem(where, f"the crisis cannot move from {sit.stage.value} to "
                                  f"{to.value} here: {'; '.join(refused)}"))
    return replace(sit, stage=to)
