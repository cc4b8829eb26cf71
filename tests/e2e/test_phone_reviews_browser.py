"""The review of the joint operations' results and the register of decisions on a phone,
in Russian: a table that a link made a finger's size widens past the screen shows its
rows as cards after all (the closed years); the pages fit the screen, their controls a
finger, their dates in Russian order; the fields that take a code open a keyboard that
leaves it as typed (no capital forced, no correction)."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import operation_years
from phalanx.services.db import Database
from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    PHONE,
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS

pytestmark = pytest.mark.browser
SEC = Principal("secretariat", Role.SECRETARIAT)


@pytest.fixture(scope="module")
def closed_year(layout_db: Database) -> int:  # noqa: F811
    operation_years.close_year(layout_db, 2025, "Для ежегодного доклада", actor=SEC)
    return 2025


def test_the_review_pages_fit_a_phone(browser: Any, base_url: str,  # noqa: F811
                                      closed_year: int) -> None:
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        for path in (f"/operation-years?year={closed_year}&lang=ru",
                     "/operations/channel/review?lang=ru", "/decisions?in_force_on=2026-12-05"):
            page.goto(f"{base_url}{path}")
            found = page.evaluate(CHECKS, True)
            assert found["wide"] <= PHONE, (path, found)
            assert (found["cut"], found["small"], found["iso"], found["broken"]) == \
                ([], [], [], []), (path, found)
        # the closed years as cards: the year's link (a finger's size) made the table
        # wider than the screen once the page had laid it out
        page.goto(f"{base_url}/operation-years?year={closed_year}&lang=ru")
        table = page.locator("#closed-years")
        assert "reflow" in (table.get_attribute("class") or "")
        assert table.locator("td[data-label='Год'] a.alone").inner_text() == str(closed_year)
        page.goto(f"{base_url}/operations/channel/review?lang=ru")
        reference = page.locator("#find-report input[name=reference]")
        assert [reference.get_attribute(a) for a in (
            "autocapitalize", "autocorrect", "spellcheck")] == ["none", "off", "false"]
    finally:
        ctx.close()


def test_an_earlier_decisions_number_is_typed_in_capitals(
        browser: Any, base_url: str) -> None:  # noqa: F811
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/sessions?lang=ru")
        page.locator("main table a[href^='/sessions/']").first.click()
        target = page.locator("#draft-target")
        assert [target.get_attribute(a) for a in (
            "autocapitalize", "autocorrect", "spellcheck")] == ["characters", "off", "false"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        ctx.close()


def test_the_re_marking_form_stands_one_field_under_another(
        browser: Any, base_url: str) -> None:  # noqa: F811
    """The Secretariat's form that re-marks a decision, opened in the register on a phone
    in Russian: each field on a row of its own, the button under the reason (not beside
    it, nor a label run against the field above), each a finger's size."""
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/decisions?lang=ru")
        remark = page.locator("details.remark").first
        remark.locator("summary").tap()
        form = remark.locator("form")
        rows = [form.locator(s).bounding_box() for s in (
            "select[name=marking]", "input[name=participants]", "input[name=reason]",
            "button[type=submit]")]
        for above, below in pairwise(rows):
            assert below["y"] >= above["y"] + above["height"] + 4, (above, below)
        assert all(r["height"] >= 44 for r in rows), rows
        found = page.evaluate(CHECKS, True)
        assert found["wide"] <= PHONE and found["small"] == [], found
    finally:
        ctx.close()
