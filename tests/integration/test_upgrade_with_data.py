"""A database an older version wrote (schema 0015, with drafts, decisions, crises,
users and the audit trail in it) upgrades to head keeping every row and the trail
verifying, and goes down a step and up again; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import downgrade, is_current, upgrade
from phalanx.services import audit
from phalanx.services.db import Database

OLD = "0015"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def db_recipe() -> str:
    return "records"  # the dataset, the demo accounts and the demo records


def _rows(conn: sa.Connection, table: sa.Table, columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(r) for r in conn.execute(sa.select(*[table.c[c] for c in columns]))),
                  key=repr)


def _fill_old(source: sa.Engine, target: sa.Engine) -> dict[str, tuple[list[str], list[Any]]]:
    """The rows the source holds, as far as the old schema of `target` has their tables
    and columns, written into it; what was written, by table."""
    old, new = sa.MetaData(), sa.MetaData()
    old.reflect(target)
    new.reflect(source)
    written: dict[str, tuple[list[str], list[Any]]] = {}
    with source.connect() as src, target.begin() as dst:
        for table in old.sorted_tables:
            if table.name == "alembic_version" or table.name not in new.tables:
                continue
            cols = [c.name for c in table.columns if c.name in new.tables[table.name].c]
            rows = _rows(src, new.tables[table.name], cols)
            if rows:
                dst.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in rows])
            written[table.name] = (cols, rows)
        if target.dialect.name == "postgresql":  # the ids to come follow those copied
            for table in old.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and (
                        seq := dst.exec_driver_sql(
                            f"SELECT pg_get_serial_sequence('{table.name}', 'id')").scalar()):
                    dst.exec_driver_sql(f"SELECT setval('{seq}', coalesce(max(id), 1)) "
                                        f"FROM {table.name}")
    return written


# tables a migration recounts from others (the operations' totals from the reports, by
# month since 0045): their rows are kept as values, under new ids
RECOUNTED = {"op_total"}


def _rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted((tuple(round(v, 6) if isinstance(v, float) else v for v in r)
                   for r in rows), key=repr)


def _kept(engine: sa.Engine, written: dict[str, tuple[list[str], list[Any]]]) -> None:
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        for name, (cols, rows) in written.items():
            if name in RECOUNTED:  # (sums added up again: to a millionth)
                at = cols.index("id")
                values = [c for c in cols if c != "id"]
                assert _rounded(_rows(conn, meta.tables[name], values)) == _rounded(
                    [r[:at] + r[at + 1:] for r in rows]), name
                continue
            assert _rows(conn, meta.tables[name], cols) == rows, name


def test_an_old_database_with_records_upgrades_keeping_every_row(
        db: Database, target_url: str) -> None:
    before = audit.verify_trail(db, None)
    target = make_engine(target_url)
    try:
        upgrade(target, OLD)
        written = _fill_old(db.engine, target)
        assert len(written["draft"][1]) > 0 and len(written["decision"][1]) > 0
        assert len(written["audit_log"][1]) > 100
        upgrade(target)
        assert is_current(target)
        _kept(target, written)
        after = Database(target)
        verdict = audit.verify_trail(after, None)
        assert (verdict.entries, verdict.first_bad) == (before.entries, None)
        assert verdict.problem == before.problem
        downgrade(target, "-1")
        assert not is_current(target)
        upgrade(target)
        assert is_current(target)
        _kept(target, written)
    finally:
        target.dispose()


def test_an_upgrade_that_would_leave_a_dangling_row_changes_nothing(tmp_path: Path) -> None:
    """On SQLite the keys are off while tables are rebuilt and checked before the upgrade
    commits: a row already pointing at nothing is named, and the database stays as it was."""
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, OLD)
    engine.dispose()
    with sqlite3.connect(path) as conn:  # foreign keys are off on a plain connection
        conn.execute("INSERT INTO web_session (id, token_hash, user_id, csrf_token, "
                     "created_at, expires_at) VALUES (7, 'h', 99, 'c', '2025-01-01', "
                     "'2025-01-02')")
    conn.close()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PHALANX_")}
    r = subprocess.run([sys.executable, "-m", "phalanx.cli.main", "db", "upgrade"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
                       env=base | {"PYTHONPATH": str(SRC), "COLUMNS": "200",
                                   "PHALANX_DATABASE_URL": f"sqlite:///{path}"})
    said = " ".join(r.stderr.split())
    assert r.returncode == 1, said
    assert "the upgrade failed, nothing was changed" in said and "web_session row 7" in said
    assert "Traceback" not in said
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(OLD,)]
    conn.close()
