"""The pages of the organization's work, for logged-in users: sessions and their
position boards, drafts, the register of decisions, the implementation tracker, the
documents, and the audit trail for auditors. Each page only calls the services."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from phalanx.domain.access.policy import Marking, Permission, StateAct, acts_for
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.consultation import Channel
from phalanx.domain.decisions.procedure import Answer, Mode, SessionKind
from phalanx.services import audit, documents
from phalanx.services import decisions as dec
from phalanx.services.errors import Invalid
from phalanx.services.registers import exercises as joint_exercises
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id, Org
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Auditor = Annotated[Principal, Depends(requires(Permission.AUDIT_READ))]


def _names(org: Org, lang: str) -> dict[str, str]:
    """Code to name of each state, in the page's language."""
    return {k: s.name.get(lang) for k, s in org.states.items()}


@router.get("/sessions", response_class=HTMLResponse)
def sessions(request: Request, actor: Reader, conn: Conn, org: Org) -> HTMLResponse:
    return render(request, "sessions.html", {
        "sessions": dec.list_meetings(conn, actor=actor),
        "bodies": [b for b in org.bodies.values() if b.seat],
        "kinds": list(SessionKind), "modes": list(Mode)})


@router.post("/sessions")
def convene(request: Request, actor: Writer, db: DB,
            body: Annotated[str, Form(max_length=64)],
            opens_at: Annotated[str, Form(max_length=40)],
            kind: Annotated[SessionKind, Form()] = SessionKind.REGULAR,
            mode: Annotated[Mode, Form()] = Mode.IN_PERSON,
            link: Annotated[str, Form(max_length=500)] = "",
            place: Annotated[str, Form(max_length=200)] = "") -> Response:
    try:
        when = datetime.fromisoformat(opens_at)
    except ValueError:
        raise Invalid("opens_at", f"{opens_at!r} is not a date and time") from None
    m = dec.convene(db, dec.MeetingIn(body=body, kind=kind, mode=mode, link=link or None,
                                      place=place, opens_at=when.replace(tzinfo=when.tzinfo
                                                                         or UTC)),
                    actor=actor)
    return RedirectResponse(f"/sessions/{m.id}", status_code=303)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session(request: Request, session_id: Id, actor: Reader, conn: Conn,
            org: Org) -> HTMLResponse:
    m = dec.get_meeting(conn, session_id, actor=actor)
    drafts = [dec.get_draft(conn, d, actor=actor) for d in m.drafts]
    lang = language(request)
    formations = [{"key": f["key"], "name": (f.get("name") or {}).get(lang) or f["key"]}
                  for f in org.forces.get("formations", [])]
    return render(request, "session.html", {"m": m, "drafts": drafts,
                                            "states": _names(org, lang), "body": org.bodies[m.body],
                                            "measures": [x.value for x in Measure],
                                            "formations": formations})


@router.get("/sessions/{session_id}/board", response_class=HTMLResponse)
def session_board(request: Request, session_id: Id, actor: Reader, conn: Conn,
                  org: Org) -> HTMLResponse:
    m = dec.get_meeting(conn, session_id, actor=actor)
    drafts = [dec.get_draft(conn, d, actor=actor) for d in m.drafts]
    return render(request, "_session_board.html", {"m": m, "drafts": drafts,
                                                   "states": _names(org, language(request))})


@router.post("/sessions/{session_id}/attendance")
def attendance(session_id: Id, actor: Writer, db: DB, state: Annotated[str, Form(max_length=3)],
               present: Annotated[bool, Form()] = False) -> Response:
    dec.record_attendance(db, session_id, state, present, actor=actor)
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.post("/sessions/{session_id}/drafts")
def table_draft(session_id: Id, actor: Writer, db: DB, conn: Conn,
                title: Annotated[str, Form(max_length=300)],
                text_en: Annotated[str, Form(max_length=200_000)],
                text_ru: Annotated[str, Form(max_length=200_000)] = "",
                measures: Annotated[list[Measure] | None, Form()] = None,
                formations: Annotated[list[str] | None, Form()] = None,
                period_days: Annotated[int | None, Form(ge=1, le=3650)] = None) -> Response:
    m = dec.get_meeting(conn, session_id, actor=actor)
    d = dec.propose_draft(db, dec.DraftIn(body=m.body, meeting_id=session_id, title=title,
                                          text_en=text_en, text_ru=text_ru,
                                          marking=m.marking, measures=measures or [],
                                          formations=formations or [],
                                          period_days=period_days),
                          actor=actor)
    return RedirectResponse(f"/drafts/{d.id}", status_code=303)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def draft(request: Request, draft_id: Id, actor: Reader, conn: Conn,
          org: Org) -> HTMLResponse:
    d = dec.get_draft(conn, draft_id, actor=actor)
    return render(request, "draft.html", {"d": d,
                                          "may_chair": bool(d.chair) and acts_for(
                                              actor, d.chair or "", StateAct.CHAIR),
                                          "states": _names(org, language(request)),
                                          "positions": list(Position),
                                          "channels": list(Channel),
                                          "now": datetime.now(UTC)})


@router.get("/drafts/{draft_id}/board", response_class=HTMLResponse)
def draft_board(request: Request, draft_id: Id, actor: Reader, conn: Conn,
                org: Org) -> HTMLResponse:
    return render(request, "_board.html", {"d": dec.get_draft(conn, draft_id, actor=actor),
                                           "states": _names(org, language(request))})


@router.post("/drafts/{draft_id}/position")
def position(request: Request, draft_id: Id, actor: Writer, db: DB,
             position: Annotated[Position, Form()],
             statement: Annotated[str, Form(max_length=10_000)] = "",
             state: Annotated[str | None, Form(max_length=3)] = None) -> Response:
    dec.state_position(db, draft_id, position, statement, state or None, actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/close")
def close(draft_id: Id, actor: Writer, db: DB) -> Response:
    dec.close_draft(db, draft_id, actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


@router.post("/drafts/{draft_id}/sign")
def sign(draft_id: Id, actor: Writer, db: DB,
         answer: Annotated[Answer, Form()] = Answer.SIGN,
         reservation: Annotated[str, Form(max_length=10_000)] = "") -> Response:
    dec.sign(db, draft_id, answer=answer, reservation=reservation, actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/consultation")
def consultation_answer(draft_id: Id, actor: Writer, db: DB,
                        state: Annotated[str, Form(max_length=3)],
                        position: Annotated[Position, Form()],
                        given_at: Annotated[str, Form(max_length=40)],
                        channel: Annotated[Channel, Form()] = Channel.TELEPHONE,
                        given_by: Annotated[str, Form(max_length=300)] = "",
                        note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """The chair records a head of state's answer (the time as entered, in UTC)."""
    try:
        when = datetime.fromisoformat(given_at)
    except ValueError:
        raise Invalid("given_at", f"{given_at!r} is not a date and time") from None
    dec.record_answer(db, draft_id, dec.ConsultationAnswerIn(
        state=state, position=position, given_at=when.replace(tzinfo=when.tzinfo or UTC),
        channel=channel, given_by=given_by, note=note), actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/announce")
def announce(draft_id: Id, actor: Writer, db: DB) -> Response:
    dec.announce(db, draft_id, actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.get("/decisions", response_class=HTMLResponse)
def decisions(request: Request, actor: Reader, conn: Conn, org: Org,
              body: Annotated[str | None, Query(max_length=64)] = None,
              year: Annotated[int | None, Query(ge=1990, le=2200)] = None) -> HTMLResponse:
    return render(request, "decisions.html", {
        "decisions": dec.list_decisions(conn, actor=actor, body=body or None, year=year),
        "bodies": org.bodies, "body": body, "year": year})


@router.get("/tasks", response_class=HTMLResponse)
def tasks(request: Request, actor: Reader, conn: Conn, overdue: bool = False) -> HTMLResponse:
    return render(request, "tasks.html", {
        "tasks": dec.list_tasks(conn, actor=actor, overdue_only=overdue), "overdue": overdue,
        "findings": [f for f in joint_exercises.findings(conn, actor=actor, open_only=True)
                     if f.overdue or not overdue],
        "today": date.today()})


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, actor: Reader, conn: Conn,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   marking: Marking | None = None) -> HTMLResponse:
    items, total = documents.search(conn, actor=actor, q=q or None, marking=marking,
                                    limit=200)
    stats = documents.stats(conn, actor=actor)
    return render(request, "documents.html", {"items": items, "total": total, "q": q or "",
                                              "marking": marking, "markings": list(Marking),
                                              "stats": stats})


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, actor: Auditor, conn: Conn, db: DB,
               who: Annotated[str | None, Query(alias="actor", max_length=64)] = None,
               action: Annotated[str | None, Query(max_length=64)] = None,
               verify: bool = False,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    items, total = audit.search(conn, audit.AuditFilter(
        actor=who or None, action=action or None, limit=100, offset=(page - 1) * 100),
        actor=actor)
    verdict = audit.verify_installation(db, request.app.state.settings,
                                        request.app.state.audit_key) if verify else None
    return render(request, "audit.html", {"items": items, "total": total, "who": who or "",
                                          "action": action or "", "verdict": verdict,
                                          "page": page})
