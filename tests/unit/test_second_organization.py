"""Another organization from its file alone (`tests/fixtures/danube-alliance.yaml`): it
loads, its rules are its own, and a slip in any of its settings is refused at its line
instead of being left unread."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from phalanx.dataset import loader
from phalanx.dataset.loader import DatasetError, parse
from phalanx.domain import leaving, membership, rotation

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
TEXT = FILE.read_text(encoding="utf-8")


def _line(text: str, fragment: str) -> int:
    assert text.count(fragment) == 1, fragment
    return text[:text.index(fragment)].count("\n") + 1


def test_the_alliance_loads_with_its_own_history() -> None:
    org, _ = loader.read(FILE)
    assert [m.state for m in membership.members_on(org, date(2004, 6, 1))] == [
        "AUT", "CZE", "HUN", "SVK"]
    # Slovenia joins later; Czechia leaves on the later of its notice's year and its
    # settlement
    assert [m.state for m in membership.members_on(org, date(2013, 3, 1))] == [
        "AUT", "HUN", "SVK", "SVN"]
    assert leaving.notice_months(org) == 12
    # the rotation in English order from Austria, 2024, among the members
    assert rotation.order(org)[:3] == ["AUT", "CZE", "HUN"]
    assert org.settings["days_off"] == ["friday", "saturday", "sunday"]
    assert org.bodies["supreme-council"].rules["silence"]["questions"] == [
        "default", "appointment"]
    assert org.settings["measure_authority"] == {"military_crrf": ["supreme-council"],
                                                 "military_peacekeeping": ["supreme-council"]}


@pytest.mark.parametrize(("old", "new", "path", "words"), [
    ("working_time_zone: Europe/Vienna", "working_time_zon: Europe/Vienna",
     "organization.settings.working_time_zon", "Extra inputs"),
    ("working_time_zone: Europe/Vienna", "working_time_zone: Europe/Viena",
     "organization.settings.working_time_zone", "not an IANA time zone"),
    ("days_off: [friday, saturday, sunday]", "days_off: [freitag]",
     "organization.settings.days_off.0", "'sunday'"),
    ("rotation_order_language: en", "rotation_order_language: de",
     "organization.settings.rotation_order_language", "'en' or 'ru'"),
    ("first_unit: 2880", "first_unt: 2880",
     "organization.settings.response_targets.first_unt", "Extra inputs"),
    ("withdrawal_notice_months: 12", "withdrawal_notice_months: twelve",
     "organization.settings.withdrawal_notice_months", "integer"),
    ('collective_defence_articles: ["Pact art. 5"]', 'collective_defence_articles: "Pact art. 5"',
     "organization.settings.collective_defence_articles", "list"),
    ("military_crrf: [supreme-council]", "military_crrf: [supreme-councl]",
     "organization.settings.measure_authority.military_crrf.0", "unknown body 'supreme-councl'"),
    ("military_crrf: [danube-response-force]", "military_crrf: [danube-force]",
     "organization.settings.measure_formations.military_crrf.0",
     "unknown formation 'danube-force'"),
    ("  illustrative: true\n  bases:",
     "  illustrative: true\n  crisis_symbols: {floods: EHNPAC---------}\n  bases:",
     "forces.crisis_symbols.floods", "unknown crisis category 'floods'"),
    ("translations:\n  ru:", "translations:\n  de:\n    Bratislava: Pressburg\n  ru:",
     "translations.de", "would never be shown"),
    ("      appointment: {quorum: two_thirds,", "      appointmnt: {quorum: two_thirds,",
     "bodies.0.decision_rules.appointmnt", "did you mean 'appointment'?"),
    # a quorum as a number of members, or a share of them
    ("      default: {quorum: 2,", "      default: {quorum: 0,",
     "bodies.1.decision_rules.default.quorum", "(at least 1), not 0"),
    ('      exercise_plan: {quorum: "3/5",', '      exercise_plan: {quorum: "5/3",',
     "bodies.1.decision_rules.exercise_plan.quorum", "at most 1, e.g. '2/3', not '5/3'"),
    ('      exercise_plan: {quorum: "3/5",', '      exercise_plan: {quorum: three fifths,',
     "bodies.1.decision_rules.exercise_plan.quorum", "such as '3/5'"),
    # the silence procedure only on a question the body has a rule for
    ("      questions: [default, appointment]", "      questions: [default, appointmnt]",
     "bodies.0.silence.questions", "no decision rule for appointmnt"),
    ("      questions: [default, appointment]", "      questions: default",
     "bodies.0.silence.questions", "valid list"),
    # a term from 29 February would have no anniversary three years on
    ("    body: bureau\n    appointments:",
     "    terms_from: 2024-02-29\n    term_years: 3\n    body: bureau\n    appointments:",
     "posts.0.terms_from", "29 February is not one"),
])
def test_a_slip_in_the_settings_is_refused_at_its_line(old: str, new: str, path: str,
                                                        words: str) -> None:
    assert TEXT.count(old) == 1, old
    text = TEXT.replace(old, new)
    with pytest.raises(DatasetError) as info:
        parse(text, "danube.yaml")
    # the line of the key the path ends with
    lines = {"crisis_symbols": "crisis_symbols:", "de": "Bratislava: Pressburg"}
    at = lines.get(path.split(".")[1], new.split("\n")[0])
    found = [(p.file, p.line, p.path) for p in info.value.problems if words in p.message]
    assert found == [("danube.yaml", _line(text, at), path)], info.value.problems
