"""Joining a decision later (`domain/decisions/joining.py`): who may, from when it binds,
and what closes a member's record."""

from __future__ import annotations

from datetime import date

from phalanx.domain.decisions.joining import Declaration, Outside, bound_from, bound_on, problems

ADOPTED = date(2010, 6, 14)
TODAY = date(2010, 12, 31)
MEMBERS = frozenset({"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"})
DECISION = Outside(adopted_on=ADOPTED, binding=frozenset({"ARM", "KAZ", "KGZ", "RUS", "TJK"}),
                   for_consideration=frozenset({"BLR"}), stood_aside=frozenset({"UZB"}))


def _why(new: Declaration, earlier: tuple[Declaration, ...] = (),
         decision: Outside = DECISION, members: frozenset[str] = MEMBERS) -> list[str]:
    return [f"{where}: {why}" for where, why in problems(decision, new, earlier, members, TODAY)]


def test_a_member_sent_it_or_standing_aside_may_join_from_its_declaration() -> None:
    assert _why(Declaration("BLR", True, date(2010, 7, 1))) == []
    assert _why(Declaration("UZB", False, date(2010, 7, 1))) == []
    joined = bound_from([Declaration("BLR", True, date(2010, 7, 1)),
                         Declaration("UZB", False, date(2010, 7, 2))])
    assert joined == {"BLR": date(2010, 7, 1)}
    assert "BLR" not in bound_on(DECISION.binding, joined, date(2010, 6, 30))
    assert bound_on(DECISION.binding, joined, date(2010, 7, 1)) == DECISION.binding | {"BLR"}


def test_who_may_not_and_when_not() -> None:
    assert _why(Declaration("RUS", True, date(2010, 7, 1))) == [
        "state: RUS is already bound by the decision since its adoption"]
    assert "nothing to join" in _why(Declaration("BLR", True, date(2010, 7, 1)),
                                     decision=Outside(ADOPTED, frozenset({"RUS"})))[0]
    assert _why(Declaration("BLR", True, date(2010, 7, 1)),
                members=MEMBERS - {"BLR"}) == [
        "state: BLR is not a member of the organization on 2010-07-01"]
    assert _why(Declaration("BLR", True, date(2010, 6, 1)))[0].startswith(
        "on: a declaration is made on or after the adoption (2010-06-14)")
    assert "after today" in _why(Declaration("BLR", True, date(2011, 1, 1)))[0]
    ended = Outside(ADOPTED, DECISION.binding, frozenset({"BLR"}), ended_on=date(2010, 9, 1))
    assert _why(Declaration("BLR", True, date(2010, 9, 1)), decision=ended) == [
        "on: the decision has had no effect since 2010-09-01: no member joins it"]
    assert _why(Declaration("BLR", True, date(2010, 8, 31)), decision=ended) == []
    # one declaration, either way, closes the record
    assert _why(Declaration("BLR", True, date(2010, 8, 1)),
                (Declaration("BLR", False, date(2010, 7, 1)),)) == [
        "state: BLR already declared on 2010-07-01 that it does not join the decision: its "
        "record is closed"]


def test_a_state_declares_on_its_own_day_the_secretariat_records_an_earlier_one() -> None:
    earlier = Declaration("BLR", True, date(2010, 7, 1))
    by_state = problems(DECISION, earlier, (), MEMBERS, TODAY, by_state=True)
    assert [w for w, _ in by_state] == ["on"]
    assert "on the day it does so (2010-12-31)" in by_state[0][1]
    assert problems(DECISION, earlier, (), MEMBERS, TODAY) == []
    assert problems(DECISION, Declaration("BLR", True, TODAY), (), MEMBERS, TODAY,
                    by_state=True) == []
