"""A member bound by a decision reads it, and a member asked about a draft reads it: a
draft marked for some members binds no member present that may not read it (refused at
the adoption, 409 naming them, nothing adopted: that member could neither read nor object
to it); one kept from a member absent is adopted and binds it not. A draft circulated for
signature or under silence is read by every member it goes to and by the member it
concerns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from phalanx.domain.access.policy import Marking
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, NotFound
from tests.integration.test_draft_pages import SEC, rep, session
from tests.support.days import working_deadline

LEAGUE = Path(__file__).parents[1] / "fixtures" / "north-sea-league.yaml"


def _secret(db: Database, meeting_id: int, readers: list[str]) -> dec.DraftOut:
    return dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=meeting_id, title="On the arrangement",
        text_en="The Council decides.", marking=Marking.PARTICIPANTS,
        participants=readers), actor=SEC)


def test_a_member_present_that_may_not_read_the_draft_is_not_bound_by_it(
        accounts_db: Database) -> None:
    m = session(accounts_db)
    d = _secret(accounts_db, m.id, ["KAZ", "RUS"])
    with pytest.raises(Conflict) as refused:
        dec.close_draft(accounts_db, d.id, actor=SEC)
    assert "BLR, KGZ, TJK" in str(refused.value)
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "open"
        assert dec.list_decisions(conn, actor=SEC) == []
    from phalanx.web.i18n.errors import translate

    assert "BLR, KGZ, TJK" in translate(str(refused.value), "ru")
    assert translate(str(refused.value), "ru") != str(refused.value)


def test_a_draft_kept_from_a_member_absent_binds_it_not(accounts_db: Database) -> None:
    m = session(accounts_db)
    dec.record_attendance(accounts_db, m.id, "BLR", False, actor=SEC)
    d = _secret(accounts_db, m.id, ["KAZ", "KGZ", "RUS", "TJK"])
    closed = dec.close_draft(accounts_db, d.id, actor=SEC)
    assert closed.decision_id is not None, closed.outcome_reason
    with accounts_db.read() as conn:
        decision = dec.get_decision(conn, closed.decision_id, actor=SEC)
        assert "BLR" not in decision.binding and "BLR" in decision.for_consideration
        # sent the text for consideration (DOMAIN §7), it reads the decision, not the draft
        assert dec.get_decision(conn, closed.decision_id, actor=rep("BLR")).id == decision.id
        with pytest.raises(NotFound):
            dec.get_draft(conn, d.id, actor=rep("BLR"))


def test_a_draft_for_signature_is_read_by_every_signatory(accounts_db: Database) -> None:
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", procedure="written", title="On the budget", text_en="To adopt it.",
        deadline=working_deadline(3), marking=Marking.PARTICIPANTS,
        participants=["RUS"]), actor=SEC)
    assert len(d.signing_order) >= 5
    with accounts_db.read() as conn:
        for state in d.signing_order:
            assert dec.get_draft(conn, d.id, actor=rep(state)).id == d.id


# --- the members a draft outside a session binds or hears read it ---------------------


def _written_for_russia(db: Database, at: datetime, **kw: object) -> dec.DraftOut:
    data = {"body": "csc", "procedure": "written", "title": "On the budget",
            "text_en": "To approve the budget.", "deadline": at + timedelta(days=10),
            "marking": Marking.PARTICIPANTS, "participants": ["RUS"], **kw}
    with clock.use(at):
        return dec.propose_draft(db, dec.DraftIn.model_validate(data), actor=SEC)


def test_a_member_not_taking_part_reads_the_draft_it_may_object_to(
        accounts_db: Database) -> None:
    """Armenia, not taking part in the work in 2025 but keeping its formal objection,
    signs nothing; a draft for signature marked for Russia goes to it too, or its
    objection could not be made."""
    d = _written_for_russia(accounts_db, datetime(2025, 3, 1, 9, tzinfo=UTC))
    assert d.aside == ["ARM"]
    with clock.use(datetime(2025, 3, 2, tzinfo=UTC)):
        with accounts_db.read() as conn:
            assert dec.get_draft(conn, d.id, actor=rep("ARM")).id == d.id
        returned = dec.sign(accounts_db, d.id, answer=Answer.OBJECT, actor=rep("ARM"))
    assert returned.status == "returned"


def test_a_member_in_arrears_reads_the_written_decision_that_binds_it(
        accounts_db: Database) -> None:
    """Arrears cost Kazakhstan its signature, never its obligations: bound by the decision
    signed by the others, it reads the draft and the decision, so the last signature
    adopts it instead of being refused."""
    from phalanx.services import membership as ms

    for year in (2021, 2022):
        ms.set_contribution(accounts_db, "KAZ", year,
                            ms.ContributionIn(assessed=1500, paid=0), actor=SEC)
    d = _written_for_russia(accounts_db, datetime(2023, 12, 1, 9, tzinfo=UTC))
    assert "KAZ" not in d.signing_order
    with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
        for s in d.signing_order:
            done = dec.sign(accounts_db, d.id, actor=rep(s))
    assert done.status == "adopted" and done.decision_id is not None
    with accounts_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=rep("KAZ"))
    assert "KAZ" in decision.binding


def test_the_member_a_decision_concerns_reads_it_in_a_session_too(
        sqlite_db: Database) -> None:
    """The League's suspension of Norway, Norway without a vote and bound: a draft tabled
    in session marked for the others is read by Norway too, and adopted."""
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import demo
    from phalanx.services import organization as orgs
    from phalanx.services.decisions.schemas import Subject

    orgs.load_dataset(sqlite_db, LEAGUE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    opens = datetime(2026, 3, 2, 9, tzinfo=UTC)
    others = ["BEL", "DNK", "ISL", "LUX", "NLD", "SWE"]
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(sqlite_db, dec.MeetingIn(body="league-council", opens_at=opens),
                        actor=SEC)
        for a in m.attendance:
            dec.record_attendance(sqlite_db, m.id, a.state, a.state != "NOR", actor=SEC)
        d = dec.propose_draft(sqlite_db, dec.DraftIn(
            body="league-council", meeting_id=m.id, question="suspension",
            title="On the suspension of Norway", text_en="To suspend Norway.",
            subject=Subject(state="NOR"), marking=Marking.PARTICIPANTS,
            participants=others), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        with sqlite_db.read() as conn:
            assert dec.get_draft(conn, d.id, actor=rep("NOR")).id == d.id
        for s in others:
            dec.state_position(sqlite_db, d.id, Position.SUPPORT, actor=rep(s))
        closed = dec.close_draft(sqlite_db, d.id, actor=SEC)
    assert closed.decision_id is not None, closed.outcome_reason
    with sqlite_db.read() as conn:
        assert "NOR" in dec.get_decision(conn, closed.decision_id, actor=rep("NOR")).binding


def test_the_refusal_says_how_the_secretariat_goes_on(accounts_db: Database) -> None:
    """A draft's marking does not change: the refusal says to table it again marked for
    those members (in English and in Russian), and names attendance only for members
    not at the session."""
    from phalanx.web.i18n.errors import translate

    m = session(accounts_db)
    d = _secret(accounts_db, m.id, ["BLR", "KAZ", "KGZ", "RUS"])
    with pytest.raises(Conflict) as refused:
        dec.close_draft(accounts_db, d.id, actor=SEC)
    text = str(refused.value)
    assert "TJK" in text and "table the draft again marked for them too" in text
    ru = translate(text, "ru")
    assert ru != text and "TJK" in ru and "внесите проект заново" in ru


def test_the_member_a_written_decision_concerns_is_told_and_bound(
        sqlite_db: Database) -> None:
    """The League's suspension of Norway by signatures: Norway signs nothing and may not
    object, but it reads the draft, its inbox tells it of the draft (in English and Russian),
    and the others' signatures bind it."""
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import demo, inbox
    from phalanx.services import organization as orgs
    from phalanx.services.decisions.schemas import Subject
    from phalanx.web.i18n import labeller

    orgs.load_dataset(sqlite_db, LEAGUE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with clock.use(at):
        d = dec.propose_draft(sqlite_db, dec.DraftIn(
            body="league-council", procedure="written", question="suspension",
            title="On the suspension of Norway", text_en="To suspend Norway.",
            subject=Subject(state="NOR"), deadline=at + timedelta(days=10)), actor=SEC)
    assert "NOR" not in d.signing_order
    with clock.use(at + timedelta(hours=1)), sqlite_db.read() as conn:
        told = [i for i in inbox.inbox(conn, actor=rep("NOR")) if i.href == f"/drafts/{d.id}"]
        assert [i.kind for i in told] == ["concerned"]
        assert not [i for i in inbox.inbox(conn, actor=rep("BEL"))
                    if i.kind == "concerned"]
    assert labeller("ru")("inbox", "concerned") == \
        "Проект о вашем государстве, решаемый без его голоса"
    with clock.use(at + timedelta(hours=2)):
        with pytest.raises(Conflict, match="NOR is not among the signatories"):
            dec.sign(sqlite_db, d.id, answer=Answer.OBJECT, given_by="the minister",
                     actor=rep("NOR"))
        for s in d.signing_order:
            done = dec.sign(sqlite_db, d.id, given_by="the minister", actor=rep(s))
    assert done.decision_id is not None, done.outcome_reason
    with sqlite_db.read() as conn:
        assert "NOR" in dec.get_decision(conn, done.decision_id, actor=rep("NOR")).binding
