"""The users of a state that is not a member of the organization (it never joined, or it
has left) read what a non-member reads, whenever their account was made: the public
records, their state's own and those listing it, never the ORGANIZATION records of the
member states; no one acts for that state; and no new account acts for it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity, state_users
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

PASSWORD = "a long pass phrase nobody guesses 71"


def _account_of(db: Database, username: str, state: str) -> None:
    """An account acting for `state`, made while it was a member (Georgia left in 1999)."""
    with db.write(SYSTEM) as w:
        uid = w.conn.execute(insert(t.app_user).values(
            username=username, display_name=username,
            password_hash=identity._hasher.hash(PASSWORD), role=Role.REPRESENTATIVE.value,
            state_code=state, active=True, created_at=datetime(1998, 1, 1, tzinfo=UTC),
        ).returning(t.app_user.c.id)).scalar_one()
        w.audit("user.add", "user", uid, {"username": username, "state": state})


def _keys(rows: list[dict[str, object]]) -> set[object]:
    return {r["key"] for r in rows}


def test_a_former_members_users_read_no_record_of_the_member_states(
        accounts_db: Database, settings: Settings) -> None:
    _account_of(accounts_db, "rep-geo", "GEO")
    with accounts_db.read() as conn:
        marked = {key: marking for key, marking in conn.execute(
            select(t.joint_exercise.c.key, t.joint_exercise.c.marking))}
        units = conn.execute(select(t.force_unit.c.key)).scalars().all()
    assert "ORGANIZATION" in marked.values() and "PUBLIC" in marked.values() and units
    public = {k for k, m in marked.items() if m == "PUBLIC"}
    client = TestClient(create_app(settings, accounts_db))
    member, former = bearer(accounts_db, "rep-kaz"), bearer(accounts_db, "rep-geo")
    assert _keys(client.get("/api/v1/joint-exercises", headers=member).json()) == set(marked)
    assert _keys(client.get("/api/v1/joint-exercises", headers=former).json()) == public
    assert len(client.get("/api/v1/forces/units", headers=member).json()) == len(units)
    assert client.get("/api/v1/forces/units", headers=former).json() == []
    hidden = next(k for k, m in marked.items() if m == "ORGANIZATION")
    assert client.get(f"/api/v1/joint-exercises/{hidden}", headers=former).status_code == 404
    # through the pages too (a browser session)
    login(client, "rep-geo", PASSWORD)
    page = client.get("/joint-exercises").text
    assert hidden not in page and all(k in page for k in public)


def test_no_one_acts_for_a_state_that_is_no_member(accounts_db: Database,
                                                   settings: Settings) -> None:
    _account_of(accounts_db, "rep-geo", "GEO")
    client = TestClient(create_app(settings, accounts_db))
    r = client.post("/api/v1/documents", headers=bearer(accounts_db, "rep-geo"), json={
        "owner_kind": "state", "owner": "GEO", "marking": "NATIONAL", "title": "a note",
        "kind": "report", "body": "text", "language": "en"})
    assert r.status_code == 403
    with accounts_db.read() as conn:
        assert conn.execute(select(t.document.c.id).where(
            t.document.c.owner == "GEO")).first() is None
        assert not identity.principal(conn, "rep-geo").state_is_member
        assert identity.principal(conn, "rep-kaz").state_is_member
        # suspended (Uzbekistan) and not taking part (Armenia): members still
        assert state_users.members_today(conn) >= {"UZB", "ARM"}  # type: ignore[operator]


@pytest.mark.parametrize("state", ["AFG", "GEO"])  # never a member; left in 1999
def test_an_account_acting_for_a_state_that_is_no_member_is_refused(
        accounts_db: Database, state: str) -> None:
    with pytest.raises(identity.IdentityError,
                       match=f"{state} is not a member of the organization on .*observers"):
        identity.add_user(accounts_db, identity.NewUser(
            f"rep-{state.lower()}", PASSWORD, Role.REPRESENTATIVE, state=state),
            actor=SYSTEM)
    with accounts_db.read() as conn:
        assert not identity.user_exists(conn, f"rep-{state.lower()}")
