"""Whoever knows a user name cannot lock its user out everywhere: once guesses from many
addresses have locked the account, its owner still logs in from an address it logged in
from before, and from nowhere else (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import clock, identity, login_throttle
from phalanx.services.clock import now
from phalanx.services.db import Database

PASSWORD = "a long pass phrase nobody guesses 71"


def _lock_from_everywhere(db: Database) -> None:
    for i in range(login_throttle.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(identity.AuthFailed):
            identity.authenticate(db, "officer", f"guess {i}", f"10.9.{i // 200}.{i % 200}")


def test_the_owner_logs_in_from_its_known_address_while_the_account_is_locked(
        db: Database) -> None:
    identity.add_user(db, identity.NewUser("officer", PASSWORD, Role.SECRETARIAT),
                      actor=SYSTEM)
    identity.authenticate(db, "officer", PASSWORD, "192.0.2.10")  # the desk it works from
    _lock_from_everywhere(db)
    with pytest.raises(identity.Throttled):  # from an address it never logged in from
        identity.authenticate(db, "officer", PASSWORD, "192.0.2.99")
    assert identity.authenticate(db, "officer", PASSWORD, "192.0.2.10").username == "officer"
    # guesses from the known address are still counted, and locked, there
    for _ in range(login_throttle.MAX_FAILURES_PER_USER):
        with pytest.raises(identity.AuthFailed):
            identity.authenticate(db, "officer", "wrong", "192.0.2.10")
    with pytest.raises(identity.Throttled):
        identity.authenticate(db, "officer", PASSWORD, "192.0.2.10")


def test_an_address_not_used_for_long_is_known_no_more(db: Database) -> None:
    identity.add_user(db, identity.NewUser("officer", PASSWORD, Role.SECRETARIAT),
                      actor=SYSTEM)
    with clock.use(now() - timedelta(days=login_throttle.KNOWN_DAYS + 1)):
        identity.authenticate(db, "officer", PASSWORD, "192.0.2.10")
    with db.read() as conn:
        assert conn.execute(select(t.known_address.c.address)).scalars().all() == [
            "192.0.2.10"]
    _lock_from_everywhere(db)
    with pytest.raises(identity.Throttled):
        identity.authenticate(db, "officer", PASSWORD, "192.0.2.10")
