"""A crisis's drafts on its room, in its API and in its situation report: the draft on
assistance to Armenia returned at the Council's regular session is named with its fate,
in English and Russian; the Secretariat ties and unties a draft from the room and the
API, a refusal beside the form; a member not among a draft's readers is never named it."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.services import clock, crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n import texts_for
from tests.integration.test_crisis_drafts import OPENS, SEC, _crisis, _yerevan, rep
from tests.support.sessions import bearer, login


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _section(html: str) -> str:
    found = re.search(r'<section class="card" id="crisis-drafts">(.*?)</section>', html, re.S)
    assert found is not None
    return found.group(1)


def _pdf(db: Database, crisis_id: int, lang: str) -> str:
    with db.read() as conn:
        pdf = crises.report_pdf(conn, crisis_id, actor=SEC, texts=texts_for(lang))
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_room_and_the_report_name_the_returned_draft(accounts_db: Database,
                                                          settings: Settings) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, assistance, adopted = _yerevan(db, cid)
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        part = _section(client.get(f"/crises/{cid}").text)
        assert "On collective assistance to Armenia" in part
        assert f'data-draft="{assistance}" data-status="returned"' in part
        assert "returned" in part and "ARM" in part  # why: Armenia objected
        assert "Tie a draft" not in part  # a representative does not keep the file
        ru = _section(client.get(f"/crises/{cid}?lang=ru").text)
        assert "Проекты и решения по этому кризису" in ru
        assert "Drafts and decisions" not in ru
        timeline = client.get(f"/crises/{cid}/live?lang=ru").text
        assert f"внесён проект {assistance}" in timeline
    text = re.sub(r"\s+", " ", _pdf(db, cid, "en"))
    assert "Drafts and decisions on this crisis" in text
    assert "On collective assistance to Armenia" in text and "returned" in text
    assert "Проекты и решения по этому кризису" in re.sub(r"\s+", " ", _pdf(db, cid, "ru"))
    with db.read() as conn:  # the adopted one, tabled about nothing, is not in the file
        assert [x.id for x in crises.get(conn, cid, actor=SEC).drafts] == [assistance]
    assert adopted != assistance


def test_the_secretariat_ties_and_unties_from_the_room(accounts_db: Database,
                                                      settings: Settings) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, assistance, _ = _yerevan(db, None)
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        html = client.get(f"/crises/{cid}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        assert 'id="tie-draft-form"' in _section(html)
        r = client.post(f"/crises/{cid}/drafts", data={
            "csrf_token": token, "draft_id": str(assistance),
            "reason": "it answers Armenia's request"}, follow_redirects=False)
        assert r.status_code == 303
        part = _section(client.get(f"/crises/{cid}").text)
        assert "Tied to this crisis by the Secretariat: it answers Armenia" in part
        # tied again: refused beside the form, in the reader's language, what was typed kept
        r = client.post(f"/crises/{cid}/drafts?lang=ru", data={
            "csrf_token": token, "draft_id": str(assistance), "reason": "again"})
        assert r.status_code == 409
        assert f"Проект {assistance} уже есть в деле кризиса {cid}" in r.text
        assert 'id="tie-draft-error"' in r.text and 'value="again"' in r.text
        # a number that names no draft: refused beside the form, not a page of its own
        r = client.post(f"/crises/{cid}/drafts?lang=ru", data={
            "csrf_token": token, "draft_id": "999999", "reason": "по просьбе Армении"})
        assert r.status_code == 422
        error = re.search(r'id="tie-draft-error"[^>]*>([^<]*)<', r.text)
        assert error is not None and error.group(1) == "Не найдено: проект 999999"
        assert 'value="по просьбе Армении"' in r.text and 'value="999999"' in r.text
        client.cookies.delete("lang")
        r = client.post(f"/crises/{cid}/drafts/{assistance}/untie", data={
            "csrf_token": token, "reason": ""})
        assert r.status_code == 422 and 'id="untie-draft-error"' in r.text
        r = client.post(f"/crises/{cid}/drafts/{assistance}/untie", data={
            "csrf_token": token, "reason": "tied by mistake"}, follow_redirects=False)
        assert r.status_code == 303
        assert "No draft about this crisis is on record." in _section(
            client.get(f"/crises/{cid}").text)


def test_the_api_ties_names_and_hides(accounts_db: Database, settings: Settings) -> None:
    db = accounts_db
    cid = _crisis(db)
    with clock.use(OPENS - timedelta(days=31)):
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=OPENS), actor=SEC)
        hidden = dec.propose_draft(db, dec.DraftIn(
            body="csc", meeting_id=m.id, title="Held for two", text_en="The Council decides.",
            marking=Marking.PARTICIPANTS, participants=["ARM", "RUS"]), actor=SEC).id
    with TestClient(create_app(settings, db)) as client:
        sec, kaz = bearer(db, "secretariat"), bearer(db, "rep-kaz")
        r = client.post(f"/api/v1/crises/{cid}/drafts", headers=kaz,
                        json={"draft_id": hidden, "reason": "mine"})
        assert r.status_code == 403
        r = client.post(f"/api/v1/crises/{cid}/drafts", headers=sec,
                        json={"draft_id": hidden})
        assert r.status_code == 422 and "reason" in r.text
        r = client.post(f"/api/v1/crises/{cid}/drafts", headers=sec,
                        json={"draft_id": hidden, "reason": "about the request"})
        assert r.status_code == 201 and [d["id"] for d in r.json()] == [hidden]
        assert client.get(f"/api/v1/crises/{cid}", headers=sec).json()["drafts"][0][
            "tie"] == "tied"
        body = client.get(f"/api/v1/crises/{cid}", headers=kaz).json()
        assert body["drafts"] == [] and "Held for two" not in str(body)
        r = client.post(f"/api/v1/crises/{cid}/drafts/{hidden}/untie", headers=sec,
                        json={"reason": "not about it"})
        assert r.status_code == 200 and r.json() == []
        r = client.post(f"/api/v1/crises/{cid}/drafts/{hidden}/untie", headers=sec,
                        json={"reason": "again"})
        assert r.status_code == 409
        assert r.headers["content-type"].startswith("application/problem+json")
    assert rep("KAZ").state == "KAZ"


def test_the_timeline_names_a_draft_by_its_russian_title(accounts_db: Database,
                                                         settings: Settings) -> None:
    db = accounts_db
    cid = _crisis(db)
    _, assistance, _adopted = _yerevan(db, cid, title_ru="О коллективной помощи Армении")
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        ru = client.get(f"/crises/{cid}/live?lang=ru").text
        assert f"внесён проект {assistance}: О коллективной помощи Армении" in ru
        en = client.get(f"/crises/{cid}/live?lang=en").text
        assert f"draft {assistance} tabled: On collective assistance to Armenia" in en


def test_the_report_s_timeline_names_a_draft_by_its_russian_title(
        accounts_db: Database) -> None:
    """The situation report in Russian writes the timeline's draft by its Russian title,
    as the room does; in English by its title as written."""
    db = accounts_db
    cid = _crisis(db)
    _, assistance, _ = _yerevan(db, cid, title_ru="О коллективной помощи Армении")
    ru = re.sub(r"\s+", " ", _pdf(db, cid, "ru"))
    assert f"внесён проект {assistance}: О коллективной помощи Армении" in ru
    assert "On collective assistance to Armenia" not in ru
    en = re.sub(r"\s+", " ", _pdf(db, cid, "en"))
    assert f"draft {assistance} tabled: On collective assistance to Armenia" in en
    assert "О коллективной помощи" not in en
