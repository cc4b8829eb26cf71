"""A backup restored into an empty database holds every row of every table, and its
audit trail verifies; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import make_engine
from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.services.db import Database

runner = CliRunner()


def snapshot(engine: sa.Engine) -> dict[str, list[Any]]:
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(
            sa.select(table).order_by(*table.primary_key.columns))]
            for name, table in t.metadata.tables.items()}


@pytest.fixture
def db_recipe() -> str:
    return "records"  # the dataset, the demo accounts and the demo records


def test_backup_and_restore_every_table(db: Database, db_url: str, target_url: str,
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    before = snapshot(db.engine)
    assert sum(len(v) for v in before.values()) > 5000
    file = tmp_path / "phalanx.backup"
    try:
        monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
        get_settings.cache_clear()
        r = runner.invoke(app, ["backup", str(file)])
        assert r.exit_code == 0, r.output
        monkeypatch.setenv("PHALANX_DATABASE_URL", target_url)
        get_settings.cache_clear()
        r = runner.invoke(app, ["restore", str(file)])
        assert r.exit_code == 0, r.output
        assert "audit trail intact" in r.output
        r = runner.invoke(app, ["restore", str(file)])
        assert r.exit_code == 1  # not into a database that holds data
        assert "is not empty: restore into an empty database" in " ".join(r.output.split())
    finally:
        get_settings.cache_clear()
    restored = make_engine(target_url)
    try:
        assert snapshot(restored) == before
    finally:
        restored.dispose()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"hello")
    monkeypatch.setenv("PHALANX_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        r = runner.invoke(app, ["restore", str(bogus)])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 1 and "not a SQLite backup" in r.output
