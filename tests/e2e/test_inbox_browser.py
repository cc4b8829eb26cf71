"""The inbox in a real browser: a representative logs in and lands on it; when the
Secretariat tables a draft in an open session, the representative's open inbox shows
"state your position" without a reload, and the item leads to the draft."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_browser import base_url, login  # noqa: F401  (the shared demo site)

pytestmark = pytest.mark.browser


def test_a_tabled_draft_reaches_the_open_inbox(browser: Any, base_url: str) -> None:  # noqa: F811
    sec_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    rep_ctx = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        sec, rep = sec_ctx.new_page(), rep_ctx.new_page()
        login(rep, base_url, "rep-kaz", "demo-rep-kaz")
        assert rep.url == f"{base_url}/inbox"
        rep.evaluate("window.__stay = 1")
        title = "On the joint air-defence exercise"
        assert rep.locator(f"#inbox-list li[data-kind=position] >> text={title}").count() == 0

        login(sec, base_url, "secretariat", "demo-secretariat")
        sec.goto(f"{base_url}/sessions/1")
        sec.fill("input[name=title]", title)
        sec.fill("textarea[name=text_en]", "The Council decides:\n1. To hold the exercise.")
        sec.click("text=Submit")
        sec.wait_for_url(f"{base_url}/drafts/*")

        item = rep.locator("#inbox-list li[data-kind=position]", has_text=title)
        item.wait_for(timeout=10_000)
        assert rep.evaluate("window.__stay") == 1  # arrived live, no reload
        assert "by" in item.locator(".due").inner_text()  # with its deadline
        box = item.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390  # fits the phone
        item.locator("a.title").click()
        rep.wait_for_url(f"{base_url}/drafts/*")
        assert rep.url == sec.url
    finally:
        sec_ctx.close()
        rep_ctx.close()
