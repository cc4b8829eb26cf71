"""The draft's page: its text, what it authorizes, the members' positions (or, under the
written procedure, their signatures; by consultation, the heads of state's answers), and
the forms of those who act on it. Each action only calls the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Permission, StateAct, acts_for, is_staff
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions import procedure
from phalanx.domain.decisions.consensus import Position, Standing
from phalanx.domain.decisions.consultation import Channel
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock, state_users
from phalanx.services import decisions as dec
from phalanx.services.clock import now as clock_now
from phalanx.services.decisions.common import NO_TEXT
from phalanx.services.errors import Conflict, Invalid, NotFound
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id, Org
from phalanx.web.i18n import N_, errors, translator
from phalanx.web.pages.render import language, moment, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]


def state_names(org: Org, lang: str) -> dict[str, str]:
    """Code to name of each state, in the page's language."""
    return {k: s.name.get(lang) for k, s in org.states.items()}


def formation_names(org: Org, lang: str) -> dict[str, str]:
    """Key to name of each formation of the forces' registry, in the page's language."""
    return {f["key"]: (f.get("name") or {}).get(lang) or f["key"]
            for f in org.forces.get("formations", [])}


# a draft's text given in neither language: a form names its fields by their labels (the
# services, as the API does, by the fields' names)
NO_TEXT_IN_FORM = N_("fill in the field “English” or “Русский”: both are empty")


def no_text(exc: Exception) -> bool:
    """Whether `exc` refuses a draft's text given in neither language (the form then
    marks both its text fields)."""
    return isinstance(exc, Invalid) and exc.message == NO_TEXT


def refusal(exc: Exception, lang: str, org: Org | None = None) -> tuple[str, int]:
    """What a form shows beside itself when the services refuse its input (in `lang`,
    the values it names by their labels and the bodies of `org` by their names), and the
    status of the page that shows it again."""
    if no_text(exc):
        return translator(lang)(NO_TEXT_IN_FORM), 422
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: "
                         f"{errors.validation_message(dict(e), lang)}"
                         for e in exc.errors()), 422
    bodies = errors.body_names(org, lang) if org is not None else None
    if isinstance(exc, Invalid):
        return errors.translate(exc.message, lang, labelled=True, bodies=bodies), 422
    status = 404 if isinstance(exc, NotFound) else 409
    return errors.translate(str(exc), lang, labelled=True, bodies=bodies), status


def draft_page(request: Request, conn: Conn, org: Org, actor: Principal, d: dec.DraftOut,
          extra: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    """The draft's page; after a form the services refused, `extra` holds the message
    to show beside that form and what was typed in it."""
    return render(request, "draft.html", {**_context(request, conn, org, actor, d),
                                          **(extra or {})}, status_code=status_code)


def history(d: dec.DraftOut, lang: str) -> list[dict[str, Any]]:
    """Every version of the draft, the latest first: who made it and when, the amendment
    (and its state) it came from, and what it changed from the version before, in the
    page's language where both versions have a text in it, else in the other."""
    states = {a.id: a.state for a in d.amendments}
    out = []
    for before, v in zip([None, *d.versions], d.versions, strict=False):
        changes = ""
        if before is not None:
            order = ("ru", "en") if lang == "ru" else ("en", "ru")
            for code in order:
                old, new = getattr(before, f"text_{code}"), getattr(v, f"text_{code}")
                if old.strip() or new.strip():
                    changes = procedure.diff(old, new, f"v{before.number} ({code})",
                                             f"v{v.number} ({code})")
                    if changes:
                        break
        out.append({"number": v.number, "created_by": v.created_by,
                    "created_at": v.created_at, "amendment": v.amendment_id,
                    "state": states.get(v.amendment_id or 0), "diff": changes})
    return out[::-1]


def _context(request: Request, conn: Conn, org: Org, actor: Principal, d: dec.DraftOut
             ) -> dict[str, Any]:
    """What the draft's live part shows (`_draft_live.html`): the draft as it stands and
    the forms of those who may act on it, empty."""
    lang = language(request)
    decision = dec.get_decision(conn, d.decision_id, actor=actor) if d.decision_id else None
    target = None  # the decision the draft modifies, where its reader may read it
    if d.lifecycle.target is not None and decision is None:
        try:
            target = dec.get_decision(conn, d.lifecycle.target, actor=actor)
        except NotFound:
            target = None
    current = d.versions[-1] if d.versions else None
    session = None  # the session framing it, where its reader may read that too (a draft
    # released to observers may sit in a session that is not)
    if d.meeting_id:
        try:
            session = dec.get_meeting(conn, d.meeting_id, actor=actor)
        except NotFound:
            session = None
    return {
        "d": d, "body": org.bodies.get(d.body), "decision": decision, "session": session,
        "target": target,
        "close_error": "", "history": history(d, lang),
        "may_chair": bool(d.chair) and acts_for(actor, d.chair or "", StateAct.CHAIR),
        "may_revise": _may_revise(actor, d), "may_amend": _may_amend(actor, d),
        "may_decide_amendments": _staff(actor) and d.status == "open",
        "states": state_names(org, lang), "formation_names": formation_names(org, lang),
        "positions": list(Position), "channels": list(Channel), "now": datetime.now(UTC),
        "sign_form": {}, "position_form": {},
        # in whose name the acting state's answer is given unless another is named
        "signer": dec.seat_holder(org, d.body, actor.state, clock.day(org, clock_now()),
                                  state_users.authority_changes(conn, actor.state))
        if actor.state and d.body in org.bodies else "",
        # the forms of a new text start from the current version
        "revise_form": {"text_en": current.text_en if current else "",
                        "text_ru": current.text_ru if current else ""},
        "amend_form": {"text_en": current.text_en if current else "",
                       "text_ru": current.text_ru if current else "", "note": ""}}


def _staff(actor: Principal) -> bool:
    """The Secretariat and the Joint Staff (and the administrator), who table, revise and
    decide on amendments."""
    return is_staff(actor) and actor.role is not Role.AUDITOR


def _may_revise(actor: Principal, d: dec.DraftOut) -> bool:
    """A new version by the Secretariat, of an open draft or one returned for revision;
    under the written procedure only before its deadline (a new text is a new round of
    signatures). A draft decided by consultation is not revised here: the heads of
    state's answers recorded on its text would stand for the new one."""
    if not _staff(actor) or d.status not in ("open", "returned"):
        return False
    if d.procedure in ("written", "silence"):
        return d.deadline is not None and d.deadline > clock_now()
    return d.procedure == "session"


def _may_amend(actor: Principal, d: dec.DraftOut) -> bool:
    """A member's amendment, on the floor of a session while the draft is open, by its
    state's representative if the state takes part in the body's work (arrears cost the
    vote, not the floor)."""
    if d.status != "open" or d.procedure != "session" or actor.state is None \
            or not acts_for(actor, actor.state, StateAct.AMEND):
        return False
    return any(s.state == actor.state and s.standing in (Standing.FULL, Standing.IN_ARREARS)
               for s in d.stances)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def draft(request: Request, draft_id: Id, actor: Reader, conn: Conn,
          org: Org) -> HTMLResponse:
    return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor))


@router.get("/drafts/{draft_id}/live", response_class=HTMLResponse)
def draft_live(request: Request, draft_id: Id, actor: Reader, conn: Conn,
               org: Org) -> HTMLResponse:
    """The draft's live part as it now stands (the page asks for it on a live event)."""
    d = dec.get_draft(conn, draft_id, actor=actor)
    return render(request, "_draft_live.html", _context(request, conn, org, actor, d))


@router.get("/drafts/{draft_id}/board", response_class=HTMLResponse)
def draft_board(request: Request, draft_id: Id, actor: Reader, conn: Conn,
                org: Org) -> HTMLResponse:
    return render(request, "_board.html", {"d": dec.get_draft(conn, draft_id, actor=actor),
                                           "states": state_names(org, language(request))})


@router.post("/drafts/{draft_id}/position")
def position(request: Request, draft_id: Id, actor: Writer, db: DB,
             position: Annotated[Position, Form()],
             statement: Annotated[str, Form(max_length=10_000)] = "",
             state: Annotated[str | None, Form(max_length=3)] = None, *, conn: Conn,
             org: Org) -> Response:
    """A member's position; refused (the draft closed meanwhile, a state without a say),
    the page comes back with the message beside the form and the statement as typed."""
    try:
        dec.state_position(db, draft_id, position, statement, state or None, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor),
                     {"position_error": message, "position_form": {
                         "position": position.value, "statement": statement}}, status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/close")
def close(request: Request, draft_id: Id, actor: Writer, db: DB, conn: Conn,
          org: Org) -> Response:
    """The Secretariat closes the draft and judges it by the body's rule; refused (its
    session not yet sitting, or closed), the page comes back with the message beside the
    button."""
    try:
        dec.close_draft(db, draft_id, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor),
                     {"close_error": message}, status)
    return RedirectResponse(f"/drafts/{draft_id}", status_code=303)


@router.post("/drafts/{draft_id}/sign")
def sign(request: Request, draft_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
         answer: Annotated[Answer, Form()] = Answer.SIGN,
         reservation: Annotated[str, Form(max_length=10_000)] = "",
         given_by: Annotated[str, Form(max_length=200)] = "") -> Response:
    """A member's answer under the written procedure; refused (a reservation without its
    text, somebody else's turn), the page comes back with the message beside the form."""
    try:
        dec.sign(db, draft_id, answer=answer, reservation=reservation, given_by=given_by,
                 actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor),
                     {"sign_error": message,
                      "sign_form": {"answer": answer.value, "reservation": reservation,
                                    "given_by": given_by}},
                     status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/revise")
def revise(request: Request, draft_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
           text_en: Annotated[str, Form(max_length=200_000)] = "",
           text_ru: Annotated[str, Form(max_length=200_000)] = "") -> Response:
    """The Secretariat's new version of the text; refused, the page comes back with the
    message beside the form and the texts as typed."""
    try:
        dec.revise_draft(db, draft_id, text_en, text_ru, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor), {
            "revise_error": message, "revise_form": {"text_en": text_en, "text_ru": text_ru,
                                                      "no_text": no_text(exc)}}, status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)


@router.post("/drafts/{draft_id}/amendments")
def amend(request: Request, draft_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
          against_version: Annotated[int, Form(ge=1, le=2_147_483_647)],
          text_en: Annotated[str, Form(max_length=200_000)] = "",
          text_ru: Annotated[str, Form(max_length=200_000)] = "",
          note: Annotated[str, Form(max_length=5_000)] = "") -> Response:
    """A member's amendment against the version it was shown; refused (the draft moved
    on to another version, nothing typed), the page comes back with the message beside
    the form and the texts as typed."""
    try:
        dec.propose_amendment(db, draft_id, against_version, text_en, text_ru, note,
                              actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor), {
            "amend_error": message,
            "amend_form": {"text_en": text_en, "text_ru": text_ru, "note": note,
                           "no_text": no_text(exc)}}, status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1#amendments", status_code=303)


@router.post("/drafts/{draft_id}/amendments/{amendment_id}/decision")
def decide_amendment(request: Request, draft_id: Id, amendment_id: Id, actor: Writer, db: DB,
                     conn: Conn, org: Org, accept: Annotated[bool, Form()]) -> Response:
    """The Secretariat accepts an amendment (the draft's next version) or rejects it;
    refused, the page comes back with the message beside that amendment."""
    d = dec.get_draft(conn, draft_id, actor=actor)
    if all(a.id != amendment_id for a in d.amendments):
        raise NotFound("amendment", amendment_id)
    try:
        dec.decide_amendment(db, amendment_id, accept, actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, d, {
            "amendment_error": {"id": amendment_id, "message": message}}, status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1#amendments", status_code=303)


@router.post("/drafts/{draft_id}/consultation")
def consultation_answer(request: Request, draft_id: Id, actor: Writer, db: DB, conn: Conn,
                        org: Org,
                        state: Annotated[str, Form(max_length=3)],
                        position: Annotated[Position, Form()],
                        given_at: Annotated[str, Form(max_length=40)],
                        channel: Annotated[Channel, Form()] = Channel.TELEPHONE,
                        given_by: Annotated[str, Form(max_length=300)] = "",
                        note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """The chair records a head of state's answer (the time as entered, in UTC); refused,
    the page comes back with the message in the form and what was chosen and typed, and
    an answer recorded takes the chair back to the consultation."""
    try:
        when = moment(given_at)
        if when is None:
            raise Invalid("given_at", f"{given_at!r} is not a date and time")
        dec.record_answer(db, draft_id, dec.ConsultationAnswerIn(
            state=state, position=position, given_at=when,
            channel=channel, given_by=given_by, note=note), actor=actor)
    except (Invalid, Conflict) as exc:
        message, status = refusal(exc, language(request), org)
        return draft_page(request, conn, org, actor, dec.get_draft(conn, draft_id, actor=actor), {
            "consultation_error": message,
            "consultation_form": {"state": state, "position": position.value,
                                  "given_at": given_at, "channel": channel.value,
                                  "given_by": given_by}}, status)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1#consultation", status_code=303)


@router.post("/drafts/{draft_id}/announce")
def announce(draft_id: Id, actor: Writer, db: DB) -> Response:
    dec.announce(db, draft_id, actor=actor)
    return RedirectResponse(f"/drafts/{draft_id}?saved=1", status_code=303)
