"""The `Idempotency-Key` header of the API's writes (`services.idempotency`): a POST, PUT,
PATCH or DELETE under /api/v1 that carries one is served once per user and key. Sent
again with the same key, it is answered with the first answer (its status and body, with
`Idempotent-Replayed: true`) and writes nothing; a key used for another request is refused
(422); a key whose first request has not answered yet is refused (409: try again).

A page form is served the same way, its own token (`web.form_token`) with what it sends
as its key (`page_key`): sent again unchanged (a double tap, a resend after a timeout) it
is answered with the first answer (the redirect to the record it made), waiting for it if
the first is still being served, and writes nothing; sent changed, it is another request,
with a key of its own."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phalanx.services import idempotency
from phalanx.web import auth
from phalanx.web.form_token import form_token
from phalanx.web.problems import same_site
from phalanx.web.request_body import read_body

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API = "/api/v1/"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
PAGE_PREFIX = "form:"  # a page form's token, as a key: never one an API client chose
PAGE_WAIT = 10.0  # setting: seconds a form sent again waits for the first one's answer
PAGE_POLL = 0.1


def page_key(token: str, sent_print: str) -> str:
    """A page form's key: its token with what it sends. Sent again unchanged, the same
    key, answered as the first time; sent changed (back to the form the browser kept, its
    token with it, a word changed), another key, so that the changed form sent twice acts
    once too."""
    digest = hashlib.sha256(f"{token}\0{sent_print}".encode()).hexdigest()
    return PAGE_PREFIX + digest


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope.get("headers", []):
        if k == name:
            return str(v.decode("latin-1"))
    return None


async def _problem(send: Send, status: int, detail: str, path: str) -> None:
    title = {400: "Bad Request", 409: "Conflict", 422: "Unprocessable Content"}[status]
    body = json.dumps({"type": "about:blank", "title": title, "status": status,
                       "detail": detail, "instance": path,
                       "errors": [{"where": f"header {HEADER}", "message": detail}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _principal_id(scope: Scope) -> int | None:
    """The requesting user's id, or None (no credentials, or refused: the route says so)."""
    try:
        principal = auth.identify(Request(scope))
    except auth.NotAuthenticated:  # the route answers the bad credentials itself
        return None
    return principal.user_id if principal is not None else None


def _taken(scope: Scope, user_id: int, key: str) -> idempotency.Taken | None:
    with scope["app"].state.db.read() as conn:
        return idempotency.taken(conn, user_id, key)


def _keep(scope: Scope, key_id: int, status: int, content_type: str, body: bytes,
          location: str | None = None) -> None:
    """Keep the answer: if that fails, a retry is told the write stands (409), or taken
    back to the page of the form."""
    try:
        idempotency.keep(scope["app"].state.db.engine, key_id, status, content_type, body,
                         location)
    except DBAPIError:
        log.warning("idempotency answer not kept", extra={"fields": {"key_id": key_id}})


class IdempotencyKeys:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        page = not path.startswith(API)
        if page:
            content_type = _header(scope, b"content-type") or ""
            if not content_type.lower().startswith(FORMS):
                await self.app(scope, receive, send)
                return
        else:
            key = _header(scope, b"idempotency-key")
            if key is None:
                await self.app(scope, receive, send)
                return
            if problem := idempotency.key_problem(key):
                await _problem(send, 400, f"{HEADER}: {problem}", path)
                return
        read = await read_body(receive)
        if read is None:
            return  # the client went away
        body, replay = read
        if page:
            token = form_token(content_type, body)
            if token is None or idempotency.key_problem(PAGE_PREFIX + token):
                await self.app(scope, replay, send)  # a form without its token: as sent
                return
        user_id = await run_in_threadpool(_principal_id, scope)
        if user_id is None:
            await self.app(scope, replay, send)
            return
        sent_print = idempotency.fingerprint(scope["method"], path,
                                         scope.get("query_string", b""), body)
        if page:
            key = page_key(token or "", sent_print)
        taken = await run_in_threadpool(_taken, scope, user_id, key)
        if taken is not None and page:
            if taken.fingerprint != sent_print:  # (the key holds what it sends) another
                await self.app(scope, replay, send)
            else:
                await _page_again(scope, send, user_id, key, taken)
            return
        if taken is not None:
            await self._again(send, taken, sent_print, key, path)
            return
        pending = idempotency.Pending(user_id, key, scope["method"], path, sent_print)
        started: dict[str, Any] = {}
        sent: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                sent.append(message.get("body", b""))
            if not page:  # a page's answer is held until its key is settled
                await send(message)

        token_set = idempotency.begin(pending)
        try:
            await self.app(scope, replay, keeping)
        finally:
            idempotency.end(token_set)
        status = int(started.get("status", 500))
        headers = started.get("headers", [])
        if page and pending.claimed_id is None and status == 409:
            # the same form sent at the same moment took the key first: its answer
            again = await run_in_threadpool(_taken, scope, user_id, key)
            if again is not None and again.fingerprint == sent_print:
                await _page_again(scope, send, user_id, key, again)
                return
        if pending.claimed_id is not None and (200 <= status < 300 or (
                page and 300 <= status < 400)):
            content_type = next((v.decode("latin-1") for k, v in headers
                                 if k == b"content-type"), "")
            location = next((v.decode("latin-1") for k, v in headers
                             if k == b"location"), None)
            await run_in_threadpool(_keep, scope, pending.claimed_id, status, content_type,
                                    b"".join(sent), location)
        if page:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"".join(sent)})

    @staticmethod
    async def _again(send: Send, taken: idempotency.Taken, sent_print: str, key: str,
                     path: str) -> None:
        """A key already taken: the first answer again, or why not."""
        if taken.fingerprint != sent_print:
            await _problem(send, 422, f"{HEADER} {key!r} was used at "
                           f"{taken.created_at.isoformat()} for another request "
                           f"({taken.method} {taken.path}): a new request needs a new key",
                           path)
            return
        if taken.status is None or taken.body is None:
            await _problem(send, 409, f"the request with {HEADER} {key!r}, taken at "
                           f"{taken.created_at.isoformat()}, has no answer kept (it is "
                           "still being served, or its answer was not kept): what it wrote "
                           "stands; read the record before sending anything new", path)
            return
        body = taken.body.encode()
        await send({"type": "http.response.start", "status": taken.status,
                    "headers": [(b"content-type", (taken.content_type or "").encode()),
                                (b"content-length", str(len(body)).encode()),
                                (REPLAYED.lower().encode(), b"true")]})
        await send({"type": "http.response.body", "body": body})


async def _page_again(scope: Scope, send: Send, user_id: int, key: str,
                      taken: idempotency.Taken) -> None:
    """A page form sent again: its first answer (most often, to the record it made), once
    given (a double tap: the first is still being served); if none is kept, back to the
    page the form was on, where what the first one wrote shows."""
    loop = asyncio.get_running_loop()
    until = loop.time() + PAGE_WAIT
    while taken.status is None and loop.time() < until:
        await asyncio.sleep(PAGE_POLL)
        taken = await run_in_threadpool(_taken, scope, user_id, key) or taken
    if taken.status is None:
        target = same_site(_header(scope, b"referer") or "/") or "/"
        taken = idempotency.Taken(taken.id, taken.method, taken.path, taken.fingerprint,
                                  taken.created_at, 303, "", "", target)
    body = (taken.body or "").encode()
    headers = [(b"content-type", (taken.content_type or "").encode()),
               (b"content-length", str(len(body)).encode()),
               (REPLAYED.lower().encode(), b"true")]
    if taken.location:
        headers.append((b"location", taken.location.encode("latin-1", errors="replace")))
    await send({"type": "http.response.start", "status": taken.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
