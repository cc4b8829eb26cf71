"""The inbox, on SQLite and PostgreSQL: what awaits a representative (its position on an
open draft, its signature in a written procedure, its consent when a crisis needs
forces), what awaits the Secretariat (overdue tasks, overdue stages), and nothing for an
observer; an item leaves the inbox once done. The page: the landing page after login,
"nothing to show" when empty."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.decisions.procedure import Answer
from phalanx.domain.forces.registry import Scope
from phalanx.services import crises, crisis_obligations, crisis_requests, demo, forces
from phalanx.services import decisions as dec
from phalanx.services import inbox as ib
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.days import working_deadline

SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER, observer_of="OSCE")


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def kinds(db: Database, actor: Principal) -> list[tuple[str, str]]:
    with db.read() as conn:
        return [(i.kind, i.title) for i in ib.inbox(conn, actor=actor)
                if i.kind != "notification"]


def _session(db: Database) -> int:
    m = dec.convene(db, dec.MeetingIn.model_validate({
        "body": "csc", "kind": "regular", "mode": "in_person", "title": "Council",
        "opens_at": (now() + timedelta(days=2)).isoformat()}), actor=SEC)
    return m.id


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


def test_a_draft_asks_each_seated_state_for_its_position(db: Database) -> None:
    meeting = _session(db)
    d = dec.propose_draft(db, dec.DraftIn(body="csc", meeting_id=meeting,
                                          title="On the exercise calendar",
                                          text_en="The Council decides."), actor=SEC)
    assert ("position", "On the exercise calendar") in kinds(db, rep("BLR"))
    with db.read() as conn:
        item = next(i for i in ib.inbox(conn, actor=rep("BLR")) if i.kind == "position")
    assert item.href == f"/drafts/{d.id}" and item.topic == f"draft:{d.id}"
    assert item.deadline is not None and item.deadline > now()  # the session's opening
    dec.state_position(db, d.id, Position.SUPPORT, actor=rep("BLR"))
    assert ("position", "On the exercise calendar") not in kinds(db, rep("BLR"))
    assert ("position", "On the exercise calendar") in kinds(db, rep("KAZ"))
    # Armenia takes no part in the work since 2024: nothing is asked of it
    assert ("position", "On the exercise calendar") not in kinds(db, rep("ARM"))
    assert kinds(db, OBSERVER) == []
    assert all(k != "position" for k, _ in kinds(db, SEC))  # staff state no positions


def test_a_written_procedure_asks_for_the_signatures_in_its_order(db: Database) -> None:
    deadline = working_deadline(5)
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", procedure="written", title="Written: the budget", text_en="Adopted.",
        deadline=deadline), actor=SEC)
    assert d.signing_order[:2] == ["BLR", "KAZ"]  # every member with a say, in order
    with db.read() as conn:
        items = [i for i in ib.inbox(conn, actor=rep("BLR")) if i.kind == "signature"]
    assert [(i.title, i.deadline) for i in items] == [("Written: the budget", deadline)]
    # in turn: Kazakhstan is not asked before Belarus has signed, but its inbox follows
    # the draft, to show the item live when its turn comes
    assert ("signature", "Written: the budget") not in kinds(db, rep("KAZ"))
    with db.read() as conn:
        assert f"draft:{d.id}" in ib.topics(conn, ib.inbox(conn, actor=rep("KAZ")),
                                             actor=rep("KAZ"))
    dec.sign(db, d.id, actor=rep("BLR"))
    assert ("signature", "Written: the budget") not in kinds(db, rep("BLR"))
    assert ("signature", "Written: the budget") in kinds(db, rep("KAZ"))
    dec.sign(db, d.id, answer=Answer.OBJECT, actor=rep("RUS"))  # returned: nobody signs
    assert ("signature", "Written: the budget") not in kinds(db, rep("KAZ"))


def test_a_consultation_asks_the_chair_to_consult_and_nobody_for_a_position(
        db: Database) -> None:
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", procedure="consultation", question="peacekeeping", title="On peacekeeping",
        text_en="To send the peacekeeping forces."), actor=SEC)
    assert d.chair is not None
    others = [s for s in d.signing_order if s != d.chair]
    # the heads of state answer the chair: no member is asked for a position
    for state in [d.chair, *others]:
        assert ("position", "On peacekeeping") not in kinds(db, rep(state)), state
    assert ("consultation", "On peacekeeping") in kinds(db, rep(d.chair))
    assert ("consultation", "On peacekeeping") not in kinds(db, rep(others[0]))
    for state in d.signing_order:
        dec.record_answer(db, d.id, dec.ConsultationAnswerIn(
            state=state, position=Position.SUPPORT, given_at=now()), actor=rep(d.chair))
    dec.announce(db, d.id, actor=rep(d.chair))
    assert ("consultation", "On peacekeeping") not in kinds(db, rep(d.chair))


def test_a_crisis_needing_forces_asks_for_consent_and_a_plan(db: Database) -> None:
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Armed incursion in the Batken region", category="armed_attack",
        affected=["KGZ"], severity="severe", place="Batken", lat=40.06, lon=70.82),
        actor=rep("KGZ"))
    needed = now() + timedelta(hours=30)
    forces.add_requirement(db, c.id, forces.RequirementIn(
        capability="motorized_rifle", strength=200, place="Batken", lat=40.06, lon=70.82,
        needed_by=needed), actor=SEC)
    with db.read() as conn:
        has_units = bool(forces.units(conn, actor=rep("RUS"), state="RUS"))
    assert has_units
    assert ("consent", c.title) in kinds(db, rep("RUS"))
    # Uzbekistan, suspended since 2012 (its unit is in the registry), is not asked
    with db.read() as conn:
        assert forces.units(conn, actor=rep("UZB"), state="UZB")
    assert ("consent", c.title) not in kinds(db, rep("UZB"))
    planner = Principal("planner", Role.PLANNER)
    assert ("plan", c.title) in kinds(db, planner)
    forces.give_consent(db, c.id, "RUS", forces.ConsentIn(scope=Scope.ALL), actor=rep("RUS"))
    assert ("consent", c.title) not in kinds(db, rep("RUS"))
    # art. 4: every member but the affected one answers the obligation, from the attacked
    # state's official request on (assistance is given at its request)
    assert ("obligation", c.title) not in kinds(db, rep("KAZ"))
    asked = now()
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state", at=asked,
        article="Treaty art. 4", measures=["military_crrf"]), actor=rep("KGZ"), at=asked)
    assert ("obligation", c.title) in kinds(db, rep("KAZ"))
    with db.read() as conn:
        due = [i.deadline for i in ib.inbox(conn, actor=rep("KAZ"))
               if i.kind == "obligation"]
    assert due == [asked + timedelta(hours=24)]
    assert ("obligation", c.title) not in kinds(db, rep("KGZ"))
    crisis_obligations.answer(db, c.id, "KAZ", crisis_obligations.ObligationIn(
        answer="other", detail="medical supplies"), actor=rep("KAZ"))
    assert ("obligation", c.title) not in kinds(db, rep("KAZ"))


@pytest.mark.parametrize("db_recipe", ["records"])  # the demo's records
def test_overdue_tasks_await_the_secretariat(db: Database) -> None:
    with db.read() as conn:
        overdue = [x for x in dec.list_tasks(conn, actor=SEC, overdue_only=True)]
        items = ib.inbox(conn, actor=SEC)
    assert overdue, "the demo has an overdue task"
    tasks = [i for i in items if i.kind == "task"]
    assert {i.title for i in tasks} == {x.title for x in overdue}
    assert all(i.overdue for i in tasks)
    assert items[0].overdue  # most urgent first


def test_an_overdue_item_says_its_deadline_has_passed(records_db: Database,
                                                     settings: Settings) -> None:
    """In Russian an overdue item reads "просрочено · срок истёк <day>", not "просрочено
    до <day>" (until that day); one not yet due keeps "до"."""
    with TestClient(create_app(settings, records_db)) as client:
        client.get("/login")
        client.post("/login", data={
            "username": "secretariat", "password": "demo-secretariat",
            "csrf_token": client.cookies.get("phalanx_login_csrf")})
        page = client.get("/inbox?lang=ru").text
        en = client.get("/inbox?lang=en").text
    overdue = re.findall(r'<span class="due"><strong class="late">просрочено</strong>\s*'
                         r'([^<]*)<time', page)
    assert overdue and set(overdue) == {"· срок истёк "}, overdue
    assert re.search(r'<strong class="late">overdue</strong>\s*· deadline passed <time', en)


def test_the_inbox_page_is_where_a_login_lands(accounts_db: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, accounts_db)) as client:
        client.get("/login")
        r = client.post("/login", data={
            "username": "rep-arm", "password": "demo-rep-arm",
            "csrf_token": client.cookies.get("phalanx_login_csrf")}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/inbox"
        client.cookies.set("lang", "ru")
        page = client.get("/inbox").text
        assert "Входящие" in page and 'sse-connect="/api/v1/events?topic=sessions' in page
        assert 'id="inbox-empty"' in page and "Нечего показать" in page
        assert client.get("/inbox/items").text.strip().startswith("<p")
        # an observer is asked for nothing: it lands on the home page, no inbox in its menu
        client.cookies.clear()
        client.get("/login")
        r = client.post("/login", data={
            "username": "observer", "password": "demo-observer-pass",
            "csrf_token": client.cookies.get("phalanx_login_csrf")}, follow_redirects=False)
        assert r.headers["location"] == "/"
        assert 'href="/inbox"' not in client.get("/").text


def test_plural_forms() -> None:
    from phalanx.web.i18n import plurals

    ru, en = plurals("ru"), plurals("en")
    one, other = "%(num)d thing awaits you", "%(num)d things await you"
    assert [ru(one, other, n) for n in (1, 3, 5, 11, 21, 22, 112)] == [
        "1 дело ждёт вас", "3 дела ждут вас", "5 дел ждут вас", "11 дел ждут вас",
        "21 дело ждёт вас", "22 дела ждут вас", "112 дел ждут вас"]
    assert [en(one, other, n) for n in (1, 2)] == ["1 thing awaits you",
                                                  "2 things await you"]
    assert date.today() <= datetime.now(UTC).date() + timedelta(days=1)


def test_an_offer_awaits_the_requesting_states_answer(db: Database) -> None:
    """Kazakhstan asks for a field hospital; Russia offers one: Kazakhstan's inbox asks it
    to accept or decline, the link leading to the offer in the crisis room; answered, the
    item leaves."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Earthquake in Almaty", category="natural_disaster", affected=["KAZ"],
        severity="severe", place="Almaty", lat=43.24, lon=76.89), actor=rep("KAZ"))
    needed = now() + timedelta(hours=12)
    c = crises.request_assistance(db, c.id, crises.RequestIn(
        resource="Field hospital", quantity=2, needed_by=needed), actor=rep("KAZ"))
    assert ("offer", c.title) not in kinds(db, rep("KAZ"))
    c = crises.offer_assistance(db, c.requests[0].id, crises.OfferIn(
        kind="aid", description="An airmobile hospital", quantity=1), actor=rep("RUS"))
    offer = c.requests[0].offers[0]
    with db.read() as conn:
        items = [i for i in ib.inbox(conn, actor=rep("KAZ")) if i.kind == "offer"]
        topics = ib.topics(conn, ib.inbox(conn, actor=rep("KAZ")), actor=rep("KAZ"))
    assert [(i.title, i.href, i.deadline, i.topic) for i in items] == [
        (c.title, f"/crises/{c.id}#offer-{offer.id}", needed, f"crisis:{c.id}")]
    assert items[0].detail == "RUS: An airmobile hospital (Field hospital)"
    assert items[0].quantity == 1
    assert f"crisis:{c.id}" in topics  # an offer made there reaches the open inbox
    assert ("offer", c.title) not in kinds(db, rep("RUS"))  # the offering state
    assert ("offer", c.title) not in kinds(db, rep("BLR"))
    crises.offer_assistance(db, c.requests[0].id, crises.OfferIn(
        kind="supplies", description="Tents", quantity=40), actor=rep("BLR"))
    assert [k for k in kinds(db, rep("KAZ")) if k[0] == "offer"] == [("offer", c.title)] * 2
    crises.decide_offer(db, offer.id, True, actor=rep("KAZ"))
    assert [k for k in kinds(db, rep("KAZ")) if k[0] == "offer"] == [("offer", c.title)]


def test_the_offer_in_the_requesters_inbox_page(accounts_db: Database,
                                               settings: Settings) -> None:
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Earthquake in Almaty", category="natural_disaster", affected=["KAZ"],
        severity="severe", place="Almaty", lat=43.24, lon=76.89), actor=rep("KAZ"))
    c = crises.request_assistance(accounts_db, c.id, crises.RequestIn(
        resource="Field hospital", quantity=2, needed_by=now() + timedelta(hours=12)),
        actor=rep("KAZ"))
    c = crises.offer_assistance(accounts_db, c.requests[0].id, crises.OfferIn(
        kind="aid", description="An airmobile hospital", quantity=1), actor=rep("RUS"))
    offer = c.requests[0].offers[0]
    with TestClient(create_app(settings, accounts_db)) as client:
        client.get("/login")
        client.post("/login", data={"username": "rep-kaz", "password": "demo-rep-kaz",
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")})
        page = client.get("/inbox?lang=ru").text
        item = page[page.index('data-kind="offer"'):]
        item = item[:item.index("</li>")]
        assert "Предложение: принять или отклонить" in item
        assert f'href="/crises/{c.id}#offer-{offer.id}"' in item
        assert "1 · RUS: An airmobile hospital (Field hospital)" in item
        assert f"topic=crisis%3A{c.id}" in page  # it follows the crisis live
        room = client.get(f"/crises/{c.id}").text
        assert f'id="offer-{offer.id}"' in room and f'action="/offers/{offer.id}/decision"' in room


def test_a_representative_whose_appointment_ended_is_asked_nothing(db: Database) -> None:
    """What it would be asked (to offer help where another member asks for it) is asked in
    its state's name: once it acts for its state no more, none of it is its to do, even on
    a crisis every reader may see."""
    from dataclasses import replace

    c = crises.open_crisis(db, crises.CrisisIn(
        title="Earthquake in Osh", category="natural_disaster", affected=["KGZ"],
        severity="severe", place="Osh", lat=40.53, lon=72.80, marking="PUBLIC"),
        actor=rep("KGZ"))
    crises.request_assistance(db, c.id, crises.RequestIn(
        resource="Field hospital", quantity=2, needed_by=now() + timedelta(hours=12)),
        actor=rep("KGZ"))
    assert ("request", c.title) in kinds(db, rep("KAZ"))
    assert kinds(db, replace(rep("KAZ"), appointed=False)) == []
    assert kinds(db, replace(rep("KAZ"), state_is_member=False)) == []
