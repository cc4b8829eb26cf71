"""A real PostgreSQL server for the tests.

`postgres_admin_url` (session): PHALANX_TEST_POSTGRES_URL if set; otherwise a
throwaway cluster started with the PostgreSQL binaries found on this machine, on
127.0.0.1 and a free port, removed at the end. Without a server the tests that need
one skip, except under PHALANX_REQUIRE_ALL=1 (CI), where they fail.

`postgres_url` (function): a fresh, empty database on that server, dropped after.
`fresh_database(admin_url, template)`: the same, or a copy of a template database.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa


def require_or_skip(reason: str) -> None:
    if os.environ.get("PHALANX_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (PHALANX_REQUIRE_ALL=1: this may not be skipped)")
    pytest.skip(reason)


def _bin_dir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found and Path(found).resolve().exists():
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str], owner: str | None) -> list[str]:
    return ["runuser", "-u", owner, "--", *cmd] if owner else cmd


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    url = os.environ.get("PHALANX_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    try:
        with throwaway_cluster() as admin_url:
            yield admin_url
    except NoServer as exc:
        require_or_skip(str(exc))


class NoServer(RuntimeError):
    pass


def memory_dir() -> str | None:
    """Where a throwaway cluster keeps its files: in memory (/dev/shm) where the machine
    has it, else the temporary directory. A database copied from a template there takes
    about 20 ms against half a second on a disk, and every test on PostgreSQL copies
    one."""
    shm = "/dev/shm"
    if not (os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK)):
        return None
    free = os.statvfs(shm)
    # (a container's /dev/shm may be tens of megabytes: the cluster and its copies want
    # some hundreds)
    return shm if free.f_bavail * free.f_frsize >= 2 * 1024 ** 3 else None


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory on 127.0.0.1, removed afterwards."""
    bindir = _bin_dir()
    if bindir is None:
        raise NoServer("no PostgreSQL server binaries (Debian package postgresql) and no "
                       "PHALANX_TEST_POSTGRES_URL")
    owner = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise NoServer("running as root without a 'postgres' system user") from None
        owner = "postgres"
    tmp = Path(tempfile.mkdtemp(prefix="phalanx-pg-", dir=memory_dir()))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    if owner:
        shutil.chown(tmp, owner)
        shutil.chown(sock, owner)
    port = _free_port()
    subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "phalanx",
                                 "--auth=trust", "--encoding=UTF8", "--no-sync"], owner),
                   check=True, capture_output=True)
    opts = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200")
    subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-w",
                                 "-l", str(tmp / "log"), "start"], owner),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://phalanx@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                     "stop"], owner), capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def admin_engine(url: str) -> sa.Engine:
    """An engine for CREATE and DROP DATABASE (outside a transaction, no pool)."""
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


_FILE_COPY: dict[str, str] = {}


def _file_copy(admin: sa.Engine) -> str:
    """The clause copying a template file by file, where the server has it (15 and
    later): a small template is copied faster so than through the write-ahead log, its
    default; the test server writes nothing to disk it need not (fsync off)."""
    key = admin.url.render_as_string(hide_password=False)
    if key not in _FILE_COPY:
        with admin.connect() as conn:
            version = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
        _FILE_COPY[key] = " STRATEGY = FILE_COPY" if version >= 150000 else ""
    return _FILE_COPY[key]


@contextmanager
def fresh_database(admin_url: str, template: str | None = None) -> Iterator[str]:
    """A new database on the server of `admin_url`, dropped afterwards: empty, or a copy
    of the database named `template`."""
    name = f"phalanx_test_{uuid.uuid4().hex[:12]}"
    admin = admin_engine(admin_url)
    source = f' TEMPLATE "{template}"{_file_copy(admin)}' if template else ""
    for attempt in range(30):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"{source}')
            break
        except sa.exc.OperationalError:
            if attempt == 29:
                raise
            time.sleep(0.2)
    url = sa.engine.make_url(admin_url).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    with fresh_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def another_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A second empty database, e.g. to restore a backup into."""
    with fresh_database(postgres_admin_url) as url:
        yield url


@pytest.fixture
def target_url(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """An empty database beside the test's, on the same kind of server: a backup's
    restore goes there."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    url: str = request.getfixturevalue("another_postgres_url")
    return url
