"""New entries of the registry of forces, as the Joint Staff's registry officer and a
member's representative make them: a unit a state has just assigned (its representative
for its own state only, the staff for any member), an aircraft of one of the lift's kinds,
a unit moved to another formation (refused while a decided plan in force counts it);
each audited, kept by a reload of the organization file, refused with its field."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.forces import tasks as tk
from phalanx.services import forces, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid

STAFF = Principal("planner", Role.PLANNER)
KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
ARM = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")
KEY = r"%s-%s-[0-9a-f]{8}"  # an assigned key: the state's, the formation's, a random part


@pytest.fixture
def db_recipe(request: pytest.FixtureRequest) -> str:
    return "forces" if "demo_crisis" in request.fixturenames else "accounts"


@pytest.fixture
def demo_crisis(db: Database) -> int:
    found = forcesdemo.existing(db)
    assert found is not None
    return found


def _unit(**over: Any) -> forces.UnitIn:
    return forces.UnitIn(**({
        "state": "KAZ", "formation": "crrf", "name": "Air assault battalion 2",
        "capability": "airborne", "strength": 450, "readiness_h": 12, "weight_t": 90,
        "garrison": "almaty", "certified_until": "2028-12-31"} | over))


def _trail(db: Database, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    with db.read() as conn:
        return [(r.actor, r.target_id, json.loads(r.change) if isinstance(r.change, str)
                 else r.change) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == action)
            .order_by(t.audit_log.c.id))]


def test_a_state_adds_its_own_units_the_staff_any_members_kept_by_a_reload(
        db: Database) -> None:
    u = forces.add_unit(db, _unit(), actor=KAZ)
    assert re.fullmatch(KEY % ("kaz", "crrf"), u.key), u.key
    assert (u.state, u.formation, u.garrison, u.strength) == ("KAZ", "crrf", "almaty", 450)
    with db.read() as conn:
        almaty = next(b for b in forces.bases(conn) if b.key == "almaty")
    assert (u.lat, u.lon) == (almaty.lat, almaty.lon) and u.marking == "ORGANIZATION"
    second = forces.add_unit(db, _unit(), actor=KAZ).key
    assert re.fullmatch(KEY % ("kaz", "crrf"), second) and second != u.key
    with pytest.raises(Forbidden, match="only RUS's representative or the Joint Staff add"):
        forces.add_unit(db, _unit(state="RUS"), actor=KAZ)
    rus = forces.add_unit(db, _unit(state="RUS", garrison="kant"), actor=STAFF)
    assert rus.state == "RUS" and re.fullmatch(KEY % ("rus", "crrf"), rus.key)
    for bad, where in ((_unit(state="GEO"), "state"), (_unit(garrison="nowhere"), "garrison"),
                       (_unit(formation="nato"), "formation")):
        with pytest.raises(Invalid) as e:
            forces.add_unit(db, bad, actor=STAFF)
        assert e.value.where == where, e.value
    assert [(who, key, c["formation"]) for who, key, c in _trail(db, "forces.unit.create")] \
        == [("rep-kaz", u.key, "crrf"), ("rep-kaz", second, "crrf"),
            ("planner", rus.key, "crrf")]
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with db.read() as conn:
        kept = {x.key for x in forces.units(conn, actor=STAFF, state="KAZ")}
        listed = {f.key: f for f in forces.formations(conn, actor=STAFF)}
    assert {u.key, second} <= kept
    assert listed["crrf"].units >= 3


def test_a_unit_moves_to_another_formation_audited(db: Database) -> None:
    moved = forces.move_unit(db, "crdf-kaz-1", forces.FormationMove(formation="peacekeeping"),
                             actor=KAZ)
    assert moved.formation == "peacekeeping" and moved.revision == 2
    assert _trail(db, "forces.unit.move") == [("rep-kaz", "crdf-kaz-1", {
        "before": {"formation": "crdf-car"}, "after": {"formation": "peacekeeping"}})]
    for formation, words in (("peacekeeping", "in peacekeeping already"),
                             ("nato", "unknown formation")):
        with pytest.raises(Invalid, match=words):
            forces.move_unit(db, "crdf-kaz-1", forces.FormationMove(formation=formation),
                             actor=STAFF)
    with pytest.raises(Forbidden):
        forces.move_unit(db, "crdf-rus-1", forces.FormationMove(formation="crrf"), actor=KAZ)
    with pytest.raises(Conflict, match="changed meanwhile"):
        forces.move_unit(db, "crdf-kaz-1", forces.FormationMove(formation="crrf", revision=1),
                         actor=STAFF)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with db.read() as conn:
        assert forces.unit(conn, "crdf-kaz-1", actor=STAFF).formation == "peacekeeping"


def test_a_unit_a_decided_plan_counts_does_not_leave_its_formation(
        db: Database, demo_crisis: int) -> None:
    with db.read() as conn:
        (plan,) = forces.plans(conn, demo_crisis, actor=STAFF)
        moved = tk.whole_of(plan.movements[0].unit)
        formation = forces.unit(conn, moved, actor=STAFF).formation
    other = "peacekeeping" if formation != "peacekeeping" else "crrf"
    with pytest.raises(Conflict, match=f"counted for {formation} by a decided deployment"):
        forces.move_unit(db, moved, forces.FormationMove(formation=other), actor=STAFF)
    with db.read() as conn:
        assert forces.unit(conn, moved, actor=STAFF).formation == formation
    assert _trail(db, "forces.unit.move") == []


def test_an_aircraft_of_a_lift_kind_is_added_and_rebased(db: Database) -> None:
    a = forces.add_aircraft(db, forces.AircraftIn(state="KAZ", type="Il-76MD", base="almaty",
                                                  formation="collective-aviation"), actor=KAZ)
    assert re.fullmatch(KEY % ("kaz", "collective-aviation"), a.key), a.key
    assert (a.state, a.type, a.role, a.payload_t, a.base, a.lat is not None) == (
        "KAZ", "Il-76MD", "transport", 40, "almaty", True)
    with pytest.raises(Invalid, match="unknown aircraft kind 'Boeing 747'") as e:
        forces.add_aircraft(db, forces.AircraftIn(state="KAZ", type="Boeing 747",
                                                  base="almaty"), actor=KAZ)
    assert e.value.where == "type"
    with pytest.raises(Forbidden):
        forces.add_aircraft(db, forces.AircraftIn(state="RUS", type="Il-76MD", base="kant"),
                            actor=KAZ)
    moved = forces.update_aircraft(db, a.key, forces.AircraftPatch(base="astana"), actor=STAFF)
    assert moved.base == "astana"
    assert [k for _w, k, _c in _trail(db, "forces.aircraft.create")] == [a.key]
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with db.read() as conn:
        assert a.key in {x.key for x in forces.aircraft(conn, actor=STAFF)}


@pytest.fixture
def client(db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    from phalanx.web.app import create_app

    tokens = {n: {"Authorization": "Bearer " + api_tokens.issue_token(db, n, actor=SYSTEM).token}
              for n in ("planner", "rep-kaz")}
    with TestClient(create_app(settings, db)) as c:
        yield c, tokens


def test_the_api_adds_and_moves_units_and_refuses_with_problem_details(
        client: tuple[TestClient, dict[str, Any]]) -> None:
    c, tok = client
    body = _unit().model_dump(mode="json")
    r = c.post("/api/v1/forces/units", json=body, headers=tok["rep-kaz"])
    assert r.status_code == 201 and re.fullmatch(KEY % ("kaz", "crrf"), r.json()["key"]), r.text
    key = r.json()["key"]
    r = c.post("/api/v1/forces/units", json=body | {"state": "RUS"}, headers=tok["rep-kaz"])
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
    r = c.post("/api/v1/forces/units", json=body | {"garrison": "nowhere"},
               headers=tok["planner"])
    assert r.status_code == 422 and "unknown base 'nowhere'" in r.text, r.text
    assert r.headers["content-type"] == "application/problem+json"
    # a name of spaces only is none: refused on its field, nothing added
    r = c.post("/api/v1/forces/units", json=body | {"name": "   "}, headers=tok["planner"])
    assert r.status_code == 422 and r.json()["errors"][0]["where"].endswith("name"), r.text
    units = c.get("/api/v1/forces/units", headers=tok["planner"]).json()
    assert not [u for u in units if not u["name"].strip()]
    r = c.post(f"/api/v1/forces/units/{key}/formation", json={"formation": "peacekeeping"},
               headers=tok["planner"])
    assert r.status_code == 200 and r.json()["formation"] == "peacekeeping", r.text
    r = c.post("/api/v1/forces/aircraft", json={"state": "KAZ", "type": "C-295",
                                                "base": "astana"}, headers=tok["rep-kaz"])
    assert r.status_code == 201 and r.json()["payload_t"] == 9, r.text


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A context in which the trail's time and the services' clock are `at`."""
    from contextlib import contextmanager
    from datetime import datetime

    from phalanx.adapters.db import audit_store
    from phalanx.services import clock

    @contextmanager
    def at_(at: datetime) -> Iterator[None]:
        with monkeypatch.context() as m, clock.use(at):
            m.setattr(audit_store, "now_iso", lambda: at.isoformat(timespec="microseconds"))
            yield

    return at_


def test_the_registry_reads_as_it_stood_on_a_past_day(
        db: Database, client: tuple[TestClient, dict[str, Any]], on: Any) -> None:
    from datetime import UTC, date, datetime

    with on(datetime(2026, 1, 10, 12, tzinfo=UTC)):
        key = forces.add_unit(db, _unit(), actor=KAZ).key
    with on(datetime(2026, 3, 10, 12, tzinfo=UTC)):
        forces.update_unit(db, key, forces.UnitPatch(strength=500), actor=KAZ)
        forces.move_unit(db, key, forces.FormationMove(formation="peacekeeping"),
                         actor=STAFF)
        forces.update_unit(db, "crdf-kaz-1", forces.UnitPatch(readiness_h=2), actor=KAZ)
    with db.read() as conn:
        feb = {u.key: u for u in forces.units_on(conn, date(2026, 2, 1), actor=STAFF)}
        jan = {u.key for u in forces.units_on(conn, date(2026, 1, 5), actor=STAFF)}
        now = {u.key: u for u in forces.units_on(conn, orgs.today(conn), actor=STAFF)}
        with pytest.raises(Invalid, match="is after today"):
            forces.units_on(conn, date(2099, 1, 1), actor=STAFF)
    assert (feb[key].strength, feb[key].formation) == (450, "crrf")
    assert feb["crdf-kaz-1"].readiness_h == 6 and now["crdf-kaz-1"].readiness_h == 2
    assert key not in jan and "crdf-kaz-1" in jan
    assert (now[key].strength, now[key].formation) == (500, "peacekeeping")
    c, tok = client
    r = c.get("/api/v1/forces/units?on=2026-02-01&state=KAZ", headers=tok["rep-kaz"])
    assert r.status_code == 200, r.text
    assert {u["key"]: u["strength"] for u in r.json()}[key] == 450
    r = c.get("/api/v1/forces/units?on=2099-01-01", headers=tok["rep-kaz"])
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_a_past_day_shows_no_other_reader_a_unit_its_state_kept_national_then(
        db: Database, on: Any) -> None:
    from datetime import UTC, date, datetime

    keep = forces.UnitMarkingIn(marking="NATIONAL", reason="kept")
    release = forces.UnitMarkingIn(marking="ORGANIZATION", reason="released")
    with on(datetime(2026, 1, 10, 12, tzinfo=UTC)):
        key = forces.add_unit(db, _unit(state="ARM", garrison="gyumri"), actor=ARM).key
    with on(datetime(2026, 1, 20, 12, tzinfo=UTC)):
        forces.mark_unit(db, key, keep, actor=ARM)
    with on(datetime(2026, 2, 1, 12, tzinfo=UTC)):
        forces.update_unit(db, key, forces.UnitPatch(strength=600), actor=ARM)
    with on(datetime(2026, 3, 10, 12, tzinfo=UTC)):
        forces.mark_unit(db, key, release, actor=ARM)
    with db.read() as conn:
        def seen(day: date, who: Principal) -> dict[str, forces.UnitOut]:
            return {u.key: u for u in forces.units_on(conn, day, actor=who)}

        for who in (KAZ, STAFF):
            assert key not in seen(date(2026, 2, 15), who), who  # NATIONAL on that day
            jan = seen(date(2026, 1, 15), who)[key]
            assert (jan.strength, jan.marking) == (450, "ORGANIZATION")
        own = seen(date(2026, 2, 15), ARM)[key]
        assert (own.strength, own.marking) == (600, "NATIONAL")


def test_a_new_units_key_does_not_tell_that_a_unit_kept_national_exists(
        db: Database) -> None:
    """Armenia keeps a unit NATIONAL: the next unit the staff add for it is keyed as if
    there were none (no number skipped), and a key drawn taken is drawn again."""
    from phalanx.domain.forces import entries

    hidden = forces.add_unit(db, _unit(state="ARM", garrison="gyumri"), actor=ARM).key
    forces.mark_unit(db, hidden, forces.UnitMarkingIn(marking="NATIONAL", reason="kept"),
                     actor=ARM)
    shown = forces.add_unit(db, _unit(state="ARM", garrison="gyumri"), actor=STAFF).key
    with db.read() as conn:
        keys = {u.key for u in forces.units(conn, actor=KAZ, state="ARM")}
    assert hidden not in keys and shown in keys
    assert re.fullmatch(KEY % ("arm", "crrf"), shown) and not shown.endswith("-2"), shown
    drawn = iter(["1f2e3d4c", "1f2e3d4c", "5a6b7c8d"])
    assert entries.assigned_key("ARM", "crrf", {"arm-crrf-1f2e3d4c"}, lambda: next(drawn)) \
        == "arm-crrf-5a6b7c8d"


def test_the_formations_on_a_past_day_list_the_units_of_that_day(
        db: Database, on: Any) -> None:
    """The formations' listed strength on a past day is that of the units listed that day:
    a unit added since, or moved since, counts where it was."""
    from datetime import UTC, date, datetime

    with db.read() as conn:
        before = {f.key: f for f in forces.formations(conn, actor=STAFF)}
    with on(datetime(2026, 1, 10, 12, tzinfo=UTC)):
        key = forces.add_unit(db, _unit(), actor=KAZ).key
    with on(datetime(2026, 3, 10, 12, tzinfo=UTC)):
        forces.move_unit(db, key, forces.FormationMove(formation="peacekeeping"), actor=STAFF)
    with db.read() as conn:
        jan = {f.key: f for f in forces.formations_on(conn, date(2026, 1, 5), actor=STAFF)}
        feb = {f.key: f for f in forces.formations_on(conn, date(2026, 2, 1), actor=STAFF)}
        feb_units = forces.units_on(conn, date(2026, 2, 1), actor=STAFF)
    assert (jan["crrf"].units, jan["crrf"].listed_strength) == (
        before["crrf"].units, before["crrf"].listed_strength)
    assert (feb["crrf"].units, feb["crrf"].listed_strength) == (
        before["crrf"].units + 1, before["crrf"].listed_strength + 450)
    assert feb["peacekeeping"].units == before["peacekeeping"].units
    assert feb["crrf"].listed_strength == sum(
        u.strength for u in feb_units if u.formation == "crrf" and not u.withdrawn)
