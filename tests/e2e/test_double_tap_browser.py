"""A crisis reported from a phone with a double tap on "Report": Chromium sends the form
twice (the second tap abandons the first one's answer), and one crisis is opened; the
phone lands on it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_browser import base_url, login  # noqa: F401  (the shared demo site)

pytestmark = pytest.mark.browser
TITLE = "Mudflow on the Kishi-Almaty river"


def test_a_double_tap_on_report_opens_one_crisis(browser: Any,
                                                 base_url: str) -> None:  # noqa: F811
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)
    try:
        page = ctx.new_page()
        login(page, base_url, "rep-kaz", "demo-rep-kaz")
        page.goto(f"{base_url}/crises")
        form = page.locator("#report-form")
        form.locator("input[name=title]").fill(TITLE)
        form.locator("select[name=affected]").select_option(["KAZ"])
        form.locator("input[name=place]").fill("Almaty")
        form.locator("input[name=place]").dispatch_event("change")
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
        # both taps land before the first answer comes back
        form.evaluate("f => { f.requestSubmit(); setTimeout(() => f.requestSubmit(), 30); }")
        for _ in range(2):  # the first tap's navigation is abandoned for the second's
            try:
                page.wait_for_url(re.compile(r".*/crises/\d+.*"))
                break
            except Exception as exc:
                if "ERR_ABORTED" not in str(exc):
                    raise
        assert len([u for u in sent if u.endswith("/crises")]) == 2
        landed = page.url.rsplit("/", 1)[1].split("?")[0]
        board = page.request.get(f"{base_url}/api/v1/crises?limit=200").json()
        items = board["items"] if isinstance(board, dict) else board
        mine = [c for c in items if c["title"] == TITLE]
        assert [str(c["id"]) for c in mine] == [landed]
    finally:
        ctx.close()
