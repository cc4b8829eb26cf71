"""The crisis response system under /api/v1/crises."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.services import (
    crises,
    crisis_drafts,
    crisis_letter,
    crisis_obligations,
    crisis_requests,
    distributions,
    watch,
)
from phalanx.services import organization as orgs
from phalanx.services.crises.schemas import CrisisDraftOut, DraftTieIn, DraftUntieIn
from phalanx.services.types import RecordId, Revision
from phalanx.web.auth import Reader, Writer
from phalanx.web.deps import DB, Conn, Id, Offset, Precondition
from phalanx.web.problem_document import problem_responses

router = APIRouter(tags=["crises"])


@router.get("/crises", response_model=list[crises.CrisisOut])
def board(response: Response, actor: Reader, conn: Conn, closed: bool = False,
          exercise: Annotated[bool, Query(description=(
              "the exercises' crises instead of the real ones (never mixed: a national "
              "system polling the real crises gets no exercise's)"))] = False,
          state: Annotated[str | None, Query(
              pattern=r"^[A-Z]{3}$",
              description="a state, affected or named as the other party")] = None,
          year: Annotated[int | None, Query(ge=1992, le=2100,
                                            description="the year it was reported in, where "
                                                        "the Secretariat sits")] = None,
          stage: Stage | None = None,
          changed_after: Annotated[int | None, Query(ge=0, le=2**62, description=(
              "only the crises changed after this cursor (the X-Change-Cursor of an "
              "earlier answer), the ended ones too"))] = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Offset = 0) -> list[crises.CrisisOut]:
    """Open real crises (an exercise's with `exercise=true`), most urgent first
    (severity, then overdue time); with `closed`, the ended ones after them, the latest
    reported first. A page of `limit` from `offset`;
    the header X-Total-Count says how many there are in all.

    The header X-Change-Cursor says where the changes stand (of the crises the reader
    may read); the next poll with `changed_after` set to it answers only the crises
    changed since (opened, a stage, a timeline entry, a sitrep, an offer, an answer...),
    none missed, however the writes interleave."""
    response.headers["X-Change-Cursor"] = str(crises.change_cursor(conn, actor=actor))
    where = crises.BoardFilter(state=state, year=year, stage=stage,
                               changed_after=changed_after)
    response.headers["X-Total-Count"] = str(crises.board_total(
        conn, actor=actor, include_closed=closed, exercise=exercise, where=where))
    return crises.board(conn, actor=actor, include_closed=closed, exercise=exercise,
                        where=where, limit=limit, offset=offset)


@router.post("/crises", response_model=crises.CrisisOut, status_code=201)
def open_crisis(data: crises.CrisisIn, actor: Writer, db: DB) -> crises.CrisisOut:
    return crises.open_crisis(db, data, actor=actor)


@router.post("/crises/cap", response_model=crises.CrisisOut | distributions.DistributionOut,
             status_code=201,
             openapi_extra={"requestBody": {"content": {"application/xml": {}}}})
async def import_cap(request: Request, actor: Writer, db: DB,
                     affected: Annotated[list[str], Query(min_length=1, max_length=20)],
                     category: Annotated[str | None, Query(max_length=64)] = None
                     ) -> crises.CrisisOut | distributions.DistributionOut:
    """Open a crisis from an OASIS CAP 1.2 (or 1.1, 1.0) alert sent as the body, or
    change the one an Update or Cancel references; the answer is that crisis (a message
    already received answers with the crisis it opened). A message that opens or changes
    no crisis (Draft, Test, System, Ack, Error, a reference to nothing received here, one
    already received that opened none) is refused with 422 and nothing is stored:
    `POST /api/v1/alerts` takes any message.

    The body may also be an EDXL-DE 1.0 distribution, as national systems send several
    alerts at once: its embedded alerts are received in one transaction, in the
    envelope's order, each of which must open or change a crisis as above. If one would
    not, or one is invalid, the whole envelope is refused (422, `application/problem+json`
    naming the contentObject, the element and the line) and nothing is stored. Taken, the
    answer is `{"distribution": true, "received": [...], "warnings": [...]}`: each
    embedded alert's record, whether it was a duplicate, and its crisis, in the
    envelope's order; a contentObject without an alert is skipped with a warning."""
    data = await request.body()
    from starlette.concurrency import run_in_threadpool

    from phalanx.services import alerts

    return await run_in_threadpool(crises.import_cap_upload, db, data,
                                   [a.upper() for a in affected], actor=actor,
                                   category=category,
                                   **alerts.trust_settings(request.app.state.settings))


@router.get("/crises/{crisis_id}", response_model=crises.CrisisOut)
def get_crisis(crisis_id: Id, actor: Reader, conn: Conn) -> crises.CrisisOut:
    """The crisis room: stage and clocks, scorecard, timeline, requests, offers and gaps,
    situation reports."""
    return crises.get(conn, crisis_id, actor=actor)


@router.get("/crises/{crisis_id}/cap.xml", response_class=Response,
            responses={200: {"content": {"application/cap+xml": {}}}})
def export_cap(crisis_id: Id, actor: Reader, conn: Conn, request: Request) -> Response:
    """The crisis as a CAP 1.2 alert (its `web`: the crisis's page at PHALANX_PUBLIC_URL)."""
    return Response(crises.export_cap(conn, crisis_id, actor=actor,
                                      public_url=request.app.state.settings.public_url),
                    media_type="application/cap+xml")


class TransitionIn(BaseModel):
    to: Stage
    reason: str = Field(default="", max_length=5000)
    review: str = Field(default="", max_length=50_000)
    revision: Revision | None = None


@router.post("/crises/{crisis_id}/transition", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def transition(crisis_id: Id, data: TransitionIn, actor: Writer,
               db: DB) -> crises.CrisisOut:
    """Move the crisis along the algorithm; a 409 says every reason it may not."""
    return crises.transition(db, crisis_id, data.to, actor=actor, reason=data.reason,
                             review=data.review, revision=data.revision)


@router.post("/crises/{crisis_id}/exercise-end", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def end_exercise(crisis_id: Id, data: crises.ExerciseEndIn, actor: Writer,
                 db: DB) -> crises.CrisisOut:
    """End an exercise (`how`: `ended`, ENDEX, its record kept for the after-action
    review) or cancel one started in error (`cancelled`, with its `reason`): its crisis
    closed or rejected whatever its stage, its open sessions and drafts closed, its unread
    notices withdrawn, its clocks stopped; audited (`exercise.end`). A real crisis, or an
    exercise already over, is a 409."""
    return crises.end_exercise(db, crisis_id, data, actor=actor)


class ConsultationsIn(BaseModel):
    body: str | None = Field(default=None, max_length=64, description=(
        "the body that consults, one of those the crisis's category names (`convene`); "
        "absent: the first of them that holds emergency or extraordinary sessions"))


@router.post("/crises/{crisis_id}/consultations", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def consultations(crisis_id: Id, actor: Writer, db: DB,
                  data: ConsultationsIn | None = None) -> crises.CrisisOut:
    """Convene emergency consultations (Treaty art. 2) and enter that stage: of the first
    body the crisis's category names, or of the one of them `body` names (422 if the
    category names no such body)."""
    return crises.convene_consultations(db, crisis_id, actor=actor,
                                        body=data.body if data else None)


class DecisionLinkIn(BaseModel):
    decision_id: RecordId
    # optional: if given, it must be what the decision adopted (it is never typed here)
    authorizes: list[Measure] = Field(default_factory=list)


@router.post("/crises/{crisis_id}/decision", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def link_decision(crisis_id: Id, data: DecisionLinkIn, actor: Writer,
                  db: DB) -> crises.CrisisOut:
    """Attach the decision that authorizes the response; a 409 names each condition it
    fails (a decision, of a competent body, after the crisis and the request, binding the
    affected state, of the same exercise flag)."""
    return crises.link_decision(db, crisis_id, data.decision_id, data.authorizes or None,
                                actor=actor)


class SessionIn(BaseModel):
    opens_at: datetime
    body: str | None = Field(default=None, max_length=64)
    kind: SessionKind = SessionKind.EXTRAORDINARY
    mode: Mode | None = Field(default=None, description=(
        "absent: by video conference where the body may meet so on the day it opens, "
        "else in person"))
    link: str = Field(default="", max_length=500)


@router.post("/crises/{crisis_id}/sessions", response_model=crises.CrisisOut, status_code=201,
             responses=problem_responses(409))
def convene_session(crisis_id: Id, data: SessionIn, actor: Writer,
                    db: DB) -> crises.CrisisOut:
    """Another session on the crisis (extraordinary, by video): as many as it needs."""
    return crises.convene_session(db, crisis_id, actor=actor, opens_at=data.opens_at,
                                  body=data.body, kind=data.kind, mode=data.mode,
                                  link=data.link)


@router.put("/crises/{crisis_id}/obligations/{state}",
             response_model=list[crisis_obligations.LineOut],
             responses=problem_responses(409, 412))
def answer_obligation(crisis_id: Id, state: Annotated[str, Path(pattern=r"^[A-Z]{3}$")],
                      data: crisis_obligations.ObligationIn, actor: Writer,
                      db: DB, expect: Precondition) -> list[crisis_obligations.LineOut]:
    """A member's answer to the art. 4 obligation: forces or means, other assistance, or
    declined with its reason. The latest answer counts: send the state's line's `version`
    as If-Match (or If-None-Match: * for a first answer), so that an answer given
    meanwhile (in the crisis room, by another system) is not replaced unseen (412)."""
    return crisis_obligations.answer(db, crisis_id, state, data, actor=actor, expect=expect)


class NoticeSentIn(BaseModel):
    reference: str = Field(default="", max_length=300)


@router.post("/crises/{crisis_id}/un-notice/sent", response_model=crisis_obligations.NoticeOut,
             responses=problem_responses(409))
def un_notice_sent(crisis_id: Id, data: NoticeSentIn, actor: Writer,
                   db: DB) -> crisis_obligations.NoticeOut:
    """Record the notice to the UN Security Council as sent."""
    return crisis_obligations.mark_sent(db, crisis_id, data.reference, actor=actor)


@router.get("/crises/{crisis_id}/un-letter.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **problem_responses(404, 409)})
def un_letter(crisis_id: Id, actor: Reader, conn: Conn,
              lang: Annotated[str, Query(pattern="^(en|ru)$")] = "en") -> Response:
    """The letter to the UN Security Council, in English or Russian."""
    from phalanx.web.i18n import errors, texts_for

    own = errors.own_labels(orgs.organization(conn), lang)
    return Response(crisis_letter.letter_pdf(conn, crisis_id, actor=actor,
                                             texts=texts_for(lang, own)),
                    media_type="application/pdf")


@router.post("/crises/{crisis_id}/official-requests",
             response_model=crisis_requests.OfficialRequestOut, status_code=201)
def record_official_request(crisis_id: Id, data: crisis_requests.OfficialRequestIn,
                            actor: Writer, db: DB) -> crisis_requests.OfficialRequestOut:
    """Record the affected state's official request: who, when, under which article,
    what it asks. Military measures on a member's territory answer such a request."""
    return crisis_requests.record_request(db, crisis_id, data, actor=actor)


@router.post("/crises/{crisis_id}/official-requests/{request_id}/withdrawal",
             response_model=crisis_requests.OfficialRequestOut, responses=problem_responses(409))
def withdraw_official_request(crisis_id: Id, request_id: Id,
                              data: crisis_requests.WithdrawalIn, actor: Writer,
                              db: DB) -> crisis_requests.OfficialRequestOut:
    """The requesting state withdraws its official request (the host state ends the
    mission), at a time and with an optional reason; only whoever acts for that state may.
    From then on it covers no new decision, measure or deployment; 409 when it is
    withdrawn already or the crisis is finished."""
    return crisis_requests.withdraw_request(db, crisis_id, request_id, data, actor=actor)


@router.post("/crises/{crisis_id}/drafts", response_model=list[CrisisDraftOut],
             status_code=201, responses=problem_responses(403, 404, 409))
def tie_draft(crisis_id: Id, data: DraftTieIn, actor: Writer,
              db: DB) -> list[CrisisDraftOut]:
    """The Secretariat ties an existing draft (tabled at any session, in writing, in
    silence or by consultation) to the crisis's file, saying why; the answer is the file's
    drafts the reader may read. 409 when it is in the file already, or when one is an
    exercise's and the other not; 404 for a draft the reader may not read."""
    return crisis_drafts.tie(db, crisis_id, data.draft_id, data.reason, actor=actor)


@router.post("/crises/{crisis_id}/drafts/{draft_id}/untie",
             response_model=list[CrisisDraftOut], responses=problem_responses(403, 404, 409))
def untie_draft(crisis_id: Id, draft_id: Id, data: DraftUntieIn, actor: Writer,
                db: DB) -> list[CrisisDraftOut]:
    """The Secretariat takes out of the crisis's file a draft named or tied to it by hand,
    saying why; 409 for one tabled in a session on the crisis or whose decision the
    crisis names (it stays), or one not in the file."""
    return crisis_drafts.untie(db, crisis_id, draft_id, data.reason, actor=actor)


@router.post("/crises/{crisis_id}/response", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def set_response(crisis_id: Id, data: crises.ResponseIn, actor: Writer,
                 db: DB) -> crises.CrisisOut:
    """The measures and the facts the guards need; 409 once they would break a guard of a
    response under way, or for a finished crisis."""
    return crises.set_response(db, crisis_id, data, actor=actor)


@router.post("/crises/{crisis_id}/requests", response_model=crises.CrisisOut, status_code=201)
def request_assistance(crisis_id: Id, data: crises.RequestIn, actor: Writer,
                       db: DB) -> crises.CrisisOut:
    return crises.request_assistance(db, crisis_id, data, actor=actor)


@router.post("/requests/{request_id}/offers", response_model=crises.CrisisOut,
             status_code=201)
def offer(request_id: Id, data: crises.OfferIn, actor: Writer, db: DB) -> crises.CrisisOut:
    return crises.offer_assistance(db, request_id, data, actor=actor)


class OfferDecisionIn(BaseModel):
    accept: bool


@router.post("/offers/{offer_id}/decision", response_model=crises.CrisisOut,
             responses=problem_responses(409))
def decide_offer(offer_id: Id, data: OfferDecisionIn, actor: Writer,
                 db: DB) -> crises.CrisisOut:
    return crises.decide_offer(db, offer_id, data.accept, actor=actor)


@router.post("/crises/{crisis_id}/sitreps", response_model=crises.CrisisOut, status_code=201)
def sitrep(crisis_id: Id, data: crises.SitrepIn, actor: Writer,
           db: DB) -> crises.CrisisOut:
    return crises.add_sitrep(db, crisis_id, data, actor=actor)


@router.get("/watch", response_model=list[watch.WatchOut])
def watch_list(actor: Reader, conn: Conn, due: bool = False) -> list[watch.WatchOut]:
    """The Secretariat's watch list; `due=true`: the items whose review is due."""
    return watch.listing(conn, actor=actor, due_only=due)


@router.post("/watch", response_model=watch.WatchOut, status_code=201)
def add_watch(data: watch.WatchIn, actor: Writer, db: DB) -> watch.WatchOut:
    return watch.add(db, data, actor=actor)


class ReviewIn(BaseModel):
    risk: watch.Risk
    note: str = Field(default="", max_length=20_000)


@router.post("/watch/{watch_id}/review", response_model=watch.WatchOut,
             responses=problem_responses(409))
def review_watch(watch_id: Id, data: ReviewIn, actor: Writer, db: DB) -> watch.WatchOut:
    return watch.review(db, watch_id, data.risk, data.note, actor=actor)


class EscalateIn(BaseModel):
    affected: list[str] = Field(min_length=1, max_length=20)
    severity: crises.Severity = "severe"


@router.post("/watch/{watch_id}/escalate", response_model=crises.CrisisOut, status_code=201,
             responses=problem_responses(409))
def escalate_watch(watch_id: Id, data: EscalateIn, actor: Writer,
                   db: DB) -> crises.CrisisOut:
    """Escalate a watched situation into a crisis."""
    return watch.escalate(db, watch_id, data.affected, actor=actor, severity=data.severity)


@router.get("/crises/{crisis_id}/report.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(request: Request, crisis_id: Id, actor: Reader, conn: Conn) -> Response:
    """The situation report: stage and clocks, scorecard, assistance and gaps, reports,
    timeline; marked with its classification (and EXERCISE); in the reader's language
    (`?lang=`, else the `lang` cookie, else the installation's default)."""
    from phalanx.web.i18n import errors, texts_for
    from phalanx.web.pages.render import language

    lang = language(request)
    own = errors.own_labels(orgs.organization(conn), lang)
    return Response(crises.report_pdf(conn, crisis_id, actor=actor,
                                      texts=texts_for(lang, own)),
                    media_type="application/pdf")
