"""On a phone a table too wide for the screen shows its rows as cards, each cell beside
the name of its column, no word broken letter by letter: neither the cells' nor the
names' (the name's column widens for a long Russian word)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    pages,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import BROKEN_WORDS, CARD_NAMES

pytestmark = pytest.mark.browser


def test_a_wide_table_reflows_into_cards_on_a_phone(browser: Any, base_url: str) -> None:  # noqa: F811
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/sessions?lang=en")
        cell = page.locator("table.data.reflow tbody tr").first.locator("td, th").nth(2)
        assert cell.get_attribute("data-label") == "Kind"
        box = page.locator("table.data.reflow tbody tr").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        ctx.close()


def test_a_consultation_draft_fits_a_phone(browser: Any, base_url: str, pages: list[str],  # noqa: F811
                                           consultation_draft: int) -> None:  # noqa: F811
    """The heads of state's answers show as cards on a phone, no word broken (a table of
    five columns at 390 px broke "Belarus" and "telephone" mid-word)."""
    path = f"/drafts/{consultation_draft}"
    assert path in pages
    ctx = browser.new_context(viewport={"width": 390, "height": 900})
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        for lang in ("en", "ru"):
            page.goto(f"{base_url}{path}?lang={lang}")
            assert page.locator("#consultation tbody tr").count() >= 5
            assert page.evaluate(BROKEN_WORDS) == [], lang
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            cell = page.locator("#consultation tbody tr").first.locator("td, th").nth(3)
            assert cell.get_attribute("data-label") in ("Channel", "Способ связи")
            box = page.locator("#consultation tbody tr").first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        ctx.close()


def test_a_cards_column_names_keep_their_words_whole(browser: Any, base_url: str  # noqa: F811
                                                     ) -> None:
    """The deployment plan's movements in the crisis room, as cards on a phone of 360 px in
    Russian: "Подразделение", "Предназначение" whole beside their cells (the names' column
    was a third of the card, and broke them into "Подразделени-е"), the cells beside them
    still side by side with their names."""
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("planner", "demo-planner-pass"))
        page.goto(f"{base_url}/crises?lang=ru")
        room = page.locator("#crisis-board a[href^='/crises/']").first.get_attribute("href")
        page.goto(f"{base_url}{room}?lang=ru")
        cells = page.locator("table.data.reflow th[data-label='Подразделение']")
        assert cells.count() > 0
        assert page.evaluate(CARD_NAMES) == []
        cell = cells.first.bounding_box()
        value = cells.first.locator(".cell-value").bounding_box()
        assert cell is not None and value is not None
        # the name and the value side by side, the value keeping most of the card
        assert value["x"] > cell["x"] + 80 and value["width"] > 0.5 * cell["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        ctx.close()
