"""A national agency's reporter reads what is released to its state's users and its own
agency's work: not its state's NATIONAL records kept by the representative (a document),
nor another agency's reports of its state before the representative releases them, in
the API, the pages, the totals and the change feed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import documents as docs
from phalanx.services import identity
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_operation_review_pages import PASSWORD, login
from tests.support.sessions import bearer

ROW = {"reference": "KZ/POL/1", "date": "2025-10-10", "stage": "autumn-2025",
       "metric": "seizure", "substance": "heroin", "quantity": 3.5, "unit": "kg",
       "area": "Almaty"}
REPORT = "/operations/channel/reports/KAZ/police/KZ%2FPOL%2F1"
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")


@pytest.fixture
def world(loaded_db: Database, settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    for name, role, state, agency in (("kaz-police", Role.REPORTER, "KAZ", Agency.POLICE),
                                      ("kaz-customs", Role.REPORTER, "KAZ", Agency.CUSTOMS),
                                      ("rep-kaz", Role.REPRESENTATIVE, "KAZ", None),
                                      ("tjk-police", Role.REPORTER, "TJK", Agency.POLICE),
                                      ("rep-tjk", Role.REPRESENTATIVE, "TJK", None)):
        identity.add_user(loaded_db, identity.NewUser(name, PASSWORD, role, state, agency),
                          actor=SYSTEM)
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c, loaded_db


def _heroin(c: TestClient, headers: dict[str, str]) -> float:
    r = c.get("/api/v1/operations/channel/statistics?by=state&by=agency&metric=seizure"
              "&unit=kg&stage=autumn-2025", headers=headers)
    assert r.status_code == 200, r.text
    return sum(g["quantity"] for g in r.json()["rows"]
               if g["key"].get("state") == "KAZ" and g["key"].get("agency") == "police")


def test_a_reporter_reads_no_other_agencys_unreleased_reports(
        world: tuple[TestClient, Database]) -> None:
    c, db = world
    police, customs = bearer(db, "kaz-police"), bearer(db, "kaz-customs")
    r = c.post("/api/v1/operations/channel/reports", headers=police,
               json={"state": "KAZ", "agency": "police", "rows": [ROW]})
    assert r.status_code == 200, r.text
    # the agency that sent it reads it, its versions and its totals
    assert c.get("/api/v1" + REPORT, headers=police).status_code == 200
    assert _heroin(c, police) == 3.5
    # another agency of the same state: not before the representative releases it
    assert c.get("/api/v1" + REPORT, headers=customs).status_code == 404
    listed = c.get("/api/v1/operations/channel/reports?state=KAZ&agency=police",
                   headers=customs)
    assert listed.status_code == 200 and listed.json() == []
    assert _heroin(c, customs) == 0
    login(c, "kaz-customs")
    assert c.get(REPORT).status_code == 404
    assert "KZ/POL/1" not in c.get("/operations/channel/reports?state=KAZ&agency=police").text
    c.cookies.clear()
    # released by the representative, it is the organization's: every member's user reads it
    ops.release(db, "channel", actor=REP_KAZ)
    assert c.get("/api/v1" + REPORT, headers=customs).status_code == 200
    assert _heroin(c, customs) == 3.5


def test_a_reporter_reads_none_of_its_states_national_documents(
        world: tuple[TestClient, Database]) -> None:
    c, db = world
    doc = docs.create(db, docs.DocumentIn(
        owner_kind=OwnerKind.STATE, owner="KAZ", marking=Marking.NATIONAL,
        title="National assessment", kind="note", body="for the representative"),
        actor=REP_KAZ)
    assert c.get(f"/api/v1/documents/{doc.id}",
                 headers=bearer(db, "rep-kaz")).status_code == 200
    customs = bearer(db, "kaz-customs")
    assert c.get(f"/api/v1/documents/{doc.id}", headers=customs).status_code == 404
    listed = c.get("/api/v1/documents?size=100", headers=customs).json()["items"]
    assert doc.id not in [d["id"] for d in listed]
    login(c, "kaz-customs")
    assert c.get(f"/documents/{doc.id}").status_code == 404
    assert "National assessment" not in c.get("/documents").text


def test_a_reporter_is_offered_no_form_done_in_its_states_name(
        world: tuple[TestClient, Database]) -> None:
    """Its state's transposition of a model law and the after-action finding its state
    owns are recorded by the state's representative (or the Secretariat): the page offers
    a reporter no form for them, as the service refuses it."""
    c, _ = world
    for user, sees in (("kaz-customs", False), ("rep-kaz", True)):
        login(c, user)
        assert ('id="transposition-form"' in c.get("/parliament").text) is sees, user
    finding = 'action="/joint-exercises/findings/'
    for user, sees in (("tjk-police", False), ("rep-tjk", True)):
        login(c, user)
        page = c.get("/joint-exercises").text
        assert "Review the host nation support plan" in page
        assert (finding in page) is sees, user


def test_the_header_does_not_say_a_reporter_acts_for_its_state(
        world: tuple[TestClient, Database]) -> None:
    """A reporter submits its agency's results; only the representative acts for the
    state (`policy.acts_for`): its header names its state and agency, not "acting for"."""
    c, _ = world
    login(c, "kaz-customs")
    for lang, acting in (("en", "acting for"), ("ru", "от имени")):
        head = c.get(f"/inbox?lang={lang}").text.split('class="user"')[1].split("</span>\n")[0]
        assert '<strong class="state">KAZ</strong>' in head and acting not in head, head
    login(c, "rep-kaz")
    head = c.get("/inbox?lang=en").text.split('class="user"')[1]
    assert "acting for" in head.split("</span>\n")[0]
