"""A form done in a state's name shows exactly to whom the service lets do it (one rule:
`policy.acts_for`), and a form of the organization's staff to the staff (`policy.is_staff`):
a national agency's reporter, an observer or a representative whose appointment has ended
gets no form the service would refuse, and the Joint Staff's planner gets what the service
lets it do (close a draft, end an exercise); a form of part of the staff (the notice to
the UN Security Council) to that part (`policy.does`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.policy import Duty, StateAct, acts_for, does, is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.services import clock, crises, identity, state_users
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, session, written
from tests.support.sessions import login

PASSWORDS = {"secretariat": "demo-secretariat", "planner": "demo-planner-pass",
             "rep-kaz": "demo-rep-kaz", "rep-blr": "demo-rep-blr",
             "reporter-kaz": "demo-reporter-kaz", "observer": "demo-observer-pass",
             "admin": "demo-admin-pass", "auditor": "demo-auditor-pass"}
USERS = tuple(PASSWORDS)[:6]


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _page(client: TestClient, user: str, path: str) -> str:
    client.cookies.clear()
    login(client, user, PASSWORDS[user])
    html = client.get(path).text
    client.cookies.clear()
    return html


def _principal(db: Database, user: str) -> Principal:
    with db.read() as conn:
        return identity.principal(conn, user)


def _end_term(db: Database, user: str) -> None:
    state_users.set_term(db, user, now().date() - timedelta(days=1), actor=SYSTEM)


def test_a_drafts_forms_follow_who_acts_for_a_state_and_who_is_staff(
        client: TestClient, accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the calendar", text_en="To adopt it."),
        actor=SEC)
    for user in USERS:
        p = _principal(accounts_db, user)
        html = _page(client, user, f"/drafts/{d.id}?lang=en")
        may_state = bool(p.state) and acts_for(p, p.state, StateAct.POSITION)
        assert ('id="position-form"' in html) == may_state, user
        assert ('id="close-draft"' in html) == is_staff(p), user
    _end_term(accounts_db, "rep-kaz")  # it reads what the public reads: not the draft
    assert 'id="position-form"' not in _page(client, "rep-kaz", f"/drafts/{d.id}")


def test_the_written_procedures_form_is_for_the_state_that_acts(
        client: TestClient, accounts_db: Database) -> None:
    d = written(accounts_db)
    assert d.turn == "BLR"
    assert 'id="sign-form"' in _page(client, "rep-blr", f"/drafts/{d.id}")
    _end_term(accounts_db, "rep-blr")
    html = _page(client, "rep-blr", f"/drafts/{d.id}?lang=en")
    assert 'id="sign-form"' not in html and 'id="object-form"' not in html


def test_a_crisis_rooms_forms_follow_the_same_rules(
        client: TestClient, accounts_db: Database) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Flooding in Almaty region", category="natural_disaster", affected=["KAZ"],
        severity="moderate", place="Almaty", lat=43.24, lon=76.89), actor=SEC)
    for user in USERS:
        p = _principal(accounts_db, user)
        html = _page(client, user, f"/crises/{c.id}")
        may_ask = p.state == "KAZ" and acts_for(p, "KAZ", StateAct.CRISIS)
        assert ('id="request-form"' in html) == may_ask, user
        assert ('id="exercise-end"' in html) is False, user  # a real crisis
    _end_term(accounts_db, "rep-kaz")
    assert 'id="request-form"' not in _page(client, "rep-kaz", f"/crises/{c.id}")


def test_the_exercise_control_form_is_the_staffs(
        client: TestClient, accounts_db: Database) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Command-post exercise", category="natural_disaster", affected=["KAZ"],
        severity="moderate", place="Almaty", lat=43.24, lon=76.89, exercise=True), actor=SEC)
    for user in USERS:
        p = _principal(accounts_db, user)
        html = _page(client, user, f"/crises/{c.id}")
        assert ('id="exercise-end-form"' in html) == is_staff(p), user


def test_the_crisis_forms_of_the_staff_and_the_states_follow_their_rules(
        client: TestClient, accounts_db: Database) -> None:
    """Reporting a crisis, filing a situation report (the staff, or a representative in
    its state's name), the CAP feeds (the staff) and recording the notice to the UN
    Security Council (`Duty.UN_NOTICE`): a reporter, an observer and the auditor get none,
    the Joint Staff no notice."""
    from tests.integration.test_response_chain import PK, T0, adopt, crisis, request

    c = crisis(accounts_db)
    request(accounts_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        decided = adopt(accounts_db, c.session_id or 0, measures=[PK],
                        formations=["peacekeeping"], period_days=30)
    crises.link_decision(accounts_db, c.id, decided, actor=SEC, at=T0 + timedelta(hours=4))
    for user in PASSWORDS:
        p = _principal(accounts_db, user)
        in_crisis = is_staff(p) or (bool(p.state) and acts_for(p, p.state, StateAct.CRISIS))
        room = _page(client, user, f"/crises/{c.id}")
        assert ('id="sitrep-form"' in room) == in_crisis, user
        assert ('id="un-notice-form"' in room) == does(p, Duty.UN_NOTICE), user
        assert ('id="report-form"' in _page(client, user, "/crises")) == in_crisis, user
        assert ('action="/feeds"' in _page(client, user, "/feeds")) == is_staff(p), user
    assert does(_principal(accounts_db, "secretariat"), Duty.UN_NOTICE)
    assert not does(_principal(accounts_db, "planner"), Duty.UN_NOTICE)
