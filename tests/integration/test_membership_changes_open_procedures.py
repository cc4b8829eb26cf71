"""Membership changing while a procedure or a crisis is open (the built-in dataset, the
Council's written procedure of December 2023 and a crisis under Treaty art. 4 of
September 2022): who is bound by the decision adopted after the change, who is sent it,
who still owes an answer under art. 4; and the silence procedure of an organization whose
file allows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_obligations, crisis_requests, exercise
from phalanx.services import decisions as dec
from phalanx.services import membership as ms
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid

SEC = Principal("sec", Role.SECRETARIAT)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # UZB: participation suspended


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def council_decides(db: Database, question: str, state: str, on: date,
                    sits: datetime = datetime(2023, 11, 23, 10, tzinfo=UTC)) -> None:
    """The Council's session (of 2023-11-23 unless `sits` says otherwise) decides the
    membership question, taking effect on `on`; the Secretariat confirms the event the
    decision proposes."""
    m = dec.convene(db, dec.MeetingIn.model_validate({"body": "csc", "opens_at": sits}),
                    actor=SEC)
    for s in [a.state for a in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate({
        "body": "csc", "meeting_id": m.id, "title": f"On the {question} of {state}",
        "text_en": "The Council decides.", "question": question,
        "subject": {"state": state, "on": on.isoformat()}}), actor=SEC)
    for s in MEMBERS:
        dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    with db.read() as conn:
        (proposal,) = [r for r in ms.records(conn, actor=SYSTEM)
                       if r.decision_id == closed.decision_id]
    ms.confirm(db, proposal.id, actor=SEC)


def circulate(db: Database) -> dec.DraftOut:
    with clock.use(datetime(2023, 12, 1, 9, tzinfo=UTC)):
        return dec.propose_draft(db, dec.DraftIn.model_validate({
            "body": "csc", "procedure": "written", "title": "On the work plan",
            "text_en": "To approve the plan.", "deadline": datetime(2023, 12, 20, tzinfo=UTC)}),
            actor=SEC)


def adopt(db: Database, d: dec.DraftOut, signers: list[str]) -> dec.DecisionOut:
    with clock.use(datetime(2023, 12, 6, tzinfo=UTC)):
        for s in signers:
            done = dec.sign(db, d.id, actor=rep(s))
    assert done.status == "adopted"
    with db.read() as conn:
        return dec.get_decision(conn, done.decision_id, actor=SEC)


def closing_entry(db: Database, draft_id: int) -> dict[str, object]:
    """The draft's closing audit entry (`draft.close`): what an auditor reads of the
    body the decision was judged on."""
    import json

    from sqlalchemy import select

    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    with db.read() as conn:
        [change] = [json.loads(c) for c in conn.execute(select(a.change).where(
            a.action == "draft.close", a.target_id == str(draft_id))).scalars()]
    return change


def test_a_member_that_left_during_the_written_procedure_is_no_addressee(
        db: Database) -> None:
    """Tajikistan's withdrawal takes effect on 2023-12-05, while the draft circulates; the
    decision adopted on 2023-12-06 neither binds it nor is sent to it: it is no member."""
    ms.record_event(db, ms.EventIn(state="TJK", kind="notice_of_withdrawal",
                                   on=date(2023, 6, 5)), actor=SEC)
    ms.record_event(db, ms.EventIn(state="TJK", kind="obligations_settled",
                                   on=date(2023, 6, 10)), actor=SEC)
    d = circulate(db)
    assert d.signing_order == MEMBERS
    decision = adopt(db, d, ["ARM", "BLR", "KAZ", "KGZ", "RUS"])
    assert decision.binding == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert "TJK" not in decision.for_consideration
    assert "TJK" not in decision.reason
    entry = closing_entry(db, d.id)  # the trail says it was asked and is no addressee
    assert entry["no_longer_members"] == ["TJK"] and entry["not_asked"] == []
    assert entry["binding"] == decision.binding


def test_a_member_suspended_during_the_written_procedure_is_without_a_say(
        db: Database) -> None:
    """Kyrgyzstan's participation is suspended from 2023-12-03 by the Council: the
    decision adopted after does not bind it and is sent to it as to a member without a
    say (as to Uzbekistan), not as to one absent."""
    council_decides(db, "suspension", "KGZ", date(2023, 12, 3))
    d = circulate(db)
    with clock.use(datetime(2023, 12, 4, tzinfo=UTC)), \
            pytest.raises(Conflict, match="KGZ is not among the signatories"):
        dec.sign(db, d.id, actor=rep("KGZ"))
    decision = adopt(db, d, ["ARM", "BLR", "KAZ", "RUS", "TJK"])
    assert "KGZ" not in decision.binding
    assert decision.for_consideration == ["KGZ", "UZB"]
    assert "KGZ, UZB without a say" in decision.reason
    entry = closing_entry(db, d.id)  # without a say, and why: suspended
    assert entry["without_say"] == {"KGZ": "suspended", "UZB": "suspended"}
    assert entry["for_consideration"] == ["KGZ", "UZB"] and entry["absent"] == []
    assert "KGZ" not in entry["binding"]  # type: ignore[operator]


def test_a_state_admitted_during_the_written_procedure_is_sent_the_decision(
        db: Database) -> None:
    """Serbia is admitted from 2023-12-03, after the draft circulated to the six: it was
    not asked, so the decision adopted on 2023-12-06 does not bind it; it is a member of
    the Council that day and is sent the text for consideration, as a member absent, and
    the register says so."""
    council_decides(db, "admission", "SRB", date(2023, 12, 3))
    d = circulate(db)
    assert d.signing_order == MEMBERS
    decision = adopt(db, d, MEMBERS)
    assert decision.binding == MEMBERS
    assert decision.for_consideration == ["SRB", "UZB"]
    assert "sent for consideration to SRB (absent)" in decision.reason
    entry = closing_entry(db, d.id)  # absent because admitted after it circulated
    assert entry["not_asked"] == ["SRB"] and entry["absent"] == ["SRB"]
    assert entry["for_consideration"] == ["SRB", "UZB"] and entry["binding"] == MEMBERS


# --- the silence procedure (an organization whose file allows it) ---------------------

DANUBE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def test_a_member_that_left_before_the_silence_deadline_is_no_addressee(
        sqlite_db: Database) -> None:
    """Slovenia's withdrawal takes effect on 2026-03-03 (notice of 2025-03-03, twelve
    months in that file), before the deadline of 2026-03-05: the decision adopted in
    silence neither binds it nor is sent to it."""
    orgs.load_dataset(sqlite_db, DANUBE, actor=SYSTEM)
    ms.record_event(sqlite_db, ms.EventIn(state="SVN", kind="notice_of_withdrawal",
                                          on=date(2025, 3, 3)), actor=SEC)
    ms.record_event(sqlite_db, ms.EventIn(state="SVN", kind="obligations_settled",
                                          on=date(2025, 4, 1)), actor=SEC)
    with clock.use(T0):
        d = dec.propose_draft(sqlite_db, dec.DraftIn(
            body="supreme-council", procedure="silence", title="On the calendar",
            text_en="The Council approves the calendar.",
            deadline=T0 + timedelta(days=3)), actor=SEC)
    assert "SVN" in d.signing_order
    with clock.use(T0 + timedelta(days=3, hours=2)):
        assert dec.settle_silence(sqlite_db, actor=SEC) == [d.id]
        with sqlite_db.read() as conn:
            decision = dec.get_decision(conn, dec.get_draft(conn, d.id, actor=SEC).decision_id,
                                        actor=SEC)
    assert "SVN" not in decision.binding and "SVN" not in decision.for_consideration
    entry = closing_entry(sqlite_db, d.id)
    assert entry["no_longer_members"] == ["SVN"] and entry["binding"] == decision.binding


# --- a crisis under Treaty art. 4 -------------------------------------------------------

START = datetime(2022, 9, 14, 3, 0, tzinfo=UTC)


def request_assistance(db: Database) -> int:
    cid = crises.open_crisis(db, crises.CrisisIn(
        title="Clashes on the border, Batken region", category="aggression",
        affected=["KGZ"]), actor=exercise.representative("KGZ"), at=START).id
    crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state", at=START,
        article="Treaty art. 4", measures=["military_crrf"]),
        actor=exercise.representative("KGZ"), at=START)
    return cid


def obligations(db: Database, cid: int, at: datetime) -> dict[str, tuple[str | None, bool]]:
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM, at=at)
    return {line.state: (line.answer, line.overdue) for line in c.obligations}


def answer(db: Database, cid: int, state: str, at: datetime) -> None:
    crisis_obligations.answer(db, cid, state, crisis_obligations.ObligationIn(
        answer="other", detail="humanitarian aid"), actor=exercise.representative(state), at=at)


def test_a_member_leaving_after_the_request_owes_no_more_answer(db: Database) -> None:
    """Tajikistan's withdrawal takes effect on 2022-09-15, the day after Kyrgyzstan's
    request: it owes an answer on the first day, nothing from its withdrawal on (its line
    is neither waiting nor overdue, its late answer is refused)."""
    ms.record_event(db, ms.EventIn(state="TJK", kind="notice_of_withdrawal",
                                   on=date(2022, 3, 15)), actor=SEC)
    ms.record_event(db, ms.EventIn(state="TJK", kind="obligations_settled",
                                   on=date(2022, 6, 10)), actor=SEC)
    cid = request_assistance(db)
    assert obligations(db, cid, START + timedelta(hours=1))["TJK"] == (None, False)
    later = START + timedelta(days=2)
    lines = obligations(db, cid, later)
    assert "TJK" not in lines and lines["ARM"] == (None, True)
    with pytest.raises(Conflict, match="TJK owes no answer"):
        answer(db, cid, "TJK", later)


def test_a_member_suspended_after_the_request_is_asked_nothing_more(db: Database) -> None:
    """Belarus's participation is suspended from 2022-09-15 (the dataset's setting: no
    request under art. 4 is put to a suspended member): its unanswered line goes and its
    answer is refused; Kazakhstan, which answered before a suspension of its own, keeps
    its answer on the record."""
    cid = request_assistance(db)
    answer(db, cid, "KAZ", START + timedelta(hours=2))
    sits = datetime(2022, 9, 1, 10, tzinfo=UTC)
    council_decides(db, "suspension", "BLR", date(2022, 9, 15), sits)
    # (another sitting: a body meets once at a moment)
    council_decides(db, "suspension", "KAZ", date(2022, 9, 15), sits + timedelta(hours=2))
    later = START + timedelta(days=2)
    lines = obligations(db, cid, later)
    assert "BLR" not in lines and lines["KAZ"] == ("other", False)
    assert lines["ARM"] == (None, True)
    with pytest.raises(Conflict, match="BLR owes no answer"):
        answer(db, cid, "BLR", later)


def test_the_request_of_a_state_that_left_asks_nothing_more(db: Database) -> None:
    """Kyrgyzstan, the requesting state, leaves on 2022-09-16: its request under art. 4
    asks nothing more of the members, whose lines stop running (none overdue)."""
    ms.record_event(db, ms.EventIn(state="KGZ", kind="notice_of_withdrawal",
                                   on=date(2022, 3, 16)), actor=SEC)
    ms.record_event(db, ms.EventIn(state="KGZ", kind="obligations_settled",
                                   on=date(2022, 6, 10)), actor=SEC)
    cid = request_assistance(db)
    assert obligations(db, cid, START + timedelta(hours=30))["ARM"] == (None, True)
    assert not any(overdue for _, overdue in
                   obligations(db, cid, START + timedelta(days=3)).values())


def test_a_session_seats_the_members_of_its_day_not_of_its_convening(db: Database) -> None:
    """The Council's session of 2023-12-10 is convened on the six and Uzbekistan; then
    Tajikistan's withdrawal takes effect (2023-12-05) and Serbia is admitted (from
    2023-12-05): on the session's day Serbia takes its seat, is recorded present and
    bound by what it supports; Tajikistan has no seat."""
    ms.record_event(db, ms.EventIn(state="TJK", kind="notice_of_withdrawal",
                                   on=date(2023, 6, 5)), actor=SEC)
    m = dec.convene(db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2023, 12, 10, 10, tzinfo=UTC)}), actor=SEC)
    assert "TJK" in [a.state for a in m.attendance]
    ms.record_event(db, ms.EventIn(state="TJK", kind="obligations_settled",
                                   on=date(2023, 6, 10)), actor=SEC)
    council_decides(db, "admission", "SRB", date(2023, 12, 5))
    with pytest.raises(Invalid, match="TJK has no seat in this session"):
        dec.record_attendance(db, m.id, "TJK", True, actor=SEC)
    for s in ["ARM", "BLR", "KAZ", "KGZ", "RUS", "SRB"]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate({
        "body": "csc", "meeting_id": m.id, "title": "On the plan",
        "text_en": "To approve the plan."}), actor=SEC)
    for s in ["ARM", "BLR", "KAZ", "KGZ", "RUS", "SRB"]:
        dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    with db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id, actor=SEC)
    assert decision.binding == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "SRB"]
    assert "TJK" not in decision.for_consideration
