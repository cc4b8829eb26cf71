"""`phalanx db downgrade REVISION` or `--steps N`: the operator's way back from an
upgrade (one step, or to a named revision), in one transaction, then `phalanx db upgrade`
up again, the operations' totals recounted by month; a revision that is not there, or the
empty database, is refused with nothing changed; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.migrate import is_current
from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import operations as ops
from phalanx.services.db import Database

runner = CliRunner()


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def cli_db(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[Database]:
    # the command line works on the database its settings name: this test's, either engine
    monkeypatch.setenv("PHALANX_DATABASE_URL",
                       db.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "cli-audit.key"))
    get_settings.cache_clear()
    rows = [(2, {"reference": "K-1", "date": "2025-03-10", "stage": "spring-2025",
                 "metric": "seizure", "substance": "heroin", "quantity": "100",
                 "unit": "kg", "area": "Osh"}),
            (3, {"reference": "K-2", "date": "2025-04-01", "stage": "spring-2025",
                 "metric": "seizure", "substance": "heroin", "quantity": "5",
                 "unit": "kg", "area": "Osh"})]
    assert ops.ingest(db, "channel", "KAZ", "customs", rows, actor=SYSTEM).stored == 2
    yield db
    get_settings.cache_clear()


def _version(db: Database) -> str:
    with db.read() as conn:
        return str(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar())


def _total_columns(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns("op_total")}


def _months(db: Database) -> list[Any]:
    with db.read() as conn:
        return sorted(conn.execute(sa.select(t.op_total.c.year, t.op_total.c.month,
                                             t.op_total.c.quantity)).all())


def test_one_step_down_and_up_again(cli_db: Database) -> None:
    head = _version(cli_db)
    down = runner.invoke(app, ["db", "downgrade", "--steps", "1"])
    assert down.exit_code == 0, down.output
    assert not is_current(cli_db.engine)
    below = _version(cli_db)
    assert below != head and below in down.output
    assert "month" not in _total_columns(cli_db)
    up = runner.invoke(app, ["db", "upgrade"])
    assert up.exit_code == 0, up.output
    assert is_current(cli_db.engine) and _version(cli_db) == head
    assert _months(cli_db) == [(2025, 3, 100.0), (2025, 4, 5.0)]


def test_down_to_a_named_revision(cli_db: Database) -> None:
    r = runner.invoke(app, ["db", "downgrade", "0043"])
    assert r.exit_code == 0, r.output
    assert _version(cli_db) == "0043"
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert is_current(cli_db.engine)


@pytest.mark.parametrize("args", [["9999"], ["nonsense"], ["--steps", "999"], ["base"], [],
                                  ["0043", "--steps", "1"]])
def test_a_revision_not_there_or_the_empty_database_changes_nothing(
        cli_db: Database, args: list[str]) -> None:
    head = _version(cli_db)
    r = runner.invoke(app, ["db", "downgrade", *args])
    assert r.exit_code == 2, r.output
    assert "nothing was changed" in r.output
    assert "Traceback" not in r.output
    assert _version(cli_db) == head and "month" in _total_columns(cli_db)
