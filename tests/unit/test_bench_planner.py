"""The planner benchmark's measurement runs and reports what the README quotes (a short
run: the figures themselves come from bench/planner.py)."""

from __future__ import annotations

from bench.planner import _measure


def test_a_short_benchmark_run_reports_every_figure() -> None:
    r = _measure("small", 1, 1.0, save_best=False)
    for key in ("greedy", "greedy_s", "first_plan_s", "cheap_bound", "bound", "bounds_s", "plan",
                "solve_s",
                "improvement", "gap", "peak_mb", "best_known", "vs_best"):
        assert key in r, key
    assert r["cheap_bound"] <= r["bound"] <= r["plan"] <= r["greedy"] + 1e-6
    assert r["vs_best"] >= -1e-9  # never better than the best-known plan on file
