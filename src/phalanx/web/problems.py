"""Errors as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", ""),
             "value": e.get("input") if isinstance(e.get("input"), str | int | float) else None}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['where']}: {e['message']}" for e in errors)
        return problem(422, "Invalid request", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        resp = problem(exc.status_code, _title(exc.status_code), str(exc.detail or ""),
                       instance=request.url.path)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return problem(404, "Not found", str(exc), instance=request.url.path)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return problem(403, "Forbidden", str(exc), instance=request.url.path)

    @app.exception_handler(Invalid)
    async def _invalid_input(request: Request, exc: Invalid) -> JSONResponse:
        return problem(422, "Invalid request", str(exc), instance=request.url.path,
                       errors=[{"where": exc.where, "message": exc.message}])

    @app.exception_handler(IdentityError)
    async def _identity(request: Request, exc: IdentityError) -> JSONResponse:
        return problem(422, "Invalid request", str(exc), instance=request.url.path)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> JSONResponse:
        return problem(409, "Conflict", str(exc), instance=request.url.path)

    @app.exception_handler(AuthFailed)
    async def _auth_failed(request: Request, exc: AuthFailed) -> JSONResponse:
        return problem(401, "Unauthorized", str(exc), instance=request.url.path)

    @app.exception_handler(Throttled)
    async def _throttled(request: Request, exc: Throttled) -> JSONResponse:
        resp = problem(429, "Too Many Requests", str(exc), instance=request.url.path)
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp

    @app.exception_handler(NotLoaded)
    async def _not_loaded(request: Request, exc: NotLoaded) -> JSONResponse:
        return problem(503, "No organization loaded", str(exc), instance=request.url.path)


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
