"""A crisis's file of drafts: every draft about it, adopted or not.

A draft is about a crisis when it was named so when tabled (at any session, in writing,
in silence, by consultation), when it was tabled in a session held on the crisis, when
the decision adopted from it is attached to the crisis, or when the Secretariat tied it
to the crisis afterwards, with a reason (`Duty.CRISIS_FILE`). Each reader is named only
the drafts it may read (`access.select_visible`: a draft marked for fewer is not named
at all), and an exercise's drafts are never in a real crisis's file (nor a real draft in
an exercise's, nor a draft of a session held on another exercise's crisis: ending one
exercise closes the drafts in its file, never another's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Duty, does
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.services.clock import aware, now
from phalanx.services.crises.common import _row as _crisis
from phalanx.services.crises.schemas import CrisisDraftOut, EventOut
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound


def _exercise_meetings() -> Any:
    """The ids of the exercises' sessions (a subquery): a draft framed in one is the
    exercise's."""
    m = t.meeting.c
    return access.select_visible(t.meeting, SYSTEM, m.id).where(m.exercise.is_(True))


def same_world(crisis_id: int, exercise: bool) -> Any:
    """The drafts of an exercise for an exercise's crisis (of its own sessions, or of an
    exercise's session held on no other crisis: each exercise keeps to its own), the real
    ones for a real one."""
    d = t.draft.c
    if exercise:
        cs = t.crisis_session.c
        elsewhere = select(cs.meeting_id).where(cs.crisis_id != crisis_id)
        return and_(d.meeting_id.in_(_exercise_meetings()), d.meeting_id.not_in(elsewhere))
    return or_(d.meeting_id.is_(None), d.meeting_id.not_in(_exercise_meetings()))


def choices(conn: Connection, *, actor: Principal, exercise: bool,
            meeting_id: int | None = None, limit: int = 200) -> list[tuple[int, str]]:
    """The crises a draft tabled by `actor` may name as its subject (an exercise's draft an
    exercise's crisis, a real one a real crisis; one framed in a session `meeting_id` held
    on an exercise's crisis, that crisis only: `same_world`), the latest reported first:
    the id and title of each the actor reads, at most `limit`."""
    c, cs = t.crisis.c, t.crisis_session.c
    stmt = access.select_visible(t.crisis, actor, c.id, c.title).where(
        c.exercise.is_(exercise))
    if exercise and meeting_id is not None:
        held_on = conn.execute(select(cs.crisis_id).where(cs.meeting_id == meeting_id)).first()
        if held_on is not None:
            stmt = stmt.where(c.id == held_on.crisis_id)
    return [(r.id, r.title) for r in conn.execute(
        stmt.order_by(c.reported_at.desc(), c.id.desc()).limit(limit))]


def drafts_of(conn: Connection, row: Any, actor: Principal) -> list[CrisisDraftOut]:
    """The drafts in the file of the crisis `row` that `actor` may read, as tabled."""
    d, cd = t.draft.c, t.crisis_draft.c
    ties = {r.draft_id: r for r in conn.execute(
        select(t.crisis_draft).where(cd.crisis_id == row.id))}
    sessions = select(t.crisis_session.c.meeting_id).where(
        t.crisis_session.c.crisis_id == row.id)
    attached = access.select_visible(t.decision, SYSTEM, t.decision.c.draft_id).where(
        t.decision.c.id == row.decision_id)
    rows = list(conn.execute(access.select_visible(t.draft, actor).where(
        or_(d.id.in_(list(ties)), d.meeting_id.in_(sessions), d.id.in_(attached)),
        same_world(row.id, bool(row.exercise))).order_by(d.created_at, d.id)))
    ids = [r.id for r in rows]
    dc = t.decision.c
    decisions = {r.draft_id: r for r in conn.execute(access.select_visible(
        t.decision, actor, dc.id, dc.draft_id, dc.number).where(dc.draft_id.in_(ids)))}
    in_session = set(conn.execute(sessions).scalars())
    answers = set(conn.execute(attached).scalars())
    out = []
    for r in rows:
        tie = ties.get(r.id)
        made = decisions.get(r.id)
        # by its session or its decision first: what no untying takes out of the file
        how = "session" if r.meeting_id in in_session else "decision" if r.id in answers \
            else ("tied" if tie.reason else "tabled") if tie is not None else "decision"
        out.append(CrisisDraftOut(
            id=r.id, title=r.title, title_ru=r.title_ru, body=r.body_key, kind=r.kind,
            procedure=r.procedure, meeting_id=r.meeting_id, status=r.status,
            outcome_reason=r.outcome_reason, tabled_at=aware(r.created_at),
            decided_at=_decided(conn, r),
            decision_id=made.id if made else None, decision_number=made.number if made else None,
            tie=how, reason=tie.reason if tie is not None else ""))
    return out


def _decided(conn: Connection, r: Any) -> datetime | None:
    """When the draft's outcome was recorded: as stored, else (a draft closed before the
    time was kept) its last closing in the trail."""
    if r.status == "open":
        return None
    if r.closed_at is not None:
        return aware(r.closed_at)
    a = t.audit_log.c
    at = conn.execute(select(func.max(a.at)).where(
        a.action == "draft.close", a.target_kind == "draft",
        a.target_id == str(r.id))).scalar()
    return aware(datetime.fromisoformat(at)) if at else None


def timeline(drafts: list[CrisisDraftOut]) -> list[EventOut]:
    """The timeline's entries of the drafts in the file (already the reader's): each
    tabled, and each outcome recorded."""
    out = []
    for x in drafts:
        out.append(EventOut(at=x.tabled_at, kind="draft", stage=None, actor="",
                            text=f"draft {x.id} tabled: {x.title}"))
        if x.decided_at is None:
            continue
        if x.decision_number:
            text = f"draft {x.id} adopted as decision {x.decision_number}"
        else:
            text = f"draft {x.id} {x.status}"  # why: in the file, in the reader's language
        out.append(EventOut(at=x.decided_at, kind="draft", stage=None, actor="", text=text))
    return out


def tie_in(w: Write, crisis_id: int, draft_id: int, reason: str = "") -> None:
    """Put the draft in the crisis's file inside a write under way: the crisis and the
    draft are the actor's to read, of the same world (both an exercise's, or both real),
    and not yet in the file; an exercise that is over takes no draft in. `reason` empty:
    named when the draft was tabled."""
    from phalanx.services.crises.ending import refuse_if_over  # (crises read the file)

    row = _crisis(w.conn, crisis_id, w.actor, lock=True)
    refuse_if_over(w.conn, row)  # an exercise over: its file is its record, as it ended
    d = t.draft.c
    draft = w.conn.execute(access.select_visible(t.draft, w.actor, d.id).where(
        d.id == draft_id)).first()
    if draft is None:
        raise NotFound("draft", draft_id)
    if w.conn.execute(access.select_visible(t.draft, SYSTEM, d.id).where(
            d.id == draft_id, same_world(row.id, bool(row.exercise)))).first() is None:
        if not reason:  # being tabled: refused, it is no draft, and is named by no number
            raise Conflict(
                "a draft tabled in an exercise's session stays out of a real crisis's file"
                if not row.exercise else
                "a draft tabled in another exercise's session stays out of this exercise's "
                "crisis" if _of_an_exercise(w.conn, draft_id) else
                "a draft for an exercise's crisis is tabled in one of the exercise's "
                "sessions, or put to the heads of state from its crisis room")
        raise Conflict(f"draft {draft_id} is " + (
            "an exercise's: it stays out of a real crisis's file" if not row.exercise else
            "another exercise's: it stays out of this exercise's crisis" if _of_an_exercise(
                w.conn, draft_id) else
            "not an exercise's: it stays out of an exercise's crisis"))
    if any(x.id == draft_id for x in drafts_of(w.conn, row, SYSTEM)):
        if not reason:  # tabled in one of its sessions and named too: in its file already
            return
        raise Conflict(f"draft {draft_id} is already in crisis {crisis_id}'s file")
    w.conn.execute(insert(t.crisis_draft).values(
        crisis_id=crisis_id, draft_id=draft_id, tied_at=now(), tied_by=w.actor.username,
        reason=reason))
    # about the draft: the entry obeys the draft's marking, never named to others
    w.audit("draft.crisis_tie", "draft", draft_id,
            {"crisis": crisis_id, **({"reason": reason} if reason else {})})


def _of_an_exercise(conn: Connection, draft_id: int) -> bool:
    """Is the draft an exercise's (framed in an exercise's session)?"""
    d = t.draft.c
    return conn.execute(access.select_visible(t.draft, SYSTEM, d.id).where(
        d.id == draft_id, d.meeting_id.in_(_exercise_meetings()))).first() is not None


def _require_file_keeper(actor: Principal, reason: str) -> None:
    if not does(actor, Duty.CRISIS_FILE):
        raise Forbidden("only the Secretariat ties a draft to a crisis's file or unties it")
    if not reason.strip():
        raise Invalid("reason", "say why the draft is tied to the crisis's file or untied")


def tie(db: Database, crisis_id: int, draft_id: int, reason: str, *,
        actor: Principal) -> list[CrisisDraftOut]:
    """The Secretariat ties an existing draft to the crisis's file, saying why."""
    _require_file_keeper(actor, reason)
    with db.write(actor) as w:
        tie_in(w, crisis_id, draft_id, reason.strip())
        return drafts_of(w.conn, _crisis(w.conn, crisis_id, actor), actor)


def untie(db: Database, crisis_id: int, draft_id: int, reason: str, *,
          actor: Principal) -> list[CrisisDraftOut]:
    """The Secretariat unties a draft named or tied to the crisis by hand, saying why; a
    draft tabled in a session held on the crisis, or whose decision the crisis names,
    stays in its file."""
    from phalanx.services.crises.ending import refuse_if_over

    _require_file_keeper(actor, reason)
    with db.write(actor) as w:
        row = _crisis(w.conn, crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        d = t.draft.c
        if w.conn.execute(access.select_visible(t.draft, actor, d.id).where(
                d.id == draft_id)).first() is None:
            raise NotFound("draft", draft_id)
        cd = t.crisis_draft.c
        gone = w.conn.execute(delete(t.crisis_draft).where(
            cd.crisis_id == crisis_id, cd.draft_id == draft_id)).rowcount
        # still in the file without the tie (by its session, or by the decision the crisis
        # names since): it stays, and nothing is written
        inside = any(x.id == draft_id for x in drafts_of(w.conn, row, SYSTEM))
        if not gone or inside:
            raise Conflict(f"draft {draft_id} " + (
                "belongs to the crisis's file by its session or its decision: it cannot "
                "be untied" if inside else f"is not in crisis {crisis_id}'s file"))
        w.audit("draft.crisis_untie", "draft", draft_id,
                {"crisis": crisis_id, "reason": reason.strip()})
        return drafts_of(w.conn, row, actor)
