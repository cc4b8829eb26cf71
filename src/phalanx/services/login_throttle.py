"""Login throttling: failed logins counted in a window (settings) for one account from
one address (a stranger guessing locks out only himself), from one address for any
account, and for one account from anywhere (guessing spread over many addresses).

The last lock, the account's from anywhere, would let whoever knows a user name lock its
user out from every address. It spares the addresses the account logged in from within
`KNOWN_DAYS` (setting): a representative at the desk it works from still logs in while
the account is guessed at from elsewhere; the guesses from there are still counted, and
locked, per address and per account from that address.

An address is counted and known as its network (`network`): an IPv6 address as its /64
(a host picks any address of its /64, and its privacy addresses change daily: the same
desk, and the same guesser, whichever it uses), an IPv4-mapped address as its IPv4
address. Users sharing a network (behind one NAT, on one LAN) share its counts."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import WRITE
from phalanx.services.clock import aware
from phalanx.services.db import Database

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5  # one account from one address
MAX_FAILURES_PER_ADDRESS = 20  # one address, any account
MAX_FAILURES_PER_ACCOUNT = 30  # one account from anywhere but its known addresses
KNOWN_DAYS = 90  # an address the account logged in from within this many days is known
IPV6_PREFIX = 64  # the IPv6 network one host picks its addresses in (RFC 4291, RFC 8981)


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} s")


def claim(conn: Connection, key: str, limit: int, at: datetime) -> int:
    """Count one attempt against `key`, atomically, before the password is checked: 0 when
    the attempt may go on (the limit-th attempt locks the key for the ones after it), else
    the seconds to wait. The row is created if missing without a race (INSERT ... ON
    CONFLICT DO NOTHING) and then locked (FOR UPDATE on PostgreSQL; SQLite's BEGIN
    IMMEDIATE already serializes writers)."""
    dialect = conn.dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(t.login_throttle)
    conn.execute(ins.values(key=key, failures=0, window_start=at)
                 .on_conflict_do_nothing(index_elements=["key"]))
    row = conn.execute(select(t.login_throttle).where(t.login_throttle.c.key == key)
                       .with_for_update()).one()
    if row.locked_until and aware(row.locked_until) > at:
        return int((aware(row.locked_until) - at).total_seconds()) + 1
    if at - aware(row.window_start) > THROTTLE_WINDOW:
        failures, start = 1, at
    else:
        failures, start = row.failures + 1, aware(row.window_start)
    conn.execute(update(t.login_throttle).where(t.login_throttle.c.key == key).values(
        failures=failures, window_start=start,
        locked_until=at + THROTTLE_WINDOW if failures >= limit else None))
    return 0


def forget(conn: Connection, at: datetime) -> None:
    """Counts whose window has passed and whose lock has ended count nothing more: the
    table holds the counts running, not every address that ever failed."""
    lt = t.login_throttle.c
    conn.execute(t.login_throttle.delete().where(
        lt.window_start < at - THROTTLE_WINDOW,
        (lt.locked_until.is_(None)) | (lt.locked_until < at)))


def keys(username: str, address: str, *, known: bool) -> list[tuple[str, int]]:
    """The counts an attempt goes against, with their limits: the account from this
    address, the address, and (unless the address is known) the account."""
    address = network(address)
    out = [(f"user:{username}@{address}"[:200], MAX_FAILURES_PER_USER),
           (f"addr:{address}"[:200], MAX_FAILURES_PER_ADDRESS)]
    if not known:
        out.append((f"user:{username}"[:200], MAX_FAILURES_PER_ACCOUNT))
    return out


def known(conn: Connection, user_id: int, address: str, at: datetime) -> bool:
    """Whether the account logged in from `address`'s network within `KNOWN_DAYS` (an
    address stored before networks were: compared as its network)."""
    k = t.known_address.c
    here = network(address)
    since = at - timedelta(days=KNOWN_DAYS)
    return any(network(a) == here and aware(last) >= since for a, last in conn.execute(
        select(k.address, k.last_login).where(k.user_id == user_id)))


def network(address: str) -> str:
    """What an address is counted and known as: an IPv6 address's /64, an IPv4-mapped
    address's IPv4 address, an IPv4 address itself; anything else (no address) as it is."""
    try:
        ip = ipaddress.ip_address(address.strip().split("%", 1)[0])
    except ValueError:
        return address[:200]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)


def claim_attempt(db: Database, username: str, address: str, at: datetime, *,
                  known: bool) -> list[str]:
    """Count the attempt (`keys`) in one short transaction of its own (bookkeeping, not an
    action: a failed login is audited when it is known); Throttled when one is locked.
    The keys counted."""
    counted = keys(username, address, known=known)
    with db.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        waits = [claim(conn, key, limit, at) for key, limit in counted]
        forget(conn, at)
    if max(waits):
        raise Throttled(max(waits))
    return [key for key, _ in counted]


def succeeded(conn: Connection, counted: list[str], user_id: int, address: str,
              at: datetime) -> None:
    """After a login (in its transaction): the account from this address forgets its
    count, the others get this attempt back, and the address is known to the account."""
    lt = t.login_throttle.c
    conn.execute(t.login_throttle.delete().where(lt.key == counted[0]))
    for key in counted[1:]:
        conn.execute(t.login_throttle.delete().where(  # this attempt was its only one
            lt.key == key, lt.failures <= 1, lt.locked_until.is_(None)))
        conn.execute(update(t.login_throttle).where(
            lt.key == key, lt.failures > 1, lt.locked_until.is_(None)).values(
                failures=lt.failures - 1))
    k = t.known_address.c
    ins = (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(t.known_address)
    conn.execute(ins.values(user_id=user_id, address=network(address), last_login=at)
                 .on_conflict_do_update(index_elements=[k.user_id, k.address],
                                        set_={"last_login": at}))
