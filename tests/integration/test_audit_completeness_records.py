"""The trail of the records' newest changes: each says enough to reconstruct what
happened (who, what before and after, why), is read with its record's marking, and is
what the change feed (`/api/v1/changes`) tells a national system from."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import poll
from tests.integration.test_api_changes import adopt
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def entries(db: Database, action: str, target: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [{**r._mapping, "change": json.loads(r.change)} for r in conn.execute(
            select(t.audit_log).where(t.audit_log.c.action == action,
                                      t.audit_log.c.target_id == target))]


def sitting(api: TestClient, db: Database) -> int:
    r = api.post("/api/v1/sessions", headers=bearer(db, "secretariat"), json={
        "body": "csc", "kind": "extraordinary", "mode": "in_person",
        "opens_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_an_adopted_decision_has_its_own_entry_and_reaches_the_feed(
        api: TestClient, db: Database) -> None:
    """A decision adopted is said `changed` to its readers at its adoption (before, only
    its draft was, and a member absent, sent the decision for consideration without
    reading the draft, was told nothing); its entry names its number, its draft, whom it
    binds and to whom it was sent, and its marking."""
    kaz, rus, obs = bearer(db, "rep-kaz"), bearer(db, "rep-rus"), bearer(db, "observer")
    _, kaz_start = poll(api, kaz, None)
    _, rus_start = poll(api, rus, None)
    _, obs_start = poll(api, obs, None)
    sid = sitting(api, db)
    decision = str(adopt(api, db, sid, hidden_from="KAZ"))
    said, _ = poll(api, rus, rus_start)
    assert ("decision", decision, "changed") in said
    # KAZ, absent and kept from the draft, reads the decision sent to it
    said, _ = poll(api, kaz, kaz_start)
    assert ("decision", decision, "changed") in said
    assert poll(api, obs, obs_start)[0] == []
    [entry] = entries(db, "decision.adopt", decision)
    assert entry["target_kind"] == "decision" and entry["actor"] == "secretariat"
    change = entry["change"]
    assert "KAZ" in change["for_consideration"] and "KAZ" not in change["binding"]
    assert "RUS" in change["binding"] and change["marking"] == "PARTICIPANTS"
    assert change["draft"] and change["number"]


def test_a_drafts_entry_names_its_deadline_kept_on_a_day_off_its_session_and_marking(
        api: TestClient, db: Database) -> None:
    """The day off a deadline was kept on is said with the deadline itself: the trail
    alone tells which day the Secretariat confirmed; and the marking the draft was tabled
    with, and its session."""
    from tests.integration.test_deadline_days_off import _next

    sunday = _next(6, 9)
    sec = bearer(db, "secretariat")
    r = api.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "procedure": "written", "title": "On the statement",
        "text_en": "To adopt the statement.", "deadline": sunday.isoformat(),
        "deadline_on_day_off": True, "marking": "PARTICIPANTS",
        "participants": ["KAZ", "RUS"]})
    assert r.status_code == 201, r.text
    [entry] = entries(db, "draft.propose", str(r.json()["id"]))
    change = entry["change"]
    assert change["deadline_on_day_off"] == "sunday"
    assert datetime.fromisoformat(change["deadline"]) == sunday
    assert change["marking"] == "PARTICIPANTS" and "KAZ" in change["participants"]
    sid = sitting(api, db)
    r = api.post("/api/v1/drafts", headers=sec, json={
        "body": "csc", "meeting_id": sid, "title": "On the situation",
        "text_en": "The Council decides ..."})
    assert r.status_code == 201, r.text
    [entry] = entries(db, "draft.propose", str(r.json()["id"]))
    assert entry["change"]["session"] == sid and entry["change"]["deadline"] is None
    assert entry["change"]["marking"] == "ORGANIZATION"


def test_a_draft_tied_to_a_crisis_or_untied_changes_the_crisis_for_the_drafts_readers(
        api: TestClient, db: Database) -> None:
    """The crisis's answer names its file's drafts: tying one or untying it (an entry
    about the draft, naming the crisis) is said of the crisis too, to those who read the
    draft as well; a reader kept from the draft is told nothing of the crisis by it."""
    sec, kaz, rus = bearer(db, "secretariat"), bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    crisis = api.post("/api/v1/crises", headers=kaz, json={
        "title": "Flood", "category": "natural_disaster", "affected": ["KAZ"]})
    assert crisis.status_code == 201, crisis.text
    cid = str(crisis.json()["id"])
    drafts, sid = [], sitting(api, db)
    for marking in ({}, {"marking": "PARTICIPANTS", "participants": ["RUS", "ARM"]}):
        r = api.post("/api/v1/drafts", headers=sec, json={
            "body": "csc", "meeting_id": sid, "title": "On the flood",
            "text_en": "To send help.", **marking})
        assert r.status_code == 201, r.text
        drafts.append(str(r.json()["id"]))
    open_, hidden = drafts
    _, kaz_at = poll(api, kaz, None)
    _, rus_at = poll(api, rus, None)
    r = api.post(f"/api/v1/crises/{cid}/drafts", headers=sec,
                 json={"draft_id": int(open_), "reason": "it answers the flood"})
    assert r.status_code == 201, r.text
    assert [d["id"] for d in api.get(f"/api/v1/crises/{cid}", headers=kaz).json()[
        "drafts"]] == [int(open_)]
    said, kaz_next = poll(api, kaz, kaz_at)
    assert said == [("crisis", cid, "changed"), ("draft", open_, "changed")]
    assert poll(api, kaz, kaz_at, kind="crisis")[0] == [("crisis", cid, "changed")]
    # one KAZ may not read: its crisis reads the same to KAZ, nothing said to it
    r = api.post(f"/api/v1/crises/{cid}/drafts", headers=sec,
                 json={"draft_id": int(hidden), "reason": "it answers the flood"})
    assert r.status_code == 201, r.text
    assert poll(api, kaz, kaz_next) == ([], kaz_next)
    said, _ = poll(api, rus, rus_at, kind="crisis")
    assert said == [("crisis", cid, "changed")]
    r = api.post(f"/api/v1/crises/{cid}/drafts/{open_}/untie", headers=sec,
                 json={"reason": "tied by mistake"})
    assert r.status_code == 200, r.text
    assert poll(api, kaz, kaz_next, kind="crisis")[0] == [("crisis", cid, "changed")]


def test_an_official_requests_entry_names_the_states_told_and_who_owes_by_when(
        api: TestClient, db: Database) -> None:
    """An appeal under the collective-defence article starts every member's clock and
    tells them so: its entry says which states' users were told, which members owe an
    answer and when it is due (as stored, in UTC, whatever offset the request was given
    with), not only how many users were told."""
    kaz = bearer(db, "rep-kaz")
    crisis = api.post("/api/v1/crises", headers=kaz, json={
        "title": "Armed incursion", "category": "armed_attack", "affected": ["KAZ"]})
    assert crisis.status_code == 201, crisis.text
    cid = str(crisis.json()["id"])
    made = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    r = api.post(f"/api/v1/crises/{cid}/official-requests", headers=kaz, json={
        "state": "KAZ", "person": "K. Tokayev", "office": "head_of_state",
        "at": made.astimezone(timezone(timedelta(hours=6))).isoformat(),
        "article": "Treaty art. 4", "measures": ["military_crrf"]})
    assert r.status_code == 201, r.text
    [entry] = entries(db, "crisis.official_request", cid)
    change = entry["change"]
    assert change["notified"] > 0
    assert {"KAZ", "RUS", "ARM"} <= set(change["notified_states"])
    assert "RUS" in change["owed"] and "KAZ" not in change["owed"]
    assert change["due_at"] is not None and change["due_at"].endswith("+00:00")
    assert datetime.fromisoformat(change["due_at"]) > made
    assert datetime.fromisoformat(change["at"]) == made


def test_a_moment_given_without_its_zone_is_recorded_in_utc_with_its_zone(
        api: TestClient, db: Database) -> None:
    """A moment sent without an offset is UTC's (as stored); the audit entry says so
    (`…Z`), as it does of one sent with an offset, never a moment without a zone that an
    auditor would have to guess the clock of."""
    kaz = bearer(db, "rep-kaz")
    crisis = api.post("/api/v1/crises", headers=kaz, json={
        "title": "Armed incursion", "category": "armed_attack", "affected": ["KAZ"]})
    assert crisis.status_code == 201, crisis.text
    cid = str(crisis.json()["id"])
    made = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    r = api.post(f"/api/v1/crises/{cid}/official-requests", headers=kaz, json={
        "state": "KAZ", "person": "K. Tokayev", "office": "head_of_state",
        "at": made.replace(tzinfo=None).isoformat(), "article": "Treaty art. 4",
        "measures": ["military_crrf"]})
    assert r.status_code == 201, r.text
    [entry] = entries(db, "crisis.official_request", cid)
    given = datetime.fromisoformat(entry["change"]["at"])
    assert given.tzinfo is not None and given == made


def test_a_state_counts_as_told_of_an_official_request_only_through_one_who_acts_for_it(
        api: TestClient, db: Database) -> None:
    """Kazakhstan's representative's appointment has ended: its agency's reporter reads
    the crisis and is told, but no one who acts for Kazakhstan is, and the entry does not
    say Kazakhstan was told."""
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import organization as orgs
    from phalanx.services import state_users

    with db.read() as conn:
        today = orgs.today(conn)
    state_users.set_term(db, "rep-kaz", today - timedelta(days=1), actor=SYSTEM)
    sec = bearer(db, "secretariat")
    crisis = api.post("/api/v1/crises", headers=sec, json={
        "title": "Armed incursion", "category": "armed_attack", "affected": ["KAZ"]})
    assert crisis.status_code == 201, crisis.text
    cid = str(crisis.json()["id"])
    r = api.post(f"/api/v1/crises/{cid}/official-requests", headers=sec, json={
        "state": "KAZ", "person": "K. Tokayev", "office": "head_of_state",
        "at": (datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)).isoformat(),
        "article": "Treaty art. 4", "measures": ["military_crrf"]})
    assert r.status_code == 201, r.text
    [entry] = entries(db, "crisis.official_request", cid)
    with db.read() as conn:
        told = set(conn.execute(select(t.notification.c.recipient).where(
            t.notification.c.topic == f"crisis:{cid}")).scalars())
    assert "reporter-kaz" in told and "rep-kaz" not in told
    assert "KAZ" not in entry["change"]["notified_states"]
    assert "RUS" in entry["change"]["notified_states"]
