"""The algorithm of collective response, as a state machine.

    reported ──▶ consultations ──▶ assessment ──▶ decision ──▶ response ──▶ deployed
       │              │               │    │          │           │            │
       │              ▼               ▼    ▼          ▼           ▼            ▼
       └──▶ rejected  no action ◀─────┘  rejected  no action   monitoring ◀───┘
                                                                  │
                                                                  ▼
                                                               closed (after-action review)

Every move is checked by `refusals`, which answers with the reasons it may not happen
(an empty list means it may). The guards encode the treaty: consultations are convened
before anything else (art. 2); a response needs an adopted decision; military measures
need a decision that authorizes them; the CRRF is not used to solve a bilateral
political problem between states nor against CIS partners or neighbouring states
(seeds), and a report naming a member as the other party is such a problem whatever box
is ticked (`parties.py`); peacekeepers go to a member's territory only at its official
request, elsewhere only with a UN Security Council mandate; any other military
assistance answers the affected state's recorded official request, wherever it is given
(DOMAIN §7: "assistance under art. 4 is given at the request of the attacked state";
`authority.py`); "no action" and "rejected" need a recorded reason; closing needs the
after-action review.

A crisis whose category says the members consult first (`Category.consult_first`, from
the dataset: the CSTO's threat to a member's security, aggression and armed attack, each
citing Treaty art. 2: they "immediately activate joint consultations"), and any crisis of
collective defence (its category obliges all members, or a request invokes art. 4), is
not rejected before the members consult. A crisis does not close while units of its decided
deployment are still out without a decided withdrawal (the mission ends with the way
home; setting). An unsent notice to the UN Security Council does not hold the closing:
it stays overdue on the card and escalated (`services/crises/workflow.py`). Once the
response is under way (response, deployed, monitoring) a change of its decision or
measures is held to the same guards as entering the response (`response_refusals`); a
finished crisis changes no more. The affected state may withdraw its official request
(`authority.py`): from then on the guards name the withdrawal, so that no new military
measure or deployment answers it (entering the response, a change under way, the move to
deployed, a deployment plan decided: `withdrawal_refusals`), while monitoring and the
units' way home stay open. So does the end of the decision's period (`authority.Mandate`):
once it is over, the military measures are refused on the same moves, naming the decision
and the end (`mandate_refusals`), until a new decision is linked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Stage(StrEnum):
    REPORTED = "reported"
    CONSULTATIONS = "consultations"
    ASSESSMENT = "assessment"
    DECISION = "decision"
    RESPONSE = "response"
    DEPLOYED = "deployed"
    MONITORING = "monitoring"
    CLOSED = "closed"
    NO_ACTION = "no_action"
    REJECTED = "rejected"


ORDER = (Stage.REPORTED, Stage.CONSULTATIONS, Stage.ASSESSMENT, Stage.DECISION,
         Stage.RESPONSE, Stage.DEPLOYED, Stage.MONITORING, Stage.CLOSED)
FINAL = frozenset({Stage.CLOSED, Stage.NO_ACTION, Stage.REJECTED})

TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.REPORTED: frozenset({Stage.CONSULTATIONS, Stage.REJECTED}),
    Stage.CONSULTATIONS: frozenset({Stage.ASSESSMENT, Stage.NO_ACTION}),
    Stage.ASSESSMENT: frozenset({Stage.DECISION, Stage.NO_ACTION, Stage.REJECTED}),
    Stage.DECISION: frozenset({Stage.RESPONSE, Stage.NO_ACTION}),
    Stage.RESPONSE: frozenset({Stage.DEPLOYED, Stage.MONITORING}),
    Stage.DEPLOYED: frozenset({Stage.MONITORING}),
    Stage.MONITORING: frozenset({Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
    Stage.NO_ACTION: frozenset(),
    Stage.REJECTED: frozenset(),
}


class Measure(StrEnum):
    POLITICAL = "political"
    INFORMATIONAL = "informational"
    HUMANITARIAN = "humanitarian"
    LOGISTIC = "logistic"
    MILITARY_CRRF = "military_crrf"
    MILITARY_PEACEKEEPING = "military_peacekeeping"


MILITARY = frozenset({Measure.MILITARY_CRRF, Measure.MILITARY_PEACEKEEPING})


@dataclass(frozen=True)
class Category:
    """A kind of crisis and what the treaty makes of it (from the dataset)."""

    key: str
    name_en: str
    name_ru: str
    basis: str
    convene: tuple[str, ...]  # bodies that consult
    measures: frozenset[Measure]
    obligation: str
    obliged: str  # "all_members" (art. 4) or "volunteers"
    targets: dict[str, int] = field(default_factory=dict)  # stage -> minutes
    # not rejected before the members consult (the dataset's `consult_first`; the CSTO:
    # the categories under Treaty art. 2 and 4)
    consult_first: bool = False
    cap_categories: tuple[str, ...] = ()
    basis_ru: str = ""  # the basis and the obligation in Russian, where the dataset has it
    obligation_ru: str = ""
    # the agreement that made the category (the dataset's `introduced_by`; None: always)
    introduced_by: str | None = None

    @property
    def cap_category(self) -> str:
        """The CAP 1.2 category a crisis of this kind is written with: the first it is
        read from; Security (law enforcement, military, homeland security: OASIS CAP 1.2
        §3.2.2) for one read from none, as every kind of crisis the treaty names is."""
        return self.cap_categories[0] if self.cap_categories else "Security"

    def cap_category_for(self, given: Iterable[str]) -> str:
        """The CAP category a crisis of this kind opened from CAP messages is written
        with: the first the messages `given` that this kind is read from (a flood a Met
        alert told of stays Met), else `cap_category`."""
        return next((c for c in given if c in self.cap_categories), self.cap_category)


def category_problem(cat: Category, since: date | None, day: date) -> str | None:
    """Why no crisis of `cat` is reported on `day` (None if one may be): the category,
    and the obligations it carries, exist only from the day the agreement that made it
    applies (`since`: its entry into force, else its signature, as for the limited
    format; the dataset's `introduced_by`). A crisis before that day is one of the
    categories then in force: the rules in force on the day govern it (the CSTO: the
    armed attack by illegal armed formations and bandit groups, from the 2010 reform;
    seeds)."""
    if since is None or day >= since:
        return None
    return (f"the category {cat.key!r} exists from {since.isoformat()} "
            f"({cat.introduced_by}); a crisis of {day.isoformat()} is one of the "
            "categories in force that day")


@dataclass(frozen=True)
class Situation:
    """What the guards look at."""

    category: Category
    stage: Stage
    consultations_convened: bool = False
    decision_adopted: bool = False
    decision_authorizes: frozenset[Measure] = frozenset()
    measures: frozenset[Measure] = frozenset()
    # a bilateral political problem between states (any two, members or not: seeds)
    bilateral_dispute: bool = False
    # the report names a member as the other party: the refusal's words
    # (`parties.dispute_refusal`); empty when it names none
    dispute: str = ""
    against_cis_or_neighbour: bool = False
    # a formation of the organization has the CRRF's use constraint (the dataset's
    # `use_constraint: crrf`): only then do the two flags above and a dispute bar the CRRF
    crrf_constraint: bool = True
    official_request: bool = False  # the affected member asked officially (for peacekeeping)
    # the military measures an affected member's recorded official request asks for
    # (requests that still stand)
    requested: frozenset[Measure] = frozenset()
    # military measures asked for only by requests since withdrawn: why, naming the
    # withdrawal (`authority.withdrawals`)
    withdrawn: dict[Measure, str] = field(default_factory=dict)
    # the decision's period is over: why, naming the decision and its end
    # (`authority.Mandate.ended`); empty while the mandate runs or has no end
    mandate_ended: str = ""
    un_mandate: bool = False
    on_member_territory: bool = True
    units_committed: int = 0
    review: str = ""
    collective_defence: bool = False  # all members obliged (art. 4): by category or request
    units_out: int = 0  # units of the decided deployment with no decided withdrawal
    # the founding agreement's articles the refusals cite, as the organization's file
    # names them (settings `consultation_articles`, `collective_defence_articles`: the
    # first of each; empty: the refusal cites none)
    consult_article: str = ""
    assist_article: str = ""


UNDER_WAY = frozenset({Stage.RESPONSE, Stage.DEPLOYED, Stage.MONITORING})


def _cited(article: str, words: str) -> str:
    """`words` after the article they rest on, where the organization's file names one."""
    return f"{article}: {words}" if article else words


def refusals(s: Situation, target: Stage, reason: str = "") -> list[str]:
    """Why the crisis may not move from its stage to `target` (empty: it may)."""
    if target not in TRANSITIONS[s.stage]:
        allowed = ", ".join(sorted(t.value for t in TRANSITIONS[s.stage])) or "none"
        return [f"a crisis cannot go from {s.stage.value} to {target.value} "
                f"(from {s.stage.value}: {allowed})"]
    out: list[str] = []
    if target in (Stage.NO_ACTION, Stage.REJECTED) and not reason.strip():
        out.append(f"'{target.value.replace('_', ' ')}' needs a recorded reason")
    if target is Stage.REJECTED and s.stage is Stage.REPORTED and (
            s.category.consult_first or s.collective_defence):
        out.append(f"this crisis is not rejected before the members consult "
                   f"({_cited(s.consult_article, 'consultations at once')}): convene them")
    if target is Stage.CONSULTATIONS and not s.consultations_convened:
        out.append("consultations must be convened first"
                   + (f" ({s.consult_article})" if s.consult_article else "")
                   + ": convene a session")
    if target is Stage.DECISION and not s.decision_adopted:
        out.append("the decision stage needs a decision adopted by the body's rule")
    if target is Stage.RESPONSE:
        out += response_refusals(s)
    if target is Stage.DEPLOYED:
        if s.units_committed == 0:
            out.append("nothing is deployed yet: no offered unit has been accepted")
        out += withdrawal_refusals(s) + mandate_refusals(s)
    if target is Stage.CLOSED:
        if not s.review.strip():
            out.append("closing needs the after-action review")
        if s.units_out:
            out.append(f"{s.units_out} unit(s) of the decided deployment are still out: "
                       "plan and decide their way home first")
    return out


def response_refusals(s: Situation) -> list[str]:
    """What a response must satisfy, on entering it and whenever its decision or
    measures change while it is under way."""
    out: list[str] = []
    if not s.decision_adopted:
        out.append("a response needs an adopted decision")
    if not s.measures:
        out.append("choose the measures of the response")
    ineligible = s.measures - s.category.measures
    if ineligible:
        out.append(f"{', '.join(sorted(m.value for m in ineligible))} "
                   f"not eligible for {s.category.key}")
    return out + military_refusals(s)


def military_refusals(s: Situation) -> list[str]:
    out: list[str] = []
    military = s.measures & MILITARY
    unauthorized = military - s.decision_authorizes
    if unauthorized:
        out.append(f"{', '.join(sorted(m.value for m in unauthorized))}: military measures need "
                   "a decision that authorizes them")
    for m in sorted(military - s.requested - {Measure.MILITARY_PEACEKEEPING}):
        out.append(s.withdrawn.get(m) or (
            f"{m.value}: military assistance"
            + (f" under {s.assist_article}" if s.assist_article else "")
            + " is given at the affected state's request: record its official request"))
    out += mandate_refusals(s)
    if Measure.MILITARY_CRRF in s.measures and s.crrf_constraint:
        if s.dispute:
            out.append(s.dispute)
        elif s.bilateral_dispute:
            out.append("the CRRF is not used to solve a bilateral political problem between states")
        if s.against_cis_or_neighbour:
            out.append("the CRRF is not used against CIS partners or neighbouring states")
    if Measure.MILITARY_PEACEKEEPING in s.measures:
        if s.on_member_territory and not s.official_request:
            out.append(s.withdrawn.get(Measure.MILITARY_PEACEKEEPING)
                       or "peacekeepers go to a member's territory only at its official "
                          "request")
        if not s.on_member_territory and not s.un_mandate:
            out.append("outside members' territory peacekeepers need a UN Security Council "
                       "mandate")
    return out


def withdrawal_refusals(s: Situation, measures: Iterable[Measure] | None = None
                        ) -> list[str]:
    """The military measures (the response's, or `measures`) that needed a request and
    whose every request was withdrawn (the host state ended the mission): no new
    deployment answers them, each refusal naming the withdrawal. Moving on to
    monitoring, and the units' way home, stay open."""
    chosen = s.measures if measures is None else frozenset(measures)
    return [s.withdrawn[m] for m in sorted(chosen & MILITARY) if m in s.withdrawn
            and m not in s.requested
            and (m is not Measure.MILITARY_PEACEKEEPING or s.on_member_territory)]


def mandate_refusals(s: Situation, measures: Iterable[Measure] | None = None) -> list[str]:
    """The decision's period is over and military measures (the response's, or
    `measures`) are chosen: nothing new is deployed under it, the refusal naming the
    decision and the end. Monitoring, and the units' way home, stay open."""
    chosen = s.measures if measures is None else frozenset(measures)
    return [s.mandate_ended] if s.mandate_ended and chosen & MILITARY else []


def next_stages(stage: Stage) -> list[Stage]:
    return sorted(TRANSITIONS[stage], key=lambda x: (x not in ORDER, ORDER.index(x)
                                                     if x in ORDER else 0))
