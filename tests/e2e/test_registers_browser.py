"""The registers in a real browser (Debian's Chromium through Playwright), under the
application's Content-Security-Policy: the Secretariat's overview shows every register
with its chart and downloads the annual report; a representative records its state's
transposition through the form and the matrix shows it; a third state's supply page
leaves out the bilateral supplies it is not a party to; a finding is closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.browser import ARTIFACTS, serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, db_templates: Templates) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("registers")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url
    db.dispose()


@pytest.fixture
def watched(page: Any) -> Iterator[Any]:
    """The page, failing the test on a console error (anything the CSP blocked) or a
    failed request."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # a request the browser cancels because the page moved on (ERR_ABORTED) is no failure
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    yield page
    assert problems == [], "\n".join(problems)


def login(page: Any, base_url: str, user: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(re.escape(base_url) + r"/(inbox)?$"))  # the inbox, or home


def test_the_overview_shows_every_register_and_the_annual_report(page: Any,
                                                                 base_url: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    login(page, base_url, "secretariat", "demo-secretariat")
    page.click("nav.main >> text=Secretariat overview")
    page.wait_for_url(f"{base_url}/secretariat")
    for card in ("ov-parliament", "ov-mtc", "ov-training", "ov-exercises", "ov-external"):
        box = page.locator(f"#{card}")
        assert box.locator("svg.bars").count() == 1
        assert box.locator("svg.bars rect.bar").count() > 0
        assert box.locator("svg.bars").bounding_box()["height"] > 100  # drawn, not collapsed
    assert "5 supply agreements you may see" in page.inner_text("#ov-mtc")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "secretariat-overview.png"), full_page=True)
    assert problems == []  # the overview: nothing blocked (the PDF viewer is not ours)
    page.select_option("#annual-report-form select[name=year]", "2025")
    with page.expect_response(lambda r: r.url.endswith("/annual-report/2025.pdf")) as info:
        page.click("#annual-report-form button[type=submit]")
    response = info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="annual-report-2025.pdf"' in response.headers["content-disposition"]
    # the browser shows it in its viewer; the same request with the session's cookies
    # gives the document itself
    pdf = page.context.request.get(response.url)
    assert pdf.body().startswith(b"%PDF-")


def test_a_representative_records_its_transposition(watched: Any, base_url: str) -> None:
    page = watched
    login(page, base_url, "rep-kgz", "demo-rep-kgz")
    page.goto(f"{base_url}/parliament")
    cell = page.locator("#law-ml-drug-precursors td[data-state=KGZ]")
    assert cell.inner_text() == "not started"
    assert page.locator("#transposition-form select[name=state] option").all_inner_texts() \
        == ["KGZ"]
    page.select_option("#transposition-form select[name=law]", "ml-drug-precursors")
    page.select_option("#transposition-form select[name=status]", "adopted")
    page.fill("#transposition-form input[name=on]", "2026-03-02")
    page.fill("#transposition-form input[name=reference]", "Law of the Kyrgyz Republic No. 7")
    page.click("#transposition-form button[type=submit]")
    page.wait_for_url(f"{base_url}/parliament#law-ml-drug-precursors")
    assert page.locator("#law-ml-drug-precursors td[data-state=KGZ]").inner_text() == "adopted"
    assert "tr-adopted" in (page.locator("#law-ml-drug-precursors td[data-state=KGZ]")
                            .get_attribute("class") or "")
    page.goto(f"{base_url}/parliament?lang=ru")
    assert page.locator("#law-ml-drug-precursors td[data-state=KGZ]").inner_text() == "принят"


def test_a_third_state_sees_only_its_own_supplies(watched: Any, base_url: str) -> None:
    page = watched
    login(page, base_url, "rep-blr", "demo-rep-blr")
    page.goto(f"{base_url}/mtc?lang=en")
    rows = page.locator("#supplies tbody tr")
    assert rows.count() == 1
    assert "sup-blr-kaz-2025-1" in rows.first.inner_text()
    assert page.locator("#supply-chart-title").count() == 1
    # records a delivery: within the agreed quantity
    page.select_option("#delivery-form select[name=supply]", "sup-blr-kaz-2025-1")
    page.fill("#delivery-form input[name=quantity]", "50")
    page.fill("#delivery-form input[name=value]", "1")
    page.fill("#delivery-form input[name=on]", "2025-09-01")
    page.click("#delivery-form button[type=submit]")
    page.wait_for_url(f"{base_url}/mtc#supply-sup-blr-kaz-2025-1")
    assert "200" in page.locator("#supply-sup-blr-kaz-2025-1").inner_text()


def test_a_finding_is_closed_by_its_owner(watched: Any, base_url: str) -> None:
    page = watched
    login(page, base_url, "rep-tjk", "demo-rep-tjk")
    page.goto(f"{base_url}/joint-exercises")
    row = page.locator("#findings-table tbody tr", has_text="host nation support plan")
    assert row.count() == 1
    row.locator("button").click()
    page.wait_for_url(f"{base_url}/joint-exercises#findings")
    assert page.locator("#findings-table tbody tr",
                        has_text="host nation support plan").count() == 0
    assert page.locator("#calendar tr#exercise-frontier-2014").count() == 1
