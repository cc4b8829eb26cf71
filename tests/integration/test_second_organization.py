"""Another organization served from its file (`tests/fixtures/danube-alliance.yaml`): the
demo fits it, and its pages name its own agreement, bodies and sections, never the
built-in organization's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import crises, decision_exports, demo
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

FILE = Path(__file__).parents[1] / "fixtures" / "danube-alliance.yaml"


@pytest.fixture
def danube_db(sqlite_db: Database) -> Database:
    orgs.load_dataset(sqlite_db, FILE, actor=SYSTEM)
    demo.ensure_demo_accounts(sqlite_db, actor=SYSTEM)
    return sqlite_db


def test_the_demo_records_fit_another_organization(danube_db: Database) -> None:
    # the built-in organization's exercise and forces crisis name its states and units:
    # they are left out, and the session is the alliance's own supreme body's
    created = demo.ensure_demo_records(danube_db, actor=SYSTEM)
    assert "adopted draft" in created
    # the council decides by majority: the draft one member objects to is adopted
    assert "adopted draft over an objection" in created and "returned draft" not in created
    assert not [c for c in created if "Frontier" in c or "CRRF" in c]
    with danube_db.read() as conn:
        (meeting,) = dec.list_meetings(conn, actor=SYSTEM)
    assert meeting.body == "supreme-council" and meeting.place == ""


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_pages_name_the_organizations_own_things(danube_db: Database,
                                                     settings: Settings) -> None:
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        home = client.get("/?lang=en").text
        # the file has no assembly, military-technical register, operations or training
        for href in ("/parliament", "/mtc", "/operations", "/training", "/external"):
            assert f'href="{href}"' not in home, href
        assert 'href="/forces"' in home and 'href="/sessions"' in home
        overview = client.get("/secretariat?lang=en").text
        assert 'id="ov-parliament"' not in overview and 'id="ov-exercises"' in overview
        members = client.get("/members?lang=en").text
        assert 'title="Danube Security Pact">Bound by the founding agreement' in members
        agreements = _text(client.get("/agreements?lang=en").text)
        for page in (_text(members), agreements):
            assert "Treaty" not in page and "Charter" not in page


def test_the_built_in_organization_keeps_its_sections(accounts_db: Database,
                                                       settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        home = client.get("/?lang=en").text
        for href in ("/parliament", "/mtc", "/operations", "/training", "/external"):
            assert f'href="{href}"' in home, href


def test_a_decision_by_majority_is_exported_as_one(danube_db: Database) -> None:
    # the supreme council decides by majority (its file's default rule): the demo's
    # second draft, objected to by one member, is adopted, and its Akoma Ntoso names the
    # majority rule, not consensus
    demo.ensure_demo_records(danube_db, actor=SYSTEM)
    with danube_db.read() as conn:
        adopted = {d.title: d for d in dec.list_decisions(conn, actor=SYSTEM)}
        objected = adopted["On the joint information policy"]
        xml = decision_exports.akoma_ntoso(conn, objected.id, "en", actor=SYSTEM).decode()
        other = decision_exports.akoma_ntoso(
            conn, adopted["On the plan of consultations"].id, "en", actor=SYSTEM).decode()
    assert 'refersTo="#majority"' in xml and 'eId="majority"' in xml
    assert 'value="1" refersTo="#object"' in xml
    assert "consensus" not in xml
    assert 'refersTo="#majority"' in other


def test_the_crrf_constraint_binds_only_an_organization_whose_file_gives_it(
        danube_db: Database, settings: Settings) -> None:
    # a report naming a member as the other party: the built-in organization's CRRF is
    # not used for such a dispute (its formations' `use_constraint: crrf`,
    # test_crisis_room_refusals); the alliance's response force has no such constraint,
    # and its rapid-reaction measure is not refused for it, nor asked about CIS partners
    c = crises.open_crisis(danube_db, crises.CrisisIn(
        title="Border clash", category="armed_attack", affected=["SVN"],
        other_parties=["HUN"], severity="severe", place="border"), actor=SYSTEM)
    crises.set_response(danube_db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SYSTEM)
    crises.convene_consultations(danube_db, c.id, actor=SYSTEM)
    crises.transition(danube_db, c.id, Stage.ASSESSMENT, actor=SYSTEM)
    with danube_db.read() as conn:
        refused = crises.military_check(conn, c.id, actor=SYSTEM)
    # what stands is the alliance's own rules: a decision, the state's request
    assert refused and not [r for r in refused if "CRRF" in r or "CIS" in r], refused
    with TestClient(create_app(settings, danube_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        room = client.get(f"/crises/{c.id}?lang=en").text
        assert "other party" in room and "a dispute between members" in room
        assert "CRRF is not used" not in room and "CIS" not in room
        # the guards' facts: the UN mandate and abroad, not the CRRF's two
        assert 'value="un_mandate"' in room and 'value="abroad"' in room
        assert 'value="bilateral_dispute"' not in room
        assert 'value="against_cis_or_neighbour"' not in room
