"""The joint operations' pages on a 390 px phone in Russian, as the Secretariat's analyst
reads them in the field and a reporter sends a file: the statistics (with the chart of the
months), the reports' list and the upload form fit the screen (no sideways scroll of the
page, no table cut off), every control a finger's size, the charts' letters readable, the
months named in Russian, the figures' CSV link there to tap."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS

pytestmark = pytest.mark.browser
PHONE = 390  # the analyst's phone, CSS px

PAGES = {
    ("secretariat", "demo-secretariat"): [
        "/operations/channel?lang=ru", "/operations/channel?year=2025&lang=ru",
        "/operations/channel/reports?lang=ru", "/operations/channel/review?lang=ru"],
    ("rep-kaz", "demo-rep-kaz"): ["/operations/channel?lang=ru",
                                  "/operations/channel/reports?lang=ru"],
    ("reporter-kaz", "demo-reporter-kaz"): ["/operations/channel/upload?lang=ru",
                                            "/operations/channel/reports?lang=ru"],
}


@pytest.mark.parametrize("who", list(PAGES), ids=[w for w, _ in PAGES])
def test_the_operations_pages_fit_a_phone_in_russian(browser: Any, base_url: str,  # noqa: F811
                                                     who: tuple[str, str]) -> None:
    ctx = phone(browser, PHONE)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, who)
        for path in PAGES[who]:
            response = page.goto(f"{base_url}{path}")
            assert response is not None and response.status == 200, path
            found = page.evaluate(CHECKS, True)
            assert found["wide"] <= PHONE, (path, found)
            assert (found["cut"], found["small"], found["broken"], found["names"]) == \
                ([], [], [], []), (path, found)
    finally:
        ctx.close()


def test_the_months_chart_is_read_in_russian_on_a_phone(browser: Any,
                                                        base_url: str) -> None:  # noqa: F811
    ctx = phone(browser, PHONE)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/operations/channel?year=2025&lang=ru")
        chart = page.locator("svg[data-chart='month-chart']")
        assert chart.locator("text.chart-title").text_content().startswith(
            "Изъятия по месяцам, 2025")
        labels = chart.locator("text.label").all_text_contents()
        assert labels[0] == "янв." and labels[2] == "март" and len(labels) == 12
        # its letters at their size, the chart scrolling inside its box, not the page
        for text in (chart.locator("text.tick").first, chart.locator("text.label").first):
            assert text.bounding_box()["height"] >= 10
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
        # a month's bar answers a tap with its figure
        bar = chart.locator("rect.bar[data-label='март']")
        bar.scroll_into_view_if_needed()
        bar.tap()
        tip = page.locator("#by-month p.chart-tip")
        assert tip.inner_text().startswith("март, изъятия: ")
        # the months' table as cards, each row's month named
        table = page.locator("#month-totals")
        assert table.locator("tbody tr").count() == 12
        csv = page.locator("#statistics-csv")
        box = csv.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE
    finally:
        ctx.close()
