"""Errors: RFC 9457 problem details (application/problem+json) on the API, an error
page (or the login page, for 401) on the web pages."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from phalanx.adapters.cap.parse import CapError
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.identity import AuthFailed, IdentityError, Throttled
from phalanx.services.organization import NotLoaded

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str = "", **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def respond(request: Request, status: int, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> Response:
    if request.url.path.startswith("/api/"):
        resp: Response = problem(status, _title(status), detail, instance=request.url.path,
                                 **extra)
    elif status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        resp = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    else:
        from phalanx.web.pages.render import render

        resp = render(request, "error.html", {"title": f"{status} {_title(status)}",
                                              "detail": detail}, status_code=status)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
             "value": e.get("input") if isinstance(e.get("input"), str | int | float) else None}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['where']}: {e['message']}" for e in errors)
        return respond(request, 422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return respond(request, exc.status_code, str(exc.detail or ""), exc.headers)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return respond(request, 404, str(exc))

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return respond(request, 403, str(exc))

    @app.exception_handler(Invalid)
    async def _invalid_input(request: Request, exc: Invalid) -> Response:
        return respond(request, 422, str(exc),
                       errors=[{"where": exc.where, "message": exc.message}])

    @app.exception_handler(IdentityError)
    async def _identity(request: Request, exc: IdentityError) -> Response:
        return respond(request, 422, str(exc))

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return respond(request, 409, str(exc))

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
