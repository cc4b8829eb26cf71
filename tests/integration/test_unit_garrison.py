"""A unit moved to another garrison, from the API or the registry's form: it is at its
new base and boards from there; a base the dataset does not have is refused and nothing
changes; a unit given a place away from its garrison no longer boards at the airfield of
the garrison it left (Moscow's special forces, moved to Almaty, boarded at Chkalovsky)."""

from __future__ import annotations

import pytest

from phalanx.services import forces, forcesdemo
from phalanx.services.db import Database
from phalanx.services.errors import Invalid

PLANNER = forcesdemo.PLANNER
UNIT = "crrf-rus-sf-1"  # garrison Moscow, which boards at Chkalovsky


@pytest.fixture
def db_recipe() -> str:
    return "forces"


def _planned(db: Database) -> object:
    crisis = forcesdemo.existing(db)
    with db.read() as conn:
        built = forces.build(conn, crisis, actor=PLANNER)
    return next(u for u in built.problem.units if u.id == UNIT)


def test_a_unit_moved_to_another_garrison_is_there_and_boards_there(db: Database) -> None:
    assert _planned(db).boards_at is not None  # Moscow: by ground to Chkalovsky first
    with pytest.raises(Invalid, match="unknown base"):
        forces.update_unit(db, UNIT, forces.UnitPatch(garrison="nowhere"), actor=PLANNER)
    with db.read() as conn:
        assert forces.unit(conn, UNIT, actor=PLANNER).garrison == "moscow"
        almaty = next(b for b in forces.bases(conn) if b.key == "almaty")
    u = forces.update_unit(db, UNIT, forces.UnitPatch(garrison="almaty"), actor=PLANNER)
    assert (u.garrison, u.lat, u.lon) == ("almaty", almaty.lat, almaty.lon)
    moved = _planned(db)
    assert moved.boards_at is None and moved.home == (almaty.lat, almaty.lon)


def test_a_place_away_from_the_garrison_leaves_it(db: Database) -> None:
    assert _planned(db).boards_at is not None
    u = forces.update_unit(db, UNIT, forces.UnitPatch(lat=43.25, lon=76.95), actor=PLANNER)
    assert (u.garrison, u.lat, u.lon) == (None, 43.25, 76.95)
    moved = _planned(db)
    assert moved.home == (43.25, 76.95) and moved.boards_at is None, moved
