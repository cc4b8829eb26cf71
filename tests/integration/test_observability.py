"""Health, readiness, request ids and JSON logs."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.config import Settings
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app, settle
from phalanx.web.observability import JsonFormatter, request_id


@pytest.fixture
def client(loaded_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "organization": "ok", "migrations": "ok"}


def test_not_ready_without_an_organization(tmp_path: Path, settings: Settings) -> None:
    db = Database(make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
    upgrade(db.engine)
    with TestClient(create_app(settings, db)) as c:
        r = c.get("/readyz")
    db.dispose()
    assert r.status_code == 503 and r.json()["checks"]["organization"] == "not loaded"


def test_every_response_carries_a_request_id(client: TestClient) -> None:
    mine = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert mine.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert hostile.headers["x-request-id"] != "<script>"


def test_logs_are_json_with_the_request_id() -> None:
    token = request_id.set("r-42")
    try:
        record = logging.LogRecord("phalanx.access", logging.INFO, __file__, 1, "request",
                                   None, None)
        record.fields = {"status": 200}
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["request_id"] == "r-42" and line["status"] == 200 and line["level"] == "INFO"


def test_a_server_process_settles_its_long_lived_objects(loaded_db: Database,
                                                           settings: Settings) -> None:
    """The organization model is loaded and, with everything else alive at start-up,
    kept out of the garbage collector's full collections; the young generation is
    collected less often."""
    orgs._CACHE.clear()
    before = gc.get_threshold()
    try:
        settle(create_app(settings, loaded_db))
        assert orgs._CACHE, "the organization model was not loaded"
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == 50_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_readiness_probe_logs_its_request_only(client: TestClient,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from phalanx.web.observability import configure_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        configure_logging()
        root.addHandler(caplog.handler)
        caplog.clear()
        assert client.get("/readyz").status_code == 200
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.getLogger("alembic").setLevel(logging.NOTSET)
    server = [r.name for r in caplog.records if r.name.startswith(("phalanx", "alembic"))]
    assert server == ["phalanx.access"]  # not the test client's own (httpx)


def test_a_log_lines_time_is_utc_whatever_the_servers_zone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A server in New York logs the moment in UTC with its offset, as the API answers."""
    import time as clock_of_the_process
    from datetime import UTC, datetime

    record = logging.LogRecord("phalanx.access", logging.INFO, __file__, 1, "request",
                               None, None)
    record.created = datetime(2024, 1, 1, 2, 30, tzinfo=UTC).timestamp()
    monkeypatch.setenv("TZ", "America/New_York")
    clock_of_the_process.tzset()
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        monkeypatch.delenv("TZ")
        clock_of_the_process.tzset()
    assert line["time"] == "2024-01-01T02:30:00+00:00"
