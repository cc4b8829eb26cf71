"""A short run of the durability harness (bench/durability.py runs it long): the
server is killed with SIGKILL in the middle of writes; every acknowledged write is
there afterwards and the audit chain verifies."""

from __future__ import annotations

from pathlib import Path

from bench.durability import run


def test_acknowledged_writes_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    totals = run(3, db_url, tmp_path, quiet=True)
    assert totals["cycles"] == 3
    assert totals["acknowledged"] > 0
    assert totals["lost"] == 0
