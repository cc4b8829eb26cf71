"""Every page fits its screen and a finger: no page is wider than the viewport on a
phone (a touch screen of 360 px, at twice the pixels) or on a desktop (1440 px), for every
role; no table squeezes a column until its words break letter by letter, and none runs
out of its box on the phone (a table too wide shows its rows as cards); on the phone
every button, field, fold, menu link, link to a file and link that stands by itself is
at least 44 × 44 px (tests/e2e/layout_checks.py), and a Russian page writes its dates
day first. On the same visits, for the roles in `AXE_ROLES`, axe-core finds no serious
or critical accessibility problem (WCAG 2.1 A and AA), on the phone in Russian and on
the desktop in English (tests/support/axe.py). The phone's header and menu:
test_phone_header_browser.py; tables as cards: test_table_cards_browser.py.

The pages are the ones the demo links to (found by following links as the Secretariat,
as in tests/integration/test_pages_everywhere.py: `demo_site.pages`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    PHONE,
    base_url,
    consultation_draft,
    layout_db,
    pages,
    phone,
    sign_in,
)
from tests.e2e.layout_checks import CHECKS
from tests.support.axe import audit, with_axe
from tests.support.browser import ARTIFACTS

pytestmark = pytest.mark.browser
ROLES: list[tuple[str, str] | None] = [
    None, ("secretariat", "demo-secretariat"), ("rep-arm", "demo-rep-arm"),
    ("rep-kaz", "demo-rep-kaz"),
    ("observer", "demo-observer-pass"), ("reporter-kaz", "demo-reporter-kaz"),
    ("planner", "demo-planner-pass"), ("auditor", "demo-auditor-pass"),
    ("admin", "demo-admin-pass")]
# the roles whose pages axe checks too (the planner, the auditor and the administrator
# see the Secretariat's pages, the reporter a representative's)
AXE_ROLES = {None, "secretariat", "rep-arm", "observer"}
# and the pages only another role reaches, by that role (the administrator's accounts)
AXE_OWN_PAGES = {"admin": {"/users"}}
# (width, language): the phone in Russian (the longer words), the desktop in English
SCREENS = [(360, "ru"), (1440, "en")]


@pytest.mark.parametrize("who", ROLES, ids=lambda w: w[0] if w else "anonymous")
def test_every_page_fits_the_screen_and_a_finger_and_passes_axe(
        browser: Any, base_url: str, pages: list[str], who: tuple[str, str] | None,  # noqa: F811
        request: pytest.FixtureRequest) -> None:
    # (one visit of each page for both checks: the pages are many, the visits slow)
    role = who[0] if who else None
    axe = request.getfixturevalue("axe_source") if role in AXE_ROLES else None
    own = AXE_OWN_PAGES.get(role or "", set())
    found_all: list[str] = []
    audited: set[str] = set()
    visited: set[str] = set()
    refused: set[str] = set()
    for width, lang in SCREENS:
        ctx = phone(browser, width) if width == PHONE else \
            browser.new_context(viewport={"width": width, "height": 900})
        if axe is not None:
            with_axe(ctx, axe)
        page = ctx.new_page()
        try:
            sign_in(page, base_url, who)
            for path in pages:
                if path in refused:
                    continue
                sep = "&" if "?" in path else "?"
                response = page.goto(f"{base_url}{path}{sep}lang={lang}")
                # not this role's page (tested elsewhere): refused, or the way to the login
                # page (visited as itself); on the next screen it is not asked again
                if (response is None or response.status >= 400
                        or response.request.redirected_from is not None):
                    refused.add(path)
                    continue
                visited.add(path)
                # every check in one call (one round trip a page instead of five)
                seen = page.evaluate(CHECKS, width == PHONE)
                wide, broken = seen["wide"], seen["broken"]
                found = ([f"{path} at {width} px: {wide} px wide"] if wide > width else []) \
                    + ([f"{path} at {width} px: words broken in a table: "
                        + ", ".join(sorted(set(broken))[:8])] if broken else [])
                if width == PHONE:
                    small, cut, iso = seen["small"], seen["cut"], seen["iso"]
                    names = seen["names"]
                    found += ([f"{path}: too small for a finger: " + ", ".join(small[:6])]
                              if small else []) \
                        + ([f"{path}: a table runs out of its box: " + ", ".join(cut)]
                           if cut else []) \
                        + ([f"{path}: a card's column name broken: " + ", ".join(names)]
                           if names else []) \
                        + ([f"{path}: dates in ISO order on a Russian page: "
                            + ", ".join(sorted(set(iso))[:6])] if iso else [])
                if axe is not None or path in own:
                    source = axe or request.getfixturevalue("axe_source")
                    audited.add(path)
                    found += [f"{path} ({width} px, {lang}): axe: {f}"
                              for f in audit(page, source)]
                found_all += found
                if found:
                    ARTIFACTS.mkdir(exist_ok=True)
                    name = re.sub(r"\W+", "_", f"{who[0] if who else 'anon'}{path}{width}")
                    page.screenshot(path=str(ARTIFACTS / f"wide_{name}.png"))
        finally:
            ctx.close()
    # (the pages each role reaches: the public ones at least, signed in many more)
    assert "/login" in visited if role is None else len(visited) > 25, sorted(visited)
    assert found_all == [], "\n".join(found_all)
    assert own <= audited, f"not reached by {role}: {sorted(own - audited)}"
