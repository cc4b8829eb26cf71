"""A decision by consultation, replayed on Kazakhstan, January 2022: the President of
Kazakhstan asks the Council for help on the evening of 5 January; the chair (Armenia's
Prime Minister) reaches the heads of state by telephone and announces the sending of
collective peacekeeping forces within hours. The chair records each answer with its time;
it announces only once every member with a say has answered; the decision authorizes the
crisis's peacekeeping like one taken in session."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import Position
from phalanx.services import audit, clock, crises, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid

SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2022, 1, 5, 18, 0, tzinfo=UTC)  # the request, about 00:00 in Almaty
PK = Measure.MILITARY_PEACEKEEPING


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def draft(db: Database, question: str = "peacekeeping") -> dec.DraftOut:
    with clock.use(T0 + timedelta(minutes=30)):
        return dec.propose_draft(db, dec.DraftIn(
            body="csc", procedure="consultation", question=question,
            title="On sending CSTO collective peacekeeping forces to Kazakhstan",
            text_en="To send collective peacekeeping forces for a limited period ...",
            measures=[PK], formations=["peacekeeping"],
            contributing_states=["ARM", "BLR", "KGZ", "RUS", "TJK"], period_days=30),
            actor=SEC)


def answer(db: Database, draft_id: int, state: str, minutes: int,
           position: Position = Position.SUPPORT, who: Principal | None = None,
           at: datetime | None = None) -> dec.DraftOut:
    given = T0 + timedelta(minutes=minutes)
    with clock.use(at or given + timedelta(minutes=5)):
        return dec.record_answer(db, draft_id, dec.ConsultationAnswerIn(
            state=state, position=position, given_at=given), actor=who or rep("ARM"))


def test_the_chair_consults_every_member_with_a_say_and_announces(org_db: Database) -> None:
    d = draft(org_db)
    # January 2022: Armenia chairs; every member had a say then
    assert d.chair == "ARM"
    assert d.procedure == "consultation"
    assert sorted(d.not_reached) == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
    for i, state in enumerate(["KAZ", "RUS", "BLR", "KGZ", "TJK"]):
        d = answer(org_db, d.id, state, 40 + 10 * i)
    assert d.not_reached == ["ARM"]
    # the head of state by name comes from the Council's seat holders when not given
    assert [a.given_by for a in d.consultation][1] == "Vladimir Putin"
    with clock.use(T0 + timedelta(hours=2)), pytest.raises(Conflict, match="not yet reached: ARM"):
        dec.announce(org_db, d.id, actor=rep("ARM"))
    answer(org_db, d.id, "ARM", 100)
    with clock.use(T0 + timedelta(hours=2, minutes=30)):
        done = dec.announce(org_db, d.id, actor=rep("ARM"))
    assert done.status == "adopted" and done.decision_id is not None
    assert "by consultation of the heads of state, announced by the chair (ARM)" in (
        done.outcome_reason or "")
    with org_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=SEC)
    assert decision.adopted_on.isoformat() == "2022-01-05"


def test_only_the_chair_records_and_announces(org_db: Database) -> None:
    d = draft(org_db)
    with pytest.raises(Forbidden, match="only the chair \\(ARM\\)"):
        answer(org_db, d.id, "KAZ", 40, who=rep("RUS"))
    with pytest.raises(Forbidden, match="only the chair"):
        answer(org_db, d.id, "KAZ", 40, who=SEC)
    with clock.use(T0 + timedelta(hours=1)), pytest.raises(Forbidden):
        dec.announce(org_db, d.id, actor=rep("KAZ"))
    with pytest.raises(Conflict, match="decided by consultation"):
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep("KAZ"))
    with pytest.raises(Conflict, match="announced by the chair"):
        dec.close_draft(org_db, d.id, actor=SEC)


def test_answers_are_dated_inside_the_consultation(org_db: Database) -> None:
    d = draft(org_db)
    with pytest.raises(Invalid, match="before the consultation opened"):
        answer(org_db, d.id, "KAZ", 0)
    with pytest.raises(Invalid, match="in the future"):
        answer(org_db, d.id, "KAZ", 120, at=T0 + timedelta(hours=1))
    with pytest.raises(Invalid, match="not among the members consulted"):
        answer(org_db, d.id, "UZB", 40)
    # a later answer replaces the earlier one until the announcement; both are kept
    answer(org_db, d.id, "KAZ", 40, Position.ABSTAIN)
    d = answer(org_db, d.id, "KAZ", 50)
    assert [a.position for a in d.consultation] == [Position.ABSTAIN, Position.SUPPORT]
    assert "KAZ" not in d.not_reached


def test_an_objection_returns_the_draft(org_db: Database) -> None:
    d = draft(org_db)
    for i, state in enumerate(d.signing_order):
        answer(org_db, d.id, state, 40 + i,
               Position.OBJECT if state == "BLR" else Position.SUPPORT)
    with clock.use(T0 + timedelta(hours=2)):
        done = dec.announce(org_db, d.id, actor=rep("ARM"))
    assert done.status == "returned" and done.decision_id is None
    assert "BLR" in (done.outcome_reason or "")


def test_only_the_questions_the_dataset_allows(org_db: Database) -> None:
    with pytest.raises(Invalid, match="only on default, peacekeeping questions, not 'admission'"):
        draft(org_db, question="admission")
    with clock.use(T0), pytest.raises(Invalid, match="does not decide by consultation"):
        dec.propose_draft(org_db, dec.DraftIn(
            body="cmfa", procedure="consultation", title="x", text_en="x"), actor=SEC)


def test_a_decision_by_consultation_authorizes_the_peacekeeping(org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Mass unrest with outside interference", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty", lat=43.24, lon=76.89),
        actor=SEC, at=T0 - timedelta(hours=6))
    crisis_requests.record_request(org_db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="Kassym-Jomart Tokayev", office="head_of_state", at=T0,
        article="Treaty art. 4", measures=[PK], forces="collective peacekeeping forces",
        period_days=30), actor=SEC, at=T0)
    d = draft(org_db)
    for i, state in enumerate(d.signing_order):
        answer(org_db, d.id, state, 40 + i)
    with clock.use(T0 + timedelta(hours=6)):
        done = dec.announce(org_db, d.id, actor=rep("ARM"))
        linked = crises.link_decision(org_db, c.id, done.decision_id or 0, actor=SEC)
    assert linked.authorizes == ["military_peacekeeping"]


def test_the_chair_records_the_objection_of_a_member_not_taking_part(
        org_db: Database) -> None:
    """Kyrgyzstan chairs in 2025; Armenia, not taking part, is not consulted and nobody
    waits for it, but the objection of its head of state, if made, returns the draft."""
    at = datetime(2025, 6, 2, 8, tzinfo=UTC)
    with clock.use(at):
        d = dec.propose_draft(org_db, dec.DraftIn(
            body="csc", procedure="consultation", title="On a statement",
            text_en="To adopt the statement."), actor=SEC)
    assert d.chair == "KGZ" and "ARM" not in d.not_reached and d.aside == ["ARM"]
    kgz = rep("KGZ")
    with clock.use(at + timedelta(minutes=30)):
        with pytest.raises(Invalid, match="records only its formal objection"):
            dec.record_answer(org_db, d.id, dec.ConsultationAnswerIn(
                state="ARM", position=Position.SUPPORT, given_at=at), actor=kgz)
        for s in ["ARM", *d.not_reached]:
            dec.record_answer(org_db, d.id, dec.ConsultationAnswerIn(
                state=s, position=Position.OBJECT if s == "ARM" else Position.SUPPORT,
                given_at=at + timedelta(minutes=10)), actor=kgz)
        done = dec.announce(org_db, d.id, actor=kgz)
    assert done.status == "returned"
    assert "returned for revision: ARM formally objects" in (done.outcome_reason or "")


def test_an_answer_is_given_in_the_name_of_whoever_sits_on_its_day(org_db: Database) -> None:
    """Nazarbayev resigned on 2019-03-19; Tokayev held Kazakhstan's seat from the 20th. An
    answer given on the 20th to a consultation opened the evening before is given in
    Tokayev's name (the holder on the answer's day, not on the draft's)."""
    opened = datetime(2019, 3, 19, 21, tzinfo=UTC)
    with clock.use(opened):
        d = dec.propose_draft(org_db, dec.DraftIn(
            body="csc", procedure="consultation", title="On a statement",
            text_en="To adopt the statement."), actor=SEC)
    assert d.chair == "KGZ"
    with clock.use(opened + timedelta(hours=13)):
        d = dec.record_answer(org_db, d.id, dec.ConsultationAnswerIn(
            state="KAZ", position=Position.SUPPORT, given_at=opened + timedelta(hours=12)),
            actor=rep("KGZ"))
    assert [(a.state, a.given_by) for a in d.consultation] == [("KAZ", "Kassym-Jomart Tokayev")]


def test_an_answer_recorded_by_the_chair_is_in_the_trail_of_what_was_done_in_the_states_name(
        org_db: Database) -> None:
    """The chair records each head of state's answer: the trail filtered on what was done
    in a state's name (the authorities page's link after a change of its authorities)
    lists the answers given in its name, as well as what the chair did for its own."""
    d = draft(org_db)
    answer(org_db, d.id, "KAZ", 40)
    auditor = Principal("auditor", Role.AUDITOR)
    with org_db.read() as conn:
        for state in ("KAZ", "ARM"):
            items, _ = audit.search(conn, audit.AuditFilter(
                acting_for=state, action="consultation."), actor=auditor)
            assert [(e["actor"], e["acting_for"], json.loads(e["change"])["state"])
                    for e in items] == [("rep-arm", "ARM", "KAZ")], state
        items, _ = audit.search(conn, audit.AuditFilter(
            acting_for="BLR", action="consultation."), actor=auditor)
        assert items == []


def test_the_decision_s_pdf_and_akoma_ntoso_give_each_head_of_state_s_answer(
        org_db: Database) -> None:
    """The answers the chair recorded are the positions the decision's PDF and its Akoma
    Ntoso give (a decision by consultation has no stance stated in session: every state
    was shown as not stated); a later answer of a state replaces its earlier one."""
    import io

    import pypdf
    from defusedxml import ElementTree

    from phalanx.services import decision_exports

    d = draft(org_db)
    answer(org_db, d.id, "BLR", 35, Position.ABSTAIN)
    for i, state in enumerate(["KAZ", "RUS", "BLR", "KGZ", "TJK", "ARM"]):
        answer(org_db, d.id, state, 40 + 10 * i)
    with clock.use(T0 + timedelta(hours=2)):
        done = dec.announce(org_db, d.id, actor=rep("ARM"))
    with org_db.read() as conn:
        pdf = decision_exports.decision_pdf(conn, done.decision_id or 0, actor=SEC)
        akn = decision_exports.akoma_ntoso(conn, done.decision_id or 0, "en", actor=SEC)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # only Uzbekistan, its participation suspended and so not consulted, stated nothing
    assert text.count("not stated") == 1 and "Abstain" not in text
    assert "Vladimir Putin" in text  # who gave the answer, by the Council's seat holder
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    votes = {q.get("refersTo", "").lstrip("#"): int(q.get("value", "0")) for q in
             ElementTree.fromstring(akn).findall(".//a:voting/a:count", ns)}
    assert set(votes) == {"support", "not_stated"}, votes
    assert votes["support"] == 6 and votes["not_stated"] == 1


def test_every_head_of_state_consulted_reads_a_draft_marked_for_some(
        org_db: Database) -> None:
    """A draft by consultation marked for some participants is read by every member
    consulted too: each reads what it decides and the decision that binds it."""
    from phalanx.domain.access.policy import Marking

    with clock.use(T0 + timedelta(minutes=30)):
        d = dec.propose_draft(org_db, dec.DraftIn(
            body="csc", procedure="consultation", title="On assistance",
            text_en="To send help.", marking=Marking.PARTICIPANTS,
            participants=["KAZ", "RUS"]), actor=SEC)
    with org_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=rep("BLR")).id == d.id
        assert set(d.signing_order) == {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"}
