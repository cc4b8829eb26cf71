"""A CAP message's own audience (OASIS CAP 1.2 §3.2.1 `scope`, `restriction`,
`addresses`) decides the marking of what it becomes: a Public or Restricted alert is the
organization's record (members and staff, never the public nor the observers), a
Private one is for the states it was sent for and the staff only; the intake's warnings
say so, and the crisis's CAP export never writes back a wider audience."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import select

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import ANONYMOUS, Principal, Role
from phalanx.services import alerts, crises, watch
from phalanx.services.db import Database
from phalanx.services.errors import Invalid, NotFound
from tests.conftest import shared_file
from tests.support.capfiles import alert, edxl, info

SEC = Principal("secretariat", Role.SECRETARIAT)
OBSERVER = Principal("observer", Role.OBSERVER)
KGZ = alerts.Route(("KGZ",))


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def scoped(scope: str, extra: str, identifier: str = "KG-2026-0001") -> bytes:
    return alert(identifier=identifier, extra=extra).replace(
        b"<scope>Public</scope>", f"<scope>{scope}</scope>".encode())


def _marking(db: Database, table: t.Table, row_id: int) -> tuple[Marking, list[str], bool]:
    with db.read() as conn:
        c = access.classification_of(conn.execute(select(table).where(
            table.c.id == row_id)).one())
    return c.marking, sorted(c.participants), c.observers


def _reads(db: Database, who: Principal, r: alerts.IntakeOut) -> bool:
    with db.read() as conn:
        try:
            alerts.get(conn, r.alert.id, actor=who)
            if r.crisis is not None:
                crises.get(conn, r.crisis.id, actor=who)
        except NotFound:
            return False
    return True


def test_a_private_alert_is_read_by_the_states_it_was_sent_for_only(db: Database) -> None:
    r = alerts.receive(db, scoped("Private", "<addresses>ops@mchs.gov.kg</addresses>"),
                       KGZ, actor=SEC)
    assert r.crisis is not None
    assert _marking(db, t.crisis, r.crisis.id) == (Marking.PARTICIPANTS, ["KGZ"], False)
    assert _marking(db, t.cap_alert, r.alert.id) == (Marking.PARTICIPANTS, ["KGZ"], False)
    assert any("scope Private" in w["message"] and "KGZ" in w["message"]
               for w in r.alert.warnings), r.alert.warnings
    assert _reads(db, rep("KGZ"), r) and _reads(db, SEC, r)
    for who in (rep("ARM"), OBSERVER, ANONYMOUS):
        assert not _reads(db, who, r), who
    with db.read() as conn:
        xml = crises.export_cap(conn, r.crisis.id, actor=SEC)
    schema = etree.XMLSchema(etree.parse(str(shared_file("fixtures", "cap", "schema",
                                                        "cap12.xsd"))))
    assert schema.validate(etree.fromstring(xml)), schema.error_log
    back = cap.parse(xml)
    assert back.scope == "Restricted"
    assert "(KGZ)" in back.restriction and "Member states" not in back.restriction


def test_a_restricted_alert_is_never_public_nor_the_observers(db: Database) -> None:
    r = alerts.receive(db, scoped("Restricted",
                                  "<restriction>emergency services only</restriction>"),
                       KGZ, actor=SEC)
    assert r.crisis is not None
    assert _marking(db, t.crisis, r.crisis.id) == (Marking.ORGANIZATION, [], False)
    assert any("scope Restricted" in w["message"]
               and "emergency services only" in w["message"]
               for w in r.alert.warnings), r.alert.warnings
    assert _reads(db, rep("ARM"), r)
    for who in (OBSERVER, ANONYMOUS):
        assert not _reads(db, who, r), who
    with db.read() as conn:
        back = cap.parse(crises.export_cap(conn, r.crisis.id, actor=SEC))
    assert back.scope == "Restricted"
    assert "emergency services only" in back.restriction


def test_a_private_alert_a_feed_makes_a_watch_entry_of_stays_private(db: Database) -> None:
    r = alerts.receive(db, scoped("Private", "<addresses>ops@mchs.gov.kg</addresses>"),
                       alerts.Route(("KGZ",), to_crisis=lambda *_: False), actor=SEC)
    assert r.watch is not None and r.crisis is None
    with db.read() as conn:
        with pytest.raises(NotFound):
            watch.get(conn, r.watch.id, actor=rep("ARM"), today=r.alert.received_at.date())
        assert watch.get(conn, r.watch.id, actor=rep("KGZ"),
                         today=r.alert.received_at.date()).id == r.watch.id


def test_a_public_alert_stays_the_organizations_record(db: Database) -> None:
    r = alerts.receive(db, scoped("Public", ""), KGZ, actor=SEC)
    assert r.crisis is not None
    assert _marking(db, t.crisis, r.crisis.id) == (Marking.ORGANIZATION, [], False)
    assert not any("scope" in w["message"] for w in r.alert.warnings)


# --- an Update for fewer readers than the crisis it references ---------------------------

BOTH = alerts.Route(("KAZ", "KGZ"))
T0 = "2026-11-20T06:00:00+06:00"


def _private_update(identifier: str = "KG-2026-0002") -> bytes:
    return alert(info("Secret evacuation route via Tokmok", description="Convoy at 0400"),
                 identifier=identifier, msg_type="Update", sent="2026-11-20T07:00:00+06:00",
                 extra="<addresses>ops@mchs.gov.kg</addresses>"
                       f"<references>mchs@gov.kg,KG-2026-0001,{T0}</references>").replace(
        b"<scope>Public</scope>", b"<scope>Private</scope>")


def _untouched(db: Database, crisis_id: int, title: str, description: str) -> None:
    with db.read() as conn:
        c = crises.get(conn, crisis_id, actor=rep("ARM"))
    assert (c.title, c.description) == (title, description)
    texts = [e.text for e in c.timeline]
    said = " ".join(texts)
    assert "Tokmok" not in said and "KG-2026-0002" not in said and "0400" not in said
    assert any("not every reader" in x for x in texts), texts


def test_a_private_update_narrower_than_its_crisis_leaves_the_crisis_as_it_was(
        db: Database) -> None:
    first = alerts.receive(db, alert(info("Earthquake near Bishkek",
                                          description="Magnitude 6")), BOTH, actor=SEC)
    assert first.crisis is not None
    before = (first.crisis.title, first.crisis.description)
    r = alerts.receive(db, _private_update(), KGZ, actor=SEC)
    assert r.alert.action == "stored" and r.alert.crisis_id == first.crisis.id
    assert _marking(db, t.cap_alert, r.alert.id) == (Marking.PARTICIPANTS, ["KGZ"], False)
    assert any(w["where"] == "/alert/scope" and "narrower" in w["message"]
               for w in r.alert.warnings), r.alert.warnings
    _untouched(db, first.crisis.id, *before)
    with db.read() as conn:  # KGZ reads the update, as a record of its own
        assert alerts.get(conn, r.alert.id, actor=rep("KGZ")).infos
        with pytest.raises(NotFound):
            alerts.get(conn, r.alert.id, actor=rep("ARM"))
        back = cap.parse(crises.export_cap(conn, first.crisis.id, actor=rep("ARM")))
    assert back.infos[0].headline == "Earthquake near Bishkek"


def test_a_private_update_that_came_first_leaves_the_crisis_as_it_was(db: Database) -> None:
    early = alerts.receive(db, _private_update(), KGZ, actor=SEC)
    assert early.alert.action == "stored" and early.alert.crisis_id is None
    first = alerts.receive(db, alert(info("Earthquake near Bishkek",
                                          description="Magnitude 6")), BOTH, actor=SEC)
    assert first.crisis is not None
    _untouched(db, first.crisis.id, "Earthquake near Bishkek", "Magnitude 6")


def test_a_private_alert_s_watch_entry_escalated_stays_with_the_states_it_was_for(
        db: Database) -> None:
    """Escalating the watch entry a Private alert made opens a crisis with the entry's
    marking: its title and note (the alert's text) are not read by every member; naming
    an affected state the entry is not for is refused, nothing written."""
    r = alerts.receive(db, scoped("Private", "<addresses>ops@mchs.gov.kg</addresses>"),
                       alerts.Route(("KGZ",), to_crisis=lambda *_: False), actor=SEC)
    assert r.watch is not None
    with pytest.raises(Invalid, match="KGZ only"):
        watch.escalate(db, r.watch.id, ["KAZ", "KGZ"], actor=SEC)
    c = watch.escalate(db, r.watch.id, ["KGZ"], actor=SEC)
    assert _marking(db, t.crisis, c.id) == (Marking.PARTICIPANTS, ["KGZ"], False)
    with db.read() as conn:
        assert crises.get(conn, c.id, actor=rep("KGZ")).id == c.id
        for who in (rep("ARM"), OBSERVER, ANONYMOUS):
            with pytest.raises(NotFound):
                crises.get(conn, c.id, actor=who)


# --- a message sent again, or named, by one who may not read it ---------------------------

KAZ = alerts.Route(("KAZ",))
SECRET = "<addresses>ops@mchs.gov.kg</addresses>"


def _private(identifier: str, status: str = "Actual") -> bytes:
    return alert(info("Covert incursion near Batken", description="Convoy at 0400"),
                 identifier=identifier, status=status, extra=SECRET).replace(
        b"<scope>Public</scope>", b"<scope>Private</scope>")


@pytest.mark.parametrize("status", ["Actual", "Test"])
def test_a_private_message_sent_again_by_another_state_tells_it_nothing(
        db: Database, status: str) -> None:
    """Another state's representative sending a message with the sender and identifier
    of a Private one (its content guessed or not) gets neither the record, nor its
    crisis's number, nor its text: the same refusal whatever the message opened."""
    from phalanx.services import distributions
    from phalanx.services.errors import Conflict

    first = alerts.receive(db, _private("KG-P-1", status), KGZ, actor=SEC)
    guess = alert(identifier="KG-P-1")
    calls = [lambda: alerts.receive(db, guess, KAZ, actor=rep("KAZ")),
             lambda: crises.import_cap_upload(db, guess, ["KAZ"], actor=rep("KAZ")),
             lambda: distributions.receive(db, edxl(guess), KAZ, actor=rep("KAZ"))]
    for call in calls:
        with pytest.raises(Conflict) as exc:
            call()
        said = str(exc.value)
        assert "KG-P-1" in said and "already received" in said
        assert "Batken" not in said and "0400" not in said and "KGZ" not in said
        if first.crisis is not None:
            assert str(first.crisis.id) not in said.replace("KG-P-1", "")
    again = alerts.receive(db, guess, KGZ, actor=rep("KGZ"))  # who reads it: as before
    assert again.duplicate and again.alert.id == first.alert.id


def test_an_update_naming_a_message_its_sender_may_not_read_names_nothing(
        db: Database) -> None:
    """An Update naming a Private message of another state's is taken as one naming a
    message never received (not refused as acting for that state, which would say that
    the message exists and whose it is)."""
    first = alerts.receive(db, _private("KG-P-2"), KGZ, actor=SEC)
    assert first.crisis is not None

    def update(ref: str, identifier: str) -> bytes:
        return alert(identifier=identifier, msg_type="Update",
                     sent="2026-11-20T07:00:00+06:00",
                     references=f"mchs@gov.kg,{ref},{T0}")

    told = []
    for ref, identifier in (("KG-P-2", "KZ-U-1"), ("KG-NONE", "KZ-U-2")):
        r = alerts.receive(db, update(ref, identifier), KAZ, actor=rep("KAZ"))
        assert r.crisis is None and r.alert.crisis_id is None
        told.append((r.alert.action, r.alert.action_detail,
                     [w["message"] for w in r.alert.warnings]))
    assert told[0] == told[1]
    with pytest.raises(Invalid) as exc:
        crises.import_cap_upload(db, update("KG-P-2", "KZ-U-3"), ["KAZ"], actor=rep("KAZ"))
    assert "nothing received here" in exc.value.message
    with db.read() as conn:
        assert crises.get(conn, first.crisis.id, actor=rep("KGZ")).title == \
            "Covert incursion near Batken"


def test_a_message_read_names_no_crisis_its_reader_may_not_read(db: Database) -> None:
    """A Public Update filed on a Private crisis is every member's record, but the crisis
    it changed is not: its record names it only to the crisis's readers."""
    first = alerts.receive(db, _private("KG-P-3"), KGZ, actor=SEC)
    assert first.crisis is not None
    upd = alerts.receive(db, alert(identifier="KG-P-4", msg_type="Update",
                                   sent="2026-11-20T07:00:00+06:00",
                                   references=f"mchs@gov.kg,KG-P-3,{T0}"), KGZ, actor=SEC)
    assert upd.alert.crisis_id == first.crisis.id
    with db.read() as conn:
        assert alerts.get(conn, upd.alert.id, actor=rep("KGZ")).crisis_id == first.crisis.id
        assert alerts.get(conn, upd.alert.id, actor=rep("KAZ")).crisis_id is None
        assert all(a.crisis_id is None for a in alerts.listing(conn, actor=rep("KAZ")))
        assert not alerts.listing(conn, actor=rep("KAZ"), crisis_id=first.crisis.id)
