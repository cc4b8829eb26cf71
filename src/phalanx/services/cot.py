"""The Cursor-on-Target feed of the common operational picture for TAK clients: on
connection, every unit, base and open crisis the feed's user may see; then the same
again every `interval` seconds, so that a client's picture follows the registry and the
crises. XML over TCP, one <event> after another."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

from phalanx.adapters import cot
from phalanx.domain.access.principal import Principal
from phalanx.services import forces
from phalanx.services.db import Database

STALE = timedelta(minutes=10)
BASE_SIDC = "SFGPIBA---H----"


def snapshot(db: Database, *, actor: Principal, at: datetime | None = None) -> list[bytes]:
    """The picture as CoT events."""
    at = at or datetime.now(UTC)
    with db.read() as conn:
        pic = forces.picture(conn, actor=actor)
    out = [cot.event(f"phalanx.unit.{u['key']}", u["sidc"], u["lat"], u["lon"],
                     u["name"], at, STALE,
                     f"{u['state']} · {u['capability']} · {u['strength']} · ready in "
                     f"{u['readiness_h']:g} h")
           for u in pic["units"] if not u["withdrawn"]]
    if pic["units"]:  # bases only for those who see the registry
        out += [cot.event(f"phalanx.base.{b['key']}", BASE_SIDC, b["lat"], b["lon"],
                          b["name"], at, STALE, b["kind"])
                for b in pic["bases"] if b["kind"] != "node"]
    out += [cot.event(f"phalanx.crisis.{c['id']}", c["sidc"], c["lat"], c["lon"],
                      c["title"], at, STALE, f"{c['category']} · {c['stage']} · "
                      f"{c['severity']}")
            for c in pic["crises"]]
    return out


async def serve(db: Database, host: str, port: int, *, actor: Principal,
                interval: float = 30.0, started: asyncio.Event | None = None,
                bound: list[int] | None = None) -> None:
    """Serve the feed until cancelled (its clients' connections are closed then)."""
    clients: set[asyncio.Task[None]] = set()

    async def feed(writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                events = await asyncio.to_thread(snapshot, db, actor=actor)
                for e in events:
                    writer.write(e)
                await writer.drain()
                await asyncio.sleep(interval)
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def client(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        clients.add(task)
        try:
            await feed(writer)
        finally:
            clients.discard(task)

    server = await asyncio.start_server(client, host, port)
    if bound is not None:
        bound.append(server.sockets[0].getsockname()[1])
    if started is not None:
        started.set()
    try:
        async with server:
            await server.serve_forever()
    finally:
        for task in list(clients):
            task.cancel()
        for task in list(clients):
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await task
