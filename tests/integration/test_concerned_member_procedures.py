"""The member a draft concerns, where the file gives it no vote on it (`concerned_votes:
false`: the League's suspension), has no say outside a session either: under the written
procedure it is not asked to sign and its objection returns nothing; under the silence
procedure its break returns nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import clock, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.decisions.schemas import Subject
from phalanx.services.errors import Conflict
from tests.integration.test_third_organization import FILE, SEC, _rep

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def league_db(sqlite_db: Database, tmp_path: Path) -> Database:
    """The League, whose council may also decide a suspension under silence."""
    lines = FILE.read_text(encoding="utf-8").splitlines()
    at = lines.index("    source: example", lines.index("  - key: league-council"))
    lines[at:at] = ["    silence: {questions: [suspension], setting: true}"]
    path = tmp_path / "league.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    orgs.load_dataset(sqlite_db, path, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def _circulate(db: Database, procedure: str) -> dec.DraftOut:
    return dec.propose_draft(db, dec.DraftIn(
        body="league-council", question="suspension", procedure=procedure,
        title=f"On the suspension of Norway ({procedure})", text_en="To suspend Norway.",
        deadline=NOW + timedelta(days=5), subject=Subject(state="NOR")), actor=SEC)


def test_the_concerned_member_is_not_asked_to_sign_nor_returns_the_draft(
        league_db: Database) -> None:
    with clock.use(NOW):
        d = _circulate(league_db, "written")
        assert "NOR" not in d.signing_order and len(d.signing_order) == 6
        with pytest.raises(Conflict) as refused:
            dec.sign(league_db, d.id, answer=Answer.OBJECT, given_by="Minister",
                     actor=_rep("NOR"))
        assert "NOR" in str(refused.value)
        for state in d.signing_order:
            d = dec.sign(league_db, d.id, given_by=f"Minister of {state}",
                         actor=_rep(state))
    assert d.status == "adopted", d.outcome_reason
    assert d.decision_id is not None
    with league_db.read() as conn:
        assert "NOR" in dec.get_decision(conn, d.decision_id, actor=SYSTEM).binding


def test_the_concerned_member_does_not_break_silence(league_db: Database) -> None:
    with clock.use(NOW):
        d = _circulate(league_db, "silence")
        assert "NOR" not in d.signing_order
        with pytest.raises(Conflict) as refused:
            dec.break_silence(league_db, d.id, text="We object.", given_by="Minister",
                              actor=_rep("NOR"))
        assert "NOR" in str(refused.value)
    with league_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "open"
        assert not conn.exec_driver_sql(
            "SELECT count(*) FROM audit_log WHERE action = 'draft.break_silence'").scalar()
    with clock.use(NOW + timedelta(days=6)):
        assert dec.settle_silence(league_db, actor=SEC) == [d.id]
