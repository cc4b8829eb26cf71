"""The crisis room offers only the moves the algorithm allows now: the others are shown
disabled, with what stands in the way; convening consultations has one control."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app


def test_only_allowed_moves_are_offered(accounts_db: Database, settings: Settings) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Armed incursion", category="armed_attack", affected=["KGZ"],
        severity="severe", place="Batken", lat=40.06, lon=70.82),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    with TestClient(create_app(settings, accounts_db)) as client:
        client.get("/login")
        client.post("/login", data={"username": "secretariat", "password": "demo-secretariat",
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")})
        html = client.get(f"/crises/{c.id}").text
        form = re.search(r'<form[^>]*id="transition-form".*?</form>', html, re.S)
        assert form is not None
        options = dict(re.findall(r'<option value="(\w+)"( disabled)?', form.group(0)))
        # consultations are convened with their own button, not moved to
        assert options["consultations"] == " disabled"
        assert html.count('id="convene"') == 1
        blocked = re.search(r'<ul[^>]*id="blocked-stages">(.*?)</ul>', html, re.S)
        assert blocked is not None and "consultations must be convened" in blocked.group(1)
        # aggression is not rejected before the members consult (Treaty art. 2)
        assert options["rejected"] == " disabled" and "not rejected before the members " \
            "consult" in blocked.group(1)
        # and on a Russian page, in Russian (the reason was shown in English)
        ru = re.search(r'<ul[^>]*id="blocked-stages">(.*?)</ul>',
                       client.get(f"/crises/{c.id}?lang=ru").text, re.S)
        assert ru is not None
        shown = re.sub(r"<[^>]+>", "", ru.group(1))
        assert "не отклоняют до консультаций членов" in shown
        assert not re.search("[a-z]{3,}", shown), shown  # no English word
        client.cookies.delete("lang")
        # a crisis that obliges no member: a move that is allowed is offered as it is, and
        # ending the crisis asks first
        c = crises.open_crisis(accounts_db, crises.CrisisIn(
            title="Mudflow", category="natural_disaster", affected=["KGZ"],
            severity="severe", place="Batken", lat=40.06, lon=70.82),
            actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
        html = client.get(f"/crises/{c.id}").text
        assert re.search(r"<option value=\"rejected\"[^>]*data-confirm=\"Move the crisis", html)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        revision = re.search(r'name="revision" value="(\d+)"', html).group(1)  # type: ignore[union-attr]
        r = client.post(f"/crises/{c.id}/transition", data={
            "csrf_token": token, "revision": revision, "to": "rejected",
            "reason": "handled by the national service"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("?saved=1")
        page = client.get(r.headers["location"]).text
        assert 'id="saved"' in page and "Saved." in page
        assert "saved=1" not in page.split('id="lang-switch"')[1].split("</nav>")[0]


def _login(client: TestClient, username: str, password: str) -> None:
    client.cookies.clear()
    client.get("/login")
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")})


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_a_decision_by_consultation_through_the_pages(accounts_db: Database,
                                                      settings: Settings) -> None:
    """The Secretariat puts a draft to the heads of state from the crisis room; the chair
    (this year's, by the rotation) records every answer and announces it."""
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Terrorist threat with outside interference", category="threat_to_security",
        affected=["KGZ"], severity="severe", place="Osh", lat=40.53, lon=72.8),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    crises.convene_consultations(accounts_db, c.id, actor=SYSTEM)
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}").text
        assert 'id="consultation-draft-form"' in room
        r = client.post(f"/crises/{c.id}/consultation", data={
            "csrf_token": _token(room), "body": "csc", "question": "peacekeeping",
            "title": "On collective peacekeeping forces", "text_en": "To send ...",
            "measures": "military_peacekeeping", "formations": "peacekeeping",
            "contributing_states": ["KAZ", "RUS"], "period_days": "30"},
            follow_redirects=False)
        assert r.status_code == 303, r.text
        page = r.headers["location"]
        html = client.get(page).text
        chair = re.search(r"Chair: ([^·]+) ·", html)
        assert chair is not None
        # the Secretariat sees the list but not the chair's form
        assert 'id="consultation-form"' not in html and "not yet reached" in html
        draft_id = int(page.rsplit("/", 1)[1])
        with accounts_db.read() as conn:
            from phalanx.services import decisions as dec

            d = dec.get_draft(conn, draft_id, actor=SYSTEM)
        _login(client, f"rep-{(d.chair or '').lower()}", f"demo-rep-{(d.chair or '').lower()}")
        html = client.get(page).text
        assert 'id="consultation-form"' in html
        assert re.search(r'<button type="submit" id="announce" disabled', html)
        for state in d.signing_order:
            r = client.post(f"/drafts/{draft_id}/consultation", data={
                "csrf_token": _token(html), "state": state, "position": "support",
                "given_at": d.versions[0].created_at.strftime("%Y-%m-%dT%H:%M:%S"),
                "channel": "telephone"}, follow_redirects=False)
            assert r.status_code == 303, r.text
        html = client.get(page).text
        assert "not yet reached" not in html
        assert re.search(r'<button type="submit" id="announce">', html)
        r = client.post(f"/drafts/{draft_id}/announce", data={"csrf_token": _token(html)},
                        follow_redirects=False)
        assert r.status_code == 303
        html = client.get(page).text
        assert 'id="announced"' in html and "announced by the chair" in html
        _login(client, "rep-kgz", "demo-rep-kgz")
        ru = client.get(page + "?lang=ru").text
        assert "Консультации глав государств" in ru and "телефон" in ru


def test_the_secretariat_picks_the_body_that_consults_from_the_room(
        accounts_db: Database, settings: Settings) -> None:
    """The bodies the crisis's category names are offered, the first by default (Osh,
    June 2010: the secretaries of the security councils met, not the heads of state); one
    it does not name is refused in the reader's language and nothing is convened."""
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Mass riots in Osh", category="threat_to_security", affected=["KGZ"],
        severity="severe", place="Osh", lat=40.53, lon=72.8),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}?lang=ru").text
        offered = re.search(r'<select name="body" id="convene-body">(.*?)</select>', room,
                            re.S)
        assert offered is not None
        assert re.findall(r'<option value="([\w-]+)"', offered.group(1)) == [
            "csc", "permanent-council", "cssc"]
        assert "Комитет секретарей советов безопасности" in offered.group(1)
        r = client.post(f"/crises/{c.id}/consultations?lang=ru", data={
            "csrf_token": _token(room), "body": "cmfa"}, headers={"referer": f"/crises/{c.id}"})
        assert r.status_code == 422
        assert "не проводит консультаций по кризису" in r.text
        with accounts_db.read() as conn:
            assert crises.get(conn, c.id, actor=SYSTEM).session_id is None
        r = client.post(f"/crises/{c.id}/consultations", data={
            "csrf_token": _token(room), "body": "cssc"}, follow_redirects=False)
        assert r.status_code == 303, r.text
    with accounts_db.read() as conn:
        convened = crises.get(conn, c.id, actor=SYSTEM)
        assert convened.session_id is not None
        assert dec.get_meeting(conn, convened.session_id, actor=SYSTEM).body == "cssc"
