"""The register of decisions: a page at a time, or those in force on a day with each
one's status and history; a decision's own address (its draft's page, where its life is
shown; a decision released further than its draft: its own page); the Secretariat's
publication, its re-marking and its record of a member's notification."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Marking, Permission
from phalanx.domain.access.principal import Principal
from phalanx.services import decisions as dec
from phalanx.services.errors import Conflict, Invalid
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, FormDay, FormYear, Id, IsoDate, Org
from phalanx.web.i18n import LANGUAGES
from phalanx.web.pages.drafts import draft_page, formation_names, refusal, state_names
from phalanx.web.pages.render import language, pager, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Releaser = Annotated[Principal, Depends(requires(Permission.RECORDS_RELEASE))]

DECISIONS_PAGE = 100  # decisions on a page of the register (setting)


@router.get("/decisions", response_class=HTMLResponse)
def decisions(request: Request, actor: Reader, conn: Conn, org: Org,
              body: Annotated[str | None, Query(max_length=64)] = None,
              year: FormYear = None, exercise: bool = False,
              in_force_on: FormDay = None,
              page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """The register, a page at a time; the filter form's empty year is any year, its
    day (`in_force_on`) keeps the decisions in force that day, each with its status and
    history on it. The exercises' decisions are a register of their own (`exercise`),
    never mixed."""
    return _decisions_page(request, conn, org, actor, body, year,
                           page=page, exercise=exercise, in_force_on=in_force_on)


def _decisions_page(request: Request, conn: Conn, org: Org, actor: Principal,
                    body: str | None = None, year: int | None = None,
                    refused: dict[str, Any] | None = None,
                    status_code: int = 200, page: int = 1,
                    exercise: bool = False, in_force_on: date | None = None) -> HTMLResponse:
    """The register; after a step the services refused, with the message beside that
    decision (`refused`: its `id` and `message`; a re-marking's, its form as sent:
    `remark`)."""
    lang = language(request)
    offset = (page - 1) * DECISIONS_PAGE
    shown = dec.list_decisions(conn, actor=actor, body=body or None, year=year,
                               exercise=exercise, limit=DECISIONS_PAGE, offset=offset,
                               in_force_on=in_force_on)
    total = dec.count_decisions(conn, actor=actor, body=body or None, year=year,
                                exercise=exercise, in_force_on=in_force_on)
    query = urlencode({k: v for k, v in (
        ("body", body), ("year", year), ("exercise", "true" if exercise else None),
        ("in_force_on", in_force_on.isoformat() if in_force_on else None)) if v})
    query += "&" if query else ""
    return render(request, "decisions.html", {
        "decisions": shown,
        **pager(lambda n: f"/decisions?{query}page={n}", page, DECISIONS_PAGE, len(shown),
                total),
        "bodies": org.bodies, "body": body, "year": year, "states": state_names(org, lang),
        "exercise": exercise, "in_force_on": in_force_on,
        "formation_names": formation_names(org, lang), "publish_error": refused or {}},
        status_code=status_code)


@router.get("/decisions/{decision_id}")
def decision(request: Request, decision_id: Id, actor: Reader, conn: Conn,
             org: Org) -> Response:
    """A decision's address: its draft's page, where the decision, its status and its
    history are shown; for a reader of the decision that may not read its draft (a member
    it was sent to for consideration, or a reader of a decision released further than its
    draft: published, or re-marked for its state), the decision's own page: its text,
    outcome and life (a decision the reader may not read: not found)."""
    d = dec.get_decision(conn, decision_id, actor=actor)
    lang = language(request)
    if dec.reads_draft(conn, d.draft_id, actor=actor):
        # in the language asked for, if one was (`?lang=`: a redirect sets no cookie)
        asked = f"?lang={lang}" if request.query_params.get("lang") in LANGUAGES else ""
        return RedirectResponse(f"/drafts/{d.draft_id}{asked}#decision-life",
                                status_code=303)
    return render(request, "decision.html", {
        "d": d, "bodies": org.bodies, "states": state_names(org, lang),
        "formation_names": formation_names(org, lang)})


@router.post("/decisions/{decision_id}/publish")
def publish(request: Request, decision_id: Id, actor: Writer, db: DB, conn: Conn,
            org: Org) -> Response:
    """The Secretariat publishes an adopted decision: it becomes public; refused (a
    limited-format decision), the register comes back with the message beside it."""
    try:
        dec.publish(db, decision_id, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return _decisions_page(request, conn, org, actor,
                               refused={"id": decision_id, "message": message},
                               status_code=status)
    return RedirectResponse(f"/decisions#decision-{decision_id}", status_code=303)


@router.post("/decisions/{decision_id}/marking")
def remark(request: Request, decision_id: Id, actor: Releaser, db: DB, conn: Conn,
           org: Org, marking: Annotated[Marking, Form()],
           reason: Annotated[str, Form(max_length=2000)] = "",
           participants: Annotated[str, Form(max_length=400)] = "",
           observers: Annotated[bool, Form()] = False) -> Response:
    """The staff release a decision further or restrict it, with its reason (the states
    by their codes, separated by spaces or commas); refused, the register comes back with
    the message beside that decision."""
    states = sorted({s.strip().upper() for s in participants.replace(",", " ").split()})
    try:
        dec.remark_decision(db, decision_id, dec.DecisionMarkingIn(
            marking=marking, participants=states, observers=observers, reason=reason),
            actor=actor)
    except (Invalid, Conflict, ValidationError) as exc:
        message, status = refusal(exc, language(request), org)
        # the refusal inside the re-marking form, with the form as it was sent
        return _decisions_page(request, conn, org, actor, refused={
            "id": decision_id, "message": message, "remark": {
                "marking": marking.value, "participants": participants,
                "observers": observers, "reason": reason}}, status_code=status)
    return RedirectResponse(f"/decisions#decision-{decision_id}", status_code=303)


@router.post("/decisions/{decision_id}/notifications")
def record_notification(request: Request, decision_id: Id, actor: Writer, db: DB,
                        conn: Conn, org: Org,
                        state: Annotated[str, Form(min_length=3, max_length=3)],
                        on: Annotated[IsoDate, Form()]) -> Response:
    """The Secretariat records a bound member's notification from the decision's page
    (its draft's); refused, that page comes back with the message beside the form and the
    member and the day as chosen."""
    try:
        d = dec.record_notification(db, decision_id, state, on, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        decision = dec.get_decision(conn, decision_id, actor=actor)
        return draft_page(request, conn, org, actor,
                          dec.get_draft(conn, decision.draft_id, actor=actor),
                          {"notification_error": message,
                           "notification_form": {"state": state, "on": on.isoformat()}},
                          status)
    return RedirectResponse(f"/drafts/{d.draft_id}#decision-life", status_code=303)


@router.post("/decisions/{decision_id}/joining")
def declare_joining(request: Request, decision_id: Id, actor: Writer, db: DB,
                    conn: Conn, org: Org,
                    state: Annotated[str, Form(min_length=3, max_length=3)],
                    joins: Annotated[bool, Form()],
                    on: Annotated[IsoDate, Form()],
                    note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The Secretariat records that a member joins the decision later, or declares it
    does not (or the member's representative declares it in its name), from the
    decision's page; refused, that page comes back with the message beside the form and
    the declaration as sent."""
    try:
        dec.declare_joining(db, decision_id, state, joins, on, note=note, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        decision = dec.get_decision(conn, decision_id, actor=actor)
        extra = {"joining_error": message, "joining_form": {
            "state": state, "joins": "true" if joins else "false", "on": on.isoformat(),
            "note": note}}
        if dec.reads_draft(conn, decision.draft_id, actor=actor):
            return draft_page(request, conn, org, actor,
                              dec.get_draft(conn, decision.draft_id, actor=actor), extra,
                              status)
        lang = language(request)
        return render(request, "decision.html", {
            "d": decision, "bodies": org.bodies, "states": state_names(org, lang),
            "formation_names": formation_names(org, lang), **extra}, status_code=status)
    return RedirectResponse(f"/decisions/{decision_id}", status_code=303)
