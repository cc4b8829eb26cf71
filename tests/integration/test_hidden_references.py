"""A record that names another by its id gives that id only to readers of the other: a
session's agenda item names its documents, a crisis's official request its letter in the
register; a document the reader may not read (one the participants alone read, or one its
state keeps NATIONAL) is not named by its id, in the API or on the page, while its
readers still see it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import crises, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services import documents as docs
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_force_tasks import SEC, T0, rep
from tests.support.sessions import login


def _document(db: Database, owner: str, marking: Marking, participants: list[str],
              actor: object) -> int:
    kind = OwnerKind.STATE if owner != "secretariat" else OwnerKind.SECRETARIAT
    return docs.create(db, docs.DocumentIn(
        title=f"a letter marked {marking.value}", owner_kind=kind, owner=owner,
        marking=marking, participants=participants), actor=actor).id  # type: ignore[arg-type]


def test_an_agenda_item_names_only_the_documents_its_reader_may_read(
        accounts_db: Database, settings: Settings) -> None:
    """The Secretariat puts on an ORGANIZATION session's agenda a document that only
    Armenia and Belarus read, and one every member reads: Kazakhstan reads the session and
    the second document's id, not the first's."""
    hidden = _document(accounts_db, "secretariat", Marking.PARTICIPANTS, ["ARM", "BLR"], SEC)
    shown = _document(accounts_db, "secretariat", Marking.ORGANIZATION, [], SEC)
    m = dec.convene(accounts_db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2026, 11, 20, 10, tzinfo=UTC)}), actor=SEC)
    dec.add_agenda_item(accounts_db, m.id, "Letters of the members", [hidden, shown],
                        actor=SEC)
    with TestClient(create_app(settings, accounts_db)) as client:
        login(client, "rep-kaz", "demo-rep-kaz")
        assert client.get(f"/api/v1/documents/{hidden}").status_code == 404
        session = client.get(f"/api/v1/sessions/{m.id}").json()
        assert [a["document_ids"] for a in session["agenda"]] == [[shown]]
        login(client, "rep-arm", "demo-rep-arm")
        session = client.get(f"/api/v1/sessions/{m.id}").json()
        assert [a["document_ids"] for a in session["agenda"]] == [[hidden, shown]]
        login(client, "secretariat", "demo-secretariat")
        session = client.get(f"/api/v1/sessions/{m.id}").json()
        assert [a["document_ids"] for a in session["agenda"]] == [[hidden, shown]]


def test_an_official_request_names_its_letter_only_to_the_letters_readers(
        accounts_db: Database, settings: Settings) -> None:
    """Kazakhstan records its official request with its letter, a document it keeps
    NATIONAL: every reader of the crisis reads the request, only Kazakhstan the letter's
    id (and the link to it in the crisis room)."""
    letter = _document(accounts_db, "KAZ", Marking.NATIONAL, [], rep("KAZ"))
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty"), actor=rep("KAZ"), at=T0)
    made = crisis_requests.record_request(accounts_db, c.id, crisis_requests.OfficialRequestIn(
        state="KAZ", person="the President of Kazakhstan", office="head_of_state",
        at=T0 + timedelta(hours=1), article="Treaty art. 4",
        measures=[Measure.MILITARY_PEACEKEEPING], document_id=letter),
        actor=rep("KAZ"), at=T0 + timedelta(hours=1))
    assert made.document_id == letter
    link = f'href="/documents/{letter}"'
    with TestClient(create_app(settings, accounts_db)) as client:
        for user, password in (("rep-arm", "demo-rep-arm"), ("secretariat",
                                                              "demo-secretariat")):
            login(client, user, password)
            room = client.get(f"/api/v1/crises/{c.id}").json()
            assert [r["document_id"] for r in room["official_requests"]] == [None], user
            assert f"/documents/{letter}" not in json.dumps(room)
            assert link not in client.get(f"/crises/{c.id}").text
        login(client, "rep-kaz", "demo-rep-kaz")
        room = client.get(f"/api/v1/crises/{c.id}").json()
        assert [r["document_id"] for r in room["official_requests"]] == [letter]
        assert link in client.get(f"/crises/{c.id}").text



def test_the_audit_entry_of_an_official_request_names_its_letter_only_to_its_readers(
        accounts_db: Database, settings: Settings) -> None:
    """The trail's entry about the request is the crisis's, read by the auditor and the
    administrator, who do not read Kazakhstan's NATIONAL letter: it names no letter to
    them and says `redacted` (its stored change, which its hash seals, is unchanged)."""
    letter = _document(accounts_db, "KAZ", Marking.NATIONAL, [], rep("KAZ"))
    shown = _document(accounts_db, "KAZ", Marking.ORGANIZATION, [], rep("KAZ"))
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Attacks on government buildings in Almaty", category="threat_to_security",
        affected=["KAZ"], severity="extreme", place="Almaty"), actor=rep("KAZ"), at=T0)
    for n, document in enumerate((letter, shown), start=1):
        crisis_requests.record_request(accounts_db, c.id, crisis_requests.OfficialRequestIn(
            state="KAZ", person="the President of Kazakhstan", office="head_of_state",
            at=T0 + timedelta(hours=n), article="Treaty art. 4",
            measures=[Measure.MILITARY_PEACEKEEPING], document_id=document),
            actor=rep("KAZ"), at=T0 + timedelta(hours=n))
    with TestClient(create_app(settings, accounts_db)) as client:
        for user, password in (("auditor", "demo-auditor-pass"),
                               ("admin", "demo-admin-pass")):
            login(client, user, password)
            items = client.get("/api/v1/audit", params={
                "action": "crisis.official_request", "limit": 1000}).json()["items"]
            mine = [e for e in items if e["target_id"] == str(c.id)
                    and e["action"] == "crisis.official_request"]
            named = {(json.loads(e["change"])["document_id"], e.get("redacted", False))
                     for e in mine}
            assert named == {(None, True), (shown, False)}, (user, named)
            assert f'"document_id":{letter}' not in client.get(
                "/audit", params={"action": "crisis.official_request"}).text
    with accounts_db.read() as conn:  # as stored
        stored = [json.loads(ch) for (ch,) in conn.exec_driver_sql(
            "SELECT change FROM audit_log WHERE action = 'crisis.official_request'")]
    assert letter in [s["document_id"] for s in stored]
