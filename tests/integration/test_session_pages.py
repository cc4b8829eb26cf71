"""A session is prepared and run on its page: the Secretariat sets its agenda, opens it
and closes it (a closed session takes no new draft); a refusal comes back beside its
form in the page's language; the representatives see the agenda and no such forms.
Each step is in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, login, token
from tests.support.sessions import bearer


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def test_the_secretariat_sets_the_agenda_opens_and_closes_a_session(
        client: TestClient, accounts_db: Database) -> None:
    m = dec.convene(accounts_db, dec.MeetingIn(body="cmfa", opens_at=now() + timedelta(days=1)),
                    actor=SEC)
    login(client, "secretariat")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert 'id="agenda-form"' in page and 'id="open-session"' in page
    r = client.post(f"/sessions/{m.id}/agenda", data={
        "csrf_token": token(page), "title": "О положении в Афганистане"},
        follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    agenda = re.search(r"<h2>Повестка дня</h2>\s*<ol>(.*?)</ol>", page, re.S)
    assert agenda is not None and "О положении в Афганистане" in agenda.group(1)

    r = client.post(f"/sessions/{m.id}/status", data={"csrf_token": token(page),
                                                      "status": "open"},
                    follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        assert dec.get_meeting(conn, m.id, actor=SEC).status == "open"
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert 'id="open-session"' not in page and 'id="close-session"' in page
    r = client.post(f"/sessions/{m.id}/status", data={"csrf_token": token(page),
                                                      "status": "closed"},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert 'id="close-session"' not in page and 'id="draft-form"' not in page
    assert "закрыто" in page

    # a page sent before the session closed asks to open it: refused beside the form
    r = client.post(f"/sessions/{m.id}/status?lang=ru", data={"csrf_token": token(page),
                                                              "status": "open"})
    assert r.status_code == 409
    error = re.search(r'id="status-error">([^<]+)<', r.text)
    assert error is not None
    assert error.group(1) == "Сессия в состоянии «закрыто» не может стать «открыто»"

    with accounts_db.read() as conn:
        actions = [a for (a,) in conn.execute(select(t.audit_log.c.action).where(
            t.audit_log.c.target_id == str(m.id), t.audit_log.c.target_kind == "session"))]
    assert {"session.agenda_add", "session.open", "session.closed"} <= set(actions)


def test_a_representative_sees_the_agenda_and_no_forms_to_run_the_session(
        client: TestClient, accounts_db: Database) -> None:
    m = dec.convene(accounts_db, dec.MeetingIn(body="cmfa", opens_at=now() + timedelta(days=1)),
                    actor=SEC)
    dec.add_agenda_item(accounts_db, m.id, "On the joint statement", actor=SEC)
    login(client, "rep-kaz")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    assert "On the joint statement" in page
    for form in ("agenda-form", "open-session", "close-session"):
        assert f'id="{form}"' not in page


def test_a_representative_records_its_own_attendance_on_the_page(
        client: TestClient, accounts_db: Database) -> None:
    """A member records its own attendance (the Secretariat everyone's): its seat on the
    session's page has the button, the other seats none."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="cmfa", opens_at=now() + timedelta(days=1)),
                    actor=SEC)
    login(client, "rep-kaz")
    page = client.get(f"/sessions/{m.id}?lang=ru").text
    seats = dict(re.findall(r'<div class="seat [a-z]+" data-state="([A-Z]{3})">(.*?)</div>',
                            page, re.S))
    assert 'action="/sessions/' in seats["KAZ"]
    # the button says what it records, not a state beside the seat's own
    assert re.search(r"<button[^>]*>Отметить присутствие</button>", seats["KAZ"])
    assert "отсутствует</button>" not in seats["KAZ"]
    assert all('action="/sessions/' not in html for state, html in seats.items()
               if state != "KAZ")
    r = client.post(f"/sessions/{m.id}/attendance", data={
        "csrf_token": token(page), "state": "KAZ", "present": "true"}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        present = {a.state: a.present for a in dec.get_meeting(conn, m.id, actor=SEC).attendance}
    assert present["KAZ"] and not present["BLR"]


def test_the_attendance_forms_follow_the_one_rule_of_who_acts_for_a_state(
        client: TestClient, accounts_db: Database) -> None:
    """A seat's form is there exactly when the service would record what it sends: not for
    a national agency's reporter of that state, nor for a representative whose
    appointment has ended, nor for anyone once the session is closed."""
    m = dec.convene(accounts_db, dec.MeetingIn(body="cmfa", opens_at=now() + timedelta(days=1)),
                    actor=SEC)

    def forms(user: str) -> set[str]:
        login(client, user)
        page = client.get(f"/sessions/{m.id}/board").text
        client.cookies.clear()
        seats = re.findall(r'<div class="seat [a-z]+" data-state="([A-Z]{3})">(.*?)</div>',
                           page, re.S)
        return {state for state, html in seats if 'action="/sessions/' in html}

    assert forms("secretariat") == {a.state for a in m.attendance}
    assert forms("rep-kaz") == {"KAZ"}
    assert forms("reporter-kaz") == set()
    admin = bearer(accounts_db, "admin")
    ended = (now().date() - timedelta(days=1)).isoformat()
    assert client.patch("/api/v1/users/rep-kaz", headers=admin,
                        json={"acts_until": ended}).status_code == 200
    assert forms("rep-kaz") == set()
    dec.set_session_status(accounts_db, m.id, "closed", actor=SEC)
    assert forms("secretariat") == set()
