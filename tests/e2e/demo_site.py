"""The demo site the layout's browser tests share: the demo's records in a database of
their own (with a decision by consultation whose every answer is recorded), the site
served, a phone's and a desktop's browser, signing in, and the pages the Secretariat
reaches by links."""

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
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

PHONE = 360
SKIP = (".pdf", ".png", ".csv", ".json", ".xml")


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
    # the auditor's pages, the reporter's (an operation's upload: its form and the values
    # each column takes) and the administrator's accounts
    return [*chosen, "/login", "/audit", "/audit?verify=true", "/operations/channel/upload",
            "/users"]
