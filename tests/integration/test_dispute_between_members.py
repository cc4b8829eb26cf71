"""A member reports aggression by another member (Kyrgyzstan and Tajikistan, 2021 and
2022): the crisis names the other party, the CRRF is refused for a dispute between
members without any box ticked, the member named owes no assistance against itself,
and a party keeps its say in the consensus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises, crisis_obligations, crisis_requests, exercise
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid
from phalanx.web.app import create_app
from tests.support.sessions import bearer

START = datetime(2022, 9, 14, 3, 0, tzinfo=UTC)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _open(db: Database, **extra: object) -> int:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Clashes on the border, Batken region", category="aggression",
        affected=["KGZ"], **extra), actor=exercise.representative("KGZ"), at=START)
    return c.id


def test_the_report_names_the_other_party_and_it_owes_no_assistance_against_itself(
        db: Database) -> None:
    cid = _open(db, other_parties=["TJK"])
    crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state", at=START,
        article="Treaty art. 4", measures=["military_crrf"]),
        actor=exercise.representative("KGZ"), at=START)
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM, at=START + timedelta(hours=1))
    assert c.other_parties == ["TJK"] and c.members_in_dispute == ["TJK"]
    obliged = [line.state for line in c.obligations]
    assert "TJK" not in obliged and "KGZ" not in obliged
    assert sorted(obliged) == ["ARM", "BLR", "KAZ", "RUS"]
    with pytest.raises(Conflict, match="TJK owes no answer"):
        crisis_obligations.answer(db, cid, "TJK", crisis_obligations.ObligationIn(
            answer="declined", detail="it is a party"), actor=exercise.representative("TJK"),
            at=START + timedelta(hours=2))


def test_without_a_named_party_every_other_member_owes_an_answer(db: Database) -> None:
    cid = _open(db)
    crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state", at=START,
        article="Treaty art. 4", measures=["military_crrf"]),
        actor=exercise.representative("KGZ"), at=START)
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM, at=START + timedelta(hours=1))
    assert c.other_parties == [] and c.members_in_dispute == []
    assert "TJK" in [line.state for line in c.obligations]


@pytest.mark.parametrize(("others", "words"), [
    (["KGZ"], "KGZ cannot be both affected and the other party"),
    (["XYZ"], "XYZ: not a state of the organization's dataset"),
    (["TJK", "TJK"], "TJK named twice as the other party")])
def test_a_wrong_other_party_is_refused_and_nothing_is_stored(
        db: Database, others: list[str], words: str) -> None:
    with db.read() as conn:
        before = len(crises.board(conn, actor=SYSTEM))
    with pytest.raises(Invalid, match=words) as caught:
        _open(db, other_parties=others)
    assert caught.value.where == "other_parties"
    with db.read() as conn:
        assert len(crises.board(conn, actor=SYSTEM)) == before


SCENARIO = """
name: a dispute between members answered by the CRRF
start: 2022-09-14T09:00+06:00
injects:
  - {{at: 0, do: open, title: Clashes, category: aggression, affected: [KGZ]{others}}}
  - {{at: 5, do: official_request, state: KGZ, person: Sadyr Japarov,
     measures: [military_crrf]}}
  - {{at: 10, do: consultations}}
  - {{at: 20, do: transition, to: assessment}}
  - {{at: 30, do: decide, title: On the CRRF, authorizes: [military_crrf]{positions}}}
  - {{at: 35, do: transition, to: decision}}
  - {{at: 40, do: response, measures: [military_crrf]}}
  - {{at: 45, do: transition, to: response}}
"""


def _scenario(tmp_path: Path, others: str = "", positions: str = "") -> exercise.Scenario:
    path = tmp_path / "dispute.yaml"
    path.write_text(SCENARIO.format(others=others, positions=positions), encoding="utf-8")
    return exercise.load(path)


def test_the_crrf_is_refused_in_a_dispute_between_members_without_a_box_ticked(
        db: Database, tmp_path: Path) -> None:
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.run(db, _scenario(tmp_path, ", other_parties: [TJK]"))
    text = str(caught.value)
    assert ("the CRRF is not used to settle a bilateral political problem between states: "
            "the report names TJK, a member, as the other party (a dispute between the "
            "members KGZ, TJK)") in text
    with db.read() as conn:  # nothing of the run was stored
        assert crises.board(conn, actor=SYSTEM, exercise=True) == []
    # the same response when the report names no member as the other party
    result = exercise.run(db, _scenario(tmp_path))
    assert result.stage == "response"
    assert result.crisis is not None and result.crisis.measures == ["military_crrf"]


def test_a_party_to_the_dispute_may_block_the_decision(db: Database, tmp_path: Path) -> None:
    """Consensus of all the members: the member named as the other party keeps its say
    (DOMAIN §7: if one member does not agree, there is no decision)."""
    with pytest.raises(exercise.ScenarioError) as caught:
        exercise.run(db, _scenario(tmp_path, ", other_parties: [TJK]",
                                   ", positions: {TJK: object}"))
    assert ("minute 35, transition): the crisis cannot move from assessment to decision "
            "here: the decision stage needs a decision adopted by the body's rule"
            ) in str(caught.value)


def _login(client: TestClient, user: str, password: str) -> None:
    client.cookies.clear()
    client.get("/login")
    client.post("/login", data={"username": user, "password": password,
                                "csrf_token": client.cookies.get("phalanx_login_csrf")},
                follow_redirects=False)


def test_the_page_names_the_other_party_and_who_reads_it(accounts_db: Database,
                                                        settings: Settings) -> None:
    """Kyrgyzstan reports, naming Tajikistan; the room says it is a dispute between
    members, in Russian; the accused member and a third member read the crisis (marked
    for the organization), the observer does not."""
    with TestClient(create_app(settings, accounts_db)) as client:
        _login(client, "rep-kgz", "demo-rep-kgz")
        client.cookies.set("lang", "ru")
        token = client.get("/crises").text.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"csrf_token": token, "title": "Столкновения на границе", "category":
                "aggression", "affected": ["KGZ"], "other_parties": ["KGZ"],
                "severity": "severe", "place": "Batken", "lat": "40.06", "lon": "70.82"}
        r = client.post("/crises", data=form, follow_redirects=False)
        assert r.status_code == 400
        error = r.text.split('id="report-error"')[1].split("</")[0]
        assert "не может быть одновременно пострадавшим и другой стороной" in error
        r = client.post("/crises", data={**form, "other_parties": ["TJK"]},
                        follow_redirects=False)
        assert r.status_code == 303
        where = r.headers["location"]
        room = client.get(where).text
        assert ("другая сторона: TJK (спор между государствами-членами: КСОР не "
                "используются)") in room
        for user, password in (("rep-tjk", "demo-rep-tjk"), ("rep-kaz", "demo-rep-kaz")):
            _login(client, user, password)
            page = client.get(where)
            assert page.status_code == 200 and "data-other-parties" in page.text
        _login(client, "observer", "demo-observer-pass")
        assert client.get(where).status_code == 404


def test_the_api_takes_the_other_party_and_refuses_a_wrong_one(accounts_db: Database,
                                                               settings: Settings) -> None:
    crisis = {"title": "Clashes on the border", "category": "aggression",
              "affected": ["KGZ"], "place": "Batken", "lat": 40.06, "lon": 70.82}
    with TestClient(create_app(settings, accounts_db)) as client:
        auth = bearer(accounts_db, "rep-kgz")
        r = client.post("/api/v1/crises", headers=auth,
                        json={**crisis, "other_parties": ["KGZ"]})
        assert r.status_code == 422 and r.headers["content-type"].startswith(
            "application/problem+json")
        assert "KGZ cannot be both affected and the other party" in r.json()["detail"]
        assert client.get("/api/v1/crises", headers=auth).json() == []  # nothing stored
        r = client.post("/api/v1/crises", headers=auth,
                        json={**crisis, "other_parties": ["TJK"]})
        assert r.status_code == 201, r.text
        assert (r.json()["other_parties"], r.json()["members_in_dispute"]) == (["TJK"], ["TJK"])


def test_the_room_offers_a_party_only_what_the_rules_allow(accounts_db: Database,
                                                          settings: Settings) -> None:
    """In a dispute between members the room offered the CRRF (on the official request,
    the request for assistance and the response forms, then refused it), and the member
    named as the other party the form making its units available for the response to
    the aggression it is accused of. Neither is offered now; the API still refuses both."""
    from tests.support.sessions import login

    crisis = {"title": "Clashes on the border", "category": "aggression",
              "affected": ["KGZ"], "place": "Batken", "lat": 40.06, "lon": 70.82}
    with TestClient(create_app(settings, accounts_db)) as client:
        auth = bearer(accounts_db, "rep-kgz")
        dispute = client.post("/api/v1/crises", headers=auth,
                              json={**crisis, "other_parties": ["TJK"]}).json()
        plain = client.post("/api/v1/crises", headers=auth, json=crisis).json()
        assert "military_crrf" not in dispute["eligible_measures"]
        assert "military_crrf" in plain["eligible_measures"]
        login(client, "rep-kgz", "demo-rep-kgz")
        room = client.get(f"/crises/{dispute['id']}").text
        for form in ("official-request-form", "request-form"):
            html = room.split(f'id="{form}"')[1].split("</form>")[0]
            assert 'value="military_crrf"' not in html and 'value="humanitarian"' in html
        assert 'value="military_crrf"' in client.get(f"/crises/{plain['id']}").text
        client.cookies.clear()
        login(client, "rep-tjk", "demo-rep-tjk")
        client.cookies.set("lang", "ru")
        room = client.get(f"/crises/{dispute['id']}").text
        assert 'id="consent-form"' not in room
        assert ("TJK названо другой стороной (спор между государствами-членами): его "
                "подразделения в ответных мерах не участвуют") in room
        assert 'id="consent-form"' in client.get(f"/crises/{plain['id']}").text
        client.cookies.clear()
        r = client.put(f"/api/v1/crises/{dispute['id']}/consents/TJK",
                       headers=bearer(accounts_db, "rep-tjk"), json={"scope": "all"})
        assert r.status_code == 403 and r.headers["content-type"].startswith(
            "application/problem+json")
        assert "TJK is named as the other party" in r.json()["detail"]
        r = client.put(f"/api/v1/crises/{dispute['id']}/consents/KGZ",
                       headers=auth, json={"scope": "all"})
        assert r.status_code == 200, r.text
