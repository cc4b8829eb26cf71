"""The deployment for Kazakhstan, January 2022 (`test_replay_kazakhstan_2022.py`), as the
Joint Staff's planner reads it in the crisis room on a phone (360 px), in English and in
Russian: the summary's figures are the plan's own (the objective in weighted hours, the
crisis's closure in hours after the plan's start and as a moment, the bound and the gap,
nothing uncovered), the first arrival the summary and the table show is the plan's
first, and the page is no wider than the screen, no word broken, no control under a
finger's size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.demo_site import PHONE, phone, sign_in
from tests.e2e.layout_checks import CHECKS
from tests.integration.test_replay_kazakhstan_2022 import deploy
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, db_templates: Templates
         ) -> Iterator[tuple[str, int, int]]:
    tmp = tmp_path_factory.mktemp("kaz-plan")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    c, plan = deploy(db)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, c.id, plan.id
    db.dispose()


def _num(x: float, lang: str) -> str:
    return f"{x:.1f}".replace(".", "," if lang == "ru" else ".")


def _moment(at: datetime, lang: str) -> str:
    return at.astimezone(UTC).strftime("%m-%d %H:%M" if lang == "en" else "%d.%m %H:%M")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_kazakhstan_plan_read_on_a_phone(browser: Any, site: tuple[str, int, int],
                                             lang: str) -> None:
    url, crisis, plan_id = site
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, url, ("planner", "demo-planner-pass"))
        page.goto(f"{url}/crises/{crisis}?lang={lang}#forces")
        assert page.locator("html").get_attribute("lang") == lang
        plan = page.request.get(f"{url}/api/v1/plans/{plan_id}").json()
        start = datetime.fromisoformat(plan["starts_at"])
        closure = plan["closures"][str(crisis)]
        summary = " ".join(page.locator("#plan-summary").first.inner_text().split())
        h = "h" if lang == "en" else "ч"
        weighted = "weighted h" if lang == "en" else "взвеш. ч"
        for figure in (f"{_num(plan['objective']['closure'], lang)} {weighted}",
                       f"{_num(plan['bound'], lang)} {weighted}",
                       f"{_num(closure, lang)} {h}",
                       _moment(start + timedelta(hours=closure), lang) + " UTC",
                       _num(plan["gap"] * 100, lang) + "%",
                       "0 uncovered" if lang == "en" else "не обеспечено 0"):
            assert figure in summary, (figure, summary)
        assert plan["uncovered"] == [] and plan["optimal"] is False
        # the first arrival: the earliest of the table's, the plan's first
        first = min(plan["movements"], key=lambda m: m["arrive_h"])
        arrivals = page.locator("#movements tbody tr td:nth-child(6)").all_inner_texts()
        assert len(arrivals) == len(plan["movements"])
        landed = _moment(datetime.fromisoformat(first["arrive"]), lang)
        assert min(a.strip() for a in arrivals) == landed
        said = page.locator("#plan-first").inner_text()
        assert landed + " UTC" in said and f"{_num(first['arrive_h'], lang)} {h}" in said, said
        found = page.evaluate(CHECKS, True)
        assert found["wide"] <= PHONE, found
        assert (found["cut"], found["small"], found["broken"]) == ([], [], []), found
    finally:
        ctx.close()
