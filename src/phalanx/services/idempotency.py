"""Idempotency keys: a machine client that sends a write again after a timeout (it never
saw the answer) must not create the record twice. The client names each write with an
`Idempotency-Key` header; the key is taken, per user, in the very transaction of the
write it names (a unique key: of two requests racing with one key, one writes and the
other is refused with nothing written), sealed into that write's audit entries
(`idempotency_key` in their change), and the answer given is kept beside it. A request
sent again with the same key is answered with that first answer and writes nothing; the
same key with another request (method, path, query or body) is refused.

The web layer announces the key of the request being served (`begin`); the transaction
takes it (`claim`, from `Database.write`); the web layer keeps the answer (`keep`)."""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import WRITE
from phalanx.services.clock import aware, now

KEPT = timedelta(hours=24)  # setting: how long a key and its answer are kept
MAX_KEY = 255
MAX_KEPT_BODY = 1_000_000  # an answer longer than this is not kept (a retry is then refused)


@dataclass
class Pending:
    """The key of the request being served, until a write takes it."""

    user_id: int
    key: str
    method: str
    path: str
    fingerprint: str
    claimed_id: int | None = None


@dataclass(frozen=True)
class Taken:
    """A key already taken: the request it named and, once given, its answer."""

    id: int
    method: str
    path: str
    fingerprint: str
    created_at: datetime
    status: int | None
    content_type: str | None
    body: str | None
    location: str | None = None


_current: ContextVar[Pending | None] = ContextVar("idempotency_pending", default=None)


def key_problem(key: str) -> str | None:
    """Why `key` cannot be an idempotency key, or None."""
    if not 1 <= len(key) <= MAX_KEY:
        return f"between 1 and {MAX_KEY} characters"
    if not all(0x21 <= ord(c) <= 0x7E for c in key):
        return "visible ASCII characters only (a UUID is a good key)"
    return None


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def taken(conn: Connection, user_id: int, key: str) -> Taken | None:
    """The key as `user_id` took it within `KEPT`, or None."""
    k = t.idempotency_key.c
    row = conn.execute(select(t.idempotency_key).where(
        k.user_id == user_id, k.key == key, k.created_at > now() - KEPT)).first()
    if row is None:
        return None
    return Taken(row.id, row.method, row.path, row.fingerprint, aware(row.created_at),
                 row.status, row.content_type, row.body, row.location)


def begin(pending: Pending | None) -> Any:
    """Announce the key of the request being served (None: none); returns the token to
    `end` with."""
    return _current.set(pending)


def end(token: Any) -> None:
    _current.reset(token)


def current() -> Pending | None:
    return _current.get()


def claim(conn: Connection) -> str | None:
    """Take the announced key in this write transaction (once per request; a write that
    is rolled back gives it up: `Database.write`); returns the key its audit entries carry."""
    pending = _current.get()
    if pending is None:
        return None
    if pending.claimed_id is not None:
        return pending.key
    k = t.idempotency_key.c
    at = now()
    conn.execute(delete(t.idempotency_key).where(  # the expired ones
        k.user_id == pending.user_id, k.created_at <= at - KEPT))
    pending.claimed_id = conn.execute(insert(t.idempotency_key).values(
        user_id=pending.user_id, key=pending.key, method=pending.method, path=pending.path,
        fingerprint=pending.fingerprint, created_at=at,
    ).returning(k.id)).scalar_one()
    return pending.key


def keep(engine: Engine, key_id: int, status: int, content_type: str, body: bytes,
         location: str | None = None) -> None:
    """Keep the answer a key's write was given (committed with the key), for its retries
    (`location`: where a page form's answer sent the browser): no record changes here, so
    no audit entry."""
    if len(body) > MAX_KEPT_BODY:
        return
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        conn.execute(update(t.idempotency_key).where(t.idempotency_key.c.id == key_id)
                     .values(status=status, content_type=content_type[:200],
                             body=body.decode("utf-8", errors="replace"),
                             location=location))
