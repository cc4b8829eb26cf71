"""The end of an exercise, by its control (the Secretariat and the Joint Staff): ENDEX, or
its cancellation when it was started in error.

Nothing of it is deleted: the record of an exercise is kept for its after-action review,
and its audit trail is the trail's. Ended, its crisis is closed whatever its stage (the
exercise stops where it is: its control ends the play, not the algorithm), its sessions
still open are closed and its drafts still open are closed undecided, so that nobody acts
on it any more; cancelled, the same, its crisis rejected as started in error, with the
reason, which cancelling requires. Its notices not yet read are withdrawn from the inbox
and the outbox (nobody is told of an exercise that is over), its clocks stop (no
escalation, `escalation.py`), and it is ended once (setting)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.workflow import Stage
from phalanx.services.clock import now
from phalanx.services.crises.common import _require_staff, _row
from phalanx.services.crises.reading import _out
from phalanx.services.crises.schemas import CrisisOut
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid

END = "exercise_end"  # the timeline entry's kind: the exercise is over


class ExerciseEndIn(BaseModel):
    # ended: ENDEX, its record kept for the after-action review; cancelled: started in
    # error, void
    how: Literal["ended", "cancelled"] = "ended"
    reason: str = Field(default="", max_length=5000)


def ended(conn: Connection, crisis_id: int) -> bool:
    """Has the exercise's control ended or cancelled it?"""
    return conn.execute(select(t.crisis_event.c.id).where(
        t.crisis_event.c.crisis_id == crisis_id,
        t.crisis_event.c.kind == END)).first() is not None


def refuse_if_over(conn: Connection, row: Any) -> None:
    """Refuse (409) an action on an exercise its control ended or cancelled: nobody acts
    on it any more. Called under the crisis's lock, which the end takes too: an action at
    the same moment as the end (another instance) comes before it, or is refused."""
    if row.exercise and ended(conn, row.id):
        raise Conflict(f"the exercise of crisis {row.id} is already over")


def end_exercise(db: Database, crisis_id: int, data: ExerciseEndIn, *, actor: Principal,
                 at: datetime | None = None) -> CrisisOut:
    """End (ENDEX) or cancel an exercise's crisis, audited (`exercise.end`): a real crisis
    is refused (the algorithm closes it), so is an exercise already over."""
    _require_staff(actor, "end or cancel an exercise")
    at = at or now()
    reason = data.reason.strip()
    if data.how == "cancelled" and not reason:
        raise Invalid("reason", "an exercise is cancelled with its reason (what was started "
                                "in error)")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        if not row.exercise:
            raise Conflict(f"crisis {crisis_id} is real: only an exercise is ended or "
                           "cancelled by its control; a real crisis is closed through the "
                           "algorithm")
        if ended(w.conn, crisis_id):
            raise Conflict(f"the exercise of crisis {crisis_id} is already over")
        stage = Stage.CLOSED if data.how == "ended" else Stage.REJECTED
        said = ("exercise ended (ENDEX)" if data.how == "ended"
                else "exercise cancelled: started in error")
        text = f"{said} — {reason}" if reason else said
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            stage=stage.value, closing_reason=text, revision=row.revision + 1))
        w.conn.execute(insert(t.crisis_event).values(
            crisis_id=crisis_id, at=at, kind=END, stage=stage.value,
            actor=actor.username, text=text))
        # its sessions still open closed, its drafts still open closed undecided
        sessions = [m for (m,) in w.conn.execute(select(t.crisis_session.c.meeting_id).where(
            t.crisis_session.c.crisis_id == crisis_id))]
        was = {m: status for m, status in w.conn.execute(access.select_visible(
            t.meeting, SYSTEM, t.meeting.c.id, t.meeting.c.status).where(
            t.meeting.c.id.in_(sessions or [-1]), t.meeting.c.exercise.is_(True),
            t.meeting.c.status != "closed"))}
        open_sessions = sorted(was)
        if open_sessions:
            w.conn.execute(update(t.meeting).where(t.meeting.c.id.in_(open_sessions))
                           .values(status="closed"))
        # its drafts: those of its sessions and those in its file (tied to it, or naming
        # it when tabled, in another of the exercise's sessions)
        # (never another exercise's: `crisis_drafts.same_world`; a lazy import, the file
        # reads crises)
        from phalanx.services.crisis_drafts import same_world
        ours = and_(or_(t.draft.c.meeting_id.in_(sessions or [-1]), t.draft.c.id.in_(
            select(t.crisis_draft.c.draft_id).where(t.crisis_draft.c.crisis_id == crisis_id))),
            same_world(crisis_id, True))
        open_drafts = [d for (d,) in w.conn.execute(access.select_visible(
            t.draft, SYSTEM, t.draft.c.id).where(ours, t.draft.c.status == "open"))]
        if open_drafts:
            w.conn.execute(update(t.draft).where(t.draft.c.id.in_(open_drafts)).values(
                status="closed", outcome_reason=text, closed_at=at,
                revision=t.draft.c.revision + 1))
        # nobody is told any more of an exercise that is over: of its crisis, nor of its
        # sessions' drafts (a silence broken)
        drafts = [d for (d,) in w.conn.execute(access.select_visible(
            t.draft, SYSTEM, t.draft.c.id).where(ours))]
        withdrawn = w.conn.execute(delete(t.notification).where(
            t.notification.c.topic.in_([f"crisis:{crisis_id}",
                                        *(f"draft:{d}" for d in drafts)]),
            t.notification.c.acknowledged_at.is_(None))).rowcount
        # each session and draft closed says so in its own entries too (its trail read
        # by its readers, on its own)
        for m in open_sessions:
            w.audit("session.closed", "session", m, {"from": was[m], "by": "exercise.end",
                                                     "crisis": crisis_id})
        for d in open_drafts:
            w.audit("draft.close", "draft", d, {"outcome": "closed", "reason": text,
                                                "by": "exercise.end", "crisis": crisis_id})
        w.audit("exercise.end", "crisis", crisis_id, {
            "how": data.how, "reason": reason, "from": row.stage, "to": stage.value,
            "sessions_closed": open_sessions, "drafts_closed": open_drafts,
            "notices_withdrawn": withdrawn})
        c = access.classification_of(row)
        w.emit(f"crisis:{crisis_id}", "stage", stage=stage.value)
        w.emit("crises", "stage", classification=c, id=crisis_id, stage=stage.value)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)

