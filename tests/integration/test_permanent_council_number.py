"""The Permanent Council's decisions are numbered with its abbreviation (PC, ПС in
Russian: setting), in the register, on its pages and in the Akoma Ntoso FRBR URIs; a
number given before stays as it was given."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decision_exports
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database

SEC = Principal("sec", Role.SECRETARIAT)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _adopt(db: Database, title: str, hour: int) -> dec.DecisionOut:
    m = dec.convene(db, dec.MeetingIn.model_validate({
        "body": "permanent-council", "opens_at": datetime(2023, 11, 23, hour, tzinfo=UTC)}),
        actor=SEC)
    for s in [a.state for a in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate({
        "body": "permanent-council", "meeting_id": m.id, "title": title,
        "text_en": "The Council decides."}), actor=SEC)
    for s in MEMBERS:
        dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
    assert dec.close_draft(db, d.id, actor=SEC).status == "adopted"
    with db.read() as conn:
        return next(x for x in dec.list_decisions(conn, actor=SEC) if x.title == title)


def test_the_permanent_council_has_its_abbreviation(db: Database) -> None:
    with db.read() as conn:
        abbr = orgs.organization(conn).bodies["permanent-council"].abbreviation
    assert abbr is not None and (abbr.en, abbr.ru) == ("PC", "ПС")


def test_its_decisions_are_numbered_pc_and_a_number_given_stays(db: Database) -> None:
    first = _adopt(db, "On the first", 10)
    assert first.number == "PC-2023-001"
    # a number given before the body had its abbreviation stays as it was given
    with db.engine.begin() as conn:
        conn.execute(update(t.decision).where(t.decision.c.id == first.id)
                     .values(number="PERMANENT-COUNCIL-2023-001"))
    second = _adopt(db, "On the second", 14)
    assert second.number == "PC-2023-002"
    with db.read() as conn:
        numbers = {x.id: x.number for x in dec.list_decisions(conn, actor=SEC)}
        old = etree.fromstring(decision_exports.akoma_ntoso(conn, first.id, "en", actor=SEC))
        new = etree.fromstring(decision_exports.akoma_ntoso(conn, second.id, "en",
                                                            actor=SEC))
    assert numbers[first.id] == "PERMANENT-COUNCIL-2023-001"
    assert new.find(f".//{AKN}FRBRWork/{AKN}FRBRuri").get("value") == (
        "/akn/csto/statement/decision/2023-11-23/PC-2023-002")
    assert old.find(f".//{AKN}FRBRWork/{AKN}FRBRuri").get("value").endswith(
        "/PERMANENT-COUNCIL-2023-001")
