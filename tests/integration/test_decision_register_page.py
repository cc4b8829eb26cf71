"""The Secretariat publishes an adopted decision from the register of decisions (it
could only through the API): the decision becomes public, the step is audited; a
limited-format decision offers no button (its participants publish it), and the
representatives see none."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, login, rep, session, token
from tests.integration.test_released_records import sent_to_none


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _row(html: str, decision_id: int) -> str:
    m = re.search(rf'<tr id="decision-{decision_id}">.*?</tr>', html, re.S)
    assert m is not None, decision_id
    return m.group(0)


def test_the_secretariat_publishes_a_decision_from_the_register(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the joint statement", text_en="To issue it."),
        actor=SEC)
    ordinary = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    limited = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On a joint contingent", text_en="To form it."),
        actor=SEC)
    dec.state_position(accounts_db, limited.id, Position.NOT_TAKING_PART, "", actor=rep("BLR"))
    limited_id = dec.close_draft(accounts_db, limited.id, actor=SEC).decision_id
    assert ordinary is not None and limited_id is not None

    login(client, "secretariat")
    page = client.get("/decisions?lang=ru").text
    assert f'id="publish-{ordinary}"' in _row(page, ordinary)
    assert "publish-" not in _row(page, limited_id)
    r = client.post(f"/decisions/{ordinary}/publish", data={"csrf_token": token(page)},
                    follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/decisions?lang=ru").text
    assert "ОТКРЫТО" in _row(page, ordinary) and "publish-" not in _row(page, ordinary)
    with accounts_db.read() as conn:
        assert conn.execute(select(t.audit_log.c.id).where(
            t.audit_log.c.action == "decision.publish",
            t.audit_log.c.target_id == str(ordinary))).first() is not None

    login(client, "rep-kaz")
    assert "publish-" not in client.get("/decisions").text


def _register(db: Database, n: int) -> list[int]:
    """n decisions of the Council, adopted without objection; their ids, the latest first."""
    m = session(db)
    ids = []
    for i in range(n):
        d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id,
                                              title=f"On item {i}", text_en="To do it."),
                              actor=SEC)
        ids.append(dec.close_draft(db, d.id, actor=SEC).decision_id)
    return [i for i in reversed(ids) if i is not None]


def test_the_register_filters_by_body_with_the_year_left_empty(
        client: TestClient, accounts_db: Database) -> None:
    """The filter form sends an empty year when none is typed in: any year."""
    made = _register(accounts_db, 2)
    login(client, "secretariat")
    r = client.get("/decisions?body=csc&year=")
    assert r.status_code == 200
    assert {int(x) for x in re.findall(r'<tr id="decision-(\d+)">', r.text)} >= set(made)
    r = client.get("/decisions?body=permanent-council&year=")
    assert r.status_code == 200 and not set(made) & {
        int(x) for x in re.findall(r'<tr id="decision-(\d+)">', r.text)}
    assert client.get("/decisions?year=20x").status_code == 422


def test_the_register_comes_a_page_at_a_time(client: TestClient, accounts_db: Database,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from phalanx.web.pages import decisions

    made = _register(accounts_db, 5)
    monkeypatch.setattr(decisions, "DECISIONS_PAGE", 2)
    login(client, "secretariat")
    url, seen = "/decisions?body=csc", []
    while url:
        r = client.get(url)
        rows = [int(x) for x in re.findall(r'<tr id="decision-(\d+)">', r.text)]
        assert 0 < len(rows) <= 2
        seen += rows
        found = re.search(r'<a href="([^"]+)" rel="next">', r.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen[:len(made)] == made and len(seen) == len(set(seen))
    api = client.get("/api/v1/decisions?body=csc&limit=2&offset=1")
    assert api.status_code == 200
    assert api.headers["X-Total-Count"] == str(len(seen))
    assert [d["id"] for d in api.json()] == seen[1:3]


def test_the_register_names_the_states_bound_in_the_pages_language(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan", text_en="To approve it."),
        actor=SEC)
    dec.state_position(accounts_db, d.id, Position.NOT_TAKING_PART, "", actor=rep("TJK"))
    closed = dec.close_draft(accounts_db, d.id, actor=SEC)
    login(client, "secretariat")
    row = _row(client.get("/decisions?lang=ru").text, closed.decision_id)
    bound = re.search(r'<td class="binding">([^<]*)</td>', row)
    assert bound is not None
    assert bound.group(1) == "Беларусь, Казахстан, Киргизия, Россия"


def test_the_secretariat_re_marks_a_decision_from_the_register(
        client: TestClient, accounts_db: Database) -> None:
    """Restricted to the states it binds, a decision leaves Armenia's register; released to
    Armenia again, Armenia reads it on its own page (its draft stays with the states it
    was restricted to); refused, the register says why beside it; a representative has
    no such form and may not."""
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the border plan", text_en="To approve it."),
        actor=SEC)
    decision_id = dec.close_draft(accounts_db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    with accounts_db.read() as conn:
        sent = dec.get_decision(conn, decision_id, actor=SEC).for_consideration
    assert "ARM" in sent  # not taking part in the work: it receives the text
    sent_to_none(accounts_db, decision_id)  # here the marking alone decides
    with accounts_db.read() as conn:
        bound = dec.get_decision(conn, decision_id, actor=SEC).binding
    assert "ARM" not in bound

    login(client, "secretariat")
    page = client.get("/decisions").text
    assert f'id="remark-{decision_id}"' in _row(page, decision_id)
    url = f"/decisions/{decision_id}/marking"
    r = client.post(url, data={"csrf_token": token(page), "marking": "PARTICIPANTS",
                               "participants": "ARM", "reason": "by mistake"})
    assert r.status_code == 409
    assert "would no longer read it" in _row(r.text, decision_id)
    r = client.post(url, data={"csrf_token": token(page), "marking": "PARTICIPANTS",
                               "participants": ", ".join(bound).lower(),
                               "reason": "marked for all by mistake"},
                    follow_redirects=False)
    assert r.status_code == 303
    login(client, "rep-arm")
    assert f'id="decision-{decision_id}"' not in client.get("/decisions").text
    assert client.get(f"/decisions/{decision_id}").status_code == 404

    login(client, "secretariat")
    page = client.get("/decisions").text
    r = client.post(url, data={"csrf_token": token(page), "marking": "PARTICIPANTS",
                               "participants": " ".join([*bound, "ARM"]),
                               "reason": "Armenia takes part"}, follow_redirects=False)
    assert r.status_code == 303
    login(client, "rep-arm")
    assert f'id="decision-{decision_id}"' in client.get("/decisions").text
    assert client.get(f"/drafts/{d.id}").status_code == 404
    r = client.get(f"/decisions/{decision_id}?lang=ru", follow_redirects=False)
    assert r.status_code == 200
    assert "To approve it." in r.text and "Обязательно для" in r.text

    login(client, "rep-kaz")
    page = client.get("/decisions").text
    assert "remark-" not in page
    r = client.post(url, data={"csrf_token": token(page), "marking": "ORGANIZATION",
                               "reason": "for all"})
    assert r.status_code == 403


def _border_plan(db: Database) -> int:
    """A decision adopted in a session of the Council: its id."""
    m = session(db)
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the border plan", text_en="To approve it."),
        actor=SEC)
    decision_id = dec.close_draft(db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    return decision_id


def test_a_refused_re_marking_says_why_in_its_form_as_it_was_sent(
        client: TestClient, accounts_db: Database) -> None:
    """A state code none of the states: the refusal in the page's language names the code
    as typed (no list of the program's), inside the re-marking form, which keeps the
    marking, the states, the observers' box and the reason as sent."""
    decision_id = _border_plan(accounts_db)
    login(client, "secretariat")
    page = client.get("/decisions?lang=ru").text
    r = client.post(f"/decisions/{decision_id}/marking?lang=ru", data={
        "csrf_token": token(page), "marking": "PARTICIPANTS", "participants": "kaz xyz",
        "observers": "true", "reason": "Для участников"})
    assert r.status_code == 422
    form = re.search(rf'<form method="post" action="/decisions/{decision_id}/marking".*?'
                     r'</form>', _row(r.text, decision_id), re.S)
    assert form is not None
    refusal = re.search(r'id="remark-error">([^<]*)</p>', form.group(0))
    assert refusal is not None
    assert refusal.group(1) == "Неизвестные коды государств: XYZ"
    assert 'id="publish-error"' not in r.text
    assert '<option value="PARTICIPANTS" selected>' in form.group(0)
    assert 'name="participants" value="kaz xyz"' in form.group(0)
    assert re.search(r'name="observers" value="true" checked', form.group(0))
    assert "доступно наблюдателям" in form.group(0)
    assert 'name="reason" required maxlength="2000" value="Для участников"' in form.group(0)
    assert '<details class="remark" open>' in _row(r.text, decision_id)
    # in English, the same words as the API's
    r = client.post(f"/decisions/{decision_id}/marking?lang=en", data={
        "csrf_token": token(page), "marking": "PARTICIPANTS", "participants": "XYZ QQQ",
        "reason": "For the participants"})
    assert "Unknown state codes: QQQ, XYZ" in _row(r.text, decision_id)


@pytest.mark.parametrize(("marking", "participants", "said"), [
    ("PARTICIPANTS", "", "Для грифа «ДЛЯ УЧАСТНИКОВ» нужен список государств-участников"),
    ("ORGANIZATION", "KAZ RUS",
     "Участвующие государства указываются только при грифе «ДЛЯ УЧАСТНИКОВ»")])
def test_a_marking_without_its_states_is_refused_in_russian(
        client: TestClient, accounts_db: Database, marking: str, participants: str,
        said: str) -> None:
    """The marking for the participants with no state named, or states named with
    another marking: refused inside the form in Russian, not in the program's English."""
    decision_id = _border_plan(accounts_db)
    login(client, "secretariat")
    page = client.get("/decisions?lang=ru").text
    r = client.post(f"/decisions/{decision_id}/marking?lang=ru", data={
        "csrf_token": token(page), "marking": marking, "participants": participants,
        "reason": "по решению Совета"})
    assert r.status_code == 422
    refusal = re.search(r'id="remark-error">([^<]*)</p>', _row(r.text, decision_id))
    assert refusal is not None and refusal.group(1) == said
