"""A decision on a collective response answers the situation it was taken on: once linked
to a crisis it is not linked to another (409, naming the decision and the crisis it
answers, nothing written); linking it again to the same crisis stays as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import clock, crises
from phalanx.services import decisions as dec
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from phalanx.web.app import create_app
from tests.integration.test_response_chain import PK, SEC, T0, adopt, crisis, request


@pytest.fixture
def db(accounts_db: Database) -> Database:
    return accounts_db  # the built-in dataset and the demo accounts


def _audit_length(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def two_crises(db: Database) -> tuple[crises.CrisisOut, crises.CrisisOut]:
    """Unrest in Osh, and clashes in Batken reported before the Council decides on Osh:
    each with the request of Kyrgyzstan."""
    osh = crisis(db)
    request(db, osh.id, T0 + timedelta(minutes=30))
    batken = crises.open_crisis(db, crises.CrisisIn(
        title="Clashes in Batken", category="armed_attack", affected=["KGZ"]), actor=SEC,
        at=T0 + timedelta(minutes=20))
    request(db, batken.id, T0 + timedelta(minutes=40))
    return osh, batken


def test_a_decision_answers_one_crisis_and_no_other(db: Database) -> None:
    osh, batken = two_crises(db)
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(db, osh.session_id or 0, measures=[PK], formations=["peacekeeping"])
        other = adopt(db, osh.session_id or 0, measures=[PK, Measure.HUMANITARIAN])
    crises.link_decision(db, osh.id, decision, actor=SEC, at=T0 + timedelta(hours=3))
    before = _audit_length(db)
    with pytest.raises(Conflict) as refused:
        crises.link_decision(db, batken.id, decision, actor=SEC, at=T0 + timedelta(hours=4))
    message = str(refused.value)
    assert message.startswith("CSC-")
    assert (f"already answers crisis {osh.id} (Mass unrest in Osh and Jalal-Abad): a decision "
            "on a collective response answers the situation it was taken on") in message
    # nothing written: no link, no timeline entry, no audit entry, no notice to the UN
    with db.read() as conn:
        after = crises.get(conn, batken.id, actor=SEC)
    assert after.decision_id is None and after.authorizes == [] and after.un_notice is None
    assert not any(e.text.startswith("decision ") for e in after.timeline)
    assert _audit_length(db) == before
    # linking it again to its own crisis stays as it was
    again = crises.link_decision(db, osh.id, decision, actor=SEC, at=T0 + timedelta(hours=5))
    assert again.decision_id == decision and again.authorizes == [PK.value]
    # replaced there by a later decision, it still answers the crisis it was taken on
    crises.link_decision(db, osh.id, other, actor=SEC, at=T0 + timedelta(hours=6))
    with pytest.raises(Conflict, match=f"already answers crisis {osh.id} "):
        crises.link_decision(db, batken.id, decision, actor=SEC, at=T0 + timedelta(hours=7))


def test_the_api_refuses_a_reused_decision_with_a_problem(db: Database,
                                                          settings: Settings) -> None:
    osh, batken = two_crises(db)
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(db, osh.session_id or 0, measures=[PK])
    with TestClient(create_app(settings, db)) as client:
        headers = {"Authorization": "Bearer " + api_tokens.issue_token(
            db, "secretariat", actor=SYSTEM).token}
        first = client.post(f"/api/v1/crises/{osh.id}/decision", headers=headers,
                            json={"decision_id": decision})
        assert first.status_code == 200, first.text
        with db.read() as conn:
            number = dec.get_decision(conn, decision, actor=SEC).number
        r = client.post(f"/api/v1/crises/{batken.id}/decision", headers=headers,
                        json={"decision_id": decision})
        assert r.status_code == 409
        assert r.headers["content-type"].startswith("application/problem+json")
        detail = r.json()["detail"]
        assert f"{number} already answers crisis {osh.id} (Mass unrest in Osh" in detail
        assert client.get(f"/api/v1/crises/{batken.id}",
                          headers=headers).json()["decision_id"] is None


def test_the_refusal_reads_in_russian() -> None:
    from phalanx.web.i18n.errors import translate

    reused = ("CSC-2023-001 cannot authorize the response: CSC-2023-001 already answers "
              "crisis 1 (Mass unrest in Osh): a decision on a collective response answers "
              "the situation it was taken on")
    assert translate(reused, "ru") == (
        "CSC-2023-001 не может санкционировать ответные меры: CSC-2023-001 уже отвечает на "
        "кризис 1 (Mass unrest in Osh): решение о коллективном реагировании отвечает на ту "
        "ситуацию, по которой оно принято")


def test_a_decision_not_in_force_authorizes_nothing(db: Database) -> None:
    """A decision repealed, or not yet in force on the day of the link, is refused (409,
    naming it and its status that day), nothing written."""
    osh, _batken = two_crises(db)
    with clock.use(T0 + timedelta(hours=2)):
        repealed = adopt(db, osh.session_id or 0, measures=[PK])
        adopt(db, osh.session_id or 0, lifecycle={"effect": "repeals", "target": repealed})
        waiting = adopt(db, osh.session_id or 0, measures=[PK],
                        lifecycle={"start": "notifications"})
    before = _audit_length(db)
    for decision, status in ((repealed, "repealed"), (waiting, "pending")):
        with pytest.raises(Conflict) as refused:
            crises.link_decision(db, osh.id, decision, actor=SEC,
                                 at=T0 + timedelta(hours=3))
        assert f"is not in force on {(T0 + timedelta(hours=3)).date()} ({status}): it " \
               "authorizes nothing" in str(refused.value)
    assert _audit_length(db) == before
    from phalanx.web.i18n import errors

    russian = errors.translate(str(refused.value), "ru")
    assert "не действует на" in russian and "не вступило в силу" in russian
