"""The command line before it can work: a setting the environment gives wrong, or a
database that is not migrated, is said in a line naming it, with exit status 2, not a
traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.templates import Templates

SRC = Path(__file__).resolve().parents[2] / "src"


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # the suite's audit key, which signed the template database's trail, and no other
    # setting of the environment
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("PHALANX_") or k == "PHALANX_AUDIT_KEY_FILE"}
    return subprocess.run(
        [sys.executable, "-m", "phalanx.cli.main", *args], capture_output=True, text=True,
        cwd=tmp_path, timeout=120, check=False,
        env=base | {"PYTHONPATH": str(SRC), "COLUMNS": "200",
                    "PHALANX_DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"} | env)


@pytest.mark.parametrize(("setting", "value", "said"), [
    ("PHALANX_DATABASE_URL", "", "PHALANX_DATABASE_URL must be a database address"),
    ("PHALANX_DATABASE_URL", "nonsense", "PHALANX_DATABASE_URL must be a database address"),
    ("PHALANX_PUBLIC_URL", "ftp://x", "PHALANX_PUBLIC_URL must be an http:// or https://"),
    ("PHALANX_SMTP_PORT", "twenty-five", "PHALANX_SMTP_PORT: Input should be a valid integer"),
    ("PHALANX_SMTP_PORT", "0", "PHALANX_SMTP_PORT: Input should be greater than or equal to 1"),
    ("PHALANX_DATABASE_URL", "mysql://a@db/phalanx",
     "PHALANX_DATABASE_URL: Phalanx runs on SQLite or PostgreSQL, not 'mysql'"),
    ("PHALANX_DATABASE_URL", "postgresql+nosuchdriver://a@db/phalanx",
     "PHALANX_DATABASE_URL: the driver of 'postgresql+nosuchdriver' is not installed"),
    ("PHALANX_DB_POOL_SIZE", "-1", "PHALANX_DB_POOL_SIZE: Input should be greater than or "
                                   "equal to 1"),
    ("PHALANX_AUDIT_CHECKPOINT_EVERY", "0", "PHALANX_AUDIT_CHECKPOINT_EVERY: Input should be "
                                            "greater than or equal to 1"),
    ("PHALANX_AUDIT_KEY_FILE", ".", "PHALANX_AUDIT_KEY_FILE: . is a directory"),
])
def test_a_wrong_setting_is_named(tmp_path: Path, setting: str, value: str, said: str
                                  ) -> None:
    r = _run(tmp_path, "audit", "verify", **{setting: value})
    assert r.returncode == 2, r.stderr
    assert said in " ".join(r.stderr.split()), r.stderr
    assert "Traceback" not in r.stderr


def test_a_database_not_migrated_says_what_to_run(tmp_path: Path) -> None:
    r = _run(tmp_path, "users", "list")
    assert r.returncode == 2, r.stderr
    said = " ".join(r.stderr.split())
    assert "the database cannot answer: no such table" in said, said
    assert "run `phalanx db upgrade` first" in said and "Traceback" not in said
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    assert _run(tmp_path, "users", "list").returncode == 0


@pytest.mark.parametrize(("args", "code", "said"), [
    (["backup", "/proc/no-such-dir/p.db"], 1,
     "error: /proc/no-such-dir/p.db: cannot be written"),
    (["audit", "export", "/proc/no-such-dir/trail.jsonl"], 1,
     "error: /proc/no-such-dir/trail.jsonl: No such file or directory"),
    (["ops", "ingest", "no-such.csv", "--operation", "channel", "--agency", "customs",
      "--state", "KAZ"], 1, "error: no-such.csv: No such file or directory"),
    (["membership", "contribution", "KAZ", "2025", "--assessed", "-5"], 2,
     "error: assessed: Input should be greater than or equal to 0"),
])
def test_a_file_or_value_the_command_cannot_use_is_said_in_a_line(
        tmp_path: Path, db_templates: Templates, args: list[str], code: int, said: str
) -> None:
    # the database `phalanx db upgrade` then `phalanx load --builtin csto` make
    db_templates.sqlite_copy("dataset", tmp_path / "p.db")
    r = _run(tmp_path, *args)
    assert r.returncode == code, r.stderr
    assert said in " ".join(r.stderr.split()), r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 2
