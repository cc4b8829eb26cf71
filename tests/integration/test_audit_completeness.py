"""Every state-changing route of the pages leaves its audit entry: each POST route the
application has (taken from the application itself, so a new one fails this test until
its case is written here) is sent, as the browser sends it, by a user whom it lets act,
on a fresh copy of one world (the one `test_write_permissions.py` builds: a session with
drafts, a crisis with a request and an offer, a plan, the registers); the trail must then
hold a new entry naming that user (who), the action (what), its time (when) and the
record it changed. The API's write routes are held to the same in
`test_write_permissions.py`."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import String, cast, func, select

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.access_audit import AUDIT_TARGETS
from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import crises as crs
from phalanx.services import crisis_drafts, forces, identity
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_write_permissions import ME, OTHER, PASSWORD, world

__all__ = ["world"]  # the module's fixture, shared


@dataclass(frozen=True)
class Case:
    path: str
    form: dict[str, Any]
    user: str  # who sends it (an account of the world, or rep-xxx made on demand)
    files: dict[str, Any] | None = None


# routes the world cannot bring to success: sent all the same, they are refused and
# write nothing
UNREACHED = {
    "/users/{username}/confirm": "the world records no change of a state's authorities: "
                                 "there is nothing to confirm (the API answers the same)",
    "/crises/{crisis_id}/decision": "the world's decisions authorize no measure for its "
                                    "crisis (the API's route answers the same)",
    "/crises/{crisis_id}/withdrawal": "the world's planned crisis is not yet in monitoring",
}

# routes that change no record: what they do is not an action of the organization's
NOT_ACTIONS = {
    "/planner-runs/{run_id}/cancel": "stops a planner run in this process; a cancelled run "
                                     "stores nothing (the plan it would store is audited)",
}


def cases(ids: dict[str, Any], db: Database) -> dict[str, Case]:
    crisis = ids["crisis"]
    with db.read() as conn:
        revision = conn.execute(select(t.crisis.c.revision)
                                .where(t.crisis.c.id == crisis)).scalar_one()
        signer = dec.get_draft(conn, ids["written"], actor=SYSTEM).signing_order[0]
        recipient = conn.execute(select(t.notification.c.recipient).where(
            t.notification.c.id == ids["notification"])).scalar_one()
        today = orgs.today(conn)  # a state's representative declares on its own day
        base = conn.execute(select(t.force_aircraft.c.base).where(
            t.force_aircraft.c.key == ids["aircraft"])).scalar_one()
        sa, sd = t.supply_agreement.c, t.supply_delivery.c
        delivered = select(func.coalesce(func.sum(sd.quantity), 0)).where(
            sd.agreement_id == sa.id).scalar_subquery()
        supply = conn.execute(select(sa.key).where(sa.quantity > delivered)
                              .order_by(sa.key)).scalars().first()
        law, state = conn.execute(select(t.model_law.c.key, t.transposition.c.state_code).join(
            t.model_law, t.model_law.c.id == t.transposition.c.model_law_id).where(
            t.transposition.c.status == "in_progress", t.transposition.c.state_code != "UZB")
            .order_by(t.transposition.c.id)).first()  # type: ignore[misc]
        task_revision = conn.execute(select(t.task.c.revision).where(
            t.task.c.id == ids["task"])).scalar_one()
    chair = f"rep-{ids['chair'].lower()}"
    given_at = datetime.fromisoformat(ids["consulted_at"]) + timedelta(minutes=30)
    return {
        "/login": Case("/login", {"username": "rep-kaz", "password": PASSWORD}, ""),
        "/language": Case("/language", {"lang": "ru"}, "rep-kaz"),
        "/logout": Case("/logout", {}, "rep-kaz"),
        "/password": Case("/password", {"current": PASSWORD, "new": "Quartz-lantern-1987",
                                        "repeated": "Quartz-lantern-1987"}, "rep-kaz"),
        "/sessions": Case("/sessions", {"body": "csc", "opens_at": "2027-01-10T10:00"}, "sec"),
        "/written": Case("/written", {"body": "csc", "title": "To appoint",
                                      "deadline": "2027-02-01T10:00", "text_en": "To appoint"},
                         "sec"),
        "/sessions/{session_id}/attendance": Case(
            f"/sessions/{ids['session']}/attendance", {"state": ME, "present": "true"},
            "rep-kaz"),
        "/sessions/{session_id}/agenda": Case(
            f"/sessions/{ids['session']}/agenda", {"title": "Report of the Secretary General"},
            "sec"),
        "/sessions/{session_id}/status": Case(
            f"/sessions/{ids['session']}/status", {"status": "closed"}, "sec"),
        "/decisions/{decision_id}/notifications": Case(
            f"/decisions/{ids['waiting_decision']}/notifications",
            {"state": ME, "on": "2024-01-10"}, "sec"),
        "/decisions/{decision_id}/joining": Case(
            f"/decisions/{ids['considered_decision']}/joining",
            {"state": OTHER, "joins": "true", "on": today.isoformat()},
            f"rep-{OTHER.lower()}"),
        "/decisions/{decision_id}/publish": Case(
            f"/decisions/{ids['decision']}/publish", {}, "sec"),
        "/decisions/{decision_id}/marking": Case(
            f"/decisions/{ids['decision']}/marking", {
                "marking": "ORGANIZATION", "observers": "true",
                "reason": "for the observers' mission"}, "sec"),
        "/tasks": Case("/tasks", {"decision_id": str(ids["decision"]),
                                  "assignee": f"state:{ME}", "title": "Report back",
                                  "due_on": "2027-03-01"}, "sec"),
        "/tasks/{task_id}": Case(f"/tasks/{ids['task']}", {
            "status": "in_progress", "revision": str(task_revision), "note": "begun"},
            "rep-kaz"),
        "/sessions/{session_id}/drafts": Case(
            f"/sessions/{ids['session']}/drafts", {"title": "On a statement",
                                                   "text_en": "The Council states."}, "sec"),
        "/drafts/{draft_id}/position": Case(
            f"/drafts/{ids['draft']}/position", {"position": "support"}, "rep-kaz"),
        "/drafts/{draft_id}/close": Case(f"/drafts/{ids['draft']}/close", {}, "sec"),
        "/drafts/{draft_id}/sign": Case(f"/drafts/{ids['written']}/sign", {"answer": "sign"},
                                        f"rep-{signer.lower()}"),
        "/drafts/{draft_id}/revise": Case(f"/drafts/{ids['draft']}/revise",
                                          {"text_en": "A new text."}, "sec"),
        "/drafts/{draft_id}/amendments": Case(
            f"/drafts/{ids['draft']}/amendments",
            {"against_version": "1", "text_en": "The Council decides otherwise."}, "rep-kaz"),
        "/drafts/{draft_id}/amendments/{amendment_id}/decision": Case(
            f"/drafts/{ids['draft']}/amendments/{ids['amendment']}/decision",
            {"accept": "false"}, "sec"),
        "/drafts/{draft_id}/consultation": Case(
            f"/drafts/{ids['consulted']}/consultation", {
                "state": OTHER, "position": "support", "channel": "telephone",
                "given_at": given_at.strftime("%Y-%m-%dT%H:%M")}, chair),
        "/drafts/{draft_id}/announce": Case(f"/drafts/{ids['announceable']}/announce", {},
                                            chair),
        "/inbox/notifications/{notification_id}/done": Case(
            f"/inbox/notifications/{ids['notification']}/done", {}, recipient),
        "/inbox/notifications/done": Case(
            "/inbox/notifications/done", {"up_to": ids["notification"]}, recipient),
        "/crises": Case("/crises", {"title": "Shelling at the border",
                                    "category": "armed_attack", "affected": ME, "place": "Almaty",
                                    "lat": "43.2", "lon": "76.9"}, "rep-kaz"),
        "/crises/{crisis_id}/consultations": Case(f"/crises/{crisis}/consultations", {},
                                                  "sec"),
        "/crises/{crisis_id}/exercise-end": Case(
            f"/crises/{ids.get('exercise', crisis)}/exercise-end",
            {"how": "cancelled", "reason": "started on the wrong board"}, "sec"),
        "/crises/{crisis_id}/consultation": Case(
            f"/crises/{crisis}/consultation", {"body": "csc", "title": "On assistance",
                                               "text_en": "To assist."}, "sec"),
        "/crises/{crisis_id}/requests": Case(
            f"/crises/{crisis}/requests", {"resource": "tents", "quantity": "10",
                                           "unit": "units", "measure": "humanitarian"},
            "rep-kaz"),
        "/requests/{request_id}/offers": Case(
            f"/requests/{ids['request']}/offers", {"description": "pumps", "quantity": "3",
                                                   "kind": "aid"}, "rep-blr"),
        "/offers/{offer_id}/decision": Case(f"/offers/{ids['offer']}/decision",
                                            {"accept": "true"}, "rep-kaz"),
        "/crises/{crisis_id}/sitreps": Case(f"/crises/{crisis}/sitreps",
                                            {"situation": "calm"}, "rep-kaz"),
        "/watch": Case("/watch", {"title": "Tension", "region": "Fergana valley",
                                  "category": "armed_attack"}, "sec"),
        "/watch/{watch_id}/escalate": Case(f"/watch/{ids['watch']}/escalate",
                                           {"affected": ME}, "sec"),
        "/crises/{crisis_id}/transition": Case(
            f"/crises/{crisis}/transition", {"revision": str(revision), "to": "assessment"},
            "sec"),
        "/crises/{crisis_id}/decision": Case(
            f"/crises/{crisis}/decision", {"decision_id": str(ids["decision"])}, "sec"),
        "/crises/{crisis_id}/response": Case(f"/crises/{crisis}/response",
                                             {"measures": "humanitarian"}, "sec"),
        "/crises/{crisis_id}/official-requests": Case(
            f"/crises/{crisis}/official-requests", {
                "state": ME, "person": "the President", "office": "head_of_state",
                "at": "2026-11-30T10:00", "article": "Treaty art. 4",
                "measures": "humanitarian"}, "rep-kaz"),
        "/crises/{crisis_id}/official-requests/{request_id}/withdrawal": Case(
            f"/crises/{crisis}/official-requests/{ids['official_request']}/withdrawal",
            {"reason": "the mission is accomplished"}, "rep-kaz"),
        "/crises/{crisis_id}/drafts": Case(
            f"/crises/{crisis}/drafts", {"draft_id": str(ids["draft"]),
                                         "reason": "it answers the crisis"}, "sec"),
        "/crises/{crisis_id}/drafts/{draft_id}/untie": Case(
            f"/crises/{crisis}/drafts/{ids['draft']}/untie", {"reason": "tied by mistake"},
            "sec"),
        "/crises/{crisis_id}/obligations": Case(
            f"/crises/{crisis}/obligations", {"answer": "other", "detail": "a hospital"},
            "rep-blr"),
        "/crises/{crisis_id}/un-notice": Case(f"/crises/{ids['plan_crisis']}/un-notice",
                                              {"reference": "S/2026/1"}, "sec"),
        "/feeds": Case("/feeds", {"url": "http://alerts.kz.invalid/other.atom", "country": ME},
                       "sec"),
        "/users/{username}/confirm": Case("/users/rep-kaz/confirm", {}, "admin"),
        "/users/{username}/term": Case("/users/rep-blr/term", {"until": "2030-01-01"},
                                       "admin"),
        "/users/{username}/active": Case("/users/osce/active", {"active": "false"}, "admin"),
        "/authorities": Case("/authorities", {
            "state": ME, "since": "2020-03-01", "authorities": "the elected President",
            "source": "the election commission", "constitutional": "true"}, "sec"),
        "/feeds/{feed_id}/active": Case(f"/feeds/{ids['feed']}/active", {"active": "false"},
                                        "sec"),
        "/feeds/{feed_id}/poll": Case(f"/feeds/{ids['feed']}/poll", {}, "sec"),
        "/forces/units/{key}": Case(f"/forces/units/{ids['unit']}", {
            "strength": "100", "readiness_h": "24"}, "planner"),
        "/forces/units/{key}/marking": Case(f"/forces/units/{ids['marked_unit']}/marking", {
            "marking": "NATIONAL", "reason": "kept for national tasks"},
            f"rep-{ids['marked_unit_state'].lower()}"),
        "/forces/units": Case("/forces/units", {
            "state": ME, "formation": "crrf", "name": "Air assault battalion 2",
            "capability": "airborne", "strength": "450", "readiness_h": "12",
            "weight_t": "90", "garrison": base}, "planner"),
        "/forces/units/{key}/formation": Case(f"/forces/units/{ids['unit']}/formation", {
            "formation": "peacekeeping"}, "planner"),
        "/forces/aircraft": Case("/forces/aircraft", {"state": ME, "type": "C-295",
                                                      "base": base}, "planner"),
        "/forces/aircraft/{key}": Case(f"/forces/aircraft/{ids['aircraft']}", {
            "base": base, "payload_t": "20", "speed_kmh": "700", "range_km": "5000",
            "turnaround_h": "2"}, "planner"),
        "/crises/{crisis_id}/requirements": Case(
            f"/crises/{crisis}/requirements", {"capability": "special_forces",
                                               "strength": "100", "place": "Almaty"},
            "planner"),
        "/crises/{crisis_id}/requirements/{requirement_id}/withdrawal": Case(
            f"/crises/{crisis}/requirements/{ids.get('requirement')}/withdrawal", {},
            "planner"),
        "/crises/{crisis_id}/withdrawal": Case(f"/crises/{ids['plan_crisis']}/withdrawal",
                                               {"time_limit": "1"}, "planner"),
        "/crises/{crisis_id}/consents": Case(f"/crises/{crisis}/consents", {"scope": "none"},
                                             "rep-kaz"),
        "/crises/{crisis_id}/consents/{state}/acceptance": Case(
            f"/crises/{crisis}/consents/{OTHER}/acceptance", {"conditions": "rescue only"},
            "planner"),
        "/crises/{crisis_id}/plans": Case(f"/crises/{ids['plan_crisis']}/plans",
                                          {"time_limit": "1"}, "planner"),
        "/plans/{plan_id}/decide": Case(f"/plans/{ids.get('new_plan')}/decide", {}, "planner"),
        "/operations/{key}/upload": Case(
            "/operations/channel/upload", {}, "reporter-kaz", files={"file": (
                "r.csv", b"reference,date,stage,metric,substance,quantity,unit,area\n"
                         b"K-1,2026-03-10,spring-2026,seizure,heroin,1.5,kg,Aktau\n",
                "text/csv")}),
        "/operations/{key}/reports/{state}/{agency}/{reference:path}/withdrawal": Case(
            f"/operations/channel/reports/{ME}/customs/W-1/withdrawal",
            {"reason": "test data"}, "reporter-kaz"),
        "/operations/{key}/duplicates/{flag_id}/keep": Case(
            f"/operations/channel/duplicates/{ids['flag']}/keep", {"note": "two"}, "sec"),
        "/operation-years/close": Case("/operation-years/close", {"year": "2025"}, "sec"),
        "/parliament/transposition": Case("/parliament/transposition", {
            "law": law, "state": state, "status": "adopted", "on": "2025-11-01",
            "reference": "Law No. 1"},
            f"rep-{state.lower()}"),
        "/mtc/deliveries": Case("/mtc/deliveries", {
            "supply": supply, "quantity": "1", "value": "0.1",
            "on": date.today().isoformat()}, "sec"),
        "/joint-exercises/findings/{finding_id}": Case(
            f"/joint-exercises/findings/{ids['finding']}", {"status": "done"}, "rep-kaz"),
        "/joint-exercises/{key}/cancel": Case(
            f"/joint-exercises/{ids['planned_exercise']}/cancel",
            {"reason": "the host does not hold it"}, "rep-kaz"),
    }


def page_writes(app: Any) -> set[str]:
    return {rc.path for rc in iter_route_contexts(app.routes)
            if isinstance(rc.original_route, APIRoute) and not rc.path.startswith("/api/")
            and rc.methods & {"POST", "PUT", "PATCH", "DELETE"}}


@pytest.fixture
def fresh(world: tuple[Path, dict[str, Any]], tmp_path: Path
          ) -> Iterator[tuple[TestClient, Database, dict[str, Any]]]:
    path, ids = world
    copy = tmp_path / "phalanx.db"
    shutil.copy(path, copy)
    db = Database(make_engine(f"sqlite:///{copy}"))
    with db.read() as conn:
        plan_crisis = conn.execute(select(t.deployment_plan.c.crisis_id).where(
            t.deployment_plan.c.id == ids["plan"])).scalar_one()
    app = create_app(Settings(environment="test", audit_key_file=tmp_path / "audit.key",
                              database_url=f"sqlite:///{copy}"), db)
    with TestClient(app) as client:
        yield client, db, {**ids, "plan_crisis": plan_crisis}
    db.dispose()


def _last_id(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(t.audit_log.c.id).order_by(
            t.audit_log.c.id.desc())).scalars().first() or 0)


def _since(db: Database, after: int) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.id > after).order_by(t.audit_log.c.id))]


def _user(db: Database, username: str) -> None:
    """A state's representative the world did not make (e.g. the written procedure's
    first signatory)."""
    with db.read() as conn:
        if conn.execute(select(t.app_user.c.id).where(
                t.app_user.c.username == username)).first():
            return
    state = username.removeprefix("rep-").upper()
    identity.add_user(db, identity.NewUser(username, PASSWORD, Role.REPRESENTATIVE, state),
                      actor=SYSTEM)


def _login(client: TestClient, username: str) -> str:
    client.get("/login")
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    found = re.search(r'data-csrf="([^"]+)"', client.get("/inbox").text)
    assert found, "no CSRF token on the inbox"
    return found.group(1)


def _send(client: TestClient, db: Database, case: Case) -> tuple[Any, int, str]:
    """Send the case as its user does; the response, the trail's end before it, and the
    username the entry must name."""
    if case.path == "/login":
        client.get("/login")
        before = _last_id(db)
        form = {**case.form, "csrf_token": client.cookies.get("phalanx_login_csrf")}
        return client.post("/login", data=form, follow_redirects=False), before, \
            case.form["username"]
    _user(db, case.user)
    csrf = _login(client, case.user)
    before = _last_id(db)
    r = client.post(case.path, data=case.form, files=case.files,
                    headers={"x-csrf-token": csrf},
                    follow_redirects=False)
    return r, before, case.user


def _routes() -> list[str]:
    db = Database(make_engine("sqlite://"))
    try:
        return sorted(page_writes(create_app(Settings(environment="test"), db)))
    finally:
        db.dispose()


ROUTES = _routes()


def test_every_page_write_route_has_its_case(fresh: tuple[TestClient, Database,
                                                          dict[str, Any]]) -> None:
    _client, db, ids = fresh
    named = set(cases(ids, db)) | set(NOT_ACTIONS)
    assert named == set(ROUTES), (
        f"without a case: {sorted(set(ROUTES) - named)}; "
        f"no longer routes: {sorted(named - set(ROUTES))}")


@pytest.mark.parametrize("route", [r for r in ROUTES if r not in NOT_ACTIONS])
def test_a_page_write_leaves_an_entry_naming_who_what_when_and_the_record(
        fresh: tuple[TestClient, Database, dict[str, Any]], route: str) -> None:
    client, db, ids = fresh
    if route == "/plans/{plan_id}/decide":  # a plan not yet decided
        ids["new_plan"] = forces.run_plan(db, ids["plan_crisis"], forces.PlanIn(time_limit=1),
                                          actor=SYSTEM).id
    if route == "/crises/{crisis_id}/requirements/{requirement_id}/withdrawal":
        ids["requirement"] = forces.add_requirement(db, ids["crisis"], forces.RequirementIn(
            capability="special_forces", strength=100, place="Almaty", node="almaty",
            needed_by=datetime.now(UTC) + timedelta(days=1)), actor=SYSTEM).id
    if route == "/crises/{crisis_id}/transition":  # consulted: the assessment may follow
        crs.convene_consultations(db, ids["crisis"], actor=SYSTEM)
    if route == "/crises/{crisis_id}/exercise-end":  # an exercise's crisis, ended by its control
        ids["exercise"] = crs.open_crisis(db, crs.CrisisIn(
            title="CPX", category="natural_disaster", affected=[ME], exercise=True),
            actor=SYSTEM).id
    if route == "/crises/{crisis_id}/drafts/{draft_id}/untie":  # in the file, to untie
        crisis_drafts.tie(db, ids["crisis"], ids["draft"], "about it", actor=SYSTEM)
    case = cases(ids, db)[route]
    sent = datetime.now(UTC) - timedelta(seconds=1)
    r, before, who = _send(client, db, case)
    if route in UNREACHED:
        assert 400 <= r.status_code < 500 and not _since(db, before), (route, r.status_code)
        return
    assert r.status_code in (200, 201, 202, 303), (route, r.status_code)
    new = _since(db, before)
    assert new, f"{route} answered {r.status_code} and wrote no audit entry"
    assert {e["actor"] for e in new} == {who}, (route, new)
    for e in new:
        assert e["action"] and e["target_kind"] and e["target_id"], e
        assert datetime.fromisoformat(e["at"]) >= sent, e
        if e["target_kind"] in AUDIT_TARGETS:  # names a record, read with it
            table, column = AUDIT_TARGETS[e["target_kind"]]
            named = t.metadata.tables[table].c[column]
            with db.read() as conn:
                assert conn.execute(select(named).where(
                    cast(named, String) == e["target_id"])).first(), (route, e)
