"""A member's stance on a draft and its statement are its position, as its answer on its
units and its offers are: the observers of a draft released to them read the draft, its
text and its outcome, not who said what, in the API, the page and the live events; the
member states and the staff still do."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_derived_views import collect
from tests.support.sessions import bearer, login

SEC = Principal("secretariat", Role.SECRETARIAT)
STATEMENT = "the text needs consultation with our national agencies first"


def test_observers_read_a_released_draft_but_no_members_position(
        accounts_db: Database, settings: Settings) -> None:
    m = dec.convene(accounts_db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime.now(UTC), "observers": True}), actor=SEC)
    for s in [x.state for x in m.attendance]:
        dec.record_attendance(accounts_db, m.id, s, True, actor=SEC)
    draft = dec.propose_draft(accounts_db, dec.DraftIn.model_validate({
        "body": "csc", "meeting_id": m.id, "title": "On the joint exercise",
        "text_en": "It is decided.", "observers": True}), actor=SEC).id
    readers = {"observer": Principal("observer", Role.OBSERVER, observer_of="OSCE"),
               "rep-arm": Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")}

    def state() -> None:
        dec.state_position(accounts_db, draft, Position.OBJECT, STATEMENT,
                           actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"))

    events = collect(accounts_db, readers, {f"draft:{draft}"}, state)
    assert [e.kind for e in events["rep-arm"]] == ["position"]
    assert events["observer"] == []
    with TestClient(create_app(settings, accounts_db)) as client:
        got = client.get(f"/api/v1/drafts/{draft}", headers=bearer(accounts_db, "observer"))
        assert got.status_code == 200, got.text
        assert got.json()["title"] == "On the joint exercise"
        assert got.json()["stances"] == [] and STATEMENT not in got.text
        theirs = client.get(f"/api/v1/drafts/{draft}", headers=bearer(accounts_db, "rep-arm"))
        assert [s["statement"] for s in theirs.json()["stances"]
                if s["state"] == "KAZ"] == [STATEMENT]
        login(client, "observer", "demo-observer-pass")
        page = client.get(f"/drafts/{draft}")
        assert page.status_code == 200 and STATEMENT not in page.text
        assert 'data-position="object"' not in page.text


def test_a_draft_released_in_a_session_that_is_not_reads_on_its_page(
        accounts_db: Database, settings: Settings) -> None:
    """A draft released to observers in a session that is not: the page shows the draft
    (as the API does) without its session, not "no session"."""
    m = dec.convene(accounts_db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime.now(UTC)}), actor=SEC)
    draft = dec.propose_draft(accounts_db, dec.DraftIn.model_validate({
        "body": "csc", "meeting_id": m.id, "title": "On the joint exercise",
        "text_en": "It is decided.", "observers": True}), actor=SEC).id
    with TestClient(create_app(settings, accounts_db)) as client:
        assert client.get(f"/api/v1/drafts/{draft}",
                          headers=bearer(accounts_db, "observer")).status_code == 200
        assert client.get(f"/api/v1/sessions/{m.id}",
                          headers=bearer(accounts_db, "observer")).status_code == 404
        login(client, "observer", "demo-observer-pass")
        page = client.get(f"/drafts/{draft}")
        assert page.status_code == 200, page.text
        assert "On the joint exercise" in page.text and f'href="/sessions/{m.id}"' not in page.text
