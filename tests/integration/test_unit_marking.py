"""A state keeps one of its registry units NATIONAL and releases it again, from /forces
and the API: only those acting for that state may (the Joint Staff, which then no longer
reads the unit, may not), with a reason, audited with the marking before and after; while
it is national the other states and the staff find no such unit, and a reload of the
organization file keeps the marking."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer

UNIT = "crrf-kaz-sp-1"
RU = {"Accept-Language": "ru"}


@pytest.fixture
def app(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _login(c: TestClient, user: str, password: str) -> None:
    c.cookies.clear()
    c.get("/login")
    r = c.post("/login", data={"username": user, "password": password,
                               "csrf_token": c.cookies.get("phalanx_login_csrf")},
               follow_redirects=False)
    assert r.status_code == 303


def test_a_state_keeps_its_unit_national_and_releases_it(
        app: TestClient, accounts_db: Database) -> None:
    kaz, kgz = bearer(accounts_db, "rep-kaz"), bearer(accounts_db, "rep-kgz")
    planner = bearer(accounts_db, "planner")
    url = f"/api/v1/forces/units/{UNIT}/marking"
    r = app.post(url, json={"marking": "NATIONAL", "reason": "national tasks"}, headers=planner)
    assert r.status_code == 403, r.text
    r = app.post(url, json={"marking": "NATIONAL", "reason": " "}, headers=kaz)
    assert r.status_code == 422, r.text
    r = app.post(url, json={"marking": "NATIONAL", "reason": "national tasks"}, headers=kaz)
    assert r.status_code == 200 and r.json()["marking"] == "NATIONAL", r.text
    for other in (kgz, planner):
        assert app.get(f"/api/v1/forces/units/{UNIT}", headers=other).status_code == 404
        assert UNIT not in app.get("/api/v1/forces/units", headers=other).text
    r = app.post(url, json={"marking": "NATIONAL", "reason": "again"}, headers=kaz)
    assert r.status_code == 422, r.text
    orgs.load_dataset(accounts_db, loader.builtin_path(), actor=SYSTEM)
    assert app.get(f"/api/v1/forces/units/{UNIT}", headers=kaz).json()["marking"] == "NATIONAL"
    assert app.get(f"/api/v1/forces/units/{UNIT}", headers=planner).status_code == 404
    # released from the page, in Russian
    _login(app, "rep-kaz", "demo-rep-kaz")
    page = app.get("/forces", headers=RU).text
    form = re.search(rf'<form method="post" action="/forces/units/{UNIT}/marking".*?</form>',
                     page, re.S)
    assert form is not None and "Передать Организации" in form[0], page[:500]
    sent = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form[0]))
    r = app.post(f"/forces/units/{UNIT}/marking", data=sent | {"reason": "released"},
                 follow_redirects=False)
    assert r.status_code == 303, r.text
    assert app.get(f"/api/v1/forces/units/{UNIT}", headers=planner).status_code == 200
    with accounts_db.read() as conn:
        trail = [(r.actor, r.change) for r in conn.execute(
            select(t.audit_log.c.actor, t.audit_log.c.change).where(
                t.audit_log.c.action == "forces.unit.mark",
                t.audit_log.c.target_id == UNIT).order_by(t.audit_log.c.id))]
    assert [a for a, _ in trail] == ["rep-kaz", "rep-kaz"]
    assert '"NATIONAL"' in str(trail[0][1]) and "national tasks" in str(trail[0][1])
    assert "released" in str(trail[1][1])
