"""Live events: in one process through the in-memory bus, and between two app
processes' buses through PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.adapters.db.notify import PgRelay
from phalanx.adapters.events import Event, EventBus
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import crises
from phalanx.services import organization as orgs
from phalanx.services.db import Database

T = TypeVar("T")
SEC = Principal("secretariat", Role.SECRETARIAT)


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on a loop of its own thread (the browser tests' Playwright keeps
    a loop running on the main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def test_the_bus_delivers_to_subscribers_of_the_topic() -> None:
    async def scenario() -> list[Event]:
        bus = EventBus()
        mine, other = bus.subscribe({"crisis:1"}), bus.subscribe({"crisis:2"})
        bus.publish(Event("crisis:1", "stage", {"stage": "consultations"}))
        got = [await asyncio.wait_for(mine.queue.get(), 2)]
        assert other.queue.empty()
        mine.close()
        other.close()
        assert bus.subscribers == 0
        return got

    assert run_async(scenario)[0].data == {"stage": "consultations"}


@pytest.mark.postgres
def test_a_write_in_one_process_reaches_pages_of_another(postgres_url: str) -> None:
    writer_db, reader_db = (Database(make_engine(postgres_url)) for _ in range(2))
    upgrade(writer_db.engine)
    orgs.load_dataset(writer_db, loader.builtin_path(), actor=SYSTEM)
    writer_bus, reader_bus = EventBus(), EventBus()
    writer_db.bus = writer_bus
    relays = [PgRelay(postgres_url, writer_bus), PgRelay(postgres_url, reader_bus)]
    for r in relays:
        r.start()

    async def scenario() -> Event:
        sub = reader_bus.subscribe({"crises"})
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: crises.open_crisis(writer_db, crises.CrisisIn(
            title="Flood", category="natural_disaster", affected=["KGZ"]), actor=SEC))
        event = await asyncio.wait_for(sub.queue.get(), 5)
        sub.close()
        return event

    try:
        event = run_async(scenario)
    finally:
        for r in relays:
            r.stop()
        writer_db.dispose()
        reader_db.dispose()
    assert event.topic == "crises" and event.kind == "opened"


@pytest.mark.postgres
def test_a_write_after_the_database_restarted_succeeds_and_its_event_is_relayed(
        postgres_url: str) -> None:
    """The connection a process publishes on is lost when the database restarts: the
    next write, committed, answers as written and its event still reaches the pages of
    another process (the publisher connects again), never an error after the commit."""
    writer_db, reader_db = (Database(make_engine(postgres_url)) for _ in range(2))
    upgrade(writer_db.engine)
    orgs.load_dataset(writer_db, loader.builtin_path(), actor=SYSTEM)
    writer_bus, reader_bus = EventBus(), EventBus()
    writer_db.bus = writer_bus
    writer, reader = PgRelay(postgres_url, writer_bus), PgRelay(postgres_url, reader_bus)
    for r in (writer, reader):
        r.start()

    def flood() -> int:
        return crises.open_crisis(writer_db, crises.CrisisIn(
            title="Flood", category="natural_disaster", affected=["KGZ"]), actor=SEC).id

    async def scenario() -> list[Event]:
        sub = reader_bus.subscribe({"crises"})
        loop = asyncio.get_running_loop()
        got = []
        await loop.run_in_executor(None, flood)
        got.append(await asyncio.wait_for(sub.queue.get(), 5))
        assert writer._pub is not None
        pid = writer._pub.info.backend_pid
        with reader_db.engine.connect() as conn:  # as a restart does to it
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            conn.commit()
        await loop.run_in_executor(None, flood)  # raises nothing once committed
        got.append(await asyncio.wait_for(sub.queue.get(), 10))
        sub.close()
        return got

    try:
        events = run_async(scenario)
    finally:
        for r in (writer, reader):
            r.stop()
        writer_db.dispose()
        reader_db.dispose()
    assert [(e.topic, e.kind) for e in events] == [("crises", "opened")] * 2
    assert events[0].data != events[1].data


@pytest.mark.postgres
def test_a_server_that_cannot_listen_says_which_setting_and_why(postgres_url: str) -> None:
    """Started with a database address it cannot use (a wrong password, nobody
    listening), the process stops naming the setting and the database's reason, not the
    password."""
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url).set(port=1, password="not-shown")
    relay = PgRelay(url.render_as_string(hide_password=False), EventBus())
    with pytest.raises(RuntimeError) as refused:
        relay.start(timeout=1.5)
    relay.stop()
    said = str(refused.value)
    assert said.startswith("PHALANX_DATABASE_URL: could not LISTEN on PostgreSQL at ")
    assert ":1/" in said and "failed" in said
    assert "not-shown" not in said


@pytest.mark.postgres
def test_a_stopping_process_wakes_its_listener_at_once(postgres_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`stop` notifies the listener's own channel, so a process (an app shutting down, a
    test's app) does not wait for the listener's next look at its connection: with that
    look a minute away, the listener has still ended when `stop` returns."""
    monkeypatch.setattr(PgRelay, "POLL", 60.0)
    relay = PgRelay(postgres_url, EventBus())
    relay.start()
    relay.stop()
    assert relay._thread is not None and not relay._thread.is_alive()
