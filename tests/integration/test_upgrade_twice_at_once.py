"""Two `phalanx db upgrade` at once on one PostgreSQL database (each application host
upgrading as it starts): the first applies the migrations, the second waits for it and
finds the database at head, rather than failing on the columns the first added."""

from __future__ import annotations

import threading

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import current_revision, is_current, upgrade

pytestmark = pytest.mark.postgres


def test_two_upgrades_at_once_both_end_at_head(postgres_url: str) -> None:
    setup = make_engine(postgres_url)
    try:
        upgrade(setup, "0043")
    finally:
        setup.dispose()
    engines = [make_engine(postgres_url) for _ in range(2)]
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def run(n: int) -> None:
        start.wait()
        try:
            upgrade(engines[n])
        except Exception as exc:  # the test names it
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        assert failures == []
        assert is_current(engines[0])
        assert current_revision(engines[0]) != "0043"
    finally:
        for e in engines:
            e.dispose()
