"""What every command shares: consoles, errors, dates, JSON, the database."""

from __future__ import annotations

import json
import os
import pwd
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markup import escape

from phalanx.adapters.db.engine import make_engine
from phalanx.config import get_settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


# a service's refusals: the command says them as its error
REFUSED = (NotFound, Invalid, Conflict, Forbidden)


@contextmanager
def refusals() -> Iterator[None]:
    """A service's refusal inside as the command's error: its message, a non-zero exit,
    nothing written (the service's transaction)."""
    try:
        yield
    except REFUSED as exc:
        raise fail(str(exc)) from exc


def emit(value: Any, as_json: bool, show: Callable[[], None]) -> None:
    """The command's result: as JSON with --json (`emit_json`), else as `show` prints it
    for a person."""
    if as_json:
        emit_json(value)
    else:
        show()


def invalid(exc: ValidationError) -> str:
    """A model's refusal of the command's values in a line: each field and what is
    wrong with it."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD ({exc})") from exc


NO_LOGIN = 4294967295  # the kernel's login id of a process no one logged in to start


def _account(uid: int) -> str:
    """The name the system's user database gives a user id (an id without a name, a
    container's: `uid-1000`)."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid-{uid}"


def _login_uid() -> int | None:
    """The user id of the person whose login the command runs in: the kernel's login id,
    set when someone logs in, kept through `su` and `sudo`, and changed by no one after;
    None where no one logged in (a timer's command, a container without it)."""
    try:
        value = int(Path("/proc/self/loginuid").read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return None if value == NO_LOGIN else value


# the programs through which a person runs a command under another account: running as
# root (effective user id 0), they stand between the person's own process and the command
SWITCHERS = ("sudo", "su")
MAX_ANCESTORS = 64


def _process(pid: int) -> tuple[int, str, int, int] | None:
    """Process `pid` as the kernel says it: its parent's id, its name, its real and its
    effective user ids (None: no such process, or no /proc to read it from)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8", errors="replace")
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 1:].split()[1])
        uids = next(line for line in status.splitlines() if line.startswith("Uid:")).split()
        return parent, name, int(uids[1]), int(uids[2])
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _switched_from() -> tuple[str, int] | None:
    """Who ran this command under another account, as the process tree says (never the
    environment, whose SUDO_USER and SUDO_UID whoever types the command sets as they
    like): the first ancestor of another account than the command's, past a `sudo` or an
    `su` running as root (the program and the account it switched through: `("sudo",
    1000)`); None when the command runs under its own account's login, or under a
    service's (a timer's, root's daemons)."""
    me = os.getuid()
    pid, through = os.getppid(), None
    for _ in range(MAX_ANCESTORS):
        if pid <= 1:
            return None
        found = _process(pid)
        if found is None:
            return None
        parent, name, real, effective = found
        if effective == 0 and name in SWITCHERS:
            through = name
        elif real != me:
            return (through, real) if through is not None or real != 0 else None
        pid = parent
    return None


MAX_ACTOR = 64


def operator() -> Principal:
    """Who runs a command: the installation itself (the system's role), in the name of the
    operating system's account that runs it, so that the audit trail says who did what
    from the command line (`system:alice`; a timer's commands name the timer's account).
    The account is the process's own user id, never the environment's LOGNAME or USER,
    which whoever types the command sets as they like. A command run under another
    account (`sudo -u phalanx`, `su`) names the person logged in as well
    (`system:phalanx (login alice)`); without a login id, the person whose process ran
    `sudo` or `su` (`system:phalanx (sudo alice)`), never the one the environment's
    SUDO_USER names."""
    uid = os.getuid()
    name, person = _account(uid), ""
    login = _login_uid()
    if login is not None and login != uid:
        person = f" (login {_account(login)})"
    elif login is None and (switched := _switched_from()) is not None:
        through, who = switched
        person = f" ({through or 'run by'} {_account(who)})"
    # at most 64 characters (what the records' actor columns hold): a long account name
    # is cut, not the person at the keyboard
    person = person[:MAX_ACTOR // 2]
    return Principal(f"system:{name}"[:MAX_ACTOR - len(person)] + person, Role.SYSTEM)


def database(read_only: bool = False) -> Database:
    """The configured database; writes copy their audit entries outside the database and
    sign a checkpoint when one is due. `read_only`: touch no key and no file."""
    from sqlalchemy.pool import NullPool

    from phalanx.services import audit

    settings = get_settings()
    # a command is short: no pool, so no connection outlives it
    db = Database(make_engine(settings.database_url, poolclass=NullPool))
    if not read_only:
        db.before_commit = audit.tail_from(
            settings, audit.installation_key(db, settings.audit_key_file)).sealed
    return db


def emit_json(data: Any) -> None:
    def plain(x: Any) -> Any:
        if isinstance(x, BaseModel):
            return x.model_dump(mode="json")
        if isinstance(x, list):
            return [plain(i) for i in x]
        return x

    sys.stdout.write(json.dumps(plain(data), ensure_ascii=False, indent=2) + "\n")


def current_org(db: Database) -> Any:
    try:
        with db.read() as conn:
            return orgs.organization(conn)
    except orgs.NotLoaded as exc:
        raise fail(str(exc)) from exc
