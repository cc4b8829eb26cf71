"""On a phone the menu folds behind one button and holds only what the role can use, and
the header takes two rows of a finger's height (a sixth of the screen at most), the
desktop's as it was; without scripts the menu is a list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    desktop,
    layout_db,
    phone,
    sign_in,
)
from tests.support.browser import ARTIFACTS

pytestmark = pytest.mark.browser


def test_the_phone_menu_folds_and_holds_the_roles_pages(browser: Any, base_url: str) -> None:  # noqa: F811
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("observer", "demo-observer-pass"))
        page.goto(f"{base_url}/members")
        links = page.locator("nav.main .links a")
        toggle = page.locator("header.top button.menu-toggle")
        assert toggle.is_visible() and not links.first.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.bounding_box()["height"] >= 44
        # the content starts right under the header and the folded menu
        assert page.locator("main h1").bounding_box()["y"] < 300
        toggle.tap()
        assert links.first.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert min(links.nth(i).bounding_box()["height"] for i in range(links.count())) >= 44
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        # an observer has no crises, sessions, decisions or audit trail to work on
        assert "/operations" in hrefs and "/documents" in hrefs
        assert not {"/crises", "/sessions", "/decisions", "/tasks", "/audit"} & set(hrefs)
        toggle.tap()
        assert not links.first.is_visible()
    finally:
        ctx.close()
    with desktop(browser, base_url, ("secretariat", "demo-secretariat"), "/members") as page:
        assert not page.locator("button.menu-toggle").is_visible()
        assert page.locator("nav.main .links a[href='/crises']").is_visible()


# where the page's content starts: under the header and the (folded) menu
HEADER_BOTTOM = """() => Math.max(...['header.top', 'nav.main'].map(
  (s) => document.querySelector(s).getBoundingClientRect().bottom))"""


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_phone_s_header_is_compact_and_the_desktop_s_as_it_was(
        browser: Any, base_url: str, lang: str) -> None:  # noqa: F811
    """On a phone of 360 × 740 the header and the menu took 162 to 225 px, up to a third
    of the screen (the organization's name on three lines, the user's role, the
    languages, the menu's button each on rows of their own): now two rows, the logo and
    the user, then the menu's button and the languages."""
    ctx = phone(browser, 360, 740)
    page = ctx.new_page()
    try:
        for who in (None, ("rep-kaz", "demo-rep-kaz"), ("secretariat", "demo-secretariat")):
            sign_in(page, base_url, who)
            page.goto(f"{base_url}/members?lang={lang}")
            bottom = page.evaluate(HEADER_BOTTOM)
            assert bottom < 0.2 * 740, (who, bottom)
            assert page.locator("main h1").bounding_box()["y"] < bottom + 40
            toggle = page.locator("header.top button.menu-toggle")
            box = toggle.bounding_box()
            assert toggle.is_visible() and box["width"] >= 44 and box["height"] >= 44
            assert toggle.get_attribute("aria-expanded") == "false"
            assert toggle.get_attribute("aria-controls") == "menu-links"
            # links for a visitor; for a signed-in user, buttons that also store the choice
            switch = page.locator("#lang-switch a, #lang-switch button")
            assert switch.count() == 2 and switch.first.is_visible()
            assert min(switch.nth(i).bounding_box()["height"] for i in range(2)) >= 44
            if who:  # the user and the state at a glance; the role is read out
                who_box = page.locator("header .user .who")
                assert who_box.is_visible() and who[0] in who_box.inner_text()
                assert page.locator("header form[action='/logout'] button").is_visible()
                # a Logout button on one line, beside the user
                logout = page.locator("header form[action='/logout'] button").bounding_box()
                assert logout["height"] < 50 and logout["y"] < 60
                # the user's state and the password's link not run together ("KAZПароль")
                password = page.locator("header .user a.password").bounding_box()
                user = who_box.bounding_box()
                assert password["x"] - (user["x"] + user["width"]) >= 4, (user, password)
            if who and who[0] == "rep-kaz":
                assert "KAZ" in who_box.inner_text()
                role = page.locator("header .user .who .role")
                assert role.bounding_box()["width"] <= 1  # (hidden, but read out)
                assert role.text_content().strip(" ·") in ("representative", "представитель")
            if who and who[0] == "secretariat":  # acting for no state: the role shows
                assert page.locator("header .user .who .role").bounding_box()["width"] > 20
            page.screenshot(path=str(ARTIFACTS / f"phone-header-{lang}.png"))
    finally:
        ctx.close()
    with desktop(browser, base_url, ("rep-kaz", "demo-rep-kaz"), f"/members?lang={lang}") as page:
        # one row as before: the organization's name, the user with role and state
        assert page.locator("header.top").bounding_box()["height"] < 60
        assert page.locator(".orgname").is_visible()
        assert page.locator("header .user .who .role").is_visible()
        assert page.locator("header .user .who .acting").is_visible()
        assert not page.locator("button.menu-toggle").is_visible()
        assert page.locator("nav.main .links a").first.is_visible()


def test_without_scripts_the_phone_s_menu_is_a_list(browser: Any, base_url: str) -> None:  # noqa: F811
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                              has_touch=True, java_script_enabled=False)
    page = ctx.new_page()
    try:
        page.goto(f"{base_url}/members")
        assert not page.locator("button.menu-toggle").is_visible()  # it would do nothing
        links = page.locator("nav.main .links a")
        assert links.count() > 3
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        assert min(links.nth(i).bounding_box()["height"] for i in range(links.count())) >= 44
    finally:
        ctx.close()
