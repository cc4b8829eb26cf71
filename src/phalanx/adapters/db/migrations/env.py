"""Alembic environment: runs on the connection handed in by phalanx.adapters.db.migrate,
or on sqlalchemy.url when called from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from phalanx.adapters.db.tables import metadata

config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run()
