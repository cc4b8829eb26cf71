"""The trail filtered from a day (`since`) and up to one (`until`) reads the organization's
days, as a change of a state's authorities is dated: an entry made in the first hours of
the day where the Secretariat sits, the evening before in UTC, is of that day."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db import audit_store
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import document
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def test_the_trail_from_a_day_is_of_the_organizations_day(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # 22:30 UTC on 1 March is 01:30 on 2 March in Moscow
    monkeypatch.setattr(audit_store, "now_iso", lambda: "2026-03-01T22:30:00.000000+00:00")
    doc = document(api, bearer(db, "rep-kaz"), "KAZ")
    monkeypatch.undo()
    auditor = bearer(db, "auditor")
    for params, found in [({"since": "2026-03-02"}, True), ({"until": "2026-03-01"}, False),
                          ({"since": "2026-03-03"}, False), ({"until": "2026-03-02"}, True)]:
        r = api.get("/api/v1/audit", headers=auditor,
                    params={"acting_for": "KAZ", "target_kind": "document", **params})
        assert r.status_code == 200, r.text
        ids = {e["target_id"] for e in r.json()["items"]}
        assert (str(doc) in ids) is found, params


def test_the_first_and_the_last_day_a_date_holds_are_bounds_like_any_other(
        api: TestClient, db: Database) -> None:
    # the first moment of 1 January of year 1 in Moscow is before any moment UTC holds,
    # and the day after 31 December 9999 is none: both answered a 500
    doc = document(api, bearer(db, "rep-kaz"), "KAZ")
    auditor = bearer(db, "auditor")
    for params in ({"since": "0001-01-01"}, {"until": "9999-12-31"},
                   {"since": "0001-01-01", "until": "9999-12-31"}):
        r = api.get("/api/v1/audit", headers=auditor,
                    params={"target_kind": "document", **params})
        assert r.status_code == 200, (params, r.text)
        assert str(doc) in {e["target_id"] for e in r.json()["items"]}, params
    page = api.get("/audit", headers=auditor, params={"since": "0001-01-01"})
    assert page.status_code == 200, page.text


def test_a_state_acted_for_is_named_by_its_code(api: TestClient, db: Database) -> None:
    # "kaz" found nothing (codes are stored in capitals), as though nothing were done
    r = api.get("/api/v1/audit", headers=bearer(db, "auditor"), params={"acting_for": "kaz"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["where"] == "query.acting_for"


def test_the_trails_page_says_its_times_are_utcs(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Filtered from 2 March (Moscow's day), the page lists an entry it times 01.03.2026
    22:30:00: the column says these are UTC's times, or the entry reads as of the day
    before the filter's."""
    import re

    monkeypatch.setattr(audit_store, "now_iso", lambda: "2026-03-01T22:30:00.000000+00:00")
    document(api, bearer(db, "rep-kaz"), "KAZ")
    monkeypatch.undo()
    page = api.get("/audit", headers=bearer(db, "auditor"),
                   params={"since": "2026-03-02", "acting_for": "KAZ", "lang": "ru"}).text
    assert "01.03.2026 22:30:00" in page
    head = re.search(r'<table[^>]*id="audit-table".*?</thead>', page, re.S)
    assert head is not None and "<th>Время (UTC)</th>" in head.group(0), head
