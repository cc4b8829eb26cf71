"""A decision sent to a member for consideration, read by that member's representative on
a phone, in Russian and in English: its own page (the notice, both texts each under its
language's name, the exports on a line of their own), its register's line with the tag,
and the notice in the inbox fit the screen, their controls a finger, their dates in the
page's order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS

pytestmark = pytest.mark.browser
SEC = Principal("secretariat", Role.SECRETARIAT)
MARKED = ["BLR", "KAZ", "RUS", "TJK"]  # Kyrgyzstan absent, not among the readers


@pytest.fixture(scope="module")
def sent_to_kgz(layout_db: Database) -> int:  # noqa: F811
    """A decision of the Council marked for four members, adopted with Kyrgyzstan absent:
    sent to it for consideration, its draft not Kyrgyzstan's to read."""
    m = dec.convene(layout_db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": clock.now() - timedelta(hours=2)}), actor=SEC)
    for a in m.attendance:
        dec.record_attendance(layout_db, m.id, a.state, a.state != "KGZ", actor=SEC)
    d = dec.propose_draft(layout_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the joint air defence system's command post",
        title_ru="О командном пункте объединённой системы противовоздушной обороны",
        text_en="The Council decides:\n1. To set up the command post.",
        text_ru="Совет решил:\n1. Создать командный пункт.",
        marking="PARTICIPANTS", participants=MARKED), actor=SEC)
    for s in MARKED:
        dec.state_position(layout_db, d.id, Position.SUPPORT, actor=Principal(
            f"rep-{s.lower()}", Role.REPRESENTATIVE, state=s))
    closed = dec.close_draft(layout_db, d.id, actor=SEC)
    assert closed.decision_id is not None
    return closed.decision_id


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_decision_sent_for_consideration_reads_on_a_phone(
        browser: Any, base_url: str, sent_to_kgz: int, lang: str) -> None:  # noqa: F811
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("rep-kgz", "demo-rep-kgz"))
        for path in (f"/decisions/{sent_to_kgz}", "/decisions", "/inbox"):
            page.goto(f"{base_url}{path}?lang={lang}")
            found = page.evaluate(CHECKS, True)
            assert found["wide"] <= 390, (path, found)
            assert (found["cut"], found["small"], found["broken"], found["names"]) == \
                ([], [], [], []), (path, found)
            if lang == "ru":
                assert found["iso"] == [], (path, found)
        page.goto(f"{base_url}/decisions/{sent_to_kgz}?lang={lang}")
        assert page.locator("#for-consideration").is_visible()
        # the two exports side by side on a line of their own, not split across the
        # heading's line
        links = page.locator("main a[href^='/api/v1/decisions/']")
        assert links.count() == 2
        boxes = [links.nth(i).bounding_box() for i in range(2)]
        assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2, boxes
        headings = page.locator("#decision-text h2").all_inner_texts()
        assert headings == (["Текст на русском языке", "Текст на английском языке"]
                            if lang == "ru" else ["Text in English", "Text in Russian"])
        page.goto(f"{base_url}/decisions?lang={lang}")
        tag = page.locator(f"#decision-{sent_to_kgz} .tag.for-consideration")
        assert tag.inner_text() == ("на рассмотрение" if lang == "ru" else "for consideration")
    finally:
        ctx.close()
