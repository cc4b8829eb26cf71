"""The inbox in a real browser: a representative logs in and lands on it; when the
Secretariat tables a draft in an open session, the representative's open inbox shows
"state your position" without a reload, and the item leads to the draft."""

from __future__ import annotations

import re
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
        sec.fill("#draft-form input[name=title]", title)
        sec.fill("textarea[name=text_en]", "The Council decides:\n1. To hold the exercise.")
        sec.click("text=Table the draft")
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


def test_an_offer_reaches_the_requesters_open_inbox(browser: Any, base_url: str) -> None:  # noqa: F811
    """Kazakhstan reports a crisis and asks for a field hospital on its page; Russia
    offers one; Kazakhstan's open inbox shows the offer to accept or decline without a
    reload, and the item leads to the offer in the crisis room."""
    kaz_ctx, rus_ctx = browser.new_context(), browser.new_context()
    try:
        kaz, rus = kaz_ctx.new_page(), rus_ctx.new_page()
        kaz.on("dialog", lambda d: d.accept())
        login(kaz, base_url, "rep-kaz", "demo-rep-kaz")
        kaz.goto(f"{base_url}/crises")
        kaz.fill("form.stack input[name=title]", "Earthquake in Almaty")
        kaz.select_option("form.stack select[name=category]", "natural_disaster")
        kaz.fill("form.stack input[name=place]", "Almaty")
        kaz.fill("form.stack input[name=lat]", "43.24")
        kaz.fill("form.stack input[name=lon]", "76.89")
        kaz.click("form.stack button[type=submit]")
        kaz.wait_for_url(f"{base_url}/crises/*")
        room = kaz.url
        kaz.fill("#request-form input[name=resource]", "Field hospital")
        kaz.click("#request-form button[type=submit]")
        kaz.wait_for_selector("#requests [data-request]")
        kaz.goto(f"{base_url}/inbox")
        kaz.evaluate("window.__stay = 1")
        assert kaz.locator("#inbox-list li[data-kind=offer]").count() == 0

        login(rus, base_url, "rep-rus", "demo-rep-rus")
        rus.goto(room)
        rus.fill("#requests .offer-form input[name=description]", "An airmobile hospital")
        rus.select_option("#requests .offer-form select[name=kind]", "aid")
        rus.click("#requests .offer-form button[type=submit]")
        rus.wait_for_selector("#requests li[data-offer]")

        item = kaz.locator("#inbox-list li[data-kind=offer]", has_text="Earthquake in Almaty")
        item.wait_for(timeout=10_000)
        assert kaz.evaluate("window.__stay") == 1  # arrived live
        assert "RUS: An airmobile hospital" in item.inner_text()
        item.locator("a.title").click()
        kaz.wait_for_url(re.compile(re.escape(room) + r"#offer-\d+$"))
        offer = kaz.url.rsplit("#", 1)[1]
        kaz.locator(f"#{offer} button", has_text="Accept").click()
        kaz.wait_for_selector(f"#{offer}:has-text('accepted')")
        kaz.goto(f"{base_url}/inbox")
        assert kaz.locator("#inbox-list li[data-kind=offer]").count() == 0
    finally:
        kaz_ctx.close()
        rus_ctx.close()
