"""A formation's strength listed in the registry, and its count of units, are those of
its units in force: a unit its state withdrew stays in the registry (marked withdrawn)
but no longer adds its strength to the formation's, on the forces page, its chart and
the API."""

from __future__ import annotations

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import forces, forcesdemo
from phalanx.services.db import Database

RUS = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _crdf(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        f = next(f for f in forces.formations(conn, actor=forcesdemo.PLANNER)
                 if f.key == "crdf-car")
    return f.listed_strength, f.units


def test_a_withdrawn_unit_adds_nothing_to_its_formation(db: Database) -> None:
    strength, units = _crdf(db)
    with db.read() as conn:
        unit = forces.unit(conn, "crdf-rus-1", actor=RUS)
    forces.update_unit(db, "crdf-rus-1", forces.UnitPatch(withdrawn=True), actor=RUS)
    assert _crdf(db) == (strength - unit.strength, units - 1)
    with db.read() as conn:  # still in the registry, marked so
        assert forces.unit(conn, "crdf-rus-1", actor=RUS).withdrawn
    forces.update_unit(db, "crdf-rus-1", forces.UnitPatch(withdrawn=False), actor=RUS)
    assert _crdf(db) == (strength, units)
