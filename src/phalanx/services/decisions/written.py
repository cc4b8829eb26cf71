"""The written procedure: a draft circulated for signature without a session.

Every member with a say on the day signs in turn, signs with a reservation, or objects
(`domain/decisions/procedure.py: WrittenProcedure`). An objection returns the draft; the
last signature adopts it under the question's rule; a deadline passing first lapses it,
and the lapse is stored with who did not sign. Times come from the services' clock, so an
exercise plays the procedure on its own clock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import insert, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import decide
from phalanx.services import state_users
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
from phalanx.services.decisions.procedures_read import _written
from phalanx.services.decisions.register import _register
from phalanx.services.decisions.schemas import DraftOut
from phalanx.services.decisions.seats_said import seats_said
from phalanx.services.decisions.silence import break_silence
from phalanx.services.errors import Conflict, Invalid


def sign(db: Database, draft_id: int, state: str | None = None, *,
         answer: proc.Answer = proc.Answer.SIGN, reservation: str = "", given_by: str = "",
         actor: Principal) -> DraftOut:
    """A member's answer under the written procedure: sign in turn, sign with a
    reservation, or object (which returns the draft), its grounds stated or not. Only
    the state's authorized representative transmits it; the answer is given in the name
    of the member of the body holding the state's seat (for the Council its head of
    state: DOMAIN, "each head of state signing in turn"): `given_by` as the
    representative names him or her (an acting head of state), else the seat holder the
    dataset gives for the day of the signature. Under the silence procedure a member
    sends only an objection: it breaks silence (`silence.break_silence`, the reservation
    its text); silence itself is sent by nobody."""
    with db.read() as conn:
        under_silence = _draft_row(conn, draft_id, actor).procedure == "silence"
    if under_silence:
        if answer is not proc.Answer.OBJECT:
            raise Invalid("answer", "under the silence procedure a member keeps silence "
                                    "(nothing to send) or breaks it (the answer 'object')")
        return break_silence(db, draft_id, state, text=reservation, given_by=given_by,
                             actor=actor)
    if answer is proc.Answer.RESERVATION and not reservation.strip():
        raise Invalid("reservation", "a signature with a reservation states the reservation")
    # a plain signature carries no text; an objection may carry its grounds
    if answer is proc.Answer.SIGN and reservation:
        raise Invalid("reservation", "a reservation goes with the answer 'reservation'")
    who = _acting_state(actor, state, StateAct.SIGN)
    if _lapse_if_due(db, draft_id, actor, found=True):
        raise Conflict(f"draft {draft_id}'s written procedure lapsed at its deadline")
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.procedure != "written":
            raise Conflict(f"draft {draft_id} is decided in session, not by signatures")
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}")
        at = now()
        wp = _written(w.conn, row)
        problems = wp.answer_problems(who, answer, at)
        if problems:
            raise Conflict("; ".join(problems))
        named = in_whose_name(_org(w.conn), row.body_key, who, day_of(_org(w.conn), at), given_by,
                              state_users.authority_changes(w.conn, who))
        w.conn.execute(insert(t.signature).values(
            draft_id=draft_id, state_code=who, signed_by=actor.username, signed_at=at,
            answer=answer.value, reservation=reservation, given_by=named))
        w.audit("draft.sign", "draft", draft_id,
                {"state": who, "answer": answer.value, "reservation": reservation,
                 "given_by": named})
        _settle(w, row, _written(w.conn, row))
        w.emit(f"draft:{draft_id}", "signature",
               classification=access.position_within(access.classification_of(row)),
               state=who, answer=answer.value)
        return _draft(w.conn, draft_id, actor)


def _settle(w: Write, row: Any, wp: proc.WrittenProcedure, found_by: str = "") -> str | None:
    """Store the procedure's outcome once it has one; returns it (None while circulating).
    `found_by`: the user whose late answer found the outcome (named in the entry, not its
    author)."""
    at = now()
    status = wp.status(at)
    if status is proc.WrittenStatus.CIRCULATING:
        return None
    org = _org(w.conn)
    change: dict[str, Any] = {"outcome": status.value, "reason": wp.reason(at),
                              **({"found_by": found_by} if found_by else {})}
    if status is proc.WrittenStatus.ADOPTED:
        day = _draft_day(w.conn, row)
        # every member with a say signed: the question's rule judges it like a session
        # where they are all present, the members without a say seated as they are (a
        # member in arrears is bound, one suspended or not taking part gets the text);
        # seated as on the day of the last signature, which adopts it: a state that has
        # left since the draft circulated is no addressee, one suspended since has no
        # say, one admitted since was not asked and gets the text (`adopted_seats`)
        stances = adopted_seats(w.conn, org, row, set(wp.order), day_of(org, at))
        rule = _rule(org, row, day)
        judged = decide(stances, rule)
        change.update(_counted(rule, judged))
        change.update(seats_said(row.signing_order, stances, judged))
        if not judged.adopted:
            status, change["reason"] = proc.WrittenStatus.RETURNED, judged.reason
        else:
            result = replace(judged, reason=f"{wp.reason(at)}; {judged.reason}")
            change["decision"] = _register(w, org, row, result, day_of(org, at), [])
    elif status is proc.WrittenStatus.LAPSED:
        change["not_signed"] = list(wp.missing)
    draft_status = {proc.WrittenStatus.ADOPTED: "adopted",
                    proc.WrittenStatus.RETURNED: "returned",
                    proc.WrittenStatus.LAPSED: "lapsed"}[status]
    w.conn.execute(update(t.draft).where(t.draft.c.id == row.id).values(
        status=draft_status, outcome=status.value, outcome_reason=change["reason"],
        closed_at=now(),
        revision=row.revision + 1))
    w.audit("draft.close", "draft", row.id, change)
    w.emit(f"draft:{row.id}", "outcome", classification=access.classification_of(
        _draft_row(w.conn, row.id, SYSTEM)), outcome=status.value)
    return status.value


def _lapse_if_due(db: Database, draft_id: int, actor: Principal, *,
                  found: bool = False) -> bool:
    """Store the lapse of one draft whose deadline has passed; True if it lapsed now."""
    return _settle_if_due(db, draft_id, actor, found=found) == "lapsed"


def _settle_if_due(db: Database, draft_id: int, actor: Principal, *,
                   found: bool = False) -> str | None:
    """Store the outcome of one circulating draft that has one without a new answer: its
    deadline passed, or the members still awaited lost their say (`_written`); the
    outcome stored now, if any. `found`: `actor`'s late answer found it, so the outcome is
    stored by the system, naming `actor` (`found_by`), never as `actor`'s act."""
    with db.read() as conn:
        row = _draft_row(conn, draft_id, actor)
        if row.procedure != "written" or row.status != "open" or (
                aware(row.deadline) >= now()
                and _written(conn, row).status(now()) is proc.WrittenStatus.CIRCULATING):
            return None
    try:
        with db.write(SYSTEM if found else actor) as w:
            row = _draft_row(w.conn, draft_id, SYSTEM, lock=True)
            if row.status != "open":
                raise _Settled  # by another instance since it was read: nothing to write
            return _settle(w, row, _written(w.conn, row), actor.username if found else "")
    except _Settled:
        return None


class _Settled(Exception):
    """The draft's outcome was stored meanwhile (rolls the empty write back)."""


def settle_lapsed(db: Database, *, actor: Principal) -> list[int]:
    """Store the lapse of every circulating draft whose deadline has passed (the
    Secretariat's `phalanx decisions settle`, or any scheduler); returns their ids."""
    _require_staff(actor, "settle the written procedure")
    with db.read() as conn:
        due = [r.id for r in conn.execute(access.select_visible(t.draft, actor, t.draft.c.id)
                                          .where(t.draft.c.procedure == "written",
                                                 t.draft.c.status == "open",
                                                 t.draft.c.deadline < now()))]
    return [d for d in due if _lapse_if_due(db, d, actor)]
