"""Sessions: convening, attendance, the agenda, opening and closing."""

from __future__ import annotations

from datetime import UTC
from typing import Any, Literal

from sqlalchemy import Connection, func, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar
from phalanx.domain.access.policy import Marking, OwnerKind, StateAct, acts_for, is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.services import organization as orgs
from phalanx.services.clock import aware
from phalanx.services.clock import day as day_of
from phalanx.services.db import Database, Write
from phalanx.services.decisions.common import (
    _acting_state,
    _body_rules,
    _classification,
    _meeting_row,
    _org,
    _require_staff,
    _seated_states,
    taking_part,
)
from phalanx.services.decisions.session_schemas import (
    AgendaItemOut,
    AttendanceOut,
    MeetingIn,
    MeetingOut,
)
from phalanx.services.errors import Conflict, Invalid

# --- sessions ------------------------------------------------------------------------------


def convene(db: Database, data: MeetingIn, *, actor: Principal) -> MeetingOut:
    _require_staff(actor, "convene a session")
    with db.write(actor) as w:
        _refuse_convened(w, data)
        return convene_in(w, data)


def _refuse_convened(w: Write, data: MeetingIn) -> None:
    """A body meets once at a moment: the same session convened again (a form sent twice,
    a command run again) would call every member twice. The second is refused, naming
    the first (one the convener may read). A crisis's sessions are the crisis's own
    (`services/crises/workflow.py`)."""
    m = t.meeting.c
    for row in w.conn.execute(access.select_visible(t.meeting, w.actor, m.id, m.opens_at)
                              .where(m.body_key == data.body, m.exercise == data.exercise)
                              .order_by(m.id)):
        if aware(row.opens_at) == aware(data.opens_at):
            raise Conflict(f"session {row.id} of {data.body} is convened already for "
                           f"{aware(data.opens_at).astimezone(UTC):%Y-%m-%d %H:%M} UTC")


def convene_in(w: Write, data: MeetingIn) -> MeetingOut:
    """Convene a session in the caller's write transaction (e.g. a crisis's consultations,
    convened and recorded on the crisis at once)."""
    actor = w.actor
    org = _org(w.conn)
    rules = _body_rules(org, data.body)
    problems = proc.session_problems(rules, data.kind, data.mode, data.link,
                                     day_of(org, data.opens_at),
                                     org.applies_from(proc.video_from(rules)))
    if problems:
        raise Invalid("kind" if "sessions" in problems[0] else "mode", "; ".join(problems))
    seated = _seated_states(org, data.body, day_of(org, data.opens_at))
    c = _classification(OwnerKind.BODY, data.body, data.marking, data.participants,
                        data.observers)
    body = org.bodies[data.body]
    title = data.title or f"{body.name.en}: {data.kind.value} session, {data.opens_at:%Y-%m-%d}"
    meeting_id = w.conn.execute(insert(t.meeting).values(
        body_key=data.body, kind=data.kind.value, mode=data.mode.value, link=data.link,
        place=data.place, title=title, opens_at=data.opens_at,
        convened_by=data.convened_by.value, status="scheduled",
        created_by=actor.username, exercise=data.exercise,
        **access.classification_values(c)).returning(t.meeting.c.id)).scalar_one()
    if seated:
        w.conn.execute(insert(t.attendance), [
            {"meeting_id": meeting_id, "state_code": s, "present": False, "note": ""}
            for s in seated])
    w.audit("session.convene", "session", meeting_id, {
        "body": data.body, "kind": data.kind.value, "mode": data.mode.value,
        "opens_at": data.opens_at.isoformat(), "convened_by": data.convened_by.value})
    w.emit("sessions", "convened", classification=c, id=meeting_id)
    return _meeting(w.conn, meeting_id, actor)


def may_record_attendance(actor: Principal, state: str) -> bool:
    """Whether `actor` records `state`'s attendance: the session's secretary (the
    Secretariat, the Joint Staff, the administrator) every seat's, a member state its own
    by the one rule of who acts for a state (`policy.acts_for`); the auditor none."""
    if is_staff(actor):
        return True
    return acts_for(actor, state, StateAct.ATTENDANCE)


def record_attendance(db: Database, meeting_id: int, state: str, present: bool,
                      note: str = "", *, actor: Principal) -> MeetingOut:
    with db.write(actor) as w:
        meeting = _meeting_row(w.conn, meeting_id, actor, lock=True)
        if not may_record_attendance(actor, state):
            _acting_state(actor, state, StateAct.ATTENDANCE)  # refused, with its reason
        if meeting.status == "closed":
            # its drafts were judged on the attendance as it stood: the record is closed
            raise Conflict(f"session {meeting_id} is closed: its attendance can no longer "
                           "change")
        # the seats are those of the session's day, as its drafts are judged: a state
        # whose withdrawal took effect since the session was convened has none, one
        # admitted since takes its seat (seeds: membership by admission, ended by
        # withdrawal)
        org = _org(w.conn)
        taking = taking_part(w.conn, meeting_id)
        if state not in _seated_states(org, meeting.body_key,
                                       day_of(org, aware(meeting.opens_at))) or (
                taking is not None and state not in taking):
            raise Invalid("state", f"{state} has no seat in this session")
        done = w.conn.execute(update(t.attendance).where(
            t.attendance.c.meeting_id == meeting_id, t.attendance.c.state_code == state
        ).values(present=present, note=note))
        if done.rowcount != 1:
            w.conn.execute(insert(t.attendance).values(
                meeting_id=meeting_id, state_code=state, present=present, note=note))
        w.audit("session.attendance", "session", meeting_id,
                {"state": state, "present": present, "note": note})
        w.emit(f"session:{meeting_id}", "attendance",
               classification=access.classification_of(meeting), state=state, present=present)
        return _meeting(w.conn, meeting_id, actor)


def add_agenda_item(db: Database, meeting_id: int, title: str,
                    document_ids: list[int] | None = None, *, actor: Principal) -> MeetingOut:
    _require_staff(actor, "set the agenda")
    with db.write(actor) as w:
        if _meeting_row(w.conn, meeting_id, actor, lock=True).status == "closed":
            raise Conflict(f"session {meeting_id} is closed: its agenda can no longer change")
        for doc_id in document_ids or []:
            if w.conn.execute(access.select_visible(t.document, actor, t.document.c.id)
                              .where(t.document.c.id == doc_id)).first() is None:
                raise Invalid("document_ids", f"no document {doc_id}")
        n = w.conn.execute(select(func.count()).select_from(t.agenda_item).where(
            t.agenda_item.c.meeting_id == meeting_id)).scalar_one()
        item_id = w.conn.execute(insert(t.agenda_item).values(
            meeting_id=meeting_id, position=n + 1, title=title,
            document_ids=list(document_ids or [])).returning(t.agenda_item.c.id)).scalar_one()
        w.audit("session.agenda_add", "session", meeting_id, {"item": item_id, "title": title})
        return _meeting(w.conn, meeting_id, actor)


def set_session_status(db: Database, meeting_id: int, status: Literal["open", "closed"], *,
                       actor: Principal) -> MeetingOut:
    _require_staff(actor, "open or close a session")
    with db.write(actor) as w:
        row = _meeting_row(w.conn, meeting_id, actor, lock=True)
        allowed = {"scheduled": {"open", "closed"}, "open": {"closed"}, "closed": set()}
        if status not in allowed[row.status]:
            raise Conflict(f"a {row.status} session cannot become {status}")
        w.conn.execute(update(t.meeting).where(t.meeting.c.id == meeting_id)
                       .values(status=status))
        w.audit(f"session.{status}", "session", meeting_id, {"from": row.status})
        w.emit(f"session:{meeting_id}", "status", classification=access.classification_of(row),
               status=status)
        return _meeting(w.conn, meeting_id, actor)


def _meeting(conn: Connection, meeting_id: int, actor: Principal) -> MeetingOut:
    row = _meeting_row(conn, meeting_id, actor)
    att = conn.execute(select(t.attendance).where(t.attendance.c.meeting_id == meeting_id)
                       .order_by(t.attendance.c.state_code))
    agenda = conn.execute(select(t.agenda_item).where(t.agenda_item.c.meeting_id == meeting_id)
                          .order_by(t.agenda_item.c.position))
    drafts = conn.execute(access.select_visible(t.draft, actor, t.draft.c.id)
                          .where(t.draft.c.meeting_id == meeting_id).order_by(t.draft.c.id))
    agenda = list(agenda)
    # an item's documents that the reader may read (a document re-marked since, or one
    # only the participants read, is not named by its id either)
    seen = access.readable_ids(conn, actor, t.document,
                               (i for a in agenda for i in a.document_ids))
    return MeetingOut(
        id=row.id, body=row.body_key, kind=row.kind, mode=row.mode, link=row.link,
        place=row.place, title=row.title, opens_at=aware(row.opens_at),
        convened_by=row.convened_by, status=row.status, exercise=row.exercise,
        marking=Marking(row.marking),
        attendance=[AttendanceOut(state=a.state_code, present=a.present, note=a.note)
                    for a in att],
        agenda=[AgendaItemOut(id=a.id, position=a.position, title=a.title,
                              document_ids=[i for i in a.document_ids if i in seen])
                for a in agenda],
        drafts=[d.id for d in drafts])


def get_meeting(conn: Connection, meeting_id: int, *, actor: Principal) -> MeetingOut:
    return _meeting(conn, meeting_id, actor)


def _meetings(conn: Connection, actor: Principal, body: str | None, year: int | None,
              open_only: bool, exercise: bool | None = None) -> Any:
    stmt = access.select_visible(t.meeting, actor)
    if exercise is not None:  # the real sessions, or the exercises' (None: both)
        stmt = stmt.where(t.meeting.c.exercise.is_(exercise))
    if body:
        stmt = stmt.where(t.meeting.c.body_key == body)
    if year:  # the organization's year (its working time zone's), as the crisis board's
        start, end = calendar.year_span(year, orgs.working_zone(conn))
        stmt = stmt.where(t.meeting.c.opens_at >= start, t.meeting.c.opens_at < end)
    if open_only:
        stmt = stmt.where(t.meeting.c.status != "closed")
    return stmt


def count_meetings(conn: Connection, *, actor: Principal, body: str | None = None,
                   year: int | None = None, exercise: bool | None = None) -> int:
    """How many sessions `list_meetings` holds, all its pages together."""
    return conn.execute(select(func.count()).select_from(
        _meetings(conn, actor, body, year, False, exercise).subquery())).scalar_one()


def list_meetings(conn: Connection, *, actor: Principal, body: str | None = None,
                  year: int | None = None, open_only: bool = False,
                  limit: int | None = None, offset: int = 0,
                  exercise: bool | None = None) -> list[MeetingOut]:
    """The sessions, the latest first: of a body, of a year, not yet closed, the real
    ones or the exercises' (`exercise`; None: both); `limit` and `offset` take a page of
    them."""
    stmt = _meetings(conn, actor, body, year, open_only, exercise).order_by(
        t.meeting.c.opens_at.desc(), t.meeting.c.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [MeetingOut(
        id=r.id, body=r.body_key, kind=r.kind, mode=r.mode, link=r.link, place=r.place,
        title=r.title, opens_at=aware(r.opens_at), convened_by=r.convened_by,
        status=r.status, exercise=r.exercise, marking=Marking(r.marking))
        for r in conn.execute(stmt)]


