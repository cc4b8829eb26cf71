"""A crisis's drafts read on a phone, in Russian and in English: the section naming each
draft with its fate, the Secretariat's forms to tie and untie one, open, fit the screen,
their controls a finger."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crisis_drafts
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def crisis_with_drafts(layout_db: Database) -> int:  # noqa: F811
    """The demo's real crisis, every real draft of the demo tied to it."""
    with layout_db.read() as conn:
        crisis = conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
            t.crisis.c.exercise.is_(False)).order_by(t.crisis.c.id)).scalars().first()
        drafts = conn.execute(access.select_visible(t.draft, SYSTEM, t.draft.c.id)
                              .order_by(t.draft.c.id)).scalars().all()
    assert crisis is not None
    for d in drafts:
        try:
            crisis_drafts.tie(layout_db, crisis, d, "the Council's answer to the crisis",
                              actor=SYSTEM)
        except Conflict:  # an exercise's, or in its file already
            continue
    with layout_db.read() as conn:
        assert conn.execute(select(t.crisis_draft.c.draft_id)).first() is not None
    return int(crisis)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_crisis_file_of_drafts_reads_on_a_phone(
        browser: Any, base_url: str, crisis_with_drafts: int, lang: str) -> None:  # noqa: F811
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/crises/{crisis_with_drafts}?lang={lang}")
        section = page.locator("#crisis-drafts")
        assert section.is_visible()
        assert section.locator("li[data-draft]").count() >= 2
        for summary in section.locator("summary").all():
            summary.click()
        found = page.evaluate(CHECKS, True)
        assert found["wide"] <= 390, found
        assert (found["cut"], found["small"], found["broken"], found["names"]) == \
            ([], [], [], []), found
        if lang == "ru":
            assert found["iso"] == [], found
    finally:
        ctx.close()
