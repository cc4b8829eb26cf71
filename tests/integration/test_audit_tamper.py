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
from phalanx.services import audit, identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database

runner = CliRunner()


@pytest.fixture
def trail(db: Database, db_url: str, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A trail written as the server writes it: each write's entries copied outside the
    database, a checkpoint every 20 entries (setting)."""
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("PHALANX_AUDIT_CHECKPOINT_EVERY", "20")
    monkeypatch.setenv("PHALANX_AUDIT_COPY_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    settings = get_settings()
    db.before_commit = audit.tail_from(settings, audit.signing_key(settings.audit_key_file)).sealed
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    for i in range(8):
        identity.add_user(db, identity.NewUser(f"user{i}", "long-enough-pw", Role.AUDITOR),
                          actor=SYSTEM)
    yield db
    db.before_commit = None
    get_settings.cache_clear()


def verify(*args: str) -> tuple[int, dict[str, object]]:
    r = runner.invoke(app, ["audit", "verify", "--json", *args])
    return r.exit_code, json.loads(r.stdout)


def unguarded(db: Database, change: Callable[[sa.Connection], None]) -> None:
    """Do what the append-only triggers forbid, as a database owner could."""
    with db.engine.begin() as conn:
        for table in ("audit_log", "audit_checkpoint"):
            if db.engine.dialect.name == "sqlite":
                for verb in ("update", "delete"):
                    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
            else:
                conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        change(conn)


def test_an_untouched_trail_verifies(trail: Database) -> None:
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    code, out = verify()
    assert (code, out) == (0, {"ok": True, "entries": 10, "first_bad": None, "problem": None,
                               "reason": ""})


def test_verifying_tells_how_far_it_has_read(trail: Database,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A long trail is checked with a progress bar: the entries read, out of how many."""
    monkeypatch.setattr(audit, "PROGRESS_EVERY", 4)
    seen: list[tuple[int, int]] = []
    verdict = audit.verify_trail(trail, None, progress=lambda n, total: seen.append((n, total)))
    assert verdict.entries == 9
    assert seen == [(4, 9), (8, 9), (9, 9)]
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and "audit trail intact: 10 entries" in r.stdout


def test_the_trail_refuses_update_and_delete(trail: Database) -> None:
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
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


# --- the tail: what the database alone could not protect ------------------------------

def grow(db: Database, n: int) -> int:
    """n more writes of one entry each, as the server makes them; the last entry's id."""
    for i in range(n):
        with db.write(SYSTEM) as w:
            w.audit("test.note", "note", i, {"n": i})
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT max(id) FROM audit_log").scalar())


def rechain(c: sa.Connection, start: int, change: str | None = None) -> None:
    """Rewrite entry `start` (its change) and recompute every hash after it, as someone
    who knows the hashing would: the chain in the database is consistent again."""
    from phalanx.domain.audit import Entry

    rows = [dict(r._mapping) for r in c.execute(sa.text(
        "SELECT * FROM audit_log WHERE id >= :s ORDER BY id"), {"s": start})]
    prev = c.execute(sa.text("SELECT hash FROM audit_log WHERE id = :i"),
                     {"i": start - 1}).scalar() or "0" * 64
    for r in rows:
        if r["id"] == start and change is not None:
            r["change"] = change
        e = Entry(**{**r, "prev_hash": prev, "hash": ""}).sealed()
        c.execute(sa.text("UPDATE audit_log SET change = :c, prev_hash = :p, hash = :h "
                          "WHERE id = :i"), {"c": e.change, "p": e.prev_hash, "h": e.hash,
                                             "i": e.id})
        prev = e.hash


@pytest.mark.parametrize("cut", [1, 5, 43])
def test_a_cut_tail_is_caught_without_any_checkpoint_in_the_database(
        trail: Database, cut: int) -> None:
    last = grow(trail, 60)
    assert verify()[0] == 0

    def truncate(c: sa.Connection) -> None:
        c.exec_driver_sql(f"DELETE FROM audit_log WHERE id > {last - cut}")
        c.exec_driver_sql(f"DELETE FROM audit_checkpoint WHERE entry_id > {last - cut}")

    unguarded(trail, truncate)
    code, out = verify()
    assert code == 1
    assert (out["first_bad"], out["problem"]) == (last - cut + 1, "truncated")


@pytest.mark.parametrize("at", ["2026-12-01T00:00:00.000000+00:00",
                                "2099-12-31T00:00:00.000000+00:00", "2026-12-01T00:00:00",
                                "soon"])
def test_a_forged_append_with_a_correct_hash_is_caught(trail: Database, at: str) -> None:
    """A forged entry sealed with a correct hash is caught: an entry never copied out may
    wait for its copy only while it is fresh, so dating it in the future (or giving it no
    time at all) does not make it wait for ever, and verifying says so rather than failing
    otherwise."""
    from phalanx.domain.audit import Entry, canonical

    last = grow(trail, 3)

    def forge(c: sa.Connection) -> None:
        prev = c.exec_driver_sql(f"SELECT hash FROM audit_log WHERE id = {last}").scalar()
        e = Entry(last + 1, at, "mallory", "administrator", None, "user.add", "user", "99",
                  canonical({"username": "mallory"}), prev).sealed()
        c.execute(sa.insert(sa.table("audit_log", *[sa.column(k) for k in e.__dict__]))
                  .values(**e.__dict__))

    unguarded(trail, forge)
    code, out = verify()
    assert code == 1
    assert (out["first_bad"], out["problem"]) == (last + 1, "forged")


def test_a_rewrite_after_the_last_checkpoint_is_named(trail: Database) -> None:
    last = grow(trail, 25)  # 34 entries; the last checkpoint signed entry 20
    unguarded(trail, lambda c: rechain(c, last - 2, '{"username":"mallory"}'))
    code, out = verify()
    assert code == 1
    assert (out["first_bad"], out["problem"]) == (last - 2, "altered")


def test_an_early_rewrite_is_named_even_with_every_checkpoint_deleted(trail: Database) -> None:
    grow(trail, 100)

    def rewrite(c: sa.Connection) -> None:
        rechain(c, 42, '{"username":"mallory"}')
        c.exec_driver_sql("DELETE FROM audit_checkpoint")

    unguarded(trail, rewrite)
    code, out = verify()
    assert code == 1
    assert (out["first_bad"], out["problem"]) == (42, "altered")


def test_a_missing_key_fails_and_says_so_and_nothing_is_written(
        trail: Database, tmp_path: Path) -> None:
    grow(trail, 2)
    pem = runner.invoke(app, ["audit", "public-key"]).stdout
    (tmp_path / "public.pem").write_text(pem)
    (tmp_path / "audit.key").rename(tmp_path / "elsewhere.key")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, out = verify()
    assert (code, out["ok"], out["problem"]) == (1, False, "no-key")
    assert "key" in str(out["reason"])
    assert not (tmp_path / "audit.key").exists()  # verify made no key
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    assert verify("--key", str(tmp_path / "public.pem"))[0] == 0
    assert verify("--key", str(tmp_path / "elsewhere.key"))[0] == 0  # the private key too


def test_a_stale_checkpoint_or_a_missing_file_fails_and_says_which(
        trail: Database, tmp_path: Path) -> None:
    grow(trail, 1)
    code, out = verify("--max-age", "0")
    assert (code, out["problem"]) == (1, "stale")
    (tmp_path / "audit-checkpoints.jsonl").rename(tmp_path / "moved.jsonl")
    code, out = verify()
    assert (code, out["problem"]) == (1, "no-checkpoints")
    assert "audit-checkpoints.jsonl" in str(out["reason"])
    assert verify("--checkpoints", str(tmp_path / "moved.jsonl"))[0] == 0


def test_the_timer_signs_every_m_minutes_even_when_nothing_is_written(
        trail: Database, tmp_path: Path) -> None:
    from dataclasses import replace

    settings = get_settings()
    tail = audit.tail_from(settings, audit.signing_key(settings.audit_key_file))
    file = tmp_path / "audit-checkpoints.jsonl"
    before = file.read_text().count('"checkpoint"')
    assert replace(tail, minutes=60).checkpoint_now(trail.engine) is None  # one is fresh
    cp = replace(tail, minutes=0).checkpoint_now(trail.engine)
    assert cp is not None and file.read_text().count('"checkpoint"') == before + 1
    assert verify("--max-age", "0.5")[0] == 0


def test_a_witness_keeps_the_tail_when_the_local_file_is_cut(
        db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    (tmp_path / "witness").mkdir()  # another host's share, mounted
    monkeypatch.setenv("PHALANX_AUDIT_WITNESS_DIR", str(tmp_path / "witness"))
    monkeypatch.setenv("PHALANX_AUDIT_COPY_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    settings = get_settings()
    db.before_commit = audit.tail_from(settings, audit.signing_key(settings.audit_key_file)).sealed
    last = grow(db, 10)
    local = tmp_path / "audit-checkpoints.jsonl"
    local.write_text("".join(local.read_text().splitlines(keepends=True)[:5]))
    unguarded(db, lambda c: c.exec_driver_sql(f"DELETE FROM audit_log WHERE id > {last - 4}"))
    code, out = verify()
    assert (code, out["first_bad"], out["problem"]) == (1, last - 3, "truncated")
    get_settings.cache_clear()


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


def test_a_syslog_witness_receives_the_lines_and_its_log_verifies(
        db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    monkeypatch.setenv("PHALANX_AUDIT_WITNESS_SYSLOG", f"127.0.0.1:{sock.getsockname()[1]}")
    monkeypatch.setenv("PHALANX_AUDIT_COPY_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    settings = get_settings()
    tail = audit.tail_from(settings, audit.signing_key(settings.audit_key_file))
    db.before_commit = tail.sealed
    grow(db, 3)
    db.before_commit = None
    assert tail.syslog is not None
    tail.syslog.close()
    log = tmp_path / "witness-syslog.log"
    with log.open("w") as fh:
        fh.write("Dec  1 12:00:00 host sshd[1]: unrelated line\n")
        for _ in range(3):
            fh.write("Dec  1 12:00:00 host " + sock.recv(65536).decode().split(">", 1)[1]
                     + "\n")
    sock.close()
    (tmp_path / "audit-checkpoints.jsonl").unlink()
    code, out = verify("--checkpoints", str(log))
    assert (code, out["ok"]) == (0, True), out["reason"]
    get_settings.cache_clear()


# --- an export, verified without the database -------------------------------------------

def export_and_key(tmp_path: Path) -> tuple[Path, Path]:
    file, pem = tmp_path / "trail.jsonl", tmp_path / "public.pem"
    r = runner.invoke(app, ["audit", "export", str(file)])
    assert r.exit_code == 0, r.output
    pem.write_text(runner.invoke(app, ["audit", "public-key"]).stdout)
    return file, pem


def verify_export(file: Path, pem: Path, monkeypatch: pytest.MonkeyPatch,
                  *files: Path) -> tuple[int, dict[str, object]]:
    """`audit verify --export` where no database is: the export and the public key only
    (and the outside copies, when given)."""
    monkeypatch.setenv("PHALANX_DATABASE_URL", "sqlite:////nonexistent/phalanx.db")
    get_settings.cache_clear()
    args = ["--export", str(file), "--key", str(pem)]
    for f in files:
        args += ["--checkpoints", str(f)]
    return verify(*args)


def test_an_export_verifies_without_the_database_and_any_change_to_it_is_caught(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export is signed whole: edited (even with its hashes recomputed), cut at its end
    or with its signature left out, it fails, saying why."""
    from phalanx.domain.audit import Entry

    last = grow(trail, 30)
    file, pem = export_and_key(tmp_path)
    assert runner.invoke(app, ["audit", "export", str(file)]).exit_code == 2  # no overwrite
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert verify_export(file, pem, monkeypatch) == (0, {
        "ok": True, "entries": last, "first_bad": None, "problem": None, "reason": ""})

    def rewritten(n: int) -> list[str]:  # entry n changed, every hash after it recomputed
        out, prev = [], None
        for line in lines:
            item = json.loads(line)
            if "entry" in item:
                e = item["entry"]
                if e["id"] == n:
                    e["change"] = '{"username":"mallory"}'
                if e["id"] >= n:
                    e = {**e, "prev_hash": prev or e["prev_hash"], "hash": ""}
                    e = Entry(**e).sealed().__dict__
                prev = e["hash"]
                line = json.dumps({"entry": e}, sort_keys=True) + "\n"
            out.append(line)
        return out

    entries = [i for i, line in enumerate(lines) if '"entry"' in line]
    for changed in (rewritten(12), lines[:entries[-3]] + lines[entries[-1] + 1:],
                    lines[:-1], lines[:entries[-3]]):
        forged = tmp_path / "forged.jsonl"
        forged.write_text("".join(changed), encoding="utf-8")
        code, out = verify_export(forged, pem, monkeypatch)
        assert (code, out["ok"], out["problem"]) == (1, False, "signature"), out


def test_an_export_tells_how_far_it_has_come(trail: Database, tmp_path: Path) -> None:
    """A long trail's export says how far it is, by the thousand and at its end."""
    import io

    from phalanx.services import audit_export

    last = grow(trail, 5)
    told: list[tuple[int, int]] = []
    key = audit.signing_key(get_settings().audit_key_file, create=False)
    assert key is not None
    out = io.StringIO()
    assert audit_export.export(trail, out, key, progress=lambda n, total: told.append(
        (n, total))) == last
    assert told[-1] == (last, last)
    assert all(n % 1000 == 0 for n, _ in told[:-1])
    assert [n for n, _ in told] == sorted(n for n, _ in told)


def test_an_export_of_a_rewritten_trail_fails_against_the_outside_copies(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exported after an entry was rewritten in the database (the chain recomputed, every
    checkpoint in it deleted), the export is consistent and signed; the copies kept
    outside the database name the entry."""
    grow(trail, 40)

    def rewrite(c: sa.Connection) -> None:
        rechain(c, 17, '{"username":"mallory"}')
        c.exec_driver_sql("DELETE FROM audit_checkpoint")

    unguarded(trail, rewrite)
    file, pem = export_and_key(tmp_path)
    copies = tmp_path / "audit-checkpoints.jsonl"
    assert verify_export(file, pem, monkeypatch)[0] == 0  # alone, it cannot know
    code, out = verify_export(file, pem, monkeypatch, copies)
    assert (code, out["first_bad"], out["problem"]) == (1, 17, "altered")


def test_entries_written_after_an_export_are_no_fault_of_it(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grow(trail, 5)
    file, pem = export_and_key(tmp_path)
    grow(trail, 25)  # copied out, and signed at entry 20, after the export was made
    assert verify_export(file, pem, monkeypatch, tmp_path / "audit-checkpoints.jsonl") == (
        0, {"ok": True, "entries": 14, "first_bad": None, "problem": None, "reason": ""})


def test_an_export_of_a_cut_trail_fails_against_the_outside_copies(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exported after the trail's end was cut in the database (its checkpoints there too),
    the export is consistent and signed; a checkpoint kept outside, signed before the
    export, names an entry the export lacks."""
    last = grow(trail, 30)  # a checkpoint every 20 entries: one signed entry 20

    def cut(c: sa.Connection) -> None:
        c.exec_driver_sql("DELETE FROM audit_log WHERE id > 15")
        c.exec_driver_sql("DELETE FROM audit_checkpoint WHERE entry_id > 15")

    assert last > 20
    unguarded(trail, cut)
    file, pem = export_and_key(tmp_path)
    code, out = verify_export(file, pem, monkeypatch, tmp_path / "audit-checkpoints.jsonl")
    assert (code, out["first_bad"], out["problem"]) == (1, 16, "truncated")
