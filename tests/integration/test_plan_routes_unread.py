"""A plan's routes read by whom may not read the registry (an observer of a crisis
released to observers, the public): each unit and aircraft is already kept from it, but
when a movement sets off, its sorties' take-off and landing times, where a unit boards
and how far along its way it is tell where the unit and its aircraft came from (the
flight's length). Such a reader reads each movement's arrival at the crisis's place, its
sorties' aircraft by number, the lateness and the closure; the staff and the member
states read the whole route."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import PLANNER, SEC, T0
from tests.integration.test_plan_aircraft_unread import _plan
from tests.support.sessions import bearer, login

OBSERVER = Principal("observer", Role.OBSERVER, observer_of="OSCE")
RUS = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")


def test_an_observer_reads_arrivals_not_routes(accounts_db: Database,
                                               settings: Settings) -> None:
    cid, pid = _plan(accounts_db)
    with accounts_db.read() as conn:
        staff = forces.plan_out(conn, pid, actor=PLANNER)
        member = forces.plan_out(conn, pid, actor=RUS)
        seen = forces.plan_out(conn, pid, actor=OBSERVER)
    flown = [s for m in staff.movements for s in m.sorties]
    assert flown and all({"depart_h", "arrive_h"} <= set(s) for s in flown)
    assert all(m.depart is not None for m in staff.movements if m.sorties)
    # a member state reads the route as the staff do
    assert [[s.get("depart_h") for s in m.sorties] for m in member.movements] == \
        [[s["depart_h"] for s in m.sorties] for m in staff.movements]
    assert [m.depart for m in member.movements] == [m.depart for m in staff.movements]
    # the observer: when each arrives, in which aircraft (by number), not the route
    assert [(m.arrive, m.late_h, len(m.sorties)) for m in seen.movements] == \
        [(m.arrive, m.late_h, len(m.sorties)) for m in staff.movements]
    assert seen.closures == staff.closures
    assert all(m.depart is None and m.boards is None and m.boards_h is None
               for m in seen.movements)
    assert [set(s) for m in seen.movements for s in m.sorties] == [{"aircraft"}] * len(flown)
    with TestClient(create_app(settings, accounts_db)) as client:
        observer = bearer(accounts_db, "observer")
        body = client.get(f"/api/v1/plans/{pid}", headers=observer).json()
        assert not [s for m in body["movements"] for s in m["sorties"] if "depart_h" in s]
        assert all(m["depart"] is None for m in body["movements"])
        forces.decide_plan(accounts_db, pid, actor=PLANNER, at=T0 + timedelta(hours=9))
        rows = client.get(f"/api/v1/crises/{cid}/deployment", headers=observer).json()["rows"]
        assert rows and all(r["done"] is None and r["home"] is None for r in rows)
        theirs = client.get(f"/api/v1/crises/{cid}/deployment",
                            headers=bearer(accounts_db, "rep-rus")).json()["rows"]
        assert [r["status"] for r in rows] == [r["status"] for r in theirs]
        assert all(r["done"] is not None for r in theirs)
        login(client, "observer", "demo-observer-pass")
        room = client.get(f"/crises/{cid}")
        assert room.status_code == 200, room.text
        assert "<progress" not in room.text and "data-done-withheld" in room.text


def test_an_observer_reads_when_each_unit_leaves_not_when_it_is_home(
        accounts_db: Database, settings: Settings) -> None:
    """The way home's length (home less leaving) tells the garrison, as a route does: an
    observer reads when each unit leaves the crisis's place, and none of the figures
    counted home (closure, objective, bound, gap, why each goes as it does)."""
    cid, pid = _plan(accounts_db)
    forces.decide_plan(accounts_db, pid, actor=PLANNER, at=T0 + timedelta(hours=9))
    crises.transition(accounts_db, cid, Stage.DEPLOYED, actor=SEC, at=T0 + timedelta(hours=30))
    end = T0 + timedelta(days=9)
    crises.transition(accounts_db, cid, Stage.MONITORING, actor=SEC, at=end)
    home = forces.plan_withdrawal(accounts_db, cid, forces.WithdrawalIn(time_limit=1),
                                  actor=PLANNER, at=end)
    with accounts_db.read() as conn:
        staff = forces.plan_out(conn, home.id, actor=PLANNER)
        member = forces.plan_out(conn, home.id, actor=RUS)
        seen = forces.plan_out(conn, home.id, actor=OBSERVER)
    assert staff.movements and member.movements == staff.movements
    assert all(m.arrive > m.depart for m in staff.movements if m.depart)
    assert staff.closures and not member.home_withheld
    # the observer: each unit's leaving, the same for the staff, and no moment home
    assert [m.depart for m in seen.movements] == [m.depart for m in staff.movements]
    assert all(m.arrive == m.depart for m in seen.movements)
    homes = {m.arrive for m in staff.movements}
    assert not homes & {m.arrive for m in seen.movements}
    assert seen.home_withheld and seen.closures == {} and seen.bound is None
    assert seen.gap is None and seen.explanations == {} and "closure" not in seen.objective
    with TestClient(create_app(settings, accounts_db)) as client:
        body = client.get(f"/api/v1/plans/{home.id}",
                          headers=bearer(accounts_db, "observer")).json()
        said = {m["arrive"] for m in body["movements"]}
        crisis = client.get(f"/api/v1/crises/{cid}",
                            headers=bearer(accounts_db, "observer")).json()
        entry = [e["text"] for e in crisis["timeline"] if "withdrawal plan" in e["text"]]
        assert entry == [f"withdrawal plan {home.id} proposed: {len(seen.movements)} units "
                         "home"]  # not when the last is home
        assert said == {m["depart"] for m in body["movements"]}
        login(client, "observer", "demo-observer-pass")
        room = client.get(f"/crises/{cid}")
        assert room.status_code == 200 and "data-home-withheld" in room.text
        for h in homes:
            assert f"{h:%H:%M}" not in room.text.split('id="withdrawal"', 1)[1].split(
                "</table>", 1)[0]
