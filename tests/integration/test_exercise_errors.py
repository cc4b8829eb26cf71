"""A broken scenario stores nothing, and says where it is broken: the file, the YAML
line, the inject's index and minute, in the scenario's terms. Checked before anything is
written (format, time order, states, references, the algorithm's moves), and a failure at
run time rolls the whole run back — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import exercise
from phalanx.services.db import Database

HEAD = """name: broken
injects:
  - {at: 0, do: open, title: Incursion, category: armed_attack, affected: [KGZ]}
  - {at: 30, do: consultations}
  - {at: 60, do: transition, to: assessment}
"""
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {name: conn.execute(select(func.count()).select_from(t.metadata.tables[name])
                                   ).scalar_one()
                for name in ("crisis", "crisis_event", "meeting", "draft", "decision",
                             "notification", "audit_log", "unit_consent")}


def broken(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(HEAD + "".join(f"  - {line}\n" for line in lines), encoding="utf-8")
    return path


def refused(db: Database, path: Path) -> str:
    before = counts(db)
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.run(db, exercise.load(path), start=START)
    assert counts(db) == before, "a refused scenario stored something"
    return str(caught.value)


@pytest.mark.parametrize(("lines", "expected"), [
    (["{at: 90, do: request, state: XYZ, resource: tents, quantity: 5}"],
     "broken.yaml:6: injects.3 (minute 90, request): unknown state 'XYZ'"),
    (["{at: 90, do: request, state: KGZ, resource: tents, quantity: 5}",
      "{at: 95, do: accept, offer: 9}"],
     "broken.yaml:7: injects.4 (minute 95, accept): accepts offer 9, but no offer was made"),
    (["{at: 90, do: request, state: KGZ, resource: tents, quantity: 5}",
      "{at: 80, do: offer, state: KAZ, request: 1, quantity: 5, description: tents}"],
     "broken.yaml:7: injects.4 (minute 80, offer): out of time order: minute 80 comes "
     "after minute 90"),
    (["{at: 90, do: transition, to: flying}"],
     "broken.yaml:6: injects.3 (minute 90, transition): to: unknown value 'flying'"),
    (["{at: 90, do: transition, to: response}"],
     "broken.yaml:6: injects.3 (minute 90, transition): the crisis cannot move from "
     "assessment to response here"),
    (["{at: 90, do: transition, to: no_action}"],
     "broken.yaml:6: injects.3 (minute 90, transition): the crisis cannot move from "
     "assessment to no_action here: 'no action' needs a recorded reason"),
    (["{at: 90, do: fly}"],
     "broken.yaml:6: injects.3 (minute 90, fly): unknown action 'fly'"),
    (["{at: 90, do: request, state: UZB, resource: tents, quantity: 5}"],
     "requests come from an affected state (KGZ), not UZB"),
])
def test_a_broken_scenario_names_the_inject_and_line_and_stores_nothing(
        org_db: Database, tmp_path: Path, lines: list[str], expected: str) -> None:
    assert expected in refused(org_db, broken(tmp_path, *lines))


def test_a_state_that_was_not_a_member_on_the_day_is_named(org_db: Database,
                                                           tmp_path: Path) -> None:
    """Azerbaijan left in 1999: a 2020 scenario cannot have it offer anything."""
    path = broken(tmp_path, "{at: 90, do: request, state: KGZ, resource: tents, quantity: 5}",
                  "{at: 95, do: offer, state: AZE, request: 1, quantity: 5, description: x}")
    before = counts(org_db)
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.run(org_db, exercise.load(path), start=datetime(2020, 3, 1, tzinfo=UTC))
    assert "injects.4 (minute 95, offer): AZE (offering state) is not a member on " \
           "2020-03-01" in str(caught.value)
    assert counts(org_db) == before


def test_a_failure_at_run_time_rolls_the_whole_run_back(org_db: Database,
                                                         tmp_path: Path) -> None:
    """The check cannot know the registry's unit names; the engine refuses the consent
    at minute 120, after the crisis, its session and its events were written: all of
    them are rolled back."""
    path = broken(tmp_path, "{at: 120, do: consent, state: KAZ, scope: some, "
                            "units: [no-such-unit]}")
    message = refused(org_db, path)
    assert "broken.yaml:6: injects.3 (minute 120, consent): refused:" in message
    assert "no-such-unit" in message


def test_sitreps_are_not_cut_mid_word(org_db: Database, tmp_path: Path) -> None:
    long = ("Search and rescue continues in fourteen villages of the Osh region; "
            "the roads to the mountain settlements are blocked by landslides")
    path = broken(tmp_path, f'{{at: 90, do: sitrep, state: KGZ, situation: "{long}"}}')
    result = exercise.run(org_db, exercise.load(path), start=START)
    line = result.timeline[-1][1]
    assert line.startswith("situation report: Search and rescue") and line.endswith(" …")
    shown = line.removeprefix("situation report: ").removesuffix(" …")
    assert long.startswith(shown) and long[len(shown)] == " "  # cut between words


def test_played_live_a_failing_scenario_is_rehearsed_first_and_stores_nothing(
        org_db: Database, tmp_path: Path) -> None:
    """With --speed the injects are written as they are played, for the open pages to
    follow; the rehearsal, rolled back, stops a failing scenario before the first one."""
    path = broken(tmp_path, "{at: 120, do: consent, state: KAZ, scope: some, "
                            "units: [no-such-unit]}")
    before = counts(org_db)
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.run(org_db, exercise.load(path), start=START, speed=1e9)
    assert "injects.3 (minute 120, consent)" in str(caught.value)
    assert counts(org_db) == before
    played = exercise.run(org_db, exercise.load(broken(tmp_path)), start=START, speed=1e9)
    assert played.stage == "assessment"
    assert counts(org_db)["crisis"] == before["crisis"] + 1


def test_a_real_decision_after_an_exercise_keeps_its_number(org_db: Database) -> None:
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import decisions as dec

    exercise.run(org_db, exercise.load(exercise.scenarios_dir() / "frontier.yaml"),
                 start=START)
    sec = Principal("secretariat", Role.SECRETARIAT)
    meeting = dec.convene(org_db, dec.MeetingIn(body="csc", opens_at=START, title=""),
                          actor=sec)
    draft = dec.propose_draft(org_db, dec.DraftIn(body="csc", meeting_id=meeting.id,
                                                  title="Real", text_en="Decides."),
                              actor=sec)
    for s in [s.state for s in draft.stances if s.standing.value == "full"]:
        dec.record_attendance(org_db, meeting.id, s, True, actor=sec)
        dec.state_position(org_db, draft.id, Position.SUPPORT, actor=Principal(
            f"rep-{s.lower()}", Role.REPRESENTATIVE, state=s))
    closed = dec.close_draft(org_db, draft.id, actor=sec)
    assert closed.decision_id is not None
    with org_db.read() as conn:
        number = dec.get_decision(conn, closed.decision_id, actor=SYSTEM).number
    assert number == f"CSC-{START.year}-001"
