"""Tampering with the audit trail, on SQLite and PostgreSQL, as someone with full
database rights would: `phalanx audit verify` catches each change and names it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Role
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database

runner = CliRunner()


@pytest.fixture
def trail(db: Database, db_url: str, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    for i in range(8):
        identity.add_user(db, identity.NewUser(f"user{i}", "long-enough-pw", Role.AUDITOR),
                          actor=SYSTEM)
    yield db
    get_settings.cache_clear()


def verify() -> tuple[int, dict[str, object]]:
    r = runner.invoke(app, ["audit", "verify", "--json"])
    return r.exit_code, json.loads(r.stdout)


def unguarded(db: Database, change: Callable[[sa.Connection], None]) -> None:
    """Do what the append-only triggers forbid, as a database owner could."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            for trig in ("audit_log_no_update", "audit_log_no_delete"):
                conn.exec_driver_sql(f"DROP TRIGGER {trig}")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        change(conn)


def test_an_untouched_trail_verifies(trail: Database) -> None:
    code, out = verify()
    assert (code, out) == (0, {"ok": True, "entries": 9, "first_bad": None})


def test_the_trail_refuses_update_and_delete(trail: Database) -> None:
    for stmt in ("UPDATE audit_log SET actor = 'mallory' WHERE id = 3",
                 "DELETE FROM audit_log WHERE id = 3"):
        with pytest.raises(DBAPIError), trail.engine.begin() as conn:
            conn.exec_driver_sql(stmt)
    assert verify()[0] == 0


def test_a_changed_field_is_named(trail: Database) -> None:
    unguarded(trail, lambda c: c.exec_driver_sql(
        "UPDATE audit_log SET change = '{\"username\":\"mallory\"}' WHERE id = 5"))
    code, out = verify()
    assert code == 1
    assert out["first_bad"] == 5


def test_a_deleted_entry_is_named(trail: Database) -> None:
    unguarded(trail, lambda c: c.exec_driver_sql("DELETE FROM audit_log WHERE id = 5"))
    code, out = verify()
    assert code == 1
    assert out["first_bad"] == 5


def test_two_swapped_entries_are_named(trail: Database) -> None:
    def swap(c: sa.Connection) -> None:
        rows = {r.id: dict(r._mapping)
                for r in c.execute(sa.text("SELECT * FROM audit_log WHERE id IN (4, 5)"))}
        c.exec_driver_sql("DELETE FROM audit_log WHERE id IN (4, 5)")
        for target, source in ((4, rows[5]), (5, rows[4])):
            c.execute(sa.text(
                "INSERT INTO audit_log (id, at, actor, role, acting_for, action, target_kind, "
                "target_id, change, prev_hash, hash) VALUES (:id, :at, :actor, :role, "
                ":acting_for, :action, :target_kind, :target_id, :change, :prev_hash, :hash)"),
                {**source, "id": target})

    unguarded(trail, swap)
    code, out = verify()
    assert code == 1
    assert out["first_bad"] == 4


def test_an_inserted_entry_breaks_the_chain_where_it_was_put(trail: Database) -> None:
    def insert(c: sa.Connection) -> None:
        last = c.exec_driver_sql("SELECT max(id) FROM audit_log").scalar()
        c.exec_driver_sql(
            "INSERT INTO audit_log (id, at, actor, role, acting_for, action, target_kind, "
            "target_id, change, prev_hash, hash) VALUES "
            f"({last + 1}, '2026-01-01T00:00:00+00:00', 'mallory', 'administrator', NULL, "
            "'user.add', 'user', '99', '{}', 'x', 'y')")

    unguarded(trail, insert)
    code, out = verify()
    assert code == 1
    assert out["first_bad"] == 10


def test_a_truncated_tail_is_caught_by_the_signed_checkpoint(trail: Database) -> None:
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    unguarded(trail, lambda c: c.exec_driver_sql("DELETE FROM audit_log WHERE id >= 9"))
    code, out = verify()
    assert code == 1
    assert out["first_bad"] == 9


def test_app_processes_starting_together_share_one_signing_key(tmp_path: Path) -> None:
    """Several processes creating the key file at once all end up with the same key (the
    first to link its key into place wins), never with an error."""
    import threading

    from phalanx.services.audit import signing_key

    path = tmp_path / "keys" / "audit.key"
    start = threading.Barrier(8)
    ids: list[str] = []
    errors: list[BaseException] = []

    def make() -> None:
        start.wait()
        try:
            key = signing_key(path)
            assert key is not None
            ids.append(key.key_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(ids) == 8 and len(set(ids)) == 1
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]  # nothing left aside
