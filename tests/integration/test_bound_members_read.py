"""A member bound by a decision reads it, and a member asked about a draft reads it: a
draft marked for some members binds no member present that may not read it (refused at
the adoption, 409 naming them, nothing adopted: that member could neither read nor object
to it); one kept from a member absent is adopted and binds it not. A draft circulated for
signature or under silence is read by every member it goes to and by the member it
concerns."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phalanx.domain.access.policy import Marking
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, NotFound
from tests.integration.test_draft_pages import SEC, rep, session


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
        assert "BLR" not in decision.binding
        with pytest.raises(NotFound):
            dec.get_decision(conn, closed.decision_id, actor=rep("BLR"))


def test_a_draft_for_signature_is_read_by_every_signatory(accounts_db: Database) -> None:
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", procedure="written", title="On the budget", text_en="To adopt it.",
        deadline=now() + timedelta(days=3), marking=Marking.PARTICIPANTS,
        participants=["RUS"]), actor=SEC)
    assert len(d.signing_order) >= 5
    with accounts_db.read() as conn:
        for state in d.signing_order:
            assert dec.get_draft(conn, d.id, actor=rep(state)).id == d.id
