"""The register of decisions on a day and a decision's page: each decision's status and
history in English and Russian, the decision that repealed another named only to those
who may read it, the Secretariat's record of a member's notification, and the command
line's register on a day."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from phalanx.cli.main import app as cli
from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_decision_lifecycle import _today, adopt
from tests.integration.test_draft_pages import SEC, login, session, token


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _row(html: str, decision_id: int) -> str:
    m = re.search(rf'<tr id="decision-{decision_id}">.*?</tr>', html, re.S)
    assert m is not None, decision_id
    return m.group(0)


def test_the_register_on_a_day_in_both_languages(client: TestClient,
                                                 accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    amending = adopt(accounts_db, m.id, "On its new tasks", start="date",
                     on=str(day + timedelta(5)), effect="amends", target=first)
    login(client, "secretariat")
    later = (day + timedelta(5)).isoformat()
    page = client.get(f"/decisions?in_force_on={later}").text
    row = _row(page, first)
    assert "in force" in row and "amended by" in row
    assert f'href="/decisions/{amending}"' in row
    assert 'id="in-force-heading"' in page
    before = client.get(f"/decisions?in_force_on={day.isoformat()}").text
    assert f'id="decision-{amending}"' not in before  # not yet in force
    row = _row(before, first)  # the amendment adopted, taking effect later
    assert "to be amended by" in row and f'href="/decisions/{amending}"' in row
    ru = client.get(f"/decisions?in_force_on={later}&lang=ru").text
    assert "действует" in _row(ru, first)
    # the later decision named in the case the sentence asks: "amended by decision ..."
    assert re.search(r"изменено решением <a href=\"/decisions/\d+\" class=\"code\">CSC-",
                     _row(ru, first)), _row(ru, first)
    assert re.search(r"изменяет решение <a href=\"/decisions/\d+\" class=\"code\">CSC-",
                     _row(ru, amending)), _row(ru, amending)
    assert client.get("/decisions?in_force_on=2026-02-30").status_code == 422
    assert client.get("/decisions?in_force_on=").status_code == 200


def test_a_decisions_page_shows_its_life_and_its_address_leads_there(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    repeal = adopt(accounts_db, m.id, "On ending it", effect="repeals", target=first)
    login(client, "secretariat")
    r = client.get(f"/decisions/{first}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("#decision-life")
    page = client.get(r.headers["location"]).text
    life = page[page.index('id="decision-life"'):]
    assert "repealed" in life[:2000] and f'href="/decisions/{repeal}"' in life[:2000]
    assert client.get("/decisions/999999", follow_redirects=False).status_code == 404


def test_a_repeal_the_reader_may_not_read_is_neither_listed_nor_named(
        client: TestClient, accounts_db: Database) -> None:
    from tests.support.sessions import login as login_as

    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    dec.publish(accounts_db, first, actor=SEC)  # the observer reads the first only
    dec.record_attendance(accounts_db, m.id, "KAZ", False, actor=SEC)
    secret = adopt(accounts_db, m.id, "On ending it", effect="repeals", target=first,
                   draft={"marking": Marking.PARTICIPANTS,
                          "participants": ["BLR", "KGZ", "RUS", "TJK"]})
    with accounts_db.read() as conn:  # absent, Kazakhstan is sent it for consideration
        assert "KAZ" in dec.get_decision(conn, secret, actor=SEC).for_consideration
    client.cookies.clear()
    login_as(client, "observer", "demo-observer-pass")
    page = client.get("/decisions").text
    row = _row(page, first)
    assert "repealed" in row and "a decision you may not read" in row
    assert f'id="decision-{secret}"' not in page
    assert f"/decisions/{secret}" not in page
    assert client.get(f"/decisions/{secret}", follow_redirects=False).status_code == 404
    ru = client.get("/decisions?lang=ru").text
    assert "решением, недоступным вам" in _row(ru, first)
    api = client.get(f"/api/v1/decisions/{first}").json()["lifecycle"]["modified_by"]
    assert api == [{"effect": "repeals", "decision_id": None, "number": None,
                    "in_force_from": None}]


def _form(page: str) -> str:
    """The notification form of a decision's page (the page has other forms after it)."""
    start = page.index('id="notification-form"')
    return page[start:page.index("</form>", start)]


def test_the_secretariat_records_the_notifications_from_the_page(
        client: TestClient, accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    act = adopt(accounts_db, m.id, "On the joint system", start="notifications")
    login(client, "secretariat")
    page = client.get(f"/decisions/{act}").text
    assert 'id="notification-form"' in page and "not yet in force" in page
    awaiting = re.findall(r'<option value="([A-Z]{3})">', _form(page))
    assert awaiting
    for state in awaiting:
        r = client.post(f"/decisions/{act}/notifications", data={
            "csrf_token": token(page), "state": state, "on": day.isoformat()},
            follow_redirects=False)
        assert r.status_code == 303, r.text
    page = client.get(f"/decisions/{act}").text
    assert 'id="notification-form"' not in page
    assert "in force" in page[page.index('id="decision-life"'):][:1500]
    refused = client.post(f"/decisions/{act}/notifications", data={
        "csrf_token": token(page), "state": awaiting[0], "on": day.isoformat()})
    assert refused.status_code == 409 and "already recorded" in refused.text
    assert 'id="notification-error"' in refused.text and 'id="decision-life"' in refused.text
    login(client, "rep-kaz")
    assert 'id="notification-form"' not in client.get(f"/decisions/{act}").text


def test_a_refused_notification_comes_back_beside_its_form_as_chosen(
        client: TestClient, accounts_db: Database) -> None:
    """Refused (a day before the adoption), the decision's page comes back, not the
    register: the message beside the form in the page's language, the member and the day
    as chosen, nothing recorded."""
    day = _today(accounts_db)
    m = session(accounts_db)
    act = adopt(accounts_db, m.id, "On the joint system", start="notifications")
    login(client, "secretariat")
    page = client.get(f"/decisions/{act}").text
    awaiting = re.findall(r'<option value="([A-Z]{3})">', _form(page))
    chosen, early = awaiting[-1], (day - timedelta(days=400)).isoformat()
    refused = client.post(f"/decisions/{act}/notifications?lang=ru", data={
        "csrf_token": token(page), "state": chosen, "on": early})
    assert refused.status_code == 422, refused.text
    html = refused.text
    assert 'id="decision-life"' in html and 'id="decisions-table"' not in html
    error = re.search(r'id="notification-error">([^<]+)<', html)
    assert error is not None and error.group(1).startswith("Дата уведомления")
    assert not re.search(r"[A-Za-z]{3,}", error.group(1).replace("UTC", "")), error.group(1)
    form = html[html.index('id="notification-form"'):]
    form = form[:form.index("</form>")]
    assert f'<option value="{chosen}" selected>' in form
    assert f'value="{early}"' in form and 'aria-invalid="true"' in form
    assert client.get(f"/api/v1/decisions/{act}").json()["lifecycle"]["awaiting"] == awaiting


def test_the_command_line_answers_the_register_on_a_day(
        accounts_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    adopt(accounts_db, m.id, "On ending it", start="date", on=str(day + timedelta(2)),
          effect="repeals", target=first)
    monkeypatch.setenv("PHALANX_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    now = runner.invoke(cli, ["decisions", "in-force", "--json"])
    assert now.exit_code == 0, now.output
    assert first in [d["id"] for d in json.loads(now.stdout)]
    later = runner.invoke(cli, ["decisions", "in-force", "--on",
                                (day + timedelta(2)).isoformat(), "--json"])
    assert first not in [d["id"] for d in json.loads(later.stdout)]
    shown = runner.invoke(cli, ["decisions", "show", str(first), "--on",
                                (day + timedelta(2)).isoformat()])
    assert "repealed on" in shown.output and "repealed by CSC-" in shown.output
    bad = runner.invoke(cli, ["decisions", "in-force", "--on", "2026-02-30"])
    assert bad.exit_code == 1 and "--on" in bad.output
    refused = runner.invoke(cli, ["decisions", "notify", str(first), "KAZ", "--on",
                                  day.isoformat()])
    assert refused.exit_code == 1 and "does not wait" in refused.output


def test_the_agreements_page_says_what_extended_or_amended_an_agreement(
        client: TestClient) -> None:
    page = client.get("/agreements?on=1999-06-01").text
    treaty = page[page.index('id="cst-1992"'):page.index('id="extension-1999"')]
    assert "extended by" in treaty and 'href="#extension-1999"' in treaty
    protocol = page[page.index('id="extension-1999"'):]
    protocol = protocol[:protocol.index("</section>")]
    assert "extends" in protocol and 'href="#cst-1992"' in protocol
    charter = page[page.index('id="charter-2002"'):]
    charter = charter[:charter.index("</section>")]
    assert charter.count("amended by") == 2
    ru = client.get("/agreements?on=1999-06-01&lang=ru").text
    # the later agreement's title in the nominative, after a colon
    assert "продлено: <a" in ru[ru.index('id="cst-1992"'):ru.index('id="extension-1999"')]
    charter = ru[ru.index('id="charter-2002"'):]
    assert charter[:charter.index("</section>")].count("изменено: <a") == 2


def test_the_secretariat_tables_a_repeal_from_the_sessions_page(
        client: TestClient, accounts_db: Database) -> None:
    from sqlalchemy import select

    from phalanx.adapters.db import tables as t

    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    login(client, "secretariat")
    number = client.get(f"/api/v1/decisions/{first}").json()["number"]
    page = client.get(f"/sessions/{m.id}").text
    assert 'id="draft-life"' in page
    form = {"csrf_token": token(page), "title": "On ending the working group",
            "text_en": "Repealed.", "start": "date",
            "in_force_on": (day + timedelta(7)).isoformat(), "effect": "repeals",
            "target": "CSC-1999-999"}
    refused = client.post(f"/sessions/{m.id}/drafts", data=form)
    assert refused.status_code == 422
    assert "No decision numbered CSC-1999-999 in the register" in refused.text
    assert 'value="CSC-1999-999"' in refused.text  # the input kept
    with accounts_db.read() as conn:
        assert len(conn.execute(select(t.draft.c.id)).all()) == 1  # nothing written
    r = client.post(f"/sessions/{m.id}/drafts", data={**form, "target": number},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    draft = client.get(r.headers["location"]).text
    assert 'id="draft-life"' in draft and f'href="/decisions/{first}"' in draft
    bad_day = client.post(f"/sessions/{m.id}/drafts",
                          data={**form, "target": number, "in_force_on": "7.12."})
    assert bad_day.status_code == 422 and "is not a date" in bad_day.text
    from phalanx.services import decisions as dec
    from tests.integration.test_draft_pages import SEC

    draft_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert dec.close_draft(accounts_db, draft_id, actor=SEC).decision_id is not None
    again = client.post(f"/sessions/{m.id}/drafts?lang=ru", data={**form, "target": number})
    assert again.status_code == 422
    assert f"Решение {number} уже отменено решением CSC-" in again.text
