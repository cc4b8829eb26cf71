"""An exercise plays on its own dates: `--start` (or `start:` in the file) sets its first
minute; the organization is read as of that date (members, seats, the chair who is
told of an escalation), documents are numbered in that year, and every clock (the
session, the drafts and positions, the crisis's stages) is the scenario's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app
from phalanx.services import exercise
from phalanx.services.clock import aware
from phalanx.services.db import Database
from tests.support.cli import cli_runner

START = datetime.fromisoformat("2022-01-05T23:00+06:00")


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # every test starts from the built-in dataset and the demo accounts


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def test_a_run_is_dated_numbered_and_escalated_in_its_own_year(org_db: Database) -> None:
    scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
    result = exercise.run(org_db, scenario, start=START)
    # the consultations late, then the answers under art. 4 of the members that never
    # gave one (ARM, KAZ, TJK: only Russia and Belarus answer), a day after the request
    assert result.crisis_id is not None and result.escalations == 2
    with org_db.read() as conn:
        crisis = conn.execute(select(t.crisis).where(t.crisis.c.id == result.crisis_id)).one()
        assert aware(crisis.reported_at) == START
        session = conn.execute(select(t.meeting).where(t.meeting.c.id == crisis.session_id)
                               ).one()
        assert aware(session.opens_at) == START + timedelta(minutes=75)
        decision = conn.execute(select(t.decision).where(
            t.decision.c.id == crisis.decision_id)).one()
        assert decision.number.startswith("EX-") and "-2022-" in decision.number
        assert decision.adopted_on.year == 2022
        draft = conn.execute(select(t.draft).where(t.draft.c.id == decision.draft_id)).one()
        assert aware(draft.created_at) == START + timedelta(minutes=190)
        stated = [aware(p.stated_at) for p in conn.execute(
            select(t.position).where(t.position.c.draft_id == draft.id))]
        assert stated and all(s == START + timedelta(minutes=190) for s in stated)
        events = list(conn.execute(select(t.crisis_event).where(
            t.crisis_event.c.crisis_id == result.crisis_id)))
        assert all(aware(e.at).year == 2022 for e in events)
        escalation = next(e for e in events if e.kind == "escalation")
        told = {n.recipient for n in conn.execute(select(t.notification).where(
            t.notification.c.topic == f"crisis:{result.crisis_id}",
            t.notification.c.created_at == escalation.at,
            # (the consultations are convened at the same moment, told to every member)
            t.notification.c.subject.contains("Overdue: crisis")))}
    # Armenia chaired the organization in 2022 (Russia in 2026): its representative is told
    assert "rep-arm" in told and "rep-rus" not in told
    assert aware(escalation.at) == START + timedelta(minutes=75)  # seen at the next inject


def test_the_file_start_is_used_and_the_option_overrides_it(org_db: Database,
                                                             tmp_path: Path) -> None:
    text = (exercise.scenarios_dir() / "earthquake.yaml").read_text(encoding="utf-8")
    path = tmp_path / "dated.yaml"
    path.write_text("start: 2019-03-01T09:00+06:00\n" + text, encoding="utf-8")
    scenario = exercise.load(path)
    assert scenario.start == datetime.fromisoformat("2019-03-01T09:00+06:00")
    assert exercise.run(org_db, scenario).start == scenario.start
    assert exercise.run(org_db, scenario, start=START).start == START


def test_a_start_without_its_zone_is_refused_naming_the_line(tmp_path: Path) -> None:
    text = (exercise.scenarios_dir() / "earthquake.yaml").read_text(encoding="utf-8")
    path = tmp_path / "naive.yaml"
    path.write_text("start: 2019-03-01T09:00\n" + text, encoding="utf-8")
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.load(path)
    assert "naive.yaml:1: start" in str(caught.value)
    assert "needs its time zone" in str(caught.value)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    yield from cli_runner(tmp_path, monkeypatch)


def test_the_command_line_takes_the_start(cli: CliRunner) -> None:
    r = cli.invoke(app, ["exercise", "run", "frontier", "--start", "2022-01-05T23:00+06:00",
                         "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["start"] == "2022-01-05T23:00:00+06:00"
    assert any("EX-" in e["event"] and "-2022-" in e["event"] for e in report["timeline"])
    r = cli.invoke(app, ["exercise", "run", "frontier", "--start", "2022-01-05 23:00"])
    assert r.exit_code != 0 and "needs its time zone" in r.output


def test_a_decision_after_midnight_answers_a_request_made_after_midnight(
        cli: CliRunner) -> None:
    """Frontier from 22:00 UTC: consultations open at 23:15, the request comes at 00:50
    the next day and the decision at 01:10. The Council decides in a session of that
    day, so the decision is dated after the request and authorizes the response."""
    r = cli.invoke(app, ["exercise", "run", "frontier", "--start", "2022-01-05T22:00+00:00",
                         "--json"])
    assert r.exit_code == 0, r.output
    events = [e["event"] for e in json.loads(r.stdout)["timeline"]]
    assert any(e.startswith("decision EX-") and "adopted" in e for e in events), events
