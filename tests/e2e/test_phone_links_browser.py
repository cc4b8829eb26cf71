"""On a phone a link that stands by itself is a finger's target of 44 px: the home page's
list of bodies, a body's breadcrumb, an inbox card's title, a link in a table shown as
cards, a line of links ("CAP alerts · CAP feeds"), also after the inbox is replaced live
(they were 15 to 23 px high, a finger took the next one). A link inside a sentence keeps
the sentence's height, and the desktop's links are as they were. (Every page of every
role: test_layout_browser.py, with `layout_checks.TAP_TARGETS`.)"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    desktop,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import TAP_TARGETS

pytestmark = pytest.mark.browser
FINGER = 43.5


def _heights(page: Any, selector: str) -> list[float]:
    boxes = page.locator(selector)
    assert boxes.count() > 0, selector
    return [boxes.nth(i).bounding_box()["height"] for i in range(boxes.count())]


def test_links_that_stand_alone_take_a_finger_on_a_phone(browser: Any, base_url: str  # noqa: F811
                                                        ) -> None:
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        for path, selector in [
                ("/?lang=ru", "main a[href^='/bodies/']"),  # "Council (CSC)": a list of links
                ("/bodies/csc?lang=ru", "p.crumbs a"),
                ("/inbox?lang=ru", "ul.inbox a.title"),
                ("/decisions?lang=ru", "table.data td a"),
                ("/watch?lang=ru", "main p.small a"),
                ("/tasks?lang=ru", "main a[href^='/tasks']")]:
            page.goto(f"{base_url}{path}")
            assert min(_heights(page, selector)) >= FINGER, path
            assert page.evaluate(TAP_TARGETS) == [], path
        # a link inside a sentence keeps the sentence's height
        page.goto(f"{base_url}/crises?lang=ru")
        room = page.locator("#crisis-board a[href^='/crises/']").first.get_attribute("href")
        page.goto(f"{base_url}{room}?lang=ru")
        inline = page.locator("main p > a[href^='/forces/map?crisis=']").first
        assert inline.count() == 1
        assert inline.bounding_box()["height"] < 30
        # the inbox's items replaced live (as an event makes htmx fetch them) keep their
        # titles' size
        page.goto(f"{base_url}/inbox?lang=ru")
        page.evaluate("document.querySelectorAll('ul.inbox a.title')"
                      ".forEach((a) => a.classList.remove('alone'))")
        with page.expect_response(lambda r: "/inbox/items" in r.url):
            page.evaluate("htmx.trigger('#inbox-items', 'sse:position')")
        page.wait_for_function(
            "() => document.querySelector('ul.inbox a.title.alone') !== null")
        assert min(_heights(page, "ul.inbox a.title")) >= FINGER
    finally:
        ctx.close()
    with desktop(browser, base_url, ("secretariat", "demo-secretariat"), "/?lang=ru") as page:
        # a desktop's list of links as it was: lines of text, not of a finger
        assert min(_heights(page, "main li > a[href^='/bodies/']")) < 30
