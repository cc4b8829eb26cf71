"""Every page fits its screen and a finger: no page is wider than the viewport on a
phone (a touch screen of 360 px, at twice the pixels) or on a desktop (1440 px), for every
role; no table squeezes a column until its words break letter by letter, and none runs
out of its box on the phone (a table too wide shows its rows as cards); on the phone
every button, field, fold, menu link and link to a file is at least 44 × 44 px, and a
Russian page writes its dates day first; on a phone the menu folds behind one button and holds only
what the role can use, and the header takes two rows of a finger's height (a sixth of
the screen at most), the desktop's as it was; without scripts the menu is a list. On the
same visits, for the roles in `AXE_ROLES`, axe-core finds no serious or critical
accessibility problem (WCAG 2.1 A and AA), on the phone in Russian and on the desktop in
English (tests/support/axe.py).

The pages are the ones the demo links to (found by following links as the Secretariat,
as in tests/integration/test_pages_everywhere.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.axe import audit, with_axe
from tests.support.browser import ARTIFACTS, serve_asgi
from tests.support.templates import Templates

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
# (width, language): the phone in Russian (the longer words), the desktop in English
SCREENS = [(360, "ru"), (1440, "en")]
PHONE = 360
SKIP = (".pdf", ".png", ".csv", ".json", ".xml")
# the words of table cells (up to 12 letters: a longer one may have to break) that run
# over more than one line (not those of a closed <details>, which is not shown)
BROKEN_WORDS = """() => {
  const out = [];
  document.querySelectorAll("table td, table th").forEach((cell) => {
    if (cell.closest("table.reflow thead") || cell.getBoundingClientRect().width < 2) return;
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
      if (node.parentElement.closest("details:not([open]) > :not(summary)")) continue;
      for (const m of node.data.matchAll(/[^\\s\\-\u2013\u2014\\/]+/g)) {
        if (m[0].length > 12) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) out.push(m[0]);
      }
    }
  });
  return out;
}"""


# what a finger works (WCAG 2.5.5, 44 × 44 CSS px): buttons, fields, folds, the menu's and
# the languages' links, the links that stand as actions in a toolbar, the links to a file
# (a PDF, an XML, a letter: "PDF · Akoma Ntoso XML", "CAP", wherever they stand), a
# checkbox with its label, the maps' zoom buttons; not a link inside a sentence
TAP_TARGETS = """() => {
  const out = [];
  const sel = "button, select, input:not([type=hidden]), summary, nav.main a, .lang a, .user a, "
    + ".toolbar a, .leaflet-control-zoom a, .leaflet-control-layers-toggle, details.jump a, "
    + "main a[download], main a[href^='/api/'], main a[href*='.pdf'], main a[href*='.xml']";
  document.querySelectorAll(sel).forEach((el) => {
    if (el.closest("details:not([open]) > :not(summary)")) return;
    const box = el.matches("input[type=checkbox], input[type=radio]")
      ? (el.closest("label") || el) : el;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") return;
    if (r.width < 43.5 || r.height < 43.5) {
      const name = (el.textContent || el.value || el.name || el.title || "").trim();
      out.push(`${el.tagName.toLowerCase()} "${name.slice(0, 24)}" ${Math.round(r.width)}`
               + `x${Math.round(r.height)}`);
    }
  });
  return out;
}"""
# a table whose content runs out of its box (it scrolls sideways, cut at the screen's
# edge) instead of fitting or showing its rows as cards
TABLES_CUT = """() => Array.from(document.querySelectorAll("table.data"))
  .filter((t) => t.getBoundingClientRect().width > 0 && t.scrollWidth > t.clientWidth + 1)
  .map((t) => t.id || t.className)"""
# a date in ISO order (2026-12-03, 12-03 09:30) in the text a Russian page shows, outside
# codes and the dataset's notes (its own texts, which quote documents' dates)
ISO_DATES = r"""() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const p = n.parentElement;
    if (!p || p.closest("script, style, code, .code, pre, td.note")) continue;
    const m = n.data.match(/(?<![\d-])\d{4}-\d\d-\d\d(?![\d-])|\b\d\d-\d\d \d\d:\d\d\b/g);
    if (m) out.push(...m);
  }
  return out;
}"""


# the checks above on the page at once: on the phone (`phone`) the finger's, the tables'
# and the dates' too
CHECKS = f"""(phone) => ({{
  wide: document.documentElement.scrollWidth,
  broken: ({BROKEN_WORDS})(),
  small: phone ? ({TAP_TARGETS})() : [],
  cut: phone ? ({TABLES_CUT})() : [],
  iso: phone ? ({ISO_DATES})() : [],
}})"""


def phone(browser: Any, width: int = PHONE, height: int = 740) -> Any:
    """A phone's browser: a touch screen, twice the pixels, in Russian."""
    return browser.new_context(viewport={"width": width, "height": height},
                               device_scale_factor=2, is_mobile=True, has_touch=True,
                               locale="ru-RU")


@contextmanager
def desktop(browser: Any, base_url: str, who: tuple[str, str], path: str) -> Iterator[Any]:
    """`path` on a desktop's screen (1440 × 900), signed in as `who`."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = ctx.new_page()
        sign_in(page, base_url, who)
        page.goto(f"{base_url}{path}")
        yield page
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def layout_db(tmp_path_factory: pytest.TempPathFactory, db_templates: Templates
              ) -> Iterator[Database]:
    db = Database(make_engine(db_templates.sqlite_copy(
        "records", tmp_path_factory.mktemp("layout-db") / "p.db")))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def consultation_draft(layout_db: Database) -> int:
    """A decision by consultation in the demo Council session (so the session's page links
    it), every head of state's answer recorded: its page holds the answers' table."""
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import clock
    from phalanx.services import decisions as dec

    with layout_db.read() as conn:
        meeting = next(m for m in dec.list_meetings(conn, actor=SYSTEM) if not m.exercise)
    start = clock.now() - timedelta(hours=1)
    with clock.use(start):
        d = dec.propose_draft(layout_db, dec.DraftIn(
            body=meeting.body, meeting_id=meeting.id, procedure="consultation",
            question="peacekeeping", title="On sending the collective peacekeeping forces",
            text_en="To send the collective peacekeeping forces."), actor=SYSTEM)
    chair = Principal(f"rep-{(d.chair or '').lower()}", Role.REPRESENTATIVE, state=d.chair)
    for i, state in enumerate(d.signing_order):
        dec.record_answer(layout_db, d.id, dec.ConsultationAnswerIn(
            state=state, position=Position.SUPPORT, given_at=start + timedelta(minutes=i)),
            actor=chair)
    return d.id


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, layout_db: Database,
             consultation_draft: int) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("layout")
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, layout_db)) as url:
        yield url


def sign_in(page: Any, base_url: str, who: tuple[str, str] | None) -> None:
    if who is None:
        return
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def pages(browser: Any, base_url: str) -> list[str]:
    """The pages the Secretariat reaches by links, all but the bodies (one stands for
    them: they share a template)."""
    ctx = browser.new_context()
    page = ctx.new_page()
    sign_in(page, base_url, ("secretariat", "demo-secretariat"))
    found: set[str] = set()
    todo = ["/"]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        r = page.request.get(base_url + path)
        if not r.ok or "text/html" not in r.headers.get("content-type", ""):
            continue
        todo += [h for h in re.findall(r'href="(/[^"#?]*)"', r.text())
                 if not h.startswith(("/static", "/api", "/logout")) and not h.endswith(SKIP)]
    ctx.close()
    assert any(p.startswith("/drafts/") for p in found), found  # a consultation among them
    bodies = sorted(p for p in found if p.startswith("/bodies/"))
    chosen = sorted(p for p in found if not p.startswith("/bodies/")) + bodies[:1]
    assert len(chosen) > 25, chosen
    return [*chosen, "/login", "/audit", "/audit?verify=true"]  # (the auditor's pages)


@pytest.mark.parametrize("who", ROLES, ids=lambda w: w[0] if w else "anonymous")
def test_every_page_fits_the_screen_and_a_finger_and_passes_axe(
        browser: Any, base_url: str, pages: list[str], who: tuple[str, str] | None,
        request: pytest.FixtureRequest) -> None:
    # (one visit of each page for both checks: the pages are many, the visits slow)
    axe = request.getfixturevalue("axe_source") if (who and who[0]) in AXE_ROLES else None
    found_all: list[str] = []
    for width, lang in SCREENS:
        ctx = phone(browser, width) if width == PHONE else \
            browser.new_context(viewport={"width": width, "height": 900})
        if axe is not None:
            with_axe(ctx, axe)
        page = ctx.new_page()
        try:
            sign_in(page, base_url, who)
            for path in pages:
                sep = "&" if "?" in path else "?"
                response = page.goto(f"{base_url}{path}{sep}lang={lang}")
                if response is None or response.status >= 400:
                    continue  # not this role's page (tested elsewhere)
                # every check in one call (one round trip a page instead of five)
                seen = page.evaluate(CHECKS, width == PHONE)
                wide, broken = seen["wide"], seen["broken"]
                found = ([f"{path} at {width} px: {wide} px wide"] if wide > width else []) \
                    + ([f"{path} at {width} px: words broken in a table: "
                        + ", ".join(sorted(set(broken))[:8])] if broken else [])
                if width == PHONE:
                    small, cut, iso = seen["small"], seen["cut"], seen["iso"]
                    found += ([f"{path}: too small for a finger: " + ", ".join(small[:6])]
                              if small else []) \
                        + ([f"{path}: a table runs out of its box: " + ", ".join(cut)]
                           if cut else []) \
                        + ([f"{path}: dates in ISO order on a Russian page: "
                            + ", ".join(sorted(set(iso))[:6])] if iso else [])
                if axe is not None:
                    found += [f"{path} ({width} px, {lang}): axe: {f}" for f in audit(page, axe)]
                found_all += found
                if found:
                    ARTIFACTS.mkdir(exist_ok=True)
                    name = re.sub(r"\W+", "_", f"{who[0] if who else 'anon'}{path}{width}")
                    page.screenshot(path=str(ARTIFACTS / f"wide_{name}.png"))
        finally:
            ctx.close()
    assert found_all == [], "\n".join(found_all)


def test_the_phone_menu_folds_and_holds_the_roles_pages(browser: Any, base_url: str) -> None:
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
        browser: Any, base_url: str, lang: str) -> None:
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


def test_without_scripts_the_phone_s_menu_is_a_list(browser: Any, base_url: str) -> None:
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


def test_a_wide_table_reflows_into_cards_on_a_phone(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 800})
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/sessions?lang=en")
        cell = page.locator("table.data.reflow tbody tr").first.locator("td").nth(2)
        assert cell.get_attribute("data-label") == "Kind"
        box = page.locator("table.data.reflow tbody tr").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        ctx.close()


def test_a_consultation_draft_fits_a_phone(browser: Any, base_url: str, pages: list[str],
                                           consultation_draft: int) -> None:
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
            cell = page.locator("#consultation tbody tr").first.locator("td").nth(3)
            assert cell.get_attribute("data-label") in ("Channel", "Способ связи")
            box = page.locator("#consultation tbody tr").first.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        ctx.close()
