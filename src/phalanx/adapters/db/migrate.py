"""Run the Alembic migrations that ship inside the package."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


class MigrationError(RuntimeError):
    """A migration would leave rows pointing at rows that are not there; nothing of it
    is kept."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _migrate(engine, command.downgrade, revision)


def _migrate(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run the migrations to `revision` in one transaction, one run at a time on
    PostgreSQL (a transaction's advisory lock). On SQLite a migration that
    changes a table rebuilds it (a copy, the old one dropped, the copy renamed): with
    foreign keys enforced, dropping a table that other rows point at fails or deletes
    those rows in cascade. So the keys are off while it runs (SQLite's own procedure for
    altering a table) and checked whole before it commits."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:  # before the transaction begins: inside one, SQLite ignores it
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    # one migration at a time (several hosts upgrading as they start):
                    # the next waits here, then finds the revision the first left
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('phalanx "
                                         "migrations'))")
                cfg.attributes["connection"] = conn
                step(cfg, revision)
                if sqlite and (bad := conn.exec_driver_sql("PRAGMA foreign_key_check")
                               .fetchall()):
                    table, rowid, parent, _ = bad[0]
                    raise MigrationError(
                        f"migrating to {revision}: {len(bad)} row(s) would point at rows "
                        f"that are not there (first: {table} row {rowid} -> {parent}); "
                        "nothing was changed")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def current_revision(engine: Engine) -> str:
    """The migration the database is at ("" for none)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return ""
        return ", ".join(MigrationContext.configure(conn).get_current_heads())


def is_current(engine: Engine) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(str(engine.url)))
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        ctx = MigrationContext.configure(conn)
        return set(ctx.get_current_heads()) == set(script.get_heads())
