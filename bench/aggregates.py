"""The operation dashboard's aggregates over N result rows (default 10,000,000): the
median latency of each query, on PostgreSQL (the production store) and on DuckDB (an
analytical copy), in the same run, through the access filter the pages add.

Two ways are measured: scanning the reports themselves, and reading the totals table
that ingestion keeps (`op_total`, what the dashboard reads). Target: under 200 ms.

    .venv/bin/python bench/aggregates.py [--rows 10000000] [--pg postgresql+psycopg://...]

Without --pg, a throwaway PostgreSQL cluster is started if the server binaries are
installed (as the tests do); otherwise only DuckDB is measured.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

QUERIES = {
    "by substance": "SELECT substance, sum(quantity), count(*) FROM op_report "
                    "WHERE operation = 'channel' AND current AND metric = 'seizure' "
                    "GROUP BY substance",
    "by state and metric": "SELECT state_code, metric, unit, sum(quantity), count(*) "
                           "FROM op_report WHERE operation = 'channel' AND current "
                           "GROUP BY state_code, metric, unit",
    "by stage and state": "SELECT stage, state_code, sum(quantity) FROM op_report "
                          "WHERE operation = 'channel' AND current AND metric = 'seizure' "
                          "GROUP BY stage, state_code",
    "top corridors": "SELECT route_from, route_to, count(*), sum(quantity) AS kg "
                     "FROM op_report WHERE operation = 'channel' AND current "
                     "AND metric = 'seizure' AND route_from IS NOT NULL "
                     "GROUP BY route_from, route_to ORDER BY kg DESC LIMIT 10",
}
# what the access filter adds for a member state's user (its own + released reports)
ACCESS = " AND (marking IN ('PUBLIC', 'ORGANIZATION') OR (owner_kind = 'state' " \
         "AND owner = 'KAZ'))"

GENERATE = """
SELECT i AS id, 'channel' AS operation,
  ['spring-2025', 'autumn-2025', 'spring-2026', 'autumn-2026'][1 + i % 4] AS stage,
  ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK', 'UZB'][1 + (i * 7919) % 7] AS state_code,
  ['customs', 'police', 'border_guard', 'drug_control'][1 + i % 4] AS agency,
  TRUE AS current,
  CASE WHEN i % 10 < 7 THEN 'seizure' ELSE 'firearms' END AS metric,
  CASE WHEN i % 10 < 7 THEN ['heroin', 'hashish', 'opium', 'cannabis', 'cocaine'][1 + i % 5]
       END AS substance,
  (i % 997) / 10.0 AS quantity, CASE WHEN i % 10 < 7 THEN 'kg' ELSE 'count' END AS unit,
  CASE WHEN i % 10 < 7 THEN ['AFG', 'TJK', 'KGZ', 'KAZ'][1 + i % 4] END AS route_from,
  CASE WHEN i % 10 < 7 THEN ['TJK', 'KGZ', 'KAZ', 'RUS'][1 + i % 4] END AS route_to,
  CASE WHEN i % 3 = 0 THEN 'NATIONAL' ELSE 'ORGANIZATION' END AS marking,
  'state' AS owner_kind,
  ['ARM', 'BLR', 'KAZ', 'KGZ', 'RUS', 'TJK', 'UZB'][1 + (i * 7919) % 7] AS owner
FROM range({n}) t(i)
"""


TOTALS = """SELECT operation, stage, state_code, agency, metric, substance, unit, route_from,
  route_to, marking, owner_kind, owner, sum(quantity) AS quantity, count(*) AS reports
  FROM op_report WHERE current GROUP BY operation, stage, state_code, agency, metric,
  substance, unit, route_from, route_to, marking, owner_kind, owner"""
TOTAL_QUERIES = {
    name: sql.replace("count(*)", "sum(reports)").replace(" AND current", "")
    for name, sql in QUERIES.items()
}


def median_ms(run: Callable[[], object], repeat: int = 7) -> float:
    run()  # warm
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_duckdb(n: int) -> None:
    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE op_report AS {GENERATE.format(n=n)}")
    print(f"DuckDB: {n:,} rows generated in {time.perf_counter() - t0:.1f} s")
    report(lambda q: con.execute(q).fetchall(), "op_report", QUERIES)
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE op_total AS {TOTALS}")
    n_tot = con.execute("SELECT count(*) FROM op_total").fetchone()[0]  # type: ignore[index]
    print(f"  totals table: {n_tot:,} rows, built in {time.perf_counter() - t0:.1f} s")
    report(lambda q: con.execute(q).fetchall(), "op_total", TOTAL_QUERIES)
    con.close()


def report(run: Callable[[str], object], table: str, queries: dict[str, str]) -> None:
    print(f"  reading {table}:")
    for name, sql in queries.items():
        q = sql.replace("FROM op_report", f"FROM {table}").replace(
            "WHERE ", "WHERE 1=1" + ACCESS + " AND ", 1)
        print(f"    {name:<22} median {median_ms(lambda q=q: run(q)):8.1f} ms")


def bench_postgres(n: int, url: str) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        t0 = time.perf_counter()
        conn.execute("DROP TABLE IF EXISTS op_report")
        conn.execute("""CREATE UNLOGGED TABLE op_report AS SELECT i AS id,
          'channel'::text AS operation,
          (ARRAY['spring-2025','autumn-2025','spring-2026','autumn-2026'])[1 + i %% 4] AS stage,
          (ARRAY['ARM','BLR','KAZ','KGZ','RUS','TJK','UZB'])[1 + (i * 7919) %% 7] AS state_code,
          (ARRAY['customs','police','border_guard','drug_control'])[1 + i %% 4] AS agency,
          TRUE AS current,
          CASE WHEN i %% 10 < 7 THEN 'seizure' ELSE 'firearms' END AS metric,
          CASE WHEN i %% 10 < 7 THEN (ARRAY['heroin','hashish','opium','cannabis','cocaine'])
               [1 + i %% 5] END AS substance,
          (i %% 997) / 10.0 AS quantity, CASE WHEN i %% 10 < 7 THEN 'kg' ELSE 'count' END AS unit,
          CASE WHEN i %% 10 < 7 THEN (ARRAY['AFG','TJK','KGZ','KAZ'])[1 + i %% 4] END AS route_from,
          CASE WHEN i %% 10 < 7 THEN (ARRAY['TJK','KGZ','KAZ','RUS'])[1 + i %% 4] END AS route_to,
          CASE WHEN i %% 3 = 0 THEN 'NATIONAL' ELSE 'ORGANIZATION' END AS marking,
          'state'::text AS owner_kind,
          (ARRAY['ARM','BLR','KAZ','KGZ','RUS','TJK','UZB'])[1 + (i * 7919) %% 7] AS owner
          FROM generate_series(0::bigint, %s - 1) AS i""", (n,))
        conn.execute("ANALYZE op_report")
        print(f"PostgreSQL: {n:,} rows generated in {time.perf_counter() - t0:.1f} s")
        report(lambda q: conn.execute(q).fetchall(), "op_report", QUERIES)
        t0 = time.perf_counter()
        conn.execute("DROP TABLE IF EXISTS op_total")
        conn.execute(f"CREATE TABLE op_total AS {TOTALS}")
        conn.execute("ANALYZE op_total")
        n_tot = conn.execute("SELECT count(*) FROM op_total").fetchone()[0]  # type: ignore[index]
        print(f"  totals table: {n_tot:,} rows, built in {time.perf_counter() - t0:.1f} s")
        report(lambda q: conn.execute(q).fetchall(), "op_total", TOTAL_QUERIES)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--pg", default="")
    args = p.parse_args()
    bench_duckdb(args.rows)
    if args.pg:
        bench_postgres(args.rows, args.pg)
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.support.postgres import NoServer, throwaway_cluster

    try:
        with throwaway_cluster() as url:
            bench_postgres(args.rows, url)
    except NoServer as exc:
        print(f"PostgreSQL: not measured ({exc}; give --pg URL)")


if __name__ == "__main__":
    main()
