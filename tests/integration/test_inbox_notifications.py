"""The inbox after a long time in use: its notifications counted whole (the latest shown),
and all of them marked as read at once, up to the newest the page showed, with one entry
in the trail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import crises, outbox
from phalanx.services import inbox as ib
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
ARM = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")


def _report(db: Database, n: int) -> None:
    crises.open_crisis(db, crises.CrisisIn(
        title=f"Mudflow no. {n}", category="natural_disaster", affected=["ARM"],
        severity="moderate"), actor=ARM)


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def busy(accounts_db: Database, settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    """rep-kaz with more unread notifications than the inbox shows."""
    while True:
        with accounts_db.read() as conn:
            if outbox.unread_count(conn, actor=KAZ) > ib.NOTIFICATIONS + 5:
                break
        _report(accounts_db, 0)
    with TestClient(create_app(settings, accounts_db), base_url="https://testserver") as c:
        login(c, "rep-kaz", "demo-rep-kaz")
        yield c, accounts_db


def test_the_inbox_counts_every_unread_notification_and_shows_the_latest(
        busy: tuple[TestClient, Database]) -> None:
    client, db = busy
    with db.read() as conn:
        unread = outbox.unread_count(conn, actor=KAZ)
        items = ib.inbox(conn, actor=KAZ)
    others = sum(1 for i in items if i.kind != "notification")
    assert sum(1 for i in items if i.kind == "notification") == ib.NOTIFICATIONS
    page = client.get("/inbox").text
    assert f"{unread + others} things await you" in page
    assert f"The latest {ib.NOTIFICATIONS} of {unread} unread notifications are shown." in page
    assert f"Mark all {unread} notifications as read" in page


def test_marking_all_as_read_leaves_what_arrived_since_and_writes_one_entry(
        busy: tuple[TestClient, Database]) -> None:
    client, db = busy
    page = client.get("/inbox").text
    up_to = int(re.search(r'name="up_to" value="(\d+)"', page).group(1))  # type: ignore[union-attr]
    with db.read() as conn:
        unread = outbox.unread_count(conn, actor=KAZ)
        arm_before = outbox.unread_count(conn, actor=ARM)
    _report(db, 1)  # arrives after the page was drawn
    with db.read() as conn:
        later = outbox.unread_count(conn, actor=KAZ) - unread
        arm_after = outbox.unread_count(conn, actor=ARM)
    assert later > 0
    r = client.post("/inbox/notifications/done", data={
        "up_to": up_to, "csrf_token": _token(page)}, follow_redirects=False)
    assert r.status_code == 303
    with db.read() as conn:
        assert outbox.unread_count(conn, actor=KAZ) == later
        assert outbox.unread_count(conn, actor=ARM) == arm_after >= arm_before  # not hers
        entries = conn.execute(select(t.audit_log).where(
            t.audit_log.c.action == "notification.acknowledge_all")).all()
    assert len(entries) == 1 and entries[0].actor == "rep-kaz"
    assert entries[0].target_id == str(up_to)
    page = client.get("/inbox").text
    assert "unread notifications are shown" not in page


def test_an_up_to_that_is_not_a_number_is_refused(busy: tuple[TestClient, Database]) -> None:
    client, db = busy
    page = client.get("/inbox").text
    token = _token(page)
    with db.read() as conn:
        unread = outbox.unread_count(conn, actor=KAZ)
    for bad in ("", "x", "0"):
        r = client.post("/inbox/notifications/done", data={"up_to": bad, "csrf_token": token})
        assert r.status_code == 422
    with db.read() as conn:
        assert outbox.unread_count(conn, actor=KAZ) == unread


def test_the_service_acknowledges_only_the_callers_own(accounts_db: Database) -> None:
    _report(accounts_db, 2)
    with accounts_db.read() as conn:
        newest = conn.execute(select(t.notification.c.id).order_by(
            t.notification.c.id.desc())).scalars().first()
        arm = outbox.unread_count(conn, actor=ARM)
    assert outbox.acknowledge_all(accounts_db, actor=KAZ, up_to=newest or 0) >= 1
    with accounts_db.read() as conn:
        assert outbox.unread_count(conn, actor=KAZ) == 0
        assert outbox.unread_count(conn, actor=ARM) == arm > 0


def test_a_login_removes_the_users_notices_read_long_ago_and_says_how_many(
        accounts_db: Database, settings: Settings) -> None:
    """Notices do not pile up over the years: at its login a user's notices acknowledged
    more than `READ_NOTICES_KEPT` ago go, not the unread ones, not those read lately, not
    anybody else's; the login's entry in the trail says how many."""
    for n in range(4):
        _report(accounts_db, n)
    long_ago = datetime.now(UTC) - outbox.READ_NOTICES_KEPT - timedelta(days=1)
    lately = datetime.now(UTC) - timedelta(days=30)
    with accounts_db.engine.begin() as conn:  # the years gone by, set by hand
        ids = {r: [i for (i,) in conn.execute(
            select(t.notification.c.id).where(t.notification.c.recipient == r)
            .order_by(t.notification.c.id))] for r in ("rep-kaz", "rep-blr")}
        assert len(ids["rep-kaz"]) >= 4 and len(ids["rep-blr"]) >= 4
        for r in ids:  # each: two read long ago, one lately, the rest unread
            for i, when in zip(ids[r], (long_ago, long_ago, lately), strict=False):
                conn.execute(update(t.notification).where(t.notification.c.id == i)
                               .values(acknowledged_at=when))

    def left(r: str) -> set[int]:
        with accounts_db.read() as conn:
            return {i for (i,) in conn.execute(select(t.notification.c.id).where(
                t.notification.c.recipient == r))}

    with TestClient(create_app(settings, accounts_db), base_url="https://testserver") as c:
        login(c, "rep-kaz", "demo-rep-kaz")
        assert c.get("/inbox").status_code == 200
    assert left("rep-kaz") == set(ids["rep-kaz"][2:])
    assert left("rep-blr") == set(ids["rep-blr"])
    with accounts_db.read() as conn:
        change = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "auth.session_start", t.audit_log.c.actor == "rep-kaz")
            .order_by(t.audit_log.c.id.desc())).scalars().first()
        assert conn.execute(select(func.count()).select_from(t.notification)).scalar_one() > 0
    assert json.loads(change) == {"read_notices_removed": 2}
