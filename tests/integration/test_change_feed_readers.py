"""The change feed follows its reader's own reading, not only the records' markings: a
representative whose appointment has ended is told `gone` for what it read and no longer
reads; a draft's fate is said of the crisis whose file holds it; a cursor that is none is
refused, naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import audit_store
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import changes, state_users
from phalanx.services.db import Database
from tests.integration.test_api_change_feed import document, poll
from tests.integration.test_crisis_drafts import SEC, _crisis, _yerevan
from tests.support.sessions import bearer


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def _three_days_ago(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The trail's entries written three days ago from here on, at noon UTC: the same day
    where the Secretariat sits whatever the hour the test runs (a term ends with that
    organization's day)."""
    days_ago = (datetime.now(UTC) - timedelta(days=3)).replace(hour=12, minute=0)
    monkeypatch.setattr(audit_store, "now_iso",
                        lambda: days_ago.isoformat(timespec="microseconds"))
    return days_ago


def test_a_representative_whose_appointment_ended_is_told_what_is_gone(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    days_ago = _three_days_ago(monkeypatch)
    _, start = poll(api, kaz, None)
    doc = document(api, rus, "RUS")  # for the members: KAZ reads it
    public = document(api, rus, "RUS", marking="PUBLIC")
    said, copied = poll(api, kaz, start)
    assert said == [("document", str(doc), "changed"), ("document", str(public), "changed")]
    state_users.set_term(db, "rep-kaz", days_ago.date(), actor=SYSTEM)
    monkeypatch.undo()
    assert poll(api, kaz, copied) == ([], copied)  # nothing in the trail since its end yet
    later = document(api, rus, "RUS")  # the first change after: where KAZ's reading ended
    said, gone_at = poll(api, kaz, copied, kind="document")
    assert said == [("document", str(doc), "gone")] and gone_at > copied
    everything, _ = poll(api, kaz, copied, limit=1000)  # the registry's units too
    assert {c for _, _, c in everything} == {"gone"} and len(everything) > 1
    assert api.get(f"/api/v1/documents/{doc}", headers=kaz).status_code == 404
    assert poll(api, kaz, gone_at, kind="document") == ([], gone_at)
    # from any cursor before, the same: what it read last is gone, the rest never said
    assert poll(api, kaz, start, kind="document")[0] == [("document", str(public), "changed"),
                                        ("document", str(doc), "gone")]
    assert ("document", str(later), "changed") in poll(api, rus, copied)[0]


def _read_then_lapsed(api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
                     ) -> tuple[dict[str, str], dict[str, str], int, int]:
    """Kazakhstan's representative reads a document Russia made three days ago; an
    unconstitutional change of Kazakhstan's authorities two days ago is recorded today.
    Its and Russia's headers, the document, and the cursor it had read up to."""
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    days_ago = _three_days_ago(monkeypatch)
    _, start = poll(api, kaz, None)
    doc = document(api, rus, "RUS")  # for the members: KAZ reads it
    said, copied = poll(api, kaz, start, kind="document")
    assert said == [("document", str(doc), "changed")]
    monkeypatch.undo()
    r = api.post("/api/v1/states/KAZ/authorities", headers=bearer(db, "secretariat"), json={
        "since": (days_ago.date() + timedelta(days=1)).isoformat(),
        "authorities": "a provisional council",
        "constitutional": False, "source": "its decree"})
    assert r.status_code == 201, r.text
    return kaz, rus, doc, copied


def test_an_appointment_a_change_of_authorities_ended_is_said_gone_when_recorded(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its representative had read what was there before the change, so the entry
    recording the change says `gone` for it; another state's reader is told nothing."""
    kaz, rus, doc, copied = _read_then_lapsed(api, db, monkeypatch)
    said, gone_at = poll(api, kaz, copied, kind="document")
    assert said == [("document", str(doc), "gone")] and gone_at > copied
    assert poll(api, kaz, gone_at, kind="document") == ([], gone_at)
    assert poll(api, rus, copied, kind="document")[0] == []


def test_an_appointment_the_authorities_in_power_confirm_is_told_what_it_reads_again(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The representative the change ended is confirmed by the authorities in power: the
    entry of the confirmation says `changed` for what it reads again, what was there
    before the change and what was made while it read nothing; what it was told before
    stays as it was told."""
    kaz, rus, doc, copied = _read_then_lapsed(api, db, monkeypatch)
    said, gone_at = poll(api, kaz, copied, kind="document")
    assert said == [("document", str(doc), "gone")]
    meanwhile = document(api, rus, "RUS")
    assert poll(api, kaz, gone_at, kind="document")[0] == []
    r = api.post("/api/v1/users/rep-kaz/confirm", headers=bearer(db, "admin"))
    assert r.status_code == 200, r.text
    said, again = poll(api, kaz, gone_at, kind="document")
    assert sorted(said) == sorted([("document", str(doc), "changed"),
                                   ("document", str(meanwhile), "changed")])
    assert api.get(f"/api/v1/documents/{meanwhile}", headers=kaz).status_code == 200
    assert poll(api, kaz, again, kind="document") == ([], again)
    # from before the change, a record is said once, at its last: both to read again
    assert poll(api, kaz, copied, kind="document")[0] == [
        ("document", str(doc), "changed"), ("document", str(meanwhile), "changed")]


def test_a_drafts_fate_is_said_of_the_crisis_whose_file_holds_it(db: Database) -> None:
    crisis = _crisis(db)
    _, assistance, _ = _yerevan(db, crisis)  # returned: Armenia objected
    a = t.audit_log.c
    with db.read() as conn:
        closed = conn.execute(select(a.id).where(
            a.action == "draft.close", a.target_id == str(assistance))).scalar_one()
        items, _ = changes.feed(conn, actor=SEC, after=closed - 1, limit=1000,
                                kinds=("crisis",))
    assert [(c.cursor, c.kind, c.id) for c in items] == [(closed, "crisis", str(crisis))]


@pytest.mark.parametrize("after", ["x", "12:nothing:3", "-1", "1:op_report:"])
def test_a_cursor_that_is_none_is_refused_naming_it(api: TestClient, db: Database,
                                                    after: str) -> None:
    r = api.get("/api/v1/changes", headers=bearer(db, "rep-kaz"), params={"after": after})
    assert r.status_code == 422, r.text
    assert "after" in r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_an_appointment_ended_on_a_day_past_is_said_when_it_is_recorded(
        api: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The term is recorded days after the day it ended on: the reader had read past that
    day meanwhile (as a representative: nothing had ended yet), so the entry recording it
    says `gone` for what it read when its term ended; a reader that had not read on is
    told nothing of the records made since."""
    kaz, rus = bearer(db, "rep-kaz"), bearer(db, "rep-rus")
    days_ago = _three_days_ago(monkeypatch)
    _, start = poll(api, kaz, None)
    doc = document(api, rus, "RUS")  # for the members: KAZ reads it
    monkeypatch.setattr(audit_store, "now_iso", lambda: (days_ago + timedelta(days=1))
                        .isoformat(timespec="microseconds"))
    since = document(api, rus, "RUS")  # a day after the one its term will end on
    said, copied = poll(api, kaz, start, kind="document")
    assert said == [("document", str(doc), "changed"), ("document", str(since), "changed")]
    monkeypatch.undo()
    state_users.set_term(db, "rep-kaz", days_ago.date(), actor=SYSTEM)  # recorded today
    said, gone_at = poll(api, kaz, copied, kind="document")
    assert said == [("document", str(doc), "gone")] and gone_at > copied
    assert poll(api, kaz, gone_at, kind="document") == ([], gone_at)
    # from before: what it read before the end is gone (said twice: at the end and where
    # it was recorded), what was made since is never named
    from_start = poll(api, kaz, start, kind="document")[0]
    assert set(from_start) == {("document", str(doc), "gone")}
