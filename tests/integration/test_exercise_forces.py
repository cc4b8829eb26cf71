"""An exercise plans with the forces actually available. Its crisis competes with no real
one, but a unit the decided deployment of a real crisis moves or holds is taken: the
exercise's plan leaves it out, saying why without naming the real crisis, and planning the
exercise writes nothing real."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.forces import tasks as tk
from phalanx.services import demo, exercise, forces, forcesdemo
from phalanx.services import plans_in_force as in_force
from phalanx.services.db import Database
from phalanx.services.forces import commitments
from tests.integration.test_exercise_isolation import _rows, checksums, ownership


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _exercise_at_response(db: Database, now: datetime) -> int:
    scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
    upto = next(i for i, j in enumerate(scenario.injects)
                if getattr(j, "to", None) is not None and j.to.value == "response")
    cut = exercise.Scenario(name="to the response", injects=scenario.injects[:upto + 1])
    result = exercise.run(db, cut, start=now - timedelta(hours=6))
    assert result.stage == "response" and result.crisis_id is not None
    return result.crisis_id


def test_an_exercise_plans_without_the_units_a_real_operation_has(db: Database) -> None:
    real = forcesdemo.run(db, time_limit=1)  # the demo's real crisis, its plan decided
    demo.ensure_demo_records(db, actor=SYSTEM)
    now = datetime.now(UTC).replace(microsecond=0)
    with db.read() as conn:
        decided = in_force.decided(conn, real)
        assert decided is not None
        taken = {tk.whole_of(m["unit"]) for m in decided.movements}
        caps = {u.key: u.capability for u in forces.units(conn, actor=SYSTEM)}
        states = {u.key: u.state for u in forces.units(conn, actor=SYSTEM)}
    assert taken
    cid = _exercise_at_response(db, now)
    # the states of the taken units make all their units available to the exercise
    for state in sorted({states[k] for k in taken}):
        forces.give_consent(db, cid, state, forces.ConsentIn(scope="all"),
                            actor=forcesdemo.rep(state), at=now)
    # the exercise asks, at the real crisis's place, for what the real plan moves
    for cap in sorted({caps[k] for k in taken}):
        forces.add_requirement(db, cid, forces.RequirementIn(
            capability=cap, strength=1, place="Batken", lat=40.06, lon=70.82,
            needed_by=now + timedelta(hours=24)), actor=forcesdemo.PLANNER, at=now)
    before = _rows(db)
    plan = forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=forcesdemo.PLANNER,
                           at=now)
    assert plan.crises == [cid]
    moved = {tk.whole_of(m.unit) for m in plan.movements}
    assert not moved & taken, moved & taken
    said = {k: v for k, v in plan.explanations.items() if k in taken}
    assert said and all(commitments.TAKEN in v for v in said.values()), said
    assert any("taken by real operations" in w for w in plan.warnings), plan.warnings
    # why a unit is taken names no real crisis (a line on an aircraft a real plan holds
    # names it, as any plan's does, only to a reader of that crisis)
    text = " ".join([*said.values(), *(w for w in plan.warnings if "taken" in w)])
    assert not re.search(rf"crisis {real}\b", text) and forcesdemo.TITLE not in text
    # nothing real written: the plan is the exercise's own
    after = _rows(db)
    own = ownership(before, after, frozenset({cid}))
    assert checksums(before, own) == checksums(after, own)


def test_a_unit_home_again_is_free_for_an_exercise(db: Database) -> None:
    """Only what a real operation has now: with no real decided plan, nothing is taken."""
    with db.read() as conn:
        assert commitments.taken_for_real(conn, datetime.now(UTC)) == set()
    real = forcesdemo.run(db, time_limit=1)
    with db.read() as conn:
        assert commitments.taken_for_real(conn, datetime.now(UTC)) == {
            tk.whole_of(m["unit"]) for m in in_force.decided(conn, real).movements}
