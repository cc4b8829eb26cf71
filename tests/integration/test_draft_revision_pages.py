"""A draft's text is changed on its page: the Secretariat revises an open draft or one
returned for revision (not one decided by consultation), a member with a part in the
work proposes an amendment against the current version of a draft in session, and the
Secretariat accepts or rejects it. A refusal comes back on the page, beside its form,
with what was typed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import (
    SEC,
    login,
    peacekeeping,
    rep,
    session,
    token,
    written,
)


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def form(html: str, id_: str) -> str:
    m = re.search(rf'<form[^>]*id="{id_}".*?</form>', html, re.S)
    assert m is not None, f"no form {id_}"
    return m.group(0)


def textarea(html: str, name: str) -> str:
    m = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert m is not None, f"no textarea {name}"
    return m.group(1)


def returned(db: Database) -> dec.DraftOut:
    d = peacekeeping(db, session(db).id, measures=[], formations=[], contributing_states=[],
                     period_days=None)
    dec.state_position(db, d.id, Position.OBJECT, "Consult the agencies first.",
                       actor=rep("KAZ"))
    done = dec.close_draft(db, d.id, actor=SEC)
    assert done.status == "returned"
    return done


def test_the_secretariat_revises_a_returned_draft_on_its_page(
        client: TestClient, accounts_db: Database) -> None:
    d = returned(accounts_db)
    login(client, "rep-kaz")
    assert 'id="revise-form"' not in client.get(f"/drafts/{d.id}").text
    login(client, "secretariat")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    revise = form(html, "revise-form")
    # prefilled with the current version
    assert textarea(revise, "text_en") == "The Council decides to send the peacekeeping forces."
    assert textarea(revise, "text_ru") == "Совет решает направить миротворческие силы."
    # the same text again is refused beside the form, what was typed kept
    r = client.post(f"/drafts/{d.id}/revise", data={
        "csrf_token": token(html), "text_en": "The Council decides to send the peacekeeping "
        "forces.", "text_ru": "Совет решает направить миротворческие силы."})
    assert r.status_code == 422
    assert "The text is that of version 1" in form(r.text, "revise-form")
    r = client.post(f"/drafts/{d.id}/revise?lang=ru", data={
        "csrf_token": token(html), "text_en": "", "text_ru": ""})
    assert r.status_code == 422
    error = re.search(r'id="revise-error">([^<]+)<', r.text)
    assert error is not None and "«English» или «Русский»" in error.group(1)
    r = client.post(f"/drafts/{d.id}/revise", data={
        "csrf_token": token(html), "text_en": "After consultations, the Council decides.",
        "text_ru": "После консультаций Совет решает."}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(f"/drafts/{d.id}?lang=en").text
    assert "<p>After consultations, the Council decides.</p>" in page
    with accounts_db.read() as conn:
        again = dec.get_draft(conn, d.id, actor=SEC)
    assert (again.status, again.current_version) == ("open", 2)


def test_members_propose_amendments_and_the_secretariat_decides_on_the_page(
        client: TestClient, accounts_db: Database) -> None:
    d = peacekeeping(accounts_db, session(accounts_db).id)
    # Armenia takes no part in the work, Uzbekistan is suspended: no amendment form
    for user in ("rep-arm", "rep-uzb", "secretariat"):
        login(client, user)
        assert 'id="amend-form"' not in client.get(f"/drafts/{d.id}").text, user
    login(client, "rep-kaz")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    amend = form(html, "amend-form")
    assert 'name="against_version" value="1"' in amend
    assert textarea(amend, "text_en") == "The Council decides to send the peacekeeping forces."
    r = client.post(f"/drafts/{d.id}/amendments", data={
        "csrf_token": token(html), "against_version": "1",
        "text_en": "The Council decides to send the peacekeeping forces for 30 days.",
        "text_ru": "", "note": "A period"}, follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/drafts/{d.id}/amendments", data={
        "csrf_token": token(html), "against_version": "1",
        "text_en": "The Council decides to send observers."}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        first, second = dec.get_draft(conn, d.id, actor=SEC).amendments
    page = client.get(f"/drafts/{d.id}?lang=en").text
    assert f'id="amendment-{first.id}"' in page and "+The Council decides to send the " \
        "peacekeeping forces for 30 days." in page
    assert f'id="accept-{first.id}"' not in page  # the Secretariat's
    login(client, "secretariat")
    html = client.get(f"/drafts/{d.id}?lang=en").text
    r = client.post(f"/drafts/{d.id}/amendments/{first.id}/decision", data={
        "csrf_token": token(html), "accept": "true"}, follow_redirects=False)
    assert r.status_code == 303
    html = client.get(f"/drafts/{d.id}?lang=en").text
    assert "<p>The Council decides to send the peacekeeping forces for 30 days.</p>" in html
    # the second was proposed against version 1: it can be rejected, not accepted
    assert re.search(rf'id="accept-{second.id}" disabled', html)
    r = client.post(f"/drafts/{d.id}/amendments/{second.id}/decision", data={
        "csrf_token": token(html), "accept": "true"})
    assert r.status_code == 409
    error = re.search(r'id="amendment-error">([^<]+)<', r.text)
    assert error is not None and "against version 1" in error.group(1)
    assert r.text.index('id="amendment-error"') > r.text.index(f'id="amendment-{second.id}"')
    r = client.post(f"/drafts/{d.id}/amendments/{second.id}/decision", data={
        "csrf_token": token(html), "accept": "false"}, follow_redirects=False)
    assert r.status_code == 303
    with accounts_db.read() as conn:
        after = dec.get_draft(conn, d.id, actor=SEC)
    assert [a.status for a in after.amendments] == ["accepted", "rejected"]
    assert after.current_version == 2
    # a page left open on version 1: the amendment is refused beside the form, text kept
    login(client, "rep-rus")
    r = client.post(f"/drafts/{d.id}/amendments", data={
        "csrf_token": token(client.get(f"/drafts/{d.id}").text), "against_version": "1",
        "text_en": "Another text."})
    assert r.status_code == 409
    assert "the draft is at version 2" in form(r.text, "amend-form")
    assert textarea(form(r.text, "amend-form"), "text_en") == "Another text."
    # an amendment of another draft is not decided through this one
    login(client, "secretariat")
    r = client.post(f"/drafts/{d.id + 1000}/amendments/{first.id}/decision", data={
        "csrf_token": token(client.get("/sessions").text), "accept": "false"})
    assert r.status_code == 404


def test_the_revise_form_follows_the_procedure(client: TestClient,
                                               accounts_db: Database) -> None:
    from phalanx.domain.decisions.procedure import Answer

    w = written(accounts_db)
    dec.sign(accounts_db, w.id, answer=Answer.OBJECT, actor=rep("RUS"))
    c = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", procedure="consultation", question="peacekeeping", title="On peacekeeping",
        text_en="To send the peacekeeping forces."), actor=SEC)
    login(client, "secretariat")
    html = client.get(f"/drafts/{w.id}?lang=en").text
    assert 'id="revise-form"' in html and "goes round for signature again" in html
    assert 'id="amend-form"' not in html
    # the answers of the heads of state would stand for a new text: not revised here
    assert 'id="revise-form"' not in client.get(f"/drafts/{c.id}").text
    login(client, "rep-kaz")
    assert 'id="amend-form"' not in client.get(f"/drafts/{c.id}").text


def test_an_absent_members_objection_to_an_earlier_version_says_so_on_the_board(
        client: TestClient, accounts_db: Database) -> None:
    """Tajikistan, absent, objected to version 1; its objection stands against version 2
    until it says otherwise, and the board says it was made against version 1 (it read
    as an objection to the text on the table)."""
    from datetime import timedelta

    from phalanx.services.clock import now

    m = dec.convene(accounts_db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(accounts_db, m.id, a.state, a.state != "TJK", actor=SEC)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the exercise", text_en="To hold it."),
        actor=SEC)
    dec.state_position(accounts_db, d.id, Position.OBJECT, "Not this year.", actor=rep("TJK"))
    dec.state_position(accounts_db, d.id, Position.SUPPORT, "", actor=rep("KAZ"))
    dec.revise_draft(accounts_db, d.id, "To hold it next year.", "", actor=SEC)
    login(client, "secretariat")
    html = client.get(f"/drafts/{d.id}?lang=ru").text
    tjk = re.search(r'<div class="seat[^"]*" data-state="TJK".*?\n  </div>', html, re.S)
    assert tjk is not None
    assert 'data-position="object"' in tjk.group(0)
    assert "к редакции 1" in tjk.group(0)
    kaz = re.search(r'<div class="seat[^"]*" data-state="KAZ".*?\n  </div>', html, re.S)
    assert kaz is not None and "к редакции" not in kaz.group(0)  # its support was reset
