"""The accounts, as the administrator keeps them: who each user is, whether it may log
in, its language, and for a state's user its appointment's term and standing (ended,
lapsed after an unconstitutional change of its state's authorities). Each change goes
through the service the API and the CLI use, audited: a term, a confirmation by the
authorities in power (`services/representation.py`), letting a user log in or not."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from phalanx.config import get_settings
from phalanx.domain.access.policy import STATE_ROLES
from phalanx.services import identity, representation, state_users
from phalanx.web.auth import Admin
from phalanx.web.deps import DB, Conn
from phalanx.web.i18n import errors
from phalanx.web.pages.render import language, render

router = APIRouter(include_in_schema=False)


def _page(request: Request, conn: Any, status_code: int = 200, refusal: str = "",
          refused: str = "") -> HTMLResponse:
    return render(request, "users.html", {
        "accounts": identity.accounts(conn), "state_roles": STATE_ROLES,
        "default_language": get_settings().default_language, "refusal": refusal,
        "refused": refused}, status_code=status_code)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, actor: Admin, conn: Conn) -> HTMLResponse:
    return _page(request, conn)


def _refused(request: Request, db: Any, username: str, exc: Exception) -> HTMLResponse:
    message = errors.translate(str(exc), language(request), labelled=True)
    with db.read() as conn:
        return _page(request, conn, 404 if isinstance(exc, identity.UnknownUser) else 422,
                     message, username)


@router.post("/users/{username}/confirm")
def confirm(request: Request, username: str, actor: Admin, db: DB) -> Response:
    """The authorities in power confirm the user's appointment (audited)."""
    try:
        representation.confirm(db, username, actor=actor)
    except identity.IdentityError as exc:
        return _refused(request, db, username, exc)
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/term")
def term(request: Request, username: str, actor: Admin, db: DB,
         until: Annotated[str, Form(max_length=64)] = "") -> Response:
    """The last day the user acts for its state; empty: no term (audited)."""
    try:
        try:
            day = date.fromisoformat(until) if until else None
        except ValueError:
            raise identity.IdentityError(
                f"{until!r} is not a date (use YYYY-MM-DD)") from None
        state_users.set_term(db, username, day, actor=actor)
    except identity.IdentityError as exc:
        return _refused(request, db, username, exc)
    return RedirectResponse(f"/users#user-{username}", status_code=303)


@router.post("/users/{username}/active")
def active(request: Request, username: str, actor: Admin, db: DB,
           active: Annotated[bool, Form()] = False) -> Response:
    """Let the user log in, or stop it (its sessions and tokens too; audited)."""
    try:
        identity.set_active(db, username, active, actor=actor)
    except identity.IdentityError as exc:
        return _refused(request, db, username, exc)
    return RedirectResponse(f"/users#user-{username}", status_code=303)
