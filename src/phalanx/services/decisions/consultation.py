"""Decisions by consultation: the chair records the heads of state's answers, gathered by
telephone or video, each with its time, and announces the decision
(`domain/decisions/consultation.py` states the rule). Only the chair state's authorized
representative acts as chair (`StateAct.CHAIR`); times come from the services' clock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct, why_not_act
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import consultation as consult
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import Outcome, RuleError, decide
from phalanx.services import state_users
from phalanx.services.clock import aware, now
from phalanx.services.clock import day as day_of
from phalanx.services.db import Database
from phalanx.services.decisions.common import (
    _counted,
    _draft_day,
    _draft_row,
    _draft_seats,
    _limited_since,
    _org,
    _rule,
    _standing,
    in_whose_name,
    seat_holder,
)
from phalanx.services.decisions.draft_reading import _draft
from phalanx.services.decisions.procedures_read import _consultation
from phalanx.services.decisions.register import _register
from phalanx.services.decisions.schemas import ConsultationAnswerIn, DraftOut, TaskIn
from phalanx.services.errors import Conflict, Forbidden, Invalid


def _as_chair(actor: Principal, row: Any) -> None:
    if row.procedure != "consultation":
        raise Conflict(f"draft {row.id} is decided by {row.procedure}, not by consultation")
    if row.status != "open":
        raise Conflict(f"draft {row.id} is {row.status}")
    if reason := why_not_act(actor, row.chair_state, StateAct.CHAIR):
        raise Forbidden(f"only the chair ({row.chair_state}) records the heads of state's "
                        f"answers and announces the decision: {reason}")


def record_answer(db: Database, draft_id: int, data: ConsultationAnswerIn, *,
                  actor: Principal) -> DraftOut:
    """The chair records one head of state's answer; a later answer of the same state
    replaces the earlier one until the announcement (both stay in the record)."""
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        _as_chair(actor, row)
        org = _org(w.conn)
        day = _draft_day(w.conn, row)
        given_at = aware(data.given_at)
        changes = state_users.authority_changes(w.conn, data.state)
        answer = consult.Answer(data.state, data.position, given_at, data.channel,
                                data.given_by.strip()
                                or seat_holder(org, row.body_key, data.state,
                                               day_of(org, given_at), changes))
        problems = _consultation(w.conn, row).answer_problems(answer, now())
        problems += proc.position_problems(data.position, org.bodies[row.body_key].rules,
                                           row.question, day, _limited_since(org, row.body_key))
        if problems:
            raise Invalid("answer", "; ".join(problems))
        in_whose_name(org, row.body_key, data.state, day_of(org, given_at), answer.given_by,
                      changes)
        a = t.consultation_answer.c
        last = w.conn.execute(select(a.position, a.given_at, a.channel, a.given_by, a.note)
                              .where(a.draft_id == draft_id, a.state_code == answer.state)
                              .order_by(a.id.desc()).limit(1)).first()
        if last is not None and (last.position, aware(last.given_at), last.channel,
                                 last.given_by, last.note) == (
                answer.position.value, given_at, answer.channel.value, answer.given_by,
                data.note):
            # the same answer recorded again (a form sent twice): only the latest counts,
            # and it is neither logged nor announced again
            raise Conflict(f"{answer.state}'s answer ({answer.position.value}, "
                           f"{given_at:%Y-%m-%d %H:%M} UTC) is recorded already")
        try:
            w.conn.execute(insert(t.consultation_answer).values(
                draft_id=draft_id, state_code=answer.state, position=answer.position.value,
                given_at=given_at, channel=answer.channel.value, given_by=answer.given_by,
                note=data.note, recorded_by=actor.username, recorded_at=now()))
        except IntegrityError as exc:
            raise Invalid("state", f"unknown state {data.state!r}") from exc
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id)
                       .values(revision=row.revision + 1))
        w.audit("consultation.answer", "draft", draft_id, {
            "state": answer.state, "position": answer.position.value,
            "given_at": given_at.isoformat(), "channel": answer.channel.value,
            "given_by": answer.given_by, "note": data.note})
        w.emit(f"draft:{draft_id}", "consultation",
               classification=access.position_within(access.classification_of(row)),
               state=answer.state, position=answer.position.value)
        return _draft(w.conn, draft_id, actor)


def announce(db: Database, draft_id: int, tasks: list[TaskIn] | None = None, *,
             actor: Principal) -> DraftOut:
    """The chair announces the outcome once every member consulted has answered: the
    question's rule judges the answers as in a session where all of them are present."""
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        _as_chair(actor, row)
        c = _consultation(w.conn, row)
        if problems := c.announce_problems():
            raise Conflict("; ".join(problems))
        org = _org(w.conn)
        day = _draft_day(w.conn, row)
        standings = {s: _standing(org, s, day) for s in _draft_seats(w.conn, org, row, day)}
        rule = _rule(org, row, day)
        try:
            result = decide(c.stances(standings), rule)
        except RuleError as exc:
            raise Invalid("answers", str(exc)) from exc
        reason = f"{c.reason_prefix()}: {result.reason}"
        status = {Outcome.ADOPTED: "adopted", Outcome.RETURNED: "returned",
                  Outcome.NO_DECISION: "closed", Outcome.NO_QUORUM: "closed"}[result.outcome]
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id).values(
            status=status, outcome=result.outcome.value, outcome_reason=reason, closed_at=now(),
            revision=row.revision + 1))
        change: dict[str, Any] = {"outcome": result.outcome.value, "reason": reason,
                                  "announced_by": row.chair_state,
                                  "binding": sorted(result.binding),
                                  "objectors": sorted(result.objectors),
                                  "opted_out": sorted(result.opted_out),
                                  **_counted(rule, result)}
        if result.adopted:
            change["decision"] = _register(w, org, row, result, day_of(org, now()), tasks or [])
        w.audit("draft.close", "draft", draft_id, change)
        marked = access.classification_of(_draft_row(w.conn, draft_id, SYSTEM))
        w.emit(f"draft:{draft_id}", "outcome", classification=marked,
               outcome=result.outcome.value)
        return _draft(w.conn, draft_id, actor)
