"""axe-core (npm), run in Chromium by the page tests: it is no part of what the site
serves; its file comes from node_modules/axe-core, installed with the other front-end
libraries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.postgres import require_or_skip

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        require_or_skip("axe-core is not installed (npm install)")
    return AXE.read_text(encoding="utf-8")


def with_axe(context: Any, source: str) -> None:
    """axe-core in every page the browser context opens: given to the browser once,
    instead of sent with each page to `audit`."""
    context.add_init_script(source)


def audit(page: Any, source: str) -> list[str]:
    """The serious and critical findings of axe (WCAG 2.1 A and AA) on the page."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source)
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']}))"
        ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(' | '))")
    return list(result)
