"""An exercise played by some states only (its crisis marked for them) asks the art. 4
answer of the states taking part only: a state outside it has no line, owes nothing and
is not counted overdue; a real crisis asks every member."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phalanx.services import crises
from phalanx.services import crisis_obligations as ob
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, NotFound
from tests.integration.test_response_chain import SEC, rep, request

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _crisis(db: Database, exercise: bool) -> crises.CrisisOut:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="CPX Osh" if exercise else "Unrest in Osh", category="armed_attack",
        affected=["KGZ"], severity="extreme", place="Osh", lat=40.53, lon=72.8,
        exercise=exercise, marking="PARTICIPANTS", participants=["KAZ", "KGZ", "RUS"]),
        actor=SEC, at=T0)
    crises.convene_consultations(db, c.id, actor=SEC, at=T0 + timedelta(hours=1))
    request(db, c.id, T0 + timedelta(minutes=30))
    return c


def test_an_exercise_asks_the_obligation_of_its_states_only(db: Database) -> None:
    c = _crisis(db, exercise=True)
    with db.read() as conn:
        lines = crises.get(conn, c.id, actor=SEC, at=T0 + timedelta(hours=25)).obligations
    assert sorted(x.state for x in lines) == ["KAZ", "RUS"]
    with pytest.raises((Conflict, NotFound)):
        ob.answer(db, c.id, "ARM", ob.ObligationIn(answer="other", detail="tents"),
                  actor=rep("ARM"), at=T0 + timedelta(hours=2))
    ob.answer(db, c.id, "KAZ", ob.ObligationIn(answer="other", detail="tents"),
              actor=rep("KAZ"), at=T0 + timedelta(hours=2))


def test_a_real_crisis_marked_for_some_asks_every_member(db: Database) -> None:
    c = _crisis(db, exercise=False)
    with db.read() as conn:
        lines = crises.get(conn, c.id, actor=SEC, at=T0 + timedelta(hours=25)).obligations
    assert {"ARM", "BLR", "KAZ", "RUS", "TJK"} <= {x.state for x in lines}
