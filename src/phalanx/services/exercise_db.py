"""The databases an exercise run writes through: one transaction for the whole run
(`OneTransaction`, each action a savepoint in it, committed at the end or rolled back
whole; also the rehearsal's, rolled back), or, for a run played live, the real database
whose every write is the exercise's (`played_live`): the audit entries of both say
`exercise`, sealed by their hash."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from phalanx.adapters.events import Event
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import Entry
from phalanx.services.db import Database, UnauditedWrite, Write


class OneTransaction(Database):
    """The run's database: every action of the run in one transaction (each action a
    savepoint in it), committed at the end or rolled back whole."""

    def __init__(self, outer: Database, conn: Connection) -> None:
        super().__init__(outer.engine)
        self.conn = conn
        self.events: list[Event] = []
        # the audit entries of the run's actions, in the order chained: the run's own write
        # hands them on with its entry, to be copied outside the database once committed
        self.entries: list[Entry] = []
        self.exercise = True

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self.conn

    @contextmanager
    def write(self, actor: Principal) -> Iterator[Write]:
        with self.conn.begin_nested():
            w = Write(self.conn, actor, exercise=True)
            yield w
            if not w.pending:
                raise UnauditedWrite("a state-changing action must write an audit entry")
            w.seal()
        self.events += w.events
        self.entries += w.entries


def played_live(db: Database) -> Database:
    """The database of a run written as it is played: the same one, each write of which
    is the exercise's (its audit entries say so)."""
    played = Database(db.engine)
    played.before_commit, played.bus, played.exercise = db.before_commit, db.bus, True
    return played
