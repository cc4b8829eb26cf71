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


class Stopped(Exception):
    """A run played live that stopped before its last inject: one refused (its exercise
    ended by its control meanwhile, or a record changed since the rehearsal) or the run
    interrupted. What it played stays, written as it was played; its `exercise.run` entry
    says where it stopped (`stop`)."""

    def __init__(self, crisis_id: int, minute: float, played: int, total: int,
                 problems: list[str]) -> None:
        # problems: why an inject was refused; none: the run was interrupted
        self.crisis_id, self.minute, self.played, self.total = crisis_id, minute, played, total
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        return (f"stopped after {self.played} of {self.total} injects (minute "
                f"{self.minute:g}): crisis {self.crisis_id} keeps what was played, marked "
                f"EXERCISE; end it with \"End the exercise\" in its crisis room, or POST "
                f"/api/v1/crises/{self.crisis_id}/exercise-end")


def stop(db: Database, actor: Principal, crisis_id: int, timeline: list[tuple[float, str]],
         total: int, said: dict[str, object], problems: list[str]) -> Stopped:
    """The `exercise.run` entry of a run played live that stopped half-way (how far it
    got, and why where an inject was refused), and what to tell whoever ran it."""
    minute = timeline[-1][0] if timeline else 0.0
    with db.write(actor) as w:
        w.audit("exercise.run", "crisis", crisis_id, {
            **said, "stopped": {"minute": minute, "played": len(timeline), "injects": total,
                                **({"problems": problems} if problems
                                   else {"interrupted": True})}})
    return Stopped(crisis_id, minute, len(timeline), total, problems)


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
