"""The registers' rules: transposition transitions, supply deliveries, quota
arithmetic, exercise participants and dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phalanx.domain.registers import date_range
from phalanx.domain.registers import exercises as ex
from phalanx.domain.registers import parliament as pa
from phalanx.domain.registers import quotas as q
from phalanx.domain.registers import supply as sp

T = pa.Transposition
ADOPTED_ON = date(2012, 1, 1)


def change(current: T, new: T, on: date = date(2013, 1, 1), reference: str = "",
           law_adopted: date | None = ADOPTED_ON, last: date | None = None) -> list[str]:
    return [f for f, _ in pa.transposition_problems(pa.TranspositionChange(
        current, new, on, reference, law_adopted, last))]


def test_transposition_moves_forward_and_an_adopted_act_needs_its_reference() -> None:
    assert change(T.NOT_STARTED, T.IN_PROGRESS) == []
    assert change(T.IN_PROGRESS, T.ADOPTED, reference="Law No. 1") == []
    assert change(T.IN_PROGRESS, T.ADOPTED) == ["reference"]
    assert change(T.DECLINED, T.IN_PROGRESS) == []
    assert change(T.ADOPTED, T.IN_PROGRESS) == ["status"]
    assert change(T.IN_PROGRESS, T.NOT_STARTED) == ["status"]
    assert change(T.DECLINED, T.ADOPTED, reference="x") == ["status"]
    assert change(T.ADOPTED, T.ADOPTED, reference="x") == ["status"]


def test_nothing_is_transposed_before_the_model_law_is_adopted() -> None:
    assert change(T.NOT_STARTED, T.IN_PROGRESS, law_adopted=None) == ["status"]
    assert change(T.NOT_STARTED, T.IN_PROGRESS, on=date(2011, 12, 31)) == ["on"]
    assert change(T.IN_PROGRESS, T.DECLINED, on=date(2013, 1, 1),
                  last=date(2014, 1, 1)) == ["on"]


@given(st.lists(st.sampled_from(list(T)), max_size=12))
def test_any_accepted_sequence_only_follows_the_transitions(path: list[T]) -> None:
    current = T.NOT_STARTED
    for new in path:
        if not change(current, new, reference="ref"):
            assert new in pa.TRANSITIONS[current] or new is current
            current = new
    assert current in T


def test_supply_agreement_checks() -> None:
    a = sp.Agreement("RUS", "KGZ", 10, 5.0, date(2024, 1, 10), date(2024, 12, 31))
    assert sp.agreement_problems(a) == []
    bad = sp.Agreement("RUS", "RUS", 0, -1.0, date(2024, 1, 10), date(2023, 1, 1))
    assert [f for f, _ in sp.agreement_problems(bad)] == ["recipient", "quantity", "value",
                                                          "due"]


def test_deliveries_never_exceed_the_agreed_quantity_nor_precede_the_agreement() -> None:
    a = sp.Agreement("RUS", "KGZ", 10, 5.0, date(2024, 1, 10))
    assert sp.delivery_problems(a, 0, sp.Delivery(10, 5.0, date(2024, 1, 10))) == []
    assert [f for f, _ in sp.delivery_problems(a, 6, sp.Delivery(5, 1.0, date(2024, 2, 1)))
            ] == ["quantity"]
    assert [f for f, _ in sp.delivery_problems(a, 0, sp.Delivery(1, -1.0, date(2024, 1, 9)))
            ] == ["value", "delivered"]
    assert [f for f, _ in sp.delivery_problems(a, 0, sp.Delivery(0, 0, date(2024, 2, 1)))
            ] == ["quantity"]


@given(agreed=st.integers(1, 500), parts=st.lists(st.integers(-5, 200), max_size=15),
       offsets=st.lists(st.integers(-30, 400), min_size=15, max_size=15))
def test_accepted_deliveries_sum_to_at_most_the_agreement(agreed: int, parts: list[int],
                                                          offsets: list[int]) -> None:
    start = date(2024, 3, 1)
    a = sp.Agreement("RUS", "TJK", agreed, 1.0, start)
    done = 0
    for n, off in zip(parts, offsets, strict=False):
        d = sp.Delivery(n, 0.1, start + timedelta(days=off))
        if not sp.delivery_problems(a, done, d):
            done += n
            assert d.on >= start and n > 0
    assert 0 <= done <= agreed


def test_growth_is_last_over_first() -> None:
    assert sp.growth({2014: 10.0, 2024: 100.0}) == 10.0
    assert sp.growth({2014: 10.0}) is None
    assert sp.growth({2014: 0.0, 2015: 3.0}) is None


def test_quota_arithmetic() -> None:
    ok = [q.Allocation("ARM", 10, 8, 7), q.Allocation("KAZ", 20, 20, 0)]
    assert q.quota_problems(30, ok) == []
    assert [f for f, _ in q.quota_problems(29, ok)] == ["allocated"]
    assert [f for f, _ in q.quota_problems(1000, ok, limit=999)] == ["offered"]
    assert [f for f, _ in q.allocation_problems(q.Allocation("ARM", 5, 6, 0))] == ["enrolled"]
    assert [f for f, _ in q.allocation_problems(q.Allocation("ARM", 5, 5, 6))] == ["graduated"]
    assert [f for f, _ in q.allocation_problems(q.Allocation("ARM", -1, -1, -1))] == [
        "allocated", "enrolled", "graduated"]
    assert [f for f, _ in q.quota_problems(100, [q.Allocation("ARM", 1), q.Allocation("ARM", 1)])
            ] == ["state"]


@given(offered=st.integers(0, 1000),
       rows=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(0, 400)),
                     max_size=7))
def test_an_accepted_quota_never_runs_backwards(offered: int,
                                                rows: list[tuple[int, int, int]]) -> None:
    allocs = [q.Allocation(f"S{i:02d}", a, e, g) for i, (a, e, g) in enumerate(rows)]
    if not q.quota_problems(offered, allocs):
        use = q.use(offered, allocs)
        assert use.graduated <= use.enrolled <= use.allocated <= use.offered
        assert 0 <= use.share_used <= 1


def test_exercise_dates_and_participants() -> None:
    assert date_range(date(2014, 4, 21), date(2014, 4, 25)) == []
    assert [f for f, _ in ex.exercise_problems(date(2014, 4, 25), date(2014, 4, 21))] == ["end"]
    members = {"RUS", "KAZ"}
    p = ex.Participant("RUS", "CRDF battalion", 500, "crdf-rus-1")
    assert ex.participant_problems(p, members) == []  # no registry: no unit check
    assert ex.participant_problems(p, members, {"crdf-rus-1": "RUS"}) == []
    assert [f for f, _ in ex.participant_problems(p, members, {"crdf-kaz-1": "KAZ"})] == ["unit"]
    # a state commits its own formations: Russia cannot commit Kazakhstan's unit
    theirs = ex.Participant("RUS", "CRDF battalion", 500, "crdf-kaz-1")
    assert ex.participant_problems(theirs, members, {"crdf-kaz-1": "KAZ"}) == [
        ("unit", "'crdf-kaz-1' is a unit of KAZ: RUS commits its own formations")]
    bad = ex.Participant("SRB", " ", 0)
    assert [f for f, _ in ex.participant_problems(bad, members)] == ["state", "formation",
                                                                     "strength"]
    assert ex.finding_done_problems(date(2014, 4, 21), date(2014, 4, 20)) != []


@pytest.mark.parametrize(("statuses", "share"), [([], 0.0), ([T.ADOPTED, T.DECLINED], 0.5)])
def test_progress(statuses: list[T], share: float) -> None:
    assert pa.progress(statuses) == share
