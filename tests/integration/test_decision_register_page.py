"""The Secretariat publishes an adopted decision from the register of decisions (it
could only through the API): the decision becomes public, the step is audited; a
limited-format decision offers no button (its participants publish it), and the
representatives see none."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, login, rep, session, token


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _row(html: str, decision_id: int) -> str:
    m = re.search(rf'<tr id="decision-{decision_id}">.*?</tr>', html, re.S)
    assert m is not None, decision_id
    return m.group(0)


def test_the_secretariat_publishes_a_decision_from_the_register(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the joint statement", text_en="To issue it."),
        actor=SEC)
    ordinary = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    limited = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On a joint contingent", text_en="To form it."),
        actor=SEC)
    dec.state_position(accounts_db, limited.id, Position.NOT_TAKING_PART, "", actor=rep("BLR"))
    limited_id = dec.close_draft(accounts_db, limited.id, actor=SEC).decision_id
    assert ordinary is not None and limited_id is not None

    login(client, "secretariat")
    page = client.get("/decisions?lang=ru").text
    assert f'id="publish-{ordinary}"' in _row(page, ordinary)
    assert "publish-" not in _row(page, limited_id)
    r = client.post(f"/decisions/{ordinary}/publish", data={"csrf_token": token(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/decisions?lang=ru").text
    assert "ОТКРЫТО" in _row(page, ordinary) and "publish-" not in _row(page, ordinary)
    with accounts_db.read() as conn:
        assert conn.execute(select(t.audit_log.c.id).where(
            t.audit_log.c.action == "decision.publish",
            t.audit_log.c.target_id == str(ordinary))).first() is not None

    login(client, "rep-kaz")
    assert "publish-" not in client.get("/decisions").text


def test_the_register_names_the_states_bound_in_the_pages_language(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan", text_en="To approve it."),
        actor=SEC)
    dec.state_position(accounts_db, d.id, Position.NOT_TAKING_PART, "", actor=rep("TJK"))
    closed = dec.close_draft(accounts_db, d.id, actor=SEC)
    login(client, "secretariat")
    row = _row(client.get("/decisions?lang=ru").text, closed.decision_id)
    bound = re.search(r'<td class="binding">([^<]*)</td>', row)
    assert bound is not None
    assert bound.group(1) == "Беларусь, Казахстан, Киргизия, Россия"
