"""Loading an organization file that leaves out a registry unit a decided deployment of
an open crisis still moves is refused whole, naming the unit and the plan: loaded, it
would delete the unit from the registry while the deployment goes on counting it. A
unit no plan in force moves leaves with its file as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import forces, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services.db import Database

PLANNER = forcesdemo.PLANNER


@pytest.fixture
def db_recipe() -> str:
    return "forces"


def _without(tmp_path: Path, key: str) -> Path:
    """The built-in file with the unit's line (one flow mapping) taken out."""
    lines = loader.builtin_path().read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [x for x in lines if not x.lstrip().startswith(f"- {{key: {key},")]
    assert len(kept) == len(lines) - 1
    path = tmp_path / "without.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def _registry(db: Database) -> set[str]:
    with db.read() as conn:
        return {u.key for u in forces.units(conn, actor=PLANNER)}


def test_a_file_leaving_out_a_unit_of_a_decided_plan_is_refused(
        db: Database, tmp_path: Path) -> None:
    crisis = forcesdemo.existing(db)
    with db.read() as conn:
        (plan,) = [p for p in forces.plans(conn, crisis, actor=PLANNER)
                   if p.status == "decided"]
    unit = plan.movements[0].unit
    before = _registry(db)
    with pytest.raises(ValueError, match="Nothing was loaded") as refused:
        orgs.load_dataset(db, _without(tmp_path, unit), actor=SYSTEM)
    assert (f"unit {unit!r} (moved by the decided plan {plan.id} of crisis {crisis}"
            in str(refused.value)), str(refused.value)
    assert "Nothing was loaded" in str(refused.value)
    assert _registry(db) == before


def test_a_unit_no_plan_in_force_moves_leaves_with_its_file(
        db: Database, tmp_path: Path) -> None:
    crisis = forcesdemo.existing(db)
    with db.read() as conn:
        moved = {m.unit for p in forces.plans(conn, crisis, actor=PLANNER)
                 for m in p.movements}
    spare = sorted(_registry(db) - moved)[0]
    orgs.load_dataset(db, _without(tmp_path, spare), actor=SYSTEM)
    assert spare not in _registry(db)
