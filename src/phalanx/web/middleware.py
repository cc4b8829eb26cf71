"""ASGI middleware: body size limit, the NUL character refused, security headers."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from phalanx.web.request_body import read_body

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413: at once when Content-Length
    says so, otherwise as soon as the streamed body passes the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > self.limit:
                    await _too_large(send, self.limit)
                    return
        seen = 0
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    if not started:
                        await _too_large(send, self.limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app answers is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"type": "about:blank", "title": "Content Too Large", "status": 413,
                       "detail": f"request bodies are limited to {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# the character no text of the application holds: PostgreSQL refuses it in a text column
# (the request would fail there with a server error, and pass on SQLite), XML cannot hold it
NUL = "\x00"
NUL_MESSAGE = "the character U+0000 (NUL) is not accepted in a text"
_CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _nul_in(value: Any, where: str) -> str | None:
    """Where in a JSON value a text (a key or a string) holds NUL, or None."""
    if isinstance(value, str):
        return where if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                return where
            if found := _nul_in(item, f"{where}.{key}"):
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            if found := _nul_in(item, f"{where}.{n}"):
                return found
    return None


def _nul_in_pairs(text: str, where: str) -> str | None:
    from urllib.parse import parse_qsl

    for key, value in parse_qsl(text, keep_blank_values=True):
        if NUL in key:
            return where
        if NUL in value:
            return f"{where}.{key}"
    return None


class RefuseNul:
    """Refuse a request whose path, query or body (JSON, or a form's fields) holds the NUL
    character with 422, naming where, before the application reads any of it: the same
    answer on every database (a file uploaded as multipart is read by its own reader)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = "path" if NUL in scope.get("path", "") else _nul_in_pairs(
            scope.get("query_string", b"").decode("latin-1"), "query")
        content_type = next((v.decode("latin-1").split(";")[0].strip().lower()
                             for k, v in scope.get("headers", []) if k == b"content-type"), "")
        if where is None and content_type in _CHECKED_BODIES:
            read = await read_body(receive)
            if read is None:
                return  # the client went away
            body, receive = read
            where = _nul_in_body(body, content_type)
        if where is not None:
            await _unprocessable(send, where, scope.get("path", ""))
            return
        await self.app(scope, receive, send)


def _nul_in_body(body: bytes, content_type: str) -> str | None:
    if content_type == "application/json":
        try:
            return _nul_in(json.loads(body), "body")
        except ValueError:
            return None  # not JSON: the application says so
    return _nul_in_pairs(body.decode("latin-1"), "body")


async def _unprocessable(send: Send, where: str, path: str) -> None:
    body = json.dumps({"type": "about:blank", "title": "Unprocessable Content", "status": 422,
                       "detail": f"{where}: {NUL_MESSAGE}",
                       "instance": path.replace(NUL, ""),
                       "errors": [{"where": where, "message": NUL_MESSAGE}]}).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _authenticated(scope: Scope) -> bool:
    """The request carries credentials: an API token or a session cookie."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return True
        if name == b"cookie" and b"phalanx_session=" in value:
            return True
    return False


def csp(tile_url: str = "") -> str:
    """The Content-Security-Policy: everything from the installation itself, and map
    tiles from the tile server when one is set (`Settings.map_tile_url`)."""
    if not tile_url:
        return CSP
    from urllib.parse import urlsplit

    parts = urlsplit(tile_url.replace("{s}", "*"))  # Leaflet's subdomains: any
    return CSP.replace("img-src 'self' data:", f"img-src 'self' data: {parts.scheme}://"
                                               f"{parts.netloc}")


def _vary(headers: list[Any], names: bytes) -> list[Any]:
    """`headers` with `names` added to their Vary header (one is made when there is none)."""
    old = b", ".join(v for k, v in headers if k.lower() == b"vary")
    kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*kept, (b"vary", old + b", " + names if old else names)]


# what is the same for every reader, signed in or not, in every language: the static
# files and the maps' base layer (public shapes of the countries, 220 kB packed, on every
# map a phone opens); these keep their own caching and vary by neither
PUBLIC_PATHS = ("/static/", "/maps/land.geojson")


def _public(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(PUBLIC_PATHS)


class SecurityHeaders:
    """Security headers on every answer, `Cache-Control: no-store` on every answer to a
    request that carries credentials, and `Vary: Accept-Language, Cookie` (the public
    files, `PUBLIC_PATHS`, excepted)."""

    def __init__(self, app: ASGIApp, hsts: bool = False, tile_url: str = "") -> None:
        self.app, self.hsts, self.csp = app, hsts, csp(tile_url).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "").startswith("/api/v1/docs")
        public = _public(scope)
        private = _authenticated(scope) and not public

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                extra = {
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"same-origin",
                    b"x-frame-options": b"DENY",
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if not docs:  # the OpenAPI explorer loads its own scripts
                    extra[b"content-security-policy"] = self.csp
                if self.hsts or scope.get("scheme") == "https":
                    extra[b"strict-transport-security"] = b"max-age=31536000; includeSubDomains"
                if private or any(k.lower() == b"set-cookie" for k, _ in headers):
                    # what a user may read, or a new session, stays out of every cache
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    extra[b"cache-control"] = b"no-store"
                if not public:
                    # pages and problem details speak the language of these two
                    headers = _vary(headers, b"Accept-Language, Cookie")
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
