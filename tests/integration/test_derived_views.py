"""What is derived from a record obeys the record's marking: a crisis's timeline, live
view, board and PDF do not name a limited-format decision to those who stayed out of
it, and live events reach a page only if its reader may read what they announce (SQLite
and PostgreSQL)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pypdf
import pytest

from phalanx.adapters.events import Event, EventBus
from phalanx.domain.access.policy import read_scope
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database

SEC = Principal("sec", Role.SECRETARIAT)
OBSERVER = Principal("osce", Role.OBSERVER, observer_of="OSCE")
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
LIMITED_TITLE = "On a joint contingent of the four"


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def limited_decision(db: Database) -> int:
    """A limited-format decision of KAZ, RUS and TJK (BLR and KGZ stayed out; Armenia takes
    no part), in a Council whose dataset lets only the participants read such a decision."""
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from phalanx.adapters.db import tables as t

    with db.write(SYSTEM) as w:
        rules = w.conn.execute(select(t.body.c.rules).where(t.body.c.key == "csc")).scalar_one()
        rules = {**rules, "limited_format": {**rules["limited_format"],
                                             "readers": "participants"}}
        w.conn.execute(update(t.body).where(t.body.c.key == "csc").values(rules=rules))
        w.audit("test.rules", "body", "csc", {"limited_format.readers": "participants"})
    m = dec.convene(db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2026, 11, 20, 10, tzinfo=UTC)}), actor=SEC)
    for s in [a.state for a in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate(
        {"body": "csc", "meeting_id": m.id, "title": LIMITED_TITLE,
         "measures": ["humanitarian"],
         "text_en": "The Council decides:\n1. To form the contingent.\n"}), actor=SEC)
    for s in [x.state for x in d.stances if x.standing.value == "full"]:
        dec.state_position(db, d.id, Position.NOT_TAKING_PART if s in ("BLR", "KGZ")
                           else Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.decision_id is not None
    return closed.decision_id


def collect(db: Database, readers: dict[str, Principal], topics: set[str],
            action: Callable[[], Any]) -> dict[str, list[Event]]:
    """The events each reader's page receives while `action` runs."""
    db.bus = EventBus()

    async def scenario() -> dict[str, list[Event]]:
        assert db.bus is not None
        subs = {name: db.bus.subscribe(topics, read_scope(p)) for name, p in readers.items()}
        await asyncio.get_running_loop().run_in_executor(None, action)
        await asyncio.sleep(0.2)
        got = {}
        for name, sub in subs.items():
            got[name] = []
            while not sub.queue.empty():
                got[name].append(sub.queue.get_nowait())
            sub.close()
        return got

    try:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(lambda: asyncio.run(scenario())).result()
    finally:
        db.bus = None


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_linked_limited_decision_is_named_only_to_its_readers(org_db: Database) -> None:
    decision_id = limited_decision(org_db)  # first: it changes the dataset's rules
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Flood in the Kazakh steppe", category="natural_disaster",
        affected=["KAZ"]), actor=SEC, at=datetime(2026, 11, 19, tzinfo=UTC))
    with org_db.read() as conn:
        number = dec.get_decision(conn, decision_id, actor=SEC).number
    readers = {"kaz": rep("KAZ"), "blr": rep("BLR"), "kgz": rep("KGZ"), "sec": SEC}
    events = collect(org_db, readers, {f"crisis:{c.id}"}, lambda: crises.link_decision(
        org_db, c.id, decision_id, actor=SEC))
    assert [e.kind for e in events["kaz"]] == ["decision"]
    assert [e.kind for e in events["sec"]] == ["decision"]
    assert events["blr"] == [] and events["kgz"] == []
    with org_db.read() as conn:
        for name, who in readers.items():
            sees = name in ("kaz", "sec")
            room = crises.get(conn, c.id, actor=who)
            text = " ".join(e.text for e in room.timeline)
            assert (LIMITED_TITLE in text) is sees, name
            assert (number in text) is sees, name
            assert (room.decision_id is not None) is sees, name
            board = {x.id: x for x in crises.board(conn, actor=who)}
            assert (board[c.id].decision_id is not None) is sees, name
            pdf = pdf_text(crises.report_pdf(conn, c.id, actor=who))
            assert ("joint contingent" in pdf) is sees, name
            assert (number in pdf) is sees, name


def test_broad_topics_carry_only_what_each_reader_may_read(org_db: Database) -> None:
    """The `crises` topic announces a PARTICIPANTS crisis only to its participants and
    the staff; observers get nothing they cannot read; an event without classification
    never goes out on a broad topic."""
    readers = {"kaz": rep("KAZ"), "blr": rep("BLR"), "sec": SEC, "osce": OBSERVER}

    def open_both() -> None:
        crises.open_crisis(org_db, crises.CrisisIn(
            title="Limited", category="natural_disaster", affected=["KAZ"],
            marking="PARTICIPANTS", participants=["KAZ", "RUS"]), actor=SEC)
        crises.open_crisis(org_db, crises.CrisisIn(
            title="Everyone's", category="natural_disaster", affected=["KGZ"]), actor=SEC)
        crises.open_crisis(org_db, crises.CrisisIn(
            title="Public", category="natural_disaster", affected=["KGZ"],
            marking="PUBLIC"), actor=SEC)
        with org_db.write(SYSTEM) as w:
            w.audit("test.note", "note", 1)
            w.emit("crises", "unclassified", id=0)

    got = collect(org_db, readers, {"crises"}, open_both)
    count = {name: len(evs) for name, evs in got.items()}
    assert count == {"kaz": 3, "blr": 2, "sec": 3, "osce": 1}
    assert all(e.kind == "opened" for evs in got.values() for e in evs)


def test_the_classification_crosses_processes_but_not_to_the_page() -> None:
    from phalanx.domain.access.policy import Classification, Marking, OwnerKind

    c = Classification(OwnerKind.BODY, "csc", Marking.PARTICIPANTS, frozenset({"KAZ"}))
    e = Event("crises", "opened", {"id": 3}, c)
    assert Event.decode(e.encode()) == e
    assert "PARTICIPANTS" not in e.sse() and '"id":3' in e.sse()


def test_the_audit_search_shows_an_entry_only_to_readers_of_its_record(
        org_db: Database) -> None:
    """Auditors read the trail, but an entry about a NATIONAL document stays with those
    who may read the document; entries about users and logins are there for them."""
    from phalanx.services import audit, documents, identity

    auditor = Principal("aud", Role.AUDITOR)
    kaz = documents.create(org_db, documents.DocumentIn(
        title="Kazakh national assessment", owner_kind="state", owner="KAZ",
        marking="NATIONAL"), actor=rep("KAZ"))
    org = documents.create(org_db, documents.DocumentIn(
        title="Shared note", owner_kind="state", owner="KAZ", marking="ORGANIZATION"),
        actor=rep("KAZ"))
    identity.add_user(org_db, identity.NewUser("aud2", "Quiet-Lantern-Basket-7",
                                               Role.AUDITOR), actor=SYSTEM)

    def targets(who: Principal) -> set[tuple[str, str]]:
        with org_db.read() as conn:
            items, total = audit.search(conn, audit.AuditFilter(limit=1000), actor=who)
        assert total == len(items)
        return {(i["target_kind"], i["target_id"]) for i in items}

    seen = targets(auditor)
    assert ("document", str(org.id)) in seen
    assert ("document", str(kaz.id)) not in seen
    assert any(kind == "user" for kind, _ in seen)
    assert ("document", str(kaz.id)) in targets(rep("KAZ"))
    assert ("document", str(kaz.id)) in targets(SYSTEM)
    with org_db.read() as conn:
        text = str(audit.search(conn, audit.AuditFilter(limit=1000), actor=auditor)[0])
    assert "Kazakh national assessment" not in text
