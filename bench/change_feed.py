"""The change feed (`/api/v1/changes`) on a big trail: N entries (default 100,000) over a
year, about M documents (default 20,000), read by a member state's representative whose
appointment ended in the middle of the trail (its reading narrows there: everything of
the member states it read is said `gone` at that entry).

Printed: calls per second of a steady poll from the head (a member state's system, and
the one whose reading narrowed), the time of the call that crosses the narrowing and of
paging through all it says, and the slowest call a client can make by choosing its cursor
and kinds. On SQLite, and on PostgreSQL (a throwaway cluster on 127.0.0.1 when its server
binaries are installed, or --pg URL).

    .venv/bin/python bench/change_feed.py [--entries 100000] [--records 20000] [--pg URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]  # this checkout's code

from phalanx.adapters.db import access_readers  # noqa: E402
from phalanx.adapters.db import tables as t  # noqa: E402
from phalanx.adapters.db.engine import make_engine  # noqa: E402
from phalanx.adapters.db.migrate import upgrade  # noqa: E402
from phalanx.dataset import loader  # noqa: E402
from phalanx.domain.access.principal import SYSTEM, Principal, Role  # noqa: E402
from phalanx.services import changes  # noqa: E402
from phalanx.services import organization as orgs  # noqa: E402
from phalanx.services.db import Database  # noqa: E402

STATES = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")
MARKINGS = ("ORGANIZATION", "ORGANIZATION", "ORGANIZATION", "PUBLIC", "NATIONAL")


def build(url: str, entries: int, records: int) -> tuple[Database, date, int]:
    """The database: the built-in dataset, then `records` documents and `entries` entries
    in all (each document created, then changed, with logins between), one a few minutes
    apart over a year up to now. Returns it, the day the representative's appointment
    ended (the trail's middle) and the first entry of that day."""
    db = Database(make_engine(url))
    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    with db.engine.begin() as conn:
        first = int(conn.execute(select(func.max(t.audit_log.c.id))).scalar() or 0) + 1
    start = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / entries
    ended = (start + step * (entries // 2)).date()
    docs: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    made = 0
    for n in range(entries):
        eid, at = first + n, start + step * n
        if n % max(1, entries // records) == 0 and made < records:
            made += 1
            owner = STATES[made % len(STATES)]
            docs.append({"id": made, "title": f"Report {made}", "kind": "report", "body": "",
                         "language": "en", "created_at": at, "created_by": "bench",
                         "updated_at": at, "version": 1, "owner_kind": "state",
                         "owner": owner, "marking": MARKINGS[made % len(MARKINGS)],
                         "participants": "", "observers": False})
            action, kind, target = "document.create", "document", str(made)
        elif n % 3 == 0 and made:
            action, kind, target = "document.update", "document", str(1 + (n * 7919) % made)
        else:
            action, kind, target = "user.login", "user", "1"
        rows.append({"id": eid, "at": at.isoformat(timespec="microseconds"),
                     "actor": "bench", "role": "secretariat", "acting_for": None,
                     "action": action, "target_kind": kind, "target_id": target,
                     "change": "{}", "prev_hash": f"{eid - 1:064x}", "hash": f"{eid:064x}"})
    with db.engine.begin() as conn:
        for i in range(0, len(docs), 5000):
            conn.execute(insert(t.document), docs[i:i + 5000])
        for i in range(0, len(rows), 5000):
            conn.execute(insert(t.audit_log), rows[i:i + 5000])
    with db.engine.begin() as conn:  # where the reader's reading narrows
        (shift,) = access_readers.phases(conn, changes.readings(conn, reader(ended)))[1]
    return db, ended, shift


def reader(ended: date) -> Principal:
    """A member state's representative whose appointment ended on `ended`."""
    return Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ", acts_until=ended)


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return times


def measure(db: Database, ended: date, shift: int, label: str) -> None:
    member = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")
    former = reader(ended)
    with db.engine.connect() as conn:
        head = changes.position(conn, actor=member)
        print(f"{label}: cursor at the head {head}, narrowing at entry {shift}")
        for who, p in (("member state", member), ("appointment ended", former)):
            at = changes.position(conn, actor=p)
            times = timed(lambda p=p, at=at: changes.feed(conn, actor=p, after=at,
                                                           limit=100), 20)
            print(f"  steady poll ({who}):{1 / statistics.median(times):10.1f} calls/s "
                  f"(median {statistics.median(times) * 1000:.1f} ms)")
        t0 = time.perf_counter()
        items, cursor = changes.feed(conn, actor=former, after=shift - 1, limit=100)
        first = time.perf_counter() - t0
        pages, said = 1, len(items)
        while items:
            items, cursor = changes.feed(conn, actor=former, after=cursor, limit=100)
            pages, said = pages + 1, said + len(items)
        whole = time.perf_counter() - t0
        print(f"  crossing the narrowing:  first page {first * 1000:.0f} ms; "
              f"all {said} changes in {pages} pages {whole:.2f} s")
        worst = 0.0
        for after in (0, shift - 1, shift // 2, head):
            for kinds in (changes.KINDS, ("document",), ("op_report",), ("session",)):
                (took,) = timed(lambda a=after, k=kinds: changes.feed(
                    conn, actor=former, after=a, limit=1000, kinds=k), 1)
                worst = max(worst, took)
        print(f"  slowest call of any cursor and kinds: {worst * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--pg", help="a PostgreSQL database URL (empty: no PostgreSQL)")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        db, ended, shift = build(f"sqlite:///{tmp}/feed.db", args.entries, args.records)
        print(f"SQLite: {args.entries:,} entries, {args.records:,} documents built in "
              f"{time.perf_counter() - t0:.1f} s")
        measure(db, ended, shift, "SQLite")
        db.engine.dispose()
    if args.no_pg:
        return
    if args.pg:
        db, ended, shift = build(args.pg, args.entries, args.records)
        measure(db, ended, shift, "PostgreSQL")
        return
    from tests.support.postgres import NoServer, throwaway_cluster

    with suppress(NoServer), throwaway_cluster() as url:
        db, ended, shift = build(url, args.entries, args.records)
        measure(db, ended, shift, "PostgreSQL")
        db.engine.dispose()


if __name__ == "__main__":
    main()
