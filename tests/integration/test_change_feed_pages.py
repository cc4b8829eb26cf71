"""A client paging the change feed with a small `limit` gets at most that many items a
page, however many records one change says (a batch of a national agency's results): the
page's cursor then stands inside that change, and the next page resumes right after its
last item, none missed and none said twice."""

from __future__ import annotations

import pytest

from phalanx.services import changes
from phalanx.services import operations as ops
from phalanx.services.db import Database
from tests.integration.test_change_feed_reports import KAZ_CUSTOMS, REP_KAZ, last_entry, row


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def page(db: Database, after: str, limit: int = 100) -> tuple[list[dict[str, object]], str]:
    """What REP_KAZ is told of its reports after `after` (a cursor as the client sends it)."""
    with db.read() as conn:
        items, cursor = changes.feed(conn, actor=REP_KAZ, after=changes.cursor(after),
                                     limit=limit, kinds=("op_report",))
    return [c.model_dump() for c in items], str(cursor)


def test_a_page_holds_at_most_limit_items_and_resumes_inside_a_change(db: Database) -> None:
    start = str(last_entry(db))
    ops.ingest(db, "channel", "KAZ", "customs",
               [(n, row(f"KZ-{n}")) for n in range(2, 9)], actor=KAZ_CUSTOMS)
    sent = last_entry(db)
    whole, _ = page(db, start)
    assert len(whole) == 7 and {c["cursor"] for c in whole} == {sent}
    seen: list[str] = []
    cursor = start
    for _ in range(10):
        items, nxt = page(db, cursor, limit=3)
        assert len(items) <= 3
        if not items and nxt == cursor:
            break
        seen += [str(c["id"]) for c in items]
        cursor = nxt
    assert seen == [c["id"] for c in whole]
    assert cursor == str(sent)
    assert str(changes.cursor(str(sent))) == str(sent)
    # a page that ends inside the change says so in its cursor; a report written since
    # (a later change) comes after the rest of it, never inside it
    _, inside = page(db, start, limit=3)
    assert inside == f"{sent}:op_report:{whole[2]['id']}"
    ops.ingest(db, "channel", "KAZ", "customs", [(2, row("KZ-99"))], actor=KAZ_CUSTOMS)
    rest, _ = page(db, inside, limit=4)
    assert [c["id"] for c in rest] == [c["id"] for c in whole[3:]]
