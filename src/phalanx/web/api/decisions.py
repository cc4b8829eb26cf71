"""Sessions, drafts, positions, decisions and tasks under /api/v1."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import decision_exports as exports
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.types import RecordId, Revision
from phalanx.web.auth import Reader, Releaser, Writer
from phalanx.web.deps import DB, Conn, Id, IsoDate, Offset, Precondition
from phalanx.web.problem_document import problem_responses

router = APIRouter(tags=["decisions"])


@router.get("/sessions", response_model=list[dec.MeetingOut])
def list_sessions(response: Response, actor: Reader, conn: Conn,
                  body: Annotated[str | None, Query(max_length=64)] = None,
                  year: Annotated[int | None, Query(ge=1992, le=2100)] = None,
                  exercise: bool = False,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100,
                  offset: Offset = 0) -> list[dec.MeetingOut]:
    """The sessions, the latest first: a page of `limit` from `offset`; the header
    X-Total-Count says how many there are in all. The real sessions, or with
    `exercise=true` the exercises' (a register of their own, as the decisions')."""
    response.headers["X-Total-Count"] = str(dec.count_meetings(
        conn, actor=actor, body=body, year=year, exercise=exercise))
    return dec.list_meetings(conn, actor=actor, body=body, year=year, limit=limit,
                             offset=offset, exercise=exercise)


@router.post("/sessions", response_model=dec.MeetingOut, status_code=201)
def convene(data: dec.MeetingIn, actor: Writer, db: DB) -> dec.MeetingOut:
    """Convene a session of a body (regular, extraordinary or emergency; in person or by
    video conference). Its members on that date are seated."""
    return dec.convene(db, data, actor=actor)


@router.get("/sessions/{session_id}", response_model=dec.MeetingOut)
def get_session(session_id: Id, actor: Reader, conn: Conn) -> dec.MeetingOut:
    return dec.get_meeting(conn, session_id, actor=actor)


class AttendanceIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    present: bool
    note: str = Field(default="", max_length=500)


@router.post("/sessions/{session_id}/attendance", response_model=dec.MeetingOut)
def attendance(session_id: Id, data: AttendanceIn, actor: Writer, db: DB) -> dec.MeetingOut:
    return dec.record_attendance(db, session_id, data.state, data.present, data.note,
                                 actor=actor)


class AgendaIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    document_ids: list[RecordId] = Field(default_factory=list, max_length=50)


@router.post("/sessions/{session_id}/agenda", response_model=dec.MeetingOut)
def agenda(session_id: Id, data: AgendaIn, actor: Writer, db: DB) -> dec.MeetingOut:
    return dec.add_agenda_item(db, session_id, data.title, data.document_ids, actor=actor)


class StatusIn(BaseModel):
    status: Literal["open", "closed"]


@router.post("/sessions/{session_id}/status", response_model=dec.MeetingOut,
             responses=problem_responses(409))
def session_status(session_id: Id, data: StatusIn, actor: Writer, db: DB) -> dec.MeetingOut:
    return dec.set_session_status(db, session_id, data.status, actor=actor)


@router.post("/drafts", response_model=dec.DraftOut, status_code=201,
             responses=problem_responses(404, 409))  # 404: the session it names
def propose_draft(data: dec.DraftIn, actor: Writer, db: DB) -> dec.DraftOut:
    return dec.propose_draft(db, data, actor=actor)


@router.get("/drafts/{draft_id}", response_model=dec.DraftOut)
def get_draft(draft_id: Id, actor: Reader, conn: Conn) -> dec.DraftOut:
    """A draft with its versions, amendments, each member's position and the outcome the
    rule gives at this moment (`preview`)."""
    return dec.get_draft(conn, draft_id, actor=actor)


class PositionIn(BaseModel):
    position: Position
    statement: str = Field(default="", max_length=10_000)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


@router.post("/drafts/{draft_id}/positions", response_model=dec.DraftOut,
             responses=problem_responses(409, 412))
def state_position(draft_id: Id, data: PositionIn, actor: Writer, db: DB,
                   expect: Precondition) -> dec.DraftOut:
    """State (or change) the state's position on the draft's current version. It replaces
    the state's earlier one: send its `version` (in the draft's `stances`) as If-Match, or
    If-None-Match: * for a first one, so that a position stated meanwhile (in a session,
    by another system) is not replaced unseen (412)."""
    return dec.state_position(db, draft_id, data.position, data.statement, data.state,
                              actor=actor, expect=expect)


class AmendmentIn(BaseModel):
    against_version: Revision
    # in either working language or both: one of them is required
    text_en: str = Field(default="", max_length=200_000)
    text_ru: str = Field(default="", max_length=200_000)
    note: str = Field(default="", max_length=5_000)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


@router.post("/drafts/{draft_id}/amendments", response_model=dec.AmendmentOut,
             status_code=201,
             responses=problem_responses(409))
def propose_amendment(draft_id: Id, data: AmendmentIn, actor: Writer,
                      db: DB) -> dec.AmendmentOut:
    return dec.propose_amendment(db, draft_id, data.against_version, data.text_en,
                                 data.text_ru, data.note, data.state, actor=actor)


class AmendmentDecisionIn(BaseModel):
    accept: bool


@router.post("/amendments/{amendment_id}/decision", response_model=dec.DraftOut,
             responses=problem_responses(409))
def decide_amendment(amendment_id: Id, data: AmendmentDecisionIn, actor: Writer,
                     db: DB) -> dec.DraftOut:
    return dec.decide_amendment(db, amendment_id, data.accept, actor=actor)


class RevisionIn(BaseModel):
    # in either working language or both: one of them is required
    text_en: str = Field(default="", max_length=200_000)
    text_ru: str = Field(default="", max_length=200_000)


@router.post("/drafts/{draft_id}/revise", response_model=dec.DraftOut,
             responses=problem_responses(409))
def revise(draft_id: Id, data: RevisionIn, actor: Writer, db: DB) -> dec.DraftOut:
    return dec.revise_draft(db, draft_id, data.text_en, data.text_ru, actor=actor)


class CloseIn(BaseModel):
    tasks: list[dec.TaskIn] = Field(default_factory=list, max_length=100)


@router.post("/drafts/{draft_id}/close", response_model=dec.DraftOut,
             responses=problem_responses(409))
def close(draft_id: Id, actor: Writer, db: DB, data: CloseIn | None = None) -> dec.DraftOut:
    """Judge the draft by the body's rule and register it if adopted; under the silence
    procedure, once its deadline has passed, record its adoption in silence."""
    return dec.close_draft(db, draft_id, (data or CloseIn()).tasks, actor=actor)


class SignIn(BaseModel):
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    # sign, reservation (with its text), object (with its grounds or not)
    answer: Answer = Answer.SIGN
    reservation: str = Field(default="", max_length=10_000)
    # in whose name (default: the seat holder the dataset gives for the day)
    given_by: str = Field(default="", max_length=200)


@router.post("/drafts/{draft_id}/signatures", response_model=dec.DraftOut,
             responses=problem_responses(409))
def sign(draft_id: Id, actor: Writer, db: DB, data: SignIn | None = None) -> dec.DraftOut:
    """A member's answer under the written procedure: sign in turn, sign with a
    reservation, or object (the draft is returned). Under the silence procedure only
    `object` is sent: it breaks silence before the deadline (`reservation`: the objection
    and the change proposed, if any) and returns the draft to the body."""
    data = data or SignIn()
    return dec.sign(db, draft_id, data.state, answer=data.answer,
                    reservation=data.reservation, given_by=data.given_by, actor=actor)


@router.post("/drafts/{draft_id}/consultation", response_model=dec.DraftOut,
             responses=problem_responses(409))
def consultation_answer(draft_id: Id, data: dec.ConsultationAnswerIn, actor: Writer,
                        db: DB) -> dec.DraftOut:
    """The chair records a head of state's answer given by telephone, video or in
    writing, with its time (a decision by consultation)."""
    return dec.record_answer(db, draft_id, data, actor=actor)


@router.post("/drafts/{draft_id}/announce", response_model=dec.DraftOut,
             responses=problem_responses(409))
def announce(draft_id: Id, actor: Writer, db: DB, data: CloseIn | None = None) -> dec.DraftOut:
    """The chair announces the decision once every member consulted has answered."""
    return dec.announce(db, draft_id, (data or CloseIn()).tasks, actor=actor)


@router.get("/decisions", response_model=list[dec.DecisionOut])
def list_decisions(response: Response, actor: Reader, conn: Conn,
                   body: Annotated[str | None, Query(max_length=64)] = None,
                   kind: Annotated[str | None, Query(max_length=16)] = None,
                   year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
                   changed_after: Annotated[int | None, Query(ge=0, le=2**62, description=(
                       "only the decisions adopted or changed after this cursor (the "
                       "X-Change-Cursor of an earlier answer)"))] = None,
                   exercise: Annotated[bool, Query(description=(
                       "the exercises' register instead of the real one (never mixed)"))
                   ] = False,
                   in_force_on: Annotated[IsoDate | None, Query(description=(
                       "only the decisions in force on this day (YYYY-MM-DD), each with "
                       "its status and history on that day"))] = None,
                   limit: Annotated[int, Query(ge=1, le=500)] = 100,
                   offset: Offset = 0) -> list[dec.DecisionOut]:
    """The register, the latest first: a page of `limit` from `offset`; the header
    X-Total-Count says how many there are in all. Each decision carries its life
    (`lifecycle`): its status on `in_force_on` (else today), from when and until when it
    is in force, the earlier decision it modifies and the later ones that modified it (a
    decision the reader may not read: without id or number).

    The header X-Change-Cursor says where the changes stand (of the decisions the reader
    may read); the next poll with `changed_after` set to it answers only the decisions
    adopted or changed (published) since, none missed, however the writes interleave."""
    response.headers["X-Change-Cursor"] = str(dec.change_cursor(conn, actor=actor,
                                                                  exercise=exercise))
    response.headers["X-Total-Count"] = str(dec.count_decisions(
        conn, actor=actor, body=body, kind=kind, year=year, exercise=exercise,
        changed_after=changed_after, in_force_on=in_force_on))
    return dec.list_decisions(conn, actor=actor, body=body, kind=kind, year=year,
                              exercise=exercise, limit=limit, offset=offset,
                              changed_after=changed_after, in_force_on=in_force_on)


@router.get("/decisions/{decision_id}", response_model=dec.DecisionOut)
def get_decision(decision_id: Id, actor: Reader, conn: Conn,
                 on: Annotated[IsoDate | None, Query(description=(
                     "its status and history on this day (YYYY-MM-DD; else today)"))
                 ] = None) -> dec.DecisionOut:
    return dec.get_decision(conn, decision_id, actor=actor, on=on)


class NotificationIn(BaseModel):
    state: str = Field(min_length=3, max_length=3, description="the member notifying")
    on: IsoDate = Field(description="the day of its notification (YYYY-MM-DD)")


@router.post("/decisions/{decision_id}/notifications", response_model=dec.DecisionOut,
             responses=problem_responses(409))
def record_notification(decision_id: Id, data: NotificationIn, actor: Writer,
                        db: DB) -> dec.DecisionOut:
    """The Secretariat records a bound member's notification that its internal
    procedures are done; a decision entering into force on every member's notification
    does so on the day of the last one."""
    return dec.record_notification(db, decision_id, data.state, data.on, actor=actor)


class JoiningIn(BaseModel):
    state: str = Field(min_length=3, max_length=3, description="the member declaring")
    joins: bool = Field(description="true: it joins the decision, bound from `on`; false: "
                                    "it declares it does not join (recorded, it stays "
                                    "unbound)")
    on: IsoDate = Field(description="the day of its declaration (YYYY-MM-DD)")
    note: str = Field("", max_length=2000, description="what the declaration says, its "
                                                       "reference")


@router.post("/decisions/{decision_id}/joining", response_model=dec.DecisionOut,
             responses=problem_responses(409))
def declare_joining(decision_id: Id, data: JoiningIn, actor: Writer,
                    db: DB) -> dec.DecisionOut:
    """A member that received the decision for consideration, or stood aside from it in a
    limited format, declares that it joins it (bound from the day of its declaration:
    `bound_from`) or that it does not. Recorded by the Secretariat, or by the member's
    authorized representative in its own state's name."""
    return dec.declare_joining(db, decision_id, data.state, data.joins, data.on,
                               note=data.note, actor=actor)


@router.get("/decisions/{decision_id}/akn.xml", response_class=Response,
            responses={200: {"content": {"application/akn+xml": {}}}})
def decision_akn(decision_id: Id, actor: Reader, conn: Conn,
                 lang: Literal["en", "ru"] = "en") -> Response:
    """The decision as Akoma Ntoso 3.0 (a `statement` with its `voting`), in `lang` where
    the decision has a text in it."""
    from phalanx.web.i18n import texts_for

    return Response(exports.akoma_ntoso(conn, decision_id, lang, actor=actor,
                                        texts_in=texts_for),
                    media_type="application/akn+xml")


@router.get("/decisions/{decision_id}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def decision_pdf(request: Request, decision_id: Id, actor: Reader, conn: Conn) -> Response:
    """The decision as PDF: its authentic texts in both working languages, the rest in the
    reader's language (`?lang=`, else the `lang` cookie, else the default)."""
    from phalanx.web.i18n import errors, texts_for
    from phalanx.web.pages.render import language

    lang = language(request)
    own = errors.own_labels(orgs.organization(conn), lang)
    return Response(exports.decision_pdf(conn, decision_id, actor=actor,
                                         texts=texts_for(lang, own)),
                    media_type="application/pdf")


@router.post("/decisions/{decision_id}/publish", response_model=dec.DecisionOut,
             responses=problem_responses(409))
def publish(decision_id: Id, actor: Writer, db: DB) -> dec.DecisionOut:
    return dec.publish(db, decision_id, actor=actor)


@router.post("/decisions/{decision_id}/marking", response_model=dec.DecisionOut,
             responses=problem_responses(409))
def remark_decision(decision_id: Id, data: dec.DecisionMarkingIn, actor: Releaser,
                    db: DB) -> dec.DecisionOut:
    """Release an adopted decision further, or restrict one marked too widely (the
    Secretariat and the Joint Staff; with its reason, audited)."""
    return dec.remark_decision(db, decision_id, data, actor=actor)


@router.post("/decisions/{decision_id}/tasks", response_model=dec.TaskOut, status_code=201)
def add_task(decision_id: Id, data: dec.TaskIn, actor: Writer, db: DB) -> dec.TaskOut:
    return dec.add_task(db, decision_id, data, actor=actor)


@router.get("/tasks", response_model=list[dec.TaskOut])
def list_tasks(response: Response, actor: Reader, conn: Conn, overdue: bool = False,
               limit: Annotated[int, Query(ge=1, le=500)] = 100,
               offset: Offset = 0) -> list[dec.TaskOut]:
    """The tasks not done first (the soonest due first), then the done ones (the latest
    done first): a page of `limit` from `offset`; the header X-Total-Count says how many
    there are in all."""
    response.headers["X-Total-Count"] = str(dec.count_tasks(conn, actor=actor,
                                                            overdue_only=overdue))
    return dec.list_tasks(conn, actor=actor, overdue_only=overdue, limit=limit,
                          offset=offset)


class TaskUpdateIn(BaseModel):
    status: Literal["open", "in_progress", "done"]
    note: str = Field(default="", max_length=5_000)
    revision: Revision


@router.post("/tasks/{task_id}", response_model=dec.TaskOut,
             responses=problem_responses(409))
def update_task(task_id: Id, data: TaskUpdateIn, actor: Writer, db: DB) -> dec.TaskOut:
    return dec.update_task(db, task_id, data.status, data.note, data.revision, actor=actor)


@router.get("/statements/counts", response_model=dec.CountsOut)
def statement_counts(actor: Reader, conn: Conn, start: IsoDate,
                     end: IsoDate) -> dec.CountsOut:
    """Adopted decisions, joint statements and collective instructions per body, beside
    the counts the organization reported before the system (marked historical)."""
    return dec.counts(conn, actor=actor, start=start, end=end)
