"""A national system polls for what changed since its last poll: the board's
X-Change-Cursor, then `changed_after`, answers only the crises changed since, and only
those its state may read (another state's restricted crisis moves no cursor)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from phalanx.services.db import Database
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def crisis(state: str, **more: object) -> dict[str, object]:
    return {"title": f"Flood in {state}", "category": "natural_disaster", "affected": [state],
            **more}


def poll(api: TestClient, auth: dict[str, str], after: int | None) -> tuple[list[int], int]:
    params = {} if after is None else {"changed_after": after}
    r = api.get("/api/v1/crises", params=params, headers=auth)
    assert r.status_code == 200, r.text
    return sorted(c["id"] for c in r.json()), int(r.headers["X-Change-Cursor"])


def test_only_what_changed_since_the_cursor_and_may_be_read(api: TestClient,
                                                             db: Database) -> None:
    kaz, kgz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-kgz"), bearer(db, "rep-rus")
    listed, start = poll(api, kaz, None)
    assert listed == [] and start == 0
    hidden = api.post("/api/v1/crises", headers=kgz, json=crisis(
        "KGZ", marking="PARTICIPANTS", participants=["KGZ"])).json()["id"]
    assert poll(api, kaz, start) == ([], start)
    mine = api.post("/api/v1/crises", headers=kaz, json=crisis("KAZ")).json()["id"]
    theirs = api.post("/api/v1/crises", headers=rus, json=crisis("RUS")).json()["id"]
    listed, cursor = poll(api, kaz, start)
    assert listed == [mine, theirs] and cursor > start
    assert poll(api, kaz, cursor) == ([], cursor)
    # a sitrep on one crisis, a change of the hidden one: only the one read is said
    assert api.post(f"/api/v1/crises/{mine}/sitreps", headers=kaz,
                    json={"situation": "rising"}).status_code == 201
    assert api.post(f"/api/v1/crises/{hidden}/sitreps", headers=kgz,
                    json={"situation": "rising"}).status_code == 201
    listed, later = poll(api, kaz, cursor)
    assert listed == [mine] and later > cursor
    # an ended crisis is said too: the board without the cursor shows only open ones
    r = api.post(f"/api/v1/crises/{theirs}/transition", headers=bearer(db, "secretariat"),
                 json={"to": "rejected", "reason": "handled nationally"})
    assert r.status_code == 200, r.text
    assert poll(api, kaz, later)[0] == [theirs]
    assert poll(api, kaz, None)[0] == [mine]
