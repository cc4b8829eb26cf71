"""The crisis room follows the crisis live, but not while a form of it is being filled in:
on a phone, what someone types, and a refusal shown beside a form with what was typed,
stay when the crisis changes; the page says the crisis changed, at the bottom of the
screen, and updates when the person asks. A room nobody is typing in updates at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import ARTIFACTS, serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
KGZ = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")
TJK = Principal("rep-tjk", Role.REPRESENTATIVE, state="TJK")
# the room's live connection is open (an event sent before it would not reach the page)
LIVE = """() => {
  const el = document.querySelector('[sse-connect]');
  const data = el && el['htmx-internal-data'];
  return !!(data && data.sseEventSource && data.sseEventSource.readyState === 1);
}"""


@pytest.fixture
def site(tmp_path: Path, db_templates: Templates) -> Iterator[tuple[str, Database]]:
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp_path / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp_path / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, db
    db.dispose()


@pytest.fixture
def phone(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone whose browser asks for Russian."""
    context = browser.new_context(locale="ru-RU", **PHONE)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _crisis(db: Database) -> int:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Mudflow in the Alay valley", category="natural_disaster", affected=["KGZ"],
        severity="severe", place="Osh", lat=40.53, lon=72.8), actor=KGZ)
    crises.convene_consultations(db, c.id, actor=SYSTEM)
    return c.id


def _in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_what_a_representative_types_stays_when_the_crisis_changes(
        phone: Any, site: tuple[str, Database]) -> None:
    base_url, db = site
    cid = _crisis(db)
    login(phone, base_url, "rep-kaz", "demo-rep-kaz")
    phone.goto(f"{base_url}/crises/{cid}")
    phone.evaluate("window.__stay = 1")
    phone.wait_for_function(LIVE)

    # nobody is typing: the room follows the crisis at once
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="Roads to Osh cut at two points"),
                      actor=KGZ)
    phone.locator("#crisis-live", has_text="Roads to Osh cut at two points").wait_for(
        timeout=5000)
    assert phone.inner_text("#crisis-changed") == ""

    # the representative starts a report; the crisis changes meanwhile
    typed = "Два моста разрушены, колонна МЧС ждёт в Гульче"
    phone.fill("#sitrep-form textarea[name=situation]", typed)
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="Rescuers reached Gulcha"),
                      actor=TJK)
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)
    notice = phone.inner_text("#crisis-changed")
    assert "Кризис изменился" in notice and "Обновить сейчас" in notice, notice
    assert _in_view(phone, "#crisis-changed")  # at the bottom of the screen, wherever
    assert phone.input_value("#sitrep-form textarea[name=situation]") == typed
    assert "Rescuers reached Gulcha" not in phone.inner_text("#crisis-live")
    assert phone.evaluate("window.__stay") == 1  # not reloaded

    # a second change says nothing more; the person updates when ready
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="The road to Sary-Tash is open"),
                      actor=TJK)
    phone.wait_for_timeout(500)
    assert phone.locator("#crisis-changed .notice").count() == 1
    phone.click("#crisis-changed button")
    phone.locator("#crisis-live", has_text="The road to Sary-Tash is open").wait_for(
        timeout=5000)
    assert "Rescuers reached Gulcha" in phone.inner_text("#crisis-live")
    assert phone.inner_text("#crisis-changed") == ""
    assert phone.evaluate("window.__stay") == 1


def test_a_refusal_and_what_was_typed_stay_when_the_crisis_changes(
        phone: Any, site: tuple[str, Database]) -> None:
    base_url, db = site
    cid = _crisis(db)
    login(phone, base_url, "secretariat", "demo-secretariat")
    phone.goto(f"{base_url}/crises/{cid}")
    phone.wait_for_function(LIVE)
    form = "#transition-form"
    phone.select_option(f"{form} select[name=to]", "assessment")
    phone.fill(f"{form} input[name=reason]", "после звонка в Бишкек")

    # another officer moves the crisis meanwhile: the choice and the reason typed stay
    crises.transition(db, cid, Stage.ASSESSMENT, actor=SYSTEM)
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)
    assert phone.input_value(f"{form} input[name=reason]") == "после звонка в Бишкек"

    # sent from the stale page: refused beside the form, with what was typed
    phone.click(f"{form} button[type=submit]")
    phone.wait_for_selector("#transition-error")
    refusal = phone.inner_text("#transition-error")
    phone.wait_for_function(LIVE)
    phone.evaluate("window.__stay = 1")

    # the crisis changes again while the refusal is read: refusal and input stay
    crises.add_sitrep(db, cid, crises.SitrepIn(situation="Water level falling"), actor=KGZ)
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)
    assert phone.inner_text("#transition-error") == refusal
    assert phone.input_value(f"{form} input[name=reason]") == "после звонка в Бишкек"
    assert "Water level falling" not in phone.inner_text("#crisis-live")
    assert _in_view(phone, "#crisis-changed")
    assert phone.evaluate("window.__stay") == 1
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "crisis-room-held.png"))

    # the officer asks for the changes: the room as it now is
    phone.click("#crisis-changed button")
    phone.locator("#crisis-live", has_text="Water level falling").wait_for(timeout=5000)
    assert phone.locator("#transition-error").count() == 0
    assert phone.inner_text("#crisis-changed") == ""
    assert phone.locator("#flow li.current").get_attribute("data-stage") == "assessment"


def test_a_refused_decision_by_consultation_stays_when_the_crisis_changes(
        phone: Any, site: tuple[str, Database]) -> None:
    """The form that puts a draft to the heads of state, refused (no text), keeps its
    message and the title typed when the crisis changes meanwhile."""
    base_url, db = site
    cid = _crisis(db)
    login(phone, base_url, "secretariat", "demo-secretariat")
    phone.goto(f"{base_url}/crises/{cid}")
    form = "#consultation-draft-form"
    phone.locator("details", has=phone.locator(form)).locator("summary").click()
    phone.fill(f"{form} input[name=title]", "О направлении спасательных команд")
    phone.click(f"{form} button[type=submit]")
    phone.wait_for_selector("#consultation-draft-error")
    refusal = phone.inner_text("#consultation-draft-error")
    phone.wait_for_function(LIVE)
    phone.evaluate("window.__stay = 1")

    crises.add_sitrep(db, cid, crises.SitrepIn(situation="Second mudflow near Uzgen"),
                      actor=KGZ)
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)
    assert phone.inner_text("#consultation-draft-error") == refusal
    assert phone.input_value(f"{form} input[name=title]") == "О направлении спасательных команд"
    assert "Second mudflow near Uzgen" not in phone.inner_text("#crisis-live")
    assert phone.evaluate("window.__stay") == 1


def test_a_cap_update_changes_the_room_s_head_and_alerts_at_once(
        phone: Any, site: tuple[str, Database]) -> None:
    """The title, severity and CAP alerts follow a CAP Update without a reload, even
    while a form below is being filled in (that part waits, with what was typed)."""
    from phalanx.services import alerts
    from tests.support.capfiles import alert, info

    base_url, db = site
    opened = alerts.receive(db, alert(info("Earthquake near Bishkek", severity="Severe")),
                            alerts.Route(("KGZ",)), actor=SYSTEM)
    assert opened.crisis is not None
    cid = opened.crisis.id
    login(phone, base_url, "rep-kaz", "demo-rep-kaz")
    phone.goto(f"{base_url}/crises/{cid}")
    phone.evaluate("window.__stay = 1")
    phone.wait_for_function(LIVE)
    phone.locator("#crisis-alerts-card", has_text="KG-2026-0001").wait_for(timeout=5000)
    typed = "Связь с Кеминским районом потеряна"
    phone.fill("#sitrep-form textarea[name=situation]", typed)

    alerts.receive(db, alert(info("Aftershocks near Bishkek", severity="Extreme"),
                             identifier="KG-2026-0002", sent="2026-11-20T07:00:00+06:00",
                             msg_type="Update",
                             references="mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00"),
                   alerts.Route(("KGZ",)), actor=SYSTEM)
    phone.locator("#crisis-head h1", has_text="Aftershocks near Bishkek").wait_for(
        timeout=5000)
    assert phone.locator("#crisis-head .sev").get_attribute("class") == "sev extreme"
    phone.locator("#crisis-alerts-card", has_text="KG-2026-0002").wait_for(timeout=5000)
    phone.wait_for_function("() => document.title.startsWith('Aftershocks near Bishkek')")
    assert phone.locator("h1").count() == 1
    # the form being filled in stays as it was, and the page says the crisis changed
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)
    assert phone.input_value("#sitrep-form textarea[name=situation]") == typed
    assert phone.evaluate("window.__stay") == 1
