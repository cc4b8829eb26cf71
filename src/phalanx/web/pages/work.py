"""The pages of the organization's work, for logged-in users: sessions and their
position boards, drafts, the implementation tracker, the documents, and the audit trail
for auditors (the register of decisions: `decisions.py`). Each page only calls the services."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain import calendar, membership, rotation
from phalanx.domain.access.policy import Marking, Permission
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions import procedure, silence
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.services import audit, clock, crisis_drafts, documents
from phalanx.services import decisions as dec
from phalanx.services import session_record as session_record_pdf
from phalanx.services.errors import Conflict, DayOff, Invalid, NotFound
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, FormYear, Id, Org
from phalanx.web.i18n import moment_text, texts_for, translator, weekday
from phalanx.web.pages.drafts import formation_names, no_text, refusal, state_names
from phalanx.web.pages.life_form import LifeForm
from phalanx.web.pages.render import (
    language,
    moment,
    pager,
    render,
    seat_moment,
)

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Auditor = Annotated[Principal, Depends(requires(Permission.AUDIT_READ))]
AUDIT_PAGE = 100  # entries of the audit trail on a page (setting)


SESSIONS_PAGE = 100  # sessions on a page of the list (setting)


@router.get("/sessions", response_class=HTMLResponse)
def sessions(request: Request, actor: Reader, conn: Conn, org: Org,
             year: FormYear = None, exercise: bool = False,
             page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    return _sessions_page(request, conn, org, actor, year=year, page=page,
                          exercise=exercise)


def _sessions_page(request: Request, conn: Conn, org: Org, actor: Principal,
                   written: dict[str, Any] | None = None, error: str = "",
                   status_code: int = 200, *, convene: dict[str, Any] | None = None,
                   convene_error: str = "", year: int | None = None,
                   page: int = 1, exercise: bool = False) -> HTMLResponse:
    """The sessions, the latest first, a page at a time (of a year, if asked), the form
    to convene one and the form to circulate a draft under the written procedure; after
    a session or a draft the services refused, with the message beside that form and
    what was typed in it. The exercises' sessions are a register of their own
    (`exercise`), as their decisions are."""
    offset = (page - 1) * SESSIONS_PAGE
    shown = dec.list_meetings(conn, actor=actor, year=year, limit=SESSIONS_PAGE,
                              offset=offset, exercise=exercise)
    total = dec.count_meetings(conn, actor=actor, year=year, exercise=exercise)
    query = (f"year={year}&" if year else "") + ("exercise=true&" if exercise else "")
    return render(request, "sessions.html", {
        "sessions": shown, "year": year, "exercise": exercise,
        **pager(lambda n: f"/sessions?{query}page={n}", page, SESSIONS_PAGE, len(shown),
                total),
        "bodies": [b for b in org.bodies.values() if b.seat],
        "kinds": list(SessionKind), "modes": list(Mode),
        "questions": _questions(b for b in org.bodies.values() if b.seat),
        "written": written or {}, "written_error": error,
        "silence": any(silence.questions(b.rules) for b in org.bodies.values()),
        "convene": convene or {}, "convene_error": convene_error,
        "crisis_choices": crisis_drafts.choices(conn, actor=actor, exercise=False)},
        status_code=status_code)


@router.post("/sessions")
def convene(request: Request, actor: Writer, db: DB, conn: Conn, org: Org,
            body: Annotated[str, Form(max_length=64)],
            opens_at: Annotated[str, Form(max_length=40)],
            kind: Annotated[SessionKind, Form()] = SessionKind.REGULAR,
            mode: Annotated[Mode, Form()] = Mode.IN_PERSON,
            link: Annotated[str, Form(max_length=500)] = "",
            place: Annotated[str, Form(max_length=200)] = "") -> Response:
    """Convene a session; refused (a kind of session the body does not hold, a video
    conference without its link), the sessions page comes back with the message beside
    the form and the choices kept."""
    form = {"body": body, "kind": kind.value, "mode": mode.value, "link": link,
            "opens_at": opens_at, "place": place}
    try:
        when = moment(opens_at)
        if when is None:
            raise Invalid("opens_at", f"{opens_at!r} is not a date and time")
        m = dec.convene(db, dec.MeetingIn(body=body, kind=kind, mode=mode, link=link or None,
                                          place=place, opens_at=when), actor=actor)
    except (Invalid, Conflict, ValidationError) as exc:
        message, status = refusal(exc, language(request), org)
        return _sessions_page(request, conn, org, actor, status_code=status, convene=form,
                              convene_error=message)
    return RedirectResponse(f"/sessions/{m.id}", status_code=303)


def _crisis_named(value: str) -> int | None:
    """The crisis a draft's form names as its subject (its id; empty: none)."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise Invalid("crisis_id", f"{value.strip()} is not a number")
    return int(value)


@router.post("/written")
def circulate(request: Request, actor: Writer, db: DB, conn: Conn, org: Org,
              body: Annotated[str, Form(max_length=64)],
              title: Annotated[str, Form(max_length=300)],
              deadline: Annotated[str, Form(max_length=40)],
              text_en: Annotated[str, Form(max_length=200_000)] = "",
              text_ru: Annotated[str, Form(max_length=200_000)] = "",
              title_ru: Annotated[str, Form(max_length=300)] = "",
              question: Annotated[str, Form(max_length=32)] = "default",
              day_off_ok: Annotated[bool, Form()] = False,
              by: Annotated[Literal["written", "silence"], Form(alias="procedure")] = "written",
              crisis: Annotated[str, Form(alias="crisis_id", max_length=12)] = ""
              ) -> Response:
    """Circulate a draft under the written procedure (every member of the body with a say
    on the day signs in turn, by the deadline, UTC) or the silence procedure (adopted at
    the deadline unless a member breaks silence); refused, the sessions page comes back
    with the message beside the form and the input kept. A deadline falling on a day off
    where the Secretariat sits (settings `working_time_zone`, `days_off`) is kept only
    once confirmed: the form comes back saying so, with the box to tick."""
    form = {"body": body, "title": title, "title_ru": title_ru, "text_en": text_en,
            "text_ru": text_ru, "deadline": deadline, "question": question,
            "procedure": by, "crisis_id": crisis}
    try:
        when = moment(deadline)
        if when is None:
            raise Invalid("deadline", f"{deadline!r} is not a date and time")
        d = dec.propose_draft(db, dec.DraftIn(body=body, procedure=by, title=title,
                                              title_ru=title_ru, question=question,
                                              text_en=text_en, text_ru=text_ru,
                                              deadline=when, deadline_on_day_off=day_off_ok,
                                              crisis_id=_crisis_named(crisis)),
                              actor=actor)
    except DayOff as off:
        lang = language(request)
        _ = translator(lang)
        local = seat_moment(off.zone, off.local, lang, org.text_in(lang)) \
            or f"{moment_text(off.local.replace(tzinfo=None), lang)} UTC"
        last = procedure.deadline_day(off.local)
        message = _("The deadline falls on a day off where the Secretariat sits "
                    "(%(local)s): choose a working day, or tick “Keep the deadline on a "
                    "day off”.", local=local) if last == off.local.date() else _(
            # 00:00 sharp ends the day before: that day is the day off, not the date shown
            "The deadline falls on a day off where the Secretariat sits (%(local)s; the "
            "last day to answer is %(weekday)s): choose a working day, or tick “Keep the "
            "deadline on a day off”.", local=local, weekday=weekday(last, lang))
        return _sessions_page(request, conn, org, actor, {**form, "day_off": True},
                              message, 422)
    except (Invalid, Conflict, NotFound, ValidationError) as exc:
        message, status = refusal(exc, language(request), org)
        return _sessions_page(request, conn, org, actor, form, message, status)
    return RedirectResponse(f"/drafts/{d.id}", status_code=303)


@router.get("/sessions/{session_id}", response_class=HTMLResponse)
def session(request: Request, session_id: Id, actor: Reader, conn: Conn,
            org: Org) -> HTMLResponse:
    return _session_page(request, conn, org, actor, session_id)


def _session_page(request: Request, conn: Conn, org: Org, actor: Principal, session_id: int,
                  form: dict[str, Any] | None = None, error: str = "",
                  status_code: int = 200, **refused: Any) -> HTMLResponse:
    """The session's page; after a draft, an agenda item or a change of status the
    services refused, with the message beside that form (`refused`: `agenda_error` and
    `agenda_title`, `status_error`) and what was typed in it."""
    m = dec.get_meeting(conn, session_id, actor=actor)
    drafts = [dec.get_draft(conn, d, actor=actor) for d in m.drafts]
    lang = language(request)
    names = state_names(org, lang)
    return render(request, "session.html", {
        "m": m, "drafts": drafts, "states": names, "body": org.bodies[m.body],
        "questions": _questions([org.bodies[m.body]]),
        **_papers(org, m, drafts), "may_record": _recorded_by(m, actor),
        # the state chairing the body that year (the rotation, dataset), who hosts its
        # regular session
        "chair": rotation.chair(org, m.body, clock.day(org, m.opens_at).year)
        if org.bodies[m.body].chair_rotation else None,
        "measures": [x.value for x in Measure], "formations": formation_names(org, lang),
        # the states that may contribute: the members on the session's day
        "members": {s.state: names.get(s.state, s.state)
                    for s in membership.members_on(org, clock.day(org, m.opens_at))},
        "crisis_choices": crisis_drafts.choices(conn, actor=actor, exercise=m.exercise,
                                                meeting_id=m.id),
        "form": form or {}, "form_error": error, "agenda_error": "", "agenda_title": "",
        "status_error": "", "attendance_error": "", **refused}, status_code=status_code)


@router.get("/sessions/{session_id}/record.pdf", response_class=Response)
def session_record(request: Request, session_id: Id, actor: Reader, conn: Conn) -> Response:
    """The session's record (attendance and representatives, agenda, each draft's outcome
    and positions, the decisions registered) as PDF in the reader's language."""
    return Response(
        session_record_pdf.record_pdf(conn, session_id, actor=actor,
                                      texts=texts_for(language(request))),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="session-{session_id}-record.pdf"'})


@router.get("/sessions/{session_id}/board", response_class=HTMLResponse)
def session_board(request: Request, session_id: Id, actor: Reader, conn: Conn,
                  org: Org) -> HTMLResponse:
    m = dec.get_meeting(conn, session_id, actor=actor)
    drafts = [dec.get_draft(conn, d, actor=actor) for d in m.drafts]
    return render(request, "_session_board.html", {
        "m": m, "drafts": drafts, "states": state_names(org, language(request)),
        **_papers(org, m, drafts), "may_record": _recorded_by(m, actor)})


def _recorded_by(m: dec.MeetingOut, actor: Principal) -> set[str]:
    """The seats whose attendance the reader records, by the service's one rule (none once
    the session is closed: its drafts were judged on the attendance as it stood)."""
    if m.status == "closed":
        return set()
    return {a.state for a in m.attendance if dec.may_record_attendance(actor, a.state)}


def _questions(bodies: Any) -> list[str]:
    """The kinds of question a draft may be of (the bodies' decision rules, dataset), the
    general one first."""
    keys = {k for b in bodies for k in b.rules.get("decision_rules", {})}
    return ["default", *sorted(keys - {"default"})]


def _papers(org: Any, m: dec.MeetingOut, drafts: list[dec.DraftOut]) -> dict[str, Any]:
    """The day the session's papers are due at the members (the body's rule, dataset),
    how many days ahead, and the drafts whose current text reached them later (each with
    the moment it did)."""
    rules = org.bodies[m.body].rules
    zone = calendar.zone_name(org)
    due = procedure.papers_due(rules, SessionKind(m.kind), m.opens_at, zone)
    late = {d.id: d.versions[-1].created_at for d in drafts
            if d.versions and procedure.papers_late(due, d.versions[-1].created_at, zone)}
    return {"papers_due": due, "papers_days": (rules.get("papers") or {}).get("days_before"),
            "papers_late": late}


@router.post("/sessions/{session_id}/attendance")
def attendance(request: Request, session_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
               state: Annotated[str, Form(max_length=3)],
               present: Annotated[bool, Form()] = False,
               note: Annotated[str, Form(max_length=200)] = "") -> Response:
    """The session's secretary records a state present or absent and who represents it
    (`note`: a head of state represented by someone else); refused (the session closed
    meanwhile), the page comes back with the message above the seats."""
    try:
        dec.record_attendance(db, session_id, state, present, note.strip() if present else "",
                              actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return _session_page(request, conn, org, actor, session_id, status_code=status,
                             attendance_error=message)
    return RedirectResponse(f"/sessions/{session_id}#attendance", status_code=303)


@router.post("/sessions/{session_id}/agenda")
def agenda(request: Request, session_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
           title: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    """The Secretariat adds an item to the session's agenda; refused, the page comes
    back with the message beside the form and the title kept."""
    try:
        dec.add_agenda_item(db, session_id, title, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return _session_page(request, conn, org, actor, session_id, status_code=status,
                             agenda_error=message, agenda_title=title)
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.post("/sessions/{session_id}/status")
def session_status(request: Request, session_id: Id, actor: Writer, db: DB, conn: Conn,
                   org: Org, status: Annotated[Literal["open", "closed"], Form()]
                   ) -> Response:
    """The Secretariat opens the session, or closes it (it then takes no new draft);
    refused (a page sent before the session changed), the page comes back with the
    message beside the buttons."""
    try:
        dec.set_session_status(db, session_id, status, actor=actor)
    except (Invalid, Conflict) as exc:
        message, code = refusal(exc, language(request), org)
        return _session_page(request, conn, org, actor, session_id, status_code=code,
                             status_error=message)
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.post("/sessions/{session_id}/drafts")
def table_draft(request: Request, session_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
                title: Annotated[str, Form(max_length=300)],
                title_ru: Annotated[str, Form(max_length=300)] = "",
                text_en: Annotated[str, Form(max_length=200_000)] = "",
                text_ru: Annotated[str, Form(max_length=200_000)] = "",
                measures: Annotated[list[Measure] | None, Form()] = None,
                formations: Annotated[list[str] | None, Form()] = None,
                contributing_states: Annotated[list[str] | None, Form()] = None,
                period_days: Annotated[int | None, Form(ge=1, le=3650)] = None,
                period_limited: Annotated[bool, Form()] = False,
                question: Annotated[str, Form(max_length=32)] = "default",
                agenda_item: Annotated[str, Form(max_length=12)] = "",
                start: Annotated[str, Form(max_length=16)] = "adoption",
                in_force_on: Annotated[str, Form(max_length=10)] = "",
                ends_on: Annotated[str, Form(max_length=10)] = "",
                term_days: Annotated[str, Form(max_length=6)] = "",
                effect: Annotated[str, Form(max_length=16)] = "",
                target: Annotated[str, Form(max_length=40)] = "",
                extends_to: Annotated[str, Form(max_length=10)] = "",
                crisis: Annotated[str, Form(alias="crisis_id", max_length=12)] = ""
                ) -> Response:
    """Table a draft, its text in English, in Russian or in both, with its entry into
    force, end and the earlier decision it modifies (by its number); refused, the
    session's page comes back with the message beside the form and the input kept."""
    m = dec.get_meeting(conn, session_id, actor=actor)
    form = {"title": title, "title_ru": title_ru, "text_en": text_en, "text_ru": text_ru,
            "measures": measures or [], "formations": formations or [],
            "contributing_states": contributing_states or [], "period_days": period_days,
            "period_limited": period_limited, "question": question}
    life = LifeForm.model_construct(start=start, in_force_on=in_force_on, ends_on=ends_on,
                                    term_days=term_days, effect=effect, target=target,
                                    extends_to=extends_to)
    try:
        life = LifeForm.model_validate(life.model_dump())
        item = int(agenda_item) if agenda_item.strip().isdigit() else None
        d = dec.propose_draft(db, dec.DraftIn(
            body=m.body, meeting_id=session_id, agenda_item_id=item, marking=m.marking,
            lifecycle=life.lifecycle(conn, actor), crisis_id=_crisis_named(crisis),
            **form), actor=actor)
    except (Invalid, Conflict, NotFound, ValidationError) as exc:
        message, status = refusal(exc, language(request), org)
        return _session_page(request, conn, org, actor, session_id,
                             {**form, "no_text": no_text(exc), "agenda_item": agenda_item,
                              "life": life, "crisis_id": crisis}, message, status)
    return RedirectResponse(f"/drafts/{d.id}", status_code=303)


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
               exercise: Annotated[str, Query(pattern="^(|true|false)$")] = "",
               acting_for: Annotated[str, Query(pattern="^(|[A-Z]{3})$")] = "",
               since: date | None = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """The trail, filtered by actor, action, whether an exercise wrote it (`exercise`:
    `true` its entries only, `false` the real ones only, empty both), the state its
    actor acted for and the day from which (`acting_for`, `since`: what was done in a
    state's name after a change of its authorities, from `/authorities`)."""
    items, total = audit.search(conn, audit.AuditFilter(
        actor=who or None, action=action or None, limit=AUDIT_PAGE,
        offset=(page - 1) * AUDIT_PAGE, exercise={"true": True, "false": False}.get(exercise),
        acting_for=acting_for or None, since=since), actor=actor)
    verdict = audit.verify_installation(db, request.app.state.settings,
                                        request.app.state.audit_key) if verify else None
    kept = {"actor": who or "", "action": action or "", "exercise": exercise,
            "acting_for": acting_for, "since": since.isoformat() if since else ""}
    query = urlencode({k: v for k, v in kept.items() if v})
    return render(request, "audit.html", {
        "items": items, "verdict": verdict, "who": kept["actor"], "action": kept["action"],
        "exercise": exercise, "acting_for": acting_for, "since": kept["since"],
        **pager(lambda n: f"/audit?{query}{'&' if query else ''}page={n}", page, AUDIT_PAGE,
                len(items), total)})
