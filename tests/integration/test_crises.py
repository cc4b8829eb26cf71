"""A crisis driven end to end through the service actions, on SQLite and PostgreSQL,
and the CAP fixtures read as the issue says: the real ones import, the broken ones are
refused with their paths, and the XXE files read nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import crises, crisis_requests
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import CAP_FIXTURES as FIXTURES
from tests.conftest import shared_file, shared_params
from tests.support.capfiles import XXE

SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "accounts"  # every test starts from the built-in dataset and the demo accounts


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def test_a_crisis_from_first_report_to_review(org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Armed incursion in the Batken region", category="armed_attack",
        affected=["KGZ"], severity="severe", place="Batken", lat=40.06, lon=70.82),
        actor=rep("KGZ"), at=T0)
    assert c.stage is Stage.REPORTED
    with org_db.read() as conn:
        notified = conn.execute(select(func.count()).select_from(t.notification)).scalar_one()
    assert notified >= 10  # every entitled demo user; not the observer

    with pytest.raises(Conflict, match="consultations must be convened"):
        crises.transition(org_db, c.id, Stage.CONSULTATIONS, actor=SEC, at=T0)
    c = crises.convene_consultations(org_db, c.id, actor=SEC, at=T0 + timedelta(minutes=40))
    assert c.stage is Stage.CONSULTATIONS and c.session_id is not None
    c = crises.transition(org_db, c.id, Stage.ASSESSMENT, actor=SEC,
                          at=T0 + timedelta(hours=2))
    with pytest.raises(Conflict, match="decision adopted"):
        crises.transition(org_db, c.id, Stage.DECISION, actor=SEC)

    # the affected state's official request, then the decision, by the body's rule
    crisis_requests.record_request(org_db, c.id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="the President of Kyrgyzstan", office="head_of_state",
        at=T0 + timedelta(minutes=20), article="Treaty art. 4",
        measures=[Measure.MILITARY_CRRF, Measure.HUMANITARIAN], forces="two battalions"),
        actor=rep("KGZ"), at=T0 + timedelta(minutes=25))
    d = dec.propose_draft(org_db, dec.DraftIn(
        body="csc", meeting_id=c.session_id, title="On assistance to Kyrgyzstan",
        text_en="The Council decides to assist, the CRRF included.",
        measures=[Measure.HUMANITARIAN, Measure.MILITARY_CRRF], formations=["crrf"],
        period_days=30), actor=SEC)
    with org_db.read() as conn:
        seated = [s.state for s in dec.get_draft(conn, d.id, actor=SEC).stances
                  if s.standing.value == "full"]
    for s in seated:
        dec.record_attendance(org_db, c.session_id, s, True, actor=SEC)
        dec.state_position(org_db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(org_db, d.id, actor=SEC)
    assert closed.decision_id is not None
    crises.link_decision(org_db, c.id, closed.decision_id, actor=SEC)
    c = crises.transition(org_db, c.id, Stage.DECISION, actor=SEC,
                          at=T0 + timedelta(hours=5))

    # the CRRF guard
    crises.set_response(org_db, c.id, crises.ResponseIn(
        measures=[Measure.MILITARY_CRRF], bilateral_dispute=True), actor=SEC)
    with pytest.raises(Conflict, match="bilateral political problem between states"):
        crises.transition(org_db, c.id, Stage.RESPONSE, actor=SEC)
    crises.set_response(org_db, c.id, crises.ResponseIn(
        measures=[Measure.MILITARY_CRRF, Measure.HUMANITARIAN]),
        actor=SEC)
    c = crises.transition(org_db, c.id, Stage.RESPONSE, actor=SEC,
                          at=T0 + timedelta(hours=6))

    # requests and offers: voluntary, accepted by the requester, gaps visible
    c = crises.request_assistance(org_db, c.id, crises.RequestIn(
        resource="airborne battalion", measure=Measure.MILITARY_CRRF, quantity=2,
        unit="battalions", needed_by=T0 + timedelta(days=1)), actor=rep("KGZ"),
        at=T0 + timedelta(hours=6))
    req = c.requests[0]
    with pytest.raises(Forbidden):
        crises.offer_assistance(org_db, req.id, crises.OfferIn(
            kind="units", description="x", quantity=1), actor=SEC)
    c = crises.offer_assistance(org_db, req.id, crises.OfferIn(
        kind="units", description="98th airborne division battalion", quantity=1),
        actor=rep("RUS"), at=T0 + timedelta(hours=7))
    offer = c.requests[0].offers[0]
    with pytest.raises(Forbidden, match="only KGZ"):
        crises.decide_offer(org_db, offer.id, True, actor=rep("KAZ"))
    c = crises.decide_offer(org_db, offer.id, True, actor=rep("KGZ"),
                            at=T0 + timedelta(hours=8))
    assert (c.requests[0].covered, c.requests[0].gap) == (1, 1)
    c = crises.transition(org_db, c.id, Stage.DEPLOYED, actor=SEC,
                          at=T0 + timedelta(hours=20))
    c = crises.add_sitrep(org_db, c.id, crises.SitrepIn(
        situation="Border stabilized", casualties="none reported"), actor=rep("KGZ"))
    c = crises.transition(org_db, c.id, Stage.MONITORING, actor=SEC)
    with pytest.raises(Conflict, match="after-action review"):
        crises.transition(org_db, c.id, Stage.CLOSED, actor=SEC)
    c = crises.transition(org_db, c.id, Stage.CLOSED, actor=SEC,
                          review="Consultations were late by ten minutes.")
    assert c.stage is Stage.CLOSED
    assert c.scorecard.to_consultations_minutes == 40.0
    assert c.scorecard.to_decision_minutes == 300.0
    assert c.scorecard.to_first_offer_minutes == 420.0
    assert c.scorecard.to_first_deployment_minutes == 1200.0
    assert [e.stage for e in c.timeline if e.kind == "stage"] == [
        "reported", "consultations", "assessment", "decision", "response", "deployed",
        "monitoring", "closed"]


def test_late_consultations_are_escalated_once(org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Earthquake", category="natural_disaster", affected=["TJK"], severity="extreme"),
        actor=SEC, at=T0)
    assert crises.escalate_overdue(org_db, at=T0 + timedelta(minutes=30)) == []
    assert crises.escalate_overdue(org_db, at=T0 + timedelta(minutes=61)) == [c.id]
    assert crises.escalate_overdue(org_db, at=T0 + timedelta(minutes=90)) == []
    with org_db.read() as conn:
        board = crises.board(conn, actor=rep("ARM"), at=T0 + timedelta(minutes=90))
        assert board[0].overdue and board[0].overdue_minutes == 30.0
        recipients = {r.recipient for r in conn.execute(select(t.notification).where(
            t.notification.c.subject.startswith("Overdue")))}
    assert "secretariat" in recipients


def test_observers_do_not_see_crises_and_others_cannot_act(org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="x", category="terrorist_act", affected=["KAZ"]), actor=SEC, at=T0)
    with org_db.read() as conn:
        with pytest.raises(NotFound):
            crises.get(conn, c.id, actor=Principal("osce", Role.OBSERVER))
        assert crises.board(conn, actor=Principal("osce", Role.OBSERVER)) == []
    with pytest.raises(Forbidden):
        crises.open_crisis(org_db, crises.CrisisIn(
            title="x", category="terrorist_act", affected=["KAZ"]), actor=rep("ARM"))
    with pytest.raises(Forbidden):
        crises.transition(org_db, c.id, Stage.REJECTED, reason="x", actor=rep("KAZ"))


def test_two_users_on_one_crisis_never_lose_an_action(org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="x", category="terrorist_act", affected=["KAZ"]), actor=SEC, at=T0)
    crises.transition(org_db, c.id, Stage.REJECTED, reason="duplicate report", actor=SEC,
                      revision=c.revision)
    with pytest.raises(Conflict):  # the second user acted on the page they had
        crises.transition(org_db, c.id, Stage.REJECTED, reason="not a crisis", actor=SEC,
                          revision=c.revision)


GOOD = shared_params(FIXTURES, lambda p: p.suffix in (".cap", ".xml")
                     and not any(x in p.name for x in ("invalid", "_errors", "xee")))
BAD = shared_params(FIXTURES, lambda p: p.suffix in (".cap", ".xml")
                    and any(x in p.name for x in ("invalid", "_errors")))


def test_the_cap_fixtures_are_there() -> None:
    shared_file("fixtures", "cap", "oasiscap")
    assert len(GOOD) >= 25, f"the CAP fixtures are missing from {FIXTURES}"
    assert len(BAD) >= 3


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_real_alerts_import(path: Path) -> None:
    alert = cap.parse(path.read_bytes())
    assert alert.identifier and alert.sent.tzinfo is not None


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_flawed_alerts_are_read_with_warnings_naming_their_elements(path: Path) -> None:
    alert = cap.parse(path.read_bytes())
    assert alert.warnings
    assert all(p.path.startswith("/alert") and p.message and p.line for p in alert.warnings)


def test_the_external_entity_attack_reads_nothing(tmp_path: Path) -> None:
    with pytest.raises(cap.CapError, match="DOCTYPE or entity"):
        cap.parse(XXE)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    forged = (b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY x SYSTEM "file://'
              + str(secret).encode() + b'">]><alert xmlns="' + cap.CAP12.encode()
              + b'"><identifier>&x;</identifier></alert>')
    with pytest.raises(cap.CapError) as info:
        cap.parse(forged)
    assert "TOP-SECRET" not in str(info.value)


def test_not_xml_and_too_large_are_clear_errors() -> None:
    with pytest.raises(cap.CapError, match="not well-formed"):
        cap.parse(b"this is not xml")
    with pytest.raises(cap.CapError, match="limit"):
        cap.parse(b"<a>" + b"x" * 100 + b"</a>", max_bytes=50)


def test_a_cap_alert_opens_a_crisis_once_and_exports_as_valid_cap(org_db: Database) -> None:
    data = shared_file("fixtures", "cap", "oasiscap", "v1dot2_appendix_adot2.xml").read_bytes()
    update = shared_file("fixtures", "cap", "oasiscap", "v1dot2_appendix_adot3.xml")
    schema = shared_file("fixtures", "cap", "schema", "cap12.xsd")
    with pytest.raises(Invalid, match="Update of nothing received here"):
        crises.import_cap(org_db, update.read_bytes(), ["KAZ"], actor=SEC)
    c = crises.import_cap(org_db, data, ["KAZ"], actor=SEC)
    again = crises.import_cap(org_db, data, ["KAZ"], actor=SEC)
    assert again.id == c.id
    assert c.category == "natural_disaster" and c.origin == "cap"
    with org_db.read() as conn:
        out = crises.export_cap(conn, c.id, actor=SEC)
    official = etree.XMLSchema(etree.parse(str(schema)))
    assert official.validate(etree.fromstring(out)), official.error_log
    assert cap.parse(out).title == c.title


def test_a_watched_situation_is_reviewed_and_escalated(org_db: Database) -> None:
    from datetime import date

    from phalanx.services import watch

    today = date(2026, 11, 20)
    w = watch.add(org_db, watch.WatchIn(title="Tension on the Tajik-Afghan border",
                                        region="Gorno-Badakhshan", category="armed_attack",
                                        risk="elevated"), actor=SEC, today=today)
    assert w.next_review == date(2026, 11, 27) and not w.due
    with org_db.read() as conn:
        assert [x.id for x in watch.listing(conn, actor=SEC, due_only=True,
                                            today=date(2026, 11, 28))] == [w.id]
    w = watch.review(org_db, w.id, "high", "two incidents this week", actor=SEC, today=today)
    assert w.next_review == date(2026, 11, 22)
    with pytest.raises(Forbidden):
        watch.review(org_db, w.id, "low", "", actor=rep("TJK"))
    c = watch.escalate(org_db, w.id, ["TJK"], actor=SEC)
    assert c.origin == "monitoring" and c.stage is Stage.REPORTED
    with pytest.raises(Conflict):
        watch.escalate(org_db, w.id, ["TJK"], actor=SEC)
    with org_db.read() as conn:
        pdf = crises.report_pdf(conn, c.id, actor=SEC)
    assert pdf.startswith(b"%PDF")
