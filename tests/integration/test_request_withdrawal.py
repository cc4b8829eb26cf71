"""The affected state ends the mission by withdrawing its official request (Kazakhstan,
January 2022: the President declared the mission accomplished and the forces left): only
whoever acts for that state withdraws it, once; it is audited, on the timeline and
announced live; from then on nothing new answers it (no decision linked, no measure, no
deployment), while the units still out come home by a decided withdrawal before the
crisis closes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.adapters.events import Event
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, crisis_requests, forces
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.web.app import create_app
from tests.integration.test_response_chain import PK, SEC, adopt, rep

T1 = datetime(2022, 1, 5, 18, 0, tzinfo=UTC)  # unrest in Almaty reported
ASKED = T1 + timedelta(hours=3)  # the President's request under the Treaty
ENDED = datetime(2022, 1, 13, 7, 0, tzinfo=UTC)  # "the mission is accomplished"
GONE = ("military_peacekeeping: the official request of KAZ of 2022-01-05 21:00 UTC was "
        "withdrawn on 2022-01-13 07:00 UTC: nothing decided, linked or deployed after that "
        "answers it")
PLANNER = Principal("planner", Role.PLANNER)


@pytest.fixture
def db(accounts_db: Database) -> Database:
    return accounts_db  # the built-in dataset and the demo accounts


def _audit(db: Database) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(select(t.audit_log).order_by(t.audit_log.c.id)))


def _audit_length(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one())


def _token(db: Database, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_tokens.issue_token(db, username, actor=SYSTEM).token}"}


# --- the state withdraws its request ------------------------------------------------------


def kazakhstan(db: Database) -> tuple[crises.CrisisOut, int]:
    """January 2022: the request for collective peacekeeping forces, a Council decision on
    it, the response under way; gives the crisis and the request's id."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty", lat=43.24, lon=76.89),
        actor=rep("KAZ"), at=T1)
    asked = crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state", at=ASKED,
        article="Treaty art. 4", measures=[PK], forces="collective peacekeeping forces"),
        actor=rep("KAZ"), at=ASKED)
    c = crises.convene_consultations(db, c.id, actor=SEC, at=T1 + timedelta(hours=4))
    crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=T1 + timedelta(hours=5))
    with clock.use(T1 + timedelta(hours=6)):
        decision = adopt(db, c.session_id or 0, measures=[PK], formations=["peacekeeping"],
                         contributing_states=["ARM", "BLR", "KGZ", "RUS", "TJK"])
    crises.link_decision(db, c.id, decision, actor=SEC, at=T1 + timedelta(hours=6))
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=T1 + timedelta(hours=6))
    crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC,
                        at=T1 + timedelta(hours=7))
    c = crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=T1 + timedelta(hours=7))
    return c, asked.id


def _withdraw(db: Database, cid: int, rid: int, who: Principal, when: datetime = ENDED,
              reason: str = "") -> crisis_requests.OfficialRequestOut:
    return crisis_requests.withdraw_request(db, cid, rid, crisis_requests.WithdrawalIn(
        at=when, reason=reason), actor=who, at=ENDED + timedelta(minutes=30))


def test_only_the_requesting_state_withdraws_its_request_once(db: Database) -> None:
    c, rid = kazakhstan(db)
    before = _audit_length(db)
    with pytest.raises(Forbidden, match="you act for RUS, not for KAZ"):
        _withdraw(db, c.id, rid, rep("RUS"))
    with pytest.raises(Forbidden, match="only KAZ's authorized representative acts for it"):
        _withdraw(db, c.id, rid, SEC)  # the Secretariat registers, never ends, a request
    with pytest.raises(NotFound, match="official request"):
        _withdraw(db, c.id, rid + 100, rep("KAZ"))
    with pytest.raises(Invalid, match="it is withdrawn after that"):
        _withdraw(db, c.id, rid, rep("KAZ"), when=ASKED - timedelta(minutes=1))
    with pytest.raises(Invalid, match="in the future"):
        _withdraw(db, c.id, rid, rep("KAZ"), when=ENDED + timedelta(hours=1))
    assert _audit_length(db) == before  # nothing written

    recorder: list[Event] = []
    db.bus = type("Recorder", (), {"publish": lambda self, e: recorder.append(e)})()  # type: ignore[assignment]
    out = _withdraw(db, c.id, rid, rep("KAZ"), reason="the mission is accomplished")
    db.bus = None
    assert (out.withdrawn_at, out.withdrawal_reason) == (ENDED, "the mission is accomplished")
    # audited in the same transaction
    entry = _audit(db)[-1]
    assert (entry.action, entry.target_kind, entry.target_id) == (
        "crisis.official_request.withdrawal", "crisis", str(c.id))
    assert json.loads(entry.change) == {"request": rid, "state": "KAZ", "at": ENDED.isoformat(),
                            "reason": "the mission is accomplished"}
    assert entry.actor == "rep-kaz"
    # on the timeline, and announced live with the crisis's own marking
    with db.read() as conn:
        room = crises.get(conn, c.id, actor=rep("RUS"))
        row = conn.execute(access.select_visible(t.crisis, SYSTEM).where(
            t.crisis.c.id == c.id)).one()
    assert room.official_requests[0].withdrawn_at == ENDED
    assert any(e.text == "KAZ withdrew its official request of 2022-01-05 21:00 UTC at "
                         "2022-01-13 07:00 UTC — the mission is accomplished"
               for e in room.timeline)
    assert [(e.topic, e.kind, e.data) for e in recorder] == [
        (f"crisis:{c.id}", "request", {"id": rid, "withdrawn": True})]
    assert recorder[0].classification == access.classification_of(row)

    with pytest.raises(Conflict, match="the official request of KAZ of 2022-01-05 21:00 UTC "
                                       "was already withdrawn on 2022-01-13 07:00 UTC"):
        _withdraw(db, c.id, rid, rep("KAZ"))


def test_nothing_new_answers_a_withdrawn_request(db: Database) -> None:
    c, rid = kazakhstan(db)
    need = crises.request_assistance(db, c.id, crises.RequestIn(
        resource="a peacekeeping company", measure=PK, quantity=2,
        needed_by=T1 + timedelta(days=2)), actor=rep("KAZ"), at=T1 + timedelta(hours=8))
    req = need.requests[0].id
    for state in ("RUS", "BLR"):
        crises.offer_assistance(db, req, crises.OfferIn(
            kind="units", description=f"a company of {state}", quantity=1), actor=rep(state),
            at=T1 + timedelta(hours=9))
    with db.read() as conn:
        offers = crises.get(conn, c.id, actor=SEC).requests[0].offers
    crises.decide_offer(db, offers[0].id, True, actor=rep("KAZ"), at=T1 + timedelta(hours=10))
    with clock.use(T1 + timedelta(days=1)):
        humanitarian = adopt(db, c.session_id or 0, measures=[PK, Measure.HUMANITARIAN])
    _withdraw(db, c.id, rid, rep("KAZ"))

    before = _audit_length(db)
    with pytest.raises(Conflict) as deployed:
        crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=ENDED + timedelta(hours=1))
    assert str(deployed.value) == GONE  # a unit is committed: only the withdrawal refuses
    with pytest.raises(Conflict, match=f"offer {offers[1].id} is not accepted: {GONE}"):
        crises.decide_offer(db, offers[1].id, True, actor=rep("KAZ"))
    with pytest.raises(Conflict, match=rf"under way \(response\): {GONE}"):
        crises.set_response(db, c.id, crises.ResponseIn(measures=[PK]), actor=SEC)
    with pytest.raises(Conflict, match=f"cannot authorize the response: .*{GONE}"):
        crises.link_decision(db, c.id, humanitarian, actor=SEC, at=ENDED + timedelta(hours=2))
    assert _audit_length(db) == before
    with db.read() as conn:  # the crisis room names it
        assert crises.military_check(conn, c.id, actor=SEC) == [GONE]
        assert dict(crises.stage_options(conn, c.id, actor=SEC))[Stage.DEPLOYED] == [GONE]

    # declining, dropping the military measure and winding down stay open
    crises.decide_offer(db, offers[1].id, False, actor=rep("KAZ"))
    crises.transition(db, c.id, Stage.MONITORING, actor=SEC, at=ENDED + timedelta(hours=3))
    done = crises.transition(db, c.id, Stage.CLOSED, actor=SEC, at=ENDED + timedelta(days=1),
                             review="The mission was accomplished; the forces left.")
    assert done.stage is Stage.CLOSED
    with pytest.raises(Conflict, match=f"crisis {c.id} is closed: its official requests no "
                                       "longer change"):
        _withdraw(db, c.id, rid, rep("KAZ"))


def test_after_the_withdrawal_only_the_way_home_is_decided(db: Database) -> None:
    """The forces decided before the withdrawal stay decided; a new deployment plan is
    refused naming the withdrawal; the crisis closes once their way home is decided."""
    c, rid = kazakhstan(db)
    at = T1 + timedelta(hours=8)
    forces.add_requirement(db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=300, place="Almaty", lat=43.24, lon=76.89,
        needed_by=T1 + timedelta(days=2)), actor=PLANNER, at=at)
    for s in ["BLR", "KGZ", "RUS", "TJK"]:
        forces.give_consent(db, c.id, s, forces.ConsentIn(scope="all"), actor=rep(s), at=at)
    first = forces.run_plan(db, c.id, forces.PlanIn(time_limit=1), actor=PLANNER, at=at)
    assert first.movements
    forces.decide_plan(db, first.id, actor=PLANNER, at=at)
    crises.transition(db, c.id, Stage.DEPLOYED, actor=SEC, at=T1 + timedelta(days=1))
    second = forces.run_plan(db, c.id, forces.PlanIn(time_limit=1), actor=PLANNER,
                             at=T1 + timedelta(days=2))
    _withdraw(db, c.id, rid, rep("KAZ"))
    with pytest.raises(Conflict, match=f"plan {second.id} is not decided: {GONE}"):
        forces.decide_plan(db, second.id, actor=PLANNER, at=ENDED + timedelta(hours=1))
    crises.transition(db, c.id, Stage.MONITORING, actor=SEC, at=ENDED + timedelta(hours=1))
    review = "The mission was accomplished; the forces left."
    with pytest.raises(Conflict, match="still out: plan and decide their way home"):
        crises.transition(db, c.id, Stage.CLOSED, actor=SEC, review=review,
                          at=ENDED + timedelta(hours=2))
    home = forces.plan_withdrawal(db, c.id, forces.WithdrawalIn(time_limit=1), actor=PLANNER,
                                  at=ENDED + timedelta(hours=2))
    forces.decide_plan(db, home.id, actor=PLANNER, at=ENDED + timedelta(hours=2))
    done = crises.transition(db, c.id, Stage.CLOSED, actor=SEC, review=review,
                             at=ENDED + timedelta(days=6))
    assert done.stage is Stage.CLOSED and done.official_requests[0].withdrawn_at == ENDED


def test_the_api_withdraws_for_the_requesting_state_only(db: Database,
                                                          settings: Settings) -> None:
    c, rid = kazakhstan(db)
    path = f"/api/v1/crises/{c.id}/official-requests/{rid}/withdrawal"
    with TestClient(create_app(settings, db)) as client:
        kaz = _token(db, "rep-kaz")
        assert client.post(path, headers=_token(db, "rep-rus"), json={}).status_code == 403
        assert client.post(path, headers=_token(db, "secretariat"), json={}).status_code == 403
        missing = client.post(f"/api/v1/crises/{c.id}/official-requests/{rid + 9}/withdrawal",
                              headers=kaz, json={})
        assert missing.status_code == 404
        future = client.post(path, headers=kaz, json={"at": "2999-01-01T00:00:00Z"})
        assert future.status_code == 422
        r = client.post(path, headers=kaz, json={"at": "2022-01-13T07:00:00Z",
                                                 "reason": "the mission is accomplished"})
        assert r.status_code == 200, r.text
        assert (r.json()["withdrawn_at"], r.json()["withdrawal_reason"]) == (
            "2022-01-13T07:00:00Z", "the mission is accomplished")
        again = client.post(path, headers=kaz, json={})
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert "already withdrawn on 2022-01-13 07:00 UTC" in again.json()["detail"]


def test_the_crisis_room_offers_the_withdrawal_to_the_states_representative(
        db: Database, settings: Settings) -> None:
    import re

    from tests.support.sessions import login

    c, rid = kazakhstan(db)
    form_id = f"withdrawal-form-{rid}"
    with TestClient(create_app(settings, db)) as staff:
        login(staff, "secretariat", "demo-secretariat")
        assert form_id not in staff.get(f"/crises/{c.id}").text  # never in a state's name
    with TestClient(create_app(settings, db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{c.id}").text
        assert form_id in room and "Отозвать это обращение" in room
        token = re.search(r'name="csrf_token" value="([^"]+)"', room).group(1)  # type: ignore[union-attr]
        path = f"/crises/{c.id}/official-requests/{rid}/withdrawal"
        # a time before the request: the room again, the refusal beside the form, kept
        r = client.post(path, data={"csrf_token": token, "at": "2022-01-05T20:00",
                                    "reason": "the mission is accomplished"})
        assert r.status_code == 422 and f"<h1>{c.title}" in r.text
        refusal = re.search(r'id="withdrawal-error"[^>]*>(.*?)</p>', r.text, re.S)
        assert refusal is not None and "отозвать его можно только позже" in refusal.group(1)
        assert 'value="the mission is accomplished"' in r.text
        r = client.post(path, data={"csrf_token": token, "at": "2022-01-13T07:00",
                                    "reason": "the mission is accomplished"},
                        follow_redirects=False)
        assert r.status_code == 303
        room = client.get(f"/crises/{c.id}").text
    assert form_id not in room
    assert f'data-withdrawn="{rid}">отозвано государством 13.01.2022 07:00 UTC' in room
    assert "the mission is accomplished" in room
    # the timeline says it in Russian, the reason as it was written
    assert ("KAZ отозвало своё официальное обращение от 05.01.2022 21:00 UTC в "
            "13.01.2022 07:00 UTC — the mission is accomplished") in room
    # and the guards name the withdrawal in the reader's language
    assert "миротворческие: официальное обращение KAZ от 05.01.2022 21:00 UTC отозвано" in room


def test_the_refusals_read_in_russian() -> None:
    from phalanx.web.i18n.errors import translate

    assert translate(f"plan 4 is not decided: {GONE}", "ru").startswith(
        "план 4 не утверждён: миротворческие: официальное обращение KAZ от 05.01.2022 "
        "21:00 UTC отозвано 13.01.2022 07:00 UTC")
    assert translate("the official request of KAZ of 2022-01-05 21:00 UTC was already "
                     "withdrawn on 2022-01-13 07:00 UTC", "ru") == (
        "официальное обращение KAZ от 05.01.2022 21:00 UTC уже отозвано 13.01.2022 07:00 UTC")
    assert translate("crisis 3 is closed: its official requests no longer change", "ru") == (
        "кризис 3 на стадии «закрыт»: его официальные обращения больше не меняются")
