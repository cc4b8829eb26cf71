"""No record outside a user's entitlement ever appears, in whole or in a count, through
any read route: list, detail, search, export, statistics. Random users of every role
and state, random records of every marking, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.policy import Classification, Marking, OwnerKind, can_read
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import documents as docs
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app

STATES = ["ARM", "BLR", "KAZ", "RUS"]
BODIES = ["csc", "permanent-council"]


def users() -> list[Principal]:
    out = [Principal("admin", Role.ADMINISTRATOR), Principal("sec", Role.SECRETARIAT),
           Principal("planner", Role.PLANNER), Principal("auditor", Role.AUDITOR),
           Principal("osce", Role.OBSERVER, observer_of="OSCE")]
    for s in STATES:
        out.append(Principal(f"rep-{s.lower()}", Role.REPRESENTATIVE, state=s))
        out.append(Principal(f"rpt-{s.lower()}", Role.REPORTER, state=s,
                             agency=Agency.DRUG_CONTROL))
    return out


@pytest.fixture
def world(db: Database, tmp_path: object) -> Iterator[tuple[TestClient, dict[str, str]]]:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    tokens: dict[str, str] = {}
    for u in users():
        identity.add_user(db, identity.NewUser(u.username, "a-long-password", u.role, u.state,
                                               u.agency, u.observer_of), actor=SYSTEM)
        tokens[u.username] = identity.issue_token(db, u.username, actor=SYSTEM).token
    app_settings = Settings(environment="test", audit_key_file=f"{tmp_path}/audit.key")
    with TestClient(create_app(app_settings, db)) as client:
        yield client, tokens


@st.composite
def classifications(draw: st.DrawFn) -> Classification:
    marking = draw(st.sampled_from(list(Marking)))
    if marking is Marking.NATIONAL:
        owner_kind, owner = OwnerKind.STATE, draw(st.sampled_from(STATES))
    else:
        owner_kind = draw(st.sampled_from(list(OwnerKind)))
        owner = {OwnerKind.STATE: draw(st.sampled_from(STATES)),
                 OwnerKind.BODY: draw(st.sampled_from(BODIES)),
                 OwnerKind.SECRETARIAT: "secretariat"}[owner_kind]
    participants = (frozenset(draw(st.sets(st.sampled_from(STATES), min_size=1)))
                    if marking is Marking.PARTICIPANTS else frozenset())
    return Classification(owner_kind, owner, marking, participants, draw(st.booleans()))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(classifications(), min_size=1, max_size=12),
       who=st.sampled_from(users()), needle=st.sampled_from(["alpha", "beta"]))
def test_no_record_outside_the_entitlement_ever_appears(
    world: tuple[TestClient, dict[str, str]], db: Database, records: list[Classification],
    who: Principal, needle: str,
) -> None:
    client, tokens = world
    with db.write(SYSTEM) as w:
        w.conn.execute(delete(t.document))
        w.audit("test.reset", "document", "*")
    ids: dict[int, Classification] = {}
    for i, c in enumerate(records):
        d = docs.create(db, docs.DocumentIn(
            title=f"{'alpha' if i % 2 else 'beta'} record {i}", owner_kind=c.owner_kind,
            owner=c.owner, marking=c.marking, participants=sorted(c.participants),
            observers=c.observers), actor=SYSTEM)
        ids[d.id] = c
    entitled = {i for i, c in ids.items() if can_read(who, c)}
    auth = {"Authorization": f"Bearer {tokens[who.username]}"}

    listed = client.get("/api/v1/documents", params={"limit": 500}, headers=auth).json()
    assert {d["id"] for d in listed["items"]} == entitled
    assert listed["total"] == len(entitled)

    found = client.get("/api/v1/documents", params={"q": needle}, headers=auth).json()
    assert {d["id"] for d in found["items"]} <= entitled
    assert found["total"] == len([i for i in entitled
                                  if needle in client.get(f"/api/v1/documents/{i}",
                                                          headers=auth).json()["title"]])

    for doc_id in ids:
        r = client.get(f"/api/v1/documents/{doc_id}", headers=auth)
        assert r.status_code == (200 if doc_id in entitled else 404)

    exported = client.get("/api/v1/documents/export.csv", headers=auth).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {int(r["id"]) for r in rows} == entitled

    stats = client.get("/api/v1/documents/stats", headers=auth).json()
    assert stats["total"] == len(entitled)
    by_marking: dict[str, int] = {}
    for i in entitled:
        by_marking[ids[i].marking.value] = by_marking.get(ids[i].marking.value, 0) + 1
    assert stats["by_marking"] == by_marking
