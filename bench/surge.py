"""A crisis surge: 7 states x 50 users with the crisis board open (server-sent events),
while the secretariat opens crises and closes older ones, representatives state positions
on a draft and agencies upload results, against two app
processes sharing live events through PostgreSQL LISTEN/NOTIFY. Reports page latency
(median, 99th percentile), write throughput, and the delay from a write to the event
on every open page; and the same page query from a bare Starlette endpoint in the same
run (the ratio is the figure). Targets: p99 page latency under 250 ms, events under 1 s.
The page readers ask Phalanx in the first half of the run and the bare endpoint in the
second, with the same surge going on throughout.
The load generator is one asyncio process with a lean HTTP/1.1 client (the same for
Phalanx and the bare endpoint), so that it takes as little of the machine as it can.

    .venv/bin/python bench/surge.py [--users 50] [--seconds 30] [--pg URL] [--logs DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.durability import free_port  # noqa: E402
from phalanx.adapters.db.engine import make_engine  # noqa: E402
from phalanx.adapters.db.migrate import upgrade  # noqa: E402
from phalanx.dataset import loader  # noqa: E402
from phalanx.domain.access.principal import SYSTEM, Principal, Role  # noqa: E402
from phalanx.services import decisions as dec  # noqa: E402
from phalanx.services import demo  # noqa: E402
from phalanx.services import organization as orgs  # noqa: E402
from phalanx.services import tokens as api_tokens  # noqa: E402
from phalanx.services.db import Database  # noqa: E402

STATES = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]

BARE_APP = '''
import os, psycopg, json
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
DSN = os.environ["BARE_DSN"]
SQL = ("SELECT id, title, category, stage, severity FROM crisis WHERE stage NOT IN "
       "('closed', 'no_action', 'rejected') AND (marking IN ('PUBLIC', 'ORGANIZATION') "
       "OR (owner_kind = 'state' AND owner = 'KAZ')) ORDER BY id")
async def board(request):
    async with await psycopg.AsyncConnection.connect(DSN) as conn:
        rows = await (await conn.execute(SQL)).fetchall()
    return Response(json.dumps([list(r) for r in rows]), media_type="application/json")
app = Starlette(routes=[Route("/board", board)])
'''


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class Http:
    """A lean HTTP/1.1 client on one keep-alive connection (asyncio streams): the load
    generator shares the two cores with the servers, so it must cost little. The same
    client drives Phalanx and the bare endpoint."""

    def __init__(self, base: str) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _send(self, method: str, path: str, headers: dict[str, str],
                    body: bytes) -> asyncio.StreamReader:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        assert self.reader is not None
        return self.reader

    @staticmethod
    async def _head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
        status = int((await reader.readline()).split()[1])
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers

    async def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                      json_body: object = None) -> tuple[int, bytes]:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        hdrs = {**(headers or {}), **({"Content-Type": "application/json"} if body else {})}
        reader = await self._send(method, path, hdrs, body)
        status, head = await self._head(reader)
        if head.get("transfer-encoding") == "chunked":
            data = b"".join([chunk async for chunk in self._chunks(reader)])
        else:
            data = await reader.readexactly(int(head.get("content-length", "0")))
        if head.get("connection") == "close":
            await self.close()
        return status, data

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
        while size := int((await reader.readline()).strip() or b"0", 16):
            yield (await reader.readexactly(size + 2))[:-2]
        await reader.readline()

    async def stream_lines(self, path: str, headers: dict[str, str]) -> AsyncIterator[str]:
        """The lines of a streamed (chunked) answer, e.g. server-sent events."""
        reader = await self._send("GET", path, headers, b"")
        status, head = await self._head(reader)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        pending = b""
        async for chunk in (self._chunks(reader) if head.get("transfer-encoding") == "chunked"
                            else _raw(reader)):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.decode()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _raw(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while data := await reader.read(65536):
        yield data


async def sse_listener(base: str, token: str, arrivals: dict[int, list[float]],
                       ready: asyncio.Event, stop: asyncio.Event) -> None:
    client = Http(base)
    try:
        async for line in client.stream_lines("/api/v1/events?topic=crises",
                                              {"Authorization": f"Bearer {token}"}):
            if line.startswith(": connected"):
                ready.set()
            elif line.startswith("data: "):
                event = json.loads(line[6:])
                if event.get("kind") == "opened":
                    arrivals.setdefault(event["data"]["id"], []).append(time.perf_counter())
    finally:  # runs until cancelled, after the last writes have had time to arrive
        await client.close()


async def page_reader(base: str, path: str, token: str | None, latencies: list[float],
                      stop: asyncio.Event, pause: float) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Http(base)
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            status, _ = await client.request("GET", path, headers)
            if status == 200:
                latencies.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(pause)
    finally:
        await client.close()


async def crisis_writer(base: str, token: str, sent: dict[int, float], stop: asyncio.Event,
                        n: int, write_ms: list[float], moved: list[int]) -> None:
    """The secretariat opening crises and closing the oldest as duplicates of an earlier
    report (a stage change every page follows too), so that the board holds a few open
    crises as it would in a surge, not an ever longer list."""
    client = Http(base)
    auth = {"Authorization": f"Bearer {token}"}
    open_: list[int] = []
    i = 0
    try:
        while not stop.is_set():
            i += 1
            t0 = time.perf_counter()
            status, body = await client.request("POST", "/api/v1/crises", auth, {
                "title": f"surge {n}-{i}", "category": "natural_disaster", "affected": ["KGZ"]})
            if status == 201:
                sent[json.loads(body)["id"]] = t0
                write_ms.append((time.perf_counter() - t0) * 1000)
                open_.append(json.loads(body)["id"])
            if len(open_) > 3:  # the oldest is closed
                status, _ = await client.request(
                    "POST", f"/api/v1/crises/{open_.pop(0)}/transition", auth,
                    {"to": "rejected", "reason": "surge: a duplicate of an earlier report"})
                if status == 200:
                    moved[0] += 1
            await asyncio.sleep(0.5)
    finally:
        await client.close()


async def position_writer(base: str, token: str, draft_id: int, counter: list[int],
                          stop: asyncio.Event, n: int) -> None:
    """A representative stating (and restating) the state's position on the draft."""
    client = Http(base)
    choices = ["support", "no_objection", "abstain"]
    i = 0
    try:
        while not stop.is_set():
            i += 1
            status, _ = await client.request(
                "POST", f"/api/v1/drafts/{draft_id}/positions",
                {"Authorization": f"Bearer {token}"}, {"position": choices[(n + i) % 3]})
            if status == 200:
                counter[0] += 1
            await asyncio.sleep(2.0)
    finally:
        await client.close()


async def report_writer(base: str, token: str, counter: list[int], stop: asyncio.Event,
                        n: int) -> None:
    client = Http(base)
    i = 0
    try:
        while not stop.is_set():
            i += 1
            rows = [{"reference": f"S-{n}-{i}-{k}", "date": "2026-03-10",
                     "stage": "spring-2026", "metric": "seizure", "substance": "heroin",
                     "quantity": "1", "unit": "kg", "area": "Aktau"} for k in range(50)]
            status, body = await client.request(
                "POST", "/api/v1/operations/channel/reports",
                {"Authorization": f"Bearer {token}"},
                {"state": "KAZ", "agency": "customs", "rows": rows})
            if status == 200:
                counter[0] += json.loads(body)["stored"]
            await asyncio.sleep(0.2)
    finally:
        await client.close()


async def surge(bases: list[str], bare: str, tokens: dict[str, str], draft_id: int,
                users: int, seconds: float) -> None:
    stop = asyncio.Event()
    arrivals: dict[int, list[float]] = {}
    sent: dict[int, float] = {}
    page_ms: list[float] = []
    bare_ms: list[float] = []
    write_ms: list[float] = []
    stored = [0]
    stated = [0]
    listeners = []
    readies = []
    for i in range(len(STATES) * users):
        ready = asyncio.Event()
        readies.append(ready)
        token = tokens[f"rep-{STATES[i % len(STATES)].lower()}"]
        listeners.append(asyncio.create_task(
            sse_listener(bases[i % len(bases)], token, arrivals, ready, stop)))
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 60)
    print(f"{len(listeners)} pages following the crisis board over SSE "
          f"({len(bases)} app processes)")
    # the writers and the open pages run throughout; the page readers ask Phalanx in the
    # first half and the bare endpoint in the second, under the same surge (asking both at
    # once would make each compete with the other's readers)
    moved = [0]
    tasks = [asyncio.create_task(crisis_writer(bases[k % len(bases)], tokens["secretariat"],
                                               sent, stop, k, write_ms, moved))
             for k in range(2)]
    tasks += [asyncio.create_task(report_writer(bases[k % len(bases)], tokens["reporter-kaz"],
                                                stored, stop, k)) for k in range(2)]
    tasks += [asyncio.create_task(position_writer(
        bases[k % len(bases)], tokens[f"rep-{state.lower()}"], draft_id, stated, stop, k))
        for k, state in enumerate(STATES)]
    half = asyncio.Event()
    readers = [asyncio.create_task(page_reader(bases[k % len(bases)], "/api/v1/crises",
                                               tokens["rep-kaz"], page_ms, half, 0.05))
               for k in range(20)]
    await asyncio.sleep(seconds / 2)
    half.set()
    await asyncio.gather(*readers, return_exceptions=True)
    paged = dict(sent)  # the writes made while the pages were read from Phalanx
    readers = [asyncio.create_task(page_reader(bare, "/board", None, bare_ms, stop, 0.05))
               for _ in range(20)]
    await asyncio.sleep(seconds / 2)
    stop.set()
    await asyncio.sleep(2)  # let the last events arrive
    for task in [*tasks, *readers, *listeners]:
        task.cancel()
    await asyncio.gather(*tasks, *readers, *listeners, return_exceptions=True)

    delays = [(a - sent[cid]) * 1000 for cid, times in arrivals.items() if cid in sent
              for a in times]
    busy = [(a - paged[cid]) * 1000 for cid, times in arrivals.items() if cid in paged
            for a in times]
    expected = len(sent) * len(listeners)
    print(f"writes: {len(sent)} crises opened, {moved[0]} closed, {stated[0]} positions "
          f"stated, {stored[0]:,} "
          f"report rows stored ({stored[0] / seconds:,.0f} rows/s) in {seconds:.0f} s")
    print(f"page /api/v1/crises:  {len(page_ms):>6} requests, median {pct(page_ms, .5):6.1f} ms, "
          f"p99 {pct(page_ms, .99):6.1f} ms  (target p99 < 250 ms)")
    print(f"bare Starlette board: {len(bare_ms):>6} requests, median {pct(bare_ms, .5):6.1f} ms, "
          f"p99 {pct(bare_ms, .99):6.1f} ms")
    if bare_ms and page_ms:
        print(f"ratio phalanx / bare: median {pct(page_ms, .5) / pct(bare_ms, .5):.2f}x, "
              f"p99 {pct(page_ms, .99) / pct(bare_ms, .99):.2f}x")
    print(f"opening a crisis (POST, where the event starts): median {pct(write_ms, .5):.0f} ms, "
          f"p99 {pct(write_ms, .99):.0f} ms")
    print(f"event delivery: {len(delays)} of {expected} deliveries, median "
          f"{statistics.median(delays) if delays else float('nan'):.0f} ms, p99 "
          f"{pct(delays, .99):.0f} ms, max {max(delays) if delays else float('nan'):.0f} ms "
          "(target < 1 s)")
    print(f"  while pages were read from Phalanx: {len(busy)} deliveries, p99 "
          f"{pct(busy, .99):.0f} ms, max {max(busy) if busy else float('nan'):.0f} ms")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=50, help="users per state")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--pg", default="")
    p.add_argument("--logs", default="", help="a directory for the app processes' JSON "
                   "logs (each request's time inside the app, for diagnosis)")
    args = p.parse_args()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        url = args.pg
        if not url:
            from tests.support.postgres import throwaway_cluster

            url = stack.enter_context(throwaway_cluster())
        db = Database(make_engine(url))
        upgrade(db.engine)
        orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
        demo.ensure_demo_accounts(db, actor=SYSTEM)
        sec = Principal("secretariat", Role.SECRETARIAT)  # a session with a draft before it
        m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=datetime.now(UTC)), actor=sec)
        for a in m.attendance:
            dec.record_attendance(db, m.id, a.state, True, actor=sec)
        draft = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id, title="Surge",
                                                  text_en="x"), actor=sec)
        tokens = {u: api_tokens.issue_token(db, u, actor=SYSTEM).token
                  for u in ["secretariat", "reporter-kaz", *[f"rep-{s.lower()}" for s in STATES]]}
        db.dispose()
        env = {**os.environ, "PHALANX_DATABASE_URL": url, "PHALANX_ENVIRONMENT": "test",
               "PHALANX_AUDIT_KEY_FILE": f"{tmp}/audit.key",
               "BARE_DSN": url.replace("postgresql+psycopg://", "postgresql://")}
        (Path(tmp) / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        procs, bases = [], []
        for n, (module, cwd) in enumerate((("phalanx.asgi:app", None),
                                           ("phalanx.asgi:app", None), ("bare_app:app", tmp))):
            port = free_port()
            log = (Path(args.logs) / f"app-{n}.log").open("wb") if args.logs \
                else subprocess.DEVNULL
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port",
                 str(port), "--log-level", "warning", "--no-access-log"], env=env, cwd=cwd,
                stdout=subprocess.DEVNULL, stderr=log))
            bases.append(f"http://127.0.0.1:{port}")
        try:
            for base in bases:
                for _ in range(300):
                    try:
                        httpx.get(base + ("/board" if base == bases[2] else "/healthz"),
                                  timeout=1)
                        break
                    except httpx.HTTPError:
                        time.sleep(0.1)
            run = surge(bases[:2], bases[2], tokens, draft.id, args.users, args.seconds)
            try:  # the generator's own loop as cheap as the servers' (uvicorn uses uvloop)
                import uvloop

                uvloop.run(run)
            except ImportError:
                asyncio.run(run)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)


if __name__ == "__main__":
    main()
