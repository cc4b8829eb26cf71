"""A look-alike flag is read only by who may read both reports as they stand: a reference
released once, withdrawn and reported again (national until released) is flagged against
another released report, and the other states and the staff see no flag that would say
what the new national report says (its day, place, metric, substance and quantity)."""

from __future__ import annotations

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import operation_duplicates as dups
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from phalanx.services.operation_withdrawal import withdraw
from tests.integration.test_operation_withdrawal import KAZ_POLICE, REP_KAZ, SEC, row, send

REP_RUS = Principal("rep-rus", Role.REPRESENTATIVE, state="RUS")


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_flag_on_a_report_reported_again_as_national_is_not_read_by_others(
        db: Database) -> None:
    send(db, row("KAZ-1", quantity="55"), row("KAZ-2"))
    ops.release(db, "channel", actor=REP_KAZ)
    withdraw(db, "channel", "KAZ", "police", "KAZ-1", "wrong operation", actor=SEC)
    again = send(db, row("KAZ-1"))  # version 2, national: as KAZ-2 says
    assert again.flagged == 1
    with db.read() as conn:
        own = dups.duplicates(conn, "channel", actor=KAZ_POLICE)
        assert [(d.reference, d.other_reference) for d in own] == [("KAZ-1", "KAZ-2")]
        for reader in (SEC, REP_RUS):
            assert dups.duplicates(conn, "channel", actor=reader) == []
            assert dups.duplicates(conn, "channel", actor=reader, open_only=False) == []
    with pytest.raises(NotFound):
        dups.resolve(db, "channel", own[0].id, "two seizures", actor=SEC)
    ops.release(db, "channel", actor=REP_KAZ)
    with db.read() as conn:
        assert [d.reference for d in dups.duplicates(conn, "channel", actor=SEC)] == ["KAZ-1"]
