"""A draft that modifies a decision its reader may not read names it not: its id is
withheld from the draft as the API and the page give it, before and after the adoption
(the decision it modifies is named by no id, number or title)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_decision_lifecycle import adopt
from tests.integration.test_draft_pages import SEC, login, rep, session
from tests.integration.test_released_records import sent_to_none
from tests.support.sessions import bearer


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_a_draft_modifying_a_hidden_decision_withholds_its_id(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    # marked for the members it binds, and not sent to Armenia for consideration (which
    # it would then read): Armenia, without a say, reads it not
    secret = adopt(accounts_db, m.id, "On the arrangement of the five",
                   draft={"marking": Marking.PARTICIPANTS,
                          "participants": ["BLR", "KAZ", "KGZ", "RUS", "TJK"]})
    sent_to_none(accounts_db, secret)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On amending it", text_en="The Council amends.",
        lifecycle=dec.LifecycleIn(effect="amends", target=secret)), actor=SEC)
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=rep("ARM")).lifecycle.target is None
        assert dec.get_draft(conn, d.id, actor=rep("RUS")).lifecycle.target == secret
        assert dec.get_draft(conn, d.id, actor=SEC).lifecycle.target == secret
    r = client.get(f"/api/v1/drafts/{d.id}", headers=bearer(accounts_db, "rep-arm"))
    assert r.status_code == 200
    assert r.json()["lifecycle"] == {**r.json()["lifecycle"], "effect": "amends",
                                     "target": None}
    done = dec.close_draft(accounts_db, d.id, actor=SEC)
    assert done.decision_id is not None
    r = client.get(f"/api/v1/drafts/{d.id}", headers=bearer(accounts_db, "rep-arm"))
    assert r.json()["lifecycle"]["target"] is None
    r = client.get(f"/api/v1/decisions/{done.decision_id}",
                   headers=bearer(accounts_db, "rep-arm"))
    assert r.json()["lifecycle"]["modifies"] == {"effect": "amends", "decision_id": None,
                                                 "number": None, "in_force_from": None}
    login(client, "rep-arm")
    page = client.get(f"/drafts/{d.id}").text
    assert f"/decisions/{secret}" not in page and "On the arrangement of the five" not in page
