"""A quorum the organization's file gives as a number of members or a share of them
(`tests/fixtures/danube-alliance.yaml`: the Board of Defence Chiefs meets with two
chiefs, and decides its exercise plan with three fifths of its members): judged in
session, shown on the draft's board and given by the API."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


# each session its own day (a body meets once at a moment)
_SITTINGS = itertools.count()


def _session(db: Database, present: tuple[str, ...], question: str) -> dec.DraftOut:
    """A session of the Board with `present` chiefs, each supporting a draft on
    `question`, closed: the draft as it then stands."""
    opens = OPENS + timedelta(days=next(_SITTINGS))
    with clock.use(opens - timedelta(days=1)):
        m = dec.convene(db, dec.MeetingIn(body="defence-chiefs", opens_at=opens), actor=SEC)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, a.state in present, actor=SEC)
        d = dec.propose_draft(db, dec.DraftIn(body="defence-chiefs", meeting_id=m.id,
                                              question=question, title=f"On {question}",
                                              text_en="To approve."), actor=SEC)
    with clock.use(opens + timedelta(minutes=30)):
        for state in present:
            dec.state_position(db, d.id, Position.SUPPORT,
                               actor=Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE,
                                               state=state))
        return dec.close_draft(db, d.id, actor=SEC)


def test_two_chiefs_make_the_quorum_where_a_majority_would_need_three(
        danube_db: Database) -> None:
    two = _session(danube_db, ("AUT", "HUN"), "default")
    assert two.status == "adopted", two.outcome_reason
    assert two.preview is not None and two.preview.quorum_needed == 2
    one = _session(danube_db, ("AUT",), "default")
    assert one.status == "open" and one.outcome == "no_quorum"
    assert one.outcome_reason == ("quorum not met: 1 of 4 members present or declared, "
                                  "2 needed (2)")


def test_three_fifths_of_four_members_are_three(danube_db: Database) -> None:
    two = _session(danube_db, ("AUT", "HUN"), "exercise_plan")
    assert two.outcome == "no_quorum" and two.preview is not None
    assert two.preview.quorum_needed == 3
    assert two.outcome_reason.endswith("3 needed (3/5)")
    three = _session(danube_db, ("AUT", "HUN", "SVK"), "exercise_plan")
    assert three.status == "adopted"


def test_the_board_and_the_api_give_the_quorum(danube_db: Database,
                                              settings: Settings) -> None:
    d = _session(danube_db, ("AUT", "HUN"), "exercise_plan")
    with TestClient(create_app(settings, danube_db)) as client:
        api = client.get(f"/api/v1/drafts/{d.id}", headers=bearer(danube_db, "secretariat"))
        assert api.json()["preview"]["quorum_needed"] == 3
        login(client, "secretariat", "demo-secretariat")
        board = client.get(f"/drafts/{d.id}/board?lang=en").text
        row = re.search(r'<tr data-tally="quorum">(.*?)</tr>', board, re.S)
        assert row and "2 of 4 present or declared, 3 needed" in row.group(1)
        ru = client.get(f"/drafts/{d.id}?lang=ru").text
        assert "3/5" in ru
