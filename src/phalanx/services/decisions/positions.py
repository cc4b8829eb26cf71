"""Members' positions on a draft in session, and closing it by the body's rule."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import contributions
from phalanx.domain.access.policy import StateAct
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Outcome,
    Position,
    RuleError,
    Standing,
    decide,
)
from phalanx.services import preconditions
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.decisions.common import (
    _acting_state,
    _aside,
    _counted,
    _draft_day,
    _draft_row,
    _limited_since,
    _org,
    _require_staff,
    _rule,
    _seated_states,
    _stances,
    _standing,
    taking_part,
)
from phalanx.services.decisions.draft_reading import _draft
from phalanx.services.decisions.register import _register
from phalanx.services.decisions.schemas import (
    DraftOut,
    TaskIn,
)
from phalanx.services.decisions.silence import settle_one
from phalanx.services.errors import Conflict, Forbidden, Invalid

# --- positions and the outcome ---------------------------------------------------------------


def state_position(db: Database, draft_id: int, position: Position, statement: str = "",
                   state: str | None = None, *, actor: Principal,
                   expect: preconditions.Expect | None = None) -> DraftOut:
    """State (or change) a member's position on the current version of an open draft. With
    `expect`, the position it replaces must be the one the client read (`preconditions`)."""
    for attempt in range(3):
        try:
            return _state_position(db, draft_id, position, statement, state, actor, expect)
        except IntegrityError:  # two first statements for one state at once: retry as update
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _state_position(db: Database, draft_id: int, position: Position, statement: str,
                    state: str | None, actor: Principal,
                    expect: preconditions.Expect | None) -> DraftOut:
    with db.write(actor) as w:
        # locked: a draft closed at the same moment elsewhere takes this position into
        # its outcome, or refuses it as closed; never an objection stored after adoption
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}; positions can no longer change")
        if row.procedure == "written":
            raise Conflict(f"draft {draft_id} is under the written procedure: sign it instead")
        if row.procedure == "silence":
            raise Conflict(f"draft {draft_id} is under the silence procedure: a member keeps "
                           "silence or breaks it")
        if row.procedure == "consultation":
            raise Conflict(f"draft {draft_id} is decided by consultation: the chair "
                           f"({row.chair_state}) records each head of state's answer")
        who = _acting_state(actor, state, StateAct.POSITION)
        org = _org(w.conn)
        day = _draft_day(w.conn, row)
        if who not in _seated_states(org, row.body_key, day):
            raise Forbidden(f"{who} has no seat in {row.body_key} on {day}")
        taking = taking_part(w.conn, row.meeting_id)
        if taking is not None and who not in taking:
            raise Forbidden(f"{who} takes no part in the exercise")
        standing = _standing(org, who, day)
        if standing is Standing.NOT_PARTICIPATING and who in _aside(org, row, day, taking):
            # standing aside is its own declaration: it keeps its formal objection
            if position is not Position.OBJECT:
                raise Conflict(f"{who} takes no part in {row.body_key} on {day}: it states no "
                               "position, but its formal objection still counts")
        elif standing is not Standing.FULL:
            why = standing.value.replace('_', ' ')
            if standing is Standing.NOT_PARTICIPATING and contributions.in_arrears(org, who,
                                                                                   day):
                why += ", and in arrears"  # arrears cost the vote, the objection with it
            raise Conflict(f"{who} has no say in {row.body_key} on {day} ({why})")
        problems = proc.position_problems(position, org.bodies[row.body_key].rules,
                                          row.question, day, _limited_since(org, row.body_key))
        if problems:
            raise Invalid("position", "; ".join(problems))
        at = now()
        values = {"version_number": row.current_version, "position": position.value,
                  "statement": statement, "stated_by": actor.username, "stated_at": at}
        p = t.position.c
        existing = w.conn.execute(select(p.id, p.stated_at, p.version_number, p.position,
                                         p.statement).where(
            p.draft_id == draft_id, p.state_code == who).with_for_update()).first()
        preconditions.check(expect, existing.stated_at if existing is not None else None, who,
                            "draft", draft_id)
        if existing is not None and (existing.version_number, existing.position,
                                     existing.statement) == (row.current_version,
                                                             position.value, statement):
            # the same position sent again (a form sent twice, a call retried): neither
            # logged nor announced again
            raise Conflict(f"{who}'s position ({position.value}) on version "
                           f"{row.current_version} is stated already "
                           f"({aware(existing.stated_at):%Y-%m-%d %H:%M} UTC)")
        if existing is None:
            w.conn.execute(insert(t.position).values(draft_id=draft_id, state_code=who,
                                                     **values))
        else:
            w.conn.execute(update(t.position).where(t.position.c.id == existing.id)
                           .values(**values))
        w.audit("position.state", "draft", draft_id, {
            "state": who, "position": position.value, "version": row.current_version,
            "statement": statement})
        # a member's stance is its position: not an observer's nor the public's
        marked = access.position_within(access.classification_of(row))
        w.emit(f"draft:{draft_id}", "position", classification=marked, state=who,
               position=position.value)
        if row.meeting_id is not None:
            w.emit(f"session:{row.meeting_id}", "position", classification=marked,
                   draft=draft_id, state=who,
                   position=position.value)
        return _draft(w.conn, draft_id, actor)


def close_draft(db: Database, draft_id: int, tasks: list[TaskIn] | None = None, *,
                actor: Principal) -> DraftOut:
    """Judge the draft by the body's rule: adopted (a numbered decision is registered,
    with its implementation tasks), returned for revision with the objections, or no
    quorum (the draft stays open). Under the silence procedure, once its deadline has
    passed: the adoption at the deadline recorded (`silence.settle_one`)."""
    _require_staff(actor, "close a draft")
    with db.read() as conn:
        if _draft_row(conn, draft_id, actor).procedure == "silence":
            # adopted at its deadline unless silence was broken: closing records that
            return settle_one(db, draft_id, actor=actor)
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is already {row.status}")
        if row.procedure == "written":
            raise Conflict("a draft under the written procedure is adopted by its signatures "
                           "and lapses at its deadline")
        if row.procedure == "consultation":
            raise Conflict(f"a draft decided by consultation is announced by the chair "
                           f"({row.chair_state})")
        if row.meeting_id is not None:
            sitting = w.conn.execute(access.select_visible(
                t.meeting, SYSTEM, t.meeting.c.opens_at, t.meeting.c.status).where(
                t.meeting.c.id == row.meeting_id)).one()
            opens = aware(sitting.opens_at)
            if sitting.status == "closed":
                # a draft returned and revised after its session closed waits for another
                raise Conflict(f"session {row.meeting_id} is closed: its drafts were decided "
                               "while it sat; table the revised draft at another session")
            if now() < opens:
                raise Conflict(f"session {row.meeting_id} opens at {opens:%Y-%m-%d %H:%M} UTC:"
                               " its drafts are decided when it sits")
        org = _org(w.conn)
        rule = _rule(org, row, _draft_day(w.conn, row))
        try:
            result = decide(_stances(w.conn, org, row), rule)
        except RuleError as exc:
            raise Invalid("positions", str(exc)) from exc
        status = {Outcome.ADOPTED: "adopted", Outcome.RETURNED: "returned",
                  Outcome.NO_DECISION: "closed", Outcome.NO_QUORUM: "open"}[result.outcome]
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id).values(
            status=status, outcome=result.outcome.value, outcome_reason=result.reason,
            closed_at=None if status == "open" else now(),
            revision=row.revision + 1))
        change: dict[str, Any] = {"outcome": result.outcome.value, "reason": result.reason,
                                  "binding": sorted(result.binding),
                                  "objectors": sorted(result.objectors),
                                  "opted_out": sorted(result.opted_out),
                                  "for_consideration": sorted(result.for_consideration)}
        change.update(_counted(rule, result))  # the rule and the vote recorded
        if result.adopted:
            change["decision"] = _register(w, org, row, result, _draft_day(w.conn, row),
                                           tasks or [])
        w.audit("draft.close", "draft", draft_id, change)
        # the draft's marking as it stands now (a limited-format decision may re-mark it)
        marked = access.classification_of(_draft_row(w.conn, draft_id, SYSTEM))
        w.emit(f"draft:{draft_id}", "outcome", classification=marked,
               outcome=result.outcome.value)
        if row.meeting_id is not None:
            w.emit(f"session:{row.meeting_id}", "outcome", classification=marked, draft=draft_id,
                   outcome=result.outcome.value)
        return _draft(w.conn, draft_id, actor)


