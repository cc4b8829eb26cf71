"""Test databases copied from templates built once per test session.

Building a database the slow way (the Alembic migrations, then the built-in dataset,
then the demo accounts with their argon2 hashes) takes seconds; copying one takes
milliseconds. `db_templates` (session) builds each kind of database once per backend,
on first use, and hands out copies: on SQLite a copy of the file, on PostgreSQL
`CREATE DATABASE ... TEMPLATE`. Each test still gets a database of its own.

Kinds ("recipes"), each the one before and one more step:
  "schema"    the migrated, empty schema
  "dataset"   and the built-in dataset loaded
  "accounts"  and the demo accounts
  "records"   and the demo records (a session with its drafts, documents)
  "forces"    "accounts" and the demo crisis with its decided deployment
              (`forcesdemo.run`, begun at `FORCES_START`), planned once a session
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from tests.support.postgres import admin_engine, fresh_database


def _load(db: Database) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)


def _accounts(db: Database) -> None:
    demo.ensure_demo_accounts(db, actor=SYSTEM)


def _records(db: Database) -> None:
    demo.ensure_demo_records(db, actor=SYSTEM)


FORCES_START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def _forces(db: Database) -> None:
    forcesdemo.run(db, start=FORCES_START, time_limit=2)


# each recipe: the recipe it starts from, and the step that follows
RECIPES: dict[str, tuple[str | None, Callable[[Database], None]]] = {
    "schema": (None, lambda db: upgrade(db.engine)),
    "dataset": ("schema", _load),
    "accounts": ("dataset", _accounts),
    "records": ("accounts", _records),
    "forces": ("accounts", _forces),
}


class Templates:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._admin_url: str | None = None  # the PostgreSQL server's, once one is used
        self._files: dict[str, Path] = {}
        self._databases: dict[str, str] = {}

    @staticmethod
    def _check(recipe: str) -> None:
        if recipe not in RECIPES:
            raise ValueError(f"no database recipe {recipe!r}; known: {sorted(RECIPES)}")

    def sqlite_file(self, recipe: str) -> Path:
        """The template file of `recipe`, built on first use."""
        self._check(recipe)
        if recipe not in self._files:
            base, step = RECIPES[recipe]
            path = self.folder / f"{recipe}.db"
            if base is not None:
                shutil.copyfile(self.sqlite_file(base), path)
            _build(f"sqlite:///{path}", step)
            # fold the write-ahead log into the file, so that a copy of the file is whole
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            self._files[recipe] = path
        return self._files[recipe]

    def sqlite_copy(self, recipe: str, dest: Path) -> str:
        """A copy of the template of `recipe` at `dest`; returns its URL."""
        shutil.copyfile(self.sqlite_file(recipe), dest)
        return f"sqlite:///{dest}"

    def postgres_template(self, recipe: str, admin_url: str) -> str:
        """The name of the template database of `recipe` on the server of `admin_url`,
        built on first use."""
        self._check(recipe)
        if self._admin_url not in (None, admin_url):
            raise ValueError("the templates are on another PostgreSQL server")
        self._admin_url = admin_url
        if recipe not in self._databases:
            base, step = RECIPES[recipe]
            name = f"phalanx_tmpl_{recipe}_{uuid.uuid4().hex[:8]}"
            source = f' TEMPLATE "{self.postgres_template(base, admin_url)}"' if base else ""
            admin = admin_engine(admin_url)
            try:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}"{source}')
            finally:
                admin.dispose()
            self._databases[recipe] = name
            url = sa.engine.make_url(admin_url).set(database=name)
            try:
                _build(url.render_as_string(hide_password=False), step)
            except BaseException:
                self._drop([self._databases.pop(recipe)])
                raise
        return self._databases[recipe]

    @contextmanager
    def postgres_copy(self, recipe: str, admin_url: str) -> Iterator[str]:
        """A new database copied from the template of `recipe`, dropped afterwards."""
        template = self.postgres_template(recipe, admin_url)
        with fresh_database(admin_url, template=template) as url:
            yield url

    def close(self) -> None:
        # the server may have gone already: a throwaway one stops at the session's end
        with suppress(sa.exc.OperationalError):
            self._drop(list(self._databases.values()))
        self._databases.clear()

    def _drop(self, names: list[str]) -> None:
        if not names or self._admin_url is None:
            return
        admin = admin_engine(self._admin_url)
        try:
            with admin.connect() as conn:
                for name in names:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            admin.dispose()


def _build(url: str, step: Callable[[Database], None]) -> None:
    # no pool: every connection is closed when the step ends, so nothing holds the
    # template open when it is copied
    db = Database(make_engine(url, poolclass=sa.pool.NullPool))
    try:
        step(db)
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    templates = Templates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()
