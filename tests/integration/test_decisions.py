"""Sessions, drafts, positions and the register, driven through the service actions
as the Secretariat and the states' representatives would."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from phalanx.adapters.db import audit_store
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.audit import verify
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

SEC = Principal("sec", Role.SECRETARIAT)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # UZB: participation suspended


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def org_db(db: Database) -> Database:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    return db


def session(db: Database, **kw: object) -> dec.MeetingOut:
    data = {"body": "csc", "opens_at": datetime(2026, 11, 20, 10, tzinfo=UTC), **kw}
    m = dec.convene(db, dec.MeetingIn.model_validate(data), actor=SEC)
    for s in [a.state for a in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    return m


def draft(db: Database, meeting_id: int, **kw: object) -> dec.DraftOut:
    data = {"body": "csc", "meeting_id": meeting_id, "title": "On the plan",
            "text_en": "The Council decides:\n1. To approve the plan.\n", **kw}
    return dec.propose_draft(db, dec.DraftIn.model_validate(data), actor=SEC)


def test_a_session_seats_the_members_of_the_day(org_db: Database) -> None:
    m = session(org_db)
    assert [a.state for a in m.attendance] == [*MEMBERS, "UZB"]
    with pytest.raises(Invalid, match="video conference needs its link"):
        dec.convene(org_db, dec.MeetingIn(body="csc", kind=SessionKind.EMERGENCY,
                                          mode=Mode.VIDEO,
                                          opens_at=datetime(2026, 1, 1, tzinfo=UTC)),
                    actor=SEC)
    with pytest.raises(Forbidden):
        dec.convene(org_db, dec.MeetingIn(body="csc", opens_at=datetime(2026, 1, 1,
                                                                        tzinfo=UTC)),
                    actor=rep("ARM"))


def test_adopted_when_nobody_objects(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, [dec.TaskIn(
        assignee_kind="secretariat", assignee="secretariat", title="Report back",
        due_on=date(2026, 12, 1))], actor=SEC)
    assert closed.status == "adopted"
    with org_db.read() as conn:
        decisions = dec.list_decisions(conn, actor=rep("ARM"))
        assert [x.number for x in decisions] == ["CSC-2026-001"]
        assert decisions[0].binding == MEMBERS
        tasks = dec.list_tasks(conn, actor=SEC, today=date(2026, 12, 2), overdue_only=True)
        assert [x.title for x in tasks] == ["Report back"]


def test_one_objection_returns_the_draft_with_the_reason(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.OBJECT if s == "BLR" else Position.SUPPORT,
                           "Paragraph 1 is premature." if s == "BLR" else "", actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "returned"
    assert "BLR" in (closed.outcome_reason or "")
    assert [s.statement for s in closed.stances if s.state == "BLR"] == [
        "Paragraph 1 is premature."]
    with pytest.raises(Conflict):
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep("BLR"))
    revised = dec.revise_draft(org_db, d.id, "The Council decides:\n1. To study the plan.\n",
                               actor=SEC)
    assert revised.status == "open"
    assert revised.current_version == 2
    assert all(s.position is Position.NOT_STATED for s in revised.stances)


def test_limited_format_binds_only_those_taking_part(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id, limited_format=True, title="On a joint contingent")
    for s in MEMBERS:
        pos = Position.NOT_TAKING_PART if s in ("BLR", "KGZ") else Position.SUPPORT
        dec.state_position(org_db, d.id, pos, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "adopted"
    with org_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id or 0, actor=rep("KAZ"))
        assert decision.binding == ["ARM", "KAZ", "RUS", "TJK"]
        assert decision.marking == "PARTICIPANTS"
        with pytest.raises(NotFound):
            dec.get_decision(conn, decision.id, actor=rep("BLR"))


def test_positions_are_refused_with_reasons(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    with pytest.raises(Forbidden, match="act for ARM"):
        dec.state_position(org_db, d.id, Position.SUPPORT, state="KAZ", actor=rep("ARM"))
    with pytest.raises(Forbidden, match="no seat"):
        dec.state_position(org_db, d.id, Position.SUPPORT,
                           actor=Principal("x", Role.REPRESENTATIVE, state="AZE"))
    with pytest.raises(Invalid, match="limited format"):
        dec.state_position(org_db, d.id, Position.NOT_TAKING_PART, actor=rep("ARM"))


def test_an_amendment_against_an_outdated_version_is_refused(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    a = dec.propose_amendment(org_db, d.id, 1, "The Council decides:\n1. To approve it.\n",
                              actor=rep("KAZ"))
    assert "-1. To approve the plan." in a.diff and "+1. To approve it." in a.diff
    dec.decide_amendment(org_db, a.id, True, actor=SEC)
    with pytest.raises(Conflict, match="version 1"):
        dec.propose_amendment(org_db, d.id, 1, "x", actor=rep("ARM"))


def test_written_procedure_in_turn(org_db: Database) -> None:
    d = dec.propose_draft(org_db, dec.DraftIn(
        body="csc", procedure="written", title="Appointment of the Secretary General",
        text_en="To appoint ...", signing_order=["RUS", "ARM"],
        deadline=datetime.now(UTC) + timedelta(days=7)), actor=SEC)
    with pytest.raises(Conflict, match="RUS's turn"):
        dec.sign(org_db, d.id, actor=rep("ARM"))
    dec.sign(org_db, d.id, actor=rep("RUS"))
    done = dec.sign(org_db, d.id, actor=rep("ARM"))
    assert done.status == "adopted"
    assert done.decision_id is not None


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_seven_representatives_at_the_same_second_lose_nothing(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    barrier = threading.Barrier(len(MEMBERS) + 1)
    errors: list[BaseException] = []

    def state(s: str) -> None:
        try:
            barrier.wait()
            dec.state_position(org_db, d.id, Position.NO_OBJECTION, actor=rep(s))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=state, args=(s,)) for s in [*MEMBERS, "UZB"]]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with org_db.read() as conn:
        stances = dec.get_draft(conn, d.id, actor=SEC).stances
        entries = list(audit_store.entries(conn))
    assert {s.state for s in stances if s.position is Position.NO_OBJECTION} == {*MEMBERS, "UZB"}
    assert verify(entries).ok


def test_statements_are_counted_beside_the_historical_figures(org_db: Database) -> None:
    m = session(org_db, opens_at=datetime(2014, 9, 23, 10, tzinfo=UTC))
    d = draft(org_db, m.id, kind="statement", title="Joint statement on Afghanistan")
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    dec.close_draft(org_db, d.id, actor=SEC)
    with org_db.read() as conn:
        c = dec.counts(conn, actor=rep("ARM"), start=date(2014, 1, 1), end=date(2014, 12, 31))
    assert c.recorded == {"csc": {"statement": 1}}
    assert sorted((h.body or "", h.count) for h in c.historical) == [("", 17), ("cmfa", 6)]
