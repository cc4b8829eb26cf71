"""Online, consistent backups and restores: SQLite's backup API, PostgreSQL's pg_dump
and pg_restore (custom format)."""

from __future__ import annotations

import glob
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    pass


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    raise BackupError(f"{name} not found: install PostgreSQL's client tools")


def _pg_dsn(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def backup(engine: Engine, target: Path) -> int:
    """Write a consistent copy of the database to `target`; returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = make_url(str(engine.url)).database
        if not source or source == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    elif engine.dialect.name == "postgresql":
        done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner",  # noqa: S603
                               "--file", str(target), _pg_dsn(engine)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"no backup for {engine.dialect.name}")
    return target.stat().st_size


def restore(engine: Engine, source: Path) -> None:
    """Restore `source` into the (empty) database of `engine`."""
    try:
        head = source.read_bytes()[:16]
    except OSError as exc:
        raise BackupError(f"{source}: {exc.strerror}") from exc
    if engine.dialect.name == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise BackupError(f"{source} is not a SQLite backup")
        target = make_url(str(engine.url)).database
        assert target
        engine.dispose()
        with sqlite3.connect(target) as dst:
            if dst.execute("SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                           "name NOT LIKE 'sqlite_%'").fetchone()[0]:
                raise BackupError(f"{target} is not empty: restore into an empty database")
            with sqlite3.connect(source) as src:
                src.backup(dst)
            src.close()
        dst.close()
    elif engine.dialect.name == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source} is not a pg_dump custom-format backup")
        engine.dispose()
        done = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error",  # noqa: S603
                               "--dbname", _pg_dsn(engine), str(source)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"no restore for {engine.dialect.name}")
