"""The crisis room's answers to an official request read on a phone in Russian: how long
each member's answer has waited, in days and hours, and the response card's times, each
on its line of a 360 px screen, no word broken, no control under a finger's size."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from phalanx.services import clock, crises
from phalanx.services.db import Database
from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS
from tests.integration.test_response_chain import SEC, request

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def asked_two_days_ago(layout_db: Database) -> int:  # noqa: F811
    now = clock.now()
    c = crises.open_crisis(layout_db, crises.CrisisIn(
        title="Shelling across the border", category="armed_attack", affected=["KGZ"]),
        actor=SEC, at=now - timedelta(hours=46))
    request(layout_db, c.id, now - timedelta(hours=45, minutes=10))
    return c.id


def test_the_members_wait_and_the_response_card_read_on_a_phone(
        browser: Any, base_url: str, asked_two_days_ago: int) -> None:  # noqa: F811
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("rep-kaz", "demo-rep-kaz"))
        page.goto(f"{base_url}/crises/{asked_two_days_ago}?lang=ru")
        waits = page.locator("tr[data-state] td:last-child").all_inner_texts()
        assert waits and all(re.fullmatch(r"1 сут\. 21 ч · просрочено", w) for w in waits), \
            waits
        card = page.locator("tr[data-measure] td:nth-child(3)").all_inner_texts()
        assert "12 ч" in card and not [c for c in card if re.search(r"\d,\d", c)], card
        for cell in page.locator("tr[data-state] td:last-child").all():
            box = cell.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 360, box
        found = page.evaluate(CHECKS, True)
        assert found["wide"] <= 360, found
        assert (found["cut"], found["small"], found["broken"], found["iso"]) == \
            ([], [], [], []), found
    finally:
        ctx.close()
