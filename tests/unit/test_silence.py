"""The silence procedure's rule (`domain/decisions/silence.py`): adopted at the deadline
unless a member with a say breaks silence strictly before it; a break returns the draft;
who may break it; which questions a body's file lets go under it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain.decisions.silence import (
    Break,
    SilenceProcedure,
    SilenceStatus,
    silence_problems,
)

DEADLINE = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
MEMBERS = ("AUT", "HUN", "SVK", "SVN")
offsets = st.integers(min_value=-10_000, max_value=10_000)  # minutes from the deadline


def _sp(breaks: tuple[Break, ...] = (), aside: tuple[str, ...] = ()) -> SilenceProcedure:
    return SilenceProcedure(MEMBERS, breaks, DEADLINE, aside)


@given(offsets)
def test_silence_kept_adopts_exactly_at_the_deadline(minutes: int) -> None:
    at = DEADLINE + timedelta(minutes=minutes)
    expected = SilenceStatus.ADOPTED if minutes >= 0 else SilenceStatus.CIRCULATING
    assert _sp().status(at) is expected


@given(offsets, st.sampled_from(MEMBERS))
def test_a_break_counts_only_strictly_before_the_deadline(minutes: int, state: str) -> None:
    sp = _sp((Break(state, DEADLINE + timedelta(minutes=minutes), "change para 2"),))
    before = minutes < 0
    assert sp.breakers == ((state,) if before else ())
    assert sp.status(DEADLINE + timedelta(days=1)) is (
        SilenceStatus.BROKEN if before else SilenceStatus.ADOPTED)
    assert (state in sp.silent) is not before


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(MEMBERS))
def test_a_member_may_break_silence_until_the_last_moment(minutes: int, state: str) -> None:
    assert _sp().break_problems(state, DEADLINE - timedelta(minutes=minutes)) == []
    late = _sp().break_problems(state, DEADLINE)
    assert late and "adopted" in late[0]


def test_a_broken_silence_returns_the_draft_and_ends_the_round() -> None:
    sp = _sp((Break("HUN", DEADLINE - timedelta(hours=3)),))
    at = DEADLINE - timedelta(hours=1)
    assert sp.status(at) is SilenceStatus.BROKEN
    assert sp.reason(at) == "silence broken by HUN: returned to the body"
    assert sp.silent == ("AUT", "SVK", "SVN")
    # nobody breaks it again: the draft is back with the body
    assert "already broken by HUN" in sp.break_problems("AUT", at)[0]


def test_who_may_break_silence() -> None:
    at = DEADLINE - timedelta(hours=1)
    # a state without a say on the draft (suspended, not a member) may not
    assert sp_problems("CZE") == ["CZE has no say on this draft: it may not break silence"]
    # a member not taking part in the work keeps its formal objection
    assert _sp(aside=("CZE",)).break_problems("CZE", at) == []


def sp_problems(state: str) -> list[str]:
    return _sp().break_problems(state, DEADLINE - timedelta(hours=1))


def test_the_reason_names_the_procedure_and_the_deadline() -> None:
    assert _sp().reason(DEADLINE) == ("adopted under the silence procedure: silence not "
                                      "broken by 2026-03-06 12:00 UTC")
    assert _sp().reason(DEADLINE - timedelta(minutes=1)) == (
        "under the silence procedure until 2026-03-06 12:00 UTC")


def test_the_file_says_which_questions_go_under_silence() -> None:
    rules = {"silence": {"questions": ["default", "appointment"]}}
    assert silence_problems(rules, "appointment") == []
    assert silence_problems(rules, "admission") == [
        "this body decides by the silence procedure only on default, appointment "
        "questions, not 'admission'"]
    assert silence_problems({}, "default") == [
        "this body does not decide by the silence procedure"]


def test_a_silence_procedure_citing_nothing_is_refused_at_its_line() -> None:
    text = (Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml").read_text(
        encoding="utf-8")
    cited = "      setting: true\n      note: example value\n    source: example\n\n  - key: de"
    assert text.count(cited) == 1
    bad = text.replace(cited, "    source: example\n\n  - key: de")
    with pytest.raises(DatasetError) as info:
        parse(bad, "danube.yaml")
    # located where the block's mapping begins, as for any field of the format
    line = bad[:bad.index("      questions: [default, appointment]")].count("\n") + 1
    assert [(p.line, p.path) for p in info.value.problems
            if "silence procedure cites" in p.message] == [(line, "bodies.0.silence")]
