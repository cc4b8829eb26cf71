"""A later decision extending a crisis's decision carries its mandate's period only where
the organization's file says so (setting `mandate_follows_extension`: the texts do not
settle whether extending a decision's time in force extends what it authorizes): then
the period ends with the extended last day where the Secretariat sits, the refusals
saying so in English and Russian; without it, the period of days stands."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from phalanx.domain.crisis.workflow import Stage
from phalanx.services import clock, crises, crisis_requests
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.i18n.errors import translate
from tests.integration.test_response_chain import PK, SEC, adopt, rep

T1 = datetime(2022, 1, 5, 8, 0, tzinfo=UTC)
ADOPTED = T1 + timedelta(hours=4)  # for fourteen days, in force for fourteen days
EXTENDED = datetime(2022, 1, 15, 9, 0, tzinfo=UTC)  # to 31 January
PERIOD_ENDS = ADOPTED + timedelta(days=14)
LAST_DAY_ENDS = datetime(2022, 1, 31, 21, 0, tzinfo=UTC)  # 1 February, 00:00 in Moscow


def _extended(db: Database) -> tuple[int, str]:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty", lat=43.24, lon=76.89),
        actor=rep("KAZ"), at=T1)
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state",
        at=T1 + timedelta(hours=1), article="Treaty art. 4", measures=[PK]),
        actor=rep("KAZ"), at=T1 + timedelta(hours=1))
    c = crises.convene_consultations(db, c.id, actor=SEC, at=T1 + timedelta(hours=2))
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=T1 + timedelta(hours=3))
    with clock.use(ADOPTED):
        decision = adopt(db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                         period_days=14, lifecycle={"term_days": 14})
    crises.link_decision(db, c.id, decision, actor=SEC, at=ADOPTED)
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=ADOPTED)
    crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC,
                        at=ADOPTED + timedelta(minutes=30))
    crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=ADOPTED + timedelta(hours=1))
    room = crises.convene_session(db, c.id, actor=SEC, opens_at=EXTENDED, at=EXTENDED)
    with clock.use(EXTENDED):
        adopt(db, room.sessions[-1], lifecycle={
            "effect": "extends", "target": decision, "extends_to": "2022-01-31"})
    with db.read() as conn:
        got = crises.get(conn, c.id, actor=SEC, at=EXTENDED)
    assert got.mandate is not None and got.mandate.decision is not None
    return c.id, got.mandate.decision


def _follows(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = orgs.organization

    def with_setting(conn):  # type: ignore[no-untyped-def]
        org = loaded(conn)
        return dataclasses.replace(org, settings={**org.settings,
                                                  "mandate_follows_extension": True})

    monkeypatch.setattr(orgs, "organization", with_setting)


def test_without_the_setting_the_period_of_days_stands(accounts_db: Database) -> None:
    crisis_id, number = _extended(accounts_db)
    with accounts_db.read() as conn:
        refused = crises.military_check(conn, crisis_id, actor=SEC,
                                        at=PERIOD_ENDS + timedelta(hours=1))
    assert refused == [f"the mandate of {number} ended on 2022-01-19 12:00 UTC (its period "
                       "of 14 days from its adoption): no new deployment under it without a "
                       "new decision linked to the crisis"]


def test_with_the_setting_the_extension_carries_the_period(
        accounts_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    crisis_id, number = _extended(accounts_db)
    _follows(monkeypatch)
    with accounts_db.read() as conn:
        assert crises.military_check(conn, crisis_id, actor=SEC,
                                     at=PERIOD_ENDS + timedelta(hours=1)) == []
        assert crises.military_check(conn, crisis_id, actor=SEC,
                                     at=LAST_DAY_ENDS - timedelta(minutes=1)) == []
        refused = crises.military_check(conn, crisis_id, actor=SEC,
                                        at=LAST_DAY_ENDS + timedelta(hours=1))
        got = crises.get(conn, crisis_id, actor=SEC, at=LAST_DAY_ENDS + timedelta(hours=1))
    words = (f"the mandate of {number} ended on 2022-01-31 21:00 UTC (its period, as a "
             "later decision extended it): no new deployment under it without a new "
             "decision linked to the crisis")
    assert refused == [words]
    assert got.mandate is not None and got.mandate.ends_at == LAST_DAY_ENDS
    ru = translate(words, "ru")
    assert ru != words and number in ru and "продлило" in ru
