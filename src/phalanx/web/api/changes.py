"""The change feed under /api/v1/changes: what a national system needs to keep its copy of
everything its state reads, without reading everything again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from phalanx.services import changes
from phalanx.web.auth import Reader
from phalanx.web.deps import Conn

router = APIRouter(tags=["changes"])


@router.get("/changes", response_model=list[changes.ChangeOut])
def change_feed(response: Response, actor: Reader, conn: Conn,
                after: Annotated[int | None, Query(ge=0, le=2**62, description=(
                    "the X-Change-Cursor of the previous answer (0: from the start); "
                    "without it, no changes, only the cursor where they stand now"))] = None,
                kind: Annotated[list[changes.Kind] | None, Query(
                    max_length=8, description="only these kinds of record")] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100
                ) -> list[changes.ChangeOut]:
    """What changed after the cursor `after`, of the records the reader may read (crises,
    decisions, drafts, documents, sessions, registry units and aircraft, operation
    results), oldest first, in the order the changes committed: none missed however the
    writes interleave, each record once a page (at its last change). An item says the
    record's `kind`, `id`, `change` and, for a changed one, its `path`: read it there.

    `gone` says the reader may no longer read the record (re-marked for fewer, restricted
    away from its state): drop the copy. It says nothing else, never what the record
    became; a record the reader never read, and the changes of one while it is kept from
    the reader, are not in the feed and move no cursor. An exercise's records never are.

    Start with `GET /changes` (no `after`): its X-Change-Cursor says where the changes
    stand; read the lists, then poll `GET /changes?after=CURSOR` with the X-Change-Cursor
    of each answer until an answer is empty and its X-Change-Cursor is the `after` sent.
    One answer reads a bounded stretch of the changes (up to a fixed step past `after`):
    an empty answer whose X-Change-Cursor moved says only that the stretch held nothing
    for the reader; the header is the cursor of the page's last item, or the end of the
    stretch read, or the `after` sent when nothing more has committed."""
    kinds = tuple(kind) if kind else changes.KINDS
    if after is None:
        response.headers["X-Change-Cursor"] = str(changes.position(conn, actor=actor,
                                                                   kinds=kinds))
        return []
    items, cursor = changes.feed(conn, actor=actor, after=after, limit=limit, kinds=kinds)
    response.headers["X-Change-Cursor"] = str(cursor)
    return items
