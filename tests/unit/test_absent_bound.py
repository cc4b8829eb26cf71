"""Whether a member absent without a declaration is bound (a rule's `absent_bound`): by
default yes on a question decided by majority or qualified majority, never under
consensus (DOMAIN.md §7, the absent receive the text for consideration); a file saying
otherwise under consensus is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain.decisions.procedure import absent_bound, rule_for

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
RULES = {"decision_rules": {
    "default": {"quorum": "two_thirds"},
    "procedural": {"quorum": "majority", "consensus": "majority"},
    "budget": {"quorum": "majority", "consensus": "qualified", "absent_bound": None,
               "qualified": {"share": "2/3", "of": "cast"}},
    "agenda": {"quorum": "majority", "consensus": "majority", "absent_bound": False}}}


@pytest.mark.parametrize(("question", "bound"), [
    ("default", False), ("procedural", True), ("budget", True), ("agenda", False)])
def test_by_majority_the_absent_are_bound_unless_the_rule_says_not(question: str,
                                                                     bound: bool) -> None:
    assert absent_bound(RULES, question) is bound
    assert rule_for(RULES, question).absent_bound is bound


def test_the_built_in_organizations_procedural_questions_bind_the_absent() -> None:
    from phalanx.dataset.loader import builtin_path, read

    org, _ = read(builtin_path())
    assert absent_bound(org.bodies["csc"].rules, "procedural")
    assert not absent_bound(org.bodies["csc"].rules, "default")


def test_absent_bound_under_consensus_is_refused_at_its_line() -> None:
    text = FILE.read_text(encoding="utf-8")
    rule = "      default: {quorum: 2, consensus: no_objection, setting: true,"
    assert text.count(rule) == 1
    text = text.replace(rule, "      default: {quorum: 2, consensus: no_objection, "
                              "absent_bound: true, setting: true,")
    with pytest.raises(DatasetError) as info:
        parse(text, "danube.yaml")
    ((line, path, message),) = [(p.line, p.path, p.message) for p in info.value.problems]
    assert path == "bodies.1.decision_rules.default"
    assert line == text[:text.index("absent_bound: true")].count("\n") + 1
    assert "receives the text for consideration" in message
