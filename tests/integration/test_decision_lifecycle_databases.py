"""A decision's life on both databases: what it states and the notifications kept as
JSON, read back into its status on a day (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phalanx.services import decisions as dec
from phalanx.services.db import Database
from tests.integration.test_decision_lifecycle import _today, adopt, status
from tests.integration.test_draft_pages import SEC, session


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_the_life_kept_and_read_back(db: Database) -> None:
    day = _today(db)
    m = session(db)
    first = adopt(db, m.id, "On the joint system", start="notifications", term_days=30)
    adopt(db, m.id, "On extending it", effect="extends", target=first,
          extends_to=str(day + timedelta(90)))
    bound = status(db, first, day).awaiting
    assert bound and status(db, first, day).status == "pending"
    for state in bound:
        dec.record_notification(db, first, state, day, actor=SEC)
    life = status(db, first, day)
    assert life.status == "in_force" and life.until == day + timedelta(90)
    assert status(db, first, day + timedelta(91)).status == "expired"
    with db.read() as conn:
        assert first in [d.id for d in dec.list_decisions(conn, actor=SEC, in_force_on=day)]
