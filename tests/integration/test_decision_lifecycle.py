"""A decision's life in the register: its entry into force (on adoption, on a date, on
every bound member's notification), its end, the later decisions that amend, extend,
suspend or repeal it; the register on a day through the services, the API and the
command line; the refusals; the marking of the decisions named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.clock import today
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid
from phalanx.web.app import create_app
from tests.integration.test_draft_pages import SEC, rep, session


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


# the members with a say but Belarus, which is absent when a decision is kept from it
SANS_BLR = ["KAZ", "KGZ", "RUS", "TJK"]
OBSERVER = Principal("observer", Role.OBSERVER, observer_of="OSCE")


def _today(db: Database) -> date:
    with db.read() as conn:
        return today(orgs.organization(conn))


def adopt(db: Database, meeting_id: int, title: str, body: str = "csc",
          **lifecycle: object) -> int:
    extra = lifecycle.pop("draft", {})
    d = dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=meeting_id, title=title, text_en="The Council decides.",
        lifecycle=dec.LifecycleIn.model_validate(lifecycle), **extra), actor=SEC)  # type: ignore[arg-type]
    decision_id = dec.close_draft(db, d.id, actor=SEC).decision_id
    assert decision_id is not None
    return decision_id


def status(db: Database, decision_id: int, on: date, actor: object = SEC) -> dec.LifecycleOut:
    with db.read() as conn:
        life = dec.get_decision(conn, decision_id, actor=actor, on=on).lifecycle  # type: ignore[arg-type]
    assert life is not None
    return life


def test_a_repeal_takes_effect_from_its_own_entry_into_force(accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group", ends_on=str(day + timedelta(90)))
    repeal = adopt(accounts_db, m.id, "On ending the working group", start="date",
                   on=str(day + timedelta(10)), effect="repeals", target=first)
    assert status(accounts_db, first, day).status == "in_force"
    assert status(accounts_db, first, day + timedelta(9)).status == "in_force"
    on_ten = status(accounts_db, first, day + timedelta(10))
    assert on_ten.status == "repealed"
    assert [(r.effect, r.decision_id) for r in on_ten.modified_by] == [("repeals", repeal)]
    assert status(accounts_db, repeal, day).status == "pending"
    with accounts_db.read() as conn:
        ids = [d.id for d in dec.list_decisions(conn, actor=SEC,
                                                in_force_on=day + timedelta(9))]
        assert first in ids and repeal not in ids
        ids = [d.id for d in dec.list_decisions(conn, actor=SEC,
                                                in_force_on=day + timedelta(10))]
        assert first not in ids and repeal in ids
        assert dec.count_decisions(conn, actor=SEC, in_force_on=day + timedelta(10)) == len(ids)


def test_an_extension_moves_the_end_and_a_suspension_lasts_its_term(
        accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    mission = adopt(accounts_db, m.id, "On the mission", term_days=30)
    assert status(accounts_db, mission, day).until == day + timedelta(29)
    assert status(accounts_db, mission, day + timedelta(30)).status == "expired"
    adopt(accounts_db, m.id, "On extending the mission", effect="extends", target=mission,
          extends_to=str(day + timedelta(60)))
    assert status(accounts_db, mission, day + timedelta(30)).status == "in_force"
    assert status(accounts_db, mission, day).until == day + timedelta(60)
    adopt(accounts_db, m.id, "On pausing the mission", start="date",
          on=str(day + timedelta(40)), ends_on=str(day + timedelta(44)), effect="suspends",
          target=mission)
    assert status(accounts_db, mission, day + timedelta(39)).status == "in_force"
    assert status(accounts_db, mission, day + timedelta(42)).status == "suspended"
    assert status(accounts_db, mission, day + timedelta(45)).status == "in_force"
    assert status(accounts_db, mission, day + timedelta(61)).status == "expired"


def test_refusals_name_what_and_where(accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    adopt(accounts_db, m.id, "On ending it", effect="repeals", target=first)
    with pytest.raises(Invalid) as again:
        adopt(accounts_db, m.id, "On ending it again", effect="repeals", target=first)
    assert again.value.where == "lifecycle.target"
    assert "already repealed by decision CSC-" in str(again.value)
    with pytest.raises(Invalid) as no_date:
        adopt(accounts_db, m.id, "On a date", start="date")
    assert no_date.value.where == "lifecycle.on"
    with pytest.raises(Invalid) as unknown:
        adopt(accounts_db, m.id, "On nothing", effect="amends", target=999_999)
    assert "is not in the register" in str(unknown.value)
    with pytest.raises(Invalid) as no_end:
        adopt(accounts_db, m.id, "On extending", effect="extends", target=first,
              extends_to=str(day + timedelta(5)))
    assert "already repealed" in str(no_end.value)
    with accounts_db.read() as conn:
        drafts_before = conn.execute(select(t.draft.c.id)).all()
    assert len(drafts_before) == 2  # nothing half-written


def test_a_repeal_adopted_while_another_was_pending_is_refused_at_adoption(
        accounts_db: Database) -> None:
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    one = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="Repeal one", text_en="Repealed.",
        lifecycle=dec.LifecycleIn(effect="repeals", target=first)), actor=SEC)  # type: ignore[arg-type]
    two = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="Repeal two", text_en="Repealed.",
        lifecycle=dec.LifecycleIn(effect="repeals", target=first)), actor=SEC)  # type: ignore[arg-type]
    assert dec.close_draft(accounts_db, one.id, actor=SEC).decision_id is not None
    with pytest.raises(Conflict, match="already repealed"):
        dec.close_draft(accounts_db, two.id, actor=SEC)
    with accounts_db.read() as conn:
        assert conn.execute(select(t.decision.c.id).where(
            t.decision.c.draft_id == two.id)).first() is None


def test_another_body_does_not_modify_the_councils_decision(accounts_db: Database) -> None:
    m = session(accounts_db)
    council = adopt(accounts_db, m.id, "On the working group")
    cmfa = dec.convene(accounts_db, dec.MeetingIn(body="cmfa", opens_at=m.opens_at),
                       actor=SEC)
    with pytest.raises(Invalid, match="of the body csc: a decision of cmfa does not modify"):
        adopt(accounts_db, cmfa.id, "On amending it", body="cmfa", effect="amends",
              target=council)


def test_entry_into_force_on_every_members_notification(accounts_db: Database) -> None:
    day = _today(accounts_db)
    m = session(accounts_db)
    act = adopt(accounts_db, m.id, "On the joint system", start="notifications")
    life = status(accounts_db, act, day)
    assert life.status == "pending" and life.awaiting
    bound = list(life.awaiting)
    for state in bound[:-1]:
        dec.record_notification(accounts_db, act, state, day, actor=SEC)
    assert status(accounts_db, act, day).awaiting == bound[-1:]
    with pytest.raises(Invalid, match="is not bound"):
        dec.record_notification(accounts_db, act, "AZE", day, actor=SEC)
    with pytest.raises(Conflict, match="already recorded"):
        dec.record_notification(accounts_db, act, bound[0], day, actor=SEC)
    done = dec.record_notification(accounts_db, act, bound[-1], day, actor=SEC)
    assert done.lifecycle is not None and done.lifecycle.status == "in_force"
    assert done.lifecycle.in_force_from == day
    with accounts_db.read() as conn:
        said = [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.notification",
            t.audit_log.c.target_id == str(act)).order_by(t.audit_log.c.id)).scalars()]
    assert len(said) == len(bound)
    # each entry says whom the decision still waits for, the last that it is in force
    assert [e["awaiting"] for e in said] == [bound[n + 1:] for n in range(len(bound))]
    assert [e["in_force_from"] for e in said] == [None] * (len(bound) - 1) + [
        day.isoformat()]


def test_a_repeal_the_reader_may_not_read_is_not_named(accounts_db: Database) -> None:
    """An observer reads the Council's published decision, not the one repealing it
    (marked for some members): it learns the decision is repealed, never by which. BLR,
    absent from the repeal, is sent it for consideration and reads it (DOMAIN §7)."""
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    dec.publish(accounts_db, first, actor=SEC)
    dec.record_attendance(accounts_db, m.id, "BLR", False, actor=SEC)
    secret = adopt(accounts_db, m.id, "On ending it", effect="repeals", target=first,
                   draft={"marking": Marking.PARTICIPANTS, "participants": SANS_BLR})
    day = _today(accounts_db)
    seen = status(accounts_db, first, day, OBSERVER)
    assert seen.status == "repealed"
    assert [(r.decision_id, r.number) for r in seen.modified_by] == [(None, None)]
    for reader in ("RUS", "BLR"):
        named = status(accounts_db, first, day, rep(reader))
        assert [r.decision_id for r in named.modified_by] == [secret]
    with accounts_db.read() as conn:
        listed = dec.list_decisions(conn, actor=OBSERVER, in_force_on=day)
        assert secret not in [d.id for d in listed]
        number = conn.execute(select(t.decision.c.number).where(
            t.decision.c.id == secret)).scalar_one()
    assert number not in str(seen.model_dump())


def test_the_api_answers_the_register_on_a_day(client: TestClient,
                                               accounts_db: Database) -> None:
    from tests.integration.test_draft_pages import login

    day = _today(accounts_db)
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    adopt(accounts_db, m.id, "On ending it", start="date", on=str(day + timedelta(3)),
          effect="repeals", target=first)
    login(client, "secretariat")
    later = str(day + timedelta(3))
    r = client.get(f"/api/v1/decisions?in_force_on={later}")
    assert r.status_code == 200
    assert first not in [d["id"] for d in r.json()]
    assert r.headers["X-Total-Count"] == str(len(r.json()))
    r = client.get(f"/api/v1/decisions/{first}?on={later}")
    assert r.json()["lifecycle"]["status"] == "repealed"
    assert client.get("/api/v1/decisions?in_force_on=2026-02-30").status_code == 422
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import tokens as api_tokens

    bearer = {"Authorization": "Bearer " + api_tokens.issue_token(
        accounts_db, "secretariat", actor=SYSTEM).token}
    r = client.post(f"/api/v1/decisions/{first}/notifications",
                    json={"state": "KAZ", "on": str(day)}, headers=bearer)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_modification_moves_the_modified_decision_past_the_cursor(
        accounts_db: Database) -> None:
    """A mirror of the register polling with `changed_after` hears of the decision a new
    one repeals, whose status changed, through an entry naming only the effect."""
    m = session(accounts_db)
    first = adopt(accounts_db, m.id, "On the working group")
    dec.publish(accounts_db, first, actor=SEC)
    dec.record_attendance(accounts_db, m.id, "BLR", False, actor=SEC)
    with accounts_db.read() as conn:
        cursor = dec.change_cursor(conn, actor=OBSERVER)
    secret = adopt(accounts_db, m.id, "On ending it", effect="repeals", target=first,
                   draft={"marking": Marking.PARTICIPANTS, "participants": SANS_BLR})
    with accounts_db.read() as conn:
        changed = [d.id for d in dec.list_decisions(conn, actor=OBSERVER,
                                                    changed_after=cursor)]
        entry = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "decision.modified",
            t.audit_log.c.target_id == str(first))).scalar_one()
    assert changed == [first]  # the repeal itself it may not read
    assert str(secret) not in str(entry) and "CSC-" not in str(entry)


def test_a_decision_whose_last_day_passes_before_the_last_notification_never_enters_into_force(
        accounts_db: Database, client: TestClient) -> None:
    """It was "pending", awaiting the members, for ever after its last day, and a last
    notification dated after that day was recorded and put it "in force" from a day after
    its own end (in the API and the Akoma Ntoso period too)."""
    day = _today(accounts_db)
    m = session(accounts_db)
    act = adopt(accounts_db, m.id, "On the joint exercise of 2027", start="notifications",
                ends_on=str(day + timedelta(10)))
    bound = status(accounts_db, act, day).awaiting
    for state in bound[:-1]:
        dec.record_notification(accounts_db, act, state, day, actor=SEC)
    after = status(accounts_db, act, day + timedelta(11))
    assert (after.status, after.in_force_from, after.until) == (
        "expired", None, day + timedelta(10))
    with clock.use(clock.now() + timedelta(days=30)):
        with pytest.raises(Conflict) as late:
            dec.record_notification(accounts_db, act, bound[-1], day + timedelta(25),
                                    actor=SEC)
        assert str(late.value) == (
            f"decision CSC-{day.year}-{status_number(accounts_db, act)}'s last day in force "
            f"was {(day + timedelta(10)).isoformat()}: it ended without entering into "
            f"force, and a notification of {(day + timedelta(25)).isoformat()} comes after it")
        assert status(accounts_db, act, day + timedelta(25)).awaiting == bound[-1:]
        # a notification up to its last day still brings it into force
        done = dec.record_notification(accounts_db, act, bound[-1], day + timedelta(10),
                                       actor=SEC)
    assert done.lifecycle is not None and done.lifecycle.in_force_from == day + timedelta(10)
    assert status(accounts_db, act, day + timedelta(10)).status == "in_force"


def status_number(db: Database, decision_id: int) -> str:
    with db.read() as conn:
        return dec.get_decision(conn, decision_id, actor=SEC).number.rsplit("-", 1)[1]


def test_a_last_day_before_the_adoption_is_refused(accounts_db: Database,
                                                     client: TestClient) -> None:
    """A draft stating a last day in force before its adoption was adopted "in force from"
    its adoption "until" a day before it: refused when tabled (422) and, where the day
    passed while it circulated, at its adoption (409, nothing adopted)."""
    day = _today(accounts_db)
    m = session(accounts_db)
    with pytest.raises(Invalid) as tabled:
        adopt(accounts_db, m.id, "On the past", ends_on=str(day - timedelta(1)))
    assert tabled.value.where == "lifecycle.ends_on"
    assert str(tabled.value) == (
        "lifecycle.ends_on: a decision is in force only from its adoption: its last day "
        f"in force ({(day - timedelta(1)).isoformat()}) may not precede {day.isoformat()}")
    bearer = {"Authorization": "Bearer " + api_tokens.issue_token(
        accounts_db, "secretariat", actor=SYSTEM).token}
    r = client.post("/api/v1/drafts", json={
        "body": "csc", "meeting_id": m.id, "title": "On the past", "text_en": "Decided.",
        "lifecycle": {"start": "date", "on": str(day - timedelta(20)),
                      "ends_on": str(day - timedelta(10))}}, headers=bearer)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["where"] == "lifecycle.ends_on"
    assert adopt(accounts_db, m.id, "On today", ends_on=str(day))
    # circulated in writing with a last day that passes before the last signature
    data = {"body": "csc", "procedure": "written", "title": "On the week's watch",
            "text_en": "To keep watch.", "deadline": datetime(2023, 12, 20, tzinfo=UTC),
            "lifecycle": {"ends_on": "2023-12-05"}}
    with clock.use(datetime(2023, 12, 1, 9, tzinfo=UTC)):
        d = dec.propose_draft(accounts_db, dec.DraftIn.model_validate(data), actor=SEC)
    with clock.use(datetime(2023, 12, 6, 9, tzinfo=UTC)):
        for state in d.signing_order[:-1]:
            dec.sign(accounts_db, d.id, actor=rep(state))
        with pytest.raises(Conflict, match=r"its last day in force \(2023-12-05\) may "
                                           r"not precede 2023-12-06"):
            dec.sign(accounts_db, d.id, actor=rep(d.signing_order[-1]))
    with accounts_db.read() as conn:
        assert dec.get_draft(conn, d.id, actor=SEC).decision_id is None


def test_an_expired_decision_is_not_extended(accounts_db: Database,
                                             client: TestClient) -> None:
    """An extension tabled after a decision's last day put the decision "in force" again
    from the extension's adoption: an expired decision is not extended (a new decision is
    needed), refused when tabled (422, nothing written), and the decision stays expired."""
    day = _today(accounts_db)
    m = session(accounts_db)
    mission = adopt(accounts_db, m.id, "On the mission", term_days=10)
    number = f"CSC-{day.year}-{status_number(accounts_db, mission)}"
    with clock.use(clock.now() + timedelta(days=20)):
        later = session(accounts_db)
        with pytest.raises(Invalid) as again:
            adopt(accounts_db, later.id, "On extending the mission", effect="extends",
                  target=mission, extends_to=str(day + timedelta(90)))
        assert again.value.where == "lifecycle.target"
        assert str(again.value) == (
            f"lifecycle.target: decision {number} expired after its last day in force "
            f"{(day + timedelta(9)).isoformat()}: an expired decision is not extended, a "
            "new decision is needed")
        bearer = {"Authorization": "Bearer " + api_tokens.issue_token(
            accounts_db, "secretariat", actor=SYSTEM).token}
        r = client.post("/api/v1/drafts", json={
            "body": "csc", "meeting_id": later.id, "title": "On extending the mission",
            "text_en": "Decided.", "lifecycle": {
                "effect": "extends", "target": mission,
                "extends_to": str(day + timedelta(90))}}, headers=bearer)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["where"] == "lifecycle.target"
    with accounts_db.read() as conn:
        assert conn.execute(select(t.draft.c.id).where(
            t.draft.c.title == "On extending the mission")).first() is None
    after = status(accounts_db, mission, day + timedelta(20))
    assert (after.status, after.until, after.modified_by) == (
        "expired", day + timedelta(9), [])
