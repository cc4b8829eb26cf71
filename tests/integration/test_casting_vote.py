"""The chair's casting vote where the organization's file gives it
(`tests/fixtures/danube-alliance.yaml`: its Supreme Council's general questions, by
majority; Slovakia chairs in 2026 by the rotation): a tie of two to two carries with
Slovakia's vote for and not otherwise; the reason says so on the draft's page, in
English and in Russian, and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import bearer, login

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"
SEC = Principal("secretariat", Role.SECRETARIAT)
OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FOR, AGAINST = Position.SUPPORT, Position.OBJECT


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def _vote(db: Database, positions: dict[str, Position], title: str,
          question: str = "default") -> dec.DraftOut:
    # each vote in a sitting of its own: a body meets once at a moment
    with db.read() as conn:
        held = conn.execute(select(func.count()).select_from(t.meeting)).scalar_one()
    opens = OPENS + timedelta(minutes=held)
    with clock.use(OPENS - timedelta(days=1)):
        m = dec.convene(db, dec.MeetingIn(body="supreme-council", opens_at=opens), actor=SEC)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, True, actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(body="supreme-council", meeting_id=m.id,
                                              question=question, title=title,
                                              text_en="To approve."), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for state, position in positions.items():
            dec.state_position(db, d.id, position, actor=Principal(
                f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state))
        return dec.close_draft(db, d.id, actor=SEC)


def test_a_tie_carries_with_the_chairs_vote_for(danube_db: Database) -> None:
    won = _vote(danube_db, {"SVK": FOR, "AUT": FOR, "HUN": AGAINST, "SVN": AGAINST}, "On the tie")
    assert won.status == "adopted", won.outcome_reason
    assert ("a tie of 2 to 2 decided by the casting vote of the chair (SVK), in favour"
            in won.outcome_reason)
    lost = _vote(danube_db, {"SVK": AGAINST, "AUT": FOR, "HUN": FOR, "SVN": AGAINST},
                 "On the other tie")
    assert lost.status == "returned"
    assert lost.outcome_reason.endswith("its casting vote does not carry the tie")
    # outside a tie the chair's vote counts one like any other
    assert _vote(danube_db, {"SVK": FOR, "AUT": AGAINST, "HUN": AGAINST, "SVN": AGAINST},
                 "On a plain count").status == "returned"


def test_the_question_without_a_casting_vote_stays_tied(danube_db: Database) -> None:
    # appointments are decided by majority too, without the chair's casting vote
    tied = _vote(danube_db, {"SVK": FOR, "AUT": FOR, "HUN": AGAINST, "SVN": AGAINST},
                 "On the director", question="appointment")
    assert tied.status == "returned" and tied.outcome_reason == (
        "not carried: 2 in favour, 2 against")


def test_the_reason_on_the_page_and_in_the_api(danube_db: Database,
                                               settings: Settings) -> None:
    d = _vote(danube_db, {"SVK": FOR, "AUT": FOR, "HUN": AGAINST, "SVN": AGAINST}, "On the tie")
    with TestClient(create_app(settings, danube_db)) as client:
        api = client.get(f"/api/v1/drafts/{d.id}", headers=bearer(danube_db, "secretariat"))
        assert "casting vote of the chair (SVK)" in api.json()["outcome_reason"]
        login(client, "secretariat", "demo-secretariat")
        assert "casting vote of the chair (SVK)" in client.get(f"/drafts/{d.id}?lang=en").text
        assert "решающий голос председателя (SVK) — за" in client.get(
            f"/drafts/{d.id}?lang=ru").text
