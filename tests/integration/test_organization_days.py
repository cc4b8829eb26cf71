"""Days where the Secretariat sits: a moment's day is read in the dataset's working time
zone (CSTO: Moscow), never in UTC's nor in the server's own zone."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import clock, crises, state_users, watch
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database

SEC = Principal("sec", Role.SECRETARIAT)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # UZB: participation suspended
# 00:30 on 1 January 2024 in Moscow, still 31 December 2023 in UTC
NEW_YEAR_IN_MOSCOW = datetime(2023, 12, 31, 21, 30, tzinfo=UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


# a Monday: a working day in Moscow
DEADLINE = datetime(2024, 1, 22, tzinfo=UTC)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def written(db: Database, deadline: datetime, at: datetime) -> dec.DraftOut:
    with clock.use(at):
        return dec.propose_draft(db, dec.DraftIn.model_validate({
            "body": "csc", "procedure": "written", "title": "On the plan",
            "text_en": "To approve the plan.", "deadline": deadline}), actor=SEC)


def sign_all(db: Database, draft_id: int, at: datetime) -> dec.DraftOut:
    with clock.use(at):
        for s in MEMBERS[:-1]:
            dec.sign(db, draft_id, actor=rep(s))
        return dec.sign(db, draft_id, actor=rep(MEMBERS[-1]))


def test_a_decision_adopted_after_moscow_midnight_is_of_the_new_year(db: Database) -> None:
    """Adopted at 00:30 Moscow time on 1 January (21:30 UTC on 31 December): dated
    1 January, numbered in the new year, listed under it, its moment kept."""
    d = written(db, DEADLINE, datetime(2023, 12, 1, 9, tzinfo=UTC))
    done = sign_all(db, d.id, NEW_YEAR_IN_MOSCOW)
    assert done.status == "adopted"
    with db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=SEC)
        assert (decision.number, decision.adopted_on) == ("CSC-2024-001", date(2024, 1, 1))
        assert decision.adopted_at == NEW_YEAR_IN_MOSCOW
        assert [x.number for x in dec.list_decisions(conn, actor=SEC, year=2024)] == \
            ["CSC-2024-001"]
        assert all(x.number != decision.number
                   for x in dec.list_decisions(conn, actor=SEC, year=2023))


def test_a_decision_adopted_before_moscow_midnight_stays_in_its_year(db: Database) -> None:
    d = written(db, DEADLINE, datetime(2023, 12, 1, 9, tzinfo=UTC))
    done = sign_all(db, d.id, datetime(2023, 12, 31, 20, 59, tzinfo=UTC))  # 23:59 Moscow
    with db.read() as conn:
        decision = dec.get_decision(conn, done.decision_id, actor=SEC)
    assert (decision.number, decision.adopted_on) == ("CSC-2023-001", date(2023, 12, 31))


# 01:30 on 11 March 2023 in Moscow, still 10 March in UTC
EVENING_UTC = datetime(2023, 3, 10, 22, 30, tzinfo=UTC)


def test_a_task_due_yesterday_in_moscow_is_overdue(db: Database) -> None:
    d = written(db, datetime(2023, 3, 20, tzinfo=UTC), datetime(2023, 3, 1, 9, tzinfo=UTC))
    done = sign_all(db, d.id, datetime(2023, 3, 2, 9, tzinfo=UTC))
    task = dec.add_task(db, done.decision_id, dec.TaskIn(
        assignee_kind="secretariat", assignee="secretariat", title="Circulate the text",
        due_on=date(2023, 3, 10)), actor=SEC)
    with db.read() as conn:
        with clock.use(EVENING_UTC - timedelta(hours=2)):  # 23:30 on 10 March in Moscow
            assert not dec.list_tasks(conn, actor=SEC, task_id=task.id)[0].overdue
        with clock.use(EVENING_UTC):
            assert dec.list_tasks(conn, actor=SEC, task_id=task.id)[0].overdue
            assert dec.count_tasks(conn, actor=SEC, overdue_only=True) == 1
    with clock.use(EVENING_UTC):
        closed = dec.update_task(db, task.id, "done", "", task.revision, actor=SEC)
    assert closed.completed_on == date(2023, 3, 11)


def test_a_term_ending_on_a_day_ends_at_moscow_midnight(db: Database) -> None:
    p = replace(rep("KAZ"), acts_until=date(2023, 3, 10))
    with db.read() as conn:
        with clock.use(EVENING_UTC - timedelta(hours=2)):
            assert state_users.acting(conn, p).appointed
        with clock.use(EVENING_UTC):
            assert not state_users.acting(conn, p).appointed


def test_a_crisis_reported_after_moscow_midnight_is_of_the_new_year(db: Database) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Flooding in Almaty region", category="natural_disaster", affected=["KAZ"],
        severity="moderate"), actor=rep("KAZ"), at=NEW_YEAR_IN_MOSCOW)
    with db.read() as conn, clock.use(NEW_YEAR_IN_MOSCOW + timedelta(hours=1)):
        def listed(year: int) -> list[int]:
            return [x.id for x in crises.board(conn, actor=SEC, include_closed=True,
                                               where=crises.BoardFilter(year=year))]
        assert (listed(2024), listed(2023)) == ([c.id], [])
        assert crises.board_total(conn, actor=SEC,
                                  where=crises.BoardFilter(year=2024)) == 1


def test_today_is_the_organizations_whatever_the_servers_zone(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server in New York (still 31 December, 16:30) or in Almaty: the day is Moscow's,
    on the services' clock (an exercise's too), never the wall clock's."""
    for server_zone in ("America/New_York", "Asia/Almaty", "UTC"):
        monkeypatch.setenv("TZ", server_zone)
        time.tzset()
        with clock.use(NEW_YEAR_IN_MOSCOW), db.read() as conn:
            assert orgs.today(conn) == date(2024, 1, 1)
        with clock.use(NEW_YEAR_IN_MOSCOW):
            item = watch.add(db, watch.WatchIn(
                title=f"Border tension ({server_zone})", region="Fergana",
                category="armed_attack", risk="high"), actor=SEC)
        assert item.next_review == date(2024, 1, 1) + timedelta(
            days=watch.REVIEW_EVERY["high"])
    monkeypatch.delenv("TZ")
    time.tzset()
