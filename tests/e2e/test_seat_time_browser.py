"""A moment typed in a form's UTC field shows under it as it falls where the Secretariat
sits, in the page's language, as the reader types: 21:30 UTC on 31 December is 00:30 on
Friday 1 January in Moscow (the organization's day and year, `domain/calendar.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    sign_in,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", ("Москва: ", "пятница", "1 января 2027", "00:30")),
    ("en", ("Moscow: ", "Friday", "January 1, 2027", "00:30")),
])
def test_a_utc_field_shows_its_moment_at_the_seat(browser: Any, base_url: str,  # noqa: F811
                                                  lang: str, words: tuple[str, ...]) -> None:
    ctx = browser.new_context(locale="ru-RU" if lang == "ru" else "en-GB")
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/sessions?lang={lang}")
        for name in ("opens_at", "deadline"):
            field = page.locator(f"input[name='{name}']")
            hint = page.locator(f"#{field.get_attribute('aria-describedby')}")
            assert hint.inner_text() == ""  # nothing typed, nothing said
            field.fill("2026-12-31T21:30")
            text = hint.inner_text()
            assert all(w in text for w in words), text
            field.fill("2026-06-01T09:00")  # the hint follows what is typed
            assert "12:00" in hint.inner_text() and "2027" not in hint.inner_text()
    finally:
        ctx.close()
