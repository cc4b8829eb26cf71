"""What the OpenAPI document tells a machine client beyond each operation's shapes: how
to authenticate and which scope each operation needs (its `security`: the token's scope,
OpenAPI 3.1's role names of a bearer scheme), how to send a write again safely (the
`Idempotency-Key` header on every write under /api/v1), how lists come a page at a time
and how times are written."""

from __future__ import annotations

from typing import Any

from phalanx.domain.access.policy import Permission
from phalanx.services.idempotency import KEPT, MAX_KEY
from phalanx.web.idempotency import HEADER, REPLAYED, UNSAFE

DESCRIPTION = f"""\
The information system of the organization, for national systems and other machine clients.

**Authentication.** Send `Authorization: Bearer TOKEN`, a token the administrator issues
(`phalanx tokens issue USER --scope read --scope records.write --expires DAYS`) for a user:
the token acts as that user (its state, its role) and only within its scopes. Each
operation's `security` names the scope it needs (`read`, `records.write`,
`records.release`, `audit.read`, `users.manage`, `tokens.manage`); a token without it is
refused with 403, an unknown, expired or revoked one with 401 at once (an open event
stream ends at its next keep-alive, within 15 s). A record the token's user may not read
answers 404, as one that does not exist.

**Writes sent again.** Every POST, PUT, PATCH and DELETE under /api/v1 takes an optional
`{HEADER}` header (1 to {MAX_KEY} visible ASCII characters; a UUID per write). A write sent
again with the same key by the same user within {int(KEPT.total_seconds() // 3600)} hours
is not done again: the answer is the first one (its status and body, with the header
`{REPLAYED}: true`). The same key with another request (method, path, query or body) is
refused with 422; while the first request has not answered, 409 (try again). A refused
request (4xx) takes no key. The key is kept in the audit entry of the write it names.

**Answers that replace one.** A state's answer to the art. 4 obligation, its consent on its
units and its position on a draft take `If-Match: VERSION` (the `version` read) or
`If-None-Match: *` (none read): an answer given meanwhile is not replaced unseen (412,
nothing written).

**Lists.** The lists that grow (crises with `closed=true`, sessions, decisions, tasks)
come a page at a time: `limit` (100 unless given, at most 500) from `offset`; the header
`X-Total-Count` says how many there are in all.

**Changes.** `GET /api/v1/events?topic=crises&topic=decisions&topic=crisis:ID` is a
`text/event-stream` (server-sent events) with the bearer token too: each event names what
changed (`{{"topic": ..., "kind": ..., "data": {{"id": ...}}}}`) and reaches the client only
if its user may read that record; the client then reads the record. Events sent while the
client was not connected are not sent again. Polling: `GET /api/v1/crises` and
`GET /api/v1/decisions` answer the header `X-Change-Cursor`; with `changed_after=CURSOR`
they answer only the crises changed since (the ended ones too), or the decisions adopted
or published since, none missed, with the next cursor: the real ones (an exercise's only
with `exercise=true`).

**Keeping a copy.** `GET /api/v1/changes` is the one feed of every kind of record the
client reads (crises, decisions, drafts, documents, sessions, registry units and aircraft,
operation results), in commit order: without `after`, its `X-Change-Cursor` says where the
changes stand (read it before the lists); then `GET /api/v1/changes?after=CURSOR` with each
answer's cursor until one is empty. An item is `changed` (read the record at its `path`)
or `gone` (the client may no longer read it: drop the copy; nothing else is said of it).
A record the client never read, or a change while it was kept from the client, is never
said and moves no cursor.

**Times.** Every time in an answer is RFC 3339 with its offset (UTC, `Z`). A time sent
without an offset is read as UTC: send the offset (`2026-12-05T09:00:00+05:00`).

**Errors.** RFC 9457 `application/problem+json`; `errors` lists each wrong field
(`where`) with its message; every operation declares the statuses it may answer."""

BEARER = "bearer"
SESSION = "session"


def key_parameter() -> dict[str, Any]:
    return {"name": HEADER, "in": "header", "required": False,
            "description": "a key of this write, chosen by the client: the same write sent "
                           "again with it is answered as the first time and not done again",
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY,
                       "pattern": f"^[!-~]{{1,{MAX_KEY}}}$"}}


def annotate(schema: dict[str, Any], permissions: dict[tuple[str, str], Permission | None],
             problems: dict[int | str, dict[str, Any]]) -> None:
    """Add the security schemes, each operation's scope and the idempotency key (with the
    problems it may answer, `problems`) to `schema`. `permissions` maps (path, method) to
    the permission the route declares."""
    schema["info"]["description"] = DESCRIPTION
    components = schema.setdefault("components", {})
    components["securitySchemes"] = {
        BEARER: {"type": "http", "scheme": "bearer",
                 "description": "an API token (phx_...); its scopes are each operation's "
                                "`security` role names"},
        SESSION: {"type": "apiKey", "in": "cookie", "name": "phalanx_session",
                  "description": "a signed-in browser's session (writes echo its CSRF token "
                                 "in X-CSRF-Token)"},
    }
    for (path, method), permission in permissions.items():
        operation = schema["paths"][path][method]
        if permission is None or permission is Permission.PUBLIC:
            operation["security"] = [{}, {BEARER: []}, {SESSION: []}]
        else:
            operation["security"] = [{BEARER: [permission.value]}, {SESSION: []}]
            operation["x-scope"] = permission.value
        if method.upper() in UNSAFE and path.startswith("/api/v1/"):
            operation.setdefault("parameters", []).append(key_parameter())
            responses = operation["responses"]
            for status, entry in problems.items():
                responses.setdefault(str(status), entry)
