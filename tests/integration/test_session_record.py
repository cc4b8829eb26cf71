"""A session's record as the Secretariat keeps it on the session's page: who represents a
state whose head of state does not come, and a closed session's attendance and agenda
standing as its drafts were judged on them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain import calendar
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, WITH_A_SAY, login, rep, token
from tests.support.days import working


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _seats(page: str) -> dict[str, str]:
    return dict(re.findall(r'<div class="seat [a-z]+" data-state="([A-Z]{3})">(.*?)</div>',
                           page, re.S))


def test_the_secretary_records_who_represents_a_state(
        client: TestClient, accounts_db: Database) -> None:
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    r = client.post(f"/sessions/{m.id}/attendance", data={
        "csrf_token": token(page), "state": "KAZ", "present": "true",
        "note": " Премьер-министр Олжас Бектенов "}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        kaz = next(a for a in dec.get_meeting(conn, m.id, actor=SEC).attendance
                   if a.state == "KAZ")
    assert kaz.present and kaz.note == "Премьер-министр Олжас Бектенов"
    seats = _seats(client.get(f"/sessions/{m.id}?lang=ru").text)
    assert "представитель: Премьер-министр Олжас Бектенов" in seats["KAZ"]
    assert "представитель" not in seats["BLR"]
    # marked absent, the state has no representative any more
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    client.post(f"/sessions/{m.id}/attendance", data={
        "csrf_token": token(page), "state": "KAZ", "present": "false",
        "note": "Премьер-министр Олжас Бектенов"}, follow_redirects=False)
    with accounts_db.read() as conn:
        kaz = next(a for a in dec.get_meeting(conn, m.id, actor=SEC).attendance
                   if a.state == "KAZ")
    assert not kaz.present and kaz.note == ""


def test_a_closed_sessions_attendance_and_agenda_stand(
        client: TestClient, accounts_db: Database) -> None:
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    dec.record_attendance(accounts_db, m.id, "RUS", True, actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text  # sent before the session closed
    dec.set_session_status(accounts_db, m.id, "closed", actor=SEC)
    r = client.post(f"/sessions/{m.id}/attendance?lang=ru", data={
        "csrf_token": token(page), "state": "RUS", "present": "false"})
    assert r.status_code == 409
    error = re.search(r'id="attendance-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == (f"Сессия {m.id} закрыта: присутствие на ней больше не "
                              "изменяется")
    with accounts_db.read() as conn:
        assert next(a for a in dec.get_meeting(conn, m.id, actor=SEC).attendance
                    if a.state == "RUS").present
    # the closed session's page offers no attendance form
    assert all("<form" not in html for html in _seats(r.text).values())
    with pytest.raises(Conflict):
        dec.add_agenda_item(accounts_db, m.id, "Late item", actor=SEC)


def test_a_draft_revised_after_its_session_closed_is_not_decided_in_it(
        client: TestClient, accounts_db: Database) -> None:
    """A draft returned at a session and revised after the session closed is open again,
    but no longer decided in that session: the page offers no button to decide it, and a
    page sent before says why and what to do, beside the button."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(accounts_db, m.id, a.state, True, actor=SEC)
    d = dec.propose_draft(accounts_db, dec.DraftIn(body="csc", meeting_id=m.id, title="On B",
                                                   text_ru="Совет решил: …"), actor=SEC)
    dec.state_position(accounts_db, d.id, Position.OBJECT, "", actor=rep("KAZ"))
    assert dec.close_draft(accounts_db, d.id, actor=SEC).status == "returned"
    dec.set_session_status(accounts_db, m.id, "closed", actor=SEC)
    dec.revise_draft(accounts_db, d.id, "", "Совет решил: … (v2)", actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    assert 'id="close-draft"' not in page
    r = client.post(f"/drafts/{d.id}/close?lang=ru", data={"csrf_token": token(page)})
    assert r.status_code == 409
    error = re.search(r'id="close-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == (f"Сессия {m.id} закрыта: её проекты решались, пока она "
                              "заседала; внесите доработанный проект на другую сессию")
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "open"


def test_a_drafts_page_shows_its_history_version_by_version(
        client: TestClient, accounts_db: Database) -> None:
    """Between sessions the Secretariat reads a draft's history on its page: every version,
    who made it and when, the amendment and state it came from, and what it changed."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan",
        text_ru="Утвердить План.\nДоложить Совету.", text_en="To approve the Plan."),
        actor=SEC)
    a = dec.propose_amendment(accounts_db, d.id, 1, "", "Утвердить План на 2027 год.\n"
                              "Доложить Совету.", actor=rep("KAZ"))
    dec.decide_amendment(accounts_db, a.id, True, actor=SEC)
    dec.revise_draft(accounts_db, d.id, "To approve the Plan for 2027.",
                     "Утвердить План на 2027 год.\nДоложить Совету до 1 декабря.", actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/drafts/{d.id}?lang=ru").text
    versions = re.findall(r'<li id="version-(\d)"><details[^>]*><summary>(.*?)</summary>(.*?)'
                          r"</details></li>", page, re.S)
    assert [n for n, _s, _b in versions] == ["3", "2", "1"]
    by = {n: (summary, body) for n, summary, body in versions}
    assert by["3"][0].startswith("Редакция 3") and "secretariat" in by["3"][0]
    assert "+Доложить Совету до 1 декабря." in by["3"][1]
    assert "-Доложить Совету." in by["3"][1]
    assert f"поправка № {a.id}, Казахстан" in by["2"][0]
    assert "+Утвердить План на 2027 год." in by["2"][1]
    assert "исходная" in by["1"][0] and "diff" not in by["1"][1]


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    assert content.startswith(b"%PDF")
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


def test_the_sessions_record_as_pdf(client: TestClient, accounts_db: Database) -> None:
    """The Secretariat issues the session's record from its page: who attended and who
    represented a state, the agenda, each draft's outcome with the objection and the
    member that stayed out named, the decision registered; provisional until closed."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(accounts_db, m.id, a.state, a.state in WITH_A_SAY,
                              "Премьер-министр Олжас Бектенов" if a.state == "KAZ" else "",
                              actor=SEC)
    dec.add_agenda_item(accounts_db, m.id, "О Плане коллективных действий", actor=SEC)
    adopted = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="О Плане", text_ru="Утвердить План."), actor=SEC)
    returned = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="О заявлении", text_ru="Принять заявление."),
        actor=SEC)
    for s in WITH_A_SAY:
        dec.state_position(accounts_db, adopted.id, Position.NOT_TAKING_PART if s == "TJK"
                           else Position.SUPPORT, "", actor=rep(s))
    dec.state_position(accounts_db, returned.id, Position.OBJECT, "Требуется доработка п. 2",
                       actor=rep("KAZ"))
    decided = dec.close_draft(accounts_db, adopted.id, actor=SEC)
    dec.close_draft(accounts_db, returned.id, actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    link = re.search(r'<a href="([^"]+)" id="session-record">([^<]+)</a>', page)
    assert link is not None and link.group(2) == "Предварительный протокол (PDF)"
    assert "предварительный" in _pdf_text(client.get(link.group(1)).content)

    dec.set_session_status(accounts_db, m.id, "closed", actor=SEC)
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    link = re.search(r'<a href="([^"]+)" id="session-record">([^<]+)</a>', page)
    assert link is not None and link.group(2) == "Протокол сессии (PDF)"
    r = client.get(link.group(1))
    assert r.headers["content-type"] == "application/pdf"
    text = _pdf_text(r.content)
    with accounts_db.read() as conn:
        number = dec.get_decision(conn, decided.decision_id, actor=SEC).number
    assert "Протокол сессии" in text and "предварительный" not in text
    # the session's title, the body's name in it too, in the reader's language
    assert "Совет коллективной безопасности: заседание (очередное)" in text
    assert "Премьер-министр Олжас Бектенов" in text
    assert "1. О Плане коллективных действий" in text
    assert f"Решение {number}" in text
    assert "Не участвуют в решении (ограниченный формат): Таджикистан" in text
    assert "Казахстан возражает: Требуется доработка п. 2" in text
    # the other readers' record in English
    en = _pdf_text(client.get(f"/sessions/{m.id}/record.pdf?lang=en").content)
    assert "Record of the session" in en and "Kazakhstan objects" in en


def test_the_session_page_says_when_the_papers_are_due_and_which_came_late(
        client: TestClient, accounts_db: Database) -> None:
    """A regular session of the Council: the page says the day the drafts are due at the
    members (the dataset's period, 30 days), and marks a draft whose text reached them
    later; an extraordinary session has no such period."""
    ahead = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() + timedelta(
        days=45)), actor=SEC)
    soon = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() + timedelta(
        days=20)), actor=SEC)
    urgent = dec.convene(accounts_db, dec.MeetingIn(body="csc", kind="extraordinary",
                                                    opens_at=now() + timedelta(days=2)),
                         actor=SEC)
    for m in (ahead, soon, urgent):
        dec.propose_draft(accounts_db, dec.DraftIn(body="csc", meeting_id=m.id, title="О Плане",
                                                   text_ru="Утвердить План."), actor=SEC)
    login(client, "secretariat")

    def due(m: dec.MeetingOut) -> str:  # the day where the Secretariat sits
        with accounts_db.read() as conn:
            zone = calendar.zone(calendar.zone_name(orgs.organization(conn)))
        return (m.opens_at - timedelta(days=30)).astimezone(zone).strftime("%d.%m.%Y")

    page = client.get(f"/sessions/{ahead.id}?lang=ru").text
    line = re.search(r'<p id="papers-due" class="small">([^<]+)</p>', page)
    assert line is not None
    assert line.group(1) == ("Документы (проекты) направляются государствам-членам не позднее "
                             f"чем за 30 дней до сессии: до {due(ahead)} включительно.")
    assert 'id="papers-late-' not in page
    page = client.get(f"/sessions/{soon.id}?lang=ru").text
    late = re.search(r'id="papers-late-\d+">([^<]+)</p>', page)
    assert late is not None
    with accounts_db.read() as conn:  # sent today where the Secretariat sits
        sent = now().astimezone(calendar.zone(calendar.zone_name(orgs.organization(conn))))
    assert late.group(1) == (f"Действующая редакция направлена государствам-членам "
                             f"{sent:%d.%m.%Y}, позже срока рассылки документов "
                             f"({due(soon)}).")
    page = client.get(f"/sessions/{urgent.id}?lang=ru").text
    assert 'id="papers-due"' not in page and 'id="papers-late-' not in page


def test_the_session_is_convened_with_its_place_and_shows_its_chair(
        client: TestClient, accounts_db: Database) -> None:
    """The convening form takes the session's place; the session's page gives it, and
    the state chairing the Council that year (the rotation) with its head of state."""
    login(client, "secretariat")
    page = client.get("/sessions?lang=ru").text
    assert re.search(r'<input name="place"', page)
    r = client.post("/sessions", data={"csrf_token": token(page), "body": "csc",
                                       "kind": "regular", "mode": "in_person",
                                       "place": "Москва", "opens_at": "2026-06-01T07:00"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"{r.headers['location']}?lang=ru").text
    line = re.search(r'<p id="session-place" class="small">(.*?)</p>', page)
    assert line is not None
    assert line.group(1) == ("Место: Москва · Председательство (2026): Россия "
                             "(Владимир Путин)")


def test_a_draft_is_tabled_or_circulated_on_its_kind_of_question(
        client: TestClient, accounts_db: Database) -> None:
    """The forms offer the questions the body decides (its decision rules): a procedural
    draft in session, an appointment under the written procedure."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() + timedelta(days=40)),
                    actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    select = re.search(r'<select name="question" id="draft-question">(.*?)</select>', page,
                       re.S)
    assert select is not None
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', select.group(1))
    assert options[0] == ("default", "общий") and ("procedural", "процедурный") in options
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(page), "title": "О порядке работы", "text_ru": "Утвердить.",
        "question": "procedural"}, follow_redirects=False)
    assert r.status_code == 303
    tabled = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get("/sessions?lang=ru").text
    assert re.search(r'<select name="question" id="written-question">.*?'
                     r'<option value="appointment"', page, re.S)
    friday = working(now() + timedelta(days=10))  # its last day a Moscow working day
    r = client.post("/written", data={
        "csrf_token": token(page), "body": "csc", "title": "О назначении",
        "text_ru": "Назначить.", "question": "appointment",
        "deadline": f"{friday:%Y-%m-%dT%H:%M}"}, follow_redirects=False)
    assert r.status_code == 303
    circulated = int(r.headers["location"].rsplit("/", 1)[1])
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, tabled, actor=SEC).question == "procedural"
        assert dec.get_draft(conn, circulated, actor=SEC).question == "appointment"


def test_a_draft_answers_an_item_of_its_sessions_agenda(
        client: TestClient, accounts_db: Database) -> None:
    """A draft tabled on the session's page names the agenda item it answers; the agenda
    lists each item's drafts. An item of another session's agenda is refused, with the
    reason beside the form in the page's language, and nothing is tabled."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() + timedelta(days=40)),
                    actor=SEC)
    other = dec.convene(accounts_db, dec.MeetingIn(body="csc",
                                                   opens_at=now() + timedelta(days=60)),
                        actor=SEC)
    item = dec.add_agenda_item(accounts_db, m.id, "О Плане коллективных действий",
                               actor=SEC).agenda[0]
    elsewhere = dec.add_agenda_item(accounts_db, other.id, "О бюджете", actor=SEC).agenda[0]
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert re.search(rf'<option value="{item.id}" >1\. О Плане коллективных действий</option>',
                     page)
    r = client.post(f"/sessions/{m.id}/drafts", data={
        "csrf_token": token(page), "title": "Об утверждении Плана", "text_ru": "Утвердить.",
        "agenda_item": str(item.id)}, follow_redirects=False)
    assert r.status_code == 303
    tabled = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    listed = re.search(rf'<li id="agenda-item-{item.id}">(.*?)</ul></li>', page, re.S)
    assert listed is not None and f'<a href="/drafts/{tabled}">Об утверждении Плана</a>' \
        in listed.group(1)

    r = client.post(f"/sessions/{m.id}/drafts?lang=ru", data={
        "csrf_token": token(page), "title": "О бюджете", "text_ru": "Утвердить бюджет.",
        "agenda_item": str(elsewhere.id)})
    assert r.status_code == 422
    error = re.search(r'id="draft-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == (f"Пункт {elsewhere.id} не входит в повестку дня сессии "
                              f"{m.id}")
    with accounts_db.read() as conn:
        assert len(dec.get_meeting(conn, m.id, actor=SEC).drafts) == 1
