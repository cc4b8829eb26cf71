"""The change feed of a state whose membership changes, as the Secretariat records it: a
withdrawal taking effect (a notice, its obligations settled) and an expulsion (by a
decision, confirmed) tell the state's token `gone` for each record it read as a member
and no longer reads, and nothing of the records it never may; a suspension narrows
nothing; a rejoining says `changed` for what it reads again. A former member's token
still polls the feed and reads what a non-member reads, and acts for no one."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from phalanx.adapters.db import audit_store
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.decisions.consensus import Position
from phalanx.services import decisions as dec
from phalanx.services import membership as ms
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import document, poll
from tests.support.sessions import bearer

SEC = Principal("sec", Role.SECRETARIAT)
NOW = datetime.now(UTC)
TODAY = NOW.date()


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


@pytest.fixture
def written_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """The trail's clock set `days` before now (0: now), so that each step of a year
    writes its entries on its own day, in order."""
    def days_ago(days: int) -> None:
        at = NOW - timedelta(days=days)
        monkeypatch.setattr(audit_store, "now_iso",
                            lambda: at.isoformat(timespec="microseconds"))
    return days_ago


_SITTINGS = itertools.count()


def council_decides(db: Database, state: str, kind: str, on: date) -> None:
    """The Council decides `kind` of `state` (every member with a say supporting) and the
    Secretariat confirms the event it proposes."""
    # each decision its own sitting (a body meets once at a moment)
    opens = datetime(2026, 11, 20, 10, tzinfo=UTC) + timedelta(hours=next(_SITTINGS))
    m = dec.convene(db, dec.MeetingIn.model_validate({"body": "csc", "opens_at": opens}),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(db, m.id, a.state, True, actor=SEC)
    d = dec.propose_draft(db, dec.DraftIn.model_validate(
        {"body": "csc", "meeting_id": m.id, "title": "On a member",
         "text_en": "The Council decides.\n"}), actor=SEC)
    for s in d.stances:
        if s.standing.value == "full":
            dec.state_position(db, d.id, Position.SUPPORT, actor=Principal(
                f"rep-{s.state.lower()}", Role.REPRESENTATIVE, state=s.state))
    closed = dec.close_draft(db, d.id, [], actor=SEC)
    assert closed.status == "adopted", closed
    with db.write(SEC) as w:
        pid = ms.propose_from_decision(w, decision_id=closed.decision_id or 0, state=state,
                                       kind=kind, on=on, actor=SEC)
    ms.confirm(db, pid, actor=SEC)


def test_a_state_leaving_is_told_gone_and_rejoining_changed(
        api: TestClient, db: Database, written_on: Callable[[int], None]) -> None:
    kaz, kgz, tjk = bearer(db, "rep-kaz"), bearer(db, "rep-kgz"), bearer(db, "rep-tjk")
    rus = bearer(db, "rep-rus")
    written_on(400)
    starts = {s: poll(api, h, None)[1] for s, h in (("KAZ", kaz), ("KGZ", kgz),
                                                     ("TJK", tjk))}
    members = document(api, rus, "RUS")  # ORGANIZATION: for the member states
    public = document(api, rus, "RUS", marking="PUBLIC")
    listed = document(api, rus, "RUS", marking="PARTICIPANTS",
                      participants=["RUS", "KAZ", "KGZ"])
    own = {s: document(api, h, s, marking="NATIONAL") for s, h in (("KAZ", kaz),
                                                                      ("KGZ", kgz))}
    copied = {}
    for s, h in (("KAZ", kaz), ("KGZ", kgz)):
        said, copied[s] = poll(api, h, starts[s], kind="document")
        assert said == [("document", str(i), "changed")
                        for i in (members, public, listed, own[s])]
    # Kazakhstan gives notice and settles; Kyrgyzstan is expelled; Tajikistan suspended
    written_on(380)
    ms.record_event(db, ms.EventIn(state="KAZ", kind="notice_of_withdrawal",
                                   on=TODAY - timedelta(days=380)), actor=SEC)
    ms.record_event(db, ms.EventIn(state="KAZ", kind="obligations_settled",
                                   on=TODAY - timedelta(days=370)), actor=SEC)
    council_decides(db, "KGZ", "expulsion", TODAY - timedelta(days=250))
    council_decides(db, "TJK", "suspension", TODAY - timedelta(days=250))
    written_on(150)  # the first change after both took effect
    later = document(api, rus, "RUS")
    for s, h in (("KAZ", kaz), ("KGZ", kgz)):
        said, gone_at = poll(api, h, copied[s], kind="document")
        assert said == [("document", str(members), "gone")], s
        assert gone_at > copied[s]
        # of every kind: only what it read before, all gone (the registry's units...)
        everything, _ = poll(api, h, copied[s], limit=1000)
        assert everything and {c for _, _, c in everything} == {"gone"}, s
        ids = {(k, i) for k, i, _ in everything}
        assert not ids & {("document", str(x)) for x in (public, listed, own[s], later)}
    # a suspended member reads on: nothing gone
    said, _ = poll(api, tjk, starts["TJK"], limit=1000)
    assert said and {c for _, _, c in said} == {"changed"}
    # Kazakhstan is admitted again: what it reads again is said changed
    written_on(120)
    council_decides(db, "KAZ", "admission", TODAY - timedelta(days=100))
    written_on(0)
    again = document(api, rus, "RUS")
    said, _ = poll(api, kaz, copied["KAZ"], kind="document")
    assert said == [("document", str(i), "changed") for i in (members, later, again)]
    said, _ = poll(api, kgz, copied["KGZ"], kind="document")
    assert said == [("document", str(members), "gone")]  # nothing of Kyrgyzstan's since
    # the former member's token: it polls, reads what a non-member reads, acts for no one
    assert api.get(f"/api/v1/documents/{members}", headers=kgz).status_code == 404
    assert api.get(f"/api/v1/documents/{later}", headers=kgz).status_code == 404
    for doc in (public, listed, own["KGZ"]):
        assert api.get(f"/api/v1/documents/{doc}", headers=kgz).status_code == 200
    r = api.post("/api/v1/documents", headers=kgz, json={
        "owner_kind": "state", "owner": "KGZ", "title": "x", "marking": "NATIONAL"})
    assert r.status_code == 403, r.text
    assert api.get(f"/api/v1/documents/{members}", headers=kaz).status_code == 200
