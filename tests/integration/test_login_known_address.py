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


def test_an_ipv6_network_is_one_address(db: Database) -> None:
    """An IPv6 host picks any address of its /64 (privacy addresses change daily): the
    owner's desk stays known across them, and a guesser rotating through its /64 is
    counted as one address; an IPv4 client seen as an IPv4-mapped address is the same."""
    identity.add_user(db, identity.NewUser("officer", PASSWORD, Role.SECRETARIAT),
                      actor=SYSTEM)
    identity.add_user(db, identity.NewUser("clerk", PASSWORD, Role.SECRETARIAT),
                      actor=SYSTEM)
    identity.authenticate(db, "officer", PASSWORD, "2001:db8:a:b::10")
    identity.authenticate(db, "clerk", PASSWORD, "192.0.2.20")
    _lock_from_everywhere(db)
    # the next day's privacy address of the same desk
    assert identity.authenticate(db, "officer", PASSWORD,
                                 "2001:DB8:A:B:5a1:9f3:77c0:e2").username == "officer"
    with pytest.raises(identity.Throttled):  # another network
        identity.authenticate(db, "officer", PASSWORD, "2001:db8:a:c::10")
    for i in range(login_throttle.MAX_FAILURES_PER_USER):
        with pytest.raises(identity.AuthFailed):
            identity.authenticate(db, "clerk", "wrong", f"2001:db8:bad:1::{i + 1:x}")
    with pytest.raises(identity.Throttled):  # a sixth address of the guesser's /64
        identity.authenticate(db, "clerk", PASSWORD, "2001:db8:bad:1:ffff::1")
    assert identity.authenticate(db, "clerk", PASSWORD,
                                 "::ffff:192.0.2.20").username == "clerk"


def test_counts_whose_window_and_lock_have_passed_are_forgotten(db: Database) -> None:
    """The table holds the counts running, not every address that ever failed: a count
    older than the window goes at a later attempt, a lock still running stays."""
    identity.add_user(db, identity.NewUser("officer", PASSWORD, Role.SECRETARIAT),
                      actor=SYSTEM)

    def keys() -> set[str]:
        with db.read() as conn:
            return set(conn.execute(select(t.login_throttle.c.key)).scalars())

    window = login_throttle.THROTTLE_WINDOW
    with clock.use(now() - 3 * window):
        for i in range(3):  # three addresses, one guess each
            with pytest.raises(identity.AuthFailed):
                identity.authenticate(db, "stranger", "guess", f"198.51.100.{i + 1}")
    assert {f"addr:198.51.100.{i + 1}" for i in range(3)} <= keys()
    # a count begun before the window, its lock (at the last guess, within the window of
    # the first) running until after now
    for i in range(login_throttle.MAX_FAILURES_PER_USER):
        last = i == login_throttle.MAX_FAILURES_PER_USER - 1
        with clock.use(now() - (window * 2 / 3 if last else window * 4 / 3)), \
                pytest.raises(identity.AuthFailed):
            identity.authenticate(db, "officer", "wrong", "203.0.113.9")
    identity.authenticate(db, "officer", PASSWORD, "192.0.2.10")
    left = keys()
    assert not any("198.51.100" in k for k in left), left
    assert "user:officer@203.0.113.9" in left  # its lock runs on
    with pytest.raises(identity.Throttled):
        identity.authenticate(db, "officer", PASSWORD, "203.0.113.9")
