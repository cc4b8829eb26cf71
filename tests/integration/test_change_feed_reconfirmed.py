"""The change feed after a confirmation of an appointment that a later change of its
state's authorities ends again: the reader told `changed` at the confirmation is told
`gone` where that change is recorded, whether its day is today or one already past."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import poll
from tests.integration.test_change_feed_readers import _read_then_lapsed
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


@pytest.mark.parametrize("days_back", [0, 1])
def test_a_confirmed_appointment_a_second_change_ends_is_said_gone(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch,
        days_back: int) -> None:
    kaz, _, doc, copied = _read_then_lapsed(api, db, monkeypatch)
    said, gone_at = poll(api, kaz, copied, kind="document")
    assert said == [("document", str(doc), "gone")]
    r = api.post("/api/v1/users/rep-kaz/confirm", headers=bearer(db, "admin"))
    assert r.status_code == 200, r.text
    said, again = poll(api, kaz, gone_at, kind="document")
    assert said == [("document", str(doc), "changed")]
    with db.read() as conn:
        today = clock.today(orgs.organization(conn))
    r = api.post("/api/v1/states/KAZ/authorities", headers=bearer(db, "secretariat"), json={
        "since": (today - timedelta(days=days_back)).isoformat(),
        "authorities": "a second council", "constitutional": False,
        "source": "its decree"})
    assert r.status_code == 201, r.text
    assert api.get(f"/api/v1/documents/{doc}", headers=kaz).status_code == 404
    said, last = poll(api, kaz, again, kind="document")
    assert said == [("document", str(doc), "gone")] and last > again
