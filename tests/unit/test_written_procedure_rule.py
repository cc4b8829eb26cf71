"""Which questions a body's file lets go under the written procedure
(`domain/decisions/procedure.py`, `written_problems`): absent, every one (the CSTO's
bodies); an empty list, none; a question the body has no rule for is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain.decisions.procedure import written_problems

FILE = Path(__file__).parents[1] / "fixtures" / "arabian-sea-council.yaml"


def test_the_file_says_which_questions_go_in_writing() -> None:
    assert written_problems({}, "default") == []
    assert written_problems({"written": {"questions": []}}, "default") == [
        "this body does not decide by the written procedure"]
    assert written_problems({"written": {"questions": ["appointment"]}}, "default") == [
        "this body decides by the written procedure only on appointment questions, "
        "not 'default'"]
    assert written_problems({"written": {"questions": ["appointment"]}}, "appointment") == []


def test_the_councils_file_gives_it_no_written_procedure() -> None:
    org = parse(FILE.read_text(encoding="utf-8"), FILE.name)[1]
    assert written_problems(org.bodies["majlis"].rules, "default")
    assert written_problems(org.bodies["chiefs-board"].rules, "default") == []


def test_a_written_procedure_on_a_question_without_a_rule_is_refused_at_its_line() -> None:
    text = FILE.read_text(encoding="utf-8")
    assert text.count("    written:\n      questions: []\n") == 1
    bad = text.replace("    written:\n      questions: []\n",
                       "    written:\n      questions: [budget]\n")
    with pytest.raises(DatasetError) as info:
        parse(bad, FILE.name)
    assert [p.path for p in info.value.problems if "no decision rule for budget"
            in p.message] == ["bodies.1.written.questions"]
