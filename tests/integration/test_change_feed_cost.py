"""What a call of the change feed reads, on a trail of any length: a steady poll reads
only the entries since its cursor, never the whole trail (the moments its reader's reading
changed are found once); a page inside the entry where the reader's reading narrowed reads
the records from its cursor on, not every record of every kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, func, insert, select

from phalanx.adapters.db import access_readers, audit_store
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import changes, documents
from phalanx.services.db import Database

RUS = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")


def steps(conn: Connection, call: Callable[[], object]) -> int:
    """How much SQLite works through `call` (its virtual machine's steps, in tens: fine
    enough that a few steps more or less do not cross a whole unit of a small cost)."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    raw = conn.connection.dbapi_connection
    raw.set_progress_handler(tick, 10)  # type: ignore[union-attr]
    try:
        call()
    finally:
        raw.set_progress_handler(None, 10)  # type: ignore[union-attr]
    return count[0]


def entries(db: Database, n: int, kind: str, target: str) -> None:
    """`n` more entries in the trail, each a change of record `target` of `kind`."""
    if not n:
        return
    with db.engine.begin() as conn:
        first = conn.execute(select(func.max(t.audit_log.c.id))).scalar_one() + 1
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        conn.execute(insert(t.audit_log), [
            {"id": i, "at": at, "actor": "rep-rus", "role": "representative",
             "acting_for": "RUS", "action": f"{kind}.update", "target_kind": kind,
             "target_id": target, "change": "{}", "prev_hash": f"{i - 1:064x}",
             "hash": f"{i:064x}"} for i in range(first, first + n)])


@pytest.fixture
def trail(accounts_db: Database, monkeypatch: pytest.MonkeyPatch
          ) -> tuple[Database, Principal, Callable[[], int]]:
    """A representative (KAZ's) whose appointment ended three days ago, documents of the
    member states before its end and one after (where its reading narrows)."""
    # at noon UTC, on the same day where the Secretariat sits whatever the hour the test
    # runs (the reading narrows at the start of that organization's next day)
    days_ago = (datetime.now(UTC) - timedelta(days=3)).replace(hour=12, minute=0)
    monkeypatch.setattr(audit_store, "now_iso",
                        lambda: (days_ago - timedelta(days=1)).isoformat(
                            timespec="microseconds"))

    def document(marking: str = "ORGANIZATION") -> int:
        return documents.create(accounts_db, documents.DocumentIn.model_validate({
            "owner_kind": "state", "owner": "RUS", "title": "Border situation",
            "marking": marking}), actor=RUS).id

    for n in range(30):
        document("PUBLIC" if n % 3 == 0 else "ORGANIZATION")
    monkeypatch.undo()
    kaz = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ",
                    acts_until=(days_ago - timedelta(days=1)).date())
    return accounts_db, kaz, document


def test_a_steady_poll_reads_no_trail_in_full(trail: Any) -> None:
    """However long the trail (of anything, of records of the kinds the feed tells
    included), a poll from the head costs about the same."""
    db, kaz, document = trail
    document()  # where KAZ's reading narrowed
    national = str(document("NATIONAL"))  # RUS's own, which KAZ never read
    costs = []
    for more in (0, 3000):
        entries(db, more, "user", "1")  # users signing in
        entries(db, more, "document", national)
        with db.engine.connect() as conn:
            at = changes.position(conn, actor=RUS)
            for reader in (kaz, RUS):  # the first call after the trail grew reads what grew
                changes.feed(conn, actor=reader, after=at, limit=100)
            costs.append(steps(conn, lambda: [
                changes.feed(conn, actor=reader, after=at, limit=100)
                for reader in (kaz, RUS)]))
    assert costs[1] < costs[0] * 1.5, costs


def test_a_page_inside_a_narrowing_reads_from_its_cursor_on(
        trail: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paged a few at a time, the narrowing says what one call says; and a page costs
    what its few records cost, not every record of every kind again."""
    db, kaz, document = trail
    monkeypatch.setattr(access_readers, "CHUNK", 5, raising=False)
    with db.engine.connect() as conn:
        start = changes.position(conn, actor=kaz)
    document()  # where KAZ's reading narrowed
    with db.engine.connect() as conn:
        whole, _ = changes.feed(conn, actor=kaz, after=start, limit=10_000)
        assert len(whole) > 20 and {c.change for c in whole} == {"gone"}
        paged, cursor = [], changes.cursor(str(start))
        while True:
            items, cursor = changes.feed(conn, actor=kaz, after=cursor, limit=3)
            if not items:
                break
            paged += items
        assert paged == whole
        inside = changes.feed(conn, actor=kaz, after=start, limit=3)[1]
        assert inside.within is not None
        one = steps(conn, lambda: changes.feed(conn, actor=kaz, after=inside, limit=3))
        every = steps(conn, lambda: changes.feed(conn, actor=kaz, after=inside, limit=10_000))
    assert one * 3 < every, (one, every)
