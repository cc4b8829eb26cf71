"""A crisis's decision repealed in the register of acts in force ends its mandate (as its
period's end does), from the moment the repeal was adopted (not the start of its day:
what was done under the decision earlier that day stands): nothing
new is deployed under it, each refusal saying the decision was repealed, in English and
Russian; the crisis's card, API and situation report say when and why; a repeal taking
effect after the period's end changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import clock, crises
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from phalanx.web.app import create_app
from phalanx.web.i18n.errors import translate
from tests.integration.test_mandate_period import ADOPTED, ENDS, PK, _offers, under_way
from tests.integration.test_response_chain import SEC, adopt, rep
from tests.support.sessions import login

REPEALED = datetime(2022, 1, 10, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
DAY_STARTS = datetime(2022, 1, 9, 21, 0, tzinfo=UTC)  # 10 January, 00:00 in Moscow


@pytest.fixture
def db(accounts_db: Database) -> Database:
    return accounts_db


def _repeal(db: Database, crisis_id: int, at: datetime) -> None:
    with db.read() as conn:
        target = crises.get(conn, crisis_id, actor=SEC).decision_id
    room = crises.convene_session(db, crisis_id, actor=SEC, opens_at=at, at=at)
    with clock.use(at):
        adopt(db, room.sessions[-1], lifecycle={"effect": "repeals", "target": target})


def ended(number: str) -> str:
    return (f"the mandate of {number} ended on 2022-01-10 09:00 UTC (the decision was "
            "repealed): no new deployment under it without a new decision linked to the "
            "crisis")


def test_a_repealed_decision_authorizes_no_new_deployment(db: Database,
                                                         settings: Settings) -> None:
    c, number = under_way(db)
    first, second = _offers(db, c.id, PK, "RUS", "BLR")
    crises.decide_offer(db, first, True, actor=rep("KAZ"), at=ADOPTED + timedelta(hours=4))
    _repeal(db, c.id, REPEALED)
    after = REPEALED + timedelta(hours=1)
    with db.read() as conn:
        got = crises.get(conn, c.id, actor=SEC, at=after)
        assert crises.military_check(conn, c.id, actor=SEC, at=after) == [ended(number)]
        # that morning, before the repeal was adopted, the mandate ran
        assert crises.military_check(conn, c.id, actor=SEC,
                                     at=DAY_STARTS + timedelta(hours=1)) == []
        assert crises.military_check(conn, c.id, actor=SEC,
                                     at=REPEALED - timedelta(minutes=1)) == []
    assert got.mandate is not None
    assert (got.mandate.ends_at, got.mandate.ended_by, got.mandate.expired,
            got.mandate.period_days) == (REPEALED, "repealed", True, 14)
    with pytest.raises(Conflict) as deployed:
        crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=after)
    assert str(deployed.value) == ended(number)
    with pytest.raises(Conflict) as accepted:
        crises.decide_offer(db, second, True, actor=rep("KAZ"), at=after)
    assert str(accepted.value) == f"offer {second} is not accepted: {ended(number)}"
    assert translate(ended(number), "ru") == (
        f"мандат по решению {number} истёк 10.01.2022 09:00 UTC (решение отменено): ничего "
        "нового по нему не развёртывается, пока к кризису не привязано новое решение")
    with db.read() as conn:
        assert crises.report_pdf(conn, c.id, actor=SEC).startswith(b"%PDF")
    with TestClient(create_app(settings, db)) as client:
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}?lang=ru").text
    assert '<span id="mandate-ended-by">(решение отменено)</span>' in room


def test_a_repeal_after_the_period_changes_nothing(db: Database) -> None:
    c, _number = under_way(db)
    _repeal(db, c.id, ENDS + timedelta(days=3))
    with db.read() as conn:
        got = crises.get(conn, c.id, actor=SEC, at=ENDS + timedelta(days=4))
    assert got.mandate is not None
    assert (got.mandate.ends_at, got.mandate.ended_by) == (ENDS, None)


def test_a_suspended_decision_authorizes_nothing_new_while_it_is_suspended(
        db: Database) -> None:
    """A decision suspended in the register is not in force: from the suspension's
    adoption, nothing new is deployed under it (in English and Russian); that morning it
    still ran, and its period is not ended by it."""
    c, number = under_way(db)
    with db.read() as conn:
        target = crises.get(conn, c.id, actor=SEC).decision_id
    room = crises.convene_session(db, c.id, actor=SEC, opens_at=REPEALED, at=REPEALED)
    with clock.use(REPEALED):
        adopt(db, room.sessions[-1], lifecycle={"effect": "suspends", "target": target})
    words = (f"the mandate of {number} is suspended (the decision is suspended in the "
             "register): no new deployment under it while it is suspended, unless a new "
             "decision is linked to the crisis")
    with db.read() as conn:
        assert crises.military_check(conn, c.id, actor=SEC,
                                     at=REPEALED - timedelta(minutes=1)) == []
        assert crises.military_check(conn, c.id, actor=SEC,
                                     at=REPEALED + timedelta(hours=1)) == [words]
        got = crises.get(conn, c.id, actor=SEC, at=REPEALED + timedelta(hours=1))
    assert got.mandate is not None and not got.mandate.expired
    with pytest.raises(Conflict) as deployed:
        crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC,
                          at=REPEALED + timedelta(hours=1))
    assert str(deployed.value).endswith(words)
    assert translate(words, "ru") == (
        f"мандат по решению {number} приостановлен (решение приостановлено в реестре): "
        "пока оно приостановлено, ничего нового по нему не развёртывается, если к "
        "кризису не привязано новое решение")
