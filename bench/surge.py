"""A crisis surge: 7 states x 50 users with the crisis board open (server-sent events),
while representatives report crises and agencies upload results, against two app
processes sharing live events through PostgreSQL LISTEN/NOTIFY. Reports page latency
(median, 99th percentile), write throughput, and the delay from a write to the event
on every open page; and the same page query from a bare Starlette endpoint in the same
run (the ratio is the figure). Targets: p99 page latency under 250 ms, events under 1 s.

    .venv/bin/python bench/surge.py [--users 50] [--seconds 30] [--pg URL]
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
from contextlib import ExitStack
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.durability import free_port  # noqa: E402
from phalanx.adapters.db.engine import make_engine  # noqa: E402
from phalanx.adapters.db.migrate import upgrade  # noqa: E402
from phalanx.dataset import loader  # noqa: E402
from phalanx.domain.access.principal import SYSTEM  # noqa: E402
from phalanx.services import demo, identity  # noqa: E402
from phalanx.services import organization as orgs  # noqa: E402
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


async def sse_listener(base: str, token: str, arrivals: dict[int, list[float]],
                       ready: asyncio.Event, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=None) as client:  # noqa: SIM117
        async with client.stream("GET", "/api/v1/events", params={"topic": "crises"},
                                 headers={"Authorization": f"Bearer {token}"}) as r:
            ready.set()
            async for line in r.aiter_lines():
                if stop.is_set():
                    return
                if line.startswith("data: "):
                    event = json.loads(line[6:])
                    if event.get("kind") == "opened":
                        arrivals.setdefault(event["data"]["id"], []).append(time.perf_counter())


async def page_reader(base: str, path: str, token: str | None, latencies: list[float],
                      stop: asyncio.Event, pause: float) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            r = await client.get(path, headers=headers)
            if r.status_code == 200:
                latencies.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(pause)


async def crisis_writer(base: str, token: str, sent: dict[int, float], stop: asyncio.Event,
                        n: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        i = 0
        while not stop.is_set():
            i += 1
            t0 = time.perf_counter()
            r = await client.post("/api/v1/crises", json={
                "title": f"surge {n}-{i}", "category": "natural_disaster", "affected": ["KGZ"]},
                headers={"Authorization": f"Bearer {token}"})
            if r.status_code == 201:
                sent[r.json()["id"]] = t0
            await asyncio.sleep(0.5)


async def report_writer(base: str, token: str, counter: list[int], stop: asyncio.Event,
                        n: int) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        i = 0
        while not stop.is_set():
            i += 1
            rows = [{"reference": f"S-{n}-{i}-{k}", "date": "2026-03-10",
                     "stage": "spring-2026", "metric": "seizure", "substance": "heroin",
                     "quantity": "1", "unit": "kg", "area": "Aktau"} for k in range(50)]
            r = await client.post("/api/v1/operations/channel/reports", json={
                "state": "KAZ", "agency": "customs", "rows": rows},
                headers={"Authorization": f"Bearer {token}"})
            if r.status_code == 200:
                counter[0] += r.json()["stored"]
            await asyncio.sleep(0.2)


async def surge(bases: list[str], bare: str, tokens: dict[str, str], users: int,
                seconds: float) -> None:
    stop = asyncio.Event()
    arrivals: dict[int, list[float]] = {}
    sent: dict[int, float] = {}
    page_ms: list[float] = []
    bare_ms: list[float] = []
    stored = [0]
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
    tasks = [asyncio.create_task(page_reader(bases[k % len(bases)], "/api/v1/crises",
                                             tokens["rep-kaz"], page_ms, stop, 0.05))
             for k in range(20)]
    tasks += [asyncio.create_task(page_reader(bare, "/board", None, bare_ms, stop, 0.05))
              for _ in range(20)]
    tasks += [asyncio.create_task(crisis_writer(bases[k % len(bases)], tokens["secretariat"],
                                                sent, stop, k)) for k in range(2)]
    tasks += [asyncio.create_task(report_writer(bases[k % len(bases)], tokens["reporter-kaz"],
                                                stored, stop, k)) for k in range(2)]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.sleep(2)  # let the last events arrive
    for task in [*tasks, *listeners]:
        task.cancel()
    await asyncio.gather(*tasks, *listeners, return_exceptions=True)

    delays = [(a - sent[cid]) * 1000 for cid, times in arrivals.items() if cid in sent
              for a in times]
    expected = len(sent) * len(listeners)
    print(f"writes: {len(sent)} crises opened, {stored[0]:,} report rows stored "
          f"({stored[0] / seconds:,.0f} rows/s) in {seconds:.0f} s")
    print(f"page /api/v1/crises:  {len(page_ms):>6} requests, median {pct(page_ms, .5):6.1f} ms, "
          f"p99 {pct(page_ms, .99):6.1f} ms  (target p99 < 250 ms)")
    print(f"bare Starlette board: {len(bare_ms):>6} requests, median {pct(bare_ms, .5):6.1f} ms, "
          f"p99 {pct(bare_ms, .99):6.1f} ms")
    if bare_ms and page_ms:
        print(f"ratio phalanx / bare: median {pct(page_ms, .5) / pct(bare_ms, .5):.2f}x, "
              f"p99 {pct(page_ms, .99) / pct(bare_ms, .99):.2f}x")
    print(f"event delivery: {len(delays)} of {expected} deliveries, median "
          f"{statistics.median(delays) if delays else float('nan'):.0f} ms, p99 "
          f"{pct(delays, .99):.0f} ms, max {max(delays) if delays else float('nan'):.0f} ms "
          "(target < 1 s)")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=50, help="users per state")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--pg", default="")
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
        tokens = {u: identity.issue_token(db, u, actor=SYSTEM).token
                  for u in ["secretariat", "reporter-kaz", *[f"rep-{s.lower()}" for s in STATES]]}
        db.dispose()
        env = {**os.environ, "PHALANX_DATABASE_URL": url, "PHALANX_ENVIRONMENT": "test",
               "PHALANX_AUDIT_KEY_FILE": f"{tmp}/audit.key",
               "BARE_DSN": url.replace("postgresql+psycopg://", "postgresql://")}
        (Path(tmp) / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
        procs, bases = [], []
        for module, cwd in (("phalanx.asgi:app", None), ("phalanx.asgi:app", None),
                            ("bare_app:app", tmp)):
            port = free_port()
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port",
                 str(port), "--log-level", "warning", "--no-access-log"], env=env, cwd=cwd,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
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
            asyncio.run(surge(bases[:2], bases[2], tokens, args.users, args.seconds))
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)


if __name__ == "__main__":
    main()
