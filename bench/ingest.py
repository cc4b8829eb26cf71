"""Ingest N result rows from a CSV file (default 1,000,000) through Phalanx — every row
checked, idempotent by reference, audited as one batch, in one transaction — and load
the same file into the same database with a bare INSERT of the parsed rows, in the same
run. Then the same reports corrected (every quantity changed: a new version each), and that
file sent once more (every report as it stands: none stored). Prints rows per second,
the ratio (target: under 3x the bare load) and peak memory.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--url sqlite:///var/bench.db]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.adapters.ingest import read_file
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.operation_store import insert_sql

COLUMNS = ["reference", "date", "stage", "metric", "substance", "quantity", "unit", "area",
           "route_from", "route_to"]


def make_csv(path: Path, rows: int, seed: int = 7, factor: float = 1.0) -> None:
    """`rows` seizures; with `factor`, the same ones with every quantity multiplied (a
    file of corrections)."""
    rng = random.Random(seed)
    substances = ["heroin", "hashish", "opium", "cannabis", "cocaine", "precursors"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for i in range(rows):
            quantity = rng.uniform(0.1, 500) * factor
            w.writerow([f"B-{i:08d}", f"2026-03-{rng.randint(1, 31):02d}", "spring-2026",
                        "seizure", rng.choice(substances), f"{quantity:.2f}", "kg",
                        "Khorog", "AFG", "TJK"])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--url", default="")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{tmp}/bench.db"
        db = Database(make_engine(url))
        upgrade(db.engine)
        orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
        src = Path(tmp) / "results.csv"
        t0 = time.perf_counter()
        make_csv(src, args.rows)
        print(f"generated {args.rows:,} rows ({src.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t0:.1f} s")

        # the bare load: the same rows into the same table with the same indexes, by the
        # same driver executemany, with no checks, no idempotence and no audit
        sql = insert_sql(db.engine.dialect.name)
        t0 = time.perf_counter()
        with db.engine.begin() as conn, src.open(newline="", encoding="utf-8") as fh:
            batch_id = conn.execute(t.op_batch.insert().values(
                operation="bare", state_code="TJK", agency="drug_control", source="bare",
                rows=0, stored=0, replaced=0, errors=[], created_by="bench",
                created_at=datetime.now(UTC)).returning(t.op_batch.c.id)).scalar_one()
            reader = csv.reader(fh)
            next(reader)
            batch: list[tuple[object, ...]] = []
            for ref, day, stage, metric, subst, qty, unit, area, r_from, r_to in reader:
                batch.append((batch_id, "bare", stage, "TJK", "drug_control", ref, 1, True, day,
                              metric, subst, float(qty), unit, area, None, None, r_from, r_to,
                              False, "state", "TJK", "NATIONAL", "", False))
                if len(batch) == ops.CHUNK:
                    conn.exec_driver_sql(sql, batch)
                    batch.clear()
            if batch:
                conn.exec_driver_sql(sql, batch)
        bare_s = time.perf_counter() - t0
        mem_before = peak_mb()

        t0 = time.perf_counter()
        result = ops.ingest(db, "channel", "TJK", "drug_control", read_file(src), actor=SYSTEM,
                            source=src.name)
        phalanx_s = time.perf_counter() - t0
        assert result.stored == args.rows and not result.errors, result.as_dict()
        fixed = Path(tmp) / "corrections.csv"
        make_csv(fixed, args.rows, factor=1.1)
        t0 = time.perf_counter()
        again = ops.ingest(db, "channel", "TJK", "drug_control", read_file(fixed),
                           actor=SYSTEM, source=fixed.name)
        resubmit_s = time.perf_counter() - t0
        assert again.replaced == args.rows, again.as_dict()
        t0 = time.perf_counter()
        same = ops.ingest(db, "channel", "TJK", "drug_control", read_file(fixed),
                          actor=SYSTEM, source=fixed.name)
        resend_s = time.perf_counter() - t0
        assert same.unchanged == args.rows and same.stored == 0, same.as_dict()
        print(f"database: {db.engine.dialect.name}")
        print(f"bare load:               {args.rows / bare_s:>10,.0f} rows/s ({bare_s:.1f} s)")
        print(f"phalanx ingest:          {args.rows / phalanx_s:>10,.0f} rows/s "
              f"({phalanx_s:.1f} s)")
        print(f"phalanx resubmission:    {args.rows / resubmit_s:>10,.0f} rows/s "
              f"({resubmit_s:.1f} s, every row replacing its earlier version)")
        print(f"phalanx resend:          {args.rows / resend_s:>10,.0f} rows/s "
              f"({resend_s:.1f} s, every row as it stood: no new version)")
        print(f"ratio ingest / bare:     {phalanx_s / bare_s:.2f}x  (target < 3x)")
        print(f"peak memory: {mem_before:.0f} MB after the bare load, {peak_mb():.0f} MB after "
              "the ingests")
        db.dispose()


if __name__ == "__main__":
    main()
