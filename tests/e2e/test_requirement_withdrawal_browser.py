"""A requirement stated in error is taken back from the crisis room, on a desktop, in
English and in Russian: the page asks first (and a "no" leaves it), the proposed plan
made with it is set aside, the decided plan stays in force; a requirement the decided
plan serves offers no withdrawal, and a stale page's attempt is refused, saying why."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import forces, forcesdemo
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.demo_site import sign_in
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[tuple[str, int, Database]]:
    tmp = tmp_path_factory.mktemp("requirement-withdrawal")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    crisis = forcesdemo.run(db, time_limit=1)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, crisis, db
    db.dispose()


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("Withdraw requirement", "is served by plan")),
    ("ru", ("Снять потребность", "обеспечивается утверждённым планом"))])
def test_a_requirement_taken_back(browser: Any, site: tuple[str, int, Database], lang: str,
                                  words: tuple[str, str]) -> None:
    url, crisis, db = site
    ctx = browser.new_context(viewport={"width": 1440, "height": 900},
                              locale="en-GB" if lang == "en" else "ru-RU")
    page = ctx.new_page()
    asked: list[str] = []
    answer = {"yes": False}

    def dialog(d: Any) -> None:
        asked.append(d.message)
        d.accept() if answer["yes"] else d.dismiss()

    page.on("dialog", dialog)
    try:
        sign_in(page, url, ("planner", "demo-planner-pass"))
        page.goto(f"{url}/crises/{crisis}#forces")
        decided = page.locator("#plan-summary").get_attribute("data-plan")
        served = page.locator("#requirements [data-served]").count()
        assert served >= 7 and page.locator("#requirements [data-withdraw]").count() == 0
        form = page.locator("form[action$='/requirements']")
        form.locator("select[name=capability]").select_option("special_forces")
        form.locator("input[name=strength]").fill("100")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{url}/crises/{crisis}?saved=1*")
        added = page.locator("#requirements [data-withdraw]")
        assert added.count() == 1
        rid = added.get_attribute("data-withdraw")
        page.fill("#plan-form input[name=time_limit]", "1")
        page.click("#plan-form button[type=submit]")
        page.wait_for_url(f"{url}/crises/{crisis}?saved=1&plan=*", timeout=60_000)
        proposal = page.locator("#proposal-summary").get_attribute("data-plan")
        assert proposal is not None and proposal != decided
        # asked first; a "no" leaves it
        page.locator(f"[data-withdraw='{rid}']").click()
        page.wait_for_timeout(300)
        assert asked and asked[-1].startswith(f"{words[0]} {rid}")
        assert page.locator(f"[data-withdraw='{rid}']").count() == 1
        # a "yes" takes it back, and the proposal made with it
        answer["yes"] = True
        page.locator(f"[data-withdraw='{rid}']").click()
        page.wait_for_url(f"{url}/crises/{crisis}?saved=1*")
        assert page.locator(f"#requirements tr:has([data-withdraw='{rid}'])").count() == 0
        assert page.locator("#requirements tbody tr").count() == served
        assert page.locator("#proposal").count() == 0
        assert page.locator("#plan-summary").get_attribute("data-plan") == decided
        assert page.locator("#plan-summary").get_attribute("data-status") == "decided"
        with db.read() as conn:
            status = {p.id: p.status for p in forces.plans(conn, crisis, actor=SYSTEM)}
            assert rid not in {str(r.id) for r in forces.requirements(conn, crisis,
                                                                       actor=SYSTEM)}
        assert status[int(proposal)] == "superseded" and status[int(decided)] == "decided"
        # a requirement the decided plan serves: a stale page's attempt is refused
        first = page.locator("#requirements tbody tr > :is(th, td)").first.inner_text()
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        r = page.request.post(f"{url}/crises/{crisis}/requirements/{first}/withdrawal",
                              form={"csrf_token": token or ""},
                              headers={"accept": "text/html",
                                       "accept-language": "en" if lang == "en" else "ru"},
                              max_redirects=0)
        assert r.status == 409 and words[1] in r.text(), r.text()
        page.goto(f"{url}/crises/{crisis}#forces")
        assert page.locator("#requirements tbody tr").count() == served
    finally:
        ctx.close()
