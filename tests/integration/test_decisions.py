"""Sessions, drafts, positions and the register, driven through the service actions
as the Secretariat and the states' representatives would."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from phalanx.adapters.db import audit_store
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.domain.audit import verify
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer, Mode, SessionKind
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services import organization_terms as terms
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

SEC = Principal("sec", Role.SECRETARIAT)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # UZB: participation suspended


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def session(db: Database, **kw: object) -> dec.MeetingOut:
    # the Council's session in Minsk, 2023: seven members, Uzbekistan suspended
    data = {"body": "csc", "opens_at": datetime(2023, 11, 23, 10, tzinfo=UTC), **kw}
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
        due_on=date(2023, 12, 1))], actor=SEC)
    assert closed.status == "adopted"
    with org_db.read() as conn:
        decisions = dec.list_decisions(conn, actor=rep("ARM"))
        assert [x.number for x in decisions] == ["CSC-2023-001"]
        assert decisions[0].binding == MEMBERS
        tasks = dec.list_tasks(conn, actor=SEC, today=date(2023, 12, 2), overdue_only=True)
        assert [x.title for x in tasks] == ["Report back"]


def test_a_draft_is_decided_when_its_session_sits_not_before(org_db: Database) -> None:
    # the positions may come in writing ahead of the session; the decision waits for it
    m = session(org_db)
    d = draft(org_db, m.id)
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    with clock.use(datetime(2023, 11, 22, 16, tzinfo=UTC)), pytest.raises(
            Conflict, match=r"opens at 2023-11-23 10:00 UTC: its drafts are decided when"):
        dec.close_draft(org_db, d.id, actor=SEC)
    with org_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "open"
        assert dec.list_decisions(conn, actor=SEC) == []
    with clock.use(datetime(2023, 11, 23, 12, tzinfo=UTC)):
        closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "adopted"
    with org_db.read() as conn:
        (decision,) = dec.list_decisions(conn, actor=SEC)
    assert decision.adopted_on == date(2023, 11, 23)


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
    """A member declares that it stays out (2010 reform, seeds); the decision binds the
    others; the whole Council reads it (CSTO setting `readers: body`)."""
    m = session(org_db)
    d = draft(org_db, m.id, title="On a joint contingent")
    assert d.limited_format_open
    for s in MEMBERS:
        pos = Position.NOT_TAKING_PART if s in ("BLR", "KGZ") else Position.SUPPORT
        dec.state_position(org_db, d.id, pos, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "adopted" and closed.limited_format
    with org_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id or 0, actor=rep("KAZ"))
        assert decision.binding == ["ARM", "KAZ", "RUS", "TJK"]
        assert decision.limited_format and decision.marking == "ORGANIZATION"
        # BLR sat at the table: it reads the text, and is not bound by it
        assert dec.get_decision(conn, decision.id, actor=rep("BLR")).binding == decision.binding


def test_limited_format_read_by_participants_only_where_the_dataset_says(
        org_db: Database) -> None:
    """With `readers: participants`, the decision and everything it came from (the draft,
    its versions, its place on the session board) are hidden from the others."""
    with org_db.write(SYSTEM) as w:
        rules = w.conn.execute(select(t.body.c.rules).where(t.body.c.key == "csc")).scalar_one()
        rules = {**rules, "limited_format": {**rules["limited_format"],
                                             "readers": "participants"}}
        w.conn.execute(update(t.body).where(t.body.c.key == "csc").values(rules=rules))
        w.audit("test.rules", "body", "csc", {"limited_format.readers": "participants"})
    m = session(org_db)
    d = draft(org_db, m.id, title="On a joint contingent")
    for s in MEMBERS:
        pos = Position.NOT_TAKING_PART if s in ("BLR", "KGZ") else Position.SUPPORT
        dec.state_position(org_db, d.id, pos, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    with org_db.read() as conn:
        assert dec.get_decision(conn, closed.decision_id or 0, actor=rep("KAZ")).marking == (
            "PARTICIPANTS")
        for get in (lambda: dec.get_decision(conn, closed.decision_id or 0, actor=rep("BLR")),
                    lambda: dec.get_draft(conn, d.id, actor=rep("BLR"))):
            with pytest.raises(NotFound):
                get()
        assert d.id not in dec.get_meeting(conn, m.id, actor=rep("BLR")).drafts
        assert d.id in dec.get_meeting(conn, m.id, actor=rep("KAZ")).drafts


@pytest.mark.parametrize("in_force", [None, date(2012, 6, 1)])
def test_a_limited_format_decision_says_when_its_basis_is_not_recorded_in_force(
        org_db: Database, in_force: date | None) -> None:
    """The dataset does not record when the 2010 amendment entered into force: the format
    is counted from its signature (setting) and the decision says so; with the day
    recorded, the format exists from it and the decision says nothing more."""
    with org_db.write(SYSTEM) as w:
        w.conn.execute(update(t.agreement).where(t.agreement.c.key == "charter-amendment-2010")
                       .values(in_force=in_force))
        w.audit("test.agreement", "agreement", "charter-amendment-2010",
                {"in_force": str(in_force)})
    early = session(org_db, opens_at=datetime(2011, 6, 1, 10, tzinfo=UTC))
    d = draft(org_db, early.id, title="On a joint contingent")
    if in_force is not None:  # before the recorded entry into force: no limited format
        with pytest.raises(Invalid, match="limited format exists from 2012-06-01"):
            dec.state_position(org_db, d.id, Position.NOT_TAKING_PART, actor=rep("BLR"))
    m = session(org_db)
    d = draft(org_db, m.id, title="On a joint contingent")
    for s in MEMBERS:
        pos = Position.NOT_TAKING_PART if s == "BLR" else Position.SUPPORT
        dec.state_position(org_db, d.id, pos, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "adopted" and closed.limited_format
    with org_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id or 0, actor=SEC)
    note = ("the limited format rests on the amendment signed 2010-12-10, whose entry into "
            "force is not recorded")
    for reason in (closed.outcome_reason or "", decision.reason):
        assert (note in reason) is (in_force is None), reason


def test_the_limited_format_is_a_members_declaration_within_the_rules(org_db: Database) -> None:
    m = session(org_db)
    with pytest.raises(Invalid, match="not chosen when tabling"):
        draft(org_db, m.id, limited_format=True)
    # not for every question: admission is decided by all (dataset)
    admission = draft(org_db, m.id, question="admission", title="On admission")
    with pytest.raises(Invalid, match="does not decide 'admission' questions in a limited"):
        dec.state_position(org_db, admission.id, Position.NOT_TAKING_PART, actor=rep("ARM"))
    # not before the 2010 amendments that introduced it
    old = session(org_db, opens_at=datetime(2009, 6, 14, 10, tzinfo=UTC))
    d2009 = draft(org_db, old.id)
    assert not d2009.limited_format_open
    with pytest.raises(Invalid, match="exists from 2010-12-10"):
        dec.state_position(org_db, d2009.id, Position.NOT_TAKING_PART, actor=rep("BLR"))
    # one interested member cannot make a decision of the Council (min_participants: 2)
    d = draft(org_db, m.id, title="On a bilateral matter")
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.SUPPORT if s == "RUS"
                           else Position.NOT_TAKING_PART, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.outcome == "no_decision" and "2 needed" in (closed.outcome_reason or "")


def test_a_member_absent_without_a_declaration_does_not_block(org_db: Database) -> None:
    """Members who miss the session receive the adopted texts (DOMAIN §7): quorum two
    thirds (setting), consensus among those present and declared."""
    m = session(org_db)
    dec.record_attendance(org_db, m.id, "KGZ", False, actor=SEC)
    d = draft(org_db, m.id)
    for s in MEMBERS:
        if s != "KGZ":
            dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.status == "adopted"
    assert "sent for consideration to KGZ (absent)" in (closed.outcome_reason or "")
    with org_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id or 0, actor=SEC)
    assert "KGZ" not in decision.binding and "KGZ" in decision.for_consideration


def test_an_absent_members_written_objection_stands_against_a_revised_text(
        org_db: Database) -> None:
    """DOMAIN §7: a member may declare in writing that its absence means disagreement,
    which blocks. The same text issued again is refused, and a revised text does not
    erase the objection: it stands until the member itself says otherwise."""
    m = session(org_db)
    dec.record_attendance(org_db, m.id, "TJK", False, actor=SEC)
    d = draft(org_db, m.id)
    dec.state_position(org_db, d.id, Position.OBJECT, "Our absence means disagreement.",
                       actor=rep("TJK"))
    with pytest.raises(Invalid, match="the text is that of version 1"):
        dec.revise_draft(org_db, d.id, "The Council decides:\n1. To approve the plan.\n",
                         actor=SEC)
    revised = dec.revise_draft(org_db, d.id, "The Council decides:\n1. To note the plan.\n",
                               actor=SEC)
    assert [s.position for s in revised.stances if s.state == "TJK"] == [Position.OBJECT]
    for s in MEMBERS:
        if s != "TJK":
            dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    with org_db.read() as conn:
        preview = dec.get_draft(conn, d.id, actor=SEC).preview
    assert preview is not None and preview.outcome == "returned" and "TJK" in preview.reason
    dec.state_position(org_db, d.id, Position.NO_OBJECTION, actor=rep("TJK"))
    assert dec.close_draft(org_db, d.id, actor=SEC).status == "adopted"


def test_a_reporter_never_speaks_for_its_state(org_db: Database) -> None:
    """Only a state's authorized representative acts in its name (policy.acts_for): a
    national agency's reporter submits its agency's records and nothing else."""
    reporter = Principal("reporter-kaz", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
    m = session(org_db)
    d = draft(org_db, m.id)
    with pytest.raises(Forbidden, match="reporter submits its agency's records"):
        dec.state_position(org_db, d.id, Position.OBJECT, actor=reporter)
    with pytest.raises(Forbidden, match="reporter"):
        dec.propose_amendment(org_db, d.id, 1, "x", actor=reporter)
    with pytest.raises(Forbidden, match="reporter"):
        dec.record_attendance(org_db, m.id, "KAZ", False, actor=reporter)
    w = written(org_db)
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)), pytest.raises(Forbidden, match="reporter"):
        dec.sign(org_db, w.id, actor=reporter)
    with pytest.raises(Forbidden, match="authorized representative"):
        dec.state_position(org_db, d.id, Position.SUPPORT, state="KAZ", actor=SEC)
    with org_db.read() as conn:
        assert all(s.position is Position.NOT_STATED
                   for s in dec.get_draft(conn, d.id, actor=SEC).stances)


def test_an_amendment_against_an_outdated_version_is_refused(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    a = dec.propose_amendment(org_db, d.id, 1, "The Council decides:\n1. To approve it.\n",
                              actor=rep("KAZ"))
    assert "-1. To approve the plan." in a.diff and "+1. To approve it." in a.diff
    dec.decide_amendment(org_db, a.id, True, actor=SEC)
    with pytest.raises(Conflict, match="version 1"):
        dec.propose_amendment(org_db, d.id, 1, "x", actor=rep("ARM"))


def test_a_member_without_a_part_in_the_work_proposes_no_amendment(org_db: Database) -> None:
    """Uzbekistan, suspended since 2012, and Armenia, not taking part since 2024, keep
    their seats but take no part in the Council's work: no amendments from them."""
    m = session(org_db, opens_at=datetime(2026, 11, 20, 10, tzinfo=UTC))
    d = draft(org_db, m.id)
    for s, why in (("UZB", "suspended"), ("ARM", "not participating")):
        with pytest.raises(Conflict, match=f"takes no part in csc.*{why}"):
            dec.propose_amendment(org_db, d.id, 1, "The Council decides: nothing.",
                                  actor=rep(s))
    assert dec.propose_amendment(org_db, d.id, 1, "The Council decides: nothing.",
                                 actor=rep("KAZ")).state == "KAZ"


def test_a_member_not_taking_part_is_not_counted_but_its_objection_blocks(
        org_db: Database) -> None:
    """Armenia stopped taking part in February 2024 ("froze" its participation): its own
    declaration, not a suspension by the Council (DOMAIN.md §7), so it keeps its rights
    ("we simply do not veto", its Prime Minister, 2024-12-04). At the Astana session of
    2024 its absence blocks nothing and it is not counted; a formal objection from it
    blocks. Once two years of arrears have cost it the vote (2026, the illustrative
    ledger), it has no objection left."""
    five = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]
    m = session(org_db, opens_at=datetime(2024, 11, 28, 10, tzinfo=UTC))
    quiet = draft(org_db, m.id)
    assert quiet.aside == ["ARM"]
    for s in five:
        dec.state_position(org_db, quiet.id, Position.SUPPORT, actor=rep(s))
    adopted = dec.close_draft(org_db, quiet.id, actor=SEC)
    assert adopted.status == "adopted"
    with org_db.read() as conn:
        decision = dec.get_decision(conn, adopted.decision_id, actor=SEC)
    assert decision.binding == five and "ARM" in decision.for_consideration
    objected = draft(org_db, m.id, title="On the air-defence system")
    with pytest.raises(Conflict, match="states no position, but its formal objection"):
        dec.state_position(org_db, objected.id, Position.SUPPORT, actor=rep("ARM"))
    dec.state_position(org_db, objected.id, Position.OBJECT, "Armenia objects.",
                       actor=rep("ARM"))
    for s in five:
        dec.state_position(org_db, objected.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(org_db, objected.id, actor=SEC)
    assert closed.status == "returned"
    assert closed.outcome_reason == "returned for revision: ARM formally objects"
    later = session(org_db, opens_at=datetime(2026, 11, 20, 10, tzinfo=UTC))
    in_arrears = draft(org_db, later.id)
    assert in_arrears.aside == []
    with pytest.raises(Conflict, match=r"has no say in csc on 2026-11-20 \(not participating, "
                                       r"and in arrears\)"):
        dec.state_position(org_db, in_arrears.id, Position.OBJECT, actor=rep("ARM"))


def test_a_member_not_taking_part_signs_nothing_but_may_object_in_writing(
        org_db: Database) -> None:
    data = {"body": "csc", "procedure": "written", "title": "On the budget",
            "text_en": "To approve the budget.", "deadline": datetime(2025, 3, 20, tzinfo=UTC)}
    with clock.use(datetime(2025, 3, 1, 9, tzinfo=UTC)):
        d = dec.propose_draft(org_db, dec.DraftIn.model_validate(data), actor=SEC)
    assert d.signing_order == ["BLR", "KAZ", "KGZ", "RUS", "TJK"] and d.aside == ["ARM"]
    with clock.use(datetime(2025, 3, 2, tzinfo=UTC)):
        with pytest.raises(Conflict, match="signs nothing, but may formally object"):
            dec.sign(org_db, d.id, actor=rep("ARM"))
        dec.sign(org_db, d.id, actor=rep("BLR"))
        back = dec.sign(org_db, d.id, answer=Answer.OBJECT, actor=rep("ARM"))
    assert back.status == "returned"
    assert back.outcome_reason == "returned for revision: ARM objects in the written procedure"
    assert [(a.state, a.given_by) for a in back.answers][-1] == ("ARM", "Nikol Pashinyan")


def written(db: Database, **kw: object) -> dec.DraftOut:
    data = {"body": "csc", "procedure": "written", "title": "Appointment of the Secretary "
            "General", "question": "appointment", "text_en": "To appoint ...",
            "deadline": datetime(2023, 12, 20, tzinfo=UTC), **kw}
    with clock.use(datetime(2023, 12, 1, 9, tzinfo=UTC)):
        return dec.propose_draft(db, dec.DraftIn.model_validate(data), actor=SEC)


def test_written_procedure_in_turn_by_every_member_with_a_say(org_db: Database) -> None:
    """Every member with a say signs, in the dataset's order; suspended Uzbekistan is not
    on the list; the Secretariat cannot shorten it; times are the clock's."""
    with pytest.raises(Invalid, match="cannot be shortened"):
        written(org_db, signing_order=["RUS", "ARM"])
    d = written(org_db)
    assert d.signing_order == MEMBERS
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)), \
            pytest.raises(Conflict, match="ARM's turn"):
        dec.sign(org_db, d.id, actor=rep("BLR"))
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in MEMBERS[:-1]:
            dec.sign(org_db, d.id, actor=rep(s))
        done = dec.sign(org_db, d.id, answer=Answer.RESERVATION,
                        reservation="subject to ratification", actor=rep("TJK"))
    assert done.status == "adopted" and done.decision_id is not None
    assert "with reservations: TJK (subject to ratification)" in (done.outcome_reason or "")
    with org_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=SEC)
    assert decision.adopted_on == date(2023, 12, 2) and decision.number == "CSC-2023-001"
    assert decision.binding == MEMBERS


def test_each_written_signature_names_the_head_of_state_in_whose_name_it_is_given(
        org_db: Database) -> None:
    """DOMAIN: "each head of state signing in turn". The representative transmits the
    answer; it is given in the name of the state's seat holder in the Council on the
    draft's day (the dataset's), or of whom the representative names (an acting head of
    state); both are in the audit trail."""
    with org_db.read() as conn:
        holders = {h.state: h.person for h in orgs.organization(conn).bodies["csc"].seat_holders
                   if h.term.contains(date(2023, 12, 1))}
    assert holders.get("ARM") and holders.get("BLR")
    d = written(org_db)
    with clock.use(datetime(2023, 12, 2, 10, tzinfo=UTC)):
        dec.sign(org_db, d.id, actor=rep("ARM"))
        out = dec.sign(org_db, d.id, given_by="  the acting President  ", actor=rep("BLR"))
    by = {a.state: a for a in out.answers}
    assert by["ARM"].given_by == holders["ARM"]
    assert by["BLR"].given_by == "the acting President"
    assert by["ARM"].signed_at == datetime(2023, 12, 2, 10, tzinfo=UTC)
    with org_db.read() as conn:
        entries = [e for e in audit_store.entries(conn) if e.action == "draft.sign"]
    assert [json.loads(e.change)["given_by"] for e in entries[-2:]] == [holders["ARM"],
                                                            "the acting President"]


def test_a_signature_is_never_given_in_nobodys_name(org_db: Database) -> None:
    """The dataset names no Armenian seat holder in the Council between its President's
    term and its Prime Minister's (April 2018): the representative must name in whose name
    the answer is given; the signature keeps the account that transmitted it."""
    with org_db.read() as conn:
        council = orgs.organization(conn).bodies["csc"]
    assert not [h for h in council.seat_holders
                if h.state == "ARM" and h.term.contains(date(2018, 4, 20))]
    with clock.use(datetime(2018, 4, 20, 9, tzinfo=UTC)):
        d = dec.propose_draft(org_db, dec.DraftIn(
            body="csc", procedure="written", title="On the plan", text_en="To approve.",
            deadline=datetime(2018, 4, 30, tzinfo=UTC)), actor=SEC)
        assert d.turn == "ARM"
        with pytest.raises(Invalid, match="names nobody holding ARM's seat in csc on "
                                          "2018-04-20") as refused:
            dec.sign(org_db, d.id, actor=rep("ARM"))
        assert refused.value.where == "given_by"
        out = dec.sign(org_db, d.id, given_by="Serzh Sargsyan", actor=rep("ARM"))
    (answer,) = out.answers
    assert (answer.given_by, answer.transmitted_by) == ("Serzh Sargsyan", "rep-arm")


def test_a_written_decision_binds_a_member_in_arrears_and_goes_to_those_without_a_say(
        org_db: Database) -> None:
    """As in session: arrears cost the vote, never the obligations (a member in arrears
    does not sign and is bound); a suspended member receives the text for consideration
    (Uzbekistan, 2023)."""
    from phalanx.services import membership as ms

    for year in (2021, 2022):
        ms.set_contribution(org_db, "KAZ", year, ms.ContributionIn(assessed=1500, paid=0),
                            actor=SEC)
    d = written(org_db)
    assert "KAZ" not in d.signing_order
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in d.signing_order:
            done = dec.sign(org_db, d.id, actor=rep(s))
    assert done.status == "adopted"
    with org_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id or 0, actor=SEC)
    assert decision.binding == MEMBERS and "KAZ" in decision.binding
    assert decision.for_consideration == ["UZB"]


def test_an_objection_returns_the_written_draft(org_db: Database) -> None:
    d = written(org_db)
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        dec.sign(org_db, d.id, actor=rep("ARM"))
        returned = dec.sign(org_db, d.id, answer=Answer.OBJECT, actor=rep("RUS"))
        assert returned.status == "returned"
        assert "RUS objects" in (returned.outcome_reason or "")
        with pytest.raises(Conflict, match="returned"):
            dec.sign(org_db, d.id, actor=rep("BLR"))
        revised = dec.revise_draft(org_db, d.id, "To appoint another ...", actor=SEC)
    assert revised.status == "open" and revised.answers == []


def test_a_lapsed_written_procedure_is_stored_with_who_did_not_sign(org_db: Database) -> None:
    d = written(org_db)
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        dec.sign(org_db, d.id, actor=rep("ARM"))
    with clock.use(datetime(2023, 12, 21, tzinfo=UTC)):
        with pytest.raises(Conflict, match="lapsed"):
            dec.sign(org_db, d.id, actor=rep("BLR"))
        with org_db.read() as conn:
            lapsed = dec.get_draft(conn, d.id, actor=SEC)
        assert dec.settle_lapsed(org_db, actor=SEC) == []  # already stored
    assert lapsed.status == "lapsed"
    assert lapsed.outcome_reason == ("lapsed on 2023-12-20 00:00 UTC: not signed by "
                                     "BLR, KAZ, KGZ, RUS, TJK")


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_seven_representatives_at_the_same_second_lose_nothing(org_db: Database) -> None:
    m = session(org_db)
    d = draft(org_db, m.id)
    barrier = threading.Barrier(len(MEMBERS))
    errors: list[BaseException] = []

    def state(s: str) -> None:
        try:
            barrier.wait()
            dec.state_position(org_db, d.id, Position.NO_OBJECTION, actor=rep(s))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=state, args=(s,)) for s in MEMBERS]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with org_db.read() as conn:
        stances = dec.get_draft(conn, d.id, actor=SEC).stances
        entries = list(audit_store.entries(conn))
    assert {s.state for s in stances if s.position is Position.NO_OBJECTION} == set(MEMBERS)
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


def test_a_decision_on_a_membership_question_proposes_the_event(org_db: Database) -> None:
    """Suspension is decided by the Council (dataset question `suspension`); adopting the
    decision proposes the event and the Secretariat confirms it; then the state has no
    say."""
    from phalanx.domain import membership as rules
    from phalanx.services import membership as ms

    m = session(org_db)
    d = draft(org_db, m.id, question="suspension", title="On suspending participation",
              subject={"state": "TJK", "on": "2024-01-01"})
    for s in MEMBERS:
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    with org_db.read() as conn:
        proposed = [r for r in ms.records(conn, actor=SYSTEM)
                    if r.decision_id == closed.decision_id]
    assert [(r.state, r.kind, r.status) for r in proposed] == [
        ("TJK", "suspension", "proposed")]
    ms.confirm(org_db, proposed[0].id, actor=SEC)
    with org_db.read() as conn:
        org = orgs.organization(conn)
    assert rules.standing_on(org, "TJK", date(2024, 2, 1)).value == "suspended"


def test_an_appointment_by_written_procedure_updates_the_post(org_db: Database) -> None:
    d = written(org_db, subject={"state": "KGZ", "post": "secretary_general",
                                 "person": "A. Nominee", "on": "2026-01-01"})
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in MEMBERS:
            done = dec.sign(org_db, d.id, actor=rep(s))
    assert done.status == "adopted"
    with org_db.read() as conn:
        post = terms.post_on(orgs.organization(conn), "secretary_general", date(2026, 6, 1))
    assert post.holder == "A. Nominee"


def test_an_appointment_out_of_the_rotation_is_refused_when_tabled(org_db: Database) -> None:
    """The draft says whom it appoints; one naming another state than the term's is
    refused at once unless it says it departs from the rotation."""
    subject = {"state": "TJK", "post": "secretary_general", "person": "X",
               "on": "2027-03-15"}
    with pytest.raises(Invalid, match="2026–2028 is KGZ's"):
        written(org_db, subject=subject)
    assert written(org_db, subject={**subject, "out_of_rotation": True}).status == "open"


def test_a_member_standing_aside_during_the_written_procedure_is_no_longer_awaited(
        org_db: Database) -> None:
    """Kyrgyzstan stops taking part while the draft circulates: its signature is no
    longer awaited (the next in turn signs), it signs nothing more, but it may still
    formally object; the last signature of the members with a say adopts the draft."""
    from phalanx.services import membership as ms

    d = written(org_db, question="default")
    assert d.signing_order == MEMBERS
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in ("ARM", "BLR", "KAZ"):
            dec.sign(org_db, d.id, actor=rep(s))
    ms.record_event(org_db, ms.EventIn(state="KGZ", kind="not_taking_part",
                                       on=date(2023, 12, 3)), actor=SEC)
    with clock.use(datetime(2023, 12, 4, tzinfo=UTC)):
        with pytest.raises(Conflict, match="KGZ takes no part in the work: it signs nothing"):
            dec.sign(org_db, d.id, actor=rep("KGZ"))
        dec.sign(org_db, d.id, actor=rep("RUS"))
        done = dec.sign(org_db, d.id, actor=rep("TJK"))
    assert done.status == "adopted"


def test_a_member_that_left_during_the_written_procedure_signs_no_more(
        org_db: Database) -> None:
    """Tajikistan's notice of withdrawal takes effect on 2023-12-05, while the draft
    circulates: from that day it is no longer awaited and may not sign; the others having
    signed, the draft is adopted (stored with the next answer, or when its deadline
    passes), never lapsed for want of its signature."""
    from phalanx.services import membership as ms

    ms.record_event(org_db, ms.EventIn(state="TJK", kind="notice_of_withdrawal",
                                       on=date(2023, 6, 5)), actor=SEC)
    ms.record_event(org_db, ms.EventIn(state="TJK", kind="obligations_settled",
                                       on=date(2023, 6, 10)), actor=SEC)
    d = written(org_db, question="default")
    assert d.signing_order == MEMBERS  # a member still on 2023-12-01
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in ("ARM", "BLR", "KAZ", "KGZ", "RUS"):
            dec.sign(org_db, d.id, actor=rep(s))
        with org_db.read() as conn:
            assert dec.get_draft(conn, d.id, actor=SEC).turn == "TJK"
    with clock.use(datetime(2023, 12, 6, tzinfo=UTC)):
        with org_db.read() as conn:
            assert dec.get_draft(conn, d.id, actor=SEC).turn is None  # nobody awaited
        # its answer comes too late: every member with a say has signed, the draft is
        # adopted (stored now), not lapsed at the deadline
        with pytest.raises(Conflict, match=f"draft {d.id} is adopted"):
            dec.sign(org_db, d.id, actor=rep("TJK"))
        with org_db.read() as conn:
            settled = dec.get_draft(conn, d.id, actor=SEC)
    assert settled.status == "adopted" and settled.decision_id is not None
    assert "TJK" not in settled.signed
