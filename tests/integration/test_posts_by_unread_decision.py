"""A post's holder named by a decision: shown to those who read the decision. The
appointments of a decision marked for the member states (a Secretary General named by
the Council) were on the public body page and the API's post at once, before the
decision was public: an anonymous visitor and an observer read them only once it is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import decisions as dec
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, session

PERSON = "Imangali Tasmagambetov-Second"


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _bearer(db: Database, user: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + api_tokens.issue_token(db, user, actor=SYSTEM).token}


def test_a_holder_named_by_a_decision_not_public_is_not_shown_to_the_public(
        accounts_db: Database, client: TestClient) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn.model_validate({
        "body": "csc", "meeting_id": m.id, "title": "On the Secretary General",
        "text_en": "The Council appoints the Secretary General.", "question": "appointment",
        "subject": {"state": "KAZ", "post": "secretary_general", "person": PERSON,
                    "out_of_rotation": True}}), actor=SEC)
    decision_id = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    staff = client.get("/api/v1/posts/secretary_general",
                       headers=_bearer(accounts_db, "secretariat")).json()
    assert (staff["holder"], staff["holder_state"]) == (PERSON, "KAZ")
    observer = _bearer(accounts_db, "observer")
    for headers in ({}, observer):
        post = client.get("/api/v1/posts/secretary_general", headers=headers).json()
        assert post["holder"] != PERSON and post["holder_state"] != "KAZ"
        assert PERSON not in client.get("/bodies/secretariat", headers=headers).text
        assert PERSON not in client.get("/api/v1/bodies/secretariat", headers=headers).text
    dec.publish(accounts_db, decision_id, actor=SEC)
    for headers in ({}, observer):
        assert client.get("/api/v1/posts/secretary_general",
                          headers=headers).json()["holder"] == PERSON
        assert PERSON in client.get("/bodies/secretariat", headers=headers).text
