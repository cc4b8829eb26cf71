"""A national system and a person in the crisis room both answer for a state: a system
that replaces the answer it read (If-Match, If-None-Match: *) never overwrites unseen an
answer given meanwhile; it is told so (412) and nothing is written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.obligations import Answer
from phalanx.domain.decisions.procedure import Position
from phalanx.domain.forces.registry import Scope
from phalanx.services import crisis_obligations, tokens
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.forces import ConsentIn, give_consent
from tests.support.sessions import bearer

ATTACK = {"title": "Armed attack in the Batken region", "category": "armed_attack",
          "affected": ["KGZ"]}


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def person(db: Database, user: str) -> Principal:
    """The same user as a person in the crisis room (not through the API)."""
    token = tokens.issue_token(db, user, actor=SYSTEM).token
    with db.read() as conn:
        principal = tokens.token_principal(conn, token)
    assert principal is not None
    return principal


def kaz_line(api: TestClient, crisis: int, auth: dict[str, str]) -> dict[str, object]:
    lines = api.get(f"/api/v1/crises/{crisis}", headers=auth).json()["obligations"]
    return next(x for x in lines if x["state"] == "KAZ")


def test_an_obligation_answer_given_meanwhile_is_not_replaced_unseen(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    crisis = api.post("/api/v1/crises", json=ATTACK, headers=bearer(db, "rep-kgz")).json()["id"]
    read = kaz_line(api, crisis, kaz)
    assert read["answer"] is None and read["version"] is None
    # meanwhile the representative answers in the crisis room
    crisis_obligations.answer(db, crisis, "KAZ", crisis_obligations.ObligationIn(
        answer=Answer.DECLINED, detail="no forces available"), actor=person(db, "rep-kaz"))
    url = f"/api/v1/crises/{crisis}/obligations/KAZ"
    forces = {"answer": "forces", "detail": "a battalion"}
    r = api.put(url, json=forces, headers={**kaz, "If-None-Match": "*"})
    assert r.status_code == 412, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    line = kaz_line(api, crisis, kaz)
    assert line["answer"] == "declined"
    # a version read before that answer is stale too
    r = api.put(url, json=forces, headers={**kaz, "If-Match": '"20000101T000000.000000Z"'})
    assert r.status_code == 412, r.text
    assert kaz_line(api, crisis, kaz)["answer"] == "declined"
    # read again, the system replaces the answer it has now seen
    r = api.put(url, json=forces, headers={**kaz, "If-Match": f'"{line["version"]}"'})
    assert r.status_code == 200, r.text
    assert kaz_line(api, crisis, kaz)["answer"] == "forces"
    # without a precondition the latest answer still counts
    r = api.put(url, json={"answer": "other", "detail": "medical aid"}, headers=kaz)
    assert r.status_code == 200 and kaz_line(api, crisis, kaz)["answer"] == "other"
    r = api.put(url, json=forces, headers={**kaz, "If-None-Match": "W/x"})
    assert r.status_code == 422, r.text


def test_a_consent_given_meanwhile_is_not_overwritten_unseen(
        api: TestClient, db: Database) -> None:
    kaz = bearer(db, "rep-kaz")
    crisis = api.post("/api/v1/crises", json=ATTACK, headers=bearer(db, "rep-kgz")).json()["id"]
    url = f"/api/v1/crises/{crisis}/consents/KAZ"
    r = api.put(url, json={"scope": "all"}, headers={**kaz, "If-None-Match": "*"})
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    assert r.headers["etag"] == f'"{version}"'
    listed = api.get(f"/api/v1/crises/{crisis}/consents", headers=kaz).json()
    assert [(c["state"], c["version"]) for c in listed] == [("KAZ", version)]
    # meanwhile the representative withholds the units in the crisis room
    give_consent(db, crisis, "KAZ", ConsentIn(scope=Scope.NONE, conditions="parliament"),
                 actor=person(db, "rep-kaz"))
    for stale in ({"If-Match": version}, {"If-None-Match": "*"}):
        r = api.put(url, json={"scope": "all"}, headers={**kaz, **stale})
        assert r.status_code == 412, (stale, r.text)
    listed = api.get(f"/api/v1/crises/{crisis}/consents", headers=kaz).json()
    assert listed[0]["scope"] == "none"
    r = api.put(url, json={"scope": "all"}, headers={**kaz, "If-Match": listed[0]["version"]})
    assert r.status_code == 200, r.text
    assert api.get(f"/api/v1/crises/{crisis}/consents", headers=kaz).json()[0]["scope"] == "all"


def test_a_position_stated_meanwhile_is_not_replaced_unseen(api: TestClient,
                                                            db: Database) -> None:
    staff = Principal("sec", Role.SECRETARIAT)
    meeting = dec.convene(db, dec.MeetingIn(body="csc", opens_at=datetime(
        2023, 11, 23, 10, tzinfo=UTC)), actor=staff)
    draft = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=meeting.id, title="On the plan",
        text_en="The Council decides:\n1. To approve the plan.\n"), actor=staff)
    kaz = bearer(db, "rep-kaz")
    url = f"/api/v1/drafts/{draft.id}/positions"

    def stance() -> dict[str, object]:
        read = api.get(f"/api/v1/drafts/{draft.id}", headers=kaz).json()
        return next(s for s in read["stances"] if s["state"] == "KAZ")

    assert stance()["version"] is None
    # meanwhile the representative objects in the session
    dec.state_position(db, draft.id, Position.OBJECT, "not yet", actor=person(db, "rep-kaz"))
    r = api.post(url, json={"position": "support"}, headers={**kaz, "If-None-Match": "*"})
    assert r.status_code == 412, r.text
    seen = stance()
    assert seen["position"] == "object"
    r = api.post(url, json={"position": "support"}, headers={**kaz, "If-Match": seen["version"]})
    assert r.status_code == 200, r.text
    assert stance()["position"] == "support"
    r = api.post(url, json={"position": "abstain"}, headers={**kaz, "If-Match": seen["version"]})
    assert r.status_code == 412 and stance()["position"] == "support"
