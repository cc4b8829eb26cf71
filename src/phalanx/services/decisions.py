"""Consultations and decisions: sessions, drafts and their versions, amendments,
positions, the written procedure, the register of decisions and their implementation.

Every action here loads what it needs, asks the domain (`domain/decisions`), writes,
audits, and announces the change to open pages. Reads of sessions, drafts and
decisions go through the access layer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import (
    STAFF,
    Classification,
    Marking,
    OwnerKind,
)
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Outcome,
    Position,
    Result,
    RuleError,
    Stance,
    Standing,
    decide,
)
from phalanx.domain.organization import MembershipStatus, Organization
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.types import RecordId, UtcDateTime

DraftKind = Literal["decision", "statement", "instruction"]
AssigneeKind = Literal["body", "secretariat", "state"]




def _staff_or_system(actor: Principal) -> bool:
    return actor.role in STAFF or actor.role is Role.SYSTEM


def _require_staff(actor: Principal, what: str) -> None:
    if not (_staff_or_system(actor) and actor.role is not Role.AUDITOR):
        raise Forbidden(f"only the Secretariat and the Joint Staff may {what}")


# --- read models -------------------------------------------------------------------------


class MeetingIn(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    kind: proc.SessionKind = proc.SessionKind.REGULAR
    mode: proc.Mode = proc.Mode.IN_PERSON
    link: str | None = Field(default=None, max_length=500)
    place: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=300)
    opens_at: datetime
    convened_by: proc.Convener = proc.Convener.CHAIR
    marking: Marking = Marking.ORGANIZATION
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False
    exercise: bool = False


class AttendanceOut(BaseModel):
    state: str
    present: bool
    note: str


class AgendaItemOut(BaseModel):
    id: int
    position: int
    title: str
    document_ids: list[int]


class MeetingOut(BaseModel):
    id: int
    body: str
    kind: str
    mode: str
    link: str | None
    place: str
    title: str
    opens_at: UtcDateTime
    convened_by: str
    status: str
    exercise: bool
    marking: Marking
    attendance: list[AttendanceOut] = []
    agenda: list[AgendaItemOut] = []
    drafts: list[int] = []


class DraftIn(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    meeting_id: RecordId | None = None
    agenda_item_id: RecordId | None = None
    kind: DraftKind = "decision"
    question: str = Field(default="default", max_length=32)
    procedure: Literal["session", "written"] = "session"
    limited_format: bool = False
    title: str = Field(min_length=1, max_length=300)
    text_en: str = Field(min_length=1, max_length=200_000)
    text_ru: str = Field(default="", max_length=200_000)
    deadline: datetime | None = None
    signing_order: list[str] = Field(default_factory=list, max_length=50)
    marking: Marking = Marking.ORGANIZATION
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False


class StanceOut(BaseModel):
    state: str
    present: bool
    position: Position
    statement: str
    stated_by: str | None
    stated_at: UtcDateTime | None
    on_version: int | None
    standing: Standing


class OutcomeOut(BaseModel):
    outcome: Outcome
    reason: str
    binding: list[str]
    objectors: list[str]
    opted_out: list[str]
    for_consideration: list[str]
    without_say: list[str]
    silent: list[str]
    represented: int
    with_say: int
    quorum_needed: int


class VersionOut(BaseModel):
    number: int
    text_en: str
    text_ru: str
    amendment_id: int | None
    created_by: str
    created_at: UtcDateTime


class AmendmentOut(BaseModel):
    id: int
    against_version: int
    state: str
    text_en: str
    text_ru: str
    note: str
    status: str
    diff: str
    created_by: str
    created_at: UtcDateTime


class DraftOut(BaseModel):
    id: int
    body: str
    meeting_id: int | None
    kind: str
    question: str
    procedure: str
    limited_format: bool
    title: str
    current_version: int
    status: str
    outcome: str | None
    outcome_reason: str | None
    deadline: UtcDateTime | None
    signing_order: list[str]
    signed: list[str] = []
    revision: int
    marking: Marking
    on_date: date
    versions: list[VersionOut] = []
    amendments: list[AmendmentOut] = []
    stances: list[StanceOut] = []
    preview: OutcomeOut | None = None
    decision_id: int | None = None


class DecisionOut(BaseModel):
    id: int
    number: str
    draft_id: int
    body: str
    kind: str
    adopted_on: date
    title: str
    text_en: str
    text_ru: str
    binding: list[str]
    limited_format: bool
    reason: str
    published: bool
    marking: Marking
    participants: list[str]
    exercise: bool = False


class TaskIn(BaseModel):
    assignee_kind: AssigneeKind
    assignee: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    due_on: date


class TaskOut(BaseModel):
    id: int
    decision_id: int
    decision_number: str
    assignee_kind: str
    assignee: str
    title: str
    due_on: date
    status: str
    completed_on: date | None
    note: str
    revision: int
    overdue: bool


def _outcome(r: Result) -> OutcomeOut:
    return OutcomeOut(
        outcome=r.outcome, reason=r.reason, binding=sorted(r.binding),
        objectors=sorted(r.objectors), opted_out=sorted(r.opted_out),
        for_consideration=sorted(r.for_consideration), without_say=sorted(r.without_say),
        silent=sorted(r.silent), represented=r.represented, with_say=r.with_say,
        quorum_needed=r.quorum_needed)


# --- helpers ----------------------------------------------------------------------------


def _org(conn: Connection) -> Organization:
    return orgs.organization(conn)


def _body_rules(org: Organization, body_key: str) -> dict[str, Any]:
    if body_key not in org.bodies:
        raise Invalid("body", f"unknown body {body_key!r}")
    return org.bodies[body_key].rules


def _seated_states(org: Organization, body_key: str, day: date) -> list[str]:
    comp = membership.composition_on(org, body_key, day)
    if not comp.exists:
        raise Invalid("body", f"{body_key} does not exist on {day}")
    return [s.state for s in comp.seats]


def _standing(org: Organization, state: str, day: date) -> Standing:
    if membership.status_on(org, state, day) is MembershipStatus.SUSPENDED:
        return Standing.SUSPENDED
    for entry in org.settings.get("in_arrears", []):
        start = date.fromisoformat(str(entry["from"]))
        end = date.fromisoformat(str(entry["until"])) if entry.get("until") else None
        if entry["state"] == state and start <= day and (end is None or day < end):
            return Standing.IN_ARREARS
    return Standing.FULL


def _classification(owner_kind: OwnerKind, owner: str, marking: Marking,
                    participants: list[str], observers: bool) -> Classification:
    c = Classification(owner_kind, owner, marking, frozenset(participants), observers)
    for problem in c.problems():
        raise Invalid("marking", problem)
    return c


def _meeting_row(conn: Connection, meeting_id: int, actor: Principal,
                 lock: bool = False) -> Any:
    stmt = access.select_visible(t.meeting, actor).where(t.meeting.c.id == meeting_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("session", meeting_id)
    return row


def _draft_row(conn: Connection, draft_id: int, actor: Principal, lock: bool = False) -> Any:
    stmt = access.select_visible(t.draft, actor).where(t.draft.c.id == draft_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("draft", draft_id)
    return row


def _draft_day(conn: Connection, row: Any) -> date:
    if row.meeting_id is not None:
        # the session's date is needed for the rule, whoever is asking
        opens = conn.execute(access.select_visible(t.meeting, SYSTEM, t.meeting.c.opens_at)
                             .where(t.meeting.c.id == row.meeting_id)).scalar_one()
        return aware(opens).date()
    return aware(row.created_at).date()


def _acting_state(actor: Principal, state: str | None) -> str:
    """The state an action is taken for: the user's own; staff may act for any."""
    if actor.role in (Role.REPRESENTATIVE, Role.REPORTER):
        if state is not None and state != actor.state:
            raise Forbidden(f"you act for {actor.state}, not for {state}")
        assert actor.state is not None
        return actor.state
    if _staff_or_system(actor) and actor.role is not Role.AUDITOR and state:
        return state
    raise Forbidden("only a state's representative states its position")


# --- sessions ------------------------------------------------------------------------------


def convene(db: Database, data: MeetingIn, *, actor: Principal) -> MeetingOut:
    _require_staff(actor, "convene a session")
    with db.write(actor) as w:
        org = _org(w.conn)
        rules = _body_rules(org, data.body)
        problems = proc.session_problems(rules, data.kind, data.mode, data.link)
        if problems:
            raise Invalid("kind" if "sessions" in problems[0] else "mode", "; ".join(problems))
        seated = _seated_states(org, data.body, data.opens_at.date())
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
        w.emit("sessions", "convened", id=meeting_id)
        return _meeting(w.conn, meeting_id, actor)


def record_attendance(db: Database, meeting_id: int, state: str, present: bool,
                      note: str = "", *, actor: Principal) -> MeetingOut:
    with db.write(actor) as w:
        _meeting_row(w.conn, meeting_id, actor, lock=True)
        if actor.role in (Role.REPRESENTATIVE, Role.REPORTER):
            _acting_state(actor, state)
        else:
            _require_staff(actor, "record attendance")
        done = w.conn.execute(update(t.attendance).where(
            t.attendance.c.meeting_id == meeting_id, t.attendance.c.state_code == state
        ).values(present=present, note=note))
        if done.rowcount != 1:
            raise Invalid("state", f"{state} has no seat in this session")
        w.audit("session.attendance", "session", meeting_id,
                {"state": state, "present": present, "note": note})
        w.emit(f"session:{meeting_id}", "attendance", state=state, present=present)
        return _meeting(w.conn, meeting_id, actor)


def add_agenda_item(db: Database, meeting_id: int, title: str,
                    document_ids: list[int] | None = None, *, actor: Principal) -> MeetingOut:
    _require_staff(actor, "set the agenda")
    with db.write(actor) as w:
        _meeting_row(w.conn, meeting_id, actor, lock=True)
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
        w.emit(f"session:{meeting_id}", "status", status=status)
        return _meeting(w.conn, meeting_id, actor)


def _meeting(conn: Connection, meeting_id: int, actor: Principal) -> MeetingOut:
    row = _meeting_row(conn, meeting_id, actor)
    att = conn.execute(select(t.attendance).where(t.attendance.c.meeting_id == meeting_id)
                       .order_by(t.attendance.c.state_code))
    agenda = conn.execute(select(t.agenda_item).where(t.agenda_item.c.meeting_id == meeting_id)
                          .order_by(t.agenda_item.c.position))
    drafts = conn.execute(access.select_visible(t.draft, actor, t.draft.c.id)
                          .where(t.draft.c.meeting_id == meeting_id).order_by(t.draft.c.id))
    return MeetingOut(
        id=row.id, body=row.body_key, kind=row.kind, mode=row.mode, link=row.link,
        place=row.place, title=row.title, opens_at=aware(row.opens_at),
        convened_by=row.convened_by, status=row.status, exercise=row.exercise,
        marking=Marking(row.marking),
        attendance=[AttendanceOut(state=a.state_code, present=a.present, note=a.note)
                    for a in att],
        agenda=[AgendaItemOut(id=a.id, position=a.position, title=a.title,
                              document_ids=list(a.document_ids)) for a in agenda],
        drafts=[d.id for d in drafts])


def get_meeting(conn: Connection, meeting_id: int, *, actor: Principal) -> MeetingOut:
    return _meeting(conn, meeting_id, actor)


def list_meetings(conn: Connection, *, actor: Principal, body: str | None = None
                  ) -> list[MeetingOut]:
    stmt = access.select_visible(t.meeting, actor).order_by(t.meeting.c.opens_at.desc())
    if body:
        stmt = stmt.where(t.meeting.c.body_key == body)
    return [MeetingOut(
        id=r.id, body=r.body_key, kind=r.kind, mode=r.mode, link=r.link, place=r.place,
        title=r.title, opens_at=aware(r.opens_at), convened_by=r.convened_by,
        status=r.status, exercise=r.exercise, marking=Marking(r.marking))
        for r in conn.execute(stmt)]


# --- drafts, versions, amendments ------------------------------------------------------


def propose_draft(db: Database, data: DraftIn, *, actor: Principal) -> DraftOut:
    _require_staff(actor, "table a draft")
    at = now()
    with db.write(actor) as w:
        org = _org(w.conn)
        rules = _body_rules(org, data.body)
        rule = proc.rule_for(rules, data.question)
        if data.question != "default" and data.question not in rules.get("decision_rules", {}):
            raise Invalid("question", f"{data.body} has no rule for {data.question!r} questions")
        if data.limited_format and not rule.limited_format:
            raise Invalid("limited_format", f"{data.body} does not decide in a limited format")
        day = at.date()
        if data.procedure == "session":
            if data.meeting_id is None:
                raise Invalid("meeting_id", "a draft for a session names the session")
            meeting = _meeting_row(w.conn, data.meeting_id, actor)
            if meeting.body_key != data.body:
                raise Invalid("meeting_id", f"session {data.meeting_id} is of {meeting.body_key}")
            if meeting.status == "closed":
                raise Conflict(f"session {data.meeting_id} is closed")
            day = aware(meeting.opens_at).date()
        elif data.deadline is None:
            raise Invalid("deadline", "the written procedure needs a deadline")
        seated = _seated_states(org, data.body, day)
        order = data.signing_order or seated
        if data.procedure == "written":
            stray = sorted(set(order) - set(seated))
            if stray:
                raise Invalid("signing_order", f"{stray} have no seat in {data.body}")
        c = _classification(OwnerKind.BODY, data.body, data.marking, data.participants,
                            data.observers)
        draft_id = w.conn.execute(insert(t.draft).values(
            body_key=data.body, meeting_id=data.meeting_id, agenda_item_id=data.agenda_item_id,
            kind=data.kind, question=data.question, procedure=data.procedure,
            limited_format=data.limited_format, title=data.title, current_version=1,
            status="open", deadline=data.deadline,
            signing_order=order if data.procedure == "written" else [],
            created_by=actor.username, created_at=at, revision=1,
            **access.classification_values(c)).returning(t.draft.c.id)).scalar_one()
        w.conn.execute(insert(t.draft_version).values(
            draft_id=draft_id, number=1, text_en=data.text_en, text_ru=data.text_ru,
            created_by=actor.username, created_at=at))
        w.audit("draft.propose", "draft", draft_id, {
            "body": data.body, "title": data.title, "procedure": data.procedure,
            "limited_format": data.limited_format, "kind": data.kind})
        if data.meeting_id is not None:
            w.emit(f"session:{data.meeting_id}", "draft", id=draft_id)
        return _draft(w.conn, draft_id, actor)


def propose_amendment(db: Database, draft_id: int, against_version: int, text_en: str,
                      text_ru: str = "", note: str = "", state: str | None = None, *,
                      actor: Principal) -> AmendmentOut:
    at = now()
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}; amendments are closed")
        if against_version != row.current_version:
            raise Conflict(f"the amendment is against version {against_version}, but the draft "
                           f"is at version {row.current_version}")
        proposer = _acting_state(actor, state)
        if proposer not in _seated_states(_org(w.conn), row.body_key, _draft_day(w.conn, row)):
            raise Forbidden(f"{proposer} has no seat in {row.body_key}")
        amendment_id = w.conn.execute(insert(t.amendment).values(
            draft_id=draft_id, against_version=against_version, state_code=proposer,
            text_en=text_en, text_ru=text_ru, note=note, status="proposed",
            created_by=actor.username, created_at=at).returning(t.amendment.c.id)).scalar_one()
        w.audit("amendment.propose", "draft", draft_id,
                {"amendment": amendment_id, "state": proposer, "against": against_version})
        w.emit(f"draft:{draft_id}", "amendment", id=amendment_id)
        return next(a for a in _draft(w.conn, draft_id, actor).amendments
                    if a.id == amendment_id)


def decide_amendment(db: Database, amendment_id: int, accept: bool, *,
                     actor: Principal) -> DraftOut:
    _require_staff(actor, "accept or reject an amendment")
    with db.write(actor) as w:
        a = w.conn.execute(select(t.amendment).where(t.amendment.c.id == amendment_id)).first()
        if a is None:
            raise NotFound("amendment", amendment_id)
        row = _draft_row(w.conn, a.draft_id, actor, lock=True)
        if a.status != "proposed":
            raise Conflict(f"amendment {amendment_id} is already {a.status}")
        if accept and a.against_version != row.current_version:
            raise Conflict(f"amendment {amendment_id} is against version {a.against_version}; "
                           f"the draft is at version {row.current_version}")
        w.conn.execute(update(t.amendment).where(t.amendment.c.id == amendment_id)
                       .values(status="accepted" if accept else "rejected"))
        if accept:
            _new_version(w, row, a.text_en, a.text_ru or _current_text(w.conn, row)[1],
                         amendment_id)
        w.audit("amendment.accept" if accept else "amendment.reject", "draft", row.id,
                {"amendment": amendment_id})
        w.emit(f"draft:{row.id}", "amendment", id=amendment_id)
        return _draft(w.conn, row.id, actor)


def revise_draft(db: Database, draft_id: int, text_en: str, text_ru: str = "", *,
                 actor: Principal) -> DraftOut:
    """A new version by the Secretariat, e.g. of a draft returned for revision."""
    _require_staff(actor, "revise a draft")
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status == "adopted":
            raise Conflict(f"draft {draft_id} is adopted")
        _new_version(w, row, text_en, text_ru, None)
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id)
                       .values(status="open", outcome=None, outcome_reason=None))
        w.audit("draft.revise", "draft", draft_id, {"version": row.current_version + 1})
        w.emit(f"draft:{draft_id}", "version", number=row.current_version + 1)
        return _draft(w.conn, draft_id, actor)


def _current_text(conn: Connection, row: Any) -> tuple[str, str]:
    v = conn.execute(select(t.draft_version).where(
        t.draft_version.c.draft_id == row.id,
        t.draft_version.c.number == row.current_version)).one()
    return v.text_en, v.text_ru


def _new_version(w: Write, row: Any, text_en: str, text_ru: str,
                 amendment_id: int | None) -> None:
    number = row.current_version + 1
    w.conn.execute(insert(t.draft_version).values(
        draft_id=row.id, number=number, text_en=text_en, text_ru=text_ru,
        amendment_id=amendment_id, created_by=w.actor.username, created_at=now()))
    w.conn.execute(update(t.draft).where(t.draft.c.id == row.id).values(
        current_version=number, revision=row.revision + 1))


# --- positions and the outcome ---------------------------------------------------------------


def state_position(db: Database, draft_id: int, position: Position, statement: str = "",
                   state: str | None = None, *, actor: Principal) -> DraftOut:
    """State (or change) a member's position on the current version of an open draft."""
    for attempt in range(3):
        try:
            return _state_position(db, draft_id, position, statement, state, actor)
        except IntegrityError:  # two first statements for one state at once: retry as update
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _state_position(db: Database, draft_id: int, position: Position, statement: str,
                    state: str | None, actor: Principal) -> DraftOut:
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}; positions can no longer change")
        if row.procedure != "session":
            raise Conflict(f"draft {draft_id} is under the written procedure: sign it instead")
        who = _acting_state(actor, state)
        org = _org(w.conn)
        day = _draft_day(w.conn, row)
        if who not in _seated_states(org, row.body_key, day):
            raise Forbidden(f"{who} has no seat in {row.body_key} on {day}")
        rule = proc.rule_for(org.bodies[row.body_key].rules, row.question)
        problems = proc.position_problems(position, rule, row.limited_format)
        if problems:
            raise Invalid("position", "; ".join(problems))
        at = now()
        values = {"version_number": row.current_version, "position": position.value,
                  "statement": statement, "stated_by": actor.username, "stated_at": at}
        existing = w.conn.execute(select(t.position.c.id).where(
            t.position.c.draft_id == draft_id, t.position.c.state_code == who)
            .with_for_update()).first()
        if existing is None:
            w.conn.execute(insert(t.position).values(draft_id=draft_id, state_code=who,
                                                     **values))
        else:
            w.conn.execute(update(t.position).where(t.position.c.id == existing.id)
                           .values(**values))
        w.audit("position.state", "draft", draft_id, {
            "state": who, "position": position.value, "version": row.current_version,
            "statement": statement})
        w.emit(f"draft:{draft_id}", "position", state=who, position=position.value)
        if row.meeting_id is not None:
            w.emit(f"session:{row.meeting_id}", "position", draft=draft_id, state=who,
                   position=position.value)
        return _draft(w.conn, draft_id, actor)


def _stances(conn: Connection, org: Organization, row: Any) -> list[Stance]:
    day = _draft_day(conn, row)
    seated = _seated_states(org, row.body_key, day)
    present: dict[str, bool] = {}
    if row.meeting_id is not None:
        present = {a.state_code: a.present for a in conn.execute(
            select(t.attendance).where(t.attendance.c.meeting_id == row.meeting_id))}
    positions = {p.state_code: p for p in conn.execute(
        select(t.position).where(t.position.c.draft_id == row.id))}
    out = []
    for s in seated:
        p = positions.get(s)
        pos = (Position(p.position) if p is not None
               and p.version_number == row.current_version else Position.NOT_STATED)
        out.append(Stance(s, present.get(s, False), pos, _standing(org, s, day)))
    return out


def close_draft(db: Database, draft_id: int, tasks: list[TaskIn] | None = None, *,
                actor: Principal) -> DraftOut:
    """Judge the draft by the body's rule: adopted (a numbered decision is registered,
    with its implementation tasks), returned for revision with the objections, or no
    quorum (the draft stays open)."""
    _require_staff(actor, "close a draft")
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is already {row.status}")
        if row.procedure != "session":
            raise Conflict("a draft under the written procedure is adopted by its signatures")
        org = _org(w.conn)
        rule = proc.rule_for(org.bodies[row.body_key].rules, row.question)
        try:
            result = decide(_stances(w.conn, org, row), rule)
        except RuleError as exc:
            raise Invalid("positions", str(exc)) from exc
        status = {Outcome.ADOPTED: "adopted", Outcome.RETURNED: "returned",
                  Outcome.NO_DECISION: "closed", Outcome.NO_QUORUM: "open"}[result.outcome]
        w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id).values(
            status=status, outcome=result.outcome.value, outcome_reason=result.reason,
            revision=row.revision + 1))
        change: dict[str, Any] = {"outcome": result.outcome.value, "reason": result.reason,
                                  "binding": sorted(result.binding),
                                  "objectors": sorted(result.objectors)}
        if result.adopted:
            change["decision"] = _register(w, org, row, result, _draft_day(w.conn, row),
                                           tasks or [])
        w.audit("draft.close", "draft", draft_id, change)
        w.emit(f"draft:{draft_id}", "outcome", outcome=result.outcome.value)
        if row.meeting_id is not None:
            w.emit(f"session:{row.meeting_id}", "outcome", draft=draft_id,
                   outcome=result.outcome.value)
        return _draft(w.conn, draft_id, actor)


def sign(db: Database, draft_id: int, state: str | None = None, *,
         actor: Principal) -> DraftOut:
    """Sign a draft under the written procedure, in turn; the last signature adopts it."""
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.procedure != "written":
            raise Conflict(f"draft {draft_id} is decided in session, not by signatures")
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}")
        who = _acting_state(actor, state)
        wp = _written(w.conn, row)
        problems = wp.sign_problems(who, now())
        if problems:
            raise Conflict("; ".join(problems))
        w.conn.execute(insert(t.signature).values(draft_id=draft_id, state_code=who,
                                                  signed_by=actor.username, signed_at=now()))
        w.audit("draft.sign", "draft", draft_id, {"state": who})
        wp = _written(w.conn, row)
        if wp.status(now()) is proc.WrittenStatus.ADOPTED:
            org = _org(w.conn)
            result = Result(Outcome.ADOPTED, "adopted by written procedure: every signature "
                            "is in", binding=frozenset(wp.signed))
            w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id).values(
                status="adopted", outcome="adopted", outcome_reason=result.reason,
                revision=row.revision + 1))
            number = _register(w, org, row, result, now().date(), [])
            w.audit("draft.close", "draft", draft_id, {"outcome": "adopted",
                                                       "decision": number})
        w.emit(f"draft:{draft_id}", "signature", state=who)
        return _draft(w.conn, draft_id, actor)


def _written(conn: Connection, row: Any) -> proc.WrittenProcedure:
    signed = [s.state_code for s in conn.execute(
        select(t.signature).where(t.signature.c.draft_id == row.id)
        .order_by(t.signature.c.signed_at, t.signature.c.id))]
    return proc.WrittenProcedure(tuple(row.signing_order), tuple(signed),
                                 aware(row.deadline))


def _register(w: Write, org: Organization, row: Any, result: Result, day: date,
              tasks: list[TaskIn]) -> str:
    """Enter an adopted draft in the register of decisions; returns its number."""
    body = org.bodies[row.body_key]
    prefix = (body.abbreviation.en if body.abbreviation else body.key).upper()
    # numbering counts every decision of the body, visible to this user or not
    count = w.conn.execute(access.count_visible(t.decision, SYSTEM).where(
        t.decision.c.body_key == row.body_key,
        func.extract("year", t.decision.c.adopted_on) == day.year)).scalar_one()
    number = f"{prefix}-{day.year}-{count + 1:03d}"
    text_en, text_ru = _current_text(w.conn, row)
    if result.limited:
        c = Classification(OwnerKind.BODY, row.body_key, Marking.PARTICIPANTS,
                           result.binding, False)
    else:
        c = access.classification_of(row)
    exercise = False
    if row.meeting_id is not None:
        exercise = bool(w.conn.execute(access.select_visible(
            t.meeting, SYSTEM, t.meeting.c.exercise).where(
            t.meeting.c.id == row.meeting_id)).scalar())
    if exercise:
        number = f"EX-{number}"
    decision_id = w.conn.execute(insert(t.decision).values(
        exercise=exercise, number=number, draft_id=row.id, body_key=row.body_key, kind=row.kind,
        adopted_on=day, title=row.title, text_en=text_en, text_ru=text_ru,
        binding=access.pack_participants(result.binding), limited_format=result.limited,
        reason=result.reason, published=False,
        **access.classification_values(c)).returning(t.decision.c.id)).scalar_one()
    for task_in in tasks:
        _insert_task(w, decision_id, task_in, org)
    w.emit("decisions", "adopted", id=decision_id, number=number)
    return number


# --- reading drafts ----------------------------------------------------------------------


def _draft(conn: Connection, draft_id: int, actor: Principal) -> DraftOut:
    row = _draft_row(conn, draft_id, actor)
    org = _org(conn)
    versions = [VersionOut(number=v.number, text_en=v.text_en, text_ru=v.text_ru,
                           amendment_id=v.amendment_id, created_by=v.created_by,
                           created_at=aware(v.created_at))
                for v in conn.execute(select(t.draft_version).where(
                    t.draft_version.c.draft_id == draft_id).order_by(t.draft_version.c.number))]
    by_number = {v.number: v for v in versions}
    amendments = []
    for a in conn.execute(select(t.amendment).where(t.amendment.c.draft_id == draft_id)
                          .order_by(t.amendment.c.id)):
        base = by_number.get(a.against_version)
        amendments.append(AmendmentOut(
            id=a.id, against_version=a.against_version, state=a.state_code, text_en=a.text_en,
            text_ru=a.text_ru, note=a.note, status=a.status,
            diff=proc.diff(base.text_en if base else "", a.text_en,
                           f"version {a.against_version}", f"amendment {a.id} ({a.state_code})"),
            created_by=a.created_by, created_at=aware(a.created_at)))
    positions = {p.state_code: p for p in conn.execute(
        select(t.position).where(t.position.c.draft_id == draft_id))}
    stances = _stances(conn, org, row)
    stance_out = []
    for s in stances:
        p = positions.get(s.state)
        stance_out.append(StanceOut(
            state=s.state, present=s.present, position=s.position,
            statement=p.statement if p is not None and s.position is not Position.NOT_STATED
            else "", stated_by=p.stated_by if p is not None else None,
            stated_at=aware(p.stated_at) if p is not None else None,
            on_version=p.version_number if p is not None else None, standing=s.standing))
    preview = None
    if row.procedure == "session":
        try:
            preview = _outcome(decide(stances, proc.rule_for(org.bodies[row.body_key].rules,
                                                             row.question)))
        except RuleError:
            preview = None
    signed: list[str] = []
    if row.procedure == "written":
        signed = list(_written(conn, row).signed)
    decision = conn.execute(access.select_visible(t.decision, actor, t.decision.c.id)
                            .where(t.decision.c.draft_id == draft_id)).first()
    return DraftOut(
        id=row.id, body=row.body_key, meeting_id=row.meeting_id, kind=row.kind,
        question=row.question, procedure=row.procedure, limited_format=row.limited_format,
        title=row.title, current_version=row.current_version, status=row.status,
        outcome=row.outcome, outcome_reason=row.outcome_reason,
        deadline=aware(row.deadline) if row.deadline else None,
        signing_order=list(row.signing_order), signed=signed, revision=row.revision,
        marking=Marking(row.marking), on_date=_draft_day(conn, row), versions=versions,
        amendments=amendments, stances=stance_out, preview=preview,
        decision_id=decision.id if decision else None)


def get_draft(conn: Connection, draft_id: int, *, actor: Principal) -> DraftOut:
    return _draft(conn, draft_id, actor)


# --- the register and implementation ------------------------------------------------------


def _decision_out(r: Any) -> DecisionOut:
    c = access.classification_of(r)
    return DecisionOut(
        id=r.id, number=r.number, draft_id=r.draft_id, body=r.body_key, kind=r.kind,
        adopted_on=r.adopted_on, title=r.title, text_en=r.text_en, text_ru=r.text_ru,
        binding=[s for s in r.binding.split(",") if s], limited_format=r.limited_format,
        reason=r.reason, published=r.published, marking=c.marking,
        participants=sorted(c.participants), exercise=r.exercise)


def list_decisions(conn: Connection, *, actor: Principal, body: str | None = None,
                   kind: str | None = None, year: int | None = None,
                   exercise: bool = False) -> list[DecisionOut]:
    """The register: real decisions, or (exercise=True) those of exercises, never mixed."""
    stmt = access.select_visible(t.decision, actor).where(
        t.decision.c.exercise.is_(exercise)).order_by(t.decision.c.adopted_on.desc(),
                                                      t.decision.c.id.desc())
    if body:
        stmt = stmt.where(t.decision.c.body_key == body)
    if kind:
        stmt = stmt.where(t.decision.c.kind == kind)
    if year:
        stmt = stmt.where(func.extract("year", t.decision.c.adopted_on) == year)
    return [_decision_out(r) for r in conn.execute(stmt)]


def get_decision(conn: Connection, decision_id: int, *, actor: Principal) -> DecisionOut:
    row = conn.execute(access.select_visible(t.decision, actor)
                       .where(t.decision.c.id == decision_id)).first()
    if row is None:
        raise NotFound("decision", decision_id)
    return _decision_out(row)


def publish(db: Database, decision_id: int, *, actor: Principal) -> DecisionOut:
    """Publish an adopted statement or decision: it becomes PUBLIC."""
    _require_staff(actor, "publish")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.decision, actor)
                             .where(t.decision.c.id == decision_id).with_for_update()).first()
        if row is None:
            raise NotFound("decision", decision_id)
        if row.limited_format:
            raise Conflict("a limited-format decision is published by its participants only")
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                       .values(published=True, marking=Marking.PUBLIC.value))
        w.audit("decision.publish", "decision", decision_id, {"number": row.number})
        return _decision_out(w.conn.execute(access.select_visible(t.decision, actor)
                                            .where(t.decision.c.id == decision_id)).one())


class HistoricalCountOut(BaseModel):
    kind: str
    period: str
    count: int
    body: str | None
    note: str
    source: str


class CountsOut(BaseModel):
    recorded: dict[str, dict[str, int]]  # body -> kind -> adopted in the system
    historical: list[HistoricalCountOut]  # what the organization reported, from its dataset


def counts(conn: Connection, *, actor: Principal, start: date, end: date) -> CountsOut:
    """Decisions, joint statements and collective instructions per body in [start, end],
    beside the historical counts of the dataset for the years in that span."""
    years = {str(y) for y in range(start.year, end.year + 1)}
    return CountsOut(
        recorded=count_by_kind(conn, actor=actor, start=start, end=end),
        historical=[HistoricalCountOut(kind=h.kind, period=h.period, count=h.count,
                                       body=h.body, note=h.note, source=h.source)
                    for h in _org(conn).historical_counts if h.period[:4] in years])


def count_by_kind(conn: Connection, *, actor: Principal, start: date, end: date
                  ) -> dict[str, dict[str, int]]:
    """Adopted decisions, statements and instructions per body in [start, end]."""
    rows = conn.execute(
        access.select_visible(t.decision, actor, t.decision.c.body_key, t.decision.c.kind,
                              func.count())
        .where(t.decision.c.adopted_on >= start, t.decision.c.adopted_on <= end,
               t.decision.c.exercise.is_(False))
        .group_by(t.decision.c.body_key, t.decision.c.kind))
    out: dict[str, dict[str, int]] = {}
    for body, kind, n in rows:
        out.setdefault(body, {})[kind] = n
    return out


def _insert_task(w: Write, decision_id: int, data: TaskIn, org: Organization) -> int:
    if data.assignee_kind == "state" and data.assignee not in org.states:
        raise Invalid("assignee", f"unknown state {data.assignee!r}")
    if data.assignee_kind == "body" and data.assignee not in org.bodies:
        raise Invalid("assignee", f"unknown body {data.assignee!r}")
    task_id = w.conn.execute(insert(t.task).values(
        decision_id=decision_id, assignee_kind=data.assignee_kind, assignee=data.assignee,
        title=data.title, due_on=data.due_on, status="open", note="", revision=1,
    ).returning(t.task.c.id)).scalar_one()
    w.audit("task.create", "task", task_id, {"decision": decision_id, **data.model_dump(
        mode="json")})
    return int(task_id)


def add_task(db: Database, decision_id: int, data: TaskIn, *, actor: Principal) -> TaskOut:
    _require_staff(actor, "assign implementation tasks")
    with db.write(actor) as w:
        get_decision(w.conn, decision_id, actor=actor)
        task_id = _insert_task(w, decision_id, data, _org(w.conn))
        return next(x for x in list_tasks(w.conn, actor=actor) if x.id == task_id)


def update_task(db: Database, task_id: int, status: Literal["open", "in_progress", "done"],
                note: str, revision: int, *, actor: Principal) -> TaskOut:
    with db.write(actor) as w:
        current = next((x for x in list_tasks(w.conn, actor=actor) if x.id == task_id), None)
        if current is None:
            raise NotFound("task", task_id)
        if current.assignee_kind == "state":
            if actor.state != current.assignee and not _staff_or_system(actor):
                raise Forbidden(f"only {current.assignee} or the Secretariat update this task")
        elif not _staff_or_system(actor) or actor.role is Role.AUDITOR:
            raise Forbidden("only the Secretariat updates this task")
        done = w.conn.execute(update(t.task).where(
            t.task.c.id == task_id, t.task.c.revision == revision).values(
            status=status, note=note, revision=revision + 1,
            completed_on=date.today() if status == "done" else None))
        if done.rowcount != 1:
            raise Conflict(f"task {task_id} is at revision {current.revision}, not {revision}")
        w.audit("task.update", "task", task_id, {"status": status, "note": note})
        w.emit("tasks", "update", id=task_id, status=status)
        return next(x for x in list_tasks(w.conn, actor=actor) if x.id == task_id)


def list_tasks(conn: Connection, *, actor: Principal, overdue_only: bool = False,
               today: date | None = None) -> list[TaskOut]:
    """Implementation tasks of the decisions the user may see."""
    today = today or date.today()
    stmt = (access.select_visible(t.decision, actor, t.task, t.decision.c.number)
            .join(t.task, t.task.c.decision_id == t.decision.c.id)
            .order_by(t.task.c.due_on, t.task.c.id))
    out = []
    for r in conn.execute(stmt):
        overdue = r.status != "done" and r.due_on < today
        if overdue_only and not overdue:
            continue
        out.append(TaskOut(
            id=r.id, decision_id=r.decision_id, decision_number=r.number,
            assignee_kind=r.assignee_kind, assignee=r.assignee, title=r.title,
            due_on=r.due_on, status=r.status, completed_on=r.completed_on, note=r.note,
            revision=r.revision, overdue=overdue))
    return out
