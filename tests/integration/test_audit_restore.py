"""The trail across a restore and an export taken while the server writes, on SQLite and
PostgreSQL: a backup restored is checked against the copies kept outside the database (a
backup lacking the trail's end is not called intact), and an export is one moment of the
trail (a checkpoint signed while it is read names no entry it lacks)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from phalanx.adapters.db import audit_store
from phalanx.adapters.db.engine import make_engine
from phalanx.cli.main import app
from phalanx.config import get_settings
from phalanx.domain.audit import Entry
from phalanx.services.db import Database
from tests.integration import test_audit_tamper as tamper
from tests.integration.test_audit_tamper import (
    export_and_key,
    grow,
    unguarded,
    verify,
    verify_export,
)

runner = CliRunner()
trail = tamper.trail  # the trail as the server writes it, its entries copied outside




def restore_into(target_url: str, backup: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PHALANX_DATABASE_URL", target_url)
    get_settings.cache_clear()
    r = runner.invoke(app, ["restore", str(backup)])
    get_settings.cache_clear()
    return f"{r.exit_code}: " + " ".join(r.output.split())


def test_a_backup_lacking_the_trail_s_end_is_not_restored_as_intact(
        trail: Database, target_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries written after the backup was made (or cut from it) were copied outside
    the database: the restore names them as gone and fails, as `audit verify` would."""
    taken = grow(trail, 3)
    backup = tmp_path / "phalanx.backup"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    last = grow(trail, 4)
    said = restore_into(target_url, backup, monkeypatch)
    assert said.startswith("1: "), said
    assert "truncated" in said and f"entries from {taken + 1} to {last}" in said, said


def test_a_whole_backup_restores_as_intact_against_the_outside_copies(
        trail: Database, target_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An old checkpoint (the installation was down, as it is before a restore) is no
    fault of the backup."""
    last = grow(trail, 3)
    backup = tmp_path / "phalanx.backup"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    monkeypatch.setenv("PHALANX_AUDIT_CHECKPOINT_MAX_AGE_MINUTES", "0.0001")
    said = restore_into(target_url, backup, monkeypatch)
    assert said.startswith("0: "), said
    assert f"audit trail intact ({last} entries" in said
    assert "the copies kept outside the database" in said


def test_a_restore_on_a_host_without_the_key_makes_no_key_of_its_own(
        trail: Database, target_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The key is kept apart from the backups: restored where its file is not (yet), the
    trail is checked without it and said so, and no new key takes its place, which would
    call every checkpoint a bad signature and sign the next ones with a key nobody
    verifies; the server and the commands that write then refuse until the key is there."""
    grow(trail, 3)
    backup = tmp_path / "phalanx.backup"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    copies = get_settings().checkpoint_file
    elsewhere = tmp_path / "new-host" / "audit-signing.key"
    elsewhere.parent.mkdir()
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(elsewhere))
    monkeypatch.setenv("PHALANX_AUDIT_CHECKPOINT_FILE", str(copies))
    said = restore_into(target_url, backup, monkeypatch)
    assert said.startswith("0: "), said
    assert "no signing key here" in said, said
    assert not elsewhere.exists()
    monkeypatch.setenv("PHALANX_DATABASE_URL", target_url)
    get_settings.cache_clear()
    r = runner.invoke(app, ["audit", "checkpoint"])
    get_settings.cache_clear()
    from phalanx.services.audit import KeyMissing

    assert isinstance(r.exception, KeyMissing), r.output  # `phalanx`: the message, exit 2
    assert "PHALANX_AUDIT_KEY_FILE" in str(r.exception) and not elsewhere.exists()


def test_an_export_is_one_moment_of_the_trail_while_the_server_writes(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries and a checkpoint committed while the export reads the entries are all in
    it or all left out: the export verifies."""
    grow(trail, 5)
    read = audit_store.entries

    def entries_then_a_write(conn: object, batch: int = 5000) -> Iterator[Entry]:
        yield from read(conn, batch)  # type: ignore[arg-type]
        grow(trail, 25)  # another instance writes meanwhile: a checkpoint at entry 20
        assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0

    monkeypatch.setattr(audit_store, "entries", entries_then_a_write)
    file, pem = export_and_key(tmp_path)
    monkeypatch.setattr(audit_store, "entries", read)
    exported = [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines()]
    last = max(item["entry"]["id"] for item in exported if "entry" in item)
    assert all(item["checkpoint"]["entry_id"] <= last for item in exported
               if "checkpoint" in item)
    code, out = verify_export(file, pem, monkeypatch, tmp_path / "audit-checkpoints.jsonl")
    assert (code, out["ok"]) == (0, True), out


def test_an_edited_export_says_where_it_stops_fitting(
        trail: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its signature fails, and the entry edited is named: by its own hash, or, with its
    hashes recomputed, by the copies kept outside the database."""
    grow(trail, 30)
    file, pem = export_and_key(tmp_path)
    copies = tmp_path / "audit-checkpoints.jsonl"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)

    def edited(n: int, rechain: bool) -> Path:
        out, prev = [], ""
        for line in lines:
            item = json.loads(line)
            if "entry" in item:
                e = item["entry"]
                if e["id"] == n:
                    e["change"] = '{"username":"mallory"}'
                if rechain and e["id"] >= n:
                    e = Entry(**{**e, "prev_hash": prev, "hash": ""}).sealed().__dict__
                prev = e["hash"]
                line = json.dumps({"entry": e}, sort_keys=True) + "\n"
            out.append(line)
        forged = tmp_path / f"edited-{n}-{rechain}.jsonl"
        forged.write_text("".join(out), encoding="utf-8")
        return forged

    copied_out: tuple[tuple[bool, tuple[Path, ...]], ...] = ((False, ()), (True, (copies,)))
    for rechain, copied in copied_out:
        code, out = verify_export(edited(17, rechain), pem, monkeypatch, *copied)
        assert (code, out["problem"], out["first_bad"]) == (1, "signature", 17), out
        assert "entry 17 is where it stops fitting" in str(out["reason"])
    # without the copies, the first entry after it that a checkpoint of the export signed
    signed = min(json.loads(line)["checkpoint"]["entry_id"] for line in lines
                 if '"checkpoint"' in line and json.loads(line)["checkpoint"]["entry_id"] >= 17)
    code, out = verify_export(edited(17, True), pem, monkeypatch)
    assert (code, out["problem"], out["first_bad"]) == (1, "signature", signed), out
    assert "rewritten since it was signed" in str(out["reason"])


def test_a_cut_tail_written_on_is_named_where_it_was_cut(trail: Database) -> None:
    """Once the application writes on after the trail's end was cut (in the database, or
    by restoring an older backup), new entries take the lost entries' numbers: their
    copies differ from the first ones, and `verify` names the first such number as where
    the trail was cut, not the file of copies as unreadable."""
    last = grow(trail, 10)
    unguarded(trail, lambda c: c.exec_driver_sql(f"DELETE FROM audit_log WHERE id > {last - 4}"))
    grow(trail, 2)
    code, out = verify()
    assert (code, out["problem"], out["first_bad"]) == (1, "truncated", last - 3), out
    assert "copied outside the database twice" in str(out["reason"])


def test_two_application_hosts_keep_one_verifiable_trail_through_the_witness(
        db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two hosts share the database, the key and the witness's directory (another host's
    share, where appends of two hosts to one file may overwrite each other): each copies
    its entries to a file of its own there, and `verify` on either host reads them all.
    Without the witness, one host's file alone holds no copy of the other's entries."""
    from phalanx.services import audit
    from phalanx.services.audit_tail import Tail

    monkeypatch.setenv("PHALANX_DATABASE_URL", db_url)
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "a" / "audit.key"))
    (tmp_path / "witness").mkdir()  # another host's share, mounted
    monkeypatch.setenv("PHALANX_AUDIT_WITNESS_DIR", str(tmp_path / "witness"))
    monkeypatch.setenv("PHALANX_AUDIT_COPY_GRACE_SECONDS", "0")
    get_settings.cache_clear()
    settings = get_settings()
    key = audit.signing_key(settings.audit_key_file)
    other = Database(make_engine(db_url))
    try:
        db.before_commit = Tail(key, settings.checkpoint_file, settings.audit_witness_dir,
                                host="a").sealed
        other.before_commit = Tail(key, tmp_path / "b" / "audit-checkpoints.jsonl",
                                   settings.audit_witness_dir, host="b").sealed
        for _ in range(3):  # host b writes last
            grow(db, 2)
            grow(other, 2)
        files = sorted(p.name for p in (tmp_path / "witness").iterdir())
        assert len(files) == 2 and all(key.key_id in name for name in files), files
        assert verify()[0] == 0  # on host a: its file and the witness's
        code, out = verify("--checkpoints", str(settings.checkpoint_file))
        assert (code, out["problem"]) == (1, "forged"), out  # host a's file alone
    finally:
        db.before_commit = other.before_commit = None
        other.dispose()
        get_settings.cache_clear()


def test_a_forged_entry_the_application_wrote_on_is_still_caught(trail: Database) -> None:
    """A forged entry appended with a correct hash is not laundered by the entries the
    application chains onto it afterwards (their copies outside the database follow it):
    an entry never copied out while later ones were is named as forged."""
    import sqlalchemy as sa

    from phalanx.domain.audit import canonical

    last = grow(trail, 3)

    def forge(c: sa.Connection) -> None:
        prev = c.exec_driver_sql(f"SELECT hash FROM audit_log WHERE id = {last}").scalar()
        e = Entry(last + 1, "2026-12-01T00:00:00.000000+00:00", "mallory", "administrator",
                  None, "user.add", "user", "99", canonical({"username": "mallory"}),
                  prev).sealed()
        c.execute(sa.insert(sa.table("audit_log", *[sa.column(k) for k in e.__dict__]))
                  .values(**e.__dict__))

    unguarded(trail, forge)
    assert verify()[1]["problem"] == "forged"
    grow(trail, 2)  # the application writes on, chaining onto the forged entry
    code, out = verify()
    assert (code, out["first_bad"], out["problem"]) == (1, last + 1, "forged"), out


@pytest.mark.parametrize("speed", [0.0, 1e9])
def test_an_exercise_run_copies_every_entry_it_writes_outside_the_database(
        trail: Database, speed: float) -> None:
    """A run in one transaction (or played live) writes many entries at once: each is
    copied out, so the trail verifies after it, and after what follows it."""
    from phalanx.services import exercise

    scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
    exercise.run(trail, scenario, speed=speed)
    grow(trail, 1)
    code, out = verify()
    assert (code, out["ok"]) == (0, True), out


def test_a_restore_with_a_key_file_holding_no_key_restores_nothing(
        trail: Database, target_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A key file that holds no key (a truncated copy, the public half) is named, in a
    line, before anything is restored: the empty database stays empty for the restore
    run again with the right file."""
    import sqlalchemy as sa

    from phalanx.services.audit import KeyUnusable

    grow(trail, 3)
    backup = tmp_path / "phalanx.backup"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    broken = tmp_path / "copied.key"
    broken.write_text("-----BEGIN PRIVATE KEY-----\ncut short\n", encoding="utf-8")
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(broken))
    monkeypatch.setenv("PHALANX_DATABASE_URL", target_url)
    get_settings.cache_clear()
    r = runner.invoke(app, ["restore", str(backup)])
    get_settings.cache_clear()
    assert isinstance(r.exception, KeyUnusable), r.output  # `phalanx`: the message, exit 2
    assert f"PHALANX_AUDIT_KEY_FILE: {broken}" in str(r.exception)
    engine = make_engine(target_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
