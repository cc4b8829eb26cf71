"""Log in and out in the browser, and a signed-in user's choice of language. The session
cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came over HTTPS or the
installation runs in production.

The language switch at the top of a page is a link for a visitor (`?lang=`, remembered by
the `lang` cookie) and, for a signed-in user, a form sent to `/language`: the choice is
their account's language too (audited, `identity.set_language`), the one the
notifications are emailed to them in and their pages open in after the next login. A
form, not a link: a write answers POST only, with the session's CSRF token."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.languages import Language
from phalanx.services import identity, passwords
from phalanx.web.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    client_address,
    login_csrf,
    requires,
)
from phalanx.web.deps import DB
from phalanx.web.i18n import LANGUAGES, errors, translator
from phalanx.web.pages.render import language, remember_language, render

router = APIRouter(include_in_schema=False)


def _secure(request: Request) -> bool:
    return bool(request.url.scheme == "https"
                or request.app.state.settings.environment == "production")


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(request: Request, status: int = 200, error: str = "", username: str = "",
          next_: str = "/", ended: bool = False) -> HTMLResponse:
    token = login_csrf(request)
    response = render(request, "login.html", {"csrf_token": token, "error": error,
                                              "username": username, "next": next_,
                                              "session_ended": ended},
                      status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, _: Annotated[Principal, Depends(requires(Permission.PUBLIC))],
               next: str | None = None, ended: bool = False) -> HTMLResponse:
    return _form(request, next_=_safe_next(next), ended=ended)


@router.post("/login", response_model=None)
def login(
    request: Request,
    db: DB,
    _: Annotated[Principal, Depends(requires(Permission.PUBLIC))],
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    gettext = translator(language(request))  # (`_` is the principal here)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _form(request, 403, gettext("The form has expired; please try again."), username,
                     next)
    try:
        principal = identity.authenticate(db, username.strip(), password,
                                          client_address(request))
    except identity.Throttled as exc:
        wait = gettext("Too many failed attempts. Try again in %(minutes)s min.",
                       minutes=exc.retry_after // 60 + 1)
        resp = _form(request, 429, wait, username, next)
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    except identity.AuthFailed:
        return _form(request, 401, gettext("Unknown user or wrong password."), username, next)
    session = identity.start_session(db, principal)
    target = _safe_next(next)
    if target == "/" and principal.role is not Role.OBSERVER:
        target = "/inbox"  # a working user lands on what awaits it
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="lax",
                        secure=_secure(request), max_age=int(identity.SESSION_TTL.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    with db.read() as conn:
        chosen = identity.account(conn, principal.username).language
    if chosen in LANGUAGES:  # the user's own language, chosen on another browser too
        remember_language(response, chosen)
    return response


@router.post("/language")
def choose_language(
    db: DB,
    actor: Annotated[Principal, Depends(requires(Permission.READ))],
    lang: Annotated[Language, Form()],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """The signed-in user's language, stored for them (audited) and remembered by this
    browser; back to the page it was chosen on."""
    identity.set_language(db, actor.username, lang, actor=actor)
    response = RedirectResponse(_safe_next(next), status_code=303)
    remember_language(response, lang)
    return response


@router.post("/logout")
def logout(request: Request, db: DB,
           actor: Annotated[Principal, Depends(requires(Permission.READ))]) -> Response:
    token = getattr(request.state, "session_token", None)
    if token:
        identity.end_session(db, token, actor)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request,
                  _: Annotated[Principal, Depends(requires(Permission.READ))]) -> HTMLResponse:
    """The signed-in user's form to change its password."""
    return render(request, "password.html", {"error": ""})


@router.post("/password", response_model=None)
def change_password(
    request: Request,
    db: DB,
    actor: Annotated[Principal, Depends(requires(Permission.READ))],
    current: Annotated[str, Form(max_length=1024)],
    new: Annotated[str, Form(max_length=1024)],
    repeated: Annotated[str, Form(max_length=1024)],
) -> Response:
    """The user's password replaced (audited), its other browser sessions ended; a
    refusal is said beside the form, which comes back empty."""
    try:
        passwords.change_own_password(db, actor, current, new, repeated,
                                      session_token=getattr(request.state, "session_token",
                                                            None))
    except identity.Throttled as exc:
        wait = translator(language(request))(
            "Too many failed attempts. Try again in %(minutes)s min.",
            minutes=exc.retry_after // 60 + 1)
        resp = render(request, "password.html", {"error": wait}, status_code=429)
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    except identity.IdentityError as exc:
        error = errors.translate(str(exc), language(request), labelled=True)
        return render(request, "password.html", {"error": error}, status_code=422)
    return RedirectResponse("/password?saved=1", status_code=303)
