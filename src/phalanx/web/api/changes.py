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
                after: Annotated[str | None, Query(pattern=changes.CURSOR, description=(
                    "the X-Change-Cursor of the previous answer (0: from the start; a "
                    "number, or NUMBER:KIND:ID when a page ended inside an entry of many "
                    "items); without it, no changes, only the cursor where they stand "
                    "now"))] = None,
                kind: Annotated[list[changes.Kind] | None, Query(
                    max_length=8, description="only these kinds of record")] = None,
                limit: Annotated[int, Query(ge=1, le=1000, description=(
                    "at most this many items"))] = 100
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
    stretch read, or the `after` sent when nothing more has committed.

    A page holds at most `limit` items. One change may say many records (a state's release
    of its operation reports, a batch of results): a page that ends inside it answers the
    cursor `ENTRY:KIND:ID` of its last item, and the next page resumes right after that
    item, in the same order whatever was written meanwhile.

    The reader's own reading narrows or widens too, with no record re-marked: its state's
    membership ends (a withdrawal takes effect) or begins again, the user's appointment
    ends (its token then reads as the public) or a new term is set. At the first change
    from that day on the feed says `gone` for each record the reader read and no longer
    reads, `changed` for each it now reads. The feed's reader is the token's user:
    a new representative's token reads as its state from where the last one's cursor
    stood (switch to it before acting on the old token's `gone`).

    A draft's fate (adopted, returned, withdrawn, revised, re-marked) and its decision's
    adoption, re-marking and publication say too each crisis whose file holds the draft,
    to the draft's (or decision's) readers. The answer is never cached (`Cache-Control:
    no-store`, no ETag) and counts nothing (no X-Total-Count): the cursor says where it
    stands."""
    kinds = tuple(kind) if kind else changes.KINDS
    if after is None:
        response.headers["X-Change-Cursor"] = str(changes.position(conn, actor=actor,
                                                                   kinds=kinds))
        return []
    items, cursor = changes.feed(conn, actor=actor, after=changes.cursor(after), limit=limit,
                                 kinds=kinds)
    response.headers["X-Change-Cursor"] = str(cursor)
    return items
