"""A plan's entry on its crisis's timeline is read by every reader of that crisis, some of
whom may not read the other crises planned with it: it counts the crisis's own movements
and uncovered requirements, and gives no gap (the plan's bound counts the other crises),
as the plan itself does for such a reader."""

from __future__ import annotations

import re

import pytest

from phalanx.services import crises, forcesdemo
from phalanx.services.db import Database
from tests.integration.test_forces import planned_with_a_secret_crisis, rep


@pytest.fixture
def db_recipe() -> str:
    return "forces"  # the dataset, the demo accounts and the demo crisis, planned and decided


def _plan_entry(db: Database, crisis_id: int, plan_id: int) -> str:
    with db.read() as conn:
        c = crises.get(conn, crisis_id, actor=rep("ARM"))
    texts = [e.text for e in c.timeline if e.kind == "plan"
             and e.text.startswith(f"deployment plan {plan_id} ")]
    assert len(texts) == 1, [e.text for e in c.timeline]
    return texts[0]


def test_a_joint_plan_s_entry_counts_only_its_crisis(db: Database) -> None:
    demo = forcesdemo.existing(db)
    assert demo is not None
    secret, _req, plan = planned_with_a_secret_crisis(db, demo)
    assert {m.crisis_id for m in plan.movements} == {demo, secret.id}
    mine = [m for m in plan.movements if m.crisis_id == demo]
    short = [u for u in plan.uncovered if u["crisis_id"] == demo]
    text = _plan_entry(db, demo, plan.id)  # read by ARM, which may not read the other
    found = re.fullmatch(r"deployment plan \d+ proposed: (\d+) movements, (\d+) uncovered, "
                         r"gap (.+)", text)
    assert found, text
    assert (int(found[1]), int(found[2])) == (len(mine), len(short)), text
    assert found[3] == "n/a", text


def test_a_plan_of_one_crisis_says_its_gap(db: Database) -> None:
    demo = forcesdemo.existing(db)
    assert demo is not None
    with db.read() as conn:
        c = crises.get(conn, demo, actor=rep("ARM"))
    first = next(e.text for e in c.timeline if e.kind == "plan")
    assert re.search(r"gap \d+\.\d%$", first), first
