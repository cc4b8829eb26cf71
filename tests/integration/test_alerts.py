"""CAP messages, not only alerts, on SQLite and PostgreSQL: an alert, its update and its
cancellation make one crisis with its history; Draft, System and Test open nothing;
Exercise goes to exercise mode; Ack and Error are stored; an unknown reference is a
warning; every info and area is kept, placed with antimeridian-safe geometry and
exported back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml import etree
from sqlalchemy import func, select

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import alert_standing, alerts, crises, distributions
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden
from tests.support.capfiles import SQUARE, alert, edxl, info

SEC = Principal("secretariat", Role.SECRETARIAT)
KGZ = alerts.Route(("KGZ",))
SENDER = "mchs@gov.kg"
T0 = "2026-11-20T06:00:00+06:00"


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # every test starts from the built-in dataset and the demo accounts


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def count(db: Database, table: t.Table) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def ref(identifier: str, sent: str = T0) -> str:
    return f"{SENDER},{identifier},{sent}"


def test_an_alert_its_update_and_its_cancel_make_one_crisis_with_history(
        org_db: Database) -> None:
    first = alerts.receive(org_db, alert(info(severity="Moderate"), identifier="A1"), KGZ,
                           actor=SEC)
    assert first.crisis is not None and first.alert.action == "opened-crisis"
    assert first.crisis.severity == "moderate" and first.alert.sent_text == T0
    up = alerts.receive(org_db, alert(info("Aftershocks expected", severity="Extreme",
                                           area="Chuy and Issyk-Kul"),
                                      identifier="A2", msg_type="Update",
                                      sent="2026-11-20T07:00:00+06:00",
                                      references=ref("A1")), KGZ, actor=SEC)
    assert up.crisis is not None and up.crisis.id == first.crisis.id
    assert up.crisis.severity == "extreme" and up.crisis.title == "Aftershocks expected"
    assert up.crisis.place == "Chuy and Issyk-Kul"
    end = alerts.receive(org_db, alert(identifier="A3", msg_type="Cancel",
                                       sent="2026-11-20T09:00:00+06:00",
                                       references=ref("A1") + " "
                                       + ref("A2", "2026-11-20T07:00:00+06:00")),
                         KGZ, actor=SEC)
    assert end.crisis is not None and end.crisis.id == first.crisis.id
    assert end.alert.action == "cancelled"
    assert count(org_db, t.crisis) == 1 and count(org_db, t.cap_alert) == 3
    with org_db.read() as conn:
        c = crises.get(conn, first.crisis.id, actor=SEC)
        history = [e.text for e in c.timeline if e.kind == "cap"]
        assert alerts.cancelled(conn, c.id, actor=SEC)
        chain = alerts.listing(conn, actor=SEC, crisis_id=c.id)
    assert any("severity moderate → extreme" in h for h in history)
    assert any("closing is proposed" in h for h in history)
    assert [a.msg_type for a in chain] == ["Cancel", "Update", "Alert"]
    again = alerts.receive(org_db, alert(identifier="A1"), KGZ, actor=SEC)
    assert again.duplicate and count(org_db, t.cap_alert) == 3


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_only_the_alerts_own_sender_changes_what_it_opened(org_db: Database,
                                                          msg_type: str) -> None:
    first = alerts.receive(org_db, alert(info(severity="Severe"), identifier="A1"), KGZ,
                           actor=SEC)
    other = alerts.receive(org_db, alert(info("All clear", severity="Minor"),
                                         identifier="X1", sender="someone@else.example",
                                         msg_type=msg_type, references=ref("A1")), KGZ,
                           actor=SEC)
    assert other.alert.action == "stored" and "sender other than" in other.alert.action_detail
    with org_db.read() as conn:
        c = crises.get(conn, first.crisis.id, actor=SEC)  # type: ignore[union-attr]
        assert not alerts.cancelled(conn, c.id, actor=SEC)
    assert (c.title, c.severity) == (first.crisis.title, "severe")  # type: ignore[union-attr]
    assert not [e for e in c.timeline if e.kind == "cap" and "X1" in e.text]


OSH = "40.6,72.7 40.6,72.9 40.4,72.9 40.4,72.7 40.6,72.7"  # far from SQUARE


def areas(db: Database, crisis_id: int) -> list[str]:
    """The areas the crisis's maps draw, and those its CAP export carries."""
    with db.read() as conn:
        drawn = alert_standing.crisis_areas(conn, crisis_id, actor=SEC)["features"]
        exported = cap.parse(crises.export_cap(conn, crisis_id, actor=SEC))
    assert [a.description for i in exported.infos for a in i.areas] == \
        [f["properties"]["area"] for f in drawn]
    return [f["properties"]["area"] for f in drawn]


def test_a_message_only_stored_never_stands_for_the_crisis_s_areas(org_db: Database) -> None:
    """An Update from a sender other than the alert's is stored and attached to the
    crisis, and changes nothing: its areas are not the crisis's; an Update of the
    alert's own sender, applied, replaces them, and an Ack after it does not."""
    first = alerts.receive(org_db, alert(info(area="Chuy region"), identifier="A1"), KGZ,
                           actor=SEC)
    assert first.crisis is not None
    spoof = alerts.receive(org_db, alert(info("Stand down", area="Spoofed area Osh",
                                              polygons=(OSH,)),
                                         identifier="X1", sender="someone-else@x.example",
                                         msg_type="Update", sent="2026-11-20T07:00:00+06:00",
                                         references=ref("A1")), KGZ, actor=SEC)
    assert spoof.alert.action == "stored" and spoof.alert.crisis_id == first.crisis.id
    assert areas(org_db, first.crisis.id) == ["Chuy region"]
    up = alerts.receive(org_db, alert(info(area="Osh region", polygons=(OSH,)),
                                      identifier="A2", msg_type="Update",
                                      sent="2026-11-20T08:00:00+06:00",
                                      references=ref("A1")), KGZ, actor=SEC)
    assert up.alert.action == "updated"
    assert areas(org_db, first.crisis.id) == ["Osh region"]
    for n, (sender, msg_type) in enumerate((("someone-else@x.example", "Update"),
                                            (SENDER, "Ack"))):
        alerts.receive(org_db, alert(info(area="Spoofed area Chuy"), identifier=f"Y{n}",
                                     sender=sender, msg_type=msg_type,
                                     sent="2026-11-20T09:00:00+06:00",
                                     references=ref("A2", "2026-11-20T08:00:00+06:00")),
                       KGZ, actor=SEC)
    assert areas(org_db, first.crisis.id) == ["Osh region"]
    with org_db.read() as conn:  # kept, listed with the crisis all the same
        assert len(alerts.listing(conn, actor=SEC, crisis_id=first.crisis.id)) == 5


ARM = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")
REPORTER = Principal("reporter-kgz", Role.REPORTER, state="KGZ", agency=Agency.CUSTOMS)


@pytest.mark.parametrize("who", [ARM, REPORTER])
def test_who_may_not_open_a_crisis_for_the_states_sends_them_no_message(
        org_db: Database, who: Principal) -> None:
    """Not only alerts that open or change a crisis: an Ack, an Update another sender's
    message stores, a Test message, an EDXL-DE distribution are refused alike, before
    anything is stored or audited; an affected state's representative sends them."""
    first = alerts.receive(org_db, alert(identifier="A1"), KGZ, actor=SEC)
    assert first.crisis is not None
    sent = [alert(identifier="B1", msg_type="Ack", references=ref("A1")),
            alert(info(area="Spoofed area"), identifier="B2", sender="someone@else.example",
                  msg_type="Update", references=ref("A1")),
            alert(identifier="B3", status="Test"),
            alert(identifier="B4")]
    before = count(org_db, t.audit_log)
    for data in [*sent, edxl(alert(identifier="B5", msg_type="Ack", references=ref("A1")))]:
        with pytest.raises(Forbidden):
            distributions.receive(org_db, data, KGZ, actor=who)
    with pytest.raises(Forbidden):  # a message already received answers the same
        alerts.receive(org_db, alert(identifier="A1"), KGZ, actor=who)
    assert count(org_db, t.cap_alert) == 1 and count(org_db, t.crisis) == 1
    assert count(org_db, t.audit_log) == before
    rep = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")
    took = [alerts.receive(org_db, data, KGZ, actor=rep) for data in sent]
    assert [r.alert.action for r in took] == ["stored"] * 3 + ["opened-crisis"]
    assert [r.alert.crisis_id for r in took[:2]] == [first.crisis.id] * 2
    assert count(org_db, t.cap_alert) == 5
    with org_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.audit_log).where(
            t.audit_log.c.action == "cap.receive",
            t.audit_log.c.actor == "rep-kgz")).scalar_one() == 4


def test_a_message_sent_for_one_s_own_state_files_nothing_on_another_s_crisis(
        org_db: Database) -> None:
    """The states a message is sent for are the sender's word; what it references
    decides the crisis it is filed on, whose states' the message then must be."""
    first = alerts.receive(org_db, alert(identifier="A1"), KGZ, actor=SEC)
    assert first.crisis is not None
    for n, msg_type in enumerate(("Ack", "Error", "Update")):
        with pytest.raises(Forbidden):
            alerts.receive(org_db, alert(identifier=f"B{n}", sender="someone@else.example",
                                         msg_type=msg_type, references=ref("A1")),
                           alerts.Route(("ARM",)), actor=ARM)
    assert count(org_db, t.cap_alert) == 1
    test = alerts.receive(org_db, alert(identifier="T1", status="Test",
                                        references=ref("A1")), alerts.Route(("ARM",)),
                          actor=ARM)  # a test message attaches to nothing: ARM's own
    assert test.alert.crisis_id is None and test.crisis is None


@pytest.mark.parametrize("who", [
    Principal("rep-arm", Role.REPRESENTATIVE, state="ARM"),  # not an affected state
    Principal("reporter-kgz", Role.REPORTER, state="KGZ", agency=Agency.EMERGENCY_SERVICE),
    Principal("observer", Role.OBSERVER, observer_of="UN"),
])
def test_who_may_not_open_a_crisis_for_its_states_may_not_change_it_by_a_message(
        org_db: Database, who: Principal) -> None:
    first = alerts.receive(org_db, alert(info(severity="Severe"), identifier="A1"), KGZ,
                           actor=SEC)
    for msg_type in ("Update", "Cancel"):
        with pytest.raises(Forbidden):
            alerts.receive(org_db, alert(info("Stand down", severity="Minor"),
                                         identifier=f"H-{msg_type}", msg_type=msg_type,
                                         references=ref("A1")), KGZ, actor=who)
    assert count(org_db, t.cap_alert) == 1  # nothing half-written
    with org_db.read() as conn:
        c = crises.get(conn, first.crisis.id, actor=SEC)  # type: ignore[union-attr]
        assert not alerts.cancelled(conn, c.id, actor=SEC)
    assert (c.title, c.severity) == (first.crisis.title, "severe")  # type: ignore[union-attr]
    # the affected state's representative may
    rep = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")
    up = alerts.receive(org_db, alert(info("Aftershocks", severity="Extreme"),
                                      identifier="A2", msg_type="Update",
                                      references=ref("A1")), KGZ, actor=rep)
    assert up.alert.action == "updated" and up.crisis.severity == "extreme"  # type: ignore[union-attr]


def test_a_watch_entry_is_changed_by_messages_only_for_its_keepers(org_db: Database) -> None:
    route = alerts.Route(("KGZ",), to_crisis=lambda *_: False)
    w = alerts.receive(org_db, alert(info(severity="Minor"), identifier="W1"), route,
                       actor=SEC)
    with pytest.raises(Forbidden):
        alerts.receive(org_db, alert(identifier="W2", msg_type="Cancel",
                                     references=ref("W1")), route,
                       actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"))
    assert w.watch is not None and count(org_db, t.cap_alert) == 1


@pytest.mark.parametrize("status", ["Draft", "System", "Test"])
def test_draft_system_and_test_never_open_anything(org_db: Database, status: str) -> None:
    r = alerts.receive(org_db, alert(status=status), KGZ, actor=SEC)
    assert r.crisis is None and r.watch is None and r.alert.action == "stored"
    assert count(org_db, t.crisis) == 0 and count(org_db, t.watch_item) == 0


def test_an_exercise_alert_opens_an_exercise_crisis(org_db: Database) -> None:
    r = alerts.receive(org_db, alert(status="Exercise"), KGZ, actor=SEC)
    assert r.crisis is not None and r.crisis.exercise
    # a real update cannot change the exercise
    real = alerts.receive(org_db, alert(identifier="R2", msg_type="Update",
                                        references=ref("KG-2026-0001")), KGZ, actor=SEC)
    assert real.alert.action == "stored" and "exercise" in real.alert.action_detail


@pytest.mark.parametrize("msg_type", ["Ack", "Error"])
def test_ack_and_error_are_stored_not_acted_on(org_db: Database, msg_type: str) -> None:
    opened = alerts.receive(org_db, alert(identifier="A1"), KGZ, actor=SEC)
    r = alerts.receive(org_db, alert(info(severity="Minor"), identifier="B1",
                                     msg_type=msg_type, references=ref("A1")), KGZ,
                       actor=SEC)
    assert r.alert.action == "stored" and r.crisis is not None
    assert r.crisis.severity == opened.crisis.severity == "severe"  # type: ignore[union-attr]
    assert count(org_db, t.crisis) == 1


def test_an_unknown_reference_is_a_warning_not_a_new_crisis(org_db: Database) -> None:
    r = alerts.receive(org_db, alert(msg_type="Cancel", references=ref("never-seen")), KGZ,
                       actor=SEC)
    assert r.crisis is None and count(org_db, t.crisis) == 0
    assert any(w["where"] == "/alert/references" and "no message received here"
               in w["message"] for w in r.alert.warnings)


def test_a_watch_entry_is_updated_and_cancelled_by_its_messages(org_db: Database) -> None:
    route = alerts.Route(("KGZ",), to_crisis=lambda *_: False)
    w = alerts.receive(org_db, alert(info(severity="Minor"), identifier="W1"), route,
                       actor=SEC)
    assert w.watch is not None and w.crisis is None and w.watch.risk == "low"
    up = alerts.receive(org_db, alert(info(severity="Severe"), identifier="W2",
                                      msg_type="Update", references=ref("W1")), route,
                        actor=SEC)
    assert up.watch is not None and up.watch.id == w.watch.id and up.watch.risk == "high"
    end = alerts.receive(org_db, alert(identifier="W3", msg_type="Cancel",
                                       references=ref("W2")), route, actor=SEC)
    assert end.watch is not None and end.watch.status == "cancelled"
    assert count(org_db, t.crisis) == 0 and count(org_db, t.watch_item) == 1


def test_warnings_are_stored_with_the_alert(org_db: Database) -> None:
    r = alerts.receive(org_db, alert(extra="<references/>", identifier="E1"), KGZ, actor=SEC)
    with org_db.read() as conn:
        stored = alerts.get(conn, r.alert.id, actor=SEC)
    assert any(w["where"] == "/alert/references" and w["line"] for w in stored.warnings)


CHUKOTKA = ("66.0,177.0 66.0,-178.0 64.0,-178.0 64.0,177.0 66.0,177.0",
            "67.0,179.5 67.0,-179.5 66.5,-179.5 66.5,179.5 67.0,179.5")


def test_every_language_and_area_is_kept_and_placed_across_the_antimeridian(
        org_db: Database) -> None:
    data = alert(info("Штормовое предупреждение", language="ru-RU", category="Met",
                      event="Шторм", polygons=CHUKOTKA, area="Чукотка"),
                 info("Storm warning", language="en-US", category="Met", event="Storm",
                      polygons=CHUKOTKA, area="Chukotka", urgency="Expected",
                      certainty="Likely"),
                 info("风暴", language="zh-CN", category="Met", event="Storm",
                      polygons=CHUKOTKA))
    r = alerts.receive(org_db, data, alerts.Route(("RUS",)), actor=SEC)
    a = r.alert
    assert [i["language"] for i in a.infos] == ["ru-RU", "en-US", "zh-CN"]
    assert [len(i["areas"]) for i in a.infos] == [2, 2, 2]
    assert a.lat is not None and a.lon is not None
    assert 64 < a.lat < 67 and (a.lon > 175 or a.lon < -175), (a.lat, a.lon)  # not Lapland
    west, south, east, north = a.extent
    assert 64 <= south < north <= 67  # type: ignore[misc]
    assert west > east and west == pytest.approx(177) and east == pytest.approx(-178)
    assert alerts.pick_info(a.infos, "en") == 1 and alerts.pick_info(a.infos, "ru") == 0
    assert alerts.pick_info(a.infos, "kk") == 0 and alerts.pick_info(a.infos[2:], "kk") == 0
    assert r.crisis is not None and r.crisis.title == "Storm warning"
    assert r.crisis.lon is not None and abs(r.crisis.lon) > 175
    with org_db.read() as conn:
        areas = alert_standing.crisis_areas(conn, r.crisis.id, actor=SEC)
        out = crises.export_cap(conn, r.crisis.id, actor=SEC)
    assert len(areas["features"]) == 6
    geom = areas["features"][0]["geometry"]
    assert geom["type"] == "MultiPolygon"  # split at the meridian
    assert all(-180 <= x <= 180 for poly in geom["coordinates"] for ring in poly
               for x, _ in ring)
    assert cap.cap12_schema().validate(etree.fromstring(out)), cap.cap12_schema().error_log
    back = cap.parse(out)
    assert [i.language for i in back.infos] == ["ru-RU", "en-US", "zh-CN"]
    assert back.infos[0].categories == ("Met",) and back.infos[0].event == "Шторм"
    assert len(back.infos[1].areas) == 2 and len(back.infos[1].areas[0].polygons[0]) == 5
    assert back.infos[1].certainty == "Likely" and back.infos[1].urgency == "Expected"
    assert back.infos[0].certainty == "Observed" and not back.infos[1].areas[0].circles


def test_circles_and_geocodes_are_kept(org_db: Database) -> None:
    area = ("<area><areaDesc>Bishkek</areaDesc><circle>42.87,74.59 25</circle>"
            "<geocode><valueName>ISO3166-2</valueName><value>KG-GB</value></geocode></area>")
    r = alerts.receive(org_db, alert(info(raw_areas=area)), KGZ, actor=SEC)
    [a] = r.alert.infos[0]["areas"]
    assert a["circles"] == [[42.87, 74.59, 25.0]] and a["geocodes"] == [["ISO3166-2", "KG-GB"]]
    assert a["geojson"]["type"] == "Polygon"
    assert r.alert.lat == pytest.approx(42.87, abs=0.01)


def test_the_place_of_a_plain_square_is_its_centre(org_db: Database) -> None:
    r = alerts.receive(org_db, alert(info(polygons=(SQUARE,))), KGZ, actor=SEC)
    assert (r.alert.lat, r.alert.lon) == (pytest.approx(42.5), pytest.approx(74.5))
    assert r.alert.received_at.tzinfo is not None
    assert r.alert.sent == datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def test_the_same_message_received_twice_at_once_is_kept_once(org_db: Database) -> None:
    import threading

    barrier = threading.Barrier(2)
    results: list[alerts.IntakeOut] = []
    errors: list[BaseException] = []

    def take() -> None:
        barrier.wait()
        try:
            results.append(alerts.receive(org_db, alert(identifier="TWICE"), KGZ, actor=SEC))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=take) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(results) == 2
    assert count(org_db, t.cap_alert) == 1 and count(org_db, t.crisis) == 1
    assert len({r.alert.id for r in results}) == 1


def test_a_crisis_s_update_and_cancel_reach_only_pages_that_may_read_the_crisis(
        org_db: Database) -> None:
    """The live events that redraw an open room (its head, place map and alerts) carry
    the crisis's classification: a page is told only while its reader may read the
    crisis, whatever it was allowed when it subscribed."""
    from sqlalchemy import update

    from phalanx.adapters.db import access
    from phalanx.domain.access.policy import Classification, Marking, OwnerKind
    from phalanx.domain.access.principal import SYSTEM
    from tests.integration.test_derived_views import collect, rep

    opened = alerts.receive(org_db, alert(info(), identifier="A1"), KGZ, actor=SEC).crisis
    assert opened is not None
    with org_db.write(SYSTEM) as w:  # now a crisis of KAZ and KGZ only
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == opened.id).values(
            **access.classification_values(Classification(
                OwnerKind.SECRETARIAT, "secretariat", Marking.PARTICIPANTS,
                frozenset({"KAZ", "KGZ"})))))
        w.audit("test.marking", "crisis", opened.id, {"marking": "PARTICIPANTS"})
    readers = {"kgz": rep("KGZ"), "blr": rep("BLR"), "sec": SEC}
    events = collect(org_db, readers, {f"crisis:{opened.id}"}, lambda: [
        alerts.receive(org_db, alert(info(area="Osh region"), identifier=f"A{n}",
                                     msg_type=kind, sent=f"2026-11-20T0{5 + n}:00:00+06:00",
                                     references=ref(f"A{n - 1}", f"2026-11-20T0{4 + n}:00:00"
                                                                 "+06:00")),
                       KGZ, actor=SEC) for n, kind in ((2, "Update"), (3, "Cancel"))])
    assert [e.kind for e in events["kgz"]] == ["updated", "cancelled"]
    assert [e.kind for e in events["sec"]] == ["updated", "cancelled"]
    assert events["blr"] == []
