"""The algorithm: moves between stages, consultations and other sessions, the decision that
authorizes the response, the measures (escalation of what is overdue: `escalation.py`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar, membership
from phalanx.domain.access.policy import (
    Marking,
)
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import (
    FINAL,
    MILITARY,
    UNDER_WAY,
    Measure,
    Situation,
    Stage,
    refusals,
    response_refusals,
)
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.domain.organization import Organization
from phalanx.services import clock, crisis_obligations
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.crises.common import (
    _category,
    _event,
    _notify,
    _require_staff,
    _row,
    _situation,
    _situation_at,
    answered_by,
    decision_marking,
    mandate_ended_at,
    treaty_articles,
)
from phalanx.services.crises.consulting import consultation_format
from phalanx.services.crises.reading import _out
from phalanx.services.crises.record import crrf_constraint, dispute_of, on_member_territory
from phalanx.services.crises.schemas import (
    CrisisOut,
    ResponseIn,
    _states,
)
from phalanx.services.crisis_requests import as_domain, requests_of
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Invalid


def transition(db: Database, crisis_id: int, target: Stage, *, actor: Principal,
               reason: str = "", review: str = "", revision: int | None = None,
               at: datetime | None = None) -> CrisisOut:
    """Move the crisis to `target` if the algorithm allows it; otherwise Conflict with
    every reason. `revision` guards against acting on a stale page."""
    at = at or now()
    _require_staff(actor, "move a crisis through the algorithm")
    with db.write(actor) as w:
        return _transition(w, crisis_id, target, actor=actor, reason=reason, review=review,
                           revision=revision, at=at)


def _transition(w: Write, crisis_id: int, target: Stage, *, actor: Principal, reason: str,
                review: str, revision: int | None, at: datetime) -> CrisisOut:
    """`transition` in the caller's write transaction."""
    row = _row(w.conn, crisis_id, actor, lock=True)
    if revision is not None and revision != row.revision:
        raise Conflict(f"the crisis changed since you saw it (revision {row.revision}, "
                       f"not {revision}): reload")
    org = orgs.organization(w.conn)
    cat = _category(org, row.category)
    situation = _situation_at(w.conn, org, row, cat, at, actor)
    if review:
        situation = Situation(**{**situation.__dict__, "review": review})
    problems = refusals(situation, target, reason)
    if problems:
        raise Conflict("; ".join(problems))
    values: dict[str, Any] = {"stage": target.value, "revision": row.revision + 1}
    if reason:
        values["closing_reason"] = reason
    if review:
        values["review"] = review
    w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(**values))
    _event(w, crisis_id, "stage", reason or review or target.value, at, target)
    if target in (Stage.DECISION, Stage.CLOSED, Stage.NO_ACTION, Stage.REJECTED):
        _notify(w, org, access.classification_of(row), f"Crisis {crisis_id}: {target.value}",
                f"{row.title}: {reason or review or target.value}", f"crisis:{crisis_id}", at,
                exercise=bool(row.exercise))
    w.audit("crisis.transition", "crisis", crisis_id, {
        "from": row.stage, "to": target.value, "reason": reason, "review": review})
    w.emit(f"crisis:{crisis_id}", "stage", stage=target.value)
    w.emit("crises", "stage", classification=access.classification_of(row),
           id=crisis_id, stage=target.value)
    return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


def _convene(w: Write, org: Organization, row: Any, body: str, kind: SessionKind,
             mode: Mode, link: str, opens_at: datetime, title: str) -> dec.MeetingOut:
    """A session on the crisis, with the crisis's marking and exercise flag, convened in
    the transaction that records it on the crisis."""
    return dec.convene_in(w, dec.MeetingIn(
        body=body, kind=kind, mode=mode,
        link=(link or f"https://vc.{org.key}.example/crisis-{row.id}")
        if mode is Mode.VIDEO else None, title=title[:300], opens_at=opens_at,
        convened_by="secretary_general", exercise=row.exercise,
        marking=Marking(row.marking), participants=_states(row.participants),
        observers=row.observers))


def convene_consultations(db: Database, crisis_id: int, *, actor: Principal,
                          at: datetime | None = None, link: str = "",
                          body: str | None = None) -> CrisisOut:
    """Convene emergency consultations (Treaty art. 2) of the first body the category
    names that may meet so, or of the one of them the Secretariat names (`body`: e.g. the
    secretaries of the security councils rather than the heads of state), by video
    conference where it may that day; then move the crisis to the consultations stage."""
    at = at or now()
    _require_staff(actor, "convene consultations")
    # one transaction, the crisis locked: two staff (or two instances of the app) convening
    # at once convene one session, and the other is told it is convened already
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        org = orgs.organization(w.conn)
        cat = _category(org, row.category)
        if row.session_id is not None:
            raise Conflict(f"consultations on crisis {crisis_id} are convened already "
                           f"(session {row.session_id})")
        body, kind, mode = consultation_format(org, cat, clock.day(org, at), body)
        meeting = _convene(w, org, row, body, kind, mode, link, at,
                           f"Consultations on crisis {crisis_id}: {row.title}")
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            session_id=meeting.id, revision=row.revision + 1))
        w.conn.execute(insert(t.crisis_session).values(crisis_id=crisis_id,
                                                       meeting_id=meeting.id, convened_at=at))
        _event(w, crisis_id, "note", f"consultations convened: {meeting.title}", at)
        # every reader of the crisis is told at once where and when the members consult
        # (Treaty art. 2: the members "immediately" activate joint consultations)
        _notify(w, org, access.classification_of(row),
                f"Consultations convened: crisis {crisis_id} ({row.title})",
                f"{org.bodies[body].name.en}: {kind.value} session "
                f"({mode.value.replace('_', ' ')}), opens {at.astimezone(UTC):%Y-%m-%d %H:%M} "
                "UTC", f"crisis:{crisis_id}", at, exercise=bool(row.exercise))
        w.audit("crisis.consultations", "crisis", crisis_id, {"session": meeting.id,
                                                              "body": body})
        return _transition(w, crisis_id, Stage.CONSULTATIONS, actor=actor, reason="",
                           review="", revision=None, at=at)


def convene_session(db: Database, crisis_id: int, *, actor: Principal, opens_at: datetime,
                    body: str | None = None, kind: SessionKind = SessionKind.EXTRAORDINARY,
                    mode: Mode | None = None, link: str = "",
                    at: datetime | None = None) -> CrisisOut:
    """Another session on the crisis (e.g. an extraordinary session by video days after
    the first consultations): a crisis holds as many as it needs, each on its timeline.
    Without `mode`, by video conference where the body may meet so on the day it opens,
    else in person."""
    at = at or now()
    _require_staff(actor, "convene a session on a crisis")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        org = orgs.organization(w.conn)
        cat = _category(org, row.category)
        if row.session_id is None:
            raise Conflict("convene the consultations first"
                           + (f" ({article})" if (article := treaty_articles(org)[0]) else ""))
        body = body or consultation_format(org, cat)[0]
        if mode is None:
            rules = org.bodies[body].rules if body in org.bodies else {}
            mode = (Mode.VIDEO if proc.meets_by_video(
                rules, clock.day(org, opens_at), org.applies_from(proc.video_from(rules)))
                else Mode.IN_PERSON)
        _another_session(w, org, row, body, kind, mode, link, opens_at, at)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True)


def _another_session(w: Write, org: Organization, row: Any, body: str, kind: SessionKind,
                     mode: Mode, link: str, opens_at: datetime, at: datetime) -> int:
    """A session of `body` convened on the crisis and held on its timeline."""
    meeting = _convene(w, org, row, body, kind, mode, link, opens_at,
                       f"{kind.value.capitalize()} session on crisis {row.id}: {row.title}")
    w.conn.execute(insert(t.crisis_session).values(crisis_id=row.id, meeting_id=meeting.id,
                                                   convened_at=at))
    _event(w, row.id, "note", f"session convened: {meeting.title}", at)
    w.audit("crisis.session", "crisis", row.id, {"session": meeting.id, "body": body,
                                                 "kind": kind.value})
    w.emit(f"crisis:{row.id}", "session", id=meeting.id)
    return meeting.id


def consultation_draft(db: Database, crisis_id: int, data: dec.DraftIn, *,
                       actor: Principal, at: datetime | None = None) -> dec.DraftOut:
    """A draft on the crisis put to the heads of state by consultation, read by those who
    read the crisis (its marking, participants and observers), within the frame of the
    crisis's latest session of that body where it has one. An exercise's draft is always
    framed in a session of the exercise, so that its decision is the exercise's (numbered
    apart, never in the real register): with no session of that body on the crisis, an
    extraordinary one by video is convened for it in the same transaction, as an
    exercise run does; before the consultations, none is (Treaty art. 2).

    A real crisis marked for its participants: the draft, and the decision adopted from
    it, are read by the crisis's participants and by every head of state consulted
    (`decisions.propose_in`); an exercise's stays with the states taking part in it."""
    at = at or now()
    _require_staff(actor, "put a draft to the heads of state")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        sessions = [m for (m,) in w.conn.execute(
            select(t.crisis_session.c.meeting_id).join(
                t.meeting, t.meeting.c.id == t.crisis_session.c.meeting_id).where(
                t.crisis_session.c.crisis_id == crisis_id, t.meeting.c.body_key == data.body)
            .order_by(t.crisis_session.c.convened_at, t.crisis_session.c.meeting_id))]
        frame = sessions[-1] if sessions else None
        if frame is None and row.exercise:
            if row.session_id is None:
                article = treaty_articles(orgs.organization(w.conn))[0]
                raise Conflict("convene the consultations on the exercise's crisis first: "
                               "its decision is taken in a session of the exercise"
                               + (f" ({article})" if article else ""))
            frame = _another_session(w, orgs.organization(w.conn), row, data.body,
                                     SessionKind.EXTRAORDINARY, Mode.VIDEO, "", at, at)
        draft_id = dec.propose_in(w, dec.DraftIn.model_validate({
            **data.model_dump(), "procedure": "consultation", "meeting_id": frame,
            "marking": row.marking, "participants": _states(row.participants),
            "observers": row.observers}))
        return dec.get_draft(w.conn, draft_id, actor=actor)


def _held_to_the_response(w: Any, crisis_id: int, actor: Principal, what: str,
                          at: datetime) -> None:
    """After a change of the decision or the measures: a finished crisis changes no more,
    and one whose response is under way still meets every guard of the response at `at`
    (the change is refused otherwise, and nothing is written)."""
    row = _row(w.conn, crisis_id, actor)
    stage = Stage(row.stage)
    if stage in FINAL:
        raise Conflict(f"crisis {crisis_id} is {stage.value.replace('_', ' ')}: its {what} "
                       "no longer change")
    if stage in UNDER_WAY:
        org = orgs.organization(w.conn)
        problems = response_refusals(_situation_at(w.conn, org, row,
                                                   _category(org, row.category), at, actor))
        if problems:
            raise Conflict(f"the response is under way ({stage.value}): "
                           + "; ".join(problems))


def link_decision(db: Database, crisis_id: int, decision_id: int,
                  authorizes: list[Measure] | None = None, *, actor: Principal,
                  at: datetime | None = None) -> CrisisOut:
    """Attach the adopted decision that answers the crisis. What it authorizes is what it
    adopted (its measures, formations, contributing states and period), and only if it
    can (`domain/crisis/authority.py`): a decision, of a competent body, on or after the
    crisis and a request that still stands, binding the affected state, with the crisis's
    exercise flag, answering no other crisis. Each condition that fails is named, and
    nothing is written."""
    at = at or now()
    _require_staff(actor, "attach a decision")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        decision = dec.get_decision(w.conn, decision_id, actor=actor)
        # one link at a time per decision: two crises never take it at once
        w.conn.execute(access.select_visible(t.decision, actor, t.decision.c.id)
                       .where(t.decision.c.id == decision_id).with_for_update())
        adopted = sorted(decision.authorizes.measures)
        if authorizes is not None and sorted(set(authorizes)) != adopted and authorizes:
            raise Invalid("authorizes", (
                f"what a decision authorizes is adopted with it: {decision.number} authorizes "
                f"{', '.join(m.value for m in adopted) or 'no measure'}"))
        org = orgs.organization(w.conn)
        cat = _category(org, row.category)
        # military measures: the bodies the dataset names; the others: those that consult
        # on such a crisis (the category's `convene`) and those competent for the military
        named = org.settings.get("measure_authority", {})
        wider = [*cat.convene, *(b for bodies in named.values() for b in bodies)]
        competent = {m.value: list(named.get(m.value) or wider) for m in adopted}
        # the affected members that a decision can bind: in full standing or in arrears
        members = {m.state for m in membership.members_on(org, decision.adopted_on)
                   if membership.standing_on(org, m.state, decision.adopted_on)
                   in (Standing.FULL, Standing.IN_ARREARS)}
        # whom it binds on the day of the link: a member that joined it later, from then
        basis = authority.DecisionBasis(
            number=decision.number, kind=decision.kind, body=decision.body,
            adopted_on=decision.adopted_on,
            binding=frozenset(decision.bound_on(orgs.day(w.conn, at))),
            exercise=decision.exercise, measures=frozenset(adopted),
            adopted_at=decision.adopted_at, zone=calendar.zone_name(org))
        problems = authority.reuse_problems(
            decision.number, crisis_id, answered_by(w.conn, decision_id, actor))
        # a decision authorizes only while in force (not yet, suspended, expired or
        # repealed: nothing), on the day of the link (`domain/decisions/lifecycle`)
        life = dec.get_decision(w.conn, decision_id, actor=actor,
                                on=orgs.day(w.conn, at)).lifecycle
        if life is not None and life.status.value != "in_force":
            problems.append(f"decision {decision.number} is not in force on {life.day} "
                            f"({life.status.value}): it authorizes nothing")
        problems += authority.authority_problems(
            basis, affected=[s for s in _states(row.affected) if s in members],
            reported_at=aware(row.reported_at),
            requests=as_domain(requests_of(w.conn, crisis_id)),
            competent=competent, exercise=row.exercise,
            on_member_territory=on_member_territory(org, row),
            requesters=_states(row.affected),
            at=at)
        if problems:
            raise Conflict(f"{decision.number} cannot authorize the response: "
                           + "; ".join(problems))
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            decision_id=decision_id, authorizes=[m.value for m in adopted],
            revision=row.revision + 1))
        _held_to_the_response(w, crisis_id, actor, "decision and measures", at)
        # the timeline entry and the live event name the decision: they obey its marking
        _event(w, crisis_id, "note", f"decision {decision.number}: {decision.title}", at,
               decision_id=decision_id)
        if crisis_obligations.open_notice(w, org, row, decision_id, at):
            _event(w, crisis_id, "note", "notice to the UN Security Council opened "
                                         "(UN Charter art. 51)", at)
        # the members whose answer to the obligation of assistance the decision gives
        # (those it names as contributing, at its adoption): derived, never stored as
        # their answers, so the trail says it here (`crisis_obligations.lines`)
        answered = [x.state for x in crisis_obligations.lines(
            w.conn, org, _row(w.conn, crisis_id, actor), at) if x.decided]
        w.audit("crisis.decision", "crisis", crisis_id, {
            "decision": decision.number, "authorizes": [m.value for m in adopted],
            "formations": decision.authorizes.formations,
            "contributing_states": decision.authorizes.contributing_states,
            "period_days": decision.authorizes.period_days,
            **({"period_limited": True} if decision.authorizes.period_limited else {}),
            "obligation_answered_for": answered})
        w.emit(f"crisis:{crisis_id}", "decision",
               classification=decision_marking(w.conn, decision_id), number=decision.number)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


def set_response(db: Database, crisis_id: int, data: ResponseIn, *, actor: Principal,
                 at: datetime | None = None) -> CrisisOut:
    """Choose the measures and record the facts the guards need (a dispute between
    members, a CIS partner or neighbour involved, an official request, a UN mandate)."""
    at = at or now()
    _require_staff(actor, "set the response")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        cat = _category(orgs.organization(w.conn), row.category)
        ineligible = sorted(m.value for m in set(data.measures) - cat.measures)
        if ineligible:
            raise Invalid("measures", f"{ineligible} are not eligible for {cat.key} "
                                      f"(eligible: {sorted(m.value for m in cat.measures)})")
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            measures=sorted(m.value for m in data.measures),
            bilateral_dispute=data.bilateral_dispute,
            against_cis_or_neighbour=data.against_cis_or_neighbour,
            un_mandate=data.un_mandate,
            on_member_territory=data.on_member_territory, revision=row.revision + 1))
        _held_to_the_response(w, crisis_id, actor, "decision and measures", at)
        _event(w, crisis_id, "note", "measures: " + ", ".join(sorted(
            m.value for m in data.measures)), at)
        w.audit("crisis.response", "crisis", crisis_id, data.model_dump(mode="json"))
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


def military_check(conn: Connection, crisis_id: int, *, actor: Principal,
                   at: datetime | None = None) -> list[str]:
    """The guards of the military measures as they stand at `at` (default: now; for the
    crisis room)."""
    row = _row(conn, crisis_id, actor)
    org = orgs.organization(conn)
    cat = _category(org, row.category)
    from phalanx.domain.crisis.workflow import military_refusals

    s = _situation(row, cat, 0, as_domain(requests_of(conn, crisis_id)),
                   mandate_ended_at(conn, row, at or now(), actor), dispute_of(org, row),
                   crrf_constraint(org), treaty_articles(org), on_member_territory(org, row))
    return military_refusals(s) if s.measures & MILITARY else []
