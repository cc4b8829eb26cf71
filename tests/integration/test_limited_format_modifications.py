"""A decision in a limited format binds only the members taking part (DOMAIN, "Limited
format (2010)"): it does not repeal, amend, extend or suspend a decision binding a member
that stays out of it; refused at the adoption (409, in English and Russian), nothing
adopted. One binding every member the earlier one binds does."""

from __future__ import annotations

import pytest

from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from tests.integration.test_decision_lifecycle import adopt, status
from tests.integration.test_draft_pages import SEC, rep, session


def _repeal(db: Database, meeting_id: int, target: int, out: tuple[str, ...]
            ) -> dec.DraftOut:
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=meeting_id, title="On ending the working group",
        text_en="The Council repeals it.",
        lifecycle=dec.LifecycleIn(effect="repeals", target=target)), actor=SEC)
    for s in d.stances:
        if s.standing.value == "full":
            dec.record_attendance(db, meeting_id, s.state, True, actor=SEC)
            dec.state_position(db, d.id, Position.NOT_TAKING_PART if s.state in out
                               else Position.SUPPORT, actor=rep(s.state))
    return d


def test_a_limited_format_decision_does_not_repeal_one_binding_others(
        accounts_db: Database) -> None:
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    with accounts_db.read() as conn:
        bound = dec.get_decision(conn, first, actor=SEC).binding
    assert "TJK" in bound
    d = _repeal(accounts_db, m.id, first, out=("TJK",))
    with pytest.raises(Conflict) as refused:
        dec.close_draft(accounts_db, d.id, actor=SEC)
    message = str(refused.value)
    # the officer is told who stays out and what would let the decision modify it
    assert "binds TJK, which this decision does not bind" in message
    assert "only once they take part in it (a member staying out withdraws its " \
        "declaration" in message
    from phalanx.web.i18n.errors import translate

    ru = translate(message, "ru")
    assert "обязывает TJK" in ru and "отзывает заявление" in ru and "take part" not in ru
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "open"
        assert len(dec.list_decisions(conn, actor=SEC)) == 1
    assert status(accounts_db, first, d.on_date).status == "in_force"


def test_a_limited_format_decision_binding_all_the_earlier_binds_repeals_it(
        accounts_db: Database) -> None:
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    with accounts_db.read() as conn:
        bound = set(dec.get_decision(conn, first, actor=SEC).binding)
    d = _repeal(accounts_db, m.id, first, out=())
    closed = dec.close_draft(accounts_db, d.id, actor=SEC)
    assert closed.decision_id is not None, closed.outcome_reason
    with accounts_db.read() as conn:
        assert set(dec.get_decision(conn, closed.decision_id, actor=SEC).binding) >= bound
    assert status(accounts_db, first, d.on_date).status == "repealed"
