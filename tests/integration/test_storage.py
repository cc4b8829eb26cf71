"""The organization in storage, on SQLite and PostgreSQL: loads are transactions,
idempotent, audited, and what is stored reads back as what the file says; a changed file
reloads over the records that refer to its bodies, and one that drops such a body is
refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import audit_store, org_repository
from phalanx.adapters.db import tables as t
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.audit import verify
from phalanx.services import organization as orgs
from phalanx.services.db import Database, UnauditedWrite


def counts(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in t.metadata.tables.items()
        }


def test_a_loaded_dataset_reads_back_as_the_file_says(db: Database) -> None:
    expected, _ = loader.read(loader.builtin_path())
    result = orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    assert result.changed
    with db.read() as conn:
        stored = org_repository.load(conn)
    assert stored == expected


def test_loading_the_same_file_twice_changes_nothing(db: Database) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    before = counts(db)
    again = orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    after = counts(db)
    assert not again.changed
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"}


def test_a_broken_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    before = counts(db)
    text = loader.builtin_path().read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("{state: TJK, event: sign", "{state: TJX, event: sign"),
                      encoding="utf-8")
    with pytest.raises(loader.DatasetError) as info:
        orgs.load_dataset(db, broken, actor=SYSTEM)
    assert any("unknown state code 'TJX'" in p.message for p in info.value.problems)
    assert counts(db) == before


def test_a_failure_inside_the_transaction_rolls_everything_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write(SYSTEM) as w:
        org, sha = loader.read(loader.builtin_path())
        org_repository.save(w.conn, org, sha)
        w.audit("dataset.load", "organization", org.key)
        raise RuntimeError("power cut")
    assert all(v == 0 for k, v in counts(db).items() if k != "alembic_version")


def test_every_load_is_in_the_audit_trail_and_the_chain_verifies(db: Database) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with db.read() as conn:
        entries = list(audit_store.entries(conn))
    assert [e.action for e in entries] == ["dataset.load", "dataset.load"]
    assert entries[0].actor == "system"
    assert verify(entries).ok


def test_a_write_without_an_audit_entry_is_refused(db: Database) -> None:
    with pytest.raises(UnauditedWrite), db.write(SYSTEM) as w:
        w.conn.execute(t.state.insert().values(code="ARM", name_en="Armenia", name_ru=""))
    assert counts(db)["state"] == 0


def test_a_second_organization_is_another_file(db: Database) -> None:
    example = loader.builtin_path("example-alliance")
    if not example.exists():
        pytest.fail("the example organization file is missing")
    result = orgs.load_dataset(db, example, actor=SYSTEM)
    with db.read() as conn:
        org = orgs.organization(conn)
    assert org.key == result.key != "csto"


@pytest.mark.parametrize("db_recipe", ["records"])  # a session, its drafts, decisions
def test_a_changed_file_reloads_over_the_records_that_refer_to_its_bodies(
        db: Database, tmp_path: Path, db_recipe: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    with db.read() as conn:
        used = sorted({k for (k,) in conn.execute(select(t.meeting.c.body_key))})
    assert used
    before = counts(db)
    text = loader.builtin_path().read_text(encoding="utf-8")
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("aggression against one member is aggression against all",
                                    "aggression against one member is against all"),
                       encoding="utf-8")
    assert orgs.load_dataset(db, changed, actor=SYSTEM).changed
    expected, _ = loader.read(changed)
    with db.read() as conn:
        assert org_repository.load(conn) == expected
    after = counts(db)
    for table in ("meeting", "draft", "decision", "body"):  # the records are kept
        assert after[table] == before[table], table

    # a file that drops a body those records refer to is refused, and changes nothing
    gone = used[0]
    smaller = replace(expected, bodies={k: b for k, b in expected.bodies.items() if k != gone},
                      posts={k: p for k, p in expected.posts.items() if p.body != gone})
    monkeypatch.setattr(loader, "read", lambda path: (smaller, "0" * 64))
    with pytest.raises(ValueError, match="leaves out a body or a state that records"):
        orgs.load_dataset(db, changed, actor=SYSTEM)
    assert {k: v for k, v in counts(db).items() if k != "audit_log"} == {
        k: v for k, v in after.items() if k != "audit_log"}


def test_a_moment_given_with_an_offset_is_stored_as_that_moment(db: Database) -> None:
    """A service given a moment on another clock (the appeal of 5 January 2022 at 23:30 in
    Almaty) stores that moment, not its figures as UTC: on SQLite, which keeps no offset,
    it would have read back six hours late."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises

    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    almaty = datetime(2022, 1, 5, 23, 30, tzinfo=ZoneInfo("Asia/Almaty"))
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Mass unrest in Almaty", category="armed_attack", affected=["KAZ"],
        severity="severe", place="Almaty", lat=43.24, lon=76.89),
        actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"), at=almaty)
    with db.read() as conn:
        stored = conn.execute(select(t.crisis.c.reported_at).where(
            t.crisis.c.id == c.id)).scalar_one()
    stored = stored if stored.tzinfo else stored.replace(tzinfo=UTC)
    assert stored == almaty
    assert stored.astimezone(UTC) == datetime(2022, 1, 5, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize("db_recipe", ["records"])  # crises, and the Channel's reports
def test_a_file_that_drops_a_crisis_category_or_an_operation_in_use_is_refused(
        db: Database, tmp_path: Path, db_recipe: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A crisis category or a joint operation is tied to the records by its key alone: a
    file renaming it would leave every list of crises refused, so it changes nothing."""
    with db.read() as conn:
        category = conn.execute(select(t.crisis.c.category)).scalars().first()
        operation = conn.execute(select(t.op_batch.c.operation)).scalars().first()
        crises = conn.execute(select(func.count()).select_from(t.crisis).where(
            t.crisis.c.category == category)).scalar_one()
    assert category and operation
    before = counts(db)
    org, _ = loader.read(loader.builtin_path())
    smaller = replace(org, crisis_categories={k: c for k, c in org.crisis_categories.items()
                                              if k != category},
                      operations={k: o for k, o in org.operations.items() if k != operation})
    monkeypatch.setattr(loader, "read", lambda path: (smaller, "1" * 64))
    with pytest.raises(ValueError, match="leaves out what records") as info:
        orgs.load_dataset(db, tmp_path / "renamed.yaml", actor=SYSTEM)
    said = str(info.value)
    assert f"crisis category {category!r} ({crises} crises)" in said
    assert f"operation {operation!r}" in said and "Nothing was loaded" in said
    assert {k: v for k, v in counts(db).items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"}
    with db.read() as conn:  # the stored organization is still the one the crises name
        assert category in orgs.organization(conn).crisis_categories
