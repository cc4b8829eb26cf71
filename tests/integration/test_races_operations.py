"""The joint operations' statistics raced by two instances (SQLite and PostgreSQL): a year
closed while a report of that year is uploaded or withdrawn, two uploads of one agency
holding a look-alike pair, and the flag of a pair kept and withdrawn at once.

The harness is `test_races.py`'s: two engines on the test's database, two threads released
by one barrier, a check slowed where the two would otherwise interleave by luck. The rules
must hold in the order the writes committed (the audit trail's, verified after each race):
a change to a closed year's figures is made with a reason and kept as a change after
closing; two look-alike reports of one agency are flagged once, whichever came second; a
flag is resolved once.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.domain.operations import closing
from phalanx.services import operation_duplicates as dups
from phalanx.services import operation_withdrawal, operations
from phalanx.services import operation_years as years
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from tests.integration.test_races import actions, later, race, refused, slowed

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
KAZ_POLICE2 = Principal("kaz-police-2", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
SEC = Principal("sec", Role.SECRETARIAT)
SEC2 = Principal("sec-2", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def row(ref: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": "2025-10-10", "stage": "autumn-2025",
            "metric": "seizure", "substance": "heroin", "quantity": "100", "unit": "kg",
            "area": "Shymkent", **kw}


def send(db: Database, *rows: dict[str, Any], **kw: Any) -> operations.IngestResult:
    return operations.ingest(db, "channel", "KAZ", "police", list(enumerate(rows, start=2)),
                             actor=KAZ_POLICE, **kw)


def reports(db: Database) -> list[tuple[str, int, bool]]:
    c = t.op_report.c
    with db.read() as conn:
        return [(r.reference, r.version, r.current) for r in conn.execute(
            select(c.reference, c.version, c.current).where(c.operation == "channel")
            .order_by(c.reference, c.version))]


def late_changes(db: Database) -> list[tuple[int, str, str]]:
    c = t.op_late_change.c
    with db.read() as conn:
        return [(r.year, r.reference, r.kind) for r in conn.execute(
            select(c.year, c.reference, c.kind).order_by(c.id))]


def flags(db: Database) -> list[tuple[str, str, str | None]]:
    d = t.op_duplicate.c
    with db.read() as conn:
        return [(r.reference, r.other_reference, r.resolution) for r in conn.execute(
            select(d.reference, d.other_reference, d.resolution).order_by(d.id))]


# --- a year closed while its figures change ------------------------------------------------


def test_a_report_uploaded_while_its_year_is_closed_is_refused_or_came_before(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Kazakhstan's police uploads a 2025 seizure while the Secretariat closes 2025: the
    upload comes before the closing (stored as any report), or after it and is refused
    for want of a reason. Never stored after the closing without a reason and without a
    change after closing (before: the closed years were read before the upload's write,
    so a closing committed meanwhile went unseen, on SQLite too)."""
    a, b = two
    slowed(monkeypatch, operations, "operation", after=0.5)  # the upload read, then waits
    out = race(lambda: send(a, row("KAZ-1")),
               later(0.1, lambda: years.close_year(b, 2025, "annual report", actor=SEC)))
    uploaded, closed = out
    assert not refused(out)
    assert closed.year == 2025
    order = [action for action, _, _ in actions(a, "operations.ingest",
                                                "operations.close_year")]
    if order == ["operations.ingest", "operations.close_year"]:
        assert uploaded.stored == 1 and reports(a) == [("KAZ-1", 1, True)]
    else:
        assert order == ["operations.close_year"]
        assert uploaded.batch_id is None and uploaded.stored == 0
        assert [e.message for e in uploaded.errors] == [operations.closed_message([2025])]
        assert reports(a) == []
    assert late_changes(a) == []


def test_a_report_withdrawn_while_its_year_is_closed_is_a_change_after_closing_or_before(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2025 report withdrawn while 2025 is closed: the withdrawal comes before the
    closing, or after it and is kept as a change after closing (before, on PostgreSQL:
    the withdrawal read the closed years, the closing committed, the withdrawal committed
    after it with no change after closing)."""
    a, b = two
    send(a, row("KAZ-1"))
    slowed(monkeypatch, closing, "closed_touched", after=0.5)  # read the years, waits
    out = race(lambda: operation_withdrawal.withdraw(a, "channel", "KAZ", "police", "KAZ-1",
                                                     "sent by mistake", actor=KAZ_POLICE),
               later(0.1, lambda: years.close_year(b, 2025, "annual report", actor=SEC)))
    withdrawn, _ = out
    assert not refused(out)
    found = actions(a, "operations.withdraw", "operations.close_year")
    order = [action for action, _, _ in found]
    if order == ["operations.withdraw", "operations.close_year"]:
        assert withdrawn["after_closing"] == [] and late_changes(a) == []
    else:
        assert order == ["operations.close_year", "operations.withdraw"]
        assert withdrawn["after_closing"] == [2025] == found[1][2]["after_closing"]
        assert late_changes(a) == [(2025, "KAZ-1", "withdrawal")]


def test_a_year_closed_twice_at_once_is_closed_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Secretariat officers close 2025 at the same moment: once, the other told it is
    closed (before, on PostgreSQL: both found it open, the second's insert met the first's
    row, a unique violation: a server error)."""
    a, b = two
    slowed(monkeypatch, closing, "why_not_close", after=0.3)  # both found it open
    out = race(lambda: years.close_year(a, 2025, "one", actor=SEC),
               lambda: years.close_year(b, 2025, "two", actor=SEC2))
    [lost] = refused(out, Invalid)
    assert "2025" in str(lost)
    assert len(actions(a, "operations.close_year")) == 1


# --- look-alike reports ----------------------------------------------------------------------


def test_two_uploads_at_once_each_holding_one_of_a_look_alike_pair_flag_it_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The same seizure sent in two files at the same moment under two references (two
    officers of one agency): the pair is flagged once, by the file that came second
    (before, on PostgreSQL: each file looked for its look-alikes among the reports
    committed before it, neither saw the other's, and the pair was never flagged)."""
    a, b = two
    slowed(monkeypatch, dups, "flag", before=0.5)  # both stored, then look
    out = race(lambda: send(a, row("KAZ-1")), lambda: send(b, row("KAZ-2")))
    assert not refused(out)
    assert sorted(o.flagged for o in out) == [0, 1]
    assert flags(a) in ([("KAZ-2", "KAZ-1", None)], [("KAZ-1", "KAZ-2", None)])
    assert len(actions(a, "operations.ingest")) == 2


def test_one_look_alike_sent_twice_at_once_is_stored_and_flagged_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """KAZ-1 is stored; KAZ-2, which looks like it, is sent in two files at the same moment:
    one stores and flags it, the other finds it sent as it stands (before, on PostgreSQL:
    both stored version 1 of KAZ-2, the second a unique violation: a server error)."""
    a, b = two
    send(a, row("KAZ-1"))
    slowed(monkeypatch, dups, "flag", before=0.5)
    out = race(lambda: send(a, row("KAZ-2")), lambda: send(b, row("KAZ-2")))
    assert not refused(out)
    assert sorted((o.stored, o.unchanged, o.flagged) for o in out) == [(0, 1, 0), (1, 0, 1)]
    assert reports(a) == [("KAZ-1", 1, True), ("KAZ-2", 1, True)]
    assert flags(a) == [("KAZ-2", "KAZ-1", None)]


def flagged_pair(db: Database) -> int:
    send(db, row("KAZ-1"))
    assert send(db, row("KAZ-2")).flagged == 1
    with db.read() as conn:
        return int(conn.execute(select(func.max(t.op_duplicate.c.id))).scalar_one())


def test_a_flag_kept_and_withdrawn_at_once_is_resolved_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """One police officer keeps both reports of a flag while another withdraws one of them:
    the flag is resolved by the one that came first; the other keeps nothing or resolves
    nothing (before, on PostgreSQL: the keeping read the flag open, the withdrawal
    resolved it, the keeping wrote over it: a flag 'kept' with one report withdrawn, and
    both resolutions in the trail)."""
    a, b = two
    flag_id = flagged_pair(a)
    slowed(monkeypatch, dups, "duplicates", after=0.5)  # read the flag open, waits
    out = race(lambda: dups.resolve(a, "channel", flag_id, "two seizures", actor=KAZ_POLICE2),
               later(0.1, lambda: operation_withdrawal.withdraw(
                   b, "channel", "KAZ", "police", "KAZ-2", "sent twice", actor=KAZ_POLICE)))
    kept, withdrawn = out
    assert not isinstance(withdrawn, BaseException)  # a report is withdrawn either way
    refused([kept], Invalid)
    found = actions(a, "operations.keep_duplicates", "operations.withdraw")
    [(_, _, resolution)] = flags(a)
    if isinstance(kept, BaseException):
        assert "already resolved (withdrawn" in str(kept)
        assert resolution == "withdrawn"
        assert [action for action, _, _ in found] == ["operations.withdraw"]
        assert found[0][2]["duplicates_resolved"] == 1
    else:
        assert resolution == "kept"
        assert [action for action, _, _ in found] == ["operations.keep_duplicates",
                                                      "operations.withdraw"]
        assert "duplicates_resolved" not in found[1][2]


def test_a_flag_kept_twice_at_once_is_kept_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    flag_id = flagged_pair(a)
    slowed(monkeypatch, dups, "duplicates", after=0.3)  # both read it open
    out = race(lambda: dups.resolve(a, "channel", flag_id, "two seizures", actor=KAZ_POLICE),
               lambda: dups.resolve(b, "channel", flag_id, "two posts", actor=KAZ_POLICE2))
    [lost] = refused(out, Invalid)
    assert "already resolved (kept" in str(lost)
    assert len(actions(a, "operations.keep_duplicates")) == 1
