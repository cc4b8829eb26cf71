"""The server does what falls due with time alone (`services/due.py`): it escalates an
overdue crisis and adopts a draft whose silence reached its deadline, by itself, every
`due_seconds`, audited in the name of `system:server`; several app instances on one
PostgreSQL database do each thing once; 0 seconds leaves it to a timer's commands."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import clock, crises, due
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_silence_procedure import DEADLINE, FILE, T0, _circulate

SEC = Principal("secretariat", Role.SECRETARIAT)


def _settings(db: Database, tmp_path: Path, seconds: float) -> Settings:
    return Settings(environment="test", audit_key_file=tmp_path / "audit.key",
                    database_url=db.engine.url.render_as_string(hide_password=False),
                    due_seconds=seconds)


def _until(done: Callable[[], bool], seconds: float = 30.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if done():
            return True
        time.sleep(0.1)
    return done()


def _entries(db: Database, action: str) -> list[tuple[str, str]]:
    with db.read() as conn:
        return [(r.actor, r.target_id) for r in conn.execute(
            select(t.audit_log.c.actor, t.audit_log.c.target_id)
            .where(t.audit_log.c.action == action).order_by(t.audit_log.c.id))]


def _overdue_crisis(db: Database) -> int:
    # reported three hours ago: its consultations (target one hour) are overdue
    return crises.open_crisis(db, crises.CrisisIn(
        title="Earthquake", category="natural_disaster", affected=["TJK"],
        severity="extreme"), actor=SEC, at=clock.now() - timedelta(hours=3)).id


def test_the_server_escalates_an_overdue_crisis_by_itself(
        db: Database, tmp_path: Path) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    crisis = _overdue_crisis(db)
    with TestClient(create_app(_settings(db, tmp_path, 0.2), db)):
        assert _until(lambda: bool(_entries(db, "crisis.escalate")))
    assert _entries(db, "crisis.escalate") == [("system:server", str(crisis))]
    with db.read() as conn:
        timeline = crises.get(conn, crisis, actor=SEC).timeline
    assert [e.kind for e in timeline].count("escalation") == 1


def test_the_server_adopts_a_draft_kept_in_silence_past_its_deadline(
        db: Database, tmp_path: Path) -> None:
    orgs.load_dataset(db, FILE, actor=SYSTEM)
    d = _circulate(db)  # circulated in March, its deadline long past
    assert clock.now() > DEADLINE > T0
    with TestClient(create_app(_settings(db, tmp_path, 0.2), db)):
        assert _until(lambda: bool(_entries(db, "draft.close")))
    assert _entries(db, "draft.close") == [("system:server", str(d.id))]
    with db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).status == "adopted"


def test_without_due_seconds_the_server_leaves_it_to_a_timer(
        db: Database, tmp_path: Path) -> None:
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    crisis = _overdue_crisis(db)
    with TestClient(create_app(_settings(db, tmp_path, 0), db)) as client:
        time.sleep(1.0)
        assert client.get("/healthz").status_code == 200
    assert _entries(db, "crisis.escalate") == []
    assert due.run_due(db).escalated == [crisis]  # what the timer's commands do


@pytest.mark.postgres
def test_two_instances_on_postgresql_escalate_once(
        postgres_admin_url: str, db_templates, tmp_path: Path) -> None:
    with db_templates.postgres_copy("dataset", postgres_admin_url) as url:
        first, second = Database.from_url(url), Database.from_url(url)
        try:
            crisis = _overdue_crisis(first)
            settings = _settings(first, tmp_path, 0.05)
            with first.one_at_a_time(due.LOCK) as mine:
                assert mine
                assert due.run_due(second).ran is False  # one instance at a time
            with TestClient(create_app(settings, first)), \
                    TestClient(create_app(settings, second)):
                assert _until(lambda: bool(_entries(first, "crisis.escalate")))
                time.sleep(1.0)  # both tickers keep running meanwhile
            assert _entries(first, "crisis.escalate") == [("system:server", str(crisis))]
        finally:
            first.dispose()
            second.dispose()


def test_a_step_that_fails_leaves_the_others_to_run(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from phalanx.services.decisions import written

    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    crisis = _overdue_crisis(db)

    def broken(*_: object, **__: object) -> list[int]:
        raise RuntimeError("the written procedure's step fails")

    monkeypatch.setattr(written, "settle_lapsed", broken)
    done = due.run_due(db)
    assert done.escalated == [crisis]
    assert due.round_state(done) == "failed: RuntimeError: the written procedure's step fails"


def test_readiness_says_how_the_last_round_went(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`/readyz` tells an operator when the server's periodic work last ran and how, and
    that it is off where a timer does it; it decides no readiness."""
    from phalanx.services.decisions import silence

    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with TestClient(create_app(_settings(db, tmp_path, 0), db)) as client:
        off = client.get("/readyz").json()
    assert off["due"] == {"every_seconds": 0.0, "last_round": None, "result": None}
    with TestClient(create_app(_settings(db, tmp_path, 0.1), db)) as client:
        assert _until(lambda: client.get("/readyz").json()["due"]["result"] == "ok")
        first = client.get("/readyz").json()
        assert first["status"] == "ready" and first["due"]["last_round"] is not None

        def broken(*_: object, **__: object) -> list[int]:
            raise RuntimeError("no settling today")

        monkeypatch.setattr(silence, "settle_silence", broken)
        assert _until(lambda: client.get("/readyz").json()["due"]["result"]
                      == "failed: RuntimeError: no settling today")
        r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_the_server_keeps_doing_it_once_its_database_is_back(
        db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The database away, each round says so in one line (no traceback every N
    seconds); back, the next round does what fell due meanwhile."""
    import logging

    import sqlalchemy as sa

    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    app = create_app(_settings(db, tmp_path, 0.1), db)
    gone = Database(sa.create_engine("sqlite:////proc/no-such-dir/phalanx.db",
                                     poolclass=sa.pool.NullPool))
    with caplog.at_level(logging.INFO), TestClient(app):
        app.state.db = gone
        assert _until(lambda: len([r for r in caplog.records
                                   if r.getMessage() == "due work: database unavailable"]) >= 2)
        crisis = _overdue_crisis(db)
        app.state.db = db
        assert _until(lambda: bool(_entries(db, "crisis.escalate")))
    gone.dispose()
    assert _entries(db, "crisis.escalate") == [("system:server", str(crisis))]
    said = [r for r in caplog.records if r.getMessage() == "due work: database unavailable"]
    assert "unable to open database file" in said[0].fields["error"]
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith("phalanx")]
