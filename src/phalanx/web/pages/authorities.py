"""Who holds power in the member states, as a page: the changes of their authorities the
Secretariat recorded (anyone reads them), and its form to record one (the rule and what
an unconstitutional change does to appointments: `domain/representation.py`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain import membership
from phalanx.domain.access.policy import Duty, Permission, does, has_permission
from phalanx.domain.access.principal import Principal
from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services import representation as rep
from phalanx.services.errors import Forbidden, Invalid
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn
from phalanx.web.i18n import N_
from phalanx.web.pages import refusals
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)
Public = Annotated[Principal, Depends(requires(Permission.PUBLIC))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]

# the label of each field of the form a refusal names (the form's own texts)
FIELDS = {"state": N_("State"), "since": N_("In power from"),
          "authorities": N_("Authorities"), "source": N_("Source")}


def _page(request: Request, conn: Any, actor: Principal, status_code: int = 200,
          refusal: str = "", kept: dict[str, Any] | None = None) -> HTMLResponse:
    org = orgs.organization(conn)
    lang = language(request)
    members = [m.state for m in membership.members_on(org, clock.today(org))]
    return render(request, "authorities.html", {
        "changes": rep.changes(conn, actor=actor), "members": members,
        "state_names": {k: s.name.get(lang) for k, s in org.states.items()},
        "may_record": does(actor, Duty.AUTHORITIES), "refusal": refusal,
        # what was done in a state's name after a change: the trail, for its readers
        "reads_trail": has_permission(actor, Permission.AUDIT_READ),
        "kept": kept or {}}, status_code=status_code)


@router.get("/authorities", response_class=HTMLResponse)
def authorities_page(request: Request, actor: Public, conn: Conn) -> HTMLResponse:
    return _page(request, conn, actor)


def _refusal(exc: Exception, lang: str) -> str:
    """What a refused form here says, in `lang`, each field by its label."""
    return refusals.by_field(exc, lang, FIELDS)


@router.post("/authorities")
def record_authorities(request: Request, actor: Writer, db: DB,
                       state: Annotated[str, Form(max_length=3)] = "",
                       since: Annotated[str, Form(max_length=64)] = "",
                       authorities: Annotated[str, Form(max_length=500)] = "",
                       source: Annotated[str, Form(max_length=500)] = "",
                       constitutional: Annotated[bool, Form()] = False) -> Response:
    """Record a change of a member state's authorities; refused, the page again with the
    refusal beside the form in the reader's language and what was typed kept (422; 403
    for whoever does not record them)."""
    kept = {"state": state, "since": since, "authorities": authorities, "source": source,
            "constitutional": constitutional}
    try:
        day = date.fromisoformat(since)
    except ValueError:
        day = None
    try:
        if day is None:
            raise Invalid("since", f"{since!r} is not a date (use YYYY-MM-DD)")
        rep.record(db, rep.AuthorityChangeIn(state=state, since=day, authorities=authorities,
                                    constitutional=constitutional, source=source),
                   actor=actor)
    except (ValidationError, Invalid, Forbidden) as exc:
        with db.read() as conn:
            return _page(request, conn, actor, 403 if isinstance(exc, Forbidden) else 422,
                         _refusal(exc, language(request)), kept)
    return RedirectResponse("/authorities", status_code=303)
