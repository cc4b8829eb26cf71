"""Forces in a real browser: the operational picture draws every unit, base and crisis
as its APP-6 symbol with milsymbol (each one valid, no Content-Security-Policy
violation), with the demo crisis's planned movements and its gap; a representative
answers for its state's units; the Joint Staff runs the planner from the crisis room and
decides the plan."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo, forcesdemo
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import ARTIFACTS, serve_asgi

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    tmp = tmp_path_factory.mktemp("forces")
    db = Database(make_engine(f"sqlite:///{tmp / 'p.db'}"))
    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    crisis = forcesdemo.run(db, time_limit=1)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, crisis
    db.dispose()


def test_the_operational_picture_draws_valid_app6_symbols(browser: Any,
                                                          site: tuple[str, int]) -> None:
    url, crisis = site
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/forces/map?crisis={crisis}")
        cop = page.locator("#cop[data-symbols]")
        cop.wait_for(timeout=10_000)
        drawn = int(cop.get_attribute("data-symbols") or 0)
        marks = page.locator("#cop g.sym").count()
        assert drawn == marks and marks >= 60 + 18 + 1  # units, airfields, the crisis
        assert cop.get_attribute("data-invalid") == "0"
        assert page.locator("#cop g.sym[data-drawn=ok] svg").count() == marks
        assert page.locator("#cop line.move.decided").count() >= 5
        assert page.locator("#cop-gap").inner_text().endswith("%")
        assert violations == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "operational-picture.png"), full_page=True)
        if os.environ.get("PHALANX_UPDATE_SCREENSHOT"):
            page.screenshot(path=str(DOCS / "operational-picture.png"))
    finally:
        ctx.close()


def test_consent_then_a_planner_run_decided_from_the_crisis_room(browser: Any,
                                                                 site: tuple[str, int]
                                                                 ) -> None:
    url, crisis = site
    rep_ctx, staff_ctx = browser.new_context(), browser.new_context()
    try:
        rep = rep_ctx.new_page()
        login(rep, url, "rep-arm", "demo-rep-arm")
        rep.goto(f"{url}/crises/{crisis}")
        assert rep.locator("#consents tr[data-state=ARM]").inner_text().count("none") == 1
        rep.select_option("#consent-form select[name=scope]", "some")
        rep.select_option("#consent-form select[name=units]", ["crrf-arm-er-1"])
        rep.fill("#consent-form input[name=conditions]", "rescue only")
        rep.click("#consent-form button[type=submit]")
        rep.wait_for_url(f"{url}/crises/{crisis}*")
        row = rep.locator("#consents tr[data-state=ARM]").inner_text()
        assert "crrf-arm-er-1" in row and "rescue only" in row

        staff = staff_ctx.new_page()
        login(staff, url, "planner", "demo-planner-pass")
        staff.goto(f"{url}/crises/{crisis}")
        first = staff.locator("#plan-summary").get_attribute("data-plan")
        staff.fill("#plan-form input[name=time_limit]", "1")
        staff.click("#plan-form button[type=submit]")
        staff.wait_for_url(f"{url}/crises/{crisis}*", timeout=30_000)
        summary = staff.locator("#plan-summary")
        assert summary.get_attribute("data-plan") != first
        assert summary.get_attribute("data-status") == "proposed"
        assert staff.locator("#plan-gap").inner_text().endswith("%")
        assert staff.locator("svg.gantt rect.bar").count() >= 5
        staff.click("#decide-plan")
        staff.wait_for_url(f"{url}/crises/{crisis}*")
        assert staff.locator("#plan-summary").get_attribute("data-status") == "decided"
        assert staff.locator("#progress tr").count() >= 5
        ARTIFACTS.mkdir(exist_ok=True)
        staff.screenshot(path=str(ARTIFACTS / "crisis-deployment.png"), full_page=True)
    finally:
        rep_ctx.close()
        staff_ctx.close()


def test_a_lift_asset_is_edited_on_the_registry_page_by_its_own_state_only(
        browser: Any, site: tuple[str, int]) -> None:
    url, _crisis = site
    kaz_ctx, rus_ctx = browser.new_context(), browser.new_context()
    try:
        kaz = kaz_ctx.new_page()
        login(kaz, url, "rep-kaz", "demo-rep-kaz")
        kaz.goto(f"{url}/forces")
        assert kaz.locator("#aircraft-kant-mi8-5").count() == 1
        assert kaz.locator("#aircraft-kant-mi8-5 form").count() == 0  # Russia's helicopter

        rus = rus_ctx.new_page()
        login(rus, url, "rep-rus", "demo-rep-rus")
        rus.goto(f"{url}/forces")
        row = rus.locator("#aircraft-kant-mi8-5")
        row.locator("summary").click()
        row.locator("select[name=base]").select_option("dushanbe")
        row.locator("input[name=turnaround_h]").fill("1.5")
        row.locator("button[type=submit]").click()
        rus.wait_for_url(f"{url}/forces*")
        cells = rus.locator("#aircraft-kant-mi8-5 td").all_inner_texts()
        assert cells[2] == "dushanbe" and cells[6] == "1.5 h"
    finally:
        kaz_ctx.close()
        rus_ctx.close()
