"""The registry of forces and means, and what may be used for a crisis.

A unit's state decides, crisis by crisis, whether its units take part (Charter art. 5,
voluntary participation): all of them, some named ones, or none, possibly with
conditions. A unit is used for a crisis only when its state has made it available, its
certification has not expired, and no rule of the treaty bars its formation: the CRRF is
not used to solve a bilateral political problem between states nor against CIS partners
or neighbouring states (seeds; DOMAIN.md §3), a report naming a member as the other party
being such a problem (`crisis/parties.py`); peacekeepers go to a member's territory
only at its official request, elsewhere only with a UN Security Council mandate.

Who is asked (`outside_response`): only a member of the Organization on the day, and not
one whose membership status the dataset leaves out (`settings.consent_exempt`; the CSTO:
a suspended member). Its representative is not asked, its answer is refused and its units
take no part. Sources: participation is voluntary (Charter art. 5, seeds); a suspension
is a suspension of the member's participation in the activities of the Organization's
bodies (public: Regulation on suspending a member's participation, approved by the
Council's decision of 2004-06-18, Astana), which is how Uzbekistan asked for it (public:
its note of 2012-06-28 "on suspension of Uzbekistan's activity in the framework of
the alliance", TASS, 2012-06-28); a response is the Organization's activity, under a decision that
does not bind the suspended member (`decisions/consensus.py`). That the use of its units
is part of what is suspended is a reading of these texts, so the statuses are a setting.

A member that stayed out of the crisis's decision taken in a limited format (it declared
it does not take part, and is not bound) stays out of its implementation too, its forces
included: it is not asked for that crisis and its units take no part in it
(`stayed_out_reason`; the 2010 reform, seeds: "decisions in a limited format" by the
interested members; DOMAIN §7: a member not interested "may stay out of the decision and
its implementation", the decision binding only those who took part).

Conditions (`Consent.conditions`, `conditions_problems`): a state may make its units
available on conditions (Charter art. 5: voluntary participation, seeds). The planner
cannot read free text, so the Organization must take the conditions knowingly: until a
member of the Joint Staff or the Secretariat has accepted them, by name (the Joint Staff
prepares and implements decisions on the military component, seeds), no plan moving that
state's units is decided; a new answer with other conditions needs a new acceptance.
Who accepts, and that an acceptance is needed: setting. A plan is decided only while
every unit it moves may still serve (`availability` on the day of the decision): an
answer withdrawn or changed after the plan was made bars its units (Charter art. 5).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from phalanx.domain.access.policy import StateAct, acts_for, is_staff
from phalanx.domain.access.principal import Principal

CAPABILITIES = ("motorized_rifle", "airborne", "special_police", "special_forces",
                "emergency_rescue", "anti_drug", "engineer", "medical", "aviation")


def may_change(p: Principal, state: str) -> bool:
    """A unit or a lift asset is changed by its own state's representative or the staff."""
    return is_staff(p) or acts_for(p, state, StateAct.RECORDS)


class Scope(StrEnum):
    ALL = "all"
    SOME = "some"
    NONE = "none"


@dataclass(frozen=True)
class Consent:
    """A state's answer for one crisis."""

    state: str
    scope: Scope
    units: frozenset[str] = frozenset()  # with SOME: the units made available
    conditions: str = ""
    conditions_accepted: bool = False  # the Organization accepted these conditions


@dataclass(frozen=True)
class UnitFacts:
    """What the rules look at for one unit."""

    key: str
    state: str
    formation: str
    use_constraint: str  # of its formation: crrf, peacekeeping, none
    certified_until: date | None = None
    withdrawn: bool = False  # its state withdrew it from the registry's use


@dataclass(frozen=True)
class CrisisFacts:
    key: str
    bilateral_dispute: bool = False  # a bilateral political problem between states
    against_cis_or_neighbour: bool = False
    official_request: bool = False
    un_mandate: bool = False
    on_member_territory: bool = True
    # the report names a member as the other party: the refusal's words
    # (`crisis/parties.dispute_refusal`); empty when it names none
    dispute: str = ""


SEVERITY_WEIGHT = {"extreme": 3.0, "severe": 2.0, "moderate": 1.0, "minor": 1.0}


def crisis_weight(severity: str) -> float:
    """How much a crisis's closure time counts in the plan: by its severity."""
    return SEVERITY_WEIGHT.get(severity, 1.0)


def consent_problems(consents: Iterable[Consent], units: Mapping[str, UnitFacts]
                     ) -> list[str]:
    """Contradictions in the consents given for one crisis, each naming the item."""
    out: list[str] = []
    seen: dict[str, Consent] = {}
    for c in consents:
        if c.state in seen:
            out.append(f"{c.state} answered twice for this crisis")
        seen[c.state] = c
        if c.scope is Scope.SOME and not c.units:
            out.append(f"{c.state}: 'some' names no unit")
        if c.scope is not Scope.SOME and c.units:
            out.append(f"{c.state}: units are named only with 'some' (the answer is "
                       f"'{c.scope.value}')")
        for key in sorted(c.units):
            u = units.get(key)
            if u is None:
                out.append(f"{c.state}: unknown unit {key!r}")
            elif u.state != c.state:
                out.append(f"{c.state}: unit {key} belongs to {u.state}, "
                           "which alone may make it available")
    return out


def outside_response(state: str, status: str | None, exempt: Collection[str]) -> str | None:
    """Why `state` is not asked whether its units take part, and its units take none
    (None if it is asked): `status` is its membership status on the day (None: no
    membership), `exempt` the statuses the dataset leaves out (`consent_exempt`)."""
    if status is None or status == "signatory":
        return f"{state} is not a member of the Organization: its units take no part"
    if status in exempt and status == "suspended":
        return f"{state}'s participation is suspended: its units take no part"
    if status in exempt:
        return f"{state} takes no part in the Organization's work: its units take no part"
    return None


def stayed_out_reason(state: str, number: str) -> str:
    """Why a member that stayed out of the decision `number` (limited format) is not asked
    whether its units take part in its implementation."""
    return (f"{state} stayed out of {number}, a decision in a limited format: its units take "
            "no part in its implementation")


def conditions_problems(consents: Iterable[Consent], states: Collection[str]) -> list[str]:
    """The conditions not yet accepted of the states in `states` (those whose units a plan
    moves): each names the state and its conditions."""
    return [f"{c.state} made its units available on conditions not yet accepted by the "
            f"Joint Staff or the Secretariat: {c.conditions}"
            for c in sorted(consents, key=lambda c: c.state)
            if c.state in states and c.conditions.strip() and not c.conditions_accepted
            and c.scope is not Scope.NONE]


def availability(units: Iterable[UnitFacts], consents: Iterable[Consent], crisis: CrisisFacts,
                 on: date, outside: Mapping[str, str] | None = None
                 ) -> tuple[set[str], dict[str, str]]:
    """The units that may serve `crisis`, and for every other unit the reason it may not.
    `outside`: the states whose units take no part, with the reason (`outside_response`)."""
    answers = {c.state: c for c in consents}
    ok: set[str] = set()
    why: dict[str, str] = {}
    for u in units:
        reason = (outside or {}).get(u.state) or _bar(u, answers.get(u.state), crisis, on)
        if reason is None:
            ok.add(u.key)
        else:
            why[u.key] = reason
    return ok, why


def lapsed(u: UnitFacts, on: date) -> str | None:
    """Why a unit may serve no crisis on `on`, whatever its state answered: its state
    withdrew it from the registry, or its certification has expired (None: neither). A
    plan made before goes on moving it until a new plan is decided, and says so beside
    it (`services/forces/lapsed.py`): a unit never leaves a plan in force unsaid."""
    if u.withdrawn:
        return f"withdrawn by {u.state}"
    if u.certified_until is not None and u.certified_until < on:
        return f"certification expired on {u.certified_until.isoformat()}"
    return None


def lapsed_warning(unit: str, reason: str | None) -> str:
    """The line beside a plan moving `unit`, which may no longer serve (`lapsed`); a unit
    the reader may not see goes with no reason (`reason` None): its registry is its
    state's."""
    if reason is None:
        return f"{unit} may no longer serve: plan again to replace it"
    return f"{unit} may no longer serve ({reason}): plan again to replace it"


def grounded_warning(aircraft: str, state: str) -> str:
    """The line beside a plan whose sorties `aircraft` flies, withdrawn by its `state`
    since: the plan keeps its sorties until a new one is decided."""
    return f"{aircraft} may no longer fly (withdrawn by {state}): plan again to replace it"


def _bar(u: UnitFacts, answer: Consent | None, crisis: CrisisFacts, on: date) -> str | None:
    if u.withdrawn:
        return f"withdrawn by {u.state}"
    if answer is None:
        return f"{u.state} has not made its units available for this crisis"
    if answer.scope is Scope.NONE:
        return f"{u.state} declined to take part in this crisis"
    if answer.scope is Scope.SOME and u.key not in answer.units:
        return f"{u.state} made other units available, not this one"
    if u.certified_until is not None and u.certified_until < on:
        return f"certification expired on {u.certified_until.isoformat()}"
    if u.use_constraint == "crrf":
        if crisis.dispute:
            return crisis.dispute
        if crisis.bilateral_dispute:
            return "the CRRF is not used to solve a bilateral political problem between states"
        if crisis.against_cis_or_neighbour:
            return "the CRRF is not used against CIS partners or neighbouring states"
    if u.use_constraint == "peacekeeping":
        if crisis.on_member_territory and not crisis.official_request:
            return "peacekeepers go to a member's territory only at its official request"
        if not crisis.on_member_territory and not crisis.un_mandate:
            return "peacekeepers go outside the members' territory only with a UN mandate"
    return None


def registry_problems(forces: Mapping[str, Any], states: Iterable[str]
                      ) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-references of the dataset's `forces` section, each with its path."""
    known = set(states)
    out: list[tuple[tuple[str | int, ...], str]] = []
    bases = {b["key"] for b in forces.get("bases", [])}
    formations = {f["key"] for f in forces.get("formations", [])}
    for name, items in (("bases", forces.get("bases", [])), ("units", forces.get("units", [])),
                        ("aircraft", forces.get("aircraft", []))):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            if item["key"] in first:
                where = f"forces.{name}.{first[item['key']]}"
                out.append((("forces", name, i, "key"),
                            f"{item['key']!r} already defined at {where}"))
            first.setdefault(item["key"], i)
            if item.get("state") not in known:
                out.append((("forces", name, i, "state"),
                            f"unknown state code {item.get('state')!r}"))
    for i, g in enumerate(forces.get("ground_times", [])):
        for end in ("from", "to"):
            if g[end] not in bases:
                out.append((("forces", "ground_times", i, end), f"unknown base {g[end]!r}"))
    for i, u in enumerate(forces.get("units", [])):
        if u["formation"] not in formations:
            out.append((("forces", "units", i, "formation"),
                        f"unknown formation {u['formation']!r}"))
        if u.get("garrison") is not None and u["garrison"] not in bases:
            out.append((("forces", "units", i, "garrison"), f"unknown base {u['garrison']!r}"))
    for i, a in enumerate(forces.get("aircraft", [])):
        if a.get("formation") is not None and a["formation"] not in formations:
            out.append((("forces", "aircraft", i, "formation"),
                        f"unknown formation {a['formation']!r}"))
        if a["base"] not in bases:
            out.append((("forces", "aircraft", i, "base"), f"unknown base {a['base']!r}"))
    return out
