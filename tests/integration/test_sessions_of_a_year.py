"""The sessions of a year are those opening in the organization's year (its working time
zone's), as the crisis board's year is: a session opening at half past midnight on
1 January in Moscow is of the new year, in the list and in its count (the page's and the
API's X-Total-Count), not of the year before because it is still 31 December in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import decisions as dec
from phalanx.services.db import Database

SEC = Principal("sec", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_session_at_new_year_in_moscow_is_of_the_new_year(db: Database) -> None:
    # 31 December 21:30 UTC is 1 January 00:30 in Moscow, the organization's working zone
    dec.convene(db, dec.MeetingIn(body="csc", opens_at=datetime(2030, 12, 31, 21, 30,
                                                                tzinfo=UTC)), actor=SYSTEM)
    with db.read() as conn:
        of_2031 = dec.list_meetings(conn, actor=SEC, year=2031)
        of_2030 = dec.list_meetings(conn, actor=SEC, year=2030)
        counts = (dec.count_meetings(conn, actor=SEC, year=2030),
                  dec.count_meetings(conn, actor=SEC, year=2031))
    assert [m.opens_at for m in of_2031] == [datetime(2030, 12, 31, 21, 30, tzinfo=UTC)]
    assert of_2030 == []
    assert counts == (0, 1)
