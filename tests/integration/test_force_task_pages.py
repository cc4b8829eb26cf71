"""The crisis room's forms for the forces that follow the decision: a representative
offers its registry units by name, the Joint Staff states a task of sites and plans it
(the plan names each site), and after the mission plans the way home."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises, forces
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import PK, SEC, T0, consent_all, rep, response


def _client(settings: Settings, db: Database, user: str, password: str) -> TestClient:
    client = TestClient(create_app(settings, db))
    client.get("/login")
    client.post("/login", data={"username": user, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")})
    return client


def _post(client: TestClient, page: str, action: str, data: dict[str, object]) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert token is not None
    r = client.post(action, data={"csrf_token": token.group(1), **data},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.get(page).text


def test_offer_task_and_withdrawal_through_the_pages(accounts_db: Database,
                                                     settings: Settings) -> None:
    cid = response(accounts_db)
    consent_all(accounts_db, cid)
    c = crises.request_assistance(accounts_db, cid, crises.RequestIn(
        resource="peacekeepers", measure=PK, quantity=300, unit="troops",
        needed_by=T0 + timedelta(days=2)), actor=rep("KAZ"), at=T0 + timedelta(hours=5))
    page = f"/crises/{cid}"
    with _client(settings, accounts_db, "rep-blr", "demo-rep-blr") as blr:
        html = _post(blr, page, f"/requests/{c.requests[0].id}/offers",
                     {"description": "a company", "kind": "units", "units": "pk-blr-1"})
        offered = re.search(r'class="offered-units">([^<]*)<', html)
        assert offered is not None and offered.group(1) == "Peacekeeping company"
        html = _post(blr, page, f"/requests/{c.requests[0].id}/offers", {
            "description": "more", "kind": "units", "capability": "motorized_rifle",
            "strength": 200})
        assert "Motorized rifle" in html and ", 200)" in html
    with _client(settings, accounts_db, "planner", "demo-planner-pass") as planner:
        html = _post(planner, page, f"/crises/{cid}/requirements", {
            "capability": "motorized_rifle", "strength": 100, "task": "sites", "sites": 4,
            "place": "Almaty", "hours": 48})
        assert "4 sites × 100" in html
        html = _post(planner, page, f"/crises/{cid}/plans", {"time_limit": 1})
        movements = re.search(r'<table[^>]*id="movements".*?</table>', html, re.S)
        assert movements is not None and "site 4 of 4" in movements.group(0)
        assert "Peacekeeping" in movements.group(0) and "#" in movements.group(0)
        with accounts_db.read() as conn:
            plan = forces.plans(conn, cid, actor=SEC)[0]
        forces.decide_plan(accounts_db, plan.id, actor=SEC)
        for stage in (Stage.DEPLOYED, Stage.MONITORING):
            crises.transition(accounts_db, cid, stage, actor=SEC)
        html = _post(planner, page, f"/crises/{cid}/withdrawal", {"time_limit": 1})
        summary = re.search(r'id="withdrawal-summary"[^>]*data-status="(\w+)"', html)
        assert summary is not None and summary.group(1) == "proposed"
        assert 'id="decide-withdrawal"' in html
        ru = planner.get(page + "?lang=ru").text
        assert "Возвращение домой" in ru and "4 объекта × 100" in ru
        assert "объект 4 из 4" in planner.get(page + "?lang=ru").text


def test_sites_left_without_a_unit_are_said_so_on_the_page(accounts_db: Database,
                                                            settings: Settings) -> None:
    """The strength asked is per site, as the form says; the sites no unit is left for are
    listed each by its number, with why: the others took every unit."""
    cid = response(accounts_db)
    consent_all(accounts_db, cid)
    page = f"/crises/{cid}"
    with _client(settings, accounts_db, "planner", "demo-planner-pass") as planner:
        form = planner.get(page).text
        assert re.search(r"Strength <small[^>]*>\(per site, for sites to guard\)</small>", form)
        _post(planner, page, f"/crises/{cid}/requirements", {
            "capability": "motorized_rifle", "strength": 800, "task": "sites", "sites": 6,
            "place": "Almaty", "hours": 48})
        html = _post(planner, page, f"/crises/{cid}/plans", {"time_limit": 1})
        left = re.findall(r'<li>(Requirement \d+, site \d of 6 [^<]*)</li>', html)
        assert left and all(n.endswith("is not covered — every available unit of that "
                                       "capability is already assigned to the other sites "
                                       "or parts of the requirement") for n in left), left
        assert "no available unit can meet it" not in html
        assert "no unit in the registry" not in html and "by ground only" not in html
        ru = planner.get(page + "?lang=ru").text
        assert "уже назначены на другие объекты или части этой потребности" in ru
        assert "(на каждый объект, если это объекты под охрану)" in ru
