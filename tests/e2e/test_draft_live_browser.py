"""A draft's page follows the draft live (positions, signatures, amendments, versions,
and the forms they open or close), but not while one of its forms is being filled in:
on a phone in Russian, an amendment or a reservation being typed, and a refusal shown
beside its form with what was typed, stay when the draft changes; the page says the
draft changed, at the bottom of the screen, and updates when the person asks. A page
nobody is typing in updates at once (the turn to sign arrives)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from tests.e2e.test_browser import login
from tests.e2e.test_live_hold_browser import LIVE, _in_view, phone, site  # noqa: F401
from tests.support.days import working_deadline

pytestmark = pytest.mark.browser

SEC = Principal("secretariat", Role.SECRETARIAT)
TEXT = "The Council decides to hold the joint exercise in September."


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def _in_session(db: Database) -> int:
    m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(db, m.id, a.state, True, actor=SEC)
    return dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the joint exercise", text_en=TEXT),
        actor=SEC).id


def _seat(page: Any, state: str) -> str:
    return page.locator(f"#draft-board .seat[data-state={state}]").get_attribute(
        "data-position")


def test_an_amendment_being_typed_and_its_refusal_stay_when_the_draft_changes(
        phone: Any, site: tuple[str, Database]) -> None:  # noqa: F811
    base_url, db = site
    draft_id = _in_session(db)
    login(phone, base_url, "rep-kaz", "demo-rep-kaz")
    phone.goto(f"{base_url}/drafts/{draft_id}")
    phone.evaluate("window.__stay = 1")
    phone.wait_for_function(LIVE)

    # nobody is typing: the page follows the draft at once
    dec.state_position(db, draft_id, Position.NO_OBJECTION, actor=rep("RUS"))
    phone.wait_for_selector("#draft-board .seat[data-state=RUS][data-position=no_objection]",
                            timeout=5000)
    assert phone.inner_text("#draft-changed") == ""

    # the representative types an amendment; an amendment of another member is accepted
    # meanwhile (the draft's next version)
    form = "#amend-form"
    typed = "Совет решает провести совместное учение в октябре."
    phone.fill(f"{form} textarea[name=text_ru]", typed)
    phone.fill(f"{form} input[name=note]", "перенос сроков")
    other = dec.propose_amendment(db, draft_id, 1, TEXT.replace("September", "August"),
                                  actor=rep("BLR"))
    phone.wait_for_selector("#draft-changed .notice", timeout=5000)
    notice = phone.inner_text("#draft-changed")
    assert "Проект изменился" in notice and "Обновить сейчас" in notice, notice
    assert _in_view(phone, "#draft-changed")  # at the bottom of the screen, wherever
    dec.decide_amendment(db, other.id, True, actor=SEC)
    phone.wait_for_timeout(500)
    assert phone.locator("#draft-changed .notice").count() == 1  # said once
    assert phone.input_value(f"{form} textarea[name=text_ru]") == typed
    assert phone.locator(f"#amendment-{other.id}").count() == 0  # not replaced
    assert phone.evaluate("window.__stay") == 1

    # sent from the stale page: refused beside the form, with what was typed
    phone.click(f"{form} button[type=submit]")
    phone.wait_for_selector("#amend-error")
    refusal = phone.inner_text("#amend-error")
    assert refusal == "Поправка внесена к редакции 1, а проект уже в редакции 2", refusal
    assert phone.input_value(f"{form} textarea[name=text_ru]") == typed
    phone.wait_for_function(LIVE)
    phone.evaluate("window.__stay = 1")

    # the draft changes again while the refusal is read: refusal and input stay
    dec.state_position(db, draft_id, Position.SUPPORT, actor=rep("TJK"))
    phone.wait_for_selector("#draft-changed .notice", timeout=5000)
    assert phone.inner_text("#amend-error") == refusal
    assert phone.input_value(f"{form} textarea[name=text_ru]") == typed
    assert phone.input_value(f"{form} input[name=note]") == "перенос сроков"
    assert _seat(phone, "TJK") == "not_stated"
    assert _in_view(phone, "#draft-changed")
    assert phone.evaluate("window.__stay") == 1

    # the representative asks for the changes: the draft as it now stands
    phone.click("#draft-changed button")
    phone.wait_for_selector("#draft-board .seat[data-state=TJK][data-position=support]",
                            timeout=5000)
    assert phone.locator("#amend-error").count() == 0
    assert phone.inner_text("#draft-changed") == ""
    assert "August" in phone.inner_text("#draft-live")  # the version now in force
    assert phone.input_value(f"{form} input[name=against_version]") == "2"
    assert phone.evaluate("window.__stay") == 1


def test_the_turn_to_sign_arrives_live_and_a_reservation_being_typed_stays(
        phone: Any, site: tuple[str, Database]) -> None:  # noqa: F811
    base_url, db = site
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", procedure="written", title="On the budget", text_en="To adopt the budget.",
        deadline=working_deadline(5)), actor=SEC)
    assert d.signing_order[:3] == ["BLR", "KAZ", "KGZ"]
    login(phone, base_url, "rep-kaz", "demo-rep-kaz")
    phone.goto(f"{base_url}/drafts/{d.id}")
    phone.evaluate("window.__stay = 1")
    phone.wait_for_function(LIVE)
    assert phone.locator("#sign-waiting").count() == 1

    # Belarus signs: Kazakhstan's turn shows on its open page, the form to sign with it
    dec.sign(db, d.id, actor=rep("BLR"))
    phone.wait_for_selector("#sign-form", timeout=5000)
    assert phone.locator("#sign-waiting").count() == 0
    assert phone.evaluate("window.__stay") == 1

    # a reservation being typed stays when another member objects meanwhile
    phone.select_option("#sign-form select[name=answer]", "reservation")
    typed = "с оговоркой о сроках финансирования"
    phone.fill("#sign-form textarea[name=reservation]", typed)
    dec.sign(db, d.id, answer=Answer.OBJECT, actor=rep("TJK"))
    phone.wait_for_selector("#draft-changed .notice", timeout=5000)
    assert "Проект изменился" in phone.inner_text("#draft-changed")
    assert phone.input_value("#sign-form textarea[name=reservation]") == typed
    assert phone.input_value("#sign-form select[name=answer]") == "reservation"
    assert phone.evaluate("window.__stay") == 1

    # updated when asked: returned for revision, nothing more to sign
    phone.click("#draft-changed button")
    phone.locator("#draft-board .seat[data-state=TJK][data-position=object]").wait_for(
        timeout=5000)
    assert phone.locator("#sign-form").count() == 0
