"""Shared fixtures. Storage tests take `db` and run once on SQLite and once on
PostgreSQL; the schema always comes from the Alembic migrations, run once per session
into a template that each test's database is copied from (tests/support/templates.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.services.db import Database
from tests.support import route_cache

if TYPE_CHECKING:  # imported as a plugin below, where pytest can rewrite its asserts
    from tests.support.templates import Templates

pytest_plugins = ["tests.support.passwords", "tests.support.postgres", "tests.support.templates",
                  "tests.support.browser", "tests.support.axe", "tests.support.nginx",
                  "tests.support.smtp"]

# In CI the property tests are reproducible: the same examples every run.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
# the servers the tests start do nothing by themselves on a timer (services/due.py): a
# test that wants it says so (tests/integration/test_due_work.py)
os.environ.setdefault("PHALANX_DUE_SECONDS", "0")
# what each route's endpoint alone decides is worked out once for the suite's many
# applications (tests/support/route_cache.py)
route_cache.install()

if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
# the shared fixtures (real CAP alerts and schemas) lie beside the project's clone
SHARED = Path(os.environ.get("PHALANX_SHARED", ROOT.parent / "shared"))
CAP_FIXTURES = SHARED / "fixtures" / "cap"


def _absent(folder: Path) -> str:
    return (f"the shared fixtures folder {folder} is absent (PHALANX_SHARED names another "
            "place; PHALANX_REQUIRE_ALL=1 turns this skip into a failure)")


def shared_file(*parts: str) -> Path:
    """A file of the shared fixtures read in place; the test skips, naming the folder,
    when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(_absent(path.parent))
    return path


def shared_params(folder: Path, keep: Callable[[Path], bool]) -> list[Any]:
    """Files of a shared fixtures folder as test parameters; one skipped parameter naming
    the folder when it is absent."""
    found = sorted(p for p in folder.rglob("*") if p.is_file() and keep(p)) \
        if folder.is_dir() else []
    if found:
        return found
    return [pytest.param(folder, marks=pytest.mark.skip(reason=_absent(folder)),
                         id="absent")]


@pytest.fixture
def db_recipe() -> str:
    """What the database of `db` and `db_url` holds when a test starts: "schema" (the
    migrated, empty schema). A module whose tests all start from the built-in dataset
    overrides this fixture with "dataset" (or "accounts": and the demo accounts); see
    tests/support/templates.py."""
    return "schema"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, db_templates: Templates,
           db_recipe: str) -> Iterator[str]:
    """A database of this test's own, copied from the template of `db_recipe`."""
    if request.param == "sqlite":
        yield db_templates.sqlite_copy(db_recipe, tmp_path / "phalanx.db")
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with db_templates.postgres_copy(db_recipe, admin_url) as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.dispose()


@pytest.fixture
def two(db_url: str) -> Iterator[tuple[Database, Database]]:
    """Two instances of the app on the test's database (`db_url`: both databases), an
    engine (a pool) each: the races of several instances."""
    a, b = Database(make_engine(db_url)), Database(make_engine(db_url))
    yield a, b
    a.dispose()
    b.dispose()


def _sqlite_db(templates: Templates, recipe: str, tmp_path: Path) -> Iterator[Database]:
    # at the path of `settings`' database_url
    database = Database(make_engine(templates.sqlite_copy(recipe, tmp_path / "phalanx.db")))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database (the one `settings` names)."""
    yield from _sqlite_db(db_templates, "schema", tmp_path)


@pytest.fixture
def loaded_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """A SQLite database (the one `settings` names) with the built-in dataset loaded;
    not to be taken together with `sqlite_db` or `accounts_db`."""
    yield from _sqlite_db(db_templates, "dataset", tmp_path)


@pytest.fixture
def accounts_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """`loaded_db` with the demo accounts too."""
    yield from _sqlite_db(db_templates, "accounts", tmp_path)


@pytest.fixture
def records_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    """`accounts_db` with the demo records too (`demo.ensure_demo_records`: a session with
    its drafts and decisions, documents, the Frontier exercise), copied from its template
    instead of made again by each test."""
    yield from _sqlite_db(db_templates, "records", tmp_path)


@pytest.fixture(scope="session")
def _suite_audit_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit") / "audit-signing.key"


@pytest.fixture(autouse=True)
def _audit_files_of_the_suite(_suite_audit_key: Path, monkeypatch: pytest.MonkeyPatch
                              ) -> None:
    """No test writes the audit trail's key and the copies of its entries where the
    working copy's own database (`make run`, in var/) keeps them: a test that names no
    file of its own uses the suite's, one key for the databases tests share (a test that
    sets it again overrides this)."""
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(_suite_audit_key))


@pytest.fixture
def api(db: Database, db_url: str, tmp_path: Path) -> Iterator[Any]:
    """The application over `db` (SQLite, then PostgreSQL), for API requests."""
    from fastapi.testclient import TestClient

    from phalanx.web.app import create_app

    settings = Settings(environment="test", database_url=db_url,
                        audit_key_file=tmp_path / "audit.key")
    with TestClient(create_app(settings, db)) as c:
        yield c


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(environment="test", database_url=f"sqlite:///{tmp_path / 'phalanx.db'}",
                    audit_key_file=tmp_path / "audit.key")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (PHALANX_REQUIRE_ALL=1) a skipped test fails the run: nothing may hide a
    missing server, browser or fixture."""
    if os.environ.get("PHALANX_REQUIRE_ALL") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter.write_line(f"PHALANX_REQUIRE_ALL=1: {len(skipped)} test(s) were skipped",
                            red=True)
