"""A draft names the crisis it is about from the forms that table it: the session's draft
form and the written or silence procedure's form offer the crises its author reads (an
exercise's session only the exercise's crises), the draft tabled goes into that crisis's
file, a refused form keeps the crisis chosen, and a crisis that is not there is refused
in the reader's language, nothing written."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import clock, crises, crisis_drafts
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_crisis_drafts import OPENS, SEC, _crisis
from tests.support.days import working_deadline
from tests.support.sessions import login


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _choices(html: str, select_id: str) -> dict[str, str]:
    found = re.search(rf'<select name="crisis_id" id="{select_id}">(.*?)</select>', html, re.S)
    assert found is not None, select_id
    return {k: unescape(v) for k, v in re.findall(
        r'<option value="(\d+)"[^>]*>([^<]*)</option>', found.group(1))}


def _drafts(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.draft)).scalar_one())


def test_the_session_s_draft_form_names_its_crisis(db: Database, settings: Settings) -> None:
    cid = _crisis(db)
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS, place="Yerevan"),
                        actor=SEC)
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get(f"/sessions/{m.id}").text
        choices = _choices(page, "draft-crisis")
        assert choices.get(str(cid)) == "Fighting on Armenia's border with Azerbaijan"
        # refused (no text): the form comes back with the crisis still chosen
        r = client.post(f"/sessions/{m.id}/drafts", data={
            "csrf_token": _token(page), "title": "On collective assistance to Armenia",
            "crisis_id": str(cid)})
        assert r.status_code == 422
        assert re.search(rf'<option value="{cid}" selected>', r.text)
        before = _drafts(db)
        r = client.post(f"/sessions/{m.id}/drafts?lang=ru", data={
            "csrf_token": _token(page), "title": "On collective assistance to Armenia",
            "text_en": "The Council decides.", "crisis_id": "999999"})
        assert r.status_code == 404 and "999999" in r.text
        assert "draft-error" in r.text and "not found" not in r.text.lower()
        assert _drafts(db) == before  # nothing written
        r = client.post(f"/sessions/{m.id}/drafts?lang=ru", data={
            "csrf_token": _token(page), "title": "On collective assistance to Armenia",
            "text_en": "The Council decides.", "crisis_id": "abc"})
        assert r.status_code == 422 and "не число" in r.text, r.text
        assert _drafts(db) == before
        r = client.post(f"/sessions/{m.id}/drafts", data={
            "csrf_token": _token(page), "title": "On collective assistance to Armenia",
            "text_en": "The Council decides.", "crisis_id": str(cid)},
            follow_redirects=False)
        assert r.status_code == 303, r.text
        draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with db.read() as conn:
        row = crises.get(conn, cid, actor=SEC)
        assert [(d.id, d.tie) for d in row.drafts] == [(draft_id, "tabled")]


def test_the_written_procedure_s_form_names_its_crisis(db: Database,
                                                      settings: Settings) -> None:
    cid = _crisis(db)
    deadline = working_deadline(3).strftime("%Y-%m-%dT%H:%M")
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get("/sessions").text
        assert str(cid) in _choices(page, "written-crisis")
        r = client.post("/written", data={
            "csrf_token": _token(page), "body": "csc", "title": "On assistance",
            "text_en": "The Council decides.", "deadline": deadline,
            "crisis_id": str(cid)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with db.read() as conn:
        assert [(d.id, d.procedure) for d in crises.get(conn, cid, actor=SEC).drafts] == [
            (draft_id, "written")]


def test_an_exercise_s_session_offers_only_the_exercise_s_crises(
        db: Database) -> None:
    real = _crisis(db)
    with db.read() as conn:
        offered = dict(crisis_drafts.choices(conn, actor=SEC, exercise=True))
        assert real not in offered
        assert real in dict(crisis_drafts.choices(conn, actor=SEC, exercise=False))


def test_an_exercise_s_consultations_offer_only_their_own_crisis(
        db: Database, settings: Settings) -> None:
    """Two exercises at once: the draft form of the first one's consultations offers its
    own crisis, never the second one's (whose file its drafts stay out of)."""
    held = {}
    for title in ("Exercise North", "Exercise South"):
        c = crises.open_crisis(db, crises.CrisisIn(
            title=title, category="aggression", affected=["ARM"], other_parties=["AZE"],
            exercise=True), actor=SEC, at=OPENS - timedelta(days=2))
        held[title] = crises.convene_consultations(db, c.id, actor=SEC,
                                                   at=OPENS - timedelta(days=2))
    north, south = held["Exercise North"], held["Exercise South"]
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        page = client.get(f"/sessions/{north.sessions[0]}").text
    assert _choices(page, "draft-crisis") == {str(north.id): "Exercise North"}
    assert str(south.id) not in _choices(page, "draft-crisis")
