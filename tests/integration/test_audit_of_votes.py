"""A draft's outcome in the audit trail (`draft.close`) says how it was counted, for an
auditor to check it without the draft: the question's rule, the count of the vote (who
was for, against, abstaining, silent or absent) under a majority as under a qualified
majority, the chair whose casting vote decided a tie, and under the silence procedure the
members whose silence adopted the draft and those it binds
(`tests/fixtures/danube-alliance.yaml`: its Supreme Council decides its own questions by
majority, the chair's vote deciding a tie, and may decide them in silence)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
SEC = Principal("secretariat", Role.SECRETARIAT)
OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FOR, AGAINST, ABSTAIN = Position.SUPPORT, Position.OBJECT, Position.ABSTAIN


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def _rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _vote(db: Database, positions: dict[str, Position], title: str,
          question: str = "default") -> dec.DraftOut:
    # each vote in a sitting of its own: a body meets once at a moment
    with db.read() as conn:
        held = conn.execute(select(func.count()).select_from(t.meeting)).scalar_one()
    opens = OPENS + timedelta(minutes=held)
    with clock.use(OPENS - timedelta(days=1)):
        m = dec.convene(db, dec.MeetingIn(body="supreme-council", opens_at=opens), actor=SEC)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, True, actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(body="supreme-council", meeting_id=m.id,
                                              question=question, title=title,
                                              text_en="To approve."), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for state, position in positions.items():
            dec.state_position(db, d.id, position, actor=_rep(state))
        return dec.close_draft(db, d.id, actor=SEC)


def _closed(db: Database, draft_id: int) -> dict[str, Any]:
    with db.read() as conn:
        (change,) = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "draft.close",
            t.audit_log.c.target_id == str(draft_id))).scalars()
    return json.loads(change)


def test_a_tie_decided_by_the_chair_is_counted_in_the_entry(danube_db: Database) -> None:
    won = _vote(danube_db, {"SVK": FOR, "AUT": FOR, "HUN": AGAINST, "SVN": AGAINST},
                "On the tie")
    assert won.status == "adopted"
    change = _closed(danube_db, won.id)
    assert change["rule"] == "majority" and change["casting"] == "SVK"
    tally = change["tally"]
    assert (tally["in_favour"], tally["against"]) == (["AUT", "SVK"], ["HUN", "SVN"])
    assert (tally["weight_for"], tally["weight_against"]) == (2, 2)


def test_a_plain_majority_is_counted_in_the_entry(danube_db: Database) -> None:
    # appointments: by majority, without a casting vote
    d = _vote(danube_db, {"SVK": FOR, "AUT": FOR, "HUN": ABSTAIN, "SVN": AGAINST},
              "On the director", question="appointment")
    assert d.status == "adopted", d.outcome_reason
    change = _closed(danube_db, d.id)
    assert change["rule"] == "majority" and "casting" not in change
    tally = change["tally"]
    assert (tally["in_favour"], tally["against"], tally["abstaining"]) == (
        ["AUT", "SVK"], ["SVN"], ["HUN"])
    lost = _vote(danube_db, {"SVK": FOR, "AUT": AGAINST, "HUN": AGAINST, "SVN": ABSTAIN},
                 "On the deputy", question="appointment")
    assert lost.status == "returned"
    tally = _closed(danube_db, lost.id)["tally"]
    assert (tally["in_favour"], tally["against"]) == (["SVK"], ["AUT", "HUN"])


def test_an_adoption_in_silence_names_the_members_whose_silence_adopted_it(
        danube_db: Database) -> None:
    deadline = OPENS + timedelta(days=3)
    with clock.use(OPENS):
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the calendar",
            text_en="The Council approves the calendar.", deadline=deadline), actor=SEC)
    with clock.use(deadline + timedelta(hours=1)):
        assert dec.settle_silence(danube_db, actor=SEC) == [d.id]
    change = _closed(danube_db, d.id)
    assert change["outcome"] == "adopted" and change["rule"] == "majority"
    assert change["silent"] == ["AUT", "HUN", "SVK", "SVN"]
    assert change["binding"] == ["AUT", "HUN", "SVK", "SVN"]
    # a silence broken: who broke it, and who had kept it
    with clock.use(OPENS):
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the budget",
            text_en="The Council approves the budget.", deadline=deadline), actor=SEC)
    with clock.use(OPENS + timedelta(hours=2)):
        dec.sign(danube_db, d.id, answer=Answer.OBJECT, reservation="Not in March.",
                 given_by="A. Minister", actor=_rep("HUN"))
    change = _closed(danube_db, d.id)
    assert change["outcome"] == "broken"
    assert (change["broken_by"], change["silent"]) == (["HUN"], ["AUT", "SVK", "SVN"])


def test_a_written_procedure_signed_by_all_is_counted_in_the_entry(
        danube_db: Database) -> None:
    with clock.use(OPENS):
        d = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="written", title="On the seal",
            text_en="The Council approves the seal.",
            deadline=OPENS + timedelta(days=3)), actor=SEC)
    with clock.use(OPENS + timedelta(hours=2)):
        for state in d.signing_order:
            dec.sign(danube_db, d.id, answer=Answer.SIGN, given_by="A. Minister",
                     actor=_rep(state))
    change = _closed(danube_db, d.id)
    assert change["outcome"] == "adopted" and change["rule"] == "majority"
    assert change["tally"]["in_favour"] == sorted(d.signing_order)


def _closing(db: Database, draft_id: int) -> tuple[str, str | None, dict[str, Any]]:
    with db.read() as conn:
        (r,) = conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "draft.close",
            t.audit_log.c.target_id == str(draft_id))).all()
    return r.actor, r.acting_for, json.loads(r.change)


def test_an_outcome_a_late_answer_finds_is_the_deadlines_not_the_members(
        danube_db: Database) -> None:
    """A member's answer arriving after the deadline finds the draft adopted in silence
    (or its written procedure lapsed): the outcome is stored then, by the system, naming
    the member whose answer found it, never as that member's act."""
    deadline = OPENS + timedelta(days=3)
    with clock.use(OPENS):
        quiet = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the calendar",
            text_en="The Council approves the calendar.", deadline=deadline), actor=SEC)
        signed = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="written", title="On the seal",
            text_en="The Council approves the seal.", deadline=deadline), actor=SEC)
    with clock.use(deadline + timedelta(minutes=5)):
        with pytest.raises(Conflict, match="adopted at its deadline"):
            dec.sign(danube_db, quiet.id, answer=Answer.OBJECT, reservation="Too late.",
                     given_by="A. Minister", actor=_rep("HUN"))
        with pytest.raises(Conflict, match="lapsed at its deadline"):
            dec.sign(danube_db, signed.id, answer=Answer.SIGN, given_by="A. Minister",
                     actor=_rep("AUT"))
    actor, acting_for, change = _closing(danube_db, quiet.id)
    assert (actor, acting_for, change["outcome"]) == ("system", None, "adopted")
    assert change["found_by"] == "rep-hun"
    actor, acting_for, change = _closing(danube_db, signed.id)
    assert (actor, acting_for, change["outcome"]) == ("system", None, "lapsed")
    assert change["found_by"] == "rep-aut"
    # settled by the Secretariat (its command, its closing), the outcome is its act
    with clock.use(OPENS):
        later = dec.propose_draft(danube_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the budget",
            text_en="The Council approves the budget.", deadline=deadline), actor=SEC)
    with clock.use(deadline + timedelta(minutes=5)):
        dec.close_draft(danube_db, later.id, actor=SEC)
    actor, _, change = _closing(danube_db, later.id)
    assert actor == "secretariat" and "found_by" not in change
