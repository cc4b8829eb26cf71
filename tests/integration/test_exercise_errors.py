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


ASKED = "{at: 70, do: official_request, state: KGZ, person: the President, " \
        "measures: [military_crrf]}"
WITHDRAWS = "broken.yaml:{line}: injects.{n} (minute {at}, withdraw_request): "


@pytest.mark.parametrize(("lines", "expected"), [
    # a request the scenario never made
    ([ASKED, "{at: 90, do: withdraw_request, state: KGZ, request: 3}"],
     WITHDRAWS.format(line=7, n=4, at=90) + "withdraws official request 3, but only 1 "
     "official request was made before it"),
    (["{at: 90, do: withdraw_request, state: KGZ}"],
     WITHDRAWS.format(line=6, n=3, at=90) + "KGZ made no official request before it"),
    # another state's request: only the state that made it withdraws it
    ([ASKED, "{at: 90, do: withdraw_request, state: KAZ, request: 1}"],
     WITHDRAWS.format(line=7, n=4, at=90) + "official request 1 is KGZ's, not KAZ's: only "
     "the state that made a request withdraws it"),
    ([ASKED, "{at: 90, do: withdraw_request, state: XYZ}"],
     WITHDRAWS.format(line=7, n=4, at=90) + "XYZ made no official request before it"),
    # once; and which one, when the state made several
    ([ASKED, "{at: 80, do: withdraw_request, state: KGZ}",
      "{at: 90, do: withdraw_request, state: KGZ, request: 1}"],
     WITHDRAWS.format(line=8, n=5, at=90) + "official request 1 was already withdrawn "
     "(injects.4)"),
    ([ASKED, ASKED.replace("at: 70", "at: 75"), "{at: 90, do: withdraw_request, state: KGZ}"],
     WITHDRAWS.format(line=8, n=5, at=90) + "KGZ has 2 official requests standing "
     "(requests 1, 2): say which one (request: N)"),
    (["{at: 90, do: withdraw_request, request: 1}"],
     WITHDRAWS.format(line=6, n=3, at=90) + "state is missing"),
    # a finished crisis's requests no longer change
    ([ASKED.replace("at: 70", "at: 65"), "{at: 70, do: transition, to: no_action, "
      "reason: political means suffice}", "{at: 90, do: withdraw_request, state: KGZ}"],
     WITHDRAWS.format(line=8, n=5, at=90) + "the crisis is no action: its official requests "
     "no longer change"),
    # after the withdrawal no military offer is accepted: said before anything is written
    ([ASKED, "{at: 80, do: decide, title: On assistance, authorizes: [military_crrf]}",
      "{at: 85, do: transition, to: decision}", "{at: 86, do: response, measures: "
      "[military_crrf]}", "{at: 87, do: transition, to: response}",
      "{at: 88, do: request, state: KGZ, resource: a CRRF battalion, measure: military_crrf, "
      "quantity: 1}", "{at: 89, do: offer, state: KAZ, request: 1, quantity: 1, "
      "description: a battalion}", "{at: 90, do: withdraw_request, state: KGZ, "
      "reason: the situation is under control}", "{at: 95, do: accept, offer: 1}"],
     "broken.yaml:14: injects.11 (minute 95, accept): offer 1 is not accepted: "
     "military_crrf: the official request of KGZ of 2026-11-02 09:10 UTC was withdrawn on "
     "2026-11-02 09:30 UTC: nothing decided, linked or deployed after that answers it"),
])
def test_a_broken_withdrawal_of_the_request_is_refused_before_anything_is_written(
        org_db: Database, tmp_path: Path, lines: list[str], expected: str) -> None:
    assert expected in refused(org_db, broken(tmp_path, *lines))


def test_a_withdrawal_is_played_through_the_service_of_the_pages(
        org_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`do: withdraw_request` calls `crisis_requests.withdraw_request`, as the API and the
    crisis room do, as the state's representative; the request is withdrawn at the
    inject's minute, with its reason, and the timeline says so."""
    from phalanx.services import crises, crisis_requests

    calls: list[tuple[int, str | None]] = []
    real = crisis_requests.withdraw_request

    def spy(*args: object, **kwargs: object) -> object:
        actor = kwargs["actor"]
        calls.append((int(args[2]), getattr(actor, "state", None)))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(crisis_requests, "withdraw_request", spy)
    path = broken(tmp_path, ASKED, ASKED.replace("at: 70", "at: 75"),
                  "{at: 90, do: withdraw_request, state: KGZ, request: 2, "
                  "reason: the situation is under control}")
    result = exercise.run(org_db, exercise.load(path), start=START)
    assert result.timeline[-1] == (
        90, "KGZ withdraws its official request 2 (the situation is under control)")
    with org_db.read() as conn:
        c = crises.get(conn, result.crisis_id or 0, actor=SYSTEM)
    first, second = c.official_requests
    assert first.withdrawn_at is None
    assert (second.withdrawn_at, second.withdrawal_reason) == (
        datetime(2026, 11, 2, 9, 30, tzinfo=UTC), "the situation is under control")
    assert calls == [(second.id, "KGZ")]
    assert any(e.text == "KGZ withdrew its official request of 2026-11-02 09:15 UTC at "
                         "2026-11-02 09:30 UTC — the situation is under control"
               for e in c.timeline)


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


def test_played_live_a_run_stopped_half_way_says_what_it_kept(
        org_db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Played live, the injects are written as they are played: when one is refused
    half-way (here the Secretariat ends the exercise from its crisis room while it runs),
    the run does not say "nothing stored" but where it stopped and that its crisis keeps
    what was played; its `exercise.run` entry says so too (on the command line: exit 1)."""
    from types import SimpleNamespace

    from typer.testing import CliRunner

    from phalanx.cli.main import app
    from phalanx.config import get_settings
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises

    waits: list[float] = []

    def ended_meanwhile(seconds: float) -> None:  # the second wait: before minute 60
        waits.append(seconds)
        if len(waits) % 2 == 0:
            with org_db.read() as conn:
                latest = max(conn.execute(select(t.crisis.c.id)).scalars())
            crises.end_exercise(org_db, latest, crises.ExerciseEndIn(
                how="ended", reason="ENDEX"), actor=Principal("secretariat", Role.SECRETARIAT))

    monkeypatch.setattr(exercise, "time", SimpleNamespace(sleep=ended_meanwhile))
    with pytest.raises(exercise.Stopped) as caught:
        exercise.run(org_db, exercise.load(broken(tmp_path)), start=START, speed=1e9)
    stopped = caught.value
    assert (stopped.minute, stopped.played, stopped.total) == (30, 2, 3)
    assert "injects.2 (minute 60, transition): refused" in stopped.problems[0]
    assert f"crisis {stopped.crisis_id} keeps what was played" in str(stopped)
    with org_db.read() as conn:
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "exercise.run")).scalars().all()[-1]
    said = entry if isinstance(entry, dict) else __import__("json").loads(entry)
    assert said["exercise"] is True and said["stopped"]["played"] == 2, said
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["exercise", "run", str(broken(tmp_path)), "--speed",
                                     "1e9", "--start", START.isoformat()])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 1, r.output
    assert "nothing stored" not in r.output and "keeps what was played" in r.output


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


def test_no_answer_is_owed_where_the_crisis_lies_outside_the_affected_members_territory(
        org_db: Database, tmp_path: Path) -> None:
    """The check knows what the run would refuse: a crisis placed outside every affected
    member's territory (Nagorno-Karabakh, on Azerbaijan's) obliges no member under art. 4,
    so a member's answer to it is a broken inject, said before anything is written."""
    path = tmp_path / "karabakh.yaml"
    path.write_text("""name: karabakh
injects:
  - {at: 0, do: open, title: Fighting, category: aggression, affected: [ARM],
     other_parties: [AZE], place: Stepanakert, lat: 39.815, lon: 46.752}
  - {at: 30, do: consultations}
  - {at: 40, do: official_request, state: ARM, person: the Prime Minister of Armenia,
     office: head_of_government, measures: [political]}
  - {at: 60, do: obligation, state: RUS, answer: other, detail: a ceasefire call}
""", encoding="utf-8")
    assert "the crisis's place lies outside the territory of ARM" in refused(org_db, path)
