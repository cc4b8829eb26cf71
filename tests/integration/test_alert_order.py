"""CAP messages out of order, as feeds deliver them: an Update or Cancel that arrives
before the alert it references is stored with a warning, and applied when the alert
arrives (in the order the messages were sent, chains of references included); the
crisis an already cancelled alert opens says so at once. Each application is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import alerts, crises
from phalanx.services.db import Database
from tests.support.capfiles import alert, info

SEC = Principal("secretariat", Role.SECRETARIAT)
KGZ = alerts.Route(("KGZ",))
SENDER = "mchs@gov.kg"
T0, T1, T2 = ("2026-11-20T06:00:00+06:00", "2026-11-20T07:00:00+06:00",
              "2026-11-20T08:00:00+06:00")


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def ref(identifier: str, sent: str = T0) -> str:
    return f"{SENDER},{identifier},{sent}"


def audited(db: Database, action: str) -> list[str]:
    with db.read() as conn:
        return list(conn.execute(select(t.audit_log.c.target_id).where(
            t.audit_log.c.action == action)).scalars())


def test_a_cancel_that_arrives_before_its_alert_cancels_what_the_alert_opens(
        db: Database) -> None:
    early = alerts.receive(db, alert(identifier="A1-cancel", msg_type="Cancel", sent=T1,
                                     references=ref("A1")), KGZ, actor=SEC)
    assert early.crisis is None and early.alert.action == "stored"
    assert any("no message received here" in w["message"] for w in early.alert.warnings)
    opened = alerts.receive(db, alert(identifier="A1"), KGZ, actor=SEC)
    assert opened.crisis is not None
    with db.read() as conn:
        assert alerts.cancelled(conn, opened.crisis.id, actor=SEC)
        c = crises.get(conn, opened.crisis.id, actor=SEC)
        cancel = alerts.get(conn, early.alert.id, actor=SEC)
    assert any(e.kind == "cap" and "A1-cancel" in e.text and "closing is proposed" in e.text
               for e in c.timeline)
    assert cancel.action == "cancelled" and cancel.crisis_id == opened.crisis.id
    assert "applied when A1" in cancel.action_detail
    assert not any("no message received here" in w["message"] for w in cancel.warnings)
    assert audited(db, "cap.apply") == [str(early.alert.id)]


def test_updates_that_arrive_first_are_applied_in_the_order_they_were_sent(
        db: Database) -> None:
    # the second update references only the first; both arrive before the alert
    second = alerts.receive(db, alert(info("Second", severity="Extreme"), identifier="U2",
                                      msg_type="Update", sent=T2,
                                      references=ref("U1", T1)), KGZ, actor=SEC)
    first = alerts.receive(db, alert(info("First", severity="Moderate"), identifier="U1",
                                     msg_type="Update", sent=T1, references=ref("A1")),
                           KGZ, actor=SEC)
    other = alerts.receive(db, alert(info("Not theirs", severity="Minor"), identifier="X1",
                                     sender="someone@else.kg", msg_type="Update", sent=T1,
                                     references=ref("A1")), KGZ, actor=SEC)
    assert {second.alert.action, first.alert.action, other.alert.action} == {"stored"}
    opened = alerts.receive(db, alert(info("Quake", severity="Severe"), identifier="A1"),
                            KGZ, actor=SEC)
    assert opened.crisis is not None
    with db.read() as conn:
        c = crises.get(conn, opened.crisis.id, actor=SEC)
        chain = {a.identifier: a for a in alerts.listing(conn, actor=SEC)}
    assert (c.title, c.severity) == ("Second", "extreme")
    history = [e.text for e in c.timeline if e.kind == "cap"]
    assert [h.split(" (")[0] for h in history] == ["CAP Update U1", "CAP Update U2"]
    assert chain["U1"].action == chain["U2"].action == "updated"
    assert chain["U2"].crisis_id == c.id
    assert chain["X1"].action == "stored" and chain["X1"].crisis_id is None


def test_the_areas_that_stand_are_those_of_the_update_applied_last(db: Database) -> None:
    """Updates that arrived before their alert are applied after it, when it arrives:
    the crisis's areas are then the last of them, as its title is, not the alert's
    (received last); one from another sender, stored, is none of them."""
    from phalanx.services import alert_standing

    osh = "40.6,72.7 40.6,72.9 40.4,72.9 40.4,72.7 40.6,72.7"
    alerts.receive(db, alert(info("Second", area="Osh region", polygons=(osh,)),
                             identifier="U2", msg_type="Update", sent=T2,
                             references=ref("U1", T1)), KGZ, actor=SEC)
    alerts.receive(db, alert(info("First", area="Naryn region"), identifier="U1",
                             msg_type="Update", sent=T1, references=ref("A1")), KGZ,
                   actor=SEC)
    opened = alerts.receive(db, alert(info("Quake", area="Chuy region"), identifier="A1"),
                            KGZ, actor=SEC)
    assert opened.crisis is not None
    alerts.receive(db, alert(info("Not theirs", area="Spoofed area"), identifier="X1",
                             sender="someone@else.kg", msg_type="Update", sent=T2,
                             references=ref("U2", T2)), KGZ, actor=SEC)
    with db.read() as conn:
        c = crises.get(conn, opened.crisis.id, actor=SEC)
        drawn = alert_standing.crisis_areas(conn, c.id, actor=SEC)["features"]
    assert (c.title, c.place) == ("Second", "Osh region")
    assert [f["properties"]["area"] for f in drawn] == ["Osh region"]


def test_a_cap_update_and_cancel_reach_the_pages_that_may_see_the_crisis(
        db: Database) -> None:
    import asyncio
    from pathlib import Path

    from phalanx.adapters.events import Event, EventBus, Subscription
    from phalanx.domain.access.policy import read_scope

    bus, sent = EventBus(), list[Event]()
    bus.relay = sent.append  # what the writes publish, as another process would get it
    db.bus = bus
    opened = alerts.receive(db, alert(identifier="A1"), KGZ, actor=SEC)
    alerts.receive(db, alert(info(severity="Extreme"), identifier="A2", msg_type="Update",
                             sent=T1, references=ref("A1")), KGZ, actor=SEC)
    alerts.receive(db, alert(identifier="A3", msg_type="Cancel", sent=T2,
                             references=ref("A1")), KGZ, actor=SEC)
    loop = asyncio.new_event_loop()
    try:
        def page(role: Role, **kw: str) -> Subscription:
            return Subscription(bus, frozenset({"crises"}), loop,
                                read_scope(Principal("u", role, **kw)))

        board, observer = page(Role.SECRETARIAT), page(Role.OBSERVER, observer_of="OSCE")
        changed = [e for e in sent if e.topic == "crises" and e.kind == "updated"]
        assert [e.data["id"] for e in changed] == [opened.crisis.id] * 2  # type: ignore[union-attr]
        assert all(board.wants(e) and not observer.wants(e) for e in changed)
    finally:
        loop.close()
    room = {e.kind for e in sent if e.topic == f"crisis:{opened.crisis.id}"}  # type: ignore[union-attr]
    templates = Path(alerts.__file__).parent.parent / "web" / "templates"
    board_page = (templates / "crises.html").read_text(encoding="utf-8")
    room_page = (templates / "crisis.html").read_text(encoding="utf-8")
    assert "sse:updated" in board_page
    assert all(f"sse:{kind}" in room_page for kind in room), room
