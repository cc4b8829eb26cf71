"""The keyboard reaches what a mouse or a finger does. (axe-core's check of every page,
for each kind of user, in English and in Russian, on a desktop and on a phone, runs on
the layout test's visits: tests/e2e/test_layout_browser.py.)"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    sign_in,
)
from tests.support.axe import audit

pytestmark = pytest.mark.browser


# the element the keyboard is on: a bar of a chart, with its name and its tooltip
FOCUSED_BAR = """() => {
  const el = document.activeElement;
  if (!el || !el.matches('svg rect.bar')) { return null; }
  const style = getComputedStyle(el);
  return {name: el.getAttribute('aria-label'), role: el.getAttribute('role'),
          title: el.querySelector(':scope > title').textContent,
          chart: el.closest('svg').getAttribute('data-chart'),
          outline: style.outlineStyle, stroke: style.stroke};
}"""


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_keyboard_reaches_a_chart_s_bars_and_reads_their_figures(
        browser: Any, base_url: str, axe_source: str, lang: str) -> None:  # noqa: F811
    """A bar's figure was in its tooltip alone, which a mouse shows and a tap writes
    under the chart: the keyboard could not reach it. Tab now stops on each bar, which
    is named by its figure, marked by a visible focus, and writes the figure under the
    chart as a tap does."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("rep-kaz", "demo-rep-kaz"))
        page.goto(f"{base_url}/operations/channel?lang={lang}")
        page.locator("body").focus()
        bar = None
        for _ in range(300):
            page.keyboard.press("Tab")
            bar = page.evaluate(FOCUSED_BAR)
            if bar is not None:
                break
        assert bar is not None, "Tab never reached a chart's bar"
        assert bar["chart"] == "substance-chart" and bar["role"] == "img"
        assert bar["name"] == bar["title"] and re.search(r"\d", bar["name"])
        # its accessible name, as the browser computes it, is its figure's words
        named = page.get_by_role("img", name=bar["name"], exact=True)
        assert named.count() == 1 and named.evaluate("el => el === document.activeElement")
        assert bar["outline"] != "none" or bar["stroke"] != "none"  # the focus shows
        tip = page.locator("p.chart-tip").first
        assert tip.inner_text() == bar["name"] and tip.get_attribute("role") == "status"
        # the next Tab, the next bar and its figure
        page.keyboard.press("Tab")
        following = page.evaluate(FOCUSED_BAR)
        assert following is not None and following["name"] != bar["name"]
        assert tip.inner_text() == following["name"]
        assert audit(page, axe_source) == []
    finally:
        ctx.close()
