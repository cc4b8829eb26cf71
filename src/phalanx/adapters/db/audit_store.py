"""Append to and read the audit trail. Appends are serialized (an advisory lock on
PostgreSQL; BEGIN IMMEDIATE already does it on SQLite) so the chain never forks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import GENESIS, Checkpoint, Entry, canonical

_LOCK_KEY = 0x50484C58  # "PHLX"


def lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def last(conn: Connection) -> tuple[int, str]:
    row = conn.execute(
        select(t.audit_log.c.id, t.audit_log.c.hash).order_by(t.audit_log.c.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else (0, GENESIS)


def append(conn: Connection, actor: Principal, action: str, target_kind: str, target_id: str,
           change: dict[str, Any]) -> Entry:
    lock(conn)
    last_id, last_hash = last(conn)
    entry = Entry(
        id=last_id + 1, at=now_iso(), actor=actor.username, role=actor.role.value,
        acting_for=actor.state, action=action, target_kind=target_kind, target_id=target_id,
        change=canonical(change), prev_hash=last_hash,
    ).sealed()
    conn.execute(insert(t.audit_log).values(**entry.__dict__))
    return entry


def _entry(row: Any) -> Entry:
    return Entry(row.id, row.at, row.actor, row.role, row.acting_for, row.action,
                 row.target_kind, row.target_id, row.change, row.prev_hash, row.hash)


def count(conn: Connection) -> int:
    """How many entries the trail holds."""
    return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def entries(conn: Connection, batch: int = 5000) -> Iterator[Entry]:
    """Every entry in id order, read in batches."""
    after = 0
    while True:
        rows = list(conn.execute(
            select(t.audit_log).where(t.audit_log.c.id > after).order_by(t.audit_log.c.id)
            .limit(batch)))
        if not rows:
            return
        for row in rows:
            yield _entry(row)
        after = rows[-1].id


def checkpoints(conn: Connection) -> list[Checkpoint]:
    return [
        Checkpoint(r.id, r.entry_id, r.entry_hash, r.at, r.key_id, r.signature)
        for r in conn.execute(select(t.audit_checkpoint).order_by(t.audit_checkpoint.c.id))
    ]
