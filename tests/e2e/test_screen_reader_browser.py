"""The pages with a screen reader and the keyboard alone, in Russian: the place a person
is at on a page (the keyboard's focus) stays where it was when a live update replaces
the part of the page around it, and lands on the updated part when the person asks
for the update; a refusal takes the focus and describes its form's fields; buttons say
what they do out of their context (a screen reader's list of a page's buttons shows
their names alone); Escape folds the open menu back onto its button."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.e2e.test_live_hold_browser import KGZ, LIVE, TJK, _crisis
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser

ACTIVE = "() => { const e = document.activeElement; return e === document.body ? 'BODY' :" \
    " e.tagName + ' ' + (e.id || e.getAttribute('href') || e.textContent.trim()) }"


@pytest.fixture
def site(tmp_path: Path, db_templates: Templates) -> Iterator[tuple[str, Database]]:
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp_path / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp_path / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, db
    db.dispose()


@pytest.fixture
def reader(browser: Any) -> Iterator[Any]:
    """A desktop browser in Russian."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _table_a_draft(db: Database, title: str) -> None:
    with db.read() as conn:
        meeting = next(m for m in dec.list_meetings(conn, actor=SYSTEM) if not m.exercise)
    dec.propose_draft(db, dec.DraftIn(body=meeting.body, meeting_id=meeting.id, title=title,
                                      text_en="The Council decides: to hold it."),
                      actor=SYSTEM)


def test_the_focus_stays_on_its_inbox_item_when_the_list_updates(
        reader: Any, site: tuple[str, Database]) -> None:
    base_url, db = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.wait_for_function(LIVE)
    item = reader.locator("#inbox-list li[data-kind=notification]").nth(1)
    href = item.locator("a.title").get_attribute("href")
    item.locator("a.title").focus()
    assert reader.evaluate(ACTIVE) == f"A {href}"

    title = "On the joint air-defence exercise"
    _table_a_draft(db, title)
    reader.locator("#inbox-list li", has_text=title).wait_for(timeout=10_000)
    assert reader.evaluate(ACTIVE) == f"A {href}"  # not lost to the page's start

    # on the item's button, the same
    item.locator("form button").focus()
    action = item.locator("form").get_attribute("action")
    _table_a_draft(db, "On the exercise calendar")
    reader.locator("#inbox-list li", has_text="On the exercise calendar").wait_for(
        timeout=10_000)
    assert reader.evaluate("() => document.activeElement.form &&"
                           " document.activeElement.form.getAttribute('action')") == action


def test_a_live_inbox_update_says_what_changed_not_the_whole_list(
        reader: Any, site: tuple[str, Database]) -> None:
    """The inbox's list is no live region (a screen reader would read all of it at each
    update): a status beside it says the items that came, in Russian, by their titles."""
    base_url, db = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.wait_for_function(LIVE)
    live = "el => !!el.closest('[aria-live]:not([aria-live=off]), [role=status], [role=log]')"
    assert not reader.locator("#inbox-list").evaluate(live)
    before = reader.locator("#inbox-list a.title").all_inner_texts()
    assert before
    title = "On the joint air-defence exercise"
    _table_a_draft(db, title)
    reader.locator("#inbox-list li", has_text=title).wait_for(timeout=10_000)
    news = reader.locator("#inbox-news")
    assert news.get_attribute("role") == "status"
    said = news.inner_text().strip()
    assert said.startswith("1 новый пункт:"), said
    assert title in said, said
    assert not any(t.strip() in said for t in before), said  # not the items already read

    _table_a_draft(db, "On the exercise calendar")
    reader.locator("#inbox-list li", has_text="On the exercise calendar").wait_for(
        timeout=10_000)
    said = news.inner_text().strip()
    assert said.startswith("1 новый пункт:") and "On the exercise calendar" in said, said
    assert title not in said, said


def test_asking_for_the_update_leaves_the_focus_on_the_updated_part(
        reader: Any, site: tuple[str, Database]) -> None:
    base_url, db = site
    cid = _crisis(db)
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.goto(f"{base_url}/crises/{cid}")
    reader.wait_for_function(LIVE)
    reader.locator("#sitrep-form textarea[name=situation]").focus()
    reader.keyboard.type("Два моста разрушены")
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="Rescuers reached Gulcha"), actor=TJK)
    reader.wait_for_selector("#crisis-changed .notice", timeout=5000)
    # the keyboard reaches the notice's button and presses it
    reader.locator("#crisis-changed button").focus()
    reader.keyboard.press("Enter")
    reader.locator("#crisis-live", has_text="Rescuers reached Gulcha").wait_for(timeout=5000)
    assert reader.evaluate(ACTIVE) == "DIV crisis-live"
    assert reader.evaluate("() => document.activeElement.getAttribute('tabindex')") == "-1"
    # the notice says nothing now; what was typed is back in its field (drafts.js), so a
    # next change is held, and said, again
    assert reader.inner_text("#crisis-changed") == ""
    assert reader.input_value("#sitrep-form textarea[name=situation]") == "Два моста разрушены"
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="The road is open"), actor=KGZ)
    reader.wait_for_selector("#crisis-changed .notice", timeout=5000)
    assert reader.evaluate(ACTIVE) == "DIV crisis-live"  # the notice takes no focus


def test_each_mark_as_read_button_names_its_notification(
        reader: Any, site: tuple[str, Database]) -> None:
    base_url, _ = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    items = reader.locator("#inbox-list li[data-kind=notification]")
    assert items.count() > 1
    names: Counter[str] = Counter()
    for i in range(items.count()):
        title = items.nth(i).locator("a.title").inner_text().strip()
        button = items.nth(i).get_by_role("button", name=title)
        assert button.count() == 1, title  # its accessible name holds the title
        name = button.evaluate("b => b.textContent.replace(/\\s+/g, ' ').trim()")
        assert name.startswith("Прочитано"), name
        names[name] += 1
    assert max(names.values()) == 1


def _demo_crisis(page: Any, base_url: str) -> str:
    page.goto(f"{base_url}/crises")
    link = page.get_by_role("link", name="Armed attack by an illegal armed formation").first
    return f"{base_url}{link.get_attribute('href')}"


def test_a_refusal_beside_its_form_is_tied_to_the_form_s_fields(
        reader: Any, site: tuple[str, Database]) -> None:
    """Kazakhstan's answer under the collective defence article offers forces without
    naming them (spaces only): the refusal comes back beside the form, the focus on it,
    and each of the form's fields is described by it (a screen reader says it on the
    field)."""
    base_url, _ = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.goto(_demo_crisis(reader, base_url))
    form = reader.locator("#obligation-form")
    form.locator("select[name=answer]").select_option("forces")
    form.locator("input[name=detail]").fill("   ")
    form.locator("button[type=submit]").focus()
    with reader.expect_navigation():
        reader.keyboard.press("Enter")
    assert reader.evaluate(ACTIVE).startswith("P obligation-error")
    for field in ("select[name=answer]", "input[name=detail]"):
        described = reader.locator(f"#obligation-form {field}").get_attribute(
            "aria-describedby") or ""
        assert "obligation-error" in described.split(), field
    # the consent form ties its refusal to its units already: nothing said twice
    described = reader.locator("#consent-form select[name=units]").get_attribute(
        "aria-describedby")
    assert described is None


def test_the_error_page_of_a_refused_form_takes_the_focus_to_its_message(
        reader: Any, site: tuple[str, Database]) -> None:
    """A situation report of spaces only is refused on a page of its own: the focus is
    on the message saying why (a screen reader reads it first), not at the page's start."""
    base_url, _ = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.goto(_demo_crisis(reader, base_url))
    reader.locator("#sitrep-form textarea[name=situation]").fill("   ")
    reader.locator("#sitrep-form button[type=submit]").focus()
    with reader.expect_navigation():
        reader.keyboard.press("Enter")
    message = reader.locator("[data-form-error]")
    assert message.count() == 1
    assert reader.evaluate("() => document.activeElement.hasAttribute('data-form-error')")


BUTTONS = """() => [...document.querySelectorAll('main button')]
  .filter(b => b.offsetParent !== null || b.closest('details'))
  .map(b => b.textContent.replace(/\\s+/g, ' ').trim())"""


def test_the_buttons_a_representative_sends_with_say_what_they_send(
        reader: Any, site: tuple[str, Database]) -> None:
    """In the crisis room and on a draft, each form's button names what it sends (a screen
    reader's list of buttons, or a button reached by Tab, gives its name alone): no two
    alike, none a bare "Submit"."""
    base_url, db = site
    _table_a_draft(db, "On the exercise calendar")
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    rooms = [_demo_crisis(reader, base_url)]
    reader.goto(f"{base_url}/inbox")
    rooms.append(base_url + (reader.locator("#inbox-list li", has_text="On the exercise calendar")
                             .locator("a.title").get_attribute("href") or ""))
    for url in rooms:
        reader.goto(url)
        names = reader.evaluate(BUTTONS)
        assert names, url
        assert "Отправить" not in names, (url, names)
        assert len(names) == len(set(names)), (url, names)
    assert reader.locator("#position-form").count() == 1


def test_what_the_keyboard_reaches_on_the_crisis_map_has_a_name(
        reader: Any, site: tuple[str, Database]) -> None:
    """The crisis room's map: each movement's line (the keyboard reaches it, its tooltip
    opens) says which movement it is, and a cluster of symbols is a button saying what it
    holds, not a bare number."""
    base_url, _ = site
    login(reader, base_url, "rep-kaz", "demo-rep-kaz")
    reader.goto(_demo_crisis(reader, base_url))
    reader.locator("#place-map[data-ready='1']").wait_for(timeout=15_000)
    lines = reader.evaluate("""() => Array.from(document.querySelectorAll('#place-map path.move'),
        p => [p.getAttribute('role'), p.getAttribute('aria-label') || ''])""")
    assert lines
    assert all(role == "img" and name.strip() for role, name in lines), lines
    names = reader.evaluate("""() => Array.from(document.querySelectorAll(
        '#place-map .leaflet-marker-icon[tabindex="0"]'),
        e => { const c = e.cloneNode(true);  // its name: what a screen reader says
               c.querySelectorAll('[aria-hidden=true]').forEach(h => h.remove());
               return e.getAttribute('aria-label') || e.getAttribute('title') ||
                      c.textContent.replace(/\\s+/g, ' ').trim() })""")
    assert names
    bare = [n for n in names if not n or n.isdigit()]
    assert bare == [], names
    clusters = [n for n in names if n.startswith("Символов здесь:")]
    assert clusters, names


def test_escape_folds_the_open_menu_back_onto_its_button(
        browser: Any, site: tuple[str, Database]) -> None:
    """On a narrow screen the menu opens from its button; Escape, from the button or
    from a link of the menu, folds it again and the focus is back on the button."""
    base_url, _ = site
    context = browser.new_context(locale="ru-RU", viewport={"width": 380, "height": 800})
    try:
        page = context.new_page()
        login(page, base_url, "rep-kaz", "demo-rep-kaz")
        toggle = page.locator(".menu-toggle")
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        page.locator("#menu-links a").nth(2).focus()
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("() => document.activeElement.classList.contains('menu-toggle')")
        assert not page.locator("#menu-links a").nth(2).is_visible()
        page.keyboard.press("Enter")  # and opens again from there
        assert toggle.get_attribute("aria-expanded") == "true"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
    finally:
        context.close()
