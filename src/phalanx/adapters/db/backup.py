"""Online, consistent backups and restores: SQLite's backup API, PostgreSQL's pg_dump
and pg_restore (custom format)."""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url

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


def _pg_dsn(engine: Engine) -> tuple[str, dict[str, str]]:
    """The address pg_dump and pg_restore are given, and their environment: the password
    goes in PGPASSWORD, not on the command line, which every local user can read (ps)."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    bare = URL.create(url.drivername, url.username, None, url.host, url.port, url.database,
                      url.query)
    return bare.render_as_string(hide_password=False), env


def backup(engine: Engine, target: Path) -> int:
    """Write a consistent copy of the database to `target`; returns its size. The copy
    is written beside it and takes its name only once whole: a backup that fails leaves
    no file, and a file already there as it was."""
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup for {engine.dialect.name}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                    dir=target.parent)
    except OSError as exc:
        raise BackupError(f"{target}: cannot be written ({exc.strerror})") from exc
    os.close(fd)
    partial = Path(name)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            dsn, env = _pg_dsn(engine)
            done = subprocess.run([_pg_tool("pg_dump"), "--format=custom",  # noqa: S603
                                   "--no-owner", "--file", str(partial), dsn],
                                  capture_output=True, text=True, check=False, env=env)
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _sqlite_backup(engine: Engine, target: Path) -> None:
    source = make_url(str(engine.url)).database
    if not source or source == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the SQLite backup failed: {exc}") from exc


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
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema()").scalar()
        if tables:
            raise BackupError(f"database {engine.url.database} is not empty: restore into an "
                              "empty database")
        engine.dispose()
        dsn, env = _pg_dsn(engine)
        done = subprocess.run([_pg_tool("pg_restore"), "--no-owner", "--exit-on-error",  # noqa: S603
                               "--dbname", dsn, str(source)],
                              capture_output=True, text=True, check=False, env=env)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"no restore for {engine.dialect.name}")
