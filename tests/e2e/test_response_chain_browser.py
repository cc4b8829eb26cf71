"""The whole collective-response chain in a real browser, by clicking, as each person
does it: a member reports a terrorist threat with outside interference and its
representative records the President's request under art. 4; the Secretariat convenes
consultations and puts a peacekeeping-only decision to the heads of state; the chair
records every answer and announces; the Secretariat links the decision and starts the
response; the UN letter opens, every other member has its line and one answers; the
contributing states consent; the Joint Staff asks for 14 sites to be guarded, plans and
decides; after the mission it plans and decides the way home, and the Secretariat closes
the crisis with its review."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain import rotation
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser

CONTRIBUTING = ["BLR", "KGZ", "RUS", "TJK"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[tuple[str, Database]]:
    tmp: Path = tmp_path_factory.mktemp("chain")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, db
    db.dispose()


class People:
    """One browser context per person, logged in once."""

    def __init__(self, browser: Any, url: str) -> None:
        self.browser, self.url, self.pages = browser, url, {}

    def __call__(self, user: str, password: str) -> Any:
        if user not in self.pages:
            page = self.browser.new_context().new_page()
            login(page, self.url, user, password)
            self.pages[user] = page
        return self.pages[user]

    def rep(self, state: str) -> Any:
        return self(f"rep-{state.lower()}", f"demo-rep-{state.lower()}")

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def move(page: Any, url: str, cid: int, stage: str, review: str = "") -> None:
    page.goto(f"{url}/crises/{cid}")
    blocked = page.locator(f"#blocked-stages li[data-stage={stage}]")
    assert blocked.count() == 0, blocked.inner_text()
    page.select_option("#transition-form select[name=to]", stage)
    if review:
        page.fill("#transition-form input[name=review]", review)
    page.click("#transition-form button[type=submit]")
    page.wait_for_selector(f"#flow li.current[data-stage={stage}]")


def test_a_peacekeeping_response_from_request_to_the_way_home(
        browser: Any, site: tuple[str, Database]) -> None:
    url, db = site
    people = People(browser, url)
    try:
        # the affected member reports and records its President's request
        kaz = people.rep("KAZ")
        kaz.goto(f"{url}/crises")
        form = "#report-form"
        kaz.fill(f"{form} input[name=title]", "Attacks on public buildings in Almaty")
        kaz.select_option(f"{form} select[name=category]", "threat_to_security")
        kaz.select_option(f"{form} select[name=affected]", ["KAZ"])
        kaz.select_option(f"{form} select[name=severity]", "extreme")
        kaz.fill(f"{form} input[name=place]", "Almaty")
        kaz.fill(f"{form} input[name=lat]", "43.24")
        kaz.fill(f"{form} input[name=lon]", "76.89")
        kaz.click(f"{form} button[type=submit]")
        kaz.wait_for_url(re.compile(r".*/crises/\d+.*"))
        cid = int(re.search(r"/crises/(\d+)", kaz.url).group(1))  # type: ignore[union-attr]
        kaz.click("#official-requests summary")
        form = "#official-request-form"
        kaz.fill(f"{form} input[name=person]", "Kassym-Jomart Tokayev")
        kaz.fill(f"{form} input[name=at]", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"))
        kaz.check(f"{form} input[name=measures][value=military_peacekeeping]")
        kaz.fill(f"{form} input[name=forces]", "collective peacekeeping forces")
        kaz.fill(f"{form} input[name=period_days]", "14")
        kaz.click(f"{form} button[type=submit]")
        kaz.wait_for_selector("#official-requests li:has-text('Kassym-Jomart Tokayev')")

        # the Secretariat convenes and puts the decision to the heads of state
        sec = people("secretariat", "demo-secretariat")
        sec.goto(f"{url}/crises/{cid}")
        sec.click("#convene")
        sec.wait_for_selector("#flow li.current[data-stage=consultations]")
        sec.click("summary:has-text('A decision by consultation')")
        form = "#consultation-draft-form"
        sec.select_option(f"{form} select[name=question]", "peacekeeping")
        sec.fill(f"{form} input[name=title]", "On sending collective peacekeeping forces")
        sec.fill(f"{form} textarea[name=text_en]", "To send collective peacekeeping forces.")
        sec.check(f"{form} input[name=measures][value=military_peacekeeping]")
        sec.check(f"{form} input[name=formations][value=peacekeeping]")
        for s in CONTRIBUTING:
            sec.check(f"{form} input[name=contributing_states][value={s}]")
        sec.fill(f"{form} input[name=period_days]", "14")
        sec.click(f"{form} button[type=submit]")
        sec.wait_for_url(re.compile(r".*/drafts/\d+$"))
        draft_url = sec.url
        assert "not yet reached" in sec.inner_text("#consultation")

        # the chair reaches every head of state and announces
        with db.read() as conn:
            # the Council's chair of the organization's year (Moscow's from 21:00 UTC on
            # 31 December), as the consultation names it
            chair = rotation.chair(orgs.organization(conn), "csc",
                                   orgs.today(conn).year).state  # type: ignore[union-attr]
        ch = people.rep(chair)
        ch.goto(draft_url)
        assert ch.is_disabled("#announce")
        for _ in range(10):  # the next member not yet reached is preselected
            if "not yet reached" not in ch.inner_text("#consultation table"):
                break
            with ch.expect_navigation():
                ch.click("#consultation-form button[type=submit]")
        assert ch.is_enabled("#announce")
        ch.click("#announce")
        ch.wait_for_selector("#announced")
        assert "announced by the chair" in ch.inner_text("#announced")

        # the Secretariat links the decision and starts the response
        move(sec, url, cid, "assessment")
        decision = sec.locator("#decision-form option",
                               has_text="On sending collective peacekeeping forces")
        sec.select_option("#decision-form select[name=decision_id]",
                          decision.get_attribute("value"))
        sec.click("#decision-form button[type=submit]")
        sec.wait_for_selector("#un-notice")
        move(sec, url, cid, "decision")
        sec.check("#response-form input[name=measures][value=military_peacekeeping]")
        with sec.expect_navigation():
            sec.click("#response-form button[type=submit]")
        move(sec, url, cid, "response")

        # the UN letter in both languages; the notice sent; every other member's line
        for lang, words in (("en", b"%PDF"), ("ru", b"%PDF")):
            r = sec.request.get(f"{url}/api/v1/crises/{cid}/un-letter.pdf?lang={lang}")
            assert r.status == 200 and r.body().startswith(words)
        lines = sec.locator("#obligations tbody tr")
        states = sorted(lines.nth(i).get_attribute("data-state") for i in range(lines.count()))
        assert states == ["ARM", "BLR", "KGZ", "RUS", "TJK"]
        sec.fill("#un-notice-form input[name=reference]", "S/2026/1")
        sec.click("#un-notice-form button[type=submit]")
        sec.wait_for_selector("#un-notice:has-text('S/2026/1')")
        rus = people.rep("RUS")
        rus.goto(f"{url}/crises/{cid}")
        rus.select_option("#obligation-form select[name=answer]", "forces")
        rus.fill("#obligation-form input[name=detail]", "a peacekeeping battalion")
        rus.click("#obligation-form button[type=submit]")
        rus.wait_for_selector("#obligations tr[data-state=RUS]:has-text('peacekeeping battalion')")

        # the contributing states consent, each through its own representative
        for s in CONTRIBUTING:
            p = people.rep(s)
            p.goto(f"{url}/crises/{cid}#forces")
            p.select_option("#consent-form select[name=scope]", "all")
            p.click("#consent-form button[type=submit]")
            p.wait_for_selector(f"#consents tr[data-state={s}]")

        # the Joint Staff: 14 sites to guard, planned with parts, decided
        planner = people("planner", "demo-planner-pass")
        planner.goto(f"{url}/crises/{cid}#forces")
        form = "form[action$='/requirements']"
        planner.select_option(f"{form} select[name=capability]", "motorized_rifle")
        planner.select_option(f"{form} select[name=task]", "sites")
        planner.fill(f"{form} input[name=sites]", "14")
        planner.fill(f"{form} input[name=strength]", "100")
        planner.click(f"{form} button[type=submit]")
        planner.wait_for_selector("#requirements tr[data-task=sites]")
        planner.fill("#plan-form input[name=time_limit]", "1")
        planner.click("#plan-form button[type=submit]")
        planner.wait_for_selector("#plan-summary[data-status=proposed]")
        movements = planner.inner_text("#movements")
        assert "site 14 of 14" in movements
        assert not re.search(r"\bCRRF\b|Rapid", movements)  # only what the decision authorizes
        planner.click("#decide-plan")
        planner.wait_for_selector("#plan-summary[data-status=decided]")

        # deployed, then monitoring; the way home planned and decided; closed
        move(sec, url, cid, "deployed")
        move(sec, url, cid, "monitoring")
        planner.goto(f"{url}/crises/{cid}#withdrawal")
        planner.fill("#withdrawal-form input[name=time_limit]", "1")
        planner.click("#withdrawal-form button[type=submit]")
        planner.wait_for_selector("#withdrawal-summary[data-status=proposed]")
        assert planner.locator("#withdrawal-movements tbody tr").count() >= 14
        planner.click("#decide-withdrawal")
        planner.wait_for_selector("#withdrawal-summary[data-status=decided]")
        move(sec, url, cid, "closed",
             review="Fourteen sites guarded by the contributing states; all went home.")
        for measure in ("consultations", "decision", "un_notification"):
            assert sec.locator(f"#response-card tr[data-measure={measure}].met").count() == 1
        # the way home is decided; its movements start later
        assert sec.locator("#response-card tr[data-measure=withdrawal_start]").count() == 1
        assert "Fourteen sites guarded" in sec.inner_text("body")
    finally:
        people.close()
