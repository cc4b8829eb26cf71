"""axe-core (npm, run in Chromium) finds no serious or critical accessibility problem on
any page, for each kind of user, in English and in Russian, on a desktop and on a phone.

axe is evaluated in the page by the test (it is no part of what the site serves): its
file comes from node_modules/axe-core, installed with the other front-end libraries."""

from __future__ import annotations

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
