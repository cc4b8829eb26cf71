"""The page of the member states' authorities: anyone reads the changes recorded; the
Secretariat records one through its form (refused beside the form in the reader's
language, what was typed kept); a representative whose appointment lapsed reads so in
its header."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

FORM = {"state": "KAZ", "since": "2020-03-01", "authorities": "a provisional council",
        "source": "its decree"}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no form on the page"
    return found.group(1)


def test_the_secretariat_records_a_change_and_the_representative_reads_it_lapsed(
        accounts_db: Database, settings: Settings) -> None:
    client = TestClient(create_app(settings, accounts_db))
    page = client.get("/authorities?lang=en")
    assert page.status_code == 200 and "No change of any member state" in page.text
    assert "Record a change of authorities" not in page.text  # the public records none
    login(client, "secretariat", "demo-secretariat")
    page = client.get("/authorities?lang=ru")
    assert "Записать смену власти" in page.text
    token = csrf_of(page.text)
    refused = client.post("/authorities?lang=ru", data={**FORM, "source": "",
                                                       "csrf_token": token})
    assert refused.status_code == 422, refused.text
    assert 'value="a provisional council"' in refused.text and "data-refusal" in refused.text
    # a day written in words, longer than a date: beside the form too, what was typed kept
    refused = client.post("/authorities?lang=ru", data={**FORM, "since": "1 марта 2020",
                                                       "csrf_token": token})
    assert refused.status_code == 422 and "data-refusal" in refused.text, refused.text
    assert "не дата (формат ГГГГ-ММ-ДД)" in refused.text
    assert 'value="a provisional council"' in refused.text
    done = client.post("/authorities", data={**FORM, "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get("/authorities?lang=en")
    assert "a provisional council" in page.text and "outside the constitution" in page.text
    again = client.post("/authorities?lang=ru", data={**FORM, "csrf_token": token})
    assert again.status_code == 422 and "уже записана" in again.text, again.text

    rep = TestClient(create_app(settings, accounts_db))
    login(rep, "rep-kaz", "demo-rep-kaz")
    assert "not confirmed by the authorities in power" in rep.get("/inbox?lang=en").text
    assert "Record a change" not in rep.get("/authorities?lang=en").text


def test_the_trail_of_what_was_done_in_a_states_name_from_a_change_is_a_link_away(
        accounts_db: Database, settings: Settings) -> None:
    """After an unconstitutional change, a reader of the trail (the auditor) follows the
    change to the entries made in that state's name from its day; others see no link."""
    client = TestClient(create_app(settings, accounts_db))
    login(client, "secretariat", "demo-secretariat")
    page = client.get("/authorities?lang=en")
    done = client.post("/authorities", data={**FORM, "csrf_token": csrf_of(page.text)},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    link = "/audit?acting_for=KAZ&amp;since=2020-03-01"
    assert link not in client.get("/authorities?lang=en").text  # the Secretariat's
    auditor = TestClient(create_app(settings, accounts_db))
    login(auditor, "auditor", "demo-auditor-pass")
    page = auditor.get("/authorities?lang=ru")
    assert link in page.text and "Что сделано от имени государства с этого дня" in page.text
    # representatives act in their states' names: only Kazakhstan's entries are listed
    rep = TestClient(create_app(settings, accounts_db))
    login(rep, "rep-kaz", "demo-rep-kaz")
    other = TestClient(create_app(settings, accounts_db))
    login(other, "rep-rus", "demo-rep-rus")
    trail = auditor.get("/audit?acting_for=KAZ&since=2020-03-01&lang=en")
    assert trail.status_code == 200, trail.text
    named = re.findall(r'<span class="username">([^<]+)</span> <span class="small muted">'
                       r'[^<]*· ([A-Z]{3})</span>', trail.text)
    assert named and {s for _, s in named} == {"KAZ"}, named
    assert 'name="acting_for" value="KAZ"' in trail.text
    assert auditor.get("/audit?acting_for=KAZ&since=2020-13-01").status_code == 422
    bad = auditor.get("/audit?acting_for=kaz&lang=ru")
    assert bad.status_code == 422 and "не в ожидаемом виде" in bad.text, bad.text
    assert "should match" not in bad.text
    everyone = auditor.get("/audit?lang=en").text
    assert "· RUS</span>" in everyone  # without the filter, the others' entries too
