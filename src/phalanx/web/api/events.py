"""Server-sent events: open pages follow a topic (a session, a draft, a crisis, or a
broad one such as `crises`) and are told at once when something in it changes. The
event says what changed; the page then fetches it through the normal, access-checked
routes. A topic naming a record the reader may not read is refused like the record (404);
on every topic, each event reaches the page only if the reader may read what it
announces (the bus applies the access policy per subscriber). An open stream reads its
reader's credentials again while it runs (`RECHECK_S`) and ends with its session."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.exc import DBAPIError

from phalanx.adapters.events import EventBus
from phalanx.domain.access.policy import read_scope
from phalanx.services import decisions as dec
from phalanx.services.errors import unavailable
from phalanx.web.auth import Reader, signed_in_now
from phalanx.web.deps import DB

log = logging.getLogger("phalanx.web")
router = APIRouter(tags=["events"])

PUBLIC_TOPICS = {"sessions", "decisions", "tasks", "crises"}
KEEPALIVE_S = 15.0
# how long an open stream trusts its reader's credentials before reading them again: at
# each keep-alive, and before an event when they were last read longer ago than this; a
# stream whose session has ended (logout, its time over), whose token is revoked or whose
# reader changed (its account or its state's membership) ends
RECHECK_S = 5.0


def check_topic(db: DB, topic: str, actor: Reader) -> None:
    """A topic naming a record is followed only by those who may see the record."""
    kind, _, ident = topic.partition(":")
    if topic in PUBLIC_TOPICS:
        return
    if not (ident.isascii() and ident.isdigit() and len(ident) <= 10
            and 1 <= int(ident) <= 2_147_483_647):
        ident = ""  # not an id a record can have: an unknown topic
    with db.read() as conn:
        if kind == "draft" and ident.isdigit():
            dec.get_draft(conn, int(ident), actor=actor)
            return
        if kind == "crisis" and ident.isdigit():
            from phalanx.services import crises

            crises.get(conn, int(ident), actor=actor)
            return
        if kind == "session" and ident.isdigit():
            dec.get_meeting(conn, int(ident), actor=actor)
            return
    from phalanx.services.errors import Invalid

    raise Invalid("topic", f"unknown topic {topic!r}")


@router.get("/events", response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def events(request: Request, actor: Reader, db: DB,
                 topic: Annotated[list[str], Query(max_length=20)]) -> StreamingResponse:
    if any(len(t) > 100 for t in topic):
        from phalanx.services.errors import Invalid

        raise Invalid("topic", "a topic is at most 100 characters")
    for t in topic:
        if t not in PUBLIC_TOPICS:  # a record's topic: its access check reads the database
            await asyncio.to_thread(check_topic, db, t, actor)
    bus: EventBus = request.app.state.bus
    sub = bus.subscribe(set(topic), read_scope(actor))

    loop = asyncio.get_running_loop()

    async def still_signed_in() -> bool:
        """Whether the reader's credentials still hold; the database away, they cannot be
        read again, and the stream ends (one line in the log, as a request's 503 has):
        the page connects again once it is back."""
        try:
            return await asyncio.to_thread(signed_in_now, request) == actor
        except DBAPIError as exc:
            if not unavailable(exc):
                raise
            said = (str(exc.orig or exc).strip().splitlines() or [""])[0]
            log.warning("database unavailable", extra={"fields": {
                "path": request.url.path, "error": f"{type(exc.orig).__name__}: {said}"}})
            return False

    async def stream() -> AsyncIterator[str]:
        try:
            yield ": connected\n\n"
            checked = loop.time()
            while not await request.is_disconnected():
                try:
                    async with asyncio.timeout(KEEPALIVE_S):  # no task per wait
                        event = await sub.queue.get()
                except TimeoutError:
                    if not await still_signed_in():
                        return
                    checked = loop.time()
                    yield ": keepalive\n\n"
                    continue
                if loop.time() - checked >= RECHECK_S:
                    if not await still_signed_in():
                        return
                    checked = loop.time()
                yield event.sse()
        finally:
            sub.close()

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store", "x-accel-buffering": "no"})
