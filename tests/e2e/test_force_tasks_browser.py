"""A peacekeeping-only response in a real browser, from the crisis room's forms: the Joint
Staff states "guard 6 sites", plans it with parts of peacekeeping units (each movement
names its site), decides it, and after the mission plans and decides the way home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.integration.test_force_tasks import SEC, consent_all, response
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[tuple[str, int, Database]]:
    tmp: Path = tmp_path_factory.mktemp("tasks")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    cid = response(db)
    consent_all(db, cid)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, cid, db
    db.dispose()


def test_sites_guarded_by_parts_then_the_way_home(browser: Any,
                                                  site: tuple[str, int, Database]) -> None:
    url, cid, db = site
    context = browser.new_context()
    try:
        page = context.new_page()
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/crises/{cid}#forces")
        form = "form[action$='/requirements']"
        page.select_option(f"{form} select[name=task]", "sites")
        page.fill(f"{form} input[name=sites]", "6")
        page.fill(f"{form} input[name=strength]", "100")
        page.select_option(f"{form} select[name=capability]", "motorized_rifle")
        page.click(f"{form} button[type=submit]")
        page.wait_for_selector("#requirements tr[data-task=sites]")
        page.fill("#plan-form input[name=time_limit]", "1")
        page.click("#plan-form button[type=submit]")
        page.wait_for_selector("#plan-summary[data-status=proposed]")
        movements = page.inner_text("#movements")
        assert "site 6 of 6" in movements and "Peacekeeping" in movements
        page.click("#decide-plan")
        page.wait_for_selector("#plan-summary[data-status=decided]")
        for stage in (Stage.DEPLOYED, Stage.MONITORING):
            crises.transition(db, cid, stage, actor=SEC)
        page.goto(f"{url}/crises/{cid}#withdrawal")
        page.fill("#withdrawal-form input[name=time_limit]", "1")
        page.click("#withdrawal-form button[type=submit]")
        page.wait_for_selector("#withdrawal-summary[data-status=proposed]")
        assert page.locator("#withdrawal-movements tbody tr").count() == 6
        page.click("#decide-withdrawal")
        page.wait_for_selector("#withdrawal-summary[data-status=decided]")
        assert "leaving" in page.inner_text("#progress-counts")
    finally:
        context.close()
