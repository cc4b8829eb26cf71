"""No record outside a user's entitlement ever appears, in whole or in a count, through
any read route: list, detail, search, export, statistics; nor anything derived from it:
live events, crisis rooms and the board, deployment plans, the audit search. Random
users of every role and state (and the anonymous visitor's live events), random records
of every marking, on SQLite and PostgreSQL."""

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
from phalanx.domain.access.policy import Classification, Marking, OwnerKind, can_read
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import documents as docs
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
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
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def world(db: Database, tmp_path: object) -> Iterator[tuple[TestClient, dict[str, str]]]:
    tokens: dict[str, str] = {}
    for u in users():
        identity.add_user(db, identity.NewUser(u.username, "a-long-password", u.role, u.state,
                                               u.agency, u.observer_of), actor=SYSTEM)
        tokens[u.username] = api_tokens.issue_token(db, u.username, actor=SYSTEM).token
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


# --- what is derived from a record: live events, crisis rooms, plans, the audit trail ----


@st.composite
def crisis_classifications(draw: st.DrawFn) -> Classification:
    marking = draw(st.sampled_from([Marking.PUBLIC, Marking.ORGANIZATION,
                                    Marking.PARTICIPANTS]))
    participants = (frozenset(draw(st.sets(st.sampled_from(STATES), min_size=1)))
                    if marking is Marking.PARTICIPANTS else frozenset())
    return Classification(OwnerKind.SECRETARIAT, "secretariat", marking, participants,
                          draw(st.booleans()))


def _open_and_listen(db: Database, records: list[Classification],
                     readers: list[Principal]) -> tuple[dict[int, Classification],
                                                        dict[str, set[int]]]:
    """Open the crises while every reader's page follows `crises`; what each page got."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from phalanx.domain.access.policy import read_scope
    from phalanx.services import crises

    bus = db.bus
    assert bus is not None

    async def scenario() -> tuple[dict[int, Classification], dict[str, set[int]]]:
        subs = {p.username: bus.subscribe({"crises"}, read_scope(p)) for p in readers}
        ids: dict[int, Classification] = {}

        def open_all() -> None:
            for i, c in enumerate(records):
                out = crises.open_crisis(db, crises.CrisisIn(
                    title=f"crisis {i}", category="natural_disaster", affected=["KAZ"],
                    marking=c.marking, participants=sorted(c.participants),
                    observers=c.observers), actor=SYSTEM)
                ids[out.id] = c

        await asyncio.get_running_loop().run_in_executor(None, open_all)
        await asyncio.sleep(0.1)
        got: dict[str, set[int]] = {}
        for name, sub in subs.items():
            got[name] = set()
            while not sub.queue.empty():
                got[name].add(sub.queue.get_nowait().data["id"])
            sub.close()
        return ids, got

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result()


def _plan_over(db: Database, ids: list[int]) -> int:
    """A stored plan for the first crisis that also serves all the others."""
    from datetime import UTC, datetime

    at = datetime(2026, 12, 1, tzinfo=UTC)
    with db.write(SYSTEM) as w:
        pid = w.conn.execute(t.deployment_plan.insert().values(
            crisis_id=ids[0], status="proposed", starts_at=at, created_by="planner",
            created_at=at, method="test", solver_status="OPTIMAL", seconds=0.1, seed=0,
            objective={"uncovered": len(ids), "closure": 9.0, "lateness": 0.0, "sorties": 0},
            greedy={"closure": 9.0}, bound=9.0, gap=0.0,
            movements=[{"requirement": 1000 + c, "requirement_key": f"k{c}", "crisis_id": c,
                        "unit": f"unit-{c}",
                        "state": "KAZ", "mode": "ground", "arrive_h": 1.0 + i,
                        "late_h": 0.0, "sorties": []} for i, c in enumerate(ids)],
            uncovered=[{"key": str(2000 + c), "requirement": 2000 + c, "crisis_id": c,
                        "capability": "medical", "strength": 1, "proven": False,
                        # its units serve every crisis's requirement
                        "taken_by": [{"unit": f"unit-{d}", "requirement_key": f"k{d}"}
                                     for d in ids]}
                       for c in ids],
            explanations={f"unit-{c}": f"serves {1000 + c} of {c}" for c in ids},
            warnings=[f"crisis {c}: a warning" for c in ids], crises=ids,
        ).returning(t.deployment_plan.c.id)).scalar_one()
        w.audit("test.plan", "crisis", ids[0], {"plan": pid})
    return int(pid)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(records=st.lists(crisis_classifications(), min_size=1, max_size=5))
def test_nothing_derived_from_a_record_outside_the_entitlement_appears(
    world: tuple[TestClient, dict[str, str]], db: Database, records: list[Classification],
) -> None:
    """For every role (the anonymous visitor's live events included) and records of every
    marking: live events on a broad topic, crisis rooms and the board, a plan serving
    several crises, and the audit search show nothing of a record the reader may not
    read, and all of what it may."""
    from phalanx.domain.access.principal import ANONYMOUS
    from phalanx.services import audit

    client, tokens = world
    with db.write(SYSTEM) as w:
        for table in (t.deployment_plan, t.crisis_event, t.notification, t.crisis):
            w.conn.execute(delete(table))
        w.audit("test.reset", "crisis", "*")
    everyone = [*users(), ANONYMOUS]
    ids, events = _open_and_listen(db, records, everyone)
    pid = _plan_over(db, list(ids))
    for who in everyone:
        entitled = {i for i, c in ids.items() if can_read(who, c)}
        assert events[who.username] == entitled, who.username
        if who is ANONYMOUS:
            continue
        auth = {"Authorization": f"Bearer {tokens[who.username]}"}
        board = client.get("/api/v1/crises", headers=auth).json()
        assert {c["id"] for c in board} == entitled
        for cid in ids:
            r = client.get(f"/api/v1/crises/{cid}", headers=auth)
            assert r.status_code == (200 if cid in entitled else 404)
        r = client.get(f"/api/v1/plans/{pid}", headers=auth)
        first = next(iter(ids))
        if first not in entitled:
            assert r.status_code == 404 and r.json()["detail"] == f"no plan {pid}"
        else:
            plan = r.json()
            assert set(plan["crises"]) == entitled
            assert {m["crisis_id"] for m in plan["movements"]} == entitled
            assert {u["crisis_id"] for u in plan["uncovered"]} == entitled
            # why each is uncovered names only the units serving crises it may read
            for u in plan["uncovered"]:
                assert u["taken"] and "requirement_key" not in str(u)
                assert {x["crisis_id"] for x in u["taken_by"]} == entitled
            assert set(plan["explanations"]) == {f"unit-{c}" for c in entitled}
            assert plan["warnings"] == [f"crisis {c}: a warning" for c in ids if c in entitled]
            assert plan["partial"] is (entitled != set(ids))
            if plan["partial"]:
                assert plan["bound"] is None and plan["objective"]["uncovered"] == len(entitled)
        with db.read() as conn:
            items, _ = audit.search(conn, audit.AuditFilter(target_kind="crisis", limit=1000),
                                    actor=who)
        named = {int(i["target_id"]) for i in items if i["target_id"].isdigit()}
        assert named & set(ids) == entitled, who.username
