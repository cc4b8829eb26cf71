"""A decision's life (`domain/decisions/lifecycle`): entry into force, end, and the
later decisions that amend, extend, suspend or repeal it, on the days at the edges."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from phalanx.domain.decisions.lifecycle import (
    Act,
    Effect,
    Start,
    Status,
    Terms,
    adopted_too_late,
    entry_into_force,
    in_force_from,
    last_day,
    modification_problems,
    own_end,
    status_on,
)

days = st.dates(min_value=date(1992, 5, 15), max_value=date(2100, 12, 31))
offsets = st.integers(min_value=0, max_value=400)
PARENTS = {"csc": None, "cmfa": None, "pa": None, "pa-commission": "pa"}


def named(a: Act) -> str:
    return f"decision {a.number}"


def _register(*acts: Act) -> dict[int, Act]:
    return {a.id: a for a in acts}


@given(adopted=days, delay=offsets, term=st.integers(min_value=1, max_value=400))
def test_a_term_counts_from_the_entry_into_force_to_its_last_day(
        adopted: date, delay: int, term: int) -> None:
    act = Act(1, "CSC-1", "csc", adopted,
              Terms(start=Start.DATE, on=adopted + timedelta(delay), term_days=term))
    acts = _register(act)
    start = adopted + timedelta(delay)
    assert entry_into_force(act) == start
    last = start + timedelta(term - 1)
    assert own_end(act) == last
    if delay:
        assert status_on(act, acts, start - timedelta(1)).status is Status.PENDING
    assert status_on(act, acts, adopted - timedelta(1)).status is Status.NOT_ADOPTED
    assert status_on(act, acts, start).status is Status.IN_FORCE
    assert status_on(act, acts, last).status is Status.IN_FORCE
    assert status_on(act, acts, last + timedelta(1)).status is Status.EXPIRED


@given(adopted=days, back=st.integers(min_value=1, max_value=400))
def test_a_date_already_past_at_adoption_means_the_adoption(adopted: date, back: int) -> None:
    act = Act(1, "CSC-1", "csc", adopted,
              Terms(start=Start.DATE, on=adopted - timedelta(back)))
    assert entry_into_force(act) == adopted


@given(adopted=days, gap=offsets, delay=offsets)
def test_a_repeal_takes_effect_from_its_own_entry_into_force(
        adopted: date, gap: int, delay: int) -> None:
    first = Act(1, "CSC-1", "csc", adopted)
    later = adopted + timedelta(gap)
    repeal = Act(2, "CSC-2", "csc", later, Terms(
        start=Start.DATE, on=later + timedelta(delay), effect=Effect.REPEALS, target=1))
    acts = _register(first, repeal)
    takes = later + timedelta(delay)
    if takes > adopted:
        assert status_on(first, acts, takes - timedelta(1)).status is Status.IN_FORCE
    on = status_on(first, acts, takes)
    assert on.status is Status.REPEALED and on.repealed_by == (2,)


@given(adopted=days, term=st.integers(min_value=1, max_value=100),
       more=st.integers(min_value=1, max_value=100))
def test_an_extension_moves_the_last_day(adopted: date, term: int, more: int) -> None:
    first = Act(1, "CSC-1", "csc", adopted, Terms(term_days=term))
    end = adopted + timedelta(term - 1)
    extension = Act(2, "CSC-2", "csc", adopted, Terms(
        effect=Effect.EXTENDS, target=1, extends_to=end + timedelta(more)))
    acts = _register(first, extension)
    assert status_on(first, acts, end + timedelta(more)).status is Status.IN_FORCE
    assert status_on(first, acts, end + timedelta(more + 1)).status is Status.EXPIRED
    assert status_on(first, acts, end).extended_by == (2,)


def test_a_suspension_lasts_while_the_suspending_decision_is_in_force() -> None:
    d = date(2026, 1, 10)
    first = Act(1, "CSC-1", "csc", d)
    pause = Act(2, "CSC-2", "csc", d + timedelta(5), Terms(
        ends_on=d + timedelta(9), effect=Effect.SUSPENDS, target=1))
    acts = _register(first, pause)
    assert status_on(first, acts, d + timedelta(4)).status is Status.IN_FORCE
    assert status_on(first, acts, d + timedelta(5)).status is Status.SUSPENDED
    assert status_on(first, acts, d + timedelta(9)).status is Status.SUSPENDED
    assert status_on(first, acts, d + timedelta(10)).status is Status.IN_FORCE


def test_repealing_a_repeal_revives_nothing() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d),
                     Act(2, "CSC-2", "csc", d + timedelta(1),
                         Terms(effect=Effect.REPEALS, target=1)),
                     Act(3, "CSC-3", "csc", d + timedelta(2),
                         Terms(effect=Effect.REPEALS, target=2)))
    assert status_on(acts[1], acts, d + timedelta(3)).status is Status.REPEALED
    assert status_on(acts[2], acts, d + timedelta(3)).status is Status.REPEALED


def test_a_repeal_repealed_before_it_takes_effect_repeals_nothing() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d),
                     Act(2, "CSC-2", "csc", d, Terms(
                         start=Start.DATE, on=d + timedelta(30), effect=Effect.REPEALS,
                         target=1)),
                     Act(3, "CSC-3", "csc", d + timedelta(1),
                         Terms(effect=Effect.REPEALS, target=2)))
    assert status_on(acts[1], acts, d + timedelta(40)).status is Status.IN_FORCE


@given(adopted=days, late=st.lists(offsets, min_size=2, max_size=2))
def test_in_force_on_the_last_members_notification(adopted: date, late: list[int]) -> None:
    notified = {"KAZ": adopted + timedelta(late[0]), "RUS": adopted + timedelta(late[1])}
    act = Act(1, "CSC-1", "csc", adopted, Terms(start=Start.NOTIFICATIONS),
              binding=frozenset({"KAZ", "RUS"}), notified={"KAZ": notified["KAZ"]})
    assert entry_into_force(act) is None
    assert status_on(act, _register(act), date(2101, 1, 1)).status is Status.PENDING
    whole = Act(1, "CSC-1", "csc", adopted, act.terms, act.binding, notified)
    assert entry_into_force(whole) == max(notified.values())


def test_terms_that_cannot_stand_together() -> None:
    d = date(2026, 1, 1)
    assert [w for w, _ in Terms(start=Start.DATE).problems()] == ["on"]
    assert [w for w, _ in Terms(ends_on=d, term_days=3).problems()] == ["term_days"]
    assert [w for w, _ in Terms(effect=Effect.REPEALS).problems()] == ["target"]
    assert [w for w, _ in Terms(effect=Effect.EXTENDS, target=1).problems()] == ["extends_to"]
    assert [w for w, _ in Terms(start=Start.DATE, on=d,
                                ends_on=d - timedelta(1)).problems()] == ["ends_on"]
    assert Terms().problems() == []


@given(adopted=days, earlier=st.integers(min_value=1, max_value=400))
def test_a_decision_modifies_only_an_earlier_one(adopted: date, earlier: int) -> None:
    later_act = Act(1, "CSC-1", "csc", adopted + timedelta(earlier))
    new = Act(2, "CSC-2", "csc", adopted, Terms(effect=Effect.AMENDS, target=1))
    problems = modification_problems(new, _register(later_act), PARENTS, "csc", named)
    assert problems and "a decision modifies only an earlier one" in problems[0][1]
    assert modification_problems(
        Act(2, "CSC-2", "csc", adopted + timedelta(earlier),
            Terms(effect=Effect.AMENDS, target=1)),
        _register(later_act), PARENTS, "csc", named) == []


def test_a_repeal_of_a_repealed_decision_is_refused_naming_as_the_reader_may() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d),
                     Act(2, "CSC-2", "csc", d, Terms(start=Start.DATE,
                                                     on=d + timedelta(100),
                                                     effect=Effect.REPEALS, target=1)))
    new = Act(3, "CSC-3", "csc", d, Terms(effect=Effect.REPEALS, target=1))
    hidden = modification_problems(new, acts, PARENTS, "csc",
                                   lambda a: "decision CSC-1" if a.id == 1 else "another")
    assert hidden == [("target", "decision CSC-1 is already repealed by another")]


def test_who_may_modify_whose_decision() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CMFA-1", "cmfa", d), Act(2, "PAC-1", "pa-commission", d),
                     Act(3, "CSC-1", "csc", d))

    def refused(body: str, target: int, supreme: str | None = "csc") -> bool:
        new = Act(9, "X", body, d, Terms(effect=Effect.AMENDS, target=target))
        return bool(modification_problems(new, acts, PARENTS, supreme, named))

    assert not refused("csc", 1)  # the supreme body
    assert refused("csc", 1, supreme=None)
    assert not refused("pa", 2)  # the body above
    assert refused("cmfa", 3) and refused("pa-commission", 3)
    assert not refused("cmfa", 1)


def test_a_statement_is_no_act_of_this_kind() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d, kind="statement"))
    new = Act(2, "CSC-2", "csc", d, Terms(effect=Effect.REPEALS, target=1))
    assert "is a statement" in modification_problems(new, acts, PARENTS, "csc", named)[0][1]
    exercise = Act(2, "CSC-2", "csc", d, Terms(effect=Effect.REPEALS, target=3),
                   exercise=True)
    real = _register(Act(3, "CSC-3", "csc", d))
    assert "of its own register" in modification_problems(
        exercise, real, PARENTS, "csc", named)[0][1]


@given(adopted=days, wait=st.integers(min_value=1, max_value=400),
       gap=st.integers(min_value=0, max_value=400))
def test_a_decision_repealed_before_its_entry_into_force_is_repealed(
        adopted: date, wait: int, gap: int) -> None:
    first = Act(1, "CSC-1", "csc", adopted,
                Terms(start=Start.DATE, on=adopted + timedelta(wait)))
    repeal = Act(2, "CSC-2", "csc", adopted + timedelta(gap),
                 Terms(effect=Effect.REPEALS, target=1))
    acts = _register(first, repeal)
    assert status_on(first, acts, adopted + timedelta(gap)).status is Status.REPEALED
    if gap < wait:  # repealed before it would have entered into force: never in force
        assert all(status_on(first, acts, adopted + timedelta(n)).status
                   is not Status.IN_FORCE for n in (gap, wait, wait + 1))


def test_a_modification_adopted_with_effect_later_is_scheduled() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d),
                     Act(2, "CSC-2", "csc", d + timedelta(1), Terms(
                         start=Start.DATE, on=d + timedelta(20), effect=Effect.REPEALS,
                         target=1)),
                     Act(3, "CSC-3", "csc", d + timedelta(2), Terms(
                         start=Start.NOTIFICATIONS, effect=Effect.AMENDS, target=1),
                         binding=frozenset({"KAZ"})))
    assert status_on(acts[1], acts, d).scheduled == ()  # none adopted yet
    assert status_on(acts[1], acts, d + timedelta(1)).scheduled == (2,)
    on = status_on(acts[1], acts, d + timedelta(5))
    assert on.status is Status.IN_FORCE and on.scheduled == (2, 3)
    after = status_on(acts[1], acts, d + timedelta(20))
    assert after.status is Status.REPEALED and after.scheduled == (3,)


def test_a_term_not_yet_running_is_extended_and_an_open_ended_one_is_not() -> None:
    d = date(2026, 1, 10)
    acts = _register(Act(1, "CSC-1", "csc", d, Terms(start=Start.NOTIFICATIONS,
                                                     term_days=30),
                         binding=frozenset({"KAZ"})),
                     Act(2, "CSC-2", "csc", d))
    extend = Terms(effect=Effect.EXTENDS, target=1, extends_to=d + timedelta(90))
    assert modification_problems(Act(3, "CSC-3", "csc", d, extend), acts, PARENTS, "csc",
                                 named) == []
    open_ended = Terms(effect=Effect.EXTENDS, target=2, extends_to=d + timedelta(90))
    assert modification_problems(Act(3, "CSC-3", "csc", d, open_ended), acts, PARENTS,
                                 "csc", named) == [
        ("extends_to", "decision CSC-2 has no last day to extend")]


@settings(deadline=None, max_examples=60)
@given(adopted=days, term=st.one_of(st.none(), st.integers(min_value=1, max_value=200)),
       repeal=st.one_of(st.none(), st.tuples(offsets, offsets)),
       extend=st.one_of(st.none(), st.tuples(offsets, st.integers(min_value=1, max_value=200))),
       pause=st.one_of(st.none(), st.tuples(offsets, st.integers(min_value=1, max_value=50))))
def test_the_last_day_is_the_first_day_repealed_or_expired(
        adopted: date, term: int | None, repeal: tuple[int, int] | None,
        extend: tuple[int, int] | None, pause: tuple[int, int] | None) -> None:
    """`last_day` agrees with reading the register day by day: the first day the decision
    is repealed or past its (extended) last day; a suspension ends nothing."""
    acts = [Act(1, "CSC-1", "csc", adopted, Terms(term_days=term))]
    if repeal is not None:
        on = adopted + timedelta(repeal[0])
        acts.append(Act(2, "CSC-2", "csc", on, Terms(
            start=Start.DATE, on=on + timedelta(repeal[1]), effect=Effect.REPEALS, target=1)))
    if extend is not None:
        on = adopted + timedelta(extend[0])
        end = (adopted + timedelta((term or 1) - 1))
        acts.append(Act(3, "CSC-3", "csc", on, Terms(
            effect=Effect.EXTENDS, target=1, extends_to=max(end, on) + timedelta(extend[1]))))
    if pause is not None:
        on = adopted + timedelta(pause[0])
        acts.append(Act(4, "CSC-4", "csc", on, Terms(
            ends_on=on + timedelta(pause[1]), effect=Effect.SUSPENDS, target=1)))
    register = _register(*acts)
    first = acts[0]
    scanned = next(((adopted + timedelta(i), s) for i in range(1000)
                    if (s := status_on(first, register, adopted + timedelta(i)).status)
                    in (Status.REPEALED, Status.EXPIRED)), None)
    assert last_day(first, register) == scanned


def test_a_decision_whose_last_day_passes_before_its_notifications_never_enters_into_force(
        ) -> None:
    """A decision entering into force on the members' notifications, stating its last day,
    was "pending" (awaiting the members) for ever once that day had passed, and a last
    notification after it put it "in force" from a day after its own end."""
    adopted = date(2025, 1, 10)
    terms = Terms(start=Start.NOTIFICATIONS, ends_on=date(2025, 6, 30))
    waiting = Act(1, "CSC-1", "csc", adopted, terms, binding=frozenset({"KAZ", "RUS"}))
    acts = _register(waiting)
    assert status_on(waiting, acts, date(2025, 6, 30)).status is Status.PENDING
    after = status_on(waiting, acts, date(2025, 7, 1))
    assert (after.status, after.in_force_from, after.until) == (
        Status.EXPIRED, None, date(2025, 6, 30))
    late = Act(1, "CSC-1", "csc", adopted, terms, binding=frozenset({"KAZ", "RUS"}),
               notified={"KAZ": date(2025, 3, 1), "RUS": date(2025, 8, 1)})
    acts = _register(late)
    assert in_force_from(late, acts) is None
    for day in (date(2025, 7, 1), date(2025, 8, 1), date(2026, 1, 1)):
        assert status_on(late, acts, day).status is Status.EXPIRED
    # in time, it is in force from the last notification to its last day
    prompt = Act(1, "CSC-1", "csc", adopted, terms, binding=frozenset({"KAZ", "RUS"}),
                 notified={"KAZ": date(2025, 3, 1), "RUS": date(2025, 6, 30)})
    acts = _register(prompt)
    assert in_force_from(prompt, acts) == date(2025, 6, 30)
    assert status_on(prompt, acts, date(2025, 6, 30)).status is Status.IN_FORCE
    assert status_on(prompt, acts, date(2025, 7, 1)).status is Status.EXPIRED


def test_a_last_day_before_the_adoption_is_refused() -> None:
    terms = Terms(ends_on=date(2025, 6, 30))
    assert adopted_too_late(terms, date(2025, 6, 30)) is None
    assert adopted_too_late(terms, date(2025, 7, 1)) == (
        "ends_on", "a decision is in force only from its adoption: its last day in force "
                   "(2025-06-30) may not precede 2025-07-01")
    assert adopted_too_late(Terms(term_days=1), date(2025, 7, 1)) is None


def test_an_expired_decision_is_not_revived_by_an_extension() -> None:
    """An extension adopted after the decision's last day put it back "in force" from its
    adoption: an expired decision is not extended (a new decision is needed), and one
    whose extension enters into force only after the last day stays expired."""
    d = date(2026, 1, 10)
    first = Act(1, "CSC-1", "csc", d, Terms(ends_on=d + timedelta(30)))
    late = Act(2, "CSC-2", "csc", d + timedelta(40), Terms(
        effect=Effect.EXTENDS, target=1, extends_to=d + timedelta(400)))
    acts = _register(first, late)
    on = status_on(first, acts, d + timedelta(50))
    assert (on.status, on.until, on.extended_by) == (Status.EXPIRED, d + timedelta(30), ())
    assert last_day(first, acts) == (d + timedelta(31), Status.EXPIRED)
    assert modification_problems(late, _register(first), PARENTS, "csc", named) == [
        ("target", "decision CSC-1 expired after its last day in force 2026-02-09: an "
                   "expired decision is not extended, a new decision is needed")]
    # adopted in time, but entering into force only after the last day: refused too
    slow = Act(2, "CSC-2", "csc", d + timedelta(20), Terms(
        start=Start.DATE, on=d + timedelta(35), effect=Effect.EXTENDS, target=1,
        extends_to=d + timedelta(400)))
    assert [w for w, _ in modification_problems(slow, _register(first), PARENTS, "csc",
                                                named)] == ["on"]
    assert status_on(first, _register(first, slow), d + timedelta(50)).status \
        is Status.EXPIRED
    # to one adopting who may not read the decision: named by no number, its last day
    # given in words that read in Russian too (tests/unit/staff_refusal_cases.py)
    assert modification_problems(slow, _register(first), PARENTS, "csc",
                                 lambda a: "a decision you may not read",
                                 lambda a: False) == [
        ("on", "this extension would enter into force on 2026-02-14, after the last day "
               "(2026-02-09) of a decision you may not read: an expired decision is not "
               "extended")]
    # on the last day itself an extension still carries it on
    prompt = Act(2, "CSC-2", "csc", d + timedelta(30), Terms(
        effect=Effect.EXTENDS, target=1, extends_to=d + timedelta(400)))
    assert modification_problems(prompt, _register(first), PARENTS, "csc", named) == []
    assert status_on(first, _register(first, prompt), d + timedelta(50)).status \
        is Status.IN_FORCE
