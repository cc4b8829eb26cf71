"""Who acts for a state is one rule (`policy.acts_for` on the principal as it acts today,
`state_users.acting`): a user whose appointment's term is over, or whose state is no
member, neither acts for it nor receives what its members' users receive, on any path:
the notices of a crisis (an outbox record per entitled, active user) and the results of
the joint operations a national agency's reporter submits."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import identity, state_users
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_non_member_users import _account_of
from tests.support.sessions import bearer

CRISIS = {"title": "Flooding in Almaty region", "category": "natural_disaster",
          "affected": ["KAZ"], "severity": "moderate", "place": "Almaty", "lat": 43.24,
          "lon": 76.89}

ROW = {"reference": "KAZ-C-1", "date": "2026-03-10", "stage": "spring-2026",
       "metric": "seizure", "substance": "heroin", "quantity": "12.5", "unit": "kg",
       "area": "Khorog", "route_from": "AFG", "route_to": "TJK"}


def _recipients(db: Database, topic: str) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(select(t.notification.c.recipient).where(
            t.notification.c.topic == topic)).scalars())


def test_a_crisis_is_announced_only_to_those_who_read_it_today(
        accounts_db: Database, settings: Settings) -> None:
    yesterday = now().date() - timedelta(days=1)
    state_users.set_term(accounts_db, "rep-kgz", yesterday, actor=SYSTEM)
    identity.set_active(accounts_db, "rep-arm", False, actor=SYSTEM)
    _account_of(accounts_db, "rep-geo", "GEO")
    client = TestClient(create_app(settings, accounts_db))
    r = client.post("/api/v1/crises", headers=bearer(accounts_db, "secretariat"), json=CRISIS)
    assert r.status_code == 201, r.text
    got = _recipients(accounts_db, f"crisis:{r.json()['id']}")
    assert {"secretariat", "rep-kaz", "rep-rus"} <= got  # the crisis reaches its readers
    assert not got & {"rep-kgz", "rep-arm", "rep-geo"}, got
    rep_kgz = bearer(accounts_db, "rep-kgz")
    assert client.get(f"/api/v1/crises/{r.json()['id']}", headers=rep_kgz).status_code == 404
    assert all("Almaty" not in n["subject"] + n["body"]
               for n in client.get("/api/v1/notifications", headers=rep_kgz).json())


def _report(client: TestClient, headers: dict[str, str]) -> tuple[int, str]:
    r = client.post("/api/v1/operations/channel/reports", headers=headers,
                    json={"state": "KAZ", "agency": "customs", "rows": [ROW]})
    return r.status_code, r.json().get("detail", "")


def test_a_reporter_whose_appointment_ended_submits_no_results(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    reporter = bearer(accounts_db, "reporter-kaz")
    state_users.set_term(accounts_db, "reporter-kaz", now().date() - timedelta(days=1),
                         actor=SYSTEM)
    status, detail = _report(client, reporter)
    assert status == 403 and "appointment to act for KAZ ended" in detail, detail
    with accounts_db.read() as conn:
        assert conn.execute(select(t.op_report.c.id).where(
            t.op_report.c.reference == ROW["reference"])).first() is None
    state_users.set_term(accounts_db, "reporter-kaz", None, actor=SYSTEM)
    assert _report(client, reporter)[0] == 200  # the same token, a new term
