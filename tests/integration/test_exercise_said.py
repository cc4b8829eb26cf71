"""Everything an exercise says, it says as the exercise's: each live event about its crisis,
session or draft carries `"exercise": true` (the crises' board, the operational picture,
the inbox and its crisis room are told so), and each of its notices begins and ends with
EXERCISE, in the inbox and by email, in English and in Russian. A real crisis's say
nothing of the kind; and nothing of an exercise reaches a real feed (Cursor-on-Target)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.adapters.events import Event, EventBus
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import cot, crises
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.outbox import EXERCISE_LINE, _written
from phalanx.web.app import create_app
from phalanx.web.i18n.timeline import notice_renderer
from tests.support.sessions import login

SEC = Principal("secretariat", Role.SECRETARIAT)


class Recorder(EventBus):
    """A bus that keeps what is published."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Event] = []

    def publish(self, event: Event) -> None:
        self.seen.append(event)


def _play(db: Database, exercise: bool, at: datetime) -> int:
    """A crisis reported, escalated overdue, its consultations convened, moved on and
    closed: what a crisis tells its pages and its people."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title="CPX flood" if exercise else "Flood", category="natural_disaster",
        affected=["KGZ"], place="Osh", lat=40.53, lon=72.8, exercise=exercise),
        actor=SEC, at=at)
    crises.escalate_overdue(db, at=at + timedelta(hours=3), exercise=exercise, only=c.id)
    crises.convene_consultations(db, c.id, actor=SEC, at=at + timedelta(hours=3))
    crises.transition(db, c.id, Stage.NO_ACTION, actor=SEC, reason="handled nationally",
                      at=at + timedelta(hours=4))
    return c.id


def test_every_live_event_of_an_exercise_says_so(accounts_db: Database) -> None:
    bus = Recorder()
    accounts_db.bus = bus
    at = datetime.now(UTC) - timedelta(hours=6)
    cpx = _play(accounts_db, True, at)
    played, bus.seen = bus.seen, []
    real = _play(accounts_db, False, at)
    kinds = {(e.topic.split(":")[0], e.kind) for e in played}
    assert {("crises", "opened"), ("crisis", "escalation"), ("crisis", "stage"),
            ("sessions", "convened"), ("crises", "stage")} <= kinds
    assert all(e.data.get("exercise") is True for e in played), \
        [e for e in played if not e.data.get("exercise")]
    assert all('"exercise":true' in e.sse() for e in played)
    assert all(Event.decode(e.encode()).data["exercise"] is True for e in played)
    assert bus.seen and not any("exercise" in e.data for e in bus.seen)
    assert {e.data.get("id") for e in played if e.topic == "crises"} == {cpx}
    assert {e.data.get("id") for e in bus.seen if e.topic == "crises"} == {real}


def _notices(db: Database, crisis_id: int) -> list[tuple[str, str, str]]:
    with db.read() as conn:
        return [(r.subject, r.body, r.recipient) for r in conn.execute(
            select(t.notification).where(t.notification.c.topic == f"crisis:{crisis_id}"))]


def test_every_notice_of_an_exercise_begins_and_ends_saying_so(accounts_db: Database) -> None:
    at = datetime.now(UTC) - timedelta(hours=6)
    cpx = _play(accounts_db, True, at)
    real = _play(accounts_db, False, at)
    told = _notices(accounts_db, cpx)
    subjects = {s.split(":")[0] for s, _b, _r in told}
    assert {"[EXERCISE] Crisis reported", "[EXERCISE] Overdue",
            f"[EXERCISE] Crisis {cpx}"} <= subjects
    for subject, body, _who in told:
        assert subject.startswith("[EXERCISE] ") and subject.endswith(" [EXERCISE]"), subject
        assert body.startswith(EXERCISE_LINE + "\n\n"), body
        assert body.endswith("\n\n" + EXERCISE_LINE), body
    for subject, body, _who in _notices(accounts_db, real):
        assert "EXERCISE" not in subject + body
    with accounts_db.read() as conn:
        render = notice_renderer(orgs.organization(conn))
    for subject, body, _who in told:
        ru_subject, ru_body = render(subject, body, "ru")
        assert ru_subject.startswith("[УЧЕНИЯ] ") and ru_subject.endswith(" [УЧЕНИЯ]"), \
            ru_subject
        assert ru_body.startswith("УЧЕНИЯ УЧЕНИЯ УЧЕНИЯ\n\n"), ru_body
        assert ru_body.endswith("\n\nУЧЕНИЯ УЧЕНИЯ УЧЕНИЯ"), ru_body
        assert "EXERCISE" not in ru_subject + ru_body


def test_an_emailed_notice_of_an_exercise_ends_saying_so_after_its_link(
        accounts_db: Database) -> None:
    at = datetime.now(UTC) - timedelta(hours=1)
    cpx = _play(accounts_db, True, at)
    with accounts_db.read() as conn:
        row = conn.execute(select(t.notification).where(
            t.notification.c.topic == f"crisis:{cpx}")).first()
        render = notice_renderer(orgs.organization(conn))
    assert row is not None
    _lang, _subject, body = _written(SimpleNamespace(**{**row._asdict(), "language": "en"}),
                                     None, "en", "https://phalanx.example")
    assert body.endswith(f"Open in Phalanx: https://phalanx.example/crises/{cpx}\n\n"
                         f"{EXERCISE_LINE}"), body
    ru = SimpleNamespace(**{**row._asdict(), "language": "ru"})
    _lang, _subject, body = _written(ru, render, "en", "https://phalanx.example")
    assert body.endswith("\n\nУЧЕНИЯ УЧЕНИЯ УЧЕНИЯ"), body


def test_nothing_of_an_exercise_reaches_the_cursor_on_target_feed(
        accounts_db: Database) -> None:
    at = datetime.now(UTC) - timedelta(hours=1)
    cpx = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="CPX flood", category="natural_disaster", affected=["KGZ"], place="Osh",
        lat=40.53, lon=72.8, exercise=True), actor=SEC, at=at)
    real = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Flood", category="natural_disaster", affected=["KGZ"], place="Osh",
        lat=40.53, lon=72.8), actor=SEC, at=at)
    feed = b"".join(cot.snapshot(accounts_db, actor=SYSTEM))
    assert f'uid="phalanx.crisis.{real.id}"'.encode() in feed
    assert f'uid="phalanx.crisis.{cpx.id}"'.encode() not in feed
    assert b"CPX flood" not in feed


def test_the_inbox_marks_an_exercises_notice_from_end_to_end(
        accounts_db: Database, settings: Settings) -> None:
    """However long its body, the inbox's line of an exercise's notice begins and ends
    saying so, and bears the exercise's badge; a real one's does neither."""
    at = datetime.now(UTC) - timedelta(hours=1)
    for title, exercise in (("CPX flood", True), ("Real flood", False)):
        crises.open_crisis(accounts_db, crises.CrisisIn(
            title=title, category="natural_disaster", affected=["KGZ"], place="Osh",
            lat=40.53, lon=72.8, exercise=exercise), actor=SEC, at=at)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kgz", "demo-rep-kgz")
        for lang, line in (("en", "EXERCISE EXERCISE EXERCISE"),
                           ("ru", "УЧЕНИЯ УЧЕНИЯ УЧЕНИЯ")):
            html = unescape(client.get("/inbox", params={"lang": lang}).text)
            items = {title: m.group(0) for m in re.finditer(
                r'<li class="item notification".*?</li>', html, re.S)
                for title in ("CPX flood", "Real flood") if title in m.group(0)}
            detail = re.search(r'<span class="small muted">(.*?)</span>',
                               items["CPX flood"], re.S)
            assert detail is not None
            assert detail.group(1).startswith(line + " "), detail.group(1)
            assert detail.group(1).endswith(" " + line), detail.group(1)
            assert "data-exercise" in items["CPX flood"]
            assert "data-exercise" not in items["Real flood"]
            assert line not in items["Real flood"]


def test_an_exercises_crisis_on_the_map_says_so(accounts_db: Database,
                                                settings: Settings) -> None:
    """The exercises' board's map and the exercise's room's map label its crisis EXERCISE
    at both ends (УЧЕНИЯ in Russian); the real board's map does not show it, and labels a
    real crisis plainly."""
    at = datetime.now(UTC) - timedelta(hours=1)
    cpx = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="CPX flood", category="natural_disaster", affected=["KGZ"], place="Osh",
        lat=40.53, lon=72.8, exercise=True), actor=SEC, at=at)
    real = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Flood", category="natural_disaster", affected=["KGZ"], place="Osh",
        lat=40.53, lon=72.8), actor=SEC, at=at)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")

        def labels(path: str, **params: str) -> dict[str, dict[str, object]]:
            r = client.get(path, params=params)
            assert r.status_code == 200, r.text
            return {str(s["href"]): s for s in r.json()["symbols"] if s.get("href")}

        for lang, mark in (("en", "EXERCISE"), ("ru", "УЧЕНИЯ")):
            for path, params in (("/crises/map.json", {"exercise": "true"}),
                                 (f"/crises/{cpx.id}/map.json", {})):
                s = labels(path, lang=lang, **params)[f"/crises/{cpx.id}"]
                assert s["label"] == f"[{mark}] {cpx.id}: CPX flood [{mark}]", s
                assert s["exercise"] is True
        plain = labels("/crises/map.json")
        assert f"/crises/{cpx.id}" not in plain
        assert plain[f"/crises/{real.id}"]["label"] == f"{real.id}: Flood"
