"""The silence procedure: a draft circulated with a deadline, adopted at the deadline
unless a member breaks silence before it (`domain/decisions/silence.py` states the
rule). A member's break is stored among the draft's answers (`signature`, answer
`break_silence`, its objection and proposed change as the text) and returns the draft at
once; the adoption at the deadline is stored by `settle_silence` (the Secretariat's
`phalanx decisions settle`, the draft's page or any scheduler). Times come from the
services' clock, so an exercise plays the procedure on its own clock."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from sqlalchemy import insert, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct, can_read
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import silence as sil
from phalanx.domain.decisions.consensus import decide
from phalanx.services import outbox, state_users
from phalanx.services.clock import aware, now
from phalanx.services.clock import day as day_of
from phalanx.services.db import Database, Write
from phalanx.services.decisions.common import (
    _acting_state,
    _counted,
    _draft_day,
    _draft_row,
    _org,
    _require_staff,
    _rule,
    adopted_seats,
    in_whose_name,
)
from phalanx.services.decisions.draft_reading import _draft
from phalanx.services.decisions.lifecycle import meeting_exercise
from phalanx.services.decisions.procedures_read import _silence
from phalanx.services.decisions.register import _register
from phalanx.services.decisions.schemas import DraftOut
from phalanx.services.decisions.seats_said import seats_said
from phalanx.services.errors import Conflict, Invalid

log = logging.getLogger(__name__)


def break_silence(db: Database, draft_id: int, state: str | None = None, *, text: str = "",
                  given_by: str = "", actor: Principal) -> DraftOut:
    """A member breaks silence: its objection, with the change it proposes if any, before
    the deadline; the draft goes back to the body at once. Only the state's authorized
    representative transmits it, in the name of the member of the body holding the
    state's seat (`given_by` as the representative names him or her, else the seat
    holder the dataset gives for the day)."""
    if len(text) > 10_000:
        raise Invalid("text", "an objection is at most 10000 characters")
    who = _acting_state(actor, state, StateAct.SIGN)
    if settle_due(db, draft_id, actor, found=True) == "adopted":
        raise Conflict(f"draft {draft_id} was adopted at its deadline: silence was kept")
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.procedure != "silence":
            raise Conflict(f"draft {draft_id} is not under the silence procedure")
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}")
        at = now()
        problems = _silence(w.conn, row).break_problems(who, at)
        if problems:
            raise Conflict("; ".join(problems))
        org = _org(w.conn)
        named = in_whose_name(org, row.body_key, who, day_of(org, at), given_by,
                              state_users.authority_changes(w.conn, who))
        w.conn.execute(insert(t.signature).values(
            draft_id=draft_id, state_code=who, signed_by=actor.username, signed_at=at,
            answer=sil.BREAK, reservation=text, given_by=named))
        w.audit("draft.break_silence", "draft", draft_id,
                {"state": who, "text": text, "given_by": named})
        w.emit(f"draft:{draft_id}", "signature",
               classification=access.position_within(access.classification_of(row)),
               state=who, answer=sil.BREAK)
        _settle(w, row, _silence(w.conn, row))
        _notify(w, row, f"Silence broken: {row.title}",
                f"{who} broke silence on draft {draft_id}: returned to the body")
        return _draft(w.conn, draft_id, actor)


def _notify(w: Write, row: Any, subject: str, body: str) -> None:
    """One outbox notice per active user that reads the draft (emailed in each one's
    language by the outbox); an exercise's says so at its start and its end."""
    c = access.classification_of(row)
    outbox.enqueue(w.conn, f"draft:{row.id}", now(),
                   lambda u: (subject, body) if can_read(u, c)
                   and u.username != w.actor.username else None,
                   exercise=meeting_exercise(w.conn, row.meeting_id))


def _settle(w: Write, row: Any, sp: sil.SilenceProcedure, found_by: str = "") -> str | None:
    """Store the procedure's outcome once it has one: returned (silence broken) or
    adopted (the deadline passed in silence, judged by the question's rule as a session
    where every member with a say supports it); None while circulating. `found_by`: the
    user whose late answer found the outcome (named in the entry, not its author)."""
    at = now()
    status = sp.status(at)
    if status is sil.SilenceStatus.CIRCULATING:
        return None
    org = _org(w.conn)
    # who broke silence, and whose silence counts as assent
    change: dict[str, Any] = {"outcome": status.value, "reason": sp.reason(at),
                              "silent": sorted(sp.silent)}
    if sp.breakers:
        change["broken_by"] = list(sp.breakers)
    if found_by:
        change["found_by"] = found_by
    outcome = "returned"
    if status is sil.SilenceStatus.ADOPTED:
        day = _draft_day(w.conn, row)
        # seated as on the deadline's day, which adopts it (`adopted_seats`)
        stances = adopted_seats(w.conn, org, row, set(sp.members), day_of(org, sp.deadline))
        rule = _rule(org, row, day)
        judged = decide(stances, rule)
        change.update(_counted(rule, judged))
        change.update(seats_said(row.signing_order, stances, judged))
        change["binding"] = sorted(judged.binding)
        if judged.adopted:
            outcome = "adopted"
            result = replace(judged, reason=f"{sp.reason(at)}; {judged.reason}")
            # adopted at the deadline: the decision's day is the deadline's
            change["decision"] = _register(w, org, row, result, day_of(org, sp.deadline), [])
        else:
            change["reason"] = judged.reason
    w.conn.execute(update(t.draft).where(t.draft.c.id == row.id).values(
        status=outcome, outcome=outcome, outcome_reason=change["reason"], closed_at=at,
        revision=row.revision + 1))
    w.audit("draft.close", "draft", row.id, change)
    w.emit(f"draft:{row.id}", "outcome", classification=access.classification_of(
        _draft_row(w.conn, row.id, SYSTEM)), outcome=outcome)
    return outcome


def settle_due(db: Database, draft_id: int, actor: Principal, *, found: bool = False
               ) -> str | None:
    """Store the adoption of one draft whose deadline passed in silence; the outcome
    stored now, if any. `found`: `actor`'s late answer found it, so the deadline's outcome
    is stored by the system, naming `actor` (`found_by`), never as `actor`'s act (a member
    breaking silence too late does not adopt the draft)."""
    with db.read() as conn:
        row = _draft_row(conn, draft_id, actor)
        if row.procedure != "silence" or row.status != "open" or aware(row.deadline) > now():
            return None
    try:
        with db.write(SYSTEM if found else actor) as w:
            row = _draft_row(w.conn, draft_id, SYSTEM, lock=True)
            if row.status != "open":
                # settled by another instance, or silence broken, since it was read:
                # nothing to write
                raise _Settled
            return _settle(w, row, _silence(w.conn, row), actor.username if found else "")
    except _Settled:
        return None


class _Settled(Exception):
    """The draft's outcome was stored meanwhile (rolls the empty write back)."""


def settle_silence(db: Database, *, actor: Principal) -> list[int]:
    """Store the adoption of every draft whose silence procedure reached its deadline in
    silence (the Secretariat's `phalanx decisions settle`, or any scheduler); returns
    their ids."""
    _require_staff(actor, "settle the silence procedure")
    with db.read() as conn:
        due = [r.id for r in conn.execute(access.select_visible(t.draft, actor, t.draft.c.id)
                                          .where(t.draft.c.procedure == "silence",
                                                 t.draft.c.status == "open",
                                                 t.draft.c.deadline <= now()))]
    adopted = []
    for d in due:
        try:
            if settle_due(db, d, actor) == "adopted":
                adopted.append(d)
        except Conflict as refused:  # this one is not adopted as it stands: the others are
            log.warning("draft %s not settled: %s", d, refused)
    return adopted


def settle_one(db: Database, draft_id: int, *, actor: Principal) -> DraftOut:
    """The Secretariat records the outcome of one draft whose deadline passed in silence
    (closing the draft, on its page or by the API)."""
    _require_staff(actor, "settle the silence procedure")
    with db.read() as conn:
        row = _draft_row(conn, draft_id, actor)
    if row.procedure != "silence":
        raise Conflict(f"draft {draft_id} is not under the silence procedure")
    if row.status != "open":
        raise Conflict(f"draft {draft_id} is already {row.status}")
    if aware(row.deadline) > now():
        raise Conflict(f"draft {draft_id}'s silence procedure runs until "
                       f"{aware(row.deadline):%Y-%m-%d %H:%M} UTC")
    settle_due(db, draft_id, actor)
    with db.read() as conn:
        return _draft(conn, draft_id, actor)
