"""The newer procedures raced by two instances (SQLite and PostgreSQL): the silence
procedure settled by two schedulers, or while a member breaks silence in the deadline's
last second; the written procedure's last signature against the settling at a
qualified-majority organization's deadline (the register of acts in force:
`test_races_register.py`).

The harness is `test_races.py`'s. Whichever racer wins, a draft is adopted or returned (or
lapsed), never both, once, under one number; the audit chain verifies, in the order the
writes committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.decisions import silence
from tests.integration.test_races import actions, later, race, refused, slowed

FIXTURES = Path(__file__).parents[1] / "fixtures"
SEC = Principal("sec", Role.SECRETARIAT)
SEC2 = Principal("sec-2", Role.SECRETARIAT)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=3)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def at(moment: datetime, call: Callable[[], Any]) -> Callable[[], Any]:
    """`call` on the services' clock at `moment` (each racer its own)."""
    def run() -> Any:
        with clock.use(moment):
            return call()
    return run


def decisions_of(db: Database, draft_id: int) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(t.decision.c.number).where(
            t.decision.c.draft_id == draft_id)).scalars())


# --- the silence procedure ---------------------------------------------------------------------


def circulate(db: Database) -> dec.DraftOut:
    """The Danube alliance's Supreme Council decides its own questions by silence."""
    orgs.load_dataset(db, FIXTURES / "danube-alliance.yaml", actor=SYSTEM)
    with clock.use(T0):
        return dec.propose_draft(db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the exercise calendar",
            text_en="The Council approves the calendar.", deadline=DEADLINE), actor=SEC)


def test_silence_settled_by_two_instances_at_once_adopts_the_draft_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """`phalanx decisions settle` run by a scheduler beside each instance just after the
    deadline: one adopts the draft, the other finds it adopted (before: the second's
    write, with nothing to record, failed as an unaudited write: a server error)."""
    a, b = two
    d = circulate(a)
    slowed(monkeypatch, silence, "_draft_row", after=0.3)  # both read it open
    after = DEADLINE + timedelta(minutes=1)
    out = race(at(after, lambda: dec.settle_silence(a, actor=SEC)),
               at(after, lambda: dec.settle_silence(b, actor=SEC2)))
    assert not refused(out)
    assert sorted(out) == [[], [d.id]]
    assert [c["outcome"] for _, _, c in actions(a, "draft.close")] == ["adopted"]
    assert len(decisions_of(a, d.id)) == 1


def test_a_draft_closed_on_its_page_while_the_scheduler_settles_it_is_adopted_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    d = circulate(a)
    slowed(monkeypatch, silence, "_draft_row", after=0.3)
    after = DEADLINE + timedelta(minutes=1)
    out = race(at(after, lambda: dec.close_draft(a, d.id, actor=SEC)),
               at(after, lambda: dec.settle_silence(b, actor=SEC2)))
    assert not refused(out)
    closed, settled = out
    assert closed.status == "adopted" and settled in ([], [d.id])
    assert [c["outcome"] for _, _, c in actions(a, "draft.close")] == ["adopted"]
    assert len(decisions_of(a, d.id)) == 1


@pytest.mark.parametrize("first", ["break", "settle"])
def test_silence_broken_in_the_deadlines_last_second_while_it_is_settled(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, first: str) -> None:
    """Hungary breaks silence half a second before the deadline (its objection received
    then) while a scheduler settles the draft at the deadline: if the break is stored
    first the draft is returned and the settling finds nothing to do; if the settling
    comes first the draft is adopted and the break refused. Never adopted and returned,
    never a server error (before: a settling that found the draft returned meanwhile
    failed as an unaudited write)."""
    a, b = two
    d = circulate(a)
    slowed(monkeypatch, silence, "_silence", after=0.6)  # under the draft's lock, waits
    broken = at(DEADLINE - timedelta(seconds=0.5), lambda: dec.sign(
        a, d.id, answer=Answer.OBJECT, reservation="not in this form", given_by="A. Minister",
        actor=rep("HUN")))
    settled = at(DEADLINE, lambda: dec.settle_silence(b, actor=SEC))
    out = race(broken, later(0.3, settled)) if first == "break" \
        else race(later(0.3, broken), settled)
    gave, found = out
    refused(out)
    closes = [c["outcome"] for _, _, c in actions(a, "draft.close")]
    breaks = actions(a, "draft.break_silence")
    if isinstance(gave, BaseException):
        assert "adopted" in str(gave) and found == [d.id]
        assert (closes, breaks) == (["adopted"], [])
        assert len(decisions_of(a, d.id)) == 1
    else:
        assert gave.status == "returned" and found == []
        assert closes == ["broken"] and len(breaks) == 1
        assert decisions_of(a, d.id) == []
    assert (first == "break") == (not isinstance(gave, BaseException))


# --- the written procedure under a qualified majority --------------------------------------------


def circulated_in_writing(db: Database) -> tuple[dec.DraftOut, list[str]]:
    """The North Sea League's Council decides by two thirds of the votes cast; a draft
    circulated in writing, every member but the last signed."""
    orgs.load_dataset(db, FIXTURES / "north-sea-league.yaml", actor=SYSTEM)
    with clock.use(T0):
        d = dec.propose_draft(db, dec.DraftIn(
            body="league-council", procedure="written", title="On the joint patrols",
            text_en="The Council approves the patrols.", deadline=DEADLINE), actor=SEC)
        order = list(d.signing_order)
        for s in order[:-1]:
            dec.sign(db, d.id, given_by="A. Minister", actor=rep(s))
    return d, order


@pytest.mark.parametrize("first", ["sign", "settle"])
def test_the_last_signature_in_the_deadlines_last_second_while_it_is_settled(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, first: str) -> None:
    """The last member signs just before the deadline while a scheduler settles it just
    after: adopted by the signature (once, numbered once) and nothing left to settle, or
    lapsed by the settling and the signature refused."""
    a, b = two
    d, order = circulated_in_writing(a)
    from phalanx.services.decisions import written

    slowed(monkeypatch, written, "_written", after=0.3)  # read under the lock, waits
    signed = at(DEADLINE - timedelta(seconds=0.5), lambda: dec.sign(
        a, d.id, given_by="A. Minister", actor=rep(order[-1])))
    settled = at(DEADLINE + timedelta(seconds=0.5), lambda: dec.settle_lapsed(b, actor=SEC))
    # the signature reads the draft once before its lock (`_written`, slowed too): the
    # other starts once the first holds the lock
    out = race(signed, later(0.8, settled)) if first == "sign" \
        else race(later(0.8, signed), settled)
    gave, found = out
    refused(out)
    closes = [c["outcome"] for _, _, c in actions(a, "draft.close")]
    if isinstance(gave, BaseException):
        assert "lapsed" in str(gave) and found == [d.id] and closes == ["lapsed"]
        assert decisions_of(a, d.id) == []
    else:
        assert gave.status == "adopted" and found == [] and closes == ["adopted"]
        assert decisions_of(a, d.id) == ["CL-2026-001"]
    assert (first == "sign") == (not isinstance(gave, BaseException))
