"""Exercise mode: a scenario file of timed injects (`exercise_scenario.py`) run through
the same services as a real crisis — each inject calls the function the pages and the
API call — on the scenario's own clock and dates, at a chosen speed.

Everything it creates is marked EXERCISE (the crisis, its sessions and decisions, the
CAP status); it reads the real organization as of the scenario's dates and writes
nothing real: escalation, planning and plan decisions look at its own crisis only.

All or nothing: the scenario is checked whole first (`exercise_check.py`); then it is
played in one transaction, which a failure rolls back. Played live (`speed` > 0), it is
first rehearsed in a transaction that is rolled back, so that a failure shows before the
first inject is written; one that still stops half-way (an inject refused, its exercise
ended by its control meanwhile, or the run interrupted) keeps what it played, and its
`exercise.run` entry says where it stopped (`exercise_db.Stopped`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from phalanx.adapters.db.engine import WRITE
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.services import crises, crisis_obligations, crisis_requests, forces
from phalanx.services import organization as orgs
from phalanx.services.clock import playing_at
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.exercise_check import problems as org_problems
from phalanx.services.exercise_db import OneTransaction, Stopped, played_live, stop
from phalanx.services.exercise_decide import SECRETARIAT, decide, representative, short
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
    ProgressInject,
    RequestInject,
    RequirementInject,
    ResponseInject,
    SessionInject,
    SitrepInject,
    TransitionInject,
    UnNoticeInject,
    WithdrawRequestInject,
)
from phalanx.services.exercise_scenario import Problem, Scenario, ScenarioError, load

__all__ = ["Run", "Scenario", "ScenarioError", "Stopped", "load", "run", "scenarios_dir"]

JOINT_STAFF = Principal("exercise-joint-staff", Role.PLANNER)


@dataclass
class Run:
    scenario: str
    start: datetime | None = None
    crisis_id: int | None = None
    timeline: list[tuple[float, str]] = field(default_factory=list)
    scorecard: dict[str, float | None] = field(default_factory=dict)
    escalations: int = 0
    stage: str = ""
    crisis: crises.CrisisOut | None = None
    targets: dict[str, int] = field(default_factory=dict)  # the category's, in minutes
    mark: str = "[EXERCISE]"  # how the scenario's language marks its records


def check(db: Database, scenario: Scenario, start: datetime) -> None:
    """Every problem of the scenario against the organization as of its dates."""
    with db.read() as conn:
        org = orgs.organization(conn)
    found = org_problems(scenario, org, start)
    if found:
        raise ScenarioError(found)


def run(db: Database, scenario: Scenario, *, speed: float = 0.0,
        start: datetime | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        actor: Principal = SYSTEM) -> Run:
    """Play the scenario, all of it or nothing. `start`: the scenario's first minute
    (default: the file's `start`, else now). `speed`: scenario minutes per real second
    (0: no waiting). `actor`: who runs it, named by its `exercise.run` entry (the injects
    are played by the run's own players)."""
    start = start or scenario.start or datetime.now(UTC).replace(microsecond=0)
    zone = start.tzinfo
    start = start.astimezone(UTC)  # stored in UTC (SQLite keeps no offset); days as the
    check(db, scenario, start)     # engine counts them, in UTC
    said = {"scenario": scenario.name, "start": start.isoformat(),  # its language if not en
            **({"language": scenario.language} if scenario.language != "en" else {})}
    if speed > 0:
        _rehearse(db, scenario, start)
        played = played_live(db)
        result = Run(scenario.name, start, mark=scenario.mark)
        try:
            _run(played, scenario, speed, start, progress, result)
        except (ScenarioError, KeyboardInterrupt) as exc:
            if result.crisis_id is None:
                raise
            # none: interrupted
            problems = [str(p) for p in exc.problems] if isinstance(exc, ScenarioError) else []
            raise stop(played, actor, result.crisis_id, result.timeline,
                       len(scenario.injects), {**said, "speed": speed}, problems) from exc
        with played.write(actor) as w:
            w.audit("exercise.run", "crisis", result.crisis_id or 0,
                    {**said, "speed": speed})
        return _zoned(result, zone)
    with db.write(actor) as w:
        w.exercise = True
        tx = OneTransaction(db, w.conn)
        result = _run(tx, scenario, 0.0, start, progress)
        w.events += tx.events
        w.entries += tx.entries  # copied outside the database with the run's own entry
        w.audit("exercise.run", "crisis", result.crisis_id or 0,
                said)
    return _zoned(result, zone)


def _zoned(result: Run, zone: Any) -> Run:
    result.start = result.start.astimezone(zone) if result.start else None
    return result


def _rehearse(db: Database, scenario: Scenario, start: datetime) -> None:
    with db.engine.connect().execution_options(**{WRITE: True}) as conn:
        trans = conn.begin()
        try:
            _run(OneTransaction(db, conn), scenario, 0.0, start, None)
        finally:
            trans.rollback()


def _run(db: Database, scenario: Scenario, speed: float, start: datetime,
         progress: Callable[[int, int, str], None] | None, into: Run | None = None) -> Run:
    """Play the injects; `into`: the run to fill as they are played (a run played live
    tells, if it stops half-way, how far it got)."""
    result = into or Run(scenario.name, start, mark=scenario.mark)
    refs: dict[str, list[int]] = {"requests": [], "offers": [], "official": []}
    last = 0.0
    for n, inject in enumerate(scenario.injects):
        if speed > 0 and inject.at > last:
            time.sleep((inject.at - last) / speed)
        last = inject.at
        at = start + timedelta(minutes=inject.at)
        try:
            with playing_at(at):
                if result.crisis_id is not None:
                    result.escalations += len(crises.escalate_overdue(
                        db, at=at, exercise=True, only=result.crisis_id))
                text = _play(db, inject, at, result, refs)
        except (Invalid, Conflict, Forbidden, NotFound) as exc:
            raise ScenarioError([Problem(scenario.where(n), f"refused: {exc}")]) from exc
        result.timeline.append((inject.at, text))
        if progress:
            progress(n + 1, len(scenario.injects), text)
    assert result.crisis_id is not None
    with db.read() as conn:
        c = crises.get(conn, result.crisis_id, actor=SYSTEM, at=start + timedelta(minutes=last))
        result.targets = dict(orgs.organization(conn).crisis_categories[c.category].targets)
    result.crisis = c
    result.stage = c.stage.value
    result.scorecard = c.scorecard.model_dump() if c.scorecard else {}
    return result


def _play(db: Database, i: Any, at: datetime, r: Run, refs: dict[str, list[int]]) -> str:
    if isinstance(i, OpenInject):
        who = representative(i.reported_by or i.affected[0])
        c = crises.open_crisis(db, crises.CrisisIn(
            title=f"{r.mark} {i.title}", category=i.category, affected=i.affected,
            other_parties=i.other_parties, severity=i.severity, place=i.place, lat=i.lat,
            lon=i.lon, description=i.description, exercise=True), actor=who,
            origin="exercise", at=at)
        r.crisis_id = c.id
        return f"crisis {c.id} reported by {who.state}: {i.title}"
    assert r.crisis_id is not None, "the first inject opens the crisis"
    cid = r.crisis_id
    if isinstance(i, ConsultationsInject):
        c = crises.convene_consultations(db, cid, actor=SECRETARIAT, at=at)
        return f"consultations convened (session {c.session_id})"
    if isinstance(i, TransitionInject):
        crises.transition(db, cid, i.to, actor=SECRETARIAT, reason=i.reason, review=i.review,
                          at=at)
        why = i.reason or i.review
        return f"stage: {i.to.value}" + (f" ({short(why)})" if why else "")
    if isinstance(i, OfficialRequestInject):
        with db.read() as conn:
            article = i.invoked(orgs.organization(conn).settings)
        made = crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
            state=i.state, person=i.person, office=i.office, at=at, article=article,
            measures=i.measures, forces=i.forces, period_days=i.period_days),
            actor=representative(i.state), at=at)
        refs["official"].append(made.id)
        return (f"official request {len(refs['official'])} of {i.state} ({i.person}), "
                f"{article}: " + ", ".join(m.value for m in i.measures))
    if isinstance(i, WithdrawRequestInject):
        return _withdraw(db, cid, i, at, refs["official"])
    if isinstance(i, DecideInject):
        return decide(db, cid, i, at, r.mark)
    if isinstance(i, ResponseInject):
        crises.set_response(db, cid, crises.ResponseIn(
            measures=i.measures, un_mandate=i.un_mandate,
            bilateral_dispute=i.bilateral_dispute,
            against_cis_or_neighbour=i.against_cis_or_neighbour), actor=SECRETARIAT, at=at)
        return "measures: " + ", ".join(m.value for m in i.measures)
    if isinstance(i, RequestInject):
        c = crises.request_assistance(db, cid, crises.RequestIn(
            resource=i.resource, measure=i.measure, quantity=i.quantity, unit=i.unit,
            needed_by=at + timedelta(minutes=i.needed_within)),
            actor=representative(i.state), at=at)
        refs["requests"].append(c.requests[-1].id)
        return f"{i.state} requests {i.quantity} {i.unit} of {i.resource}"
    if isinstance(i, OfferInject):
        c = crises.offer_assistance(db, refs["requests"][i.request - 1], crises.OfferIn(
            kind=i.kind, description=i.description, quantity=i.quantity),
            actor=representative(i.state), at=at)
        refs["offers"].append(max(o.id for req in c.requests for o in req.offers))
        return f"{i.state} offers {i.quantity} ({i.kind}): {i.description}"
    if isinstance(i, AcceptInject):
        with db.read() as conn:
            c = crises.get(conn, cid, actor=SYSTEM, at=at)
        wanted = refs["offers"][i.offer - 1]
        offer = next(o for req in c.requests for o in req.offers if o.id == wanted)
        requester = next(req.state for req in c.requests if req.id == offer.request_id)
        crises.decide_offer(db, offer.id, i.do == "accept", actor=representative(requester),
                            at=at)
        return f"{requester} {i.do}s the offer of {offer.state}"
    if isinstance(i, SitrepInject):
        who = representative(i.state) if i.state else SECRETARIAT
        crises.add_sitrep(db, cid, crises.SitrepIn(
            situation=i.situation, casualties=i.casualties, measures=i.measures,
            needs=i.needs), actor=who, at=at)
        return f"situation report: {short(i.situation)}"
    return _play_forces(db, cid, i, at)


def _play_forces(db: Database, cid: int, i: Any, at: datetime) -> str:
    if isinstance(i, RequirementInject):
        req = forces.add_requirement(db, cid, forces.RequirementIn(
            capability=i.capability, strength=i.strength, place=i.place, lat=i.lat,
            lon=i.lon, node=i.node, needed_by=at + timedelta(minutes=i.needed_within)),
            actor=JOINT_STAFF, at=at)
        return f"force requirement {req.id}: {i.capability} {i.strength} at {i.place}"
    if isinstance(i, ConsentInject):
        forces.give_consent(db, cid, i.state, forces.ConsentIn(
            scope=i.scope, units=i.units, conditions=i.conditions),
            actor=representative(i.state), at=at)
        return f"{i.state} consents: units {i.scope.value}" + (
            f" ({', '.join(i.units)})" if i.units else "")
    if isinstance(i, AcceptConditionsInject):
        with db.read() as conn:
            answer = next((c for c in forces.consents(conn, cid, actor=JOINT_STAFF)
                           if c.state == i.state), None)
        forces.accept_conditions(db, cid, i.state, answer.conditions if answer else "",
                                 actor=JOINT_STAFF, at=at)
        return f"{i.state}'s conditions accepted by the Joint Staff"
    if isinstance(i, PlanInject):
        plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=i.time_limit, seed=i.seed),
                               actor=JOINT_STAFF, at=at) if i.kind == "deployment" else \
            forces.plan_withdrawal(db, cid, forces.WithdrawalIn(time_limit=i.time_limit),
                                   actor=JOINT_STAFF, at=at)
        text = (f"{i.kind} plan {plan.id}: {len(plan.movements)} movements, "
                f"{len(plan.uncovered)} uncovered")
        if i.decide:
            forces.decide_plan(db, plan.id, actor=JOINT_STAFF, at=at)
            text += ", decided"
        return text
    if isinstance(i, SessionInject):
        c = crises.convene_session(db, cid, actor=SECRETARIAT, opens_at=at, body=i.body,
                                   kind=SessionKind(i.kind), mode=Mode(i.mode), at=at)
        return f"session {c.sessions[-1]} convened ({i.kind}, {i.mode.replace('_', ' ')})"
    if isinstance(i, ObligationInject):
        crisis_obligations.answer(db, cid, i.state, crisis_obligations.ObligationIn(
            answer=i.answer, detail=i.detail), actor=representative(i.state), at=at)
        return f"{i.state} answers the obligation: {i.answer}" + (
            f" ({short(i.detail)})" if i.detail else "")
    if isinstance(i, UnNoticeInject):
        crisis_obligations.mark_sent(db, cid, i.reference, actor=SECRETARIAT, at=at)
        return "UN Security Council notified" + (f" ({i.reference})" if i.reference else "")
    if isinstance(i, ProgressInject):
        with db.read() as conn:
            p = forces.progress(conn, cid, actor=SYSTEM, at=at)
        if p is None:
            return "movements: no decided deployment"
        return f"movements: {p.arrived} arrived, {p.moving} moving, {p.waiting} waiting"
    return f"({short(i.note) if i.note else 'delay'})"


def _withdraw(db: Database, cid: int, i: WithdrawRequestInject, at: datetime,
              official: list[int]) -> str:
    """The state withdraws the official request named (else its only one standing: the
    scenario's check made sure there is one), as its representative does on the page."""
    if i.request is None:
        with db.read() as conn:
            c = crises.get(conn, cid, actor=SYSTEM, at=at)
        rid = next(q.id for q in c.official_requests
                   if q.state == i.state and q.withdrawn_at is None)
    else:
        rid = official[i.request - 1]
    crisis_requests.withdraw_request(db, cid, rid, crisis_requests.WithdrawalIn(
        at=at, reason=i.reason), actor=representative(i.state), at=at)
    return (f"{i.state} withdraws its official request {official.index(rid) + 1}"
            + (f" ({short(i.reason)})" if i.reason else ""))


def scenarios_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("phalanx.data").joinpath("exercises")))
