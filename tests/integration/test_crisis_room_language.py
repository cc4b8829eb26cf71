"""The crisis pages name what the services store by key in the reader's words: a request
counted in units, the timeline's entries (in English too: "military (CRRF)", never
"military_crrf"), the notice of a stage reached without a reason, a quorum rule; the
official request's form offers the article in the page's language; the maps' buttons
are titled in it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import translate
from tests.integration.test_pages import login
from tests.support.templates import Templates

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _text(page: str) -> str:
    main = page[page.index("<main"):]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def _timeline(page: str) -> str:
    start = page.index('id="timeline"')
    return _text("<main>" + page[start:page.index("</ol>", start)])


def test_a_request_in_units_and_the_forms_article_in_russian(accounts_db: Database,
                                                            settings: Settings) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Mass unrest in Almaty", category="armed_attack", affected=["KAZ"],
        severity="severe", place="Almaty", lat=43.24, lon=76.89),
        actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"))
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        room = client.get(f"/crises/{c.id}?lang=ru").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
        r = client.post(f"/crises/{c.id}/requests", data={
            "csrf_token": token, "resource": "Field hospital", "quantity": "2",
            "measure": "humanitarian"}, follow_redirects=False)
        assert r.status_code == 303
        room = client.get(f"/crises/{c.id}").text
        text = _text(room)
        assert "KAZ нужно 2 ед. · Field hospital (гуманитарные)" in text, text
        assert "KAZ запрашивает: Field hospital, 2 ед." in _timeline(room)
        assert "units" not in text
        assert re.search(r'<input name="article" value="ст. 4 Договора"', room)
        assert 'data-zoom-in="Приблизить" data-zoom-out="Отдалить" data-layers-title="Слои"' \
            in room
        english = client.get(f"/crises/{c.id}?lang=en").text
        assert "KAZ needs 2 units · Field hospital" in _text(english)
        assert re.search(r'<input name="article" value="Treaty art. 4"', english)
        assert 'data-zoom-in="Zoom in"' in english
        # the other members are asked to offer: the request in their inbox, counted alike
        login(client, "rep-rus", "demo-rep-rus")
        inbox = _text(client.get("/inbox?lang=ru").text)
        assert "2 ед. · Field hospital" in inbox and "units" not in inbox, inbox
        assert "2 units · Field hospital" in _text(client.get("/inbox?lang=en").text)
        assert f'href="/crises/{c.id}#requests"' in client.get("/inbox").text
        assert 'id="requests"' in client.get(f"/crises/{c.id}").text


@pytest.fixture
def records_db(db_templates: Templates, tmp_path: Path) -> Iterator[Database]:
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp_path / "r.db")))
    yield db
    db.dispose()


def test_the_demo_crisis_without_keys(records_db: Database, settings: Settings) -> None:
    """The Batken crisis: asked for by Kyrgyzstan, decided, answered by the CRRF."""
    with records_db.read() as conn:
        c = next(x for x in crises.board(conn, actor=SYSTEM) if x.stage is Stage.RESPONSE)
    with TestClient(create_app(settings, records_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        english = client.get(f"/crises/{c.id}?lang=en").text
        timeline = _timeline(english)
        assert ("official request of KGZ (Sadyr Japarov, head of state), Treaty art. 4: "
                "humanitarian, military (CRRF)") in timeline, timeline
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", timeline), timeline
        russian = _timeline(client.get(f"/crises/{c.id}?lang=ru").text)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", russian), russian
        # the notice that the crisis reached its decision: its title and the stage's name
        inbox = _text(client.get("/inbox?lang=ru").text)
        assert f"{c.title}: решение" in inbox, inbox
        assert ": decision" not in inbox


def test_a_quorum_rule_by_its_name() -> None:
    reason = "quorum not met: 3 of 6 members present or declared, 4 needed (two_thirds)"
    assert translate(reason, "ru").endswith("нужно 4 (две трети)")
    assert translate(reason, "en", labelled=True).endswith("4 needed (two thirds)")


def test_a_crisis_late_by_a_day_reads_in_days_and_hours(accounts_db: Database,
                                                        settings: Settings) -> None:
    """The board and the room's clocks give a lateness of more than a day in days and hours
    ("1 сут. 2 ч"), not in thousands of minutes."""
    from datetime import UTC, datetime, timedelta

    opened = datetime.now(UTC) - timedelta(days=1, hours=3)
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Mass unrest in Almaty", category="armed_attack", affected=["KAZ"],
        severity="severe", place="Almaty", lat=43.24, lon=76.89),
        actor=Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ"), at=opened)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        for lang, late in (("ru", r"\d сут\. \d+ ч"), ("en", r"\d d \d+ h")):
            board = _text(client.get(f"/crises?lang={lang}").text)
            room = _text(client.get(f"/crises/{c.id}?lang={lang}").text)
            assert re.search(late, board), board
            assert re.search(late, room), room
            assert not re.search(r"\d{4} (?:мин|min)", board + room)
