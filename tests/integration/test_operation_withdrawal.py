"""A report sent by mistake is withdrawn, with a reason, by its agency's reporter or the
Secretariat: it leaves every total (and the corridors, the file, the annual report), its
versions stay readable, and its reference can be reported again as a new report.
Look-alike reports under two references are flagged, not refused, and resolved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import operation_duplicates as dups
from phalanx.services import operation_history, opsreport
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.services.operation_withdrawal import withdraw

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
KAZ_CUSTOMS = Principal("kaz-customs", Role.REPORTER, state="KAZ", agency=Agency.CUSTOMS)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
SEC = Principal("sec", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)


def row(ref: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": "2026-03-10", "stage": "spring-2026",
            "metric": "seizure", "substance": "heroin", "quantity": "120", "unit": "kg",
            "area": "Shymkent", "route_from": "Afghanistan", "route_to": "Kazakhstan", **kw}


def send(db: Database, *rows: dict[str, Any], **kw: Any) -> ops.IngestResult:
    return ops.ingest(db, "channel", "KAZ", "police", list(enumerate(rows, start=2)),
                      actor=KAZ_POLICE, **kw)


def heroin(db: Database, actor: Principal) -> tuple[float, int] | None:
    with db.read() as conn:
        s = ops.statistics(conn, "channel", ["substance"], actor=actor)
    return next(((r.quantity, r.reports) for r in s.rows if r.key["substance"] == "heroin"),
                None)


def audit(db: Database, action: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [json.loads(c) if isinstance(c, str) else c for c in conn.execute(
            select(t.audit_log.c.change).where(t.audit_log.c.action == action)
            .order_by(t.audit_log.c.id)).scalars()]


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_withdrawn_report_leaves_every_total_and_keeps_its_versions(db: Database) -> None:
    send(db, row("KAZ-1"), row("KAZ-2", quantity="30", area="Aktau"))
    send(db, row("KAZ-1", quantity="121"))  # corrected, then found to be test data
    ops.release(db, "channel", actor=REP_KAZ)
    assert heroin(db, SEC) == (151.0, 2)
    done = withdraw(db, "channel", "KAZ", "police", "KAZ-1", "test data sent by mistake",
                    actor=KAZ_POLICE)
    assert (done["version"], done["quantity"]) == (2, 121.0)
    for reader in (KAZ_POLICE, SEC, REP_KAZ):
        assert heroin(db, reader) == (30.0, 1), reader.username
    with db.read() as conn:
        corridors = ops.corridors(conn, "channel", actor=SEC)
        csv = opsreport.statistics_csv(conn, "channel", actor=SEC, marking="ORG").decode()
        versions = operation_history.history(conn, "channel", "KAZ", "police", "KAZ-1",
                                             actor=KAZ_POLICE)
    assert [(c.seizures, c.kg) for c in corridors] == [(1, 30.0)]
    assert csv.splitlines()[1:] == ["2026,3,spring-2026,KAZ,police,seizure,heroin,kg,30,1,ORG"]
    assert [(v["version"], v["current"], v["withdrawn_by"], v["withdrawal_reason"])
            for v in versions] == [(2, False, "kaz-police", "test data sent by mistake"),
                                   (1, False, None, None)]
    [entry] = audit(db, "operations.withdraw")
    assert (entry["reference"], entry["version"], entry["reason"]) == (
        "KAZ-1", 2, "test data sent by mistake")
    # a withdrawn report is withdrawn once
    with pytest.raises(NotFound):
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "again", actor=SEC)


def test_a_withdrawn_reference_is_reported_again_as_a_new_national_report(
        db: Database) -> None:
    send(db, row("KAZ-1"))
    ops.release(db, "channel", actor=REP_KAZ)
    withdraw(db, "channel", "KAZ", "police", "KAZ-1", "wrong operation", actor=SEC)
    again = send(db, row("KAZ-1", quantity="7"))
    assert (again.stored, again.replaced, again.errors) == (1, 0, [])
    assert heroin(db, KAZ_POLICE) == (7.0, 1)
    assert heroin(db, SEC) is None  # new: national until released again
    with db.read() as conn:
        versions = operation_history.history(conn, "channel", "KAZ", "police", "KAZ-1",
                                             actor=KAZ_POLICE)
    assert [(v["version"], v["current"], v["marking"]) for v in versions] == [
        (2, True, "NATIONAL"), (1, False, "ORGANIZATION")]


def test_who_may_withdraw_and_what_a_withdrawal_needs(db: Database) -> None:
    send(db, row("KAZ-1"))
    with pytest.raises(Invalid, match="reason"):
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "  ", actor=KAZ_POLICE)
    with pytest.raises(NotFound):  # its state's reporter, another agency's: national,
        # it reads only its own agency's until the representative releases them
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "mine?", actor=KAZ_CUSTOMS)
    with pytest.raises(Forbidden):  # the representative releases, it does not withdraw
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "not ours", actor=REP_KAZ)
    with pytest.raises(NotFound):  # national: the Secretariat does not see it
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "test", actor=SEC)
    ops.release(db, "channel", actor=REP_KAZ)
    with pytest.raises(Forbidden):
        withdraw(db, "channel", "KAZ", "police", "KAZ-1", "test", actor=PLANNER)
    assert heroin(db, SEC) == (120.0, 1)
    assert audit(db, "operations.withdraw") == []


def test_look_alike_rows_under_two_references_are_flagged_and_resolved(
        db: Database) -> None:
    first = send(db, row("KAZ-1"), row("KAZ-2", quantity="30"))
    assert first.flagged == 0
    second = send(db, row("KAZ-9"), row("KAZ-10", quantity="31"),
                  row("KAZ-11", quantity="31"))
    assert second.stored == 3  # flagged, not refused
    assert sorted((d["reference"], d["like"], d["row"]) for d in second.duplicates) == [
        ("KAZ-11", "KAZ-10", 4), ("KAZ-9", "KAZ-1", 2)]
    assert audit(db, "operations.ingest")[-1]["possible_duplicates"] == second.duplicates
    # another day, place, substance or figure is no look-alike; nor one sent again as it is
    third = send(db, row("KAZ-20", date="2026-03-11"), row("KAZ-21", area="Aktau"),
                 row("KAZ-22", substance="hashish"), row("KAZ-23", quantity="120.5"),
                 row("KAZ-9"))
    assert (third.flagged, third.unchanged) == (0, 1)
    with db.read() as conn:
        listed = dups.duplicates(conn, "channel", actor=KAZ_POLICE)
        assert dups.duplicates(conn, "channel", actor=SEC) == []  # national still
    assert [(d.reference, d.other_reference, d.quantity) for d in listed] == [
        ("KAZ-11", "KAZ-10", 31.0), ("KAZ-9", "KAZ-1", 120.0)]
    ops.release(db, "channel", actor=REP_KAZ)
    with db.read() as conn:
        assert len(dups.duplicates(conn, "channel", actor=SEC)) == 2
    kept = dups.resolve(db, "channel", listed[0].id, "two seizures", actor=SEC)
    assert kept.resolution == "kept"
    with pytest.raises(Invalid):
        dups.resolve(db, "channel", listed[0].id, "", actor=SEC)
    with pytest.raises(Forbidden):
        dups.resolve(db, "channel", listed[1].id, "", actor=REP_KAZ)
    withdraw(db, "channel", "KAZ", "police", "KAZ-9", "sent twice", actor=KAZ_POLICE)
    with db.read() as conn:
        assert dups.duplicates(conn, "channel", actor=SEC) == []
        resolved = dups.duplicates(conn, "channel", actor=SEC, open_only=False)
    assert [(d.reference, d.resolution, d.resolved_by) for d in resolved] == [
        ("KAZ-11", "kept", "sec"), ("KAZ-9", "withdrawn", "kaz-police")]
    assert [e["reference"] for e in audit(db, "operations.keep_duplicates")] == ["KAZ-11"]
    # a pair kept is not flagged again when one of them is corrected
    assert send(db, row("KAZ-11", quantity="31", area="Shymkent ")).flagged == 0
    assert heroin(db, SEC)[1] == 7  # type: ignore[index]
