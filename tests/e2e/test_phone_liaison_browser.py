"""The affected state's liaison officer on a phone, in Russian (390 × 844): the crisis
room's request for assistance names each of its fields, to the eye and to a screen
reader; the audit trail's pages are turned by links a finger takes and a screen reader
reads; a register offers no form whose choice is empty. (Every page of the roles the
layout test visits: test_layout_browser.py.)"""

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
from tests.support.axe import audit

pytestmark = pytest.mark.browser
FINGER = 43.5
KGZ = ("rep-kgz", "demo-rep-kgz")
# the name a screen reader gives each field of a form (its label's words, or its own)
NAMES = """(form) => Array.from(form.querySelectorAll(
  "input:not([type=hidden]), select, textarea")).map((f) => [f.name, (f.labels && f.labels[0]
  ? f.labels[0].innerText.replace(f.innerText || "", "") : "").trim()
  || f.getAttribute("aria-label") || ""])"""


def _crisis_of(page: Any, base_url: str, state: str) -> str:  # noqa: F811
    page.goto(f"{base_url}/crises?lang=ru")
    rows = page.locator("#crisis-board a[href^='/crises/']")
    for i in range(rows.count()):
        href = str(rows.nth(i).get_attribute("href"))
        if page.request.get(f"{base_url}/api/v1{href}").json()["affected"] == [state]:
            return href
    raise AssertionError(f"no crisis of {state} on the board")


def test_the_affected_states_request_form_names_its_measure(
        browser: Any, base_url: str, axe_source: str) -> None:  # noqa: F811
    """Kyrgyzstan's representative asks for assistance in its crisis room: the form's
    measure (humanitarian, military, ...) had no name at all, neither shown beside it nor
    read out (axe: select-name, critical); it is "Мера" now, like the form's other
    fields."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, KGZ)
        room = _crisis_of(page, base_url, "KGZ")
        page.goto(f"{base_url}{room}?lang=ru")
        form = page.locator("#request-form")
        names = dict(form.evaluate(NAMES))
        assert names == {"resource": "Что требуется", "quantity": "Количество",
                         "measure": "Мера"}, names
        assert form.locator("label", has_text="Мера").is_visible()
        assert audit(page, axe_source) == []
    finally:
        ctx.close()


def test_the_audit_trails_pages_are_turned_by_a_finger(browser: Any,
                                                      base_url: str) -> None:  # noqa: F811
    """The auditor turns the trail's pages on a phone: the links were a bare "←" and "→"
    of 13 × 18 px beside the page's number (read out as arrows); they are the lists' own
    pager now, "Предыдущая страница" and "Следующая страница" after which rows of how
    many, each a finger's height, and they keep the filter."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("auditor", "demo-auditor-pass"))
        page.goto(f"{base_url}/audit?lang=ru&exercise=false&page=2")
        pager = page.locator("#audit-pager")
        assert pager.is_visible()
        text = pager.inner_text()
        assert text.startswith("101–200 из "), text
        links = pager.locator("a")
        assert links.all_inner_texts() == ["Предыдущая страница", "Следующая страница"]
        for i in range(links.count()):
            assert links.nth(i).bounding_box()["height"] >= FINGER
            assert "exercise=false" in str(links.nth(i).get_attribute("href"))
        links.first.tap()
        page.wait_for_url("**/audit?*page=1*")
        assert page.locator("#audit-pager").inner_text().startswith("1–100 из ")
    finally:
        ctx.close()


def test_a_register_offers_no_delivery_form_without_a_supply_to_deliver(
        browser: Any, base_url: str) -> None:  # noqa: F811
    """Kyrgyzstan's supplies are delivered in full: the register offered it the form to
    record a delivery all the same, its supply's choice an empty box of 38 px; the form
    is there only while a supply the reader may record is not delivered in full."""
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, KGZ)
        page.goto(f"{base_url}/mtc?lang=ru")
        assert page.locator("#supplies tbody tr").count() >= 1
        form = page.locator("#delivery-form")
        assert form.count() == 0 or form.locator("select[name=supply] option").count() > 0
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/mtc?lang=ru")
        assert page.locator("#delivery-form select[name=supply] option").count() > 0
    finally:
        ctx.close()
