"""Kill the server with SIGKILL in the middle of writes, restart it, and check that
every write that got a success answer is there and that the audit chain verifies —
many times over. Writes: positions on a draft, crisis transitions, result reports.

    .venv/bin/python bench/durability.py [--cycles 25] [--url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from phalanx.adapters.db import access, audit_store
from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.audit import verify
from phalanx.services import audit, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database

STATES = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


@dataclass
class Acked:
    positions: list[tuple[str, str]] = field(default_factory=list)  # (state, position)
    reports: list[str] = field(default_factory=list)  # references
    crises: list[int] = field(default_factory=list)  # crisis ids opened


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(env: dict[str, str], port: int, *, gunicorn: bool = False,
          stderr: Any = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    """One application process on 127.0.0.1:`port`: uvicorn, or gunicorn with one uvicorn
    worker as docs/deploy.md runs it."""
    if gunicorn:
        cmd = [sys.executable, "-m", "gunicorn", "phalanx.asgi:app", "-k",
               "uvicorn_worker.UvicornWorker", "-w", "1", "-b", f"127.0.0.1:{port}",
               "--graceful-timeout", "30"]
    else:
        cmd = [sys.executable, "-m", "uvicorn", "phalanx.asgi:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    """Until GET /readyz answers 200; the server is killed if it never does (a loaded
    machine takes its time to start gunicorn and import the app)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the server did not become ready")
        time.sleep(0.1)


def prepare(url: str, key: Path) -> tuple[Database, dict[str, str], int]:
    db = Database(make_engine(url))
    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    sec = Principal("secretariat", Role.SECRETARIAT)
    m = dec.convene(db, dec.MeetingIn(body="csc", opens_at=datetime.now(UTC)), actor=sec)
    for a in m.attendance:
        dec.record_attendance(db, m.id, a.state, True, actor=sec)
    d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=m.id, title="Durability",
                                          text_en="x"), actor=sec)
    tokens = {u: api_tokens.issue_token(db, u, actor=SYSTEM).token
              for u in ["secretariat", "reporter-kaz", *[f"rep-{s.lower()}" for s in STATES]]}
    audit.signing_key(key)
    return db, tokens, d.id


def writer(base: str, tokens: dict[str, str], draft_id: int, acked: Acked, n: int,
           stop: threading.Event) -> None:
    rng = random.Random(n)
    with httpx.Client(base_url=base, timeout=5) as client:
        i = 0
        while not stop.is_set():
            i += 1
            kind = rng.random()
            try:
                if kind < 0.5:
                    state = rng.choice(STATES)
                    pos = rng.choice(["support", "no_objection", "abstain"])
                    token = tokens[f"rep-{state.lower()}"]
                    r = client.post(f"/api/v1/drafts/{draft_id}/positions",
                                    json={"position": pos},
                                    headers={"Authorization": f"Bearer {token}"})
                    if r.status_code == 200:
                        acked.positions.append((state, pos))
                elif kind < 0.85:
                    ref = f"D-{n}-{i}"
                    r = client.post("/api/v1/operations/channel/reports", json={
                        "state": "KAZ", "agency": "customs", "rows": [{
                            "reference": ref, "date": "2026-03-10", "stage": "spring-2026",
                            "metric": "seizure", "substance": "heroin", "quantity": "1",
                            "unit": "kg", "area": "Aktau"}]},
                        headers={"Authorization": f"Bearer {tokens['reporter-kaz']}"})
                    if r.status_code == 200 and r.json()["stored"] == 1:
                        acked.reports.append(ref)
                else:
                    r = client.post("/api/v1/crises", json={
                        "title": f"durability {n}-{i}", "category": "natural_disaster",
                        "affected": ["KGZ"]},
                        headers={"Authorization": f"Bearer {tokens['secretariat']}"})
                    if r.status_code == 201:
                        acked.crises.append(r.json()["id"])
            except httpx.HTTPError:
                return  # the server is gone


def check(db: Database, acked: Acked, draft_id: int, key: Path) -> tuple[int, list[str]]:
    problems = []
    with db.read() as conn:
        entries = list(audit_store.entries(conn))
        stated = {(e.acting_for, e.change) for e in entries if e.action == "position.state"}
        refs = {r for (r,) in conn.execute(select(t.op_report.c.reference))}
        crisis_ids = {r for (r,) in conn.execute(
            access.select_visible(t.crisis, SYSTEM, t.crisis.c.id))}
        checkpoints = audit_store.checkpoints(conn)
    for state, pos in acked.positions:
        if not any(s == state and f'"position":"{pos}"' in change for s, change in stated):
            problems.append(f"acknowledged position {state} {pos} is missing")
    problems += [f"acknowledged report {r} is missing" for r in acked.reports if r not in refs]
    problems += [f"acknowledged crisis {c} is missing" for c in acked.crises
                 if c not in crisis_ids]
    sk = audit.signing_key(key, create=False)
    verdict = verify(entries, checkpoints, sk.check if sk else (lambda _c: True))
    if not verdict.ok:
        problems.append(f"audit chain broken at {verdict.first_bad}: {verdict.reason}")
    return len(entries), problems


def run(cycles: int, url: str, workdir: Path, quiet: bool = False) -> dict[str, int]:
    key = workdir / "audit.key"
    db, tokens, draft_id = prepare(url, key)
    env = {**os.environ, "PHALANX_DATABASE_URL": url, "PHALANX_AUDIT_KEY_FILE": str(key),
           "PHALANX_ENVIRONMENT": "test"}
    acked = Acked()
    rng = random.Random(1)
    totals = {"cycles": 0, "acknowledged": 0, "lost": 0}
    for cycle in range(cycles):
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        stop = threading.Event()
        before = len(acked.positions) + len(acked.reports) + len(acked.crises)
        threads = [threading.Thread(target=writer, args=(base, tokens, draft_id, acked,
                                                         cycle * 10 + k, stop))
                   for k in range(3)]
        for th in threads:
            th.start()
        # the clock starts at the first acknowledged write, so that a slow first request
        # (a loaded machine, a cold cache) does not leave a cycle with no write at all
        deadline = time.monotonic() + 30
        while (len(acked.positions) + len(acked.reports) + len(acked.crises) == before
               and time.monotonic() < deadline):
            time.sleep(0.02)
        time.sleep(rng.uniform(0.3, 1.5))
        server.send_signal(signal.SIGKILL)  # in the middle of the writes
        server.wait()
        stop.set()
        for th in threads:
            th.join()
        entries, problems = check(db, acked, draft_id, key)
        done = len(acked.positions) + len(acked.reports) + len(acked.crises)
        totals["cycles"] += 1
        totals["acknowledged"] = done
        totals["lost"] += len(problems)
        if not quiet:
            print(f"cycle {cycle + 1:>3}: killed after {done - before:>4} acknowledged writes; "
                  f"{entries} audit entries; {'OK' if not problems else problems[:3]}")
    db.dispose()
    return totals


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cycles", type=int, default=25)
    p.add_argument("--url", default="")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/durability.db"
        totals = run(args.cycles, url, Path(tmp))
    print(f"{totals['cycles']} kills, {totals['acknowledged']} acknowledged writes, "
          f"{totals['lost']} lost or broken")
    sys.exit(1 if totals["lost"] else 0)


if __name__ == "__main__":
    main()
