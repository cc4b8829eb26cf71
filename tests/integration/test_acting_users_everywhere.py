"""Who acts for a state is one rule (`policy.acts_for` on the principal as it acts today,
`state_users.acting`): a user whose appointment's term is over, or whose state is no
member, neither acts for it nor receives what its members' users receive, on any path:
the notices of a crisis (an outbox record per entitled, active user; a notice queued while
it was entitled is neither listed to it nor emailed once it no longer reads the crisis)
and the results of the joint operations a national agency's reporter submits."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import identity, outbox, state_users
from phalanx.services.clock import day, now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_non_member_users import _account_of
from tests.support.sessions import bearer
from tests.support.smtp import Inbox, smtp  # noqa: F401 - the fixture

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


def test_a_notice_queued_before_the_term_ended_is_neither_listed_nor_emailed(
        accounts_db: Database, settings: Settings, smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    client = TestClient(create_app(settings, accounts_db))
    rep_kgz = bearer(accounts_db, "rep-kgz")
    r = client.post("/api/v1/crises", headers=bearer(accounts_db, "secretariat"), json=CRISIS)
    assert r.status_code == 201, r.text
    topic = f"crisis:{r.json()['id']}"
    assert topic in {n["topic"] for n in client.get("/api/v1/notifications",
                                                    headers=rep_kgz).json()}
    mine = next(n["id"] for n in client.get("/api/v1/notifications", headers=rep_kgz).json()
                if n["topic"] == topic)
    state_users.set_term(accounts_db, "rep-kgz", now().date() - timedelta(days=1),
                         actor=SYSTEM)
    identity.set_active(accounts_db, "rep-arm", False, actor=SYSTEM)
    assert topic not in {n["topic"] for n in client.get("/api/v1/notifications",
                                                        headers=rep_kgz).json()}
    ack = client.post(f"/api/v1/notifications/{mine}/ack", headers=rep_kgz)
    assert ack.status_code == 404, ack.text
    sent = outbox.deliver(accounts_db, "127.0.0.1", port, "phalanx@test")
    to = {m["To"] for m in inbox.messages}
    assert "rep-kaz@demo.phalanx.invalid" in to and sent.sent == len(inbox.messages)
    assert not to & {"rep-kgz@demo.phalanx.invalid", "rep-arm@demo.phalanx.invalid"}, to
    assert sent.withheld == 2
    with accounts_db.read() as conn:  # and never tried again
        assert conn.execute(select(t.notification.c.id).where(
            t.notification.c.topic == topic, t.notification.c.delivered_at.is_(None),
            t.notification.c.attempts < outbox.MAX_ATTEMPTS)).first() is None


def test_an_escalation_reaches_no_chair_whose_appointment_ended(
        accounts_db: Database) -> None:
    """A public crisis overdue is escalated to the Secretariat and to whoever acts for the
    chair's state (`policy.acts_for`): not to its representative whose term is over, who
    still reads the public crisis but acts for no one."""
    from phalanx.domain import membership
    from phalanx.domain.access.policy import Marking
    from phalanx.services import crises
    from phalanx.services import organization as orgs
    from phalanx.services.crises.schemas import CrisisIn

    with accounts_db.read() as conn:
        org = orgs.organization(conn)
    at = now() - timedelta(hours=3)
    # the chair of the organization's year of the escalation (from 21:00 UTC on
    # 31 December, Moscow's next year), not of UTC's
    chair = membership.chair_of(org, next(iter(org.bodies)), day(org, now()).year)
    assert chair is not None
    holder = f"rep-{chair.state.lower()}"
    with accounts_db.read() as conn:
        sec = next(u for u in identity.list_users(conn) if u.username == "secretariat")
    opened = crises.open_crisis(accounts_db, CrisisIn(
        title="Mudslide", category="natural_disaster", affected=["KGZ"], severity="extreme",
        marking=Marking.PUBLIC), actor=sec, at=at)
    state_users.set_term(accounts_db, holder, now().date() - timedelta(days=1), actor=SYSTEM)
    assert opened.id in crises.escalate_overdue(accounts_db, at=now())
    with accounts_db.read() as conn:
        told = set(conn.execute(select(t.notification.c.recipient).where(
            t.notification.c.topic == f"crisis:{opened.id}",
            t.notification.c.subject.startswith("Overdue"))).scalars())
    assert "secretariat" in told and holder not in told, told
