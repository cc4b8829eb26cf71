"""An exercise never touches a real record. On the demo database (what `phalanx demo`
creates: accounts, a council session, documents, the Frontier exercise, a real crisis
answered by the CRRF with its decided deployment plan), every shipped scenario is run,
and every table's rows that are not the run's own are checksummed before and after: the
checksums must be identical, on SQLite and PostgreSQL. Planning and deciding a plan for
an exercise crisis (`phalanx plan --crisis N --decide`) leaves the real plans as they were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo, exercise, forces, forcesdemo
from phalanx.services.clock import aware
from phalanx.services.db import Database

Own = Callable[[str, Any], bool]


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # every test starts from the built-in dataset and the demo accounts


@pytest.fixture
def demo_db(db: Database) -> Database:
    forcesdemo.run(db, time_limit=1)  # the demo's real crisis, planned briefly
    demo.ensure_demo_records(db, actor=SYSTEM)
    return db


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        return aware(v).isoformat()
    return v


def _rows(db: Database) -> dict[str, list[dict[str, Any]]]:
    out = {}
    with db.read() as conn:
        for table in t.metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [{k: _plain(v) for k, v in r._mapping.items()}
                               for r in conn.execute(select(table).order_by(*order))]
    return out


def checksums(rows: dict[str, list[dict[str, Any]]], own: Own) -> dict[str, str]:
    """Per table, a digest of the rows that are not the exercise's own."""
    return {name: hashlib.sha256("\n".join(
        json.dumps(r, sort_keys=True, default=str) for r in table if not own(name, r)
    ).encode()).hexdigest() for name, table in rows.items()}


def ownership(before: dict[str, list[dict[str, Any]]],
              after: dict[str, list[dict[str, Any]]], also: frozenset[int] = frozenset()
              ) -> Own:
    """The run's own rows: the exercise crises, sessions, drafts and decisions it created,
    what hangs on them, their notifications and their audit entries."""
    def new(name: str) -> list[dict[str, Any]]:
        old = {r["id"] for r in before[name]}
        return [r for r in after[name] if r["id"] not in old]

    crisis = {r["id"] for r in new("crisis") if r["exercise"]} | set(also)
    meeting = {r["id"] for r in new("meeting") if r["exercise"]}
    draft = {r["id"] for r in new("draft") if r["meeting_id"] in meeting}
    decision = {r["id"] for r in new("decision") if r["exercise"] and r["draft_id"] in draft}
    request = {r["id"] for r in after["assistance_request"] if r["crisis_id"] in crisis}
    audit_targets = ({("crisis", str(i)) for i in crisis} | {("session", str(i)) for i in meeting}
                     | {("draft", str(i)) for i in draft}
                     | {("decision", str(i)) for i in decision})
    checkpoints = {r["id"] for r in new("audit_checkpoint")}
    by_crisis = {"crisis_event", "assistance_request", "sitrep", "force_requirement",
                 "unit_consent", "deployment_plan", "official_request", "crisis_session",
                 "obligation_answer", "un_notice"}
    by_meeting = {"attendance", "agenda_item", "draft"}
    by_draft = {"draft_version", "position", "amendment", "signature", "decision",
                "consultation_answer"}

    def own(name: str, r: dict[str, Any]) -> bool:
        if name == "crisis":
            return r["id"] in crisis
        if name == "meeting":
            return r["id"] in meeting
        if name in by_crisis:
            return r["crisis_id"] in crisis
        if name in by_meeting:
            return r["meeting_id"] in meeting
        if name in by_draft:
            return r["draft_id"] in draft
        if name == "task":
            return r["decision_id"] in decision
        if name == "assistance_offer":
            return r["request_id"] in request
        if name == "notification":
            return r["topic"] in {f"crisis:{i}" for i in crisis} | {
                f"decision:{i}" for i in decision} | {f"draft:{i}" for i in draft}
        if name == "audit_log":
            return (r["target_kind"], r["target_id"]) in audit_targets
        if name == "audit_checkpoint":  # a new signature over the chain, exercise included
            return r["id"] in checkpoints
        return False

    return own


def real_plans(db: Database) -> list[tuple[int, str, int]]:
    with db.read() as conn:
        rows = conn.execute(select(t.deployment_plan, t.crisis.c.exercise).join(
            t.crisis, t.crisis.c.id == t.deployment_plan.c.crisis_id))
        return [(r.id, r.status, len(r.movements)) for r in rows if not r.exercise]


def test_every_shipped_scenario_leaves_the_real_records_as_they_were(demo_db: Database
                                                                     ) -> None:
    before = _rows(demo_db)
    plans = real_plans(demo_db)
    assert any(status == "decided" for _i, status, _n in plans)
    names = sorted(p.stem for p in exercise.scenarios_dir().glob("*.yaml"))
    assert len(names) >= 4
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    for name in names:
        scenario = exercise.load(exercise.scenarios_dir() / f"{name}.yaml")
        result = exercise.run(demo_db, scenario, start=scenario.start or start)
        assert result.crisis_id is not None
    after = _rows(demo_db)
    own = ownership(before, after)
    assert len(after["crisis"]) >= len(before["crisis"]) + len(names)
    changed = {name for name, digest in checksums(before, own).items()
               if checksums(after, own)[name] != digest}
    assert changed == set(), f"real rows changed in {sorted(changed)}"
    assert real_plans(demo_db) == plans


def test_a_real_escalation_run_never_touches_an_exercise(demo_db: Database) -> None:
    """The timer's escalation (`phalanx crises escalate`) looks at real crises only."""
    from phalanx.services import crises

    scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
    cut = exercise.Scenario(name="cut", injects=scenario.injects[:1])  # reported, then left
    exercise.run(demo_db, cut, start=datetime.now(UTC) - timedelta(days=2))
    before = _rows(demo_db)
    escalated = crises.escalate_overdue(demo_db)
    with demo_db.read() as conn:
        exercises = {c.id for c in crises.board(conn, actor=SYSTEM, exercise=True)}
    assert exercises and not set(escalated) & exercises
    after = _rows(demo_db)
    assert [r for r in after["crisis_event"] if r["crisis_id"] in exercises] == \
        [r for r in before["crisis_event"] if r["crisis_id"] in exercises]


@pytest.fixture
def cli_on(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_plan_decide_on_an_exercise_crisis_leaves_real_plans(demo_db: Database,
                                                             cli_on: CliRunner) -> None:
    scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
    upto = next(i for i, j in enumerate(scenario.injects)
                if getattr(j, "to", None) is not None and j.to.value == "response")
    cut = exercise.Scenario(name="to the response", injects=scenario.injects[:upto + 1])
    now = datetime.now(UTC).replace(microsecond=0)
    result = exercise.run(demo_db, cut, start=now - timedelta(hours=6))
    assert result.stage == "response" and result.crisis_id is not None
    forces.add_requirement(demo_db, result.crisis_id, forces.RequirementIn(
        capability="airborne", strength=1, place="Batken", lat=40.06, lon=70.82,
        needed_by=now + timedelta(hours=24)), actor=forcesdemo.PLANNER, at=now)
    before = _rows(demo_db)
    plans = real_plans(demo_db)
    r = cli_on.invoke(app, ["plan", "--crisis", str(result.crisis_id), "--time-limit", "1",
                            "--decide", "--json"])
    assert r.exit_code == 0, r.output
    planned = json.loads(r.stdout)
    assert planned["status"] == "decided" and planned["crises"] == [result.crisis_id]
    assert real_plans(demo_db) == plans
    after = _rows(demo_db)
    own = ownership(before, after, frozenset({result.crisis_id}))
    assert checksums(before, own) == checksums(after, own)


@pytest.mark.parametrize("speed", [0.0, 1e9])
def test_every_audit_entry_of_an_exercise_says_so_and_no_real_one_does(
        db: Database, speed: float) -> None:
    """What an exercise's injects do is in the trail as the exercise's (`exercise: true`
    in each entry's change, sealed by its hash), whoever plays the inject (the run's
    representatives, secretariat and joint staff, the system escalating its crisis) and
    whether the run is written at once or as it is played (`--speed`), which also ends
    with its `exercise.run` entry. The real actions around it never say so."""
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import audit
    from phalanx.services import crises as crs

    sec = Principal("secretariat", Role.SECRETARIAT)
    crs.open_crisis(db, crs.CrisisIn(title="Real floods", category="armed_attack",
                                     affected=["KAZ"]), actor=sec)
    with db.read() as conn:
        first = int(conn.execute(select(t.audit_log.c.id).order_by(
            t.audit_log.c.id.desc())).scalars().first() or 0)
    scenario = exercise.load(exercise.scenarios_dir() / "kazakhstan-2022.yaml")
    exercise.run(db, scenario, start=scenario.start, speed=speed)
    crs.open_crisis(db, crs.CrisisIn(title="Real fire", category="armed_attack",
                                     affected=["KAZ"]), actor=sec)
    auditor = Principal("auditor", Role.AUDITOR)
    with db.read() as conn:
        entries, _n = audit.search(conn, audit.AuditFilter(limit=1000), actor=auditor)
    played = [e for e in entries if e["id"] > first][1:]  # the real fire's entry first
    real = [e for e in entries if e not in played]
    assert len(played) > 30
    assert {e["action"] for e in played} >= {"crisis.open", "draft.close", "crisis.transition",
                                             "exercise.run"}
    assert played[0]["action"] == "exercise.run"
    assert [e["id"] for e in played if json.loads(e["change"]).get("exercise") is not True] == []
    assert [e["id"] for e in real if json.loads(e["change"]).get("exercise")] == []
    assert {e["exercise"] for e in played} == {True} and {e["exercise"] for e in real} == {False}
    assert {e["action"] for e in real} >= {"crisis.open", "dataset.load"}


def test_what_a_user_does_to_an_exercise_s_records_is_the_exercise_s_in_the_trail(
        db: Database) -> None:
    """After the run, users work on with the exercise's records (the review's situation
    report, a plan for its crisis, its session's status): those entries are the
    exercise's too, whoever writes them; the same actions on real records are not."""
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises as crs
    from phalanx.services import decisions as dec

    scenario = exercise.load(exercise.scenarios_dir() / "kazakhstan-2022.yaml")
    run = exercise.run(db, scenario, start=scenario.start)
    assert run.crisis is not None and run.crisis.session_id is not None
    sec = Principal("secretariat", Role.SECRETARIAT)
    real = crs.open_crisis(db, crs.CrisisIn(title="Real floods", category="armed_attack",
                                            affected=["KAZ"]), actor=sec)
    with db.read() as conn:
        first = int(conn.execute(select(t.audit_log.c.id).order_by(
            t.audit_log.c.id.desc())).scalars().first() or 0)
    for crisis_id in (run.crisis_id, real.id):
        crs.add_sitrep(db, crisis_id, crs.SitrepIn(situation="calm"), actor=sec)
    dec.set_session_status(db, run.crisis.session_id, "closed", actor=sec)
    with db.read() as conn:
        rows = conn.execute(select(t.audit_log).where(t.audit_log.c.id > first)
                            .order_by(t.audit_log.c.id)).all()
    said = [(r.target_kind, r.target_id, json.loads(r.change).get("exercise") is True)
            for r in rows]
    assert said == [("crisis", str(run.crisis_id), True), ("crisis", str(real.id), False),
                    ("session", str(run.crisis.session_id), True)]
