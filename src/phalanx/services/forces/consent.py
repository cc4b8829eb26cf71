"""Whose consent a crisis's response asks, the consents as the rules read them, the
acceptance of a consent's conditions, and what a plan's decision checks of them again.

The rules and their sources are those of `domain/forces/registry.py`: a member outside
the response (not a member on the day, or of a status the dataset's `consent_exempt`
names: the CSTO's suspended member) is not asked and its units take no part; a consent
with conditions lets a plan moving that state's units be decided only once the Joint
Staff or the Secretariat accepted those conditions, by name; a plan is decided only
while every unit it moves may still serve on the day of the decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import parties
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.forces.registry import (
    Consent,
    CrisisFacts,
    Scope,
    UnitFacts,
    availability,
    conditions_problems,
    outside_response,
    stayed_out_reason,
)
from phalanx.domain.forces.tasks import whole_of
from phalanx.domain.organization import Organization
from phalanx.services import clock, crisis_requests, offered_units
from phalanx.services import crises as crs
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid

# who accepts a consent's conditions for the Organization (setting): the Joint Staff
# (the planner's role) and the Secretariat
ACCEPTORS = frozenset({Role.PLANNER, Role.SECRETARIAT, Role.SYSTEM})

# why a plan is not decided, where the unit refused serves a crisis planned with it that
# the decider may not read (its number and the state are not said)
UNSEEN_UNCONSENTED = ("a crisis planned with it, which you may not read, would use units "
                      "its state's answer does not allow: plan again")


def exempt_statuses(org: Organization) -> frozenset[str]:
    """The membership statuses the dataset leaves out of a response (`consent_exempt`)."""
    rule = org.settings.get("consent_exempt") or {}
    return frozenset(str(s) for s in rule.get("statuses", ()))


def outside(org: Organization, on: date, states: Iterable[str]) -> dict[str, str]:
    """Of `states`, those not asked whether their units take part on `on`, with why."""
    exempt = exempt_statuses(org)
    out: dict[str, str] = {}
    for state in sorted(set(states)):
        status = membership.status_on(org, state, on)
        why = outside_response(state, status.value if status else None, exempt)
        if why is not None:
            out[state] = why
    return out


def stayed_out(conn: Connection, row: Any, actor: Principal = SYSTEM,
               on: date | None = None) -> dict[str, str]:
    """The members that stayed out of the crisis's decision, taken in a limited format
    (each declared it does not take part, and is not bound): not asked, their units take
    no part in its implementation (`registry.stayed_out_reason`); a member that joined
    the decision later is bound by it from the day it joined (`on`, else today: asked
    from then). The decision is named by its number where `actor` may read it, else
    unnamed (a member that stayed out of a decision marked for its participants reads
    the crisis, not the decision)."""
    if row.decision_id is None:
        return {}
    d = conn.execute(access.select_visible(t.decision, SYSTEM).where(
        t.decision.c.id == row.decision_id)).first()
    if d is None or not d.limited_format:
        return {}
    from phalanx.services.decisions import joining

    day = on or orgs.today(conn)
    bound = {s for s in d.binding.split(",") if s} | {
        j.state for j in joining.declarations(conn, [d.id]).get(d.id, [])
        if j.joins and j.on <= day}
    declared = set(joining.stood_aside(conn, d))
    seen = d.id in access.readable_ids(conn, actor, t.decision, [d.id])
    number = d.number if seen else offered_units.UNNAMED_DECISION
    return {s: stayed_out_reason(s, number) for s in sorted(declared - bound)}


def outside_crisis(conn: Connection, org: Organization, row: Any, on: date,
                   states: Iterable[str], actor: Principal = SYSTEM) -> dict[str, str]:
    """Of `states`, those not asked whether their units take part in the crisis `row`'s
    response on `on`, with why: outside the Organization's response (`outside`), the
    member its report names as the other party (`parties.party_outside`), or out of its
    decision taken in a limited format (`stayed_out`)."""
    wanted = set(states)
    away = outside(org, on, wanted)
    for state in crs.members_in_dispute(org, row):
        if state in wanted:
            away.setdefault(state, parties.party_outside(state))
    for state, why in stayed_out(conn, row, actor, on).items():
        if state in wanted:
            away.setdefault(state, why)
    return away


def asked(conn: Connection, crisis_id: int, state: str, on: date,
          actor: Principal = SYSTEM) -> str | None:
    """Why `state` is not asked whether its units take part in the crisis (None: it is),
    in words `actor` may read (`stayed_out`)."""
    row = conn.execute(access.select_visible(t.crisis, SYSTEM).where(
        t.crisis.c.id == crisis_id)).first()
    if row is None:
        return None
    return outside_crisis(conn, orgs.organization(conn), row, on, [state], actor).get(state)


def stored(conn: Connection, crisis_id: int) -> list[Consent]:
    """The answers given for the crisis, each with whether its conditions were accepted."""
    return [Consent(c.state_code, Scope(c.scope), frozenset(c.units), c.conditions,
                    c.conditions_accepted_by is not None)
            for c in conn.execute(select(t.unit_consent)
                                  .where(t.unit_consent.c.crisis_id == crisis_id)
                                  .order_by(t.unit_consent.c.state_code))]


def given(conn: Connection, row: Any) -> list[Consent]:
    """The answers the rules read for the crisis `row`: those given, and an accepted offer
    of units as its state's consent for them (`offered_units.py`)."""
    return offered_units.with_offers(stored(conn, row.id), offered_units.accepted(conn, row))


def facts(conn: Connection, row: Any) -> CrisisFacts:
    """What the registry's rules look at of the crisis `row`."""
    peacekeeping_requested = crisis_requests.requested(
        conn, row.id, crs.affected_of(row), Measure.MILITARY_PEACEKEEPING)
    org = orgs.organization(conn)
    return CrisisFacts(str(row.id), row.bilateral_dispute, row.against_cis_or_neighbour,
                       peacekeeping_requested, row.un_mandate,
                       crs.on_member_territory(org, row), crs.dispute_of(org, row))


def accept_conditions(db: Database, crisis_id: int, state: str, conditions: str, *,
                      actor: Principal, at: datetime | None = None) -> None:
    """The Joint Staff or the Secretariat accepts, by name, the conditions on which
    `state` made its units available for the crisis: `conditions` is the text the
    acceptor read, refused when the state has changed its answer since."""
    at = at or now()
    if actor.role not in ACCEPTORS:
        raise Forbidden("a state's conditions are accepted by the Joint Staff or the "
                        "Secretariat")
    with db.write(actor) as w:
        crs.crisis_row(w.conn, crisis_id, actor, lock=True)
        row = w.conn.execute(select(t.unit_consent).where(
            t.unit_consent.c.crisis_id == crisis_id, t.unit_consent.c.state_code == state)
        ).first()
        if row is None:
            raise Invalid("state", f"{state} has not answered for crisis {crisis_id}")
        if not row.conditions.strip():
            raise Invalid("state", f"{state} set no conditions for crisis {crisis_id}")
        if row.conditions != conditions:
            raise Conflict(f"{state} changed its conditions since you read them: reload")
        if row.conditions_accepted_by is not None:
            raise Conflict(f"{state}'s conditions were accepted already, by "
                           f"{row.conditions_accepted_by}")
        w.conn.execute(update(t.unit_consent).where(t.unit_consent.c.id == row.id)
                       .values(conditions_accepted_by=actor.username,
                               conditions_accepted_at=at))
        w.audit("forces.consent.accept", "crisis", crisis_id,
                {"state": state, "conditions": row.conditions})
        crs.add_event(w, crisis_id, "consent",
                      f"{state}: conditions accepted by {actor.username}", at)
        w.emit(f"crisis:{crisis_id}", "consent", state=state,
               classification=access.consent_classification(state))


def refusals(conn: Connection, org: Organization, units: dict[str, UnitFacts],
             movements: list[dict[str, Any]], at: datetime, actor: Principal) -> list[str]:
    """Why the plan's movements may not be decided at `at` for want of consent: a unit its
    state's answer, as it stands now, no longer allows (or a state now outside the
    response), and the conditions not yet accepted of a state whose units the plan moves;
    each named by its crisis where `actor` may read it."""
    moved: dict[int, set[str]] = {}
    for m in movements:
        moved.setdefault(m["crisis_id"], set()).add(whole_of(m["unit"]))
    seen = {c for (c,) in conn.execute(access.select_visible(t.crisis, actor, t.crisis.c.id)
                                       .where(t.crisis.c.id.in_(moved or {-1})))}
    out: list[str] = []
    unseen = False
    for row in conn.execute(access.select_visible(t.crisis, SYSTEM).where(
            t.crisis.c.id.in_(moved or {-1})).order_by(t.crisis.c.id)):
        mine = [units[k] for k in sorted(moved[row.id]) if k in units]
        answers = given(conn, row)
        day = clock.day(org, at)
        away = outside_crisis(conn, org, row, day, {u.state for u in mine}, actor)
        _ok, why = availability(mine, answers, facts(conn, row), day, away)
        problems = sorted(set(why.values())) + conditions_problems(
            answers, {u.state for u in mine})
        if problems and row.id not in seen:
            unseen = True
        out += [f"crisis {row.id}: {p}" for p in problems] if row.id in seen else []
    if unseen:
        out.append(UNSEEN_UNCONSENTED)
    return out
