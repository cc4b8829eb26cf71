"""A release says in its audit entry (and its answer) how many reports it released: those
it made the organization's (or the observers'), never those released before, so that the
trail's releases add up to the reports released."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import operations as ops
from phalanx.services.db import Database

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def row(ref: str, day: str = "2026-04-10", stage: str = "spring-2026") -> dict[str, Any]:
    return {"reference": ref, "date": day, "stage": stage, "metric": "seizure",
            "substance": "heroin", "quantity": "2", "unit": "kg", "area": "Khorgos"}


def send(db: Database, *rows: dict[str, Any]) -> None:
    ops.ingest(db, "channel", "KAZ", "customs", list(enumerate(rows, start=2)),
               actor=KAZ_CUSTOMS)


def released(db: Database) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "operations.release").order_by(t.audit_log.c.id))
            .scalars()]


def test_a_release_counts_the_reports_it_released(db: Database) -> None:
    send(db, row("KZ-1"), row("KZ-2"), row("KZ-3", "2026-10-10", "autumn-2026"))
    assert ops.release(db, "channel", actor=REP_KAZ, stage="spring-2026") == 2
    send(db, row("KZ-4"))
    # all the stages: the autumn report and the new spring one, not the two before
    assert ops.release(db, "channel", actor=REP_KAZ) == 2
    assert ops.release(db, "channel", actor=REP_KAZ) == 0  # nothing left to release
    # to the observers: every report, none of them theirs yet; then none again
    assert ops.release(db, "channel", actor=REP_KAZ, to_observers=True) == 4
    assert ops.release(db, "channel", actor=REP_KAZ, to_observers=True) == 0
    assert [e["reports"] for e in released(db)] == [2, 2, 0, 4, 0]
