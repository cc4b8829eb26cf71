"""The public pages in a real browser (Debian's Chromium through Playwright), under the
application's Content-Security-Policy: the members table and the timeline follow the
date picker without a reload, the language switch keeps the page and persists, a body's
page shows its composition, a bad date gets its message in place; a signed-in user's
choice of language (a form, not a link) is stored as theirs.

`PHALANX_UPDATE_SCREENSHOT=1` also refreshes the README's picture, docs/screenshot.png
(the members page with the timeline, 1280x800); otherwise screenshots go to
test-artifacts/ only, so that a test run leaves the tree clean."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.config import Settings
from phalanx.services import identity
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import ARTIFACTS, serve_asgi

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"
SIX = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


@pytest.fixture
def base_url(settings: Settings, loaded_db: Database) -> Iterator[str]:
    with serve_asgi(create_app(settings, loaded_db)) as url:
        yield url


@pytest.fixture
def watched(page: Any) -> Iterator[Any]:
    """The page, failing the test on any console error (a script error, or anything the
    Content-Security-Policy blocked) or a failed request for a script or a stylesheet."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # a request the browser cancels because the page moved on (ERR_ABORTED) is no failure
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    yield page
    bad = [p for p in problems if "400 (Bad Request)" not in p]  # asked for in a test
    assert bad == [], "\n".join(bad)


def pick(page: Any, day: str) -> None:
    """Choose a day in the date picker, as a person does: the field changes (Playwright's
    fill sends the input and change events)."""
    page.fill("#on", day)


def codes(page: Any) -> list[str]:
    result: list[str] = page.locator("#members-table td.code").all_inner_texts()
    return result


def test_members_follow_the_date_without_a_reload(watched: Any, base_url: str) -> None:
    page = watched
    page.goto(f"{base_url}/members")
    assert page.locator("link[rel=stylesheet]").count() == 1
    page.evaluate("window.__stay = 'same page'")

    pick(page, "2000-01-01")
    page.locator("#members-heading", has_text="1 January 2000").wait_for()
    assert codes(page) == SIX
    assert page.locator("#members-heading .count").inner_text() == "(6)"
    assert page.evaluate("window.__stay") == "same page"  # swapped in, not reloaded
    assert page.url == f"{base_url}/members?on=2000-01-01"  # and the address follows

    # the timeline came with the table: a bar per stint, the marker on the chosen day
    assert page.locator("svg.timeline rect.stint").count() >= 12
    assert page.locator("svg.timeline line.marker title").text_content() == "2000-01-01"
    assert page.locator("svg.timeline text.label.member").count() == 6

    pick(page, "2013-06-01")
    page.locator("#members-heading", has_text="1 June 2013").wait_for()
    assert codes(page) == [*SIX, "UZB"]
    assert page.locator("#members-table tr.suspended td.code").all_inner_texts() == ["UZB"]
    assert page.locator("svg.timeline line.marker title").text_content() == "2013-06-01"
    assert page.evaluate("window.__stay") == "same page"

    pick(page, "2000-01-01")
    page.locator("#members-heading", has_text="1 January 2000").wait_for()
    page.locator("#on").blur()
    page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "members.png"), full_page=True)
    if os.environ.get("PHALANX_UPDATE_SCREENSHOT"):
        page.screenshot(path=str(DOCS / "screenshot.png"))  # the 1280x800 viewport


def members_of_2000_in_russian(page: Any, base_url: str) -> None:
    """The members on 1 January 2000, then the language switched to Russian: the page
    keeps the date."""
    page.goto(f"{base_url}/members")
    pick(page, "2000-01-01")
    page.locator("#members-heading", has_text="1 January 2000").wait_for()
    page.click("nav.lang >> text=Русский")
    page.wait_for_url(re.compile(r".*/members\?on=2000-01-01&lang=ru$"))
    assert page.locator("html").get_attribute("lang") == "ru"


def test_the_language_switch_keeps_the_date_and_persists(watched: Any, base_url: str) -> None:
    page = watched
    members_of_2000_in_russian(page, base_url)
    assert page.inner_text("#members-heading").startswith(
        "Государства-члены на 1 января 2000 г.")
    assert codes(page) == SIX
    assert "Армения" in page.inner_text("#members-table")
    assert page.locator("nav.main a.active").inner_text() == "Члены"
    assert "Армения" in (page.locator("svg.timeline").text_content() or "")

    # the choice is kept in a cookie: a page opened afterwards is Russian too
    page.goto(f"{base_url}/bodies?on=2014-06-01")
    assert page.locator("h1").inner_text() == "Органы"
    page.click("text=Совет коллективной безопасности")
    page.wait_for_url(re.compile(r".*/bodies/csc\?on=2014-06-01$"))
    assert page.locator("h1").inner_text().startswith("Совет коллективной безопасности")
    assert "Председатель в 2014 г." in page.inner_text(".chair")
    assert page.locator("#seats tbody tr").count() == 7
    uzb = page.locator("#seats tr[data-state=UZB]")
    assert "участие приостановлено" in uzb.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "body-ru.png"), full_page=True)

    page.click("nav.lang >> text=English")
    page.wait_for_url(re.compile(r".*/bodies/csc\?on=2014-06-01&lang=en$"))
    assert "Chair in 2014" in page.inner_text(".chair")


def test_a_body_page_and_back_to_the_list(watched: Any, base_url: str) -> None:
    page = watched
    page.goto(f"{base_url}/bodies?on=2014-06-01")
    page.click("text=Parliamentary Assembly")
    page.wait_for_url(re.compile(r".*/bodies/pa\?on=2014-06-01$"))
    assert page.locator("#seats tbody tr").count() == 7
    assert set(page.locator("#seats tbody td:nth-child(3)").all_inner_texts()) == {"—"}
    assert "Sergei Naryshkin" in page.inner_text("#officials")
    page.fill("#on", "2000-01-01")
    page.click("form.toolbar button[type=submit]")
    page.wait_for_url(re.compile(r".*/bodies/pa\?on=2000-01-01$"))
    assert "did not exist" in page.inner_text("#content .notice")
    page.click(".crumbs >> text=Bodies")
    page.wait_for_url(re.compile(r".*/bodies\?on=2000-01-01$"))
    assert page.locator("text=Parliamentary Assembly").count() == 0


def test_a_bad_date_gets_its_message_in_place(watched: Any, base_url: str) -> None:
    page = watched
    page.goto(f"{base_url}/members?on=2000-01-01")
    page.evaluate("window.__stay = 1")
    # a date field cannot hold a wrong date; a hand-edited address or an old browser can
    page.evaluate("document.getElementById('on').type = 'text'")
    page.fill("#on", "2000-02-30")
    page.dispatch_event("#on", "change")  # a text field changes when it loses the focus
    page.locator("#members .error").wait_for()
    assert "“2000-02-30” is not a date" in page.inner_text("#members .error")
    assert page.evaluate("window.__stay") == 1
    assert page.locator("#members-table").count() == 0
    # and the same message on a page opened with it
    response = page.goto(f"{base_url}/agreements?on=2000-02-30")
    assert response is not None and response.status == 400
    assert "is not a date" in page.inner_text("main .error")


def test_a_signed_in_users_choice_of_language_is_stored_as_theirs(
        watched: Any, settings: Settings, accounts_db: Database) -> None:
    page = watched
    with serve_asgi(create_app(settings, accounts_db)) as url:
        login(page, url, "rep-kaz", "demo-rep-kaz")
        # the switch swapped in with the table names the chosen date too
        members_of_2000_in_russian(page, url)
        assert page.locator("nav.lang button.active").inner_text() == "Русский"
        with accounts_db.read() as conn:
            assert identity.account(conn, "rep-kaz").language == "ru"
        page.click("nav.lang >> text=English")
        page.wait_for_url(re.compile(r".*/members\?on=2000-01-01&lang=en$"))
        with accounts_db.read() as conn:
            assert identity.account(conn, "rep-kaz").language == "en"
