"""One call of the change feed reads a bounded stretch of the audit trail (up to the next
multiple of `access_changes.SPAN` after its cursor), so that a reader told of little (an
observer, a state whose records are few) cannot make every call read the whole trail;
polling on from each answer's X-Change-Cursor still misses nothing, and an empty answer
moves the cursor only to that multiple, once the trail has reached it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db import access_changes
from phalanx.domain.access.principal import SYSTEM
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import document, poll
from tests.support.sessions import bearer

SPAN = 40


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


@pytest.fixture(autouse=True)
def _short_span(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_changes, "SPAN", SPAN, raising=False)


def changes_of_others(db: Database, n: int) -> None:
    """`n` entries of changes no observer is told of (units it may not read)."""
    with db.write(SYSTEM) as w:
        for i in range(n):
            w.audit("forces.unit.update", "force_unit", f"kept-{i}", {})


def test_a_reader_told_of_nothing_reads_a_bounded_stretch_a_call(
        api: TestClient, db: Database) -> None:
    observer, rus = bearer(db, "observer"), bearer(db, "rep-rus")
    _, start = poll(api, observer, None)
    changes_of_others(db, 3 * SPAN)
    # where its changes stand: the last multiple of SPAN the trail reached, not found by
    # reading the trail back to its start
    _, now = poll(api, observer, None)
    assert now > start and now % SPAN == 0
    doc = document(api, rus, "RUS", marking="PUBLIC")
    # the first answer reads up to the next multiple of SPAN: nothing, the cursor moved
    assert poll(api, observer, start) == ([], (start // SPAN + 1) * SPAN)
    # polled on, the public document is said once, and the last answer leaves the cursor
    seen, cursor, calls = [], start, 0
    while True:
        said, nxt = poll(api, observer, cursor)
        calls += 1
        seen += said
        if not said and nxt == cursor:
            break
        assert nxt > cursor
        cursor = nxt
    assert seen == [("document", str(doc), "changed")]
    assert 3 <= calls <= 6
    # past the last change, nothing more has committed: the cursor stays where it was
    # (the trail's end is not told)
    assert poll(api, observer, cursor) == ([], cursor)


def test_a_full_page_keeps_its_cursor_at_its_last_change(api: TestClient,
                                                         db: Database) -> None:
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    _, start = poll(api, kaz, None)
    docs = [document(api, rus, "RUS") for _ in range(3)]
    said, cursor = poll(api, kaz, start, limit=2)
    assert [i for _, i, _ in said] == [str(d) for d in docs[:2]]
    said, _ = poll(api, kaz, cursor, limit=2)
    assert [i for _, i, _ in said] == [str(docs[2])]
