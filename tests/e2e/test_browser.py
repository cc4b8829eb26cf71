"""The working pages in a real browser (Debian's Chromium through Playwright): a
logged-in representative states a position and the Secretariat's open page sees it
arrive, crises driven through the algorithm, an upload with errors. The public pages
(members, bodies, agreements, the language switch) are in test_pages_browser.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.browser import ARTIFACTS, serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, db_templates: Templates) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("browser")
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url
    db.dispose()


def login(page: Any, base_url: str, user: str, password: str) -> None:
    """Log in; the page then answers yes to the confirmations it asks (closing,
    deciding)."""
    if not getattr(page, "_accepts", False):
        page.on("dialog", lambda d: d.accept())
        page._accepts = True
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base_url) + r"/(inbox)?$"))  # the inbox, or home


def test_a_position_reaches_the_open_board_live(browser: Any, base_url: str) -> None:
    sec_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    rep_ctx = browser.new_context()
    try:
        sec, rep = sec_ctx.new_page(), rep_ctx.new_page()
        login(sec, base_url, "secretariat", "demo-secretariat")
        sec.goto(f"{base_url}/sessions/1")
        assert "rep-" not in sec.inner_text("header")
        assert "secretariat" in sec.inner_text("header")
        # the convener tables a new draft; both pages then look at it
        sec.fill("#draft-form input[name=title]", "On the exercise calendar")
        sec.fill("textarea[name=text_en]", "The Council decides:\n1. To hold the exercise.")
        sec.click("text=Table the draft")
        sec.wait_for_url(f"{base_url}/drafts/*")
        draft_url = sec.url
        sec.evaluate("window.__stay = 1")
        seat = sec.locator("#draft-board .seat[data-state=KAZ]")
        assert seat.get_attribute("data-position") == "not_stated"

        login(rep, base_url, "rep-kaz", "demo-rep-kaz")
        assert "KAZ" in rep.inner_text("header .user")
        rep.goto(draft_url)
        rep.select_option("#position-form select[name=position]", "no_objection")
        rep.fill("#position-form textarea[name=statement]", "Kazakhstan does not object.")
        rep.click("#position-form button[type=submit]")

        sec.wait_for_selector("#draft-board .seat[data-state=KAZ][data-position=no_objection]",
                              timeout=5000)
        assert sec.evaluate("window.__stay") == 1  # updated in place, not reloaded
        ARTIFACTS.mkdir(exist_ok=True)
        sec.screenshot(path=str(ARTIFACTS / "live-board.png"), full_page=True)
    finally:
        sec_ctx.close()
        rep_ctx.close()


def test_a_crisis_driven_in_the_browser(browser: Any, base_url: str) -> None:
    """A representative reports; the Secretariat's open board shows it at once; the
    Secretariat convenes consultations, assesses, and records no action with a reason (the
    browser asks for it before the form is sent)."""
    sec_ctx, rep_ctx = browser.new_context(), browser.new_context()
    try:
        sec, rep = sec_ctx.new_page(), rep_ctx.new_page()
        login(sec, base_url, "secretariat", "demo-secretariat")
        sec.goto(f"{base_url}/crises")
        sec.evaluate("window.__stay = 1")
        login(rep, base_url, "rep-tjk", "demo-rep-tjk")
        rep.goto(f"{base_url}/crises")
        rep.fill("form.stack input[name=title]", "Mudflow blocks the Pamir highway")
        rep.select_option("form.stack select[name=category]", "natural_disaster")
        rep.fill("form.stack input[name=place]", "Khorog")  # not a place of the dataset:
        rep.fill("form.stack input[name=lat]", "37.49")  # its coordinates, typed
        rep.fill("form.stack input[name=lon]", "71.55")
        rep.click("form.stack button[type=submit]")
        rep.wait_for_url(f"{base_url}/crises/*")
        assert "Mudflow" in rep.inner_text("h1")

        sec.locator("#crisis-board", has_text="Mudflow").wait_for(timeout=5000)
        assert sec.evaluate("window.__stay") == 1  # arrived live
        sec.click("text=Mudflow blocks the Pamir highway")
        sec.click("#convene")
        sec.locator("#flow li.current", has_text="consultations").wait_for()
        sec.select_option("#transition-form select[name=to]", "assessment")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.current", has_text="assessment").wait_for()
        sec.select_option("#transition-form select[name=to]", "no_action")
        sec.click("#transition-form button[type=submit]")  # no reason: the browser asks
        assert sec.locator("#transition-form input[name=reason]").evaluate(
            "e => e.validity.valueMissing")
        assert "/transition" not in sec.url  # nothing was sent
        sec.fill("#transition-form input[name=reason]", "handled by the national service")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.final", has_text="handled by the national service").wait_for()
        sec.screenshot(path=str(ARTIFACTS / "crisis-room.png"), full_page=True)
    finally:
        sec_ctx.close()
        rep_ctx.close()


def test_a_crisis_from_report_to_review_in_the_browser(browser: Any, base_url: str) -> None:
    """The demo accounts drive a crisis along the whole algorithm in the pages."""
    ctx = {u: browser.new_context() for u in ("sec", "kgz", "kaz")}
    try:
        sec, kgz, kaz = (ctx[u].new_page() for u in ("sec", "kgz", "kaz"))
        login(sec, base_url, "secretariat", "demo-secretariat")
        login(kgz, base_url, "rep-kgz", "demo-rep-kgz")
        login(kaz, base_url, "rep-kaz", "demo-rep-kaz")

        kgz.goto(f"{base_url}/crises")
        kgz.fill("form.stack input[name=title]", "Floods in the Chui valley")
        kgz.select_option("form.stack select[name=category]", "natural_disaster")
        kgz.fill("form.stack input[name=place]", "Manas (Bishkek)")  # a place of the list
        kgz.click("form.stack button[type=submit]")
        kgz.wait_for_url(f"{base_url}/crises/*")
        room = kgz.url

        sec.goto(room)
        sec.click("#convene")
        sec.locator("#flow li.current", has_text="consultations").wait_for()
        sec.select_option("#transition-form select[name=to]", "assessment")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.current", has_text="assessment").wait_for()

        # the consultations session: attendance, a draft, silence is no objection
        sec.click("text=The consultations session")
        session_url = sec.url
        for _ in range(7):
            absent = sec.locator(".seat.absent form button")
            if absent.count() == 0:
                break
            absent.first.click()
            sec.wait_for_url(f"{session_url}#attendance")  # back at the seats
        assert sec.locator(".seat.absent").count() == 0
        sec.fill("#draft-form input[name=title]", "On help to Kyrgyzstan")
        sec.fill("textarea[name=text_en]", "The Council decides to send rescue teams.")
        sec.check("#draft-measures input[value=humanitarian]")  # adopted with the text
        sec.click("text=Table the draft")
        sec.wait_for_url(f"{base_url}/drafts/*")
        sec.click("#close-draft")
        sec.locator(".outcome.adopted").wait_for()

        sec.goto(room)
        # no decision is chosen for the officer: the one just adopted is picked by name
        adopted = sec.locator("#decision-form option", has_text="On help to Kyrgyzstan")
        sec.select_option("#decision-form select[name=decision_id]",
                          adopted.get_attribute("value"))
        sec.click("#decision-form button[type=submit]")
        assert "humanitarian" in sec.inner_text("#authorized")
        sec.select_option("#transition-form select[name=to]", "decision")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.current", has_text="decision").wait_for()
        sec.check("#response-form input[name=measures][value=humanitarian]")
        sec.click("#response-form button[type=submit]")
        sec.select_option("#transition-form select[name=to]", "response")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.current", has_text="response").wait_for()

        kgz.goto(room)
        kgz.fill("#request-form input[name=resource]", "rescue team")
        kgz.click("#request-form button[type=submit]")
        kgz.locator("div.request", has_text="rescue team").wait_for()
        kaz.goto(room)
        kaz.fill(".offer-form input[name=description]", "rescue team, 40 people")
        kaz.click(".offer-form button[type=submit]")
        kgz.goto(room)
        kgz.click("div.request button:has-text('Accept')")
        kgz.locator("span.covered", has_text="0").wait_for()

        sec.goto(room)
        for stage in ("deployed", "monitoring"):
            sec.select_option("#transition-form select[name=to]", stage)
            sec.click("#transition-form button[type=submit]")
            sec.locator("#flow li.current", has_text=stage).wait_for()
        sec.select_option("#transition-form select[name=to]", "closed")
        sec.fill("#transition-form input[name=review]", "Teams arrived within the day.")
        sec.click("#transition-form button[type=submit]")
        sec.locator("#flow li.current", has_text="closed").wait_for()
        assert "to first offer of assistance" in sec.inner_text("#scorecard")
        sec.screenshot(path=str(ARTIFACTS / "crisis-closed.png"), full_page=True)
    finally:
        for c in ctx.values():
            c.close()


def test_an_upload_with_errors_shows_each_error_in_its_row(page: Any, base_url: str,
                                                           tmp_path: Path) -> None:
    bad = tmp_path / "kaz-customs.csv"
    bad.write_text("reference,date,stage,metric,substance,quantity,unit,area\n"
                   "K-1,2026-03-10,spring-2026,seizure,heroin,5,kg,Aktau\n"
                   "K-2,2026-03-11,spring-2026,seizure,unobtainium,5,kg,Aktau\n"
                   "K-3,2026-07-01,spring-2026,seizure,heroin,-4,kg,Aktau\n", encoding="utf-8")
    login(page, base_url, "reporter-kaz", "demo-reporter-kaz")
    page.goto(f"{base_url}/operations/channel/upload")
    page.set_input_files("#upload-form input[type=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    page.locator("#upload-errors").wait_for()
    rows = page.locator("#upload-errors tbody tr").all_inner_texts()
    assert [r.split("\t")[:2] for r in rows] == [["3", "substance"], ["4", "date"],
                                                 ["4", "quantity"]]
    assert "0 stored" in page.inner_text("#upload-result")
    page.screenshot(path=str(ARTIFACTS / "upload-errors.png"), full_page=True)
