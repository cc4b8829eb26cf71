"""A draft circulated under the written procedure within an exercise's session goes to
the states taking part in the exercise only, as its consultation does; the session it
names is one of its body that its author reads, still open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid, NotFound
from tests.integration.test_exercise_consulted import SEC, _chair, _crisis
from tests.support.days import working_deadline


def _written(db: Database, meeting_id: int, body: str = "csc") -> dec.DraftOut:
    return dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=meeting_id, procedure="written", title="On the exercise plan",
        text_en="To approve the plan.", deadline=working_deadline(3)), actor=SEC)


def _session(db: Database, crisis_id: int) -> int:
    with db.read() as conn:
        c = crises.get(conn, crisis_id, actor=SYSTEM)
    return c.sessions[-1]


def test_an_exercises_written_procedure_goes_to_its_states_only(
        accounts_db: Database) -> None:
    taking = {"KGZ", "RUS", _chair(accounts_db)}
    c = _crisis(accounts_db, True, taking)
    d = _written(accounts_db, _session(accounts_db, c.id))
    assert set(d.signing_order) == taking | {"TJK"}


def test_a_written_draft_names_an_open_session_of_its_body(accounts_db: Database) -> None:
    c = _crisis(accounts_db, False, {"KGZ", "RUS"})
    meeting = _session(accounts_db, c.id)
    with pytest.raises(NotFound):
        _written(accounts_db, 999_999)
    with pytest.raises(Invalid) as other_body:
        _written(accounts_db, meeting, body="cmfa")
    assert other_body.value.where == "meeting_id"
    dec.set_session_status(accounts_db, meeting, "closed", actor=SEC)
    with pytest.raises(Conflict, match="closed"):
        _written(accounts_db, meeting)


def test_a_silence_broken_in_an_exercise_is_noticed_as_the_exercises(
        sqlite_db: Database) -> None:
    """The Danube Alliance's council decides under silence: a break within an exercise's
    session is noticed to the draft's readers between EXERCISE marks."""
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t
    from phalanx.services import clock, demo
    from phalanx.services import organization as orgs
    from tests.integration.test_silence_procedure import DEADLINE, FILE, T0, _break

    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    with clock.use(T0):
        m = dec.convene(sqlite_db, dec.MeetingIn(body="supreme-council", exercise=True,
                                                 opens_at=T0 + timedelta(days=1)), actor=SEC)
        d = dec.propose_draft(sqlite_db, dec.DraftIn(
            body="supreme-council", meeting_id=m.id, procedure="silence",
            title="On the exercise calendar", text_en="The Council approves the calendar.",
            deadline=DEADLINE), actor=SEC)
    _break(sqlite_db, d.id, d.signing_order[0], T0 + timedelta(hours=1))
    with sqlite_db.read() as conn:
        subjects = set(conn.execute(select(t.notification.c.subject).where(
            t.notification.c.topic == f"draft:{d.id}")).scalars())
    assert subjects and all(s.startswith("[EXERCISE] ") for s in subjects), subjects
