"""Transactions. A read is a plain transaction; a write also carries the acting
principal and must leave at least one audit entry, written in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from phalanx.adapters.db import audit_store
from phalanx.adapters.db.engine import WRITE, make_engine
from phalanx.adapters.events import Event, EventBus
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import Entry


class UnauditedWrite(RuntimeError):
    """A write transaction tried to commit without recording what it did."""


@dataclass
class Write:
    conn: Connection
    actor: Principal
    entries: list[Entry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def emit(self, topic: str, kind: str, **data: Any) -> None:
        """Announce a change to open pages, once the transaction has committed."""
        self.events.append(Event(topic, kind, data))

    def audit(self, action: str, target_kind: str, target_id: str | int,
              change: dict[str, Any] | None = None) -> Entry:
        entry = audit_store.append(self.conn, self.actor, action, target_kind, str(target_id),
                                   change or {})
        self.entries.append(entry)
        return entry


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # called before each write commits, e.g. to sign an audit checkpoint when due
        self.before_commit: Callable[[Connection], None] | None = None
        self.bus: EventBus | None = None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, actor: Principal) -> Iterator[Write]:
        with self.engine.connect().execution_options(**{WRITE: True}) as conn:
            with conn.begin():
                w = Write(conn, actor)
                yield w
                if not w.entries:
                    raise UnauditedWrite("a state-changing transaction must write an audit "
                                         "entry")
                if self.before_commit is not None:
                    self.before_commit(conn)
            if self.bus is not None:
                for event in w.events:
                    self.bus.publish(event)

    def dispose(self) -> None:
        self.engine.dispose()
