"""The keys of the registers' records (exercises, model laws, supplies, programmes) are
unique over all records, those a user may not read included. Creating a record must
never answer differently according to whether a record the creator may not read exists:
otherwise "409: exists" tells a member state that another state's supply, or a record
only another state reads, exists (reading it answers 404). So each creator chooses keys
in a namespace of its own, where every record is one it reads: a state's representative
keys beginning with its code ("kaz-…"), the organization's staff keys beginning with no
state's code; a key left out is assigned in the creator's namespace. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, insert, select
from typer.testing import CliRunner

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.cli.main import app as cli
from phalanx.config import Settings, get_settings
from phalanx.domain.access.policy import Classification, Marking, OwnerKind, can_read, key_state
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.registers import keys
from phalanx.web.app import create_app

SEC = Principal("sec", Role.SECRETARIAT)
KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def api(db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict]]]:
    headers = {}
    for p in (SEC, KAZ):
        identity.add_user(db, identity.NewUser(p.username, "long-password-1", p.role, p.state),
                          actor=SYSTEM)
        token = api_tokens.issue_token(db, p.username, actor=SYSTEM).token
        headers[p.username] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, db)) as c:
        yield c, headers


# each register: the table, where it is created, and a valid new record (without a key)
REGISTERS: dict[str, tuple[Table, str, dict[str, Any]]] = {
    "exercise": (t.joint_exercise, "/api/v1/joint-exercises", {
        "name": "Steppe-2027", "series": "steppe", "start": "2027-09-10",
        "end": "2027-09-20", "host": "KGZ"}),
    "model law": (t.model_law, "/api/v1/parliament/model-laws", {
        "title": "On border security", "commission": "pa-defence", "drafted": "2026-01-10"}),
    "supply": (t.supply_agreement, "/api/v1/mtc/supplies", {
        "supplier": "KAZ", "recipient": "RUS", "category": "small_arms", "item": "rifles",
        "quantity": 10, "value": 1.0, "agreed": "2026-10-01"}),
    "programme": (t.mtc_programme, "/api/v1/mtc/programmes", {
        "title": "Joint repair", "kind": "joint_venture", "states": ["RUS", "KAZ"],
        "start": "2026-01-01"}),
}


def national_copy(db: Database, table: Table, key: str, state: str,
                  marked: Classification | None = None) -> None:
    """A record of `table` under `key` that only `state` reads: a copy of one of the
    dataset's, kept NATIONAL by `state` (no register holds one today; one that kept
    such records would), or marked as `marked` says; its entry names it by its key."""
    with db.write(SYSTEM) as w:
        row = dict(w.conn.execute(access.select_visible(table, SYSTEM).limit(1)).one()._mapping)
        row.pop("id")
        row.update(key=key, **access.classification_values(
            marked or Classification(OwnerKind.STATE, state, Marking.NATIONAL)))
        w.conn.execute(insert(table).values(**row))
        w.audit("test.national", table.name, key)


def answer(r: Any, key: str) -> tuple[int, Any]:
    """What an answer tells, the key it was asked about taken out: the status, and the
    problem's detail and fields when it is one."""
    if r.status_code < 400:
        return r.status_code, None
    body = r.json()
    return r.status_code, (body["detail"].replace(key, "KEY"),
                           [e.get("where") for e in body.get("errors", [])])


@pytest.mark.parametrize("register", REGISTERS)
def test_creating_a_record_never_tells_whether_one_the_creator_may_not_read_exists(
        api: tuple[TestClient, dict], db: Database, register: str) -> None:
    """Kyrgyzstan keeps a record NATIONAL under "kgz-steppe-2026": the Secretariat and
    Kazakhstan's representative read 404 there. Creating a record under that key answers
    exactly as under "kgz-steppe-2027", which names nothing (before: 409 "exists" for the
    one, 201 for the other)."""
    c, h = api
    table, path, body = REGISTERS[register]
    national_copy(db, table, "kgz-steppe-2026", "KGZ")
    for who in ("sec", "rep-kaz"):
        assert c.get(f"{path}/kgz-steppe-2026", headers=h[who]).status_code in (404, 405)
        hidden = c.post(path, headers=h[who], json={**body, "key": "kgz-steppe-2026"})
        absent = c.post(path, headers=h[who], json={**body, "key": "kgz-steppe-2027"})
        assert answer(hidden, "kgz-steppe-2026") == answer(absent, "kgz-steppe-2027"), \
            (who, hidden.text, absent.text)
        assert hidden.status_code != 500


def test_a_representative_learns_nothing_of_a_supply_between_two_other_states(
        api: tuple[TestClient, dict]) -> None:
    """Russia's supply to Kyrgyzstan is read by its two parties and the staff only:
    Kazakhstan's representative, registering a supply of its own under that supply's
    key, is answered as under a key that names nothing (before: 409 "supply
    'sup-rus-kgz-2023-1' exists")."""
    c, h = api
    _, path, body = REGISTERS["supply"]
    assert c.get(f"{path}/sup-rus-kgz-2023-1", headers=h["rep-kaz"]).status_code == 404
    hidden = c.post(path, headers=h["rep-kaz"], json={**body, "key": "sup-rus-kgz-2023-1"})
    absent = c.post(path, headers=h["rep-kaz"], json={**body, "key": "sup-rus-kgz-2023-9"})
    assert answer(hidden, "sup-rus-kgz-2023-1") == answer(absent, "sup-rus-kgz-2023-9"), \
        (hidden.text, absent.text)


def test_a_key_left_out_is_assigned_in_the_creators_namespace(
        api: tuple[TestClient, dict]) -> None:
    """Kazakhstan's representative's supply gets a key of Kazakhstan's ("kaz-sup-…"), the
    Secretariat's records keys of the organization's, by register ("sup-…", "ex-…"): random,
    never a number in a sequence, which would count the records of the register, those
    the reader may not read included."""
    c, h = api
    expected = {"exercise": "ex", "model law": "law", "supply": "sup", "programme": "prg"}
    for register, (_, path, body) in REGISTERS.items():
        r = c.post(path, headers=h["sec"], json=body)
        assert r.status_code == 201, r.text
        assert re.fullmatch(rf"{expected[register]}-[0-9a-f]{{8}}", r.json()["key"])
    _, path, body = REGISTERS["supply"]
    first, second = (c.post(path, headers=h["rep-kaz"], json=body) for _ in range(2))
    assert re.fullmatch(r"kaz-sup-[0-9a-f]{8}", first.json()["key"]), first.text
    assert first.json()["key"] != second.json()["key"]
    assert c.get(f"{path}/{first.json()['key']}", headers=h["rep-kaz"]).status_code == 200


def test_a_key_outside_the_creators_namespace_is_refused_naming_the_field(
        api: tuple[TestClient, dict]) -> None:
    c, h = api
    _, path, body = REGISTERS["supply"]
    for key in ("rus-kaz-2026-1", "sup-kaz-2026-1", "kazakh-supply"):
        r = c.post(path, headers=h["rep-kaz"], json={**body, "key": key})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"] == [{"where": "key", "message": (
            "the key of a record created for KAZ begins with 'kaz-' (or leave the key out: "
            "one is assigned)")}]
    r = c.post(path, headers=h["rep-kaz"], json={**body, "key": "kaz-2026-rifles"})
    assert r.status_code == 201 and r.json()["key"] == "kaz-2026-rifles"
    # the key is taken by a record Kazakhstan reads: "exists" tells it nothing new
    r = c.post(path, headers=h["rep-kaz"], json={**body, "key": "kaz-2026-rifles"})
    assert r.status_code == 409 and r.json()["detail"] == "supply 'kaz-2026-rifles' exists"
    assert c.get(f"{path}/kaz-2026-rifles", headers=h["rep-kaz"]).status_code == 200
    # the staff choose in the organization's namespace: no state's code first
    r = c.post(path, headers=h["sec"], json={**body, "key": "kaz-2026-rifles-2"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "key"
    assert r.json()["errors"][0]["message"].startswith(
        "'kaz-2026-rifles-2' begins with KAZ's code: the keys the organization's staff")
    _, path, body = REGISTERS["programme"]
    r = c.post(path, headers=h["sec"], json={**body, "key": "prg-joint-repair"})
    assert r.status_code == 201 and r.json()["key"] == "prg-joint-repair"
    r = c.post(path, headers=h["sec"], json={**body, "key": "prg-repair-jv"})  # the dataset's
    assert r.status_code == 409 and r.json()["detail"] == "programme 'prg-repair-jv' exists"


def test_the_refusals_of_a_key_read_in_russian(api: tuple[TestClient, dict]) -> None:
    c, h = api
    _, path, body = REGISTERS["supply"]
    ru = {"Accept-Language": "ru"}
    r = c.post(path, headers=h["rep-kaz"] | ru, json={**body, "key": "rus-kaz-1"})
    assert r.json()["errors"][0]["message"] == (
        "ключ записи, создаваемой от имени KAZ, начинается с 'kaz-' (или не указывайте "
        "ключ: он будет присвоен)")
    r = c.post(path, headers=h["sec"] | ru, json={**body, "key": "kaz-1"})
    assert r.json()["errors"][0]["message"].startswith("'kaz-1' начинается с кода KAZ: ключи")
    r = c.post(path, headers=h["sec"] | ru, json={**body, "key": "sup-rus-kgz-2023-1"})
    assert r.status_code == 409
    assert r.json()["detail"] == "поставка 'sup-rus-kgz-2023-1' уже существует"


def test_every_key_names_a_record_its_namespace_reads(
        api: tuple[TestClient, dict], db: Database) -> None:
    """What makes "exists" harmless: after the dataset and records created by the staff
    and by several states, every record whose key lies in a state's namespace is read by
    that state's representative, and every other by the staff."""
    c, h = api
    for state in ("RUS", "BLR"):
        p = Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)
        identity.add_user(db, identity.NewUser(p.username, "long-password-1", p.role, state),
                          actor=SYSTEM)
        h[p.username] = {"Authorization": "Bearer " + api_tokens.issue_token(
            db, p.username, actor=SYSTEM).token}
    _, path, body = REGISTERS["supply"]
    for who, supplier, recipient, key in (
            ("rep-kaz", "KAZ", "RUS", None), ("rep-rus", "RUS", "BLR", "rus-2026-1"),
            ("rep-blr", "KAZ", "BLR", None), ("sec", "RUS", "KGZ", "sup-rus-kgz-2026-1"),
            ("rep-rus", "RUS", "BLR", "blr-2026-1"), ("sec", "BLR", "KAZ", "rus-2026-2")):
        c.post(path, headers=h[who], json={**body, "supplier": supplier,
                                           "recipient": recipient, "key": key})
    with db.read() as conn:
        states = set(orgs.organization(conn).states)
        for table, _, _ in REGISTERS.values():
            for row in conn.execute(access.select_visible(table, SYSTEM)):
                owner = key_state(row.key, states)
                reader = (Principal("rep", Role.REPRESENTATIVE, state=owner) if owner
                          else SEC)
                assert can_read(reader, access.classification_of(row)), row.key
        supplies = {r.key for r in conn.execute(access.select_visible(t.supply_agreement,
                                                                      SYSTEM))}
    assert "rus-2026-1" in supplies and not {"blr-2026-1", "rus-2026-2"} & supplies
    assert sum(k.startswith("kaz-sup-") for k in supplies) == 1


# the registers by the names `phalanx registers` gives them
CLI_NAMES = {"exercise": "exercise", "model law": "model-law", "supply": "supply",
             "programme": "programme"}


@pytest.mark.parametrize("register", REGISTERS)
def test_a_key_chosen_before_the_namespaces_is_found_and_moved(
        api: tuple[TestClient, dict], db: Database, register: str) -> None:
    """A record made before the namespaces, keyed "kaz-legacy" but read only by Kyrgyzstan:
    Kazakhstan registering a supply under that key is told it exists. `strays` finds it,
    `rekey` gives it a key of the organization's (audited), and the leak is gone: the
    key is free for Kazakhstan, the record is Kyrgyzstan's under its new key."""
    c, h = api
    table, path, body = REGISTERS[register]
    name = CLI_NAMES[register]
    national_copy(db, table, "kaz-legacy", "KGZ")
    with db.read() as conn:
        states = orgs.organization(conn).states
        assert keys.strays(conn, states) == [keys.Stray(name, "kaz-legacy", "KAZ")]
    before = c.post(path, headers=h["rep-kaz"], json={**body, "key": "kaz-legacy"})
    # a state registers its supplies; the other registers are the staff's, which no state
    # may create in (403 before any key is looked at): there the stray key tells nothing
    # yet, and is listed all the same
    assert before.status_code == (409 if register == "supply" else 403), before.text

    keys.rekey(db, name, "kaz-legacy", "legacy-1", states, actor=SEC)
    with db.read() as conn:
        assert keys.strays(conn, states) == []
        moved = conn.execute(access.select_visible(
            table, Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"), table.c.key)
            .where(table.c.key == "legacy-1")).scalar_one()
        entry = conn.execute(select(t.audit_log).order_by(t.audit_log.c.id.desc())).first()
    assert moved == "legacy-1"
    assert entry is not None and entry.action == "register.rekey"
    assert json.loads(entry.change) == {"from": "kaz-legacy", "to": "legacy-1"}
    after = c.post(path, headers=h["rep-kaz"], json={**body, "key": "kaz-legacy"})
    assert after.status_code == (201 if register == "supply" else 403), after.text


@pytest.mark.parametrize("register", REGISTERS)
def test_a_rekeyed_records_entries_follow_it_under_its_new_key(db: Database,
                                                               register: str) -> None:
    """The trail names a register's record by its key. After `rekey`, the rekey's own entry
    and those written under the old key still follow the record's marking: the auditor
    reads every one of a record the staff read, and none of one a state keeps NATIONAL
    (which the staff do not read)."""
    from phalanx.services import audit

    table, name = REGISTERS[register][0], CLI_NAMES[register]
    national_copy(db, table, "kaz-legacy", "KGZ")
    national_copy(db, table, "org-legacy", "", Classification(
        OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION))
    with db.read() as conn:
        states = orgs.organization(conn).states
    keys.rekey(db, name, "kaz-legacy", "legacy-1", states, actor=SEC)
    keys.rekey(db, name, "org-legacy", "legacy-2", states, actor=SEC)
    keys.rekey(db, name, "legacy-2", "legacy-3", states, actor=SEC)  # and again

    def trail(reader: Principal) -> set[tuple[str, str]]:
        with db.read() as conn:
            found, _n = audit.search(conn, audit.AuditFilter(target_kind=table.name),
                                     actor=reader)
        return {(e["action"], e["target_id"]) for e in found}

    assert trail(SYSTEM) == {("test.national", "kaz-legacy"), ("register.rekey", "legacy-1"),
                             ("test.national", "org-legacy"), ("register.rekey", "legacy-2"),
                             ("register.rekey", "legacy-3")}
    assert trail(Principal("auditor", Role.AUDITOR)) == {
        ("test.national", "org-legacy"), ("register.rekey", "legacy-2"),
        ("register.rekey", "legacy-3")}


def test_a_new_key_must_be_the_organizations_and_free(db: Database) -> None:
    table, *_ = REGISTERS["supply"]
    national_copy(db, table, "kaz-legacy", "KGZ")
    with db.read() as conn:
        states = orgs.organization(conn).states
    refusals = [
        (("supply", "kaz-legacy", "kgz-legacy"), Invalid, "begins with KGZ's code"),
        (("supply", "kaz-legacy", "sup-rus-kgz-2023-1"), Conflict, "exists"),
        (("supply", "kaz-nothing", "legacy-1"), NotFound, "no supply 'kaz-nothing'"),
        (("supplies", "kaz-legacy", "legacy-1"), Invalid, "unknown register 'supplies'"),
    ]
    for args, error, words in refusals:
        with pytest.raises(error, match=re.escape(words)):
            keys.rekey(db, *args, states, actor=SEC)
    with pytest.raises(Forbidden):
        keys.rekey(db, "supply", "kaz-legacy", "legacy-1", states, actor=KAZ)
    with db.read() as conn:
        assert keys.strays(conn, states) == [keys.Stray("supply", "kaz-legacy", "KAZ")]


def test_the_command_line_lists_the_strays_and_moves_one(
        loaded_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    national_copy(loaded_db, t.supply_agreement, "kaz-legacy", "KGZ")
    monkeypatch.setenv("PHALANX_DATABASE_URL", str(loaded_db.engine.url))
    monkeypatch.setenv("PHALANX_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        r = runner.invoke(cli, ["registers", "strays", "--json"])
        assert r.exit_code == 1, r.output
        assert json.loads(r.output) == [{"register": "supply", "key": "kaz-legacy",
                                         "state": "KAZ"}]
        r = runner.invoke(cli, ["registers", "rekey", "supply", "kaz-legacy", "kgz-1"])
        assert r.exit_code == 1 and "begins with KGZ's code" in r.output
        r = runner.invoke(cli, ["registers", "rekey", "supply", "kaz-legacy", "legacy-1"])
        assert r.exit_code == 0 and "supply kaz-legacy is now legacy-1" in r.output
        r = runner.invoke(cli, ["registers", "strays"])
        assert r.exit_code == 0 and "no key lies in the namespace" in r.output
    finally:
        get_settings.cache_clear()
