"""Health and readiness, a request id on every request and response, and structured
JSON logs that carry it."""

from __future__ import annotations

import contextvars
import json
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phalanx.adapters.db.migrate import is_current
from phalanx.domain.access.policy import Permission
from phalanx.services import organization as orgs
from phalanx.web.auth import requires

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("phalanx.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            # in UTC with its offset, whatever the server's zone (as every time it answers)
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="seconds"),
            "level": record.levelname,
            "logger": record.name, "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = name != "uvicorn.access"  # ours replaces it
    # the readiness probe asks Alembic whether the schema is at head: without this, two
    # lines of its own ("Context impl ...", "Will assume ...") at every probe
    logging.getLogger("alembic").setLevel(logging.WARNING)


class RequestId:
    """Take X-Request-ID from the proxy or make one; echo it; log one line a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode()[:64]
        rid = incoming if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 500

        async def with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, with_id)
        finally:
            access_log.info("request", extra={"fields": {
                "method": scope.get("method"), "path": scope.get("path"), "status": status,
                "ms": round((time.perf_counter() - start) * 1000, 1)}})
            request_id.reset(token)


router = APIRouter(tags=["health"], dependencies=[Depends(requires(Permission.PUBLIC))])


@router.get("/healthz", response_model=dict[str, str])
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


class DueOut(BaseModel):
    """The server's own periodic work (`services/due.py`): informative, it decides no
    readiness."""

    every_seconds: float  # 0: off, left to a timer
    last_round: datetime | None = None  # None: none yet since the server started
    result: str | None = None  # ok, done by another instance, or what failed


class ReadyOut(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str]
    due: DueOut


@router.get("/readyz", response_model=ReadyOut,
            responses={503: {"model": ReadyOut, "description": "Not ready; `checks` says why"}})
def ready(request: Request) -> JSONResponse:
    """The database answers, its schema is current and an organization is loaded."""
    db = request.app.state.db
    checks: dict[str, str] = {}
    try:
        with db.read() as conn:
            conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            try:
                orgs.organization(conn)
                checks["organization"] = "ok"
            except orgs.NotLoaded:
                checks["organization"] = "not loaded"
        checks["migrations"] = "ok" if is_current(db.engine) else "not at head"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values()) and len(checks) == 3
    at, result = getattr(request.app.state, "due_round", (None, None))
    due = DueOut(every_seconds=request.app.state.settings.due_seconds, last_round=at,
                 result=result)
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks,
                         "due": due.model_dump(mode="json")},
                        status_code=200 if ok else 503)
