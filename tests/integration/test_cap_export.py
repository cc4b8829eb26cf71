"""A crisis exported as CAP 1.2 is valid against the OASIS schema of the shared fixtures
(read with lxml's XML Schema), whatever the alert it came from carried when it was read
leniently, and reads back with nothing lost: CAP 1.0's certainty, a language that is
not a tag, coordinates of any size, text with control characters."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import func, select

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import alerts, crises
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from tests.conftest import shared_file
from tests.support.capfiles import alert, info

SEC = Principal("secretariat", Role.SECRETARIAT)
KGZ = alerts.Route(("KGZ",))


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


def official(xml: bytes) -> None:
    schema = etree.XMLSchema(etree.parse(str(shared_file("fixtures", "cap", "schema",
                                                        "cap12.xsd"))))
    assert schema.validate(etree.fromstring(xml)), schema.error_log


def exported(db: Database, crisis_id: int) -> bytes:
    with db.read() as conn:
        return crises.export_cap(conn, crisis_id, actor=SEC)


@pytest.mark.parametrize(("version", "language", "certainty", "expected"), [
    ("1.0", "en-US", "Very Likely", ("en-US", "Likely")),
    ("1.1", "English (US)", "Very Likely", ("und", "Likely")),
    ("1.2", "ru-RU", "Possible", ("ru-RU", "Possible")),
])
def test_what_was_read_leniently_is_written_as_valid_cap12(
        db: Database, version: str, language: str, certainty: str,
        expected: tuple[str, str]) -> None:
    r = alerts.receive(db, alert(info(language=language, certainty=certainty),
                                 version=version), KGZ, actor=SEC)
    assert r.crisis is not None
    xml = exported(db, r.crisis.id)
    official(xml)
    back = cap.parse(xml)
    assert (back.infos[0].language, back.infos[0].certainty) == expected
    assert not back.warnings, back.warnings


def test_coordinates_are_written_in_decimal_degrees_to_six_places(db: Database) -> None:
    ring = "0.00001,30.123456 0.5,174.987654 -0.000004,175.1 0.00001,30.123456"
    circle = "<circle>-12.345678,-77.000001 1234.567891</circle>"
    area = f"<area><areaDesc>x</areaDesc><polygon>{ring}</polygon>{circle}</area>"
    r = alerts.receive(db, alert(info(raw_areas=area)), KGZ, actor=SEC)
    assert r.crisis is not None
    xml = exported(db, r.crisis.id)
    official(xml)
    assert b"e-05" not in xml
    back = cap.parse(xml).infos[0].areas[0]
    assert back.polygons == (((0.00001, 30.123456), (0.5, 174.987654), (-0.000004, 175.1),
                              (0.00001, 30.123456)),)
    assert back.circles == ((-12.345678, -77.000001, 1234.567891),)


def test_control_characters_in_a_crisis_are_left_out_of_its_cap(db: Database) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Bomb\x0b threat", category="terrorist_act", affected=["KAZ"],
        description="Line one\x01\nline two\ttab"), actor=SEC)
    xml = exported(db, c.id)
    official(xml)
    i = cap.parse(xml).infos[0]
    assert (i.headline, i.description) == ("Bomb threat", "Line one\nline two\ttab")


# --- editions: a changed crisis is a new message that names the earlier ones -----------

CAP = {"c": "urn:oasis:names:tc:emergency:cap:1.2"}


def header(xml: bytes) -> dict[str, str]:
    root = etree.fromstring(xml)
    return {name: root.findtext(f"c:{name}", default="", namespaces=CAP)
            for name in ("identifier", "sender", "sent", "msgType", "scope", "restriction",
                         "references")}


def test_a_changed_crisis_is_exported_as_an_update_that_names_the_earlier_export(
        db: Database) -> None:
    opened = alerts.receive(db, alert(info("Earthquake near Bishkek", severity="Severe")),
                            KGZ, actor=SEC).crisis
    assert opened is not None
    first = exported(db, opened.id)
    official(first)
    assert exported(db, opened.id) == first  # unchanged: the same message again
    h1 = header(first)
    assert (h1["msgType"], h1["references"]) == ("Alert", "")
    # a consumer (here our own intake) takes the export: a crisis of its own
    copy = alerts.receive(db, first, KGZ, actor=SEC)
    assert not copy.duplicate and copy.crisis is not None
    # the crisis changes: its sender's update raises the severity and renames it
    alerts.receive(db, alert(info("Aftershocks near Bishkek", severity="Extreme"),
                             identifier="KG-2026-0002", sent="2026-11-20T07:00:00+06:00",
                             msg_type="Update",
                             references="mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00"),
                   KGZ, actor=SEC)
    second = exported(db, opened.id)
    official(second)
    h2 = header(second)
    assert h2["identifier"] != h1["identifier"] and h2["msgType"] == "Update"
    assert h2["references"] == f"{h1['sender']},{h1['identifier']},{h1['sent']}"
    back = cap.parse(second)
    assert back.references == ((h1["sender"], h1["identifier"], h1["sent"]),)
    assert not back.warnings, back.warnings
    # the consumer takes it as the update of what it received, not as a duplicate
    taken = alerts.receive(db, second, KGZ, actor=SEC)
    assert not taken.duplicate and taken.alert.action == "updated"
    assert taken.crisis is not None and taken.crisis.id == copy.crisis.id
    assert (taken.crisis.title, taken.crisis.severity) == ("Aftershocks near Bishkek",
                                                          "extreme")


def test_a_withdrawn_crisis_is_exported_as_a_cancel_naming_every_earlier_export(
        db: Database) -> None:
    opened = alerts.receive(db, alert(info()), KGZ, actor=SEC).crisis
    assert opened is not None
    first = exported(db, opened.id)
    copy = alerts.receive(db, first, KGZ, actor=SEC).crisis
    assert copy is not None
    alerts.receive(db, alert(info(description="More damage"), identifier="KG-2026-0002",
                             sent="2026-11-20T07:00:00+06:00", msg_type="Update",
                             references="mchs@gov.kg,KG-2026-0001,2026-11-20T06:00:00+06:00"),
                   KGZ, actor=SEC)
    second = exported(db, opened.id)
    alerts.receive(db, alert(info(), identifier="KG-2026-0003", msg_type="Cancel",
                             sent="2026-11-20T08:00:00+06:00",
                             references="mchs@gov.kg,KG-2026-0002,2026-11-20T07:00:00+06:00"),
                   KGZ, actor=SEC)
    third = exported(db, opened.id)
    official(third)
    h1, h2, h3 = header(first), header(second), header(third)
    assert h3["msgType"] == "Cancel"
    assert h3["references"].split() == [f"{h['sender']},{h['identifier']},{h['sent']}"
                                        for h in (h1, h2)]
    assert len({h1["identifier"], h2["identifier"], h3["identifier"]}) == 3
    # a consumer that saw only the first export still finds what the cancel is about
    taken = alerts.receive(db, third, KGZ, actor=SEC)
    assert taken.alert.action == "cancelled" and taken.crisis is not None
    assert taken.crisis.id == copy.id
    with db.read() as conn:
        assert alerts.cancelled(conn, copy.id, actor=SEC)


def test_a_rejected_crisis_is_exported_as_a_cancel(db: Database) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Unrest", category="terrorist_act", affected=["KAZ"]), actor=SEC)
    first = header(exported(db, c.id))
    crises.transition(db, c.id, Stage.REJECTED, actor=SEC, reason="not a crisis")
    xml = exported(db, c.id)
    official(xml)
    h = header(xml)
    assert h["msgType"] == "Cancel"
    assert h["references"] == f"{first['sender']},{first['identifier']},{first['sent']}"
    assert cap.parse(xml).infos[0].urgency == "Past"


# --- audience: scope and restriction follow the crisis's marking -------------------------

KAZ_REP = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
ARM_REP = Principal("rep-arm", Role.REPRESENTATIVE, state="ARM")


@pytest.mark.parametrize(("marking", "participants", "scope", "named", "not_named"), [
    (Marking.PUBLIC, [], "Public", (), ()),
    (Marking.ORGANIZATION, [], "Restricted",
     ("Member states of the", "ARM", "KAZ", "RUS", "staff"), ()),
    (Marking.PARTICIPANTS, ["KAZ", "KGZ"], "Restricted",
     ("Participating states (KAZ, KGZ)", "staff"), ("ARM", "RUS")),
])
def test_scope_and_restriction_follow_the_crisis_marking(
        db: Database, marking: Marking, participants: list[str], scope: str,
        named: tuple[str, ...], not_named: tuple[str, ...]) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Unrest", category="terrorist_act", affected=["KAZ"], marking=marking,
        participants=participants), actor=SEC)
    xml = exported(db, c.id)
    official(xml)
    h = header(xml)
    assert h["scope"] == scope
    assert all(n in h["restriction"] for n in named), h["restriction"]
    assert not any(n in h["restriction"] for n in not_named), h["restriction"]
    if scope == "Public":
        assert etree.fromstring(xml).find("c:restriction", CAP) is None
    back = cap.parse(xml)
    assert (back.scope, back.restriction) == (scope, h["restriction"])


def test_a_crisis_for_some_states_is_not_exported_to_the_others(db: Database) -> None:
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Unrest", category="terrorist_act", affected=["KAZ"],
        marking=Marking.PARTICIPANTS, participants=["KAZ"]), actor=SEC)
    with db.read() as conn:
        assert crises.export_cap(conn, c.id, actor=KAZ_REP)
        with pytest.raises(NotFound):
            crises.export_cap(conn, c.id, actor=ARM_REP)


def test_a_closed_crisis_s_all_clear_is_valid_cap12() -> None:
    from datetime import UTC, datetime

    sent = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    xml = cap.to_cap12(cap.CapOut(
        identifier="csto-crisis-1-9", sender="secretariat@csto.phalanx", sent=sent,
        exercise=False, msg_type="Update", scope="Restricted", restriction="members",
        references=(("secretariat@csto.phalanx", "csto-crisis-1", sent),),
        infos=(cap.InfoOut(language="en-US", categories=("Geo",), event="Earthquake",
                           urgency="Past", severity="Severe", certainty="Observed",
                           headline="Over", response_types=("AllClear", "Nonsense")),)))
    official(xml)
    assert etree.fromstring(xml).xpath("//c:responseType/text()", namespaces=CAP) == \
        ["AllClear"]


# --- a reader's export is made of the timeline entries that reader may read ---------------


def test_an_entry_the_reader_may_not_read_is_no_edition_of_its_export(db: Database) -> None:
    """A timeline entry that changes the export but names a limited-format decision (of
    KAZ, RUS and TJK; Belarus stayed out) obeys the decision's marking: Belarus, which
    reads the crisis, exports it as if the entry did not exist (not its edition, its
    time, its id or the count of editions), while Kazakhstan's export has it."""
    from datetime import UTC, datetime, timedelta

    from tests.integration.test_derived_views import limited_decision, rep

    decision_id = limited_decision(db)
    t0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
    kaz = alerts.Route(("KAZ",))
    opened = alerts.receive(db, alert(info("Earthquake near Almaty", severity="Severe"),
                                      identifier="KZ-1", sender="mchs@gov.kz"),
                            kaz, actor=SEC, at=t0).crisis
    assert opened is not None
    alerts.receive(db, alert(info("Aftershocks near Almaty", severity="Extreme"),
                             identifier="KZ-2", sender="mchs@gov.kz", msg_type="Update",
                             sent="2026-11-20T07:00:00+06:00",
                             references="mchs@gov.kz,KZ-1,2026-11-20T06:00:00+06:00"),
                   kaz, actor=SEC, at=t0 + timedelta(hours=1))
    blr, kaz_rep = rep("BLR"), rep("KAZ")

    def export(who: Principal) -> bytes:
        with db.read() as conn:
            return crises.export_cap(conn, opened.id, actor=who)

    blr_before, kaz_before = export(blr), export(kaz_rep)
    assert blr_before == kaz_before
    hidden_at = t0 + timedelta(hours=2, minutes=17)
    with db.write(SYSTEM) as w:  # a change of the export the decision's readers read
        crises.timeline_event(w, opened.id, "cap", "CAP Update under the decision",
                              hidden_at, decision_id=decision_id)
        w.audit("test.entry", "crisis", opened.id, {"decision": decision_id})
    with db.read() as conn:
        hidden_id = conn.execute(select(func.max(t.crisis_event.c.id))).scalar_one()
    assert export(blr) == blr_before  # nothing changed for Belarus, not even its edition
    assert header(export(kaz_rep))["sent"] != header(kaz_before)["sent"]
    alerts.receive(db, alert(info("Aftershocks over", severity="Moderate"),
                             identifier="KZ-3", sender="mchs@gov.kz", msg_type="Update",
                             sent="2026-11-20T09:00:00+06:00",
                             references="mchs@gov.kz,KZ-2,2026-11-20T07:00:00+06:00"),
                   kaz, actor=SEC, at=t0 + timedelta(hours=3))
    for_blr, for_kaz = export(blr), export(kaz_rep)
    official(for_blr)
    official(for_kaz)
    hb, hk = header(for_blr), header(for_kaz)
    assert hb["identifier"] == hk["identifier"] == f"csto-crisis-{opened.id}-20261120T030000Z"
    assert hb["sent"] == hk["sent"]
    assert hb["msgType"] == hk["msgType"] == "Update"
    assert len(hk["references"].split()) == 3 and len(hb["references"].split()) == 2
    assert hb["references"].split() == [r for r in hk["references"].split()
                                        if "T021700Z" not in r and "02:17" not in r]
    assert "02:17" in hk["references"] or "T021700Z" in hk["references"]
    for text in (for_blr.decode(), hb["identifier"], hb["references"]):
        assert "02:17" not in text and "T021700Z" not in text and "08:17" not in text
        assert f"-{hidden_id}" not in text
    # the timeline Belarus reads agrees: no entry at that time
    with db.read() as conn:
        assert hidden_at not in [e.at for e in crises.get(conn, opened.id, actor=blr).timeline]
        assert hidden_at in [e.at for e in crises.get(conn, opened.id, actor=kaz_rep).timeline]


def test_with_the_public_address_each_info_links_to_the_crisis(db: Database) -> None:
    """CAP's `web`: where more is said. Every info of the export, received in several
    languages or written from the crisis itself, names the crisis's page at the
    installation's public address; without one, no info has a `web`."""
    received = alerts.receive(db, alert(info(language="en-US"), info(language="ru-RU")), KGZ,
                              actor=SEC).crisis
    own = crises.open_crisis(db, crises.CrisisIn(
        title="Border incident", category="armed_attack", affected=["KAZ"]), actor=SEC)
    assert received is not None
    for crisis_id, infos in ((received.id, 2), (own.id, 1)):
        with db.read() as conn:
            linked = crises.export_cap(conn, crisis_id, actor=SEC,
                                       public_url="https://phalanx.example.org")
        official(linked)
        webs = [i.web for i in cap.parse(linked).infos]
        assert webs == [f"https://phalanx.example.org/crises/{crisis_id}"] * infos
        assert [i.web for i in cap.parse(exported(db, crisis_id)).infos] == [""] * infos


@pytest.mark.parametrize(("sent", "written"), [
    # UTC as CAP 1.2 §3.3.2 requires it ("-00:00"), as the OASIS examples and real
    # producers write it; never "+00:00" or "Z"
    ((2026, 12, 31, 23, 59, 59, 999999, 0), "2026-12-31T23:59:59-00:00"),
    # Moscow, near its midnight: its own zone kept
    ((2027, 1, 1, 0, 0, 30, 0, 3 * 3600), "2027-01-01T00:00:30+03:00"),
    # an offset CAP cannot write (seconds): the same moment in UTC
    ((2027, 1, 1, 0, 0, 0, 0, 3 * 3600 + 17), "2026-12-31T20:59:43-00:00"),
])
def test_times_are_written_with_the_zone_cap12_requires(
        sent: tuple[int, ...], written: str) -> None:
    from datetime import datetime, timedelta, timezone

    *parts, offset = sent
    at = datetime(*parts, tzinfo=timezone(timedelta(seconds=offset)))
    xml = cap.to_cap12(cap.CapOut(
        identifier="csto-crisis-1-2", sender="secretariat@csto.phalanx", sent=at,
        exercise=False, msg_type="Update", scope="Public",
        references=(("secretariat@csto.phalanx", "csto-crisis-1", at),),
        infos=(cap.InfoOut(language="en-US", categories=("Security",), event="Attack",
                           urgency="Immediate", severity="Severe", certainty="Observed",
                           headline="Midnight"),)))
    official(xml)
    root = etree.fromstring(xml)
    assert root.xpath("//c:sent/text()", namespaces=CAP) == [written]
    assert root.xpath("//c:references/text()", namespaces=CAP) == \
        [f"secretariat@csto.phalanx,csto-crisis-1,{written}"]
    back = cap.parse(xml)
    assert back.sent == at.replace(microsecond=0) and not back.warnings


@pytest.mark.parametrize(("title", "description", "language", "event"), [
    ("Bomb threat at the railway station", "", "en-US", "Terrorist act"),
    ("Угроза взрыва на вокзале", "Сообщение & <срочно> ]]> 🚨", "ru-RU", "Террористический акт"),
    # mixed scripts: the language most of its letters are written in
    ("Угроза взрыва, KAZ/KGZ", "Вокзал в Оше, граница", "ru-RU", "Террористический акт"),
    ("Threat at the Osh station (Ош)", "", "en-US", "Terrorist act"),
])
def test_a_crisis_opened_by_hand_is_written_in_the_language_of_its_text(
        db: Database, title: str, description: str, language: str, event: str) -> None:
    """A crisis typed in Russian is a Russian info (its event, the category's name, in
    Russian too), so that a consumer choosing infos by language finds it; one typed in
    English stays an English one."""
    c = crises.open_crisis(db, crises.CrisisIn(
        title=title, category="terrorist_act", affected=["KAZ"], description=description),
        actor=SEC)
    xml = exported(db, c.id)
    official(xml)
    i = cap.parse(xml).infos[0]
    assert (i.language, i.headline, i.description) == (language, title, description)
    assert i.event.lower().startswith(event.lower())


# --- the category a crisis opened from an alert is written back with ----------------------


def test_a_crisis_escalated_from_an_alert_s_watch_entry_keeps_the_alert_s_category(
        db: Database) -> None:
    """A flood a Met alert told of, watched first and then escalated, is written back as
    Met (a category its crisis category lists), not as the crisis category's first."""
    from phalanx.services import watch

    r = alerts.receive(db, alert(info("Flood on the Chu", category="Met", event="Flood")),
                       alerts.Route(("KGZ",), to_crisis=lambda *_: False), actor=SEC)
    assert r.watch is not None
    c = watch.escalate(db, r.watch.id, ["KGZ"], actor=SEC)
    assert c.category == "natural_disaster"
    xml = exported(db, c.id)
    official(xml)
    assert [i.categories for i in cap.parse(xml).infos] == [("Met",)]

