"""Refused forms in a real browser: the crisis room's move asks for the reason or the
review its choice requires before anything is sent, and a refusal of the rules comes
back beside its form, in view, with what was typed; a move sent from a page the crisis
has moved on since comes back with no move chosen, not the first one offered; the error
page of a refused form elsewhere (a situation report) leads back to the form with what
was typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
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
from tests.e2e.test_live_hold_browser import LIVE, _crisis, phone  # noqa: F401
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path, db_templates: Templates) -> Iterator[tuple[str, Database]]:
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp_path / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp_path / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, db
    db.dispose()


def test_the_move_asks_for_what_its_choice_requires(page: Any,
                                                     site: tuple[str, Database]) -> None:
    base_url, db = site
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Armed incursion", category="armed_attack", affected=["KGZ"],
        severity="severe", place="Batken", lat=40.06, lon=70.82),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    crises.convene_consultations(db, c.id, actor=SYSTEM)
    login(page, base_url, "secretariat", "demo-secretariat")
    page.goto(f"{base_url}/crises/{c.id}")
    form = page.locator("#transition-form")
    reason = form.locator("input[name=reason]")
    assert reason.evaluate("e => e.required") is False
    form.locator("select[name=to]").select_option("no_action")
    assert reason.evaluate("e => e.required") is True
    form.locator("button[type=submit]").click()  # the browser asks for the reason first
    assert reason.evaluate("e => e.validity.valueMissing") is True
    assert page.url == f"{base_url}/crises/{c.id}"
    form.locator("select[name=to]").select_option("assessment")
    assert reason.evaluate("e => e.required") is False

    # a refusal of the rules (here a request dated in the future) comes back beside the
    # form, brought into view, with what was typed
    page.click("#official-requests summary")
    form = page.locator("#official-request-form")
    form.locator("input[name=person]").fill("Sadyr Japarov")
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    form.locator("input[name=at]").fill(later)
    form.locator("input[name=measures][value=humanitarian]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#official-request-error")
    assert "in the future" in page.inner_text("#official-request-error")
    assert page.evaluate("document.activeElement.id") == "official-request-error"
    form = page.locator("#official-request-form")
    assert form.locator("input[name=person]").input_value() == "Sadyr Japarov"
    assert form.locator("input[name=at]").input_value() == later
    assert form.locator("input[name=measures][value=humanitarian]").is_checked()


def test_the_error_page_of_a_form_goes_back_to_it_as_typed(page: Any,
                                                          site: tuple[str, Database]) -> None:
    """A situation report whose attachment was withdrawn while the page was open (its
    option points at a document no longer there): the error page leads back to the form
    with the report as typed."""
    base_url, db = site
    with db.read() as conn:
        c = next(x for x in crises.board(conn, actor=SYSTEM))
    login(page, base_url, "secretariat", "demo-secretariat")
    page.goto(f"{base_url}/crises/{c.id}")
    page.fill("#sitrep-form textarea[name=situation]", "Roads to the north cut by mudflows")
    page.evaluate("""() => {
        const select = document.querySelector('#sitrep-form select[name=document_ids]');
        const gone = document.createElement('option');
        gone.value = '999999'; gone.textContent = 'withdrawn';
        select.appendChild(gone); gone.selected = true; }""")
    page.click("#sitrep-form button[type=submit]")
    page.wait_for_selector("#form-back")
    assert "999999" in page.inner_text("p.error")
    assert page.locator("#form-back a").get_attribute("href") == f"/crises/{c.id}"
    page.click("#form-back button")
    page.wait_for_url(f"{base_url}/crises/{c.id}")
    page.wait_for_selector("#sitrep-form")
    assert page.input_value("#sitrep-form textarea[name=situation]") == \
        "Roads to the north cut by mudflows"


def test_a_stale_move_comes_back_with_no_move_chosen(
        phone: Any, site: tuple[str, Database]) -> None:  # noqa: F811
    """On a phone in Russian: the officer chose "assessment" and typed a reason; another
    officer moved the crisis to assessment meanwhile. Sent, the move is refused, and the
    select shows no move (the browser showed the first one allowed now, ending the
    crisis with no action, the reason typed serving it): one more click sends nothing."""
    base_url, db = site
    cid = _crisis(db)
    login(phone, base_url, "secretariat", "demo-secretariat")
    phone.goto(f"{base_url}/crises/{cid}")
    phone.wait_for_function(LIVE)
    form = "#transition-form"
    phone.select_option(f"{form} select[name=to]", "assessment")
    phone.fill(f"{form} input[name=reason]", "после звонка в Бишкек")
    crises.transition(db, cid, Stage.ASSESSMENT, actor=SYSTEM)
    phone.wait_for_selector("#crisis-changed .notice", timeout=5000)

    phone.click(f"{form} button[type=submit]")
    phone.wait_for_selector("#transition-error")
    select = phone.locator(f"{form} select[name=to]")
    assert phone.locator(f"{form} option[value=rejected]").evaluate("o => !o.disabled")
    assert select.input_value() == ""  # not "no_action", the first move now allowed
    assert select.evaluate("s => s.options[s.selectedIndex].text") == "— выберите —"
    refusal = phone.inner_text("#transition-error")
    assert "кризис изменился" in refusal and "«оценка»" in refusal, refusal
    assert "уже невозможен" in refusal, refusal
    assert phone.input_value(f"{form} input[name=reason]") == "после звонка в Бишкек"

    # one more click sends nothing: the browser asks for a move
    url = phone.url
    phone.click(f"{form} button[type=submit]")
    assert select.evaluate("s => s.validity.valueMissing") is True
    phone.wait_for_timeout(300)
    assert phone.url == url and phone.locator("#transition-error").count() == 1
    with db.read() as conn:
        assert crises.get(conn, cid, actor=SYSTEM).stage is Stage.ASSESSMENT


def test_coordinates_typed_with_a_comma_stay_as_typed_after_a_refusal(
        phone: Any, site: tuple[str, Database]) -> None:  # noqa: F811
    """On a phone in Russian a crisis is reported with a decimal comma and a longitude
    mistyped: the refusal gives back the coordinates as typed, the map's point is read
    with its comma, and the corrected report is stored at the point typed."""
    base_url, db = site
    login(phone, base_url, "rep-kgz", "demo-rep-kgz")
    phone.goto(f"{base_url}/crises")
    form = "#report-form"
    phone.fill(f"{form} input[name=title]", "Оползень у Кара-Балты")
    phone.fill(f"{form} input[name=lat]", "44,17")
    phone.fill(f"{form} input[name=lon]", "8045")
    phone.click(f"{form} button[type=submit]")
    phone.wait_for_selector("#report-error")
    phone.wait_for_selector("#place-map[data-ready='1']")
    assert phone.input_value(f"{form} input[name=lat]") == "44,17"
    assert phone.input_value(f"{form} input[name=lon]") == "8045"
    assert phone.locator("#place-map").get_attribute("data-picked") is None  # off the globe

    phone.fill(f"{form} input[name=lon]", "80,0")
    assert phone.locator("#place-map").get_attribute("data-picked") == "44.1700,80.0000"
    assert phone.input_value(f"{form} input[name=lon]") == "80,0"
    phone.click(f"{form} button[type=submit]")
    phone.wait_for_url(f"{base_url}/crises/*")
    with db.read() as conn:
        saved = next(x for x in crises.board(conn, actor=SYSTEM) if x.title.startswith("Оползень"))
    assert (saved.lat, saved.lon) == (44.17, 80.0)
