"""axe-core (npm, run in Chromium) finds no serious or critical accessibility problem on
any page, for each kind of user, in English and in Russian, on a desktop and on a phone.

axe is evaluated in the page by the test (it is no part of what the site serves): its
file comes from node_modules/axe-core, installed with the other front-end libraries."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_layout_browser import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    pages,
    sign_in,
)
from tests.support.postgres import require_or_skip

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# (the planner, the auditor and the administrator see the Secretariat's pages)
WHO: list[tuple[str, str] | None] = [
    None, ("secretariat", "demo-secretariat"), ("rep-arm", "demo-rep-arm"),
    ("observer", "demo-observer-pass")]
SCREENS = [(1280, "en"), (390, "ru")]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        require_or_skip("axe-core is not installed (npm install)")
    return AXE.read_text(encoding="utf-8")


def audit(page: Any, source: str) -> list[str]:
    """The serious and critical findings of axe (WCAG 2.1 A and AA) on the page."""
    page.wait_for_load_state("load")
    page.evaluate(source)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}))"
        ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(' | '))")
    return list(result)


@pytest.mark.parametrize("who", WHO, ids=lambda w: w[0] if w else "anonymous")
def test_no_serious_accessibility_problem(browser: Any, base_url: str,  # noqa: F811
                                          pages: list[str], axe_source: str,  # noqa: F811
                                          who: tuple[str, str] | None) -> None:
    found: list[str] = []
    for width, lang in SCREENS:
        ctx = browser.new_context(viewport={"width": width, "height": 900})
        page = ctx.new_page()
        try:
            sign_in(page, base_url, who)
            for path in pages:
                sep = "&" if "?" in path else "?"
                response = page.goto(f"{base_url}{path}{sep}lang={lang}")
                if response is None or response.status >= 400:
                    continue
                found += [f"{path} ({width} px, {lang}): {f}" for f in audit(page, axe_source)]
        finally:
            ctx.close()
    assert found == [], "\n".join(found)


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
