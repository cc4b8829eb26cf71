"""What a service action can refuse, in terms the API, pages and CLI all translate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime


class NotFound(LookupError):
    """No such record, or one the user may not know exists: the two look the same."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key!r}")


@contextmanager
def missing_as(kind: str, key: object) -> Iterator[None]:
    """A record reached through another (a request's crisis, a plan's crisis) that the
    reader may not see answers as if the record asked for did not exist: "no request 5",
    never "no crisis 3", which would confirm that crisis 3 exists."""
    try:
        yield
    except NotFound:
        raise NotFound(kind, key) from None


class Forbidden(PermissionError):
    """The user sees the record (or the action) but may not do this; says why."""


class Invalid(ValueError):
    """Bad input; `where` names the field."""

    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


class DayOff(Invalid):
    """A deadline falling on a day off where the Secretariat sits, not confirmed: refused
    like any bad input (`where` names the field), and a form offers the confirmation.
    `local`: the deadline there; `day`: the day's name ("saturday"); `last`: the last
    day to answer where it is not the deadline's own date (00:00 sharp ends the day
    before: the day off is then named with its own date, beside the deadline)."""

    def __init__(self, where: str, local: datetime, day: str, zone: str | None,
                 last: date | None = None) -> None:
        self.local, self.day, self.zone = local, day, zone
        if last is not None and last != local.date():
            text = (f"the deadline falls on a day off where the Secretariat sits "
                    f"({local:%Y-%m-%d %H:%M}, {zone or 'UTC'}; the last day to answer is "
                    f"{day}, {last.isoformat()}): choose a working day, or confirm the day "
                    "off")
        else:
            text = (f"the deadline falls on a day off where the Secretariat sits ({day}, "
                    f"{local:%Y-%m-%d %H:%M}, {zone or 'UTC'}): choose a working day, or "
                    "confirm the day off")
        super().__init__(where, text)


class InvalidRows(Invalid):
    """A file or batch of rows refused whole: every wrong row, each with where it is
    (`where` names the source, each error its row and column) and what is wrong."""

    def __init__(self, where: str, errors: list[tuple[int, str, str]], rows: int,
                 notes: list[str] | None = None) -> None:
        self.errors, self.rows = errors, rows
        self.notes = notes or []  # what the file was read as (its encoding, its separator)
        super().__init__(where, f"{len(errors)} of {rows} row(s) wrong: nothing stored")


class Conflict(RuntimeError):
    """Somebody changed the record first (stale version), or a unique value is taken."""


class Stale(Conflict):
    """The client changes a record as it read it, and it changed since (HTTP If-Match or
    If-None-Match failed: 412)."""


# what the database says of a write that raced another one: PostgreSQL's serialization
# failure, deadlock and unique violation (SQLSTATE), SQLite's unique constraint and busy
RACED = frozenset({"40001", "40P01", "23505", "SQLITE_CONSTRAINT_UNIQUE",
                   "SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_BUSY"})
RACED_MESSAGE = ("another request changed the same records at the same moment: nothing "
                 "of this one was written; reload and try again")


def raced(exc: BaseException) -> bool:
    """Whether `exc` (a database driver's error wrapped by SQLAlchemy) refused a write that
    met another at the same moment: the transaction was rolled back whole, so the request
    may be tried again (409), which is no fault of the server's (500)."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return code in RACED


UNAVAILABLE_MESSAGE = ("the database is not available at the moment (nothing was written); "
                       "try again shortly")


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be used at the moment: not reachable, its
    connection lost, its disk full, its file read-only (the driver's OperationalError),
    rather than a fault of the request or of the server's code; the request may be
    tried again when the database is back (503)."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError) or raced(exc):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    name = getattr(orig, "sqlite_errorname", None)
    if name is not None:
        return name.startswith(SQLITE_UNAVAILABLE)
    state = getattr(orig, "sqlstate", None)
    # no state: the server never answered (not reachable, the connection refused or lost)
    return state is None or state.startswith(POSTGRES_UNAVAILABLE)


# what says the database cannot be used at the moment, not that the statement is wrong
# (a missing table, a bad query: the server's fault, 500): SQLite's file read-only, full,
# not to be opened, failing to read or write; PostgreSQL's connection errors (08),
# insufficient resources (53: its disk full, too many connections), operator intervention
# (57P: shutting down, starting), system errors (58), a read-only transaction (25006)
SQLITE_UNAVAILABLE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_IOERR")
POSTGRES_UNAVAILABLE = ("08", "53", "57P", "58", "25006")
