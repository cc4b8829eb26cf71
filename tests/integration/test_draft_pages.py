"""The draft's page, through the pages as the Secretariat and the representatives use
them: what the draft authorizes (measures, formations, contributing states, period) by
their names in the page's language, on the draft, in the register and in the decision's
PDF; the body by its name; the session's draft form; under the written procedure, the
signing form for the member whose turn it is only; on the board, each state's signature
or its head of state's answer."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain import calendar
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import now, today
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.days import working_deadline
from tests.support.sessions import bearer

SEC = Principal("secretariat", Role.SECRETARIAT)
WITH_A_SAY = ["BLR", "KAZ", "KGZ", "RUS", "TJK"]  # the Council's members with a say today


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def login(client: TestClient, user: str) -> None:
    client.cookies.clear()
    client.get("/login")
    password = {"secretariat": "demo-secretariat"}.get(user, f"demo-{user}")
    r = client.post("/login", data={"username": user, "password": password,
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def session(db: Database) -> dec.MeetingOut:
    """A session of the Council opened an hour ago, or at the start of the organization's
    day if that is later (its decisions are the day's whatever the hour the test runs);
    a second one a second after the first's start (a body meets once at a moment, and in
    the day's first hour both would open at its start)."""
    with db.read() as conn:
        org = orgs.organization(conn)
        held = conn.execute(select(func.count()).select_from(t.meeting)).scalar_one()
    start = calendar.start_of(today(org), calendar.zone_name(org))
    opens = max(now() - timedelta(hours=1), start) + timedelta(seconds=held)
    m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=opens), actor=SEC)
    for a in m.attendance:
        dec.record_attendance(db, m.id, a.state, True, actor=SEC)
    return m


def peacekeeping(db: Database, meeting_id: int, **kw: object) -> dec.DraftOut:
    data = {"body": "csc", "meeting_id": meeting_id, "title": "On peacekeeping forces",
            "text_en": "The Council decides to send the peacekeeping forces.",
            "text_ru": "Совет решает направить миротворческие силы.",
            "measures": [Measure.MILITARY_PEACEKEEPING], "formations": ["peacekeeping"],
            "contributing_states": ["KAZ", "RUS"], "period_days": 30, **kw}
    return dec.propose_draft(db, dec.DraftIn.model_validate(data), actor=SEC)


def section(html: str, id_: str) -> str:
    m = re.search(rf'<section class="card" id="{id_}">(.*?)</section>', html, re.S)
    assert m is not None, f"no section {id_}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))


def test_a_draft_shows_what_it_authorizes_and_its_body_by_name(
        client: TestClient, accounts_db: Database) -> None:
    d = peacekeeping(accounts_db, session(accounts_db).id)
    login(client, "rep-kaz")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    shown = section(html, "draft-authorizes")
    assert "military (peacekeeping)" in shown and "Peacekeeping forces" in shown
    assert "Kazakhstan, Russia" in shown and "Period (days): 30" in shown
    assert re.search(r'<p class="muted">Collective Security Council ·', html)
    ru = client.get(f"/drafts/{d.id}?lang=ru").text
    shown = section(ru, "draft-authorizes")
    assert "Миротворческие силы" in shown and "Казахстан, Россия" in shown
    assert "Срок (дней): 30" in shown
    assert re.search(r'<p class="muted">Совет коллективной безопасности ·', ru)
    # a draft that authorizes nothing says nothing of it
    plain = peacekeeping(accounts_db, d.meeting_id or 0, measures=[], formations=[],
                         contributing_states=[], period_days=None, title="Other")
    assert 'id="draft-authorizes"' not in client.get(f"/drafts/{plain.id}").text


def test_the_adopted_decision_shows_what_it_authorizes_in_the_register_and_the_pdf(
        client: TestClient, accounts_db: Database) -> None:
    d = peacekeeping(accounts_db, session(accounts_db).id)
    for s in WITH_A_SAY:
        dec.state_position(accounts_db, d.id, Position.SUPPORT, actor=rep(s))
    done = dec.close_draft(accounts_db, d.id, actor=SEC)
    assert done.decision_id is not None
    login(client, "rep-rus")
    page = client.get(f"/drafts/{d.id}?lang=en").text
    assert 'id="decision-link"' in page
    assert f"/api/v1/decisions/{done.decision_id}/pdf?lang=en" in page
    register = client.get("/decisions?lang=ru").text
    row = re.search(rf'<tr id="decision-{done.decision_id}">(.*?)</tr>', register, re.S)
    assert row is not None
    assert "военные (миротворческие)" in row.group(1) or "миротвор" in row.group(1)
    assert "Миротворческие силы" in row.group(1) and "Казахстан, Россия" in row.group(1)
    for lang, words in (("en", ["Peacekeeping forces", "Kazakhstan, Russia",
                                "Period (days): 30"]),
                        ("ru", ["Миротворческие силы", "Казахстан, Россия",
                                "Срок (дней): 30"])):
        r = client.get(f"/api/v1/decisions/{done.decision_id}/pdf?lang={lang}")
        assert r.status_code == 200
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)
        text = re.sub(r"\s+", " ", text)
        for w in words:
            assert w in text, (lang, w, text)


def test_the_session_form_tables_a_draft_with_its_contributing_states(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    login(client, "secretariat")
    html = client.get(f"/sessions/{m.id}?lang=en").text
    select = re.search(r'<select name="contributing_states" multiple[^>]*>(.*?)</select>', html,
                       re.S)
    assert select is not None
    # the members on the session's day, by name
    assert re.findall(r'<option value="(\w+)"', select.group(1)) == [
        "ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert ">Kazakhstan<" in select.group(1)
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(html), "title": "On peacekeeping forces", "text_en": "To send.",
        "measures": "military_peacekeeping", "formations": "peacekeeping",
        "contributing_states": ["KAZ", "KGZ"], "period_days": "90"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SEC)
    assert d.authorizes.contributing_states == ["KAZ", "KGZ"]
    assert d.authorizes.period_days == 90


def test_the_session_form_tables_a_draft_for_a_limited_period(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    login(client, "secretariat")
    html = client.get(f"/sessions/{m.id}?lang=ru").text
    assert 'name="period_limited"' in html and "На ограниченный срок, без числа дней" in html
    form = {"csrf_token": token(html), "title": "On peacekeeping forces",
            "text_en": "To send them for a limited period.",
            "measures": "military_peacekeeping", "period_limited": "1", "period_days": "90"}
    # a number of days and a limited period at once: refused, the form kept, in Russian
    r = client.post(f"/sessions/{m.id}/drafts?lang=ru", data=form)
    assert r.status_code == 422
    assert "Срок в 90 дней уже ограничен" in r.text, r.text
    assert re.search(r'name="period_limited" value="1"\s+checked', r.text)
    r = client.post(f"/sessions/{m.id}/drafts", data={
        **form, "csrf_token": token(r.text), "period_days": ""}, follow_redirects=False)
    assert r.status_code == 303, r.text
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SEC)
    assert d.authorizes.period_limited and d.authorizes.period_days is None
    shown = section(client.get(f"/drafts/{draft_id}?lang=ru").text, "draft-authorizes")
    assert "На ограниченный срок" in shown
    assert "пока не отозваны официальные обращения" in shown


def test_a_draft_for_days_and_a_limited_period_is_refused_on_the_api(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    token_ = bearer(accounts_db, "secretariat")
    r = client.post("/api/v1/drafts", headers=token_, json={
        "body": "csc", "meeting_id": m.id, "title": "On peacekeeping forces",
        "text_en": "To send.", "measures": ["military_peacekeeping"], "period_days": 30,
        "period_limited": True})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert "period_limited" in r.text and "30 days is limited already" in r.text
    with accounts_db.read() as conn:
        assert dec.get_meeting(conn, m.id, actor=SEC).drafts == []  # nothing written


def test_the_secretariat_circulates_a_draft_for_signature_from_the_sessions_page(
        client: TestClient, accounts_db: Database) -> None:
    login(client, "secretariat")
    html = client.get("/sessions?lang=ru").text
    assert 'id="written-form"' in html and "Письменная процедура" in html
    form = {"csrf_token": token(html), "body": "csc", "title": "О бюджете",
            "text_ru": "Утвердить бюджет.", "deadline": "2020-01-01T10:00"}
    # a deadline already passed: the form again, in Russian, with what was typed
    r = client.post("/written?lang=ru", data=form)
    assert r.status_code == 422
    error = re.search(r'id="written-error">([^<]+)<', r.text)
    assert error is not None and "срок" in error.group(1).lower(), r.text
    assert 'value="О бюджете"' in r.text and "Утвердить бюджет.</textarea>" in r.text
    assert 'value="2020-01-01T10:00"' in r.text
    at = working_deadline(5)  # a working day in Moscow
    deadline = at.strftime("%Y-%m-%dT%H:%M")
    r = client.post("/written", data={**form, "deadline": deadline}, follow_redirects=False)
    assert r.status_code == 303, r.text
    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        d = dec.get_draft(conn, draft_id, actor=SEC)
    assert d.procedure == "written" and d.signing_order == WITH_A_SAY and d.turn == "BLR"
    assert d.deadline is not None and d.deadline.strftime("%Y-%m-%dT%H:%M") == deadline
    # a representative does not circulate drafts
    login(client, "rep-kaz")
    html = client.get("/sessions").text
    assert 'id="written-form"' not in html
    r = client.post("/written", data={**form, "csrf_token": token(html),
                                      "deadline": deadline})
    assert r.status_code == 403


def written(db: Database) -> dec.DraftOut:
    return dec.propose_draft(db, dec.DraftIn(
        body="csc", procedure="written", title="On the budget", text_en="To adopt the budget.",
        deadline=working_deadline(5)), actor=SEC)


def element(html: str, tag: str, id_: str) -> str:
    """The text of the element `<tag id=id_>`."""
    m = re.search(rf'<{tag}[^>]* id="{id_}"[^>]*>(.*?)</{tag}>', html, re.S)
    assert m is not None, f"no {tag} {id_}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1))).strip()


def test_the_written_procedure_asks_only_the_state_whose_turn_it_is(
        client: TestClient, accounts_db: Database) -> None:
    d = written(accounts_db)
    assert d.signing_order[:2] == ["BLR", "KAZ"] and d.turn == "BLR"
    login(client, "rep-kaz")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    assert 'id="sign-form"' not in html
    waiting = re.search(r'id="sign-waiting"><strong>([^<]+)<', html)
    assert waiting is not None and waiting.group(1) == "Waiting for Belarus to sign first."
    ru = client.get(f"/drafts/{d.id}?lang=ru").text
    assert "Сначала подписывает Беларусь" in ru
    # a signature sent out of turn (a page left open) comes back on the draft's page
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(html), "answer": "sign"})
    assert r.status_code == 409
    assert "<h1>On the budget</h1>" in r.text
    error = re.search(r'id="sign-error">([^<]+)<', r.text)
    assert error is not None and "BLR" in error.group(1)
    login(client, "rep-blr")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    assert 'id="sign-form"' in html and 'id="sign-waiting"' not in html
    # a reservation without its text: the form again, the answer kept
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(html),
                                                  "answer": "reservation"})
    assert r.status_code == 422 and 'id="sign-error"' in r.text
    assert re.search(r'<option value="reservation" selected>', r.text)
    # the answer in the name of an acting head of state, named on the form
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(html), "answer": "sign",
                                                  "given_by": "the acting President"},
                    follow_redirects=False)
    assert r.status_code == 303
    login(client, "rep-kaz")
    html = client.get(f"/drafts/{d.id}").text
    assert 'id="sign-form"' in html and 'id="sign-waiting"' not in html
    assert 'name="given_by"' in html
    assert "the acting President" in html  # Belarus's line among the signatories
    assert "transmitted by rep-blr" in html  # and the account that transmitted it
    login(client, "rep-rus")
    assert "Waiting for Kazakhstan to sign first." in client.get(f"/drafts/{d.id}").text


def test_a_member_may_object_before_its_turn(client: TestClient, accounts_db: Database) -> None:
    d = written(accounts_db)
    login(client, "rep-rus")
    html = client.get(f"/drafts/{d.id}").text
    form = re.search(r'<form[^>]*id="object-form".*?</form>', html, re.S)
    assert form is not None and 'name="answer" value="object"' in form.group(0)
    r = client.post(f"/drafts/{d.id}/sign", data={"csrf_token": token(html),
                                                  "answer": "object"}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "returned"


def tiles(html: str) -> dict[str, tuple[str, str]]:
    """Each state's tile on the draft's board: (its class, what it says)."""
    return {m.group(2): (m.group(1), re.sub(r"\s+", " ", m.group(3)).strip())
            for m in re.finditer(r'<div class="seat (\w+)" data-state="(\w+)"[^>]*>.*?'
                                 r'<span class="pos \w+">([^<]*)</span>', html, re.S)}


def test_the_board_shows_the_signatures_of_a_written_procedure(
        client: TestClient, accounts_db: Database) -> None:
    from phalanx.domain.decisions.procedure import Answer

    d = written(accounts_db)
    dec.sign(accounts_db, d.id, actor=rep("BLR"))
    dec.sign(accounts_db, d.id, answer=Answer.RESERVATION, reservation="subject to ratification",
             actor=rep("KAZ"))
    login(client, "rep-rus")
    board = tiles(client.get(f"/drafts/{d.id}/board?lang=en").text)
    assert board["BLR"] == ("support", "signed")
    assert board["KAZ"] == ("reservation", "signed with a reservation")
    assert board["KGZ"] == ("not_stated", "to sign now")
    assert board["RUS"] == ("not_stated", "not signed yet")
    board = tiles(client.get(f"/drafts/{d.id}/board?lang=ru").text)
    assert board["KGZ"] == ("not_stated", "подписывает сейчас")
    assert board["RUS"] == ("not_stated", "ещё не подписано")
    shown = client.get(f"/drafts/{d.id}/board?lang=en").text
    assert "subject to ratification" in shown
    # each answer in the name of the state's head of state (the Council's seat holder)
    with accounts_db.read() as conn:
        answers = {a.state: a.given_by
                   for a in dec.get_draft(conn, d.id, actor=rep("RUS")).answers}
    assert answers["BLR"] and answers["BLR"] in shown and answers["KAZ"] in shown
    dec.sign(accounts_db, d.id, answer=Answer.OBJECT, actor=rep("TJK"))
    board = tiles(client.get(f"/drafts/{d.id}?lang=ru").text)
    assert board["BLR"] == ("support", "подписано")
    assert board["TJK"] == ("object", "возражение")
    assert board["RUS"] == ("not_stated", "ещё не подписано")


def test_the_board_shows_the_answers_of_a_consultation(
        client: TestClient, accounts_db: Database) -> None:
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", procedure="consultation", question="peacekeeping", title="On peacekeeping",
        text_en="To send the peacekeeping forces."), actor=SEC)
    assert d.chair is not None
    chair = rep(d.chair)
    given = now()
    for state, position in (("BLR", Position.SUPPORT), ("KAZ", Position.NO_OBJECTION),
                            ("KGZ", Position.OBJECT)):
        dec.record_answer(accounts_db, d.id, dec.ConsultationAnswerIn(
            state=state, position=position, given_at=given), actor=chair)
    login(client, "rep-tjk")
    board = tiles(client.get(f"/drafts/{d.id}?lang=en").text)
    assert board["BLR"] == ("support", "support")
    assert board["KAZ"] == ("no_objection", "no objection")
    assert board["KGZ"] == ("object", "object")
    assert board["RUS"] == ("not_stated", "not yet reached")
    html = client.get(f"/drafts/{d.id}/board?lang=ru").text
    assert "телефон" in html  # how the answer was given
    # a single state not reached yet, in words that agree with it
    html = client.get(f"/drafts/{d.id}?lang=ru").text
    assert tiles(html)["RUS"] == ("not_stated", "ответа ещё нет")
    assert element(html, "tr", "consulted-RUS") == "Россия ответа ещё нет"



def test_a_decision_by_consultation_reads_in_russian(
        client: TestClient, accounts_db: Database) -> None:
    """The chair's announcement and the answers of a consultation on a Russian page: the
    outcome's reason in Russian words with its date day first, and each head of state
    by the name the dataset writes in Russian."""
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", procedure="consultation", question="peacekeeping", title="On peacekeeping",
        text_en="To send the peacekeeping forces."), actor=SEC)
    assert d.chair is not None
    given = now().replace(second=0, microsecond=0)
    for state in d.signing_order:
        dec.record_answer(accounts_db, d.id, dec.ConsultationAnswerIn(
            state=state, position=Position.SUPPORT, given_at=given), actor=rep(d.chair))
    done = dec.announce(accounts_db, d.id, actor=rep(d.chair))
    assert "by consultation of the heads of state" in (done.outcome_reason or "")
    login(client, "rep-tjk")
    html = client.get(f"/drafts/{d.id}?lang=ru").text
    announced = element(html, "p", "announced")
    assert "путём консультаций глав государств, объявлено председателем" in announced
    assert f"последний ответ {given:%d.%m.%Y %H:%M} UTC: принято" in announced
    assert "ни один член с правом голоса не возражает" in announced
    assert not re.search(r"[A-Za-z]{3,}[a-z]", announced.replace("UTC", "")), announced
    board = element(html, "p", f"outcome-{d.id}")
    assert "путём консультаций" in board and "by consultation" not in board
    row = element(html, "tr", "consulted-RUS")
    assert "Владимир Путин" in row and "Vladimir Putin" not in row
