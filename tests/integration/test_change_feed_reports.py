"""A state's reports of the joint operations reach the other states' change feeds when the
state releases them, not before: stored NATIONAL, they are said to no one but their state
(not even the moment they were sent), and their release is said `changed` to the states
that read them from then on, whatever cursor they poll from."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import changes
from phalanx.services import operations as ops
from phalanx.services.db import Database

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
REP_RUS = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")
OBSERVER = Principal("observer", Role.OBSERVER)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def row(ref: str) -> dict[str, Any]:
    return {"reference": ref, "date": "2026-04-10", "stage": "spring-2026",
            "metric": "seizure", "substance": "heroin", "quantity": "2", "unit": "kg",
            "area": "Khorgos"}


def said(db: Database, who: Principal, after: int) -> list[tuple[int, str, str]]:
    with db.read() as conn:
        items, _ = changes.feed(conn, actor=who, after=after, limit=100, kinds=("op_report",))
    return [(c.cursor, c.id, c.change) for c in items]


def last_entry(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.max(t.audit_log.c.id))).scalar_one())


def test_reports_are_said_to_the_other_states_at_their_release(db: Database) -> None:
    start = last_entry(db)
    ops.ingest(db, "channel", "KAZ", "customs", [(2, row("KZ-1")), (3, row("KZ-2"))],
               actor=KAZ_CUSTOMS)
    sent = last_entry(db)
    mine = said(db, REP_KAZ, start)
    assert [(c, ch) for c, _, ch in mine] == [(sent, "changed"), (sent, "changed")]
    ids = [i for _, i, _ in mine]
    assert said(db, REP_RUS, start) == [] and said(db, OBSERVER, start) == []
    # RUS polled past the batch before the release: the release is still said to it
    ops.release(db, "channel", actor=REP_KAZ)
    released = last_entry(db)
    assert said(db, REP_RUS, sent) == [(released, i, "changed") for i in ids]
    # from before the batch: said at the release, never at the sending (kept from RUS then)
    assert said(db, REP_RUS, start) == [(released, i, "changed") for i in ids]
    assert said(db, OBSERVER, start) == []
    # released to the observers later: said to them then
    ops.release(db, "channel", actor=REP_KAZ, to_observers=True)
    to_observers = last_entry(db)
    assert said(db, OBSERVER, start) == [(to_observers, i, "changed") for i in ids]
    assert said(db, REP_RUS, released) == [(to_observers, i, "changed") for i in ids]
