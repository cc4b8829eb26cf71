"""The audit trail's entries about the joint operations' results name no report its reader
may not read: a batch's entry (read by the readers of any report it stored) lists the
corrections and the look-alike pairs (a flag is read only by who reads both reports) of
the reports its reader reads only, and its counts only where its reader reads every report
it stored. The stored entries, which the chain seals, are unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import audit
from phalanx.services import operation_duplicates as dups
from phalanx.services import operations as ops
from phalanx.services.db import Database

KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
AUDITOR = Principal("auditor", Role.AUDITOR)
ADMIN = Principal("admin", Role.ADMINISTRATOR)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def row(ref: str, day: str, stage: str, quantity: str) -> dict[str, Any]:
    return {"reference": ref, "date": day, "stage": stage, "metric": "seizure",
            "substance": "heroin", "quantity": quantity, "unit": "kg", "area": "Khorgos"}


def send(db: Database, *rows: dict[str, Any]) -> ops.IngestResult:
    return ops.ingest(db, "channel", "KAZ", "customs", list(enumerate(rows, start=2)),
                      actor=KAZ_CUSTOMS)


def entries(db: Database, reader: Principal) -> dict[int, dict[str, Any]]:
    with db.read() as conn:
        items, _ = audit.search(conn, audit.AuditFilter(action="operations.", limit=100),
                                actor=reader)
    return {e["id"]: {**e, "change": json.loads(e["change"])} for e in items}


def test_an_entry_names_no_report_its_reader_may_not_read(db: Database) -> None:
    spring, autumn = ("2026-04-10", "spring-2026"), ("2026-10-10", "autumn-2026")
    # two look-alike reports in the spring, one in the autumn, and one of each kind alike
    # across the stages (the autumn one kept national)
    send(db, row("KZ-S1", *spring, "3.5"), row("KZ-S2", *spring, "3.5"),
         row("KZ-A1", *autumn, "9.25"), row("KZ-A2", *autumn, "9.25"))
    # the autumn report corrected beside a spring one (a batch of both stages)
    send(db, row("KZ-A1", *autumn, "19.25"), row("KZ-S1", *spring, "4.5"))
    with db.read() as conn:
        flags = dups.duplicates(conn, "channel", actor=KAZ_CUSTOMS)
    autumn_flag = next(f for f in flags if f.reference == "KZ-A2")
    # a look-alike kept by the agency, naming the other report
    dups.resolve(db, "channel", autumn_flag.id, "two seizures", actor=KAZ_CUSTOMS)
    # a batch of the spring alone
    send(db, row("KZ-S3", *spring, "1.0"))
    # only the spring reports are released: the autumn ones stay KAZ's national reports
    ops.release(db, "channel", actor=REP_KAZ, stage="spring-2026")

    for reader in (AUDITOR, ADMIN):
        seen = entries(db, reader)
        said = json.dumps([e["change"] for e in seen.values()])
        assert "KZ-A1" not in said and "KZ-A2" not in said, reader.username
        assert "19.25" not in said and "9.25" not in said
        first, second, spring_only = [e for _, e in sorted(seen.items())
                                      if e["action"] == "operations.ingest"][-3:]
        # what the reader reads is still named, and the entry says that some is withheld
        assert first["change"]["possible_duplicates"] == [
            {"like": "KZ-S1", "reference": "KZ-S2", "row": 3}]
        assert second["change"]["corrections"] == [
            {"new_quantity": 4.5, "new_unit": "kg", "quantity": 3.5, "reference": "KZ-S1",
             "unit": "kg", "version": 1}]
        assert first.get("redacted") and second.get("redacted")
        # a batch holding a report the reader may not read counts it: its counts withheld
        assert [first["change"][k] for k in ("rows", "stored", "replaced", "errors")] == [
            None] * 4
        assert (second["change"]["stored"], second["change"]["replaced"]) == (None, None)
        # a batch its reader reads whole says them all
        assert (spring_only["change"]["rows"], spring_only["change"]["stored"]) == (1, 1)
        assert not spring_only.get("redacted")
        # the entry about the national autumn report itself is not read at all
        assert not any(e["action"] == "operations.keep_duplicates" for e in seen.values())

    # the state reads its own reports: nothing is withheld from its readers (here, the
    # system's reading of the whole trail), and the stored entries are whole
    whole = entries(db, SYSTEM)
    assert "KZ-A1" in json.dumps([e["change"] for e in whole.values()])
    with db.read() as conn:
        stored = [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "operations.ingest").order_by(t.audit_log.c.id)).scalars()]
    assert stored[-2]["corrections"][0]["reference"] == "KZ-A1"
    assert stored[-2]["stored"] == 2
