"""Errors: RFC 9457 problem details (application/problem+json) on the API, an error
page (or the login page, for 401) on the web pages; both in the request's language
(`phalanx.web.i18n.errors` translates the services' English messages)."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from phalanx.adapters.cap.parse import CapError
from phalanx.services.errors import (
    RACED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    Conflict,
    Forbidden,
    Invalid,
    InvalidRows,
    NotFound,
    Stale,
    raced,
    unavailable,
)
from phalanx.services.identity import AuthFailed, IdentityError, Throttled, UnknownUser
from phalanx.services.organization import NotLoaded
from phalanx.web.i18n import N_, plurals
from phalanx.web.i18n import errors as texts

PROBLEM = "application/problem+json"
# seconds a client waits before trying again when the database is unavailable (setting)
RETRY_UNAVAILABLE = 5
log = logging.getLogger("phalanx.web")


class ProblemError(BaseModel):
    """One thing wrong with the request: where, what, and (for input) the value sent."""

    where: str
    message: str
    value: str | int | float | bool | None = None
    line: int | None = None


class Problem(BaseModel):
    """An RFC 9457 problem: every error the API answers has this shape."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int = Field(ge=400, le=599)
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemError] | None = None


def printable(value: Any) -> Any:
    """A value fit to be sent back as UTF-8: a lone surrogate (which JSON may carry but
    UTF-8 cannot) is written as its escape, in strings, lists and dicts alike."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, list):
        return [printable(v) for v in value]
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    return value


def problem(status: int, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(printable(body), status_code=status, media_type=PROBLEM)


def status_title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def answer_language(request: Request) -> str:
    """The language an answer's texts are written in (the reader's, as its pages are; the
    source language where none is set)."""
    return _lang(request)


def _lang(request: Request) -> str:
    from phalanx.web.pages.render import language

    try:
        return language(request)
    except Exception:  # no settings (a bare app in a test): the source language
        return "en"


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _translate(request: Request, message: str) -> str:
    """A message of the services in the request's language: on a page with the labels of
    the values it names, and the bodies it names by key by their names."""
    lang, labelled = _lang(request), not _api(request)
    if not message or (lang == "en" and not labelled):
        return message
    from phalanx.web.pages.render import body_names

    try:
        bodies = body_names(request, lang)
    except Exception:  # no database (a bare app in a test): the bodies' keys
        bodies = {}
    return texts.translate(message, lang, labelled=labelled, bodies=bodies)


# fields whose form's label is not their name said as a sentence
FORM_LABELS = {"resource": N_("What is needed"),
               # the registry's forms (`forces.html`): figures labelled with their units
               "readiness_h": N_("Readiness, h"), "weight_t": N_("Weight, t"),
               "payload_t": N_("Payload, t"), "turnaround_h": N_("Turnaround, h"),
               "speed_kmh": N_("km/h"), "range_km": N_("km")}


def _field(request: Request, where: str) -> str:
    """The field a refusal names: on a page in another language than English, by its
    form's label where the catalog has one ("place": "Место"); else as the services
    name it. A page's form is one body: its fields are named without "body."."""
    if _api(request):
        return where
    where = where.removeprefix("body.")
    if _lang(request) == "en":
        return where
    from phalanx.web.i18n import translations

    label = FORM_LABELS.get(where) or where.replace("_", " ").capitalize()
    text = str(translations(_lang(request)).gettext(label))
    return text if text != label else where


def _form_page(request: Request) -> str | None:
    """The page a refused form was sent from: the path and query of the Referer (sent for
    this site's pages only, `Referrer-Policy: same-origin`), or None when the request is
    not a form sent from a page."""
    if request.method != "POST" or request.headers.get("hx-request"):
        return None  # an htmx form shows the answer in its own page
    page = same_site(request.headers.get("referer", ""))
    return None if page is None or page.startswith("/api/") else page


def same_site(url: str) -> str | None:
    """The path and query of `url` (a Referer) where its path is one of this site's
    (never "//host" or "/\\host", which a browser takes to another site), else None."""
    u = urlsplit(url)
    if not re.match(r"/(?![/\\])", u.path):
        return None
    return u.path + (f"?{u.query}" if u.query else "")


def _to_login(request: Request) -> Response:
    """The way to the login page of a page's request without a valid session, and back
    after it: to the page asked for, or to the page of the form sent (a form's address
    answers POST only), or, for htmx's request of a part of a page, to that page (htmx
    follows `HX-Redirect` with the whole page; a redirect it would follow itself and put
    the login page in the part). When a session cookie came, the session has ended (its
    time is over, or it was closed elsewhere): the login page says so, and that what was
    typed into a form is kept (static/drafts.js)."""
    from phalanx.web.auth import SESSION_COOKIE

    ended = "&ended=1" if request.cookies.get(SESSION_COOKIE) else ""
    if request.headers.get("hx-request"):
        page = urlsplit(request.headers.get("hx-current-url", ""))
        target = page.path + (f"?{page.query}" if page.query else "") \
            if re.match(r"/(?![/\\])", page.path) else "/"
        return Response(status_code=401, headers={
            "HX-Redirect": f"/login?next={quote(target, safe='/')}{ended}"})
    target = _form_page(request) or (
        request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return RedirectResponse(f"/login?next={quote(target, safe='/')}{ended}", status_code=303)


def respond(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
            *, translated: bool = False, **extra: Any) -> Response:
    """The error answer: `detail` is an English message of the services (translated here,
    and on a page written with the labels of the values it names) or, with `translated`,
    already in the request's language. The error page of a form sent from a page offers
    the way back to the form, its input kept (the browser's history), and a link to
    the page."""
    lang = _lang(request)
    if not translated:
        detail = _translate(request, detail)
    title = texts.status_title(status, lang)
    if _api(request):
        resp: Response = problem(status, title, detail, instance=request.url.path,
                                 **extra)
    elif status == 401:
        resp = _to_login(request)
    else:
        from phalanx.web.pages.render import render

        resp = render(request, "error.html", {"title": title, "status": status,
                                              "detail": printable(detail),
                                              "form_page": _form_page(request)},
                      status_code=status)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        lang = _lang(request)
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())),
             "message": texts.validation_message(e, lang),
             "value": e.get("input") if isinstance(e.get("input"), str | int | float) else None}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{_field(request, e['where'])}: {e['message']}" for e in errors)
        return respond(request, 422, detail, translated=True, errors=errors)

    @app.exception_handler(ValidationError)
    async def _model(request: Request, exc: ValidationError) -> Response:
        """A service's input built from a page's form that its model refuses (a quantity
        over its limit, a text of spaces): a 422 naming the field, as the API says it, not
        an error of the server. On the API the request's body is the model, checked before
        any service runs: a model refused there is the server's error (500)."""
        if _api(request):
            raise exc
        lang = _lang(request)
        errors = [{"where": ".".join(str(p) for p in e.get("loc", ())) or "body",
                   "message": texts.validation_message(dict(e), lang)} for e in exc.errors()]
        detail = "; ".join(f"{_field(request, e['where'])}: {e['message']}" for e in errors)
        return respond(request, 422, detail, translated=True, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(request, exc.status_code, str(exc.detail or ""), exc.headers)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return respond(request, 404, texts.not_found(exc.kind, exc.key, _lang(request)),
                       translated=True)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return respond(request, 403, str(exc))

    @app.exception_handler(Invalid)
    async def _invalid_input(request: Request, exc: Invalid) -> Response:
        if isinstance(exc, InvalidRows):
            return _invalid_rows(request, exc)
        message = _translate(request, exc.message)
        return respond(request, 422, f"{_field(request, exc.where)}: {message}",
                       translated=True, errors=[{"where": exc.where, "message": message}])

    def _invalid_rows(request: Request, exc: InvalidRows) -> Response:
        lang, labelled = _lang(request), not _api(request)
        ngettext = plurals(lang)
        errors = [{"where": f"{exc.where}: row {row}, {column}", "line": row,
                   "message": texts.translate(message, lang, labelled=labelled)}
                  for row, column, message in exc.errors]
        detail = ngettext("%(num)d of %(rows)d rows is wrong: nothing is stored",
                          "%(num)d of %(rows)d rows are wrong: nothing is stored",
                          len({row for row, _c, _m in exc.errors}), rows=exc.rows)
        notes = {"notes": [texts.translate(n, lang) for n in exc.notes]} if exc.notes else {}
        return respond(request, 422, f"{exc.where}: {detail}", translated=True,
                       rows=exc.rows, errors=errors, **notes)

    @app.exception_handler(IdentityError)
    async def _identity(request: Request, exc: IdentityError) -> Response:
        return respond(request, 422, str(exc))

    @app.exception_handler(UnknownUser)
    async def _unknown_user(request: Request, exc: UnknownUser) -> Response:
        return respond(request, 404, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return respond(request, 412 if isinstance(exc, Stale) else 409, str(exc))

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> Response:
        if raced(exc):  # rolled back whole: the loser of a race tries again
            return respond(request, 409, RACED_MESSAGE)
        if unavailable(exc):  # one line in the log, not a traceback a request
            said = (str(exc.orig or exc).strip().splitlines() or [""])[0]
            log.warning("database unavailable", extra={"fields": {
                "path": request.url.path, "error": f"{type(exc.orig).__name__}: {said}"}})
            return respond(request, 503, UNAVAILABLE_MESSAGE,
                           {"Retry-After": str(RETRY_UNAVAILABLE)})
        raise exc

    @app.exception_handler(AuthFailed)
    async def _auth_failed(request: Request, exc: AuthFailed) -> Response:
        return respond(request, 401, str(exc))

    @app.exception_handler(Throttled)
    async def _throttled(request: Request, exc: Throttled) -> Response:
        return respond(request, 429, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(CapError)
    async def _cap(request: Request, exc: CapError) -> Response:
        return respond(request, 422, str(exc), errors=[
            {"where": p.path, "message": p.message, "line": p.line} for p in exc.problems])

    @app.exception_handler(NotLoaded)
    async def _not_loaded(request: Request, exc: NotLoaded) -> Response:
        return respond(request, 503, str(exc))
