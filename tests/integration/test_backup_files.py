"""A backup's file: written whole or not at all (a failed backup leaves the last good
one in place), readable by its owner only, and pg_dump is given the database's password
in its environment, not on a command line every local user can read."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from phalanx.adapters.db import backup as backups
from phalanx.adapters.db.engine import make_engine


def test_a_failed_pg_dump_leaves_the_last_backup_as_it_was(postgres_admin_url: str,
                                                          tmp_path: Path) -> None:
    url = sa.engine.make_url(postgres_admin_url).set(database="no_such_database")
    engine = make_engine(url.render_as_string(hide_password=False))
    last = tmp_path / "hourly.dump"
    last.write_bytes(b"PGDMP the last good backup")
    try:
        with pytest.raises(backups.BackupError, match=r"pg_dump failed:.*no_such_database"):
            backups.backup(engine, last)
    finally:
        engine.dispose()
    assert last.read_bytes() == b"PGDMP the last good backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hourly.dump"]


def test_a_backup_is_readable_by_its_owner_only(sqlite_db: Any, tmp_path: Path) -> None:
    target = tmp_path / "backups" / "phalanx.db"
    size = backups.backup(sqlite_db.engine, target)
    assert size == target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().startswith(backups.SQLITE_MAGIC)
    assert sorted(p.name for p in target.parent.iterdir()) == ["phalanx.db"]


def test_the_password_goes_to_pg_dump_in_its_environment(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    seen: dict[str, Any] = {}

    def run(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
        seen["args"], seen["env"] = args, kw.get("env") or {}
        Path(args[args.index("--file") + 1]).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", run)
    monkeypatch.setattr(backups, "_pg_tool", lambda name: f"/usr/bin/{name}")
    engine = sa.create_engine("postgresql+psycopg://phalanx_app:s3cret-Pass@db.internal:5432/px")
    backups.backup(engine, tmp_path / "b.dump")
    assert not any("s3cret-Pass" in a for a in seen["args"]), seen["args"]
    assert "postgresql://phalanx_app@db.internal:5432/px" in seen["args"]
    assert seen["env"]["PGPASSWORD"] == "s3cret-Pass"
    assert (tmp_path / "b.dump").read_bytes() == b"PGDMP"
