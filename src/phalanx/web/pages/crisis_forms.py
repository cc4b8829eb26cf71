"""The crisis room's forms that the algorithm's rules may refuse: a move through the
algorithm, the decision, the measures, the affected state's official request and its
withdrawal, a member's answer under art. 4 and the notice to the UN Security Council, a
member's answer whether its units take part.

A refusal (the service's Conflict or Invalid, or input the rules do not take) answers
with the crisis room again, the message beside the form that was sent, in the reader's
language, and what was typed kept; the address stays that of the post, so the room's
links (the language switch) name the room itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.forces.registry import Scope
from phalanx.services import crises, crisis_drafts, crisis_obligations, crisis_requests, forces
from phalanx.services import organization as orgs
from phalanx.services.crises.schemas import DraftTieIn, DraftUntieIn
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Id
from phalanx.web.i18n import N_, errors, labeller, translator
from phalanx.web.pages.crises import room_page
from phalanx.web.pages.render import language, moment

router = APIRouter(include_in_schema=False)
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Kept = dict[str, object]

# the label of each field a rule names (the same texts as the forms')
FIELDS = {"person": N_("Signed by"), "article": N_("Article"), "at": N_("Made at (UTC)"),
          "forces": N_("Forces or means asked"), "period_days": N_("Period (days)"),
          "measures": N_("Measures"), "state": N_("State"), "detail": N_("Detail"),
          "reference": N_("Reference of the national act"), "office": N_("Office"),
          "reason": N_("Reason"), "draft_id": N_("Draft number")}


def _message(exc: Exception, lang: str, bodies: dict[str, str]) -> str:
    """What the refusal says, in `lang`, with the labels of the values it names and the
    names of the bodies (`bodies`)."""
    _ = translator(lang)
    if isinstance(exc, ValidationError):
        out = []
        for e in exc.errors():
            field = str(e["loc"][0]) if e.get("loc") else ""
            what = errors.validation_message(dict(e), lang)
            out.append(_(FIELDS[field]) + ": " + what if field in FIELDS else what)
        return "; ".join(out)
    text = exc.message if isinstance(exc, Invalid) else str(exc)
    return errors.translate(text, lang, labelled=True, bodies=bodies)


def _refused(request: Request, db: DB, crisis_id: int, actor: Principal, form: str,
             kept: Kept, exc: Exception | str, status: int = 0) -> HTMLResponse:
    """The crisis room with the refusal (a service's, or a message of the page already in
    the reader's language) beside `form` and its input `kept`: 409 for a rule of the
    algorithm or a stale page, 422 for input, unless `status` says."""
    status = status or (409 if isinstance(exc, Conflict) else 422)
    lang = language(request)
    with db.read() as conn:
        org = orgs.organization(conn)
        message = exc if isinstance(exc, str) else _message(exc, lang,
                                                            errors.body_names(org, lang))
        return room_page(request, conn, crisis_id, actor, org, {
            "refused_form": form, "refusal": message, "kept": kept}, status_code=status)


@router.post("/crises/{crisis_id}/transition", response_model=None)
def transition(request: Request, crisis_id: Id, actor: Writer, db: DB,
               revision: Annotated[int, Form(ge=0, le=2_147_483_647)],
               to: Annotated[str, Form(max_length=32)] = "",
               reason: Annotated[str, Form(max_length=5000)] = "",
               review: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """A move through the algorithm. Refused, the room comes back with the move still
    chosen if the crisis still allows it, else with none chosen (the room's select then
    asks for a choice): a page left open while another officer moved the crisis on must
    not turn into a move nobody chose."""
    kept: Kept = {"to": to, "reason": reason, "review": review}
    try:
        target = Stage(to)
    except ValueError:
        _ = translator(language(request))
        return _refused(request, db, crisis_id, actor, "transition", kept,
                        _("Choose the stage to move the crisis to."))
    try:
        crises.transition(db, crisis_id, target, actor=actor, reason=reason, review=review,
                          revision=revision)
    except (Conflict, Invalid) as exc:
        stale = _stale_move(request, db, crisis_id, actor, target, revision)
        return _refused(request, db, crisis_id, actor, "transition", kept,
                        exc if stale is None else stale, status=0 if stale is None else 409)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


def _stale_move(request: Request, db: DB, crisis_id: int, actor: Principal, target: Stage,
                revision: int) -> str | None:
    """What a move sent from a page the crisis has changed since says, in the reader's
    language: the stage the crisis is at now, and whether the move chosen is still
    possible from it; None when the page was not stale (the rules' own refusal)."""
    with db.read() as conn:
        crisis = crises.get(conn, crisis_id, actor=actor)
        options = dict(crises.stage_options(conn, crisis_id, actor=actor))
    if crisis.revision == revision:
        return None
    lang = language(request)
    _, label = translator(lang), labeller(lang)
    values = {"current": label("stage", crisis.stage), "stage": label("stage", target)}
    if target in options and not options[target]:
        return _("The crisis has changed since you saw it: it is now at the stage "
                 "“%(current)s”. The move to “%(stage)s” is still possible: check the room "
                 "as it now is and submit it again.", **values)
    return _("The crisis has changed since you saw it: it is now at the stage “%(current)s”, "
             "from which the move to “%(stage)s” is no longer possible. Choose the move "
             "again.", **values)


@router.post("/crises/{crisis_id}/decision", response_model=None)
def link_decision(request: Request, crisis_id: Id, actor: Writer, db: DB,
                  decision_id: Annotated[int, Form(ge=1, le=2_147_483_647)],
                  authorizes: Annotated[list[Measure] | None, Form()] = None) -> Response:
    try:
        crises.link_decision(db, crisis_id, decision_id, authorizes or None, actor=actor)
    except (Conflict, Invalid) as exc:
        return _refused(request, db, crisis_id, actor, "decision",
                        {"decision_id": decision_id}, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/response", response_model=None)
def set_response(request: Request, crisis_id: Id, actor: Writer, db: DB,
                 measures: Annotated[list[Measure] | None, Form()] = None,
                 flags: Annotated[list[str] | None, Form()] = None) -> Response:
    chosen = set(flags or [])
    kept: Kept = {"measures": [m.value for m in measures or []], "flags": sorted(chosen)}
    if not measures:
        return _refused(request, db, crisis_id, actor, "response", kept,
                        Invalid("measures", "choose the measures of the response"))
    try:
        crises.set_response(db, crisis_id, crises.ResponseIn(
            measures=measures, bilateral_dispute="bilateral_dispute" in chosen,
            against_cis_or_neighbour="against_cis_or_neighbour" in chosen,
            un_mandate="un_mandate" in chosen,
            on_member_territory="abroad" not in chosen), actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return _refused(request, db, crisis_id, actor, "response", kept, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/official-requests", response_model=None)
def official_request(request: Request, crisis_id: Id, actor: Writer, db: DB,
                     state: Annotated[str, Form(max_length=3)],
                     person: Annotated[str, Form(max_length=300)] = "",
                     office: Annotated[str, Form(max_length=64)] = "",
                     at: Annotated[str, Form(max_length=64)] = "",
                     article: Annotated[str, Form(max_length=64)] = "",
                     measures: Annotated[list[Measure] | None, Form()] = None,
                     forces: Annotated[str, Form(max_length=2000)] = "",
                     period_days: Annotated[str, Form(max_length=16)] = "") -> Response:
    kept: Kept = {"state": state, "person": person, "office": office, "at": at,
                  "article": article, "measures": [m.value for m in measures or []],
                  "forces": forces, "period_days": period_days}

    def refuse(exc: Exception | str) -> HTMLResponse:
        return _refused(request, db, crisis_id, actor, "official-request", kept, exc)

    _ = translator(language(request))
    made = moment(at)
    if made is None:
        return refuse(_("Give the date and time the request was made."))
    if not measures:
        return refuse(_("Choose the measures the request asks for."))
    days = period_days.strip()
    if days and not days.isdigit():
        return refuse(_("Period (days)") + ": " + _("give a whole number"))
    try:
        data = crisis_requests.OfficialRequestIn(
            state=state, person=person.strip(), office=office, at=made,
            article=article.strip(), measures=measures, forces=forces,
            period_days=int(days) if days else None)
        crisis_requests.record_request(db, crisis_id, data, actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return refuse(exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/official-requests/{request_id}/withdrawal",
             response_model=None)
def withdraw_official_request(request: Request, crisis_id: Id, request_id: Id, actor: Writer,
                              db: DB, at: Annotated[str, Form(max_length=64)] = "",
                              reason: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """The requesting state's representative withdraws its request (at the time given,
    else now)."""
    kept: Kept = {"request_id": request_id, "at": at, "reason": reason}

    def refuse(exc: Exception | str) -> HTMLResponse:
        return _refused(request, db, crisis_id, actor, "withdrawal", kept, exc)

    _ = translator(language(request))
    when = moment(at) if at.strip() else None
    if at.strip() and when is None:
        return refuse(_("Give the date and time the request was withdrawn."))
    try:
        crisis_requests.withdraw_request(db, crisis_id, request_id, crisis_requests.WithdrawalIn(
            at=when, reason=reason), actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return refuse(exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/drafts", response_model=None)
def tie_draft(request: Request, crisis_id: Id, actor: Writer, db: DB,
              draft_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
              reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The Secretariat ties an existing draft to the crisis's file, saying why."""
    kept: Kept = {"draft_id": draft_id, "reason": reason}
    try:
        data = DraftTieIn(draft_id=draft_id, reason=reason.strip())
        crisis_drafts.tie(db, crisis_id, data.draft_id, data.reason, actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return _refused(request, db, crisis_id, actor, "tie-draft", kept, exc)
    except NotFound as exc:  # a draft number typed that names none (the crisis: 404)
        if exc.kind != "draft":
            raise
        return _refused(request, db, crisis_id, actor, "tie-draft", kept, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#crisis-drafts", status_code=303)


@router.post("/crises/{crisis_id}/drafts/{draft_id}/untie", response_model=None)
def untie_draft(request: Request, crisis_id: Id, draft_id: Id, actor: Writer, db: DB,
                reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The Secretariat unties a draft from the crisis's file, saying why."""
    kept: Kept = {"draft_id": draft_id, "reason": reason}
    try:
        data = DraftUntieIn(reason=reason.strip())
        crisis_drafts.untie(db, crisis_id, draft_id, data.reason, actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return _refused(request, db, crisis_id, actor, "untie-draft", kept, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#crisis-drafts", status_code=303)


@router.post("/crises/{crisis_id}/obligations", response_model=None)
def answer_obligation(request: Request, crisis_id: Id, actor: Writer, db: DB,
                      answer: Annotated[str, Form(pattern="^(forces|other|declined)$")],
                      detail: Annotated[str, Form(max_length=5000)] = "") -> Response:
    if actor.state is None:
        raise Forbidden("a member's answer is given by its authorized representative")
    try:
        crisis_obligations.answer(db, crisis_id, actor.state,
                                  crisis_obligations.ObligationIn.model_validate(
                                      {"answer": answer, "detail": detail}), actor=actor)
    except (Conflict, Invalid) as exc:
        return _refused(request, db, crisis_id, actor, "obligation",
                        {"answer": answer, "detail": detail}, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/consents", response_model=None)
def give_consent(request: Request, crisis_id: Id, actor: Writer, db: DB,
                 scope: Annotated[Scope, Form()],
                 units: Annotated[list[str] | None, Form()] = None,
                 conditions: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """The member's answer whether its units take part: refused ("some" naming no unit),
    the room again with the refusal beside the form and the answer as it was chosen."""
    chosen = (units or []) if scope is Scope.SOME else []
    try:
        forces.give_consent(db, crisis_id, actor.state or "", forces.ConsentIn(
            scope=scope, units=chosen, conditions=conditions), actor=actor)
    except (Conflict, Invalid, ValidationError) as exc:
        return _refused(request, db, crisis_id, actor, "consent", {
            "scope": scope.value, "units": chosen, "conditions": conditions}, exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1#forces", status_code=303)


@router.post("/crises/{crisis_id}/un-notice", response_model=None)
def un_notice(request: Request, crisis_id: Id, actor: Writer, db: DB,
              reference: Annotated[str, Form(max_length=300)] = "") -> Response:
    try:
        crisis_obligations.mark_sent(db, crisis_id, reference, actor=actor)
    except (Conflict, Invalid) as exc:
        return _refused(request, db, crisis_id, actor, "un-notice", {"reference": reference},
                        exc)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)


@router.post("/crises/{crisis_id}/exercise-end", response_model=None)
def end_exercise(request: Request, crisis_id: Id, actor: Writer, db: DB,
                 how: Annotated[str, Form(max_length=16)] = "ended",
                 reason: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """ENDEX, or the exercise cancelled as started in error (with its reason)."""
    kept: Kept = {"how": how, "reason": reason}
    try:
        crises.end_exercise(db, crisis_id, crises.ExerciseEndIn.model_validate(
            {"how": how, "reason": reason}), actor=actor)
    except ValidationError:
        _ = translator(language(request))
        return _refused(request, db, crisis_id, actor, "exercise-end", kept,
                        _("Choose whether the exercise ended or is cancelled."))
    except (Conflict, Invalid, Forbidden) as exc:
        return _refused(request, db, crisis_id, actor, "exercise-end", kept, exc,
                        status=403 if isinstance(exc, Forbidden) else 0)
    return RedirectResponse(f"/crises/{crisis_id}?saved=1", status_code=303)
