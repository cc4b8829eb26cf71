"""Transactions. A read is a plain transaction; a write also carries the acting
principal and must leave at least one audit entry, written in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from phalanx.adapters.db import access_audit, audit_store
from phalanx.adapters.db.engine import WRITE, make_engine
from phalanx.adapters.events import Event, EventBus
from phalanx.domain.access.policy import Classification
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import Entry
from phalanx.services import idempotency


class UnauditedWrite(RuntimeError):
    """A write transaction tried to commit without recording what it did."""


@dataclass
class Write:
    conn: Connection
    actor: Principal
    entries: list[Entry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # an exercise's write: each of its entries says so (`exercise: true` in its change,
    # which the entry's hash seals), whoever plays the action; so does an entry about an
    # exercise's record, whoever writes it (`access_audit.is_exercise`)
    exercise: bool = False
    # the Idempotency-Key of the request this write serves (`services.idempotency`): each
    # of its entries says so (`idempotency_key` in its change, sealed by the entry's hash)
    idempotency_key: str | None = None

    def emit(self, topic: str, kind: str, *, classification: Classification | None = None,
             **data: Any) -> None:
        """Announce a change to open pages, once the transaction has committed. Pass the
        classification of the record the event announces: each page gets the event only
        if its reader may read that. Without one, the event reaches only the pages of a
        record's topic (`crisis:3`, which checked access when subscribing), never those of
        a broad topic (`crises`)."""
        self.events.append(Event(topic, kind, data, classification))

    pending: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)

    def audit(self, action: str, target_kind: str, target_id: str | int,
              change: dict[str, Any] | None = None) -> None:
        """Record what this transaction does. The entries join the chain just before the
        commit, in the order recorded: appending serializes all writers (one chain),
        so the lock is taken as late as possible and held only until the commit."""
        self.pending.append((action, target_kind, str(target_id), change or {}))

    def seal(self) -> None:
        played = self.exercise
        for action, target_kind, target_id, change in self.pending:
            if self.exercise or access_audit.is_exercise(self.conn, action, target_kind, target_id):
                change = {**change, "exercise": True}
                played = True
            if self.idempotency_key is not None:
                change = {**change, "idempotency_key": self.idempotency_key}
            self.entries.append(audit_store.append(self.conn, self.actor, action,
                                                   target_kind, target_id, change))
        self.pending.clear()
        self.events = [self._marked(e, played) for e in self.events]

    def _marked(self, event: Event, played: bool) -> Event:
        """An event about an exercise says so (`"exercise": true` in its data), as every
        message of an exercise does: one on the topic of an exercise's record, or one this
        write announces of the exercise it plays or acts in."""
        kind, _, ident = event.topic.partition(":")
        record = {"crisis": "crisis", "draft": "draft", "session": "session"}.get(kind)
        exercise = played or (record is not None and access_audit.is_exercise(
            self.conn, "session." if record == "session" else "", record, ident))
        if not exercise or event.data.get("exercise"):
            return event
        return Event(event.topic, event.kind, {**event.data, "exercise": True},
                     event.classification)


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # called before each write commits, with the write's chained audit entries (e.g.
        # to sign a checkpoint when due); what it returns is called once committed (e.g.
        # to copy the entries' hashes outside the database)
        self.before_commit: Callable[[Connection, list[Entry]],
                                     Callable[[], None] | None] | None = None
        self.bus: EventBus | None = None
        self.exercise = False  # an exercise's database: its writes are the exercise's

    @classmethod
    def from_url(cls, url: str, pool_size: int = 10, max_overflow: int = 10) -> Database:
        pool = {} if url.startswith("sqlite") else {"pool_size": pool_size,
                                                    "max_overflow": max_overflow}
        return cls(make_engine(url, **pool))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading. On PostgreSQL, at READ COMMITTED, every statement
        sees its own snapshot whether or not a transaction is open, so reads run without
        one (saving the BEGIN and COMMIT round trips of every request); SQLite reads in a
        transaction, which keeps one snapshot for all of them."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT") as conn:
                yield conn
        else:
            with self.engine.connect() as conn, conn.begin():
                yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A connection for reading, all its statements seeing one moment of the database
        (what another write commits meanwhile is left out whole): on PostgreSQL a
        REPEATABLE READ transaction, read only; on SQLite a read's transaction is one."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True) as conn, \
                    conn.begin():
                yield conn
        else:
            with self.read() as conn:
                yield conn

    @contextmanager
    def write(self, actor: Principal) -> Iterator[Write]:
        pending = idempotency.current()
        if pending is not None and pending.user_id != actor.user_id:
            pending = None  # another's write (the system's): not the request's own
        took = False
        try:
            with self.engine.connect().execution_options(**{WRITE: True}) as conn, \
                    conn.begin():
                w = Write(conn, actor, exercise=self.exercise)
                if pending is not None:
                    took = pending.claimed_id is None
                    w.idempotency_key = idempotency.claim(conn)
                yield w
                if not w.pending:
                    raise UnauditedWrite("a state-changing transaction must write an "
                                         "audit entry")
                w.seal()
                committed = (self.before_commit(conn, w.entries)
                             if self.before_commit is not None else None)
        except BaseException:
            if took and pending is not None:  # rolled back: the key is free again
                pending.claimed_id = None
            raise
        if committed is not None:
            committed()
        if self.bus is not None:
            for event in w.events:
                self.bus.publish(event)

    @contextmanager
    def one_at_a_time(self, name: str) -> Iterator[bool]:
        """Whether this process is the one doing `name` now: on PostgreSQL, whether it
        holds the session's advisory lock on `name` (another app instance holding it, the
        answer is False at once, no waiting), released afterwards; on SQLite, one process
        serves the file: True."""
        if self.engine.dialect.name != "postgresql":
            yield True
            return
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            got = bool(conn.exec_driver_sql(
                "SELECT pg_try_advisory_lock(hashtext(%(n)s))", {"n": name}).scalar_one())
            try:
                yield got
            finally:
                if got:
                    conn.exec_driver_sql("SELECT pg_advisory_unlock(hashtext(%(n)s))",
                                         {"n": name})

    def dispose(self) -> None:
        self.engine.dispose()
