"""The response held to the law at every step, not only on entering it: aggression, and
a threat to a member's security (Treaty art. 2), are answered by consultations before
anyone may reject them; military assistance needs the affected state's request wherever
it is given; a decision answers only a crisis and a request that came before it, to the
minute; once the response is under way its decision and measures keep every guard; the
forces come home before the crisis closes; the response card counts consultations from
the report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises, crisis_requests
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from tests.integration.test_response_chain import PK, SEC, T0, adopt, crisis, request

CRRF = Measure.MILITARY_CRRF


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def test_aggression_or_a_threat_is_not_rejected_before_the_members_consult(
        org_db: Database) -> None:
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Shelling across the border", category="armed_attack", affected=["KGZ"]),
        actor=SEC, at=T0)
    with pytest.raises(Conflict, match="not rejected before the members consult"):
        crises.transition(org_db, c.id, Stage.REJECTED, reason="not aggression", actor=SEC)
    # a threat to a member's security (Treaty art. 2) relies on volunteers, yet its
    # category says the members consult first (the dataset's `consult_first`)
    threat = crises.open_crisis(org_db, crises.CrisisIn(
        title="Armed groups massing at the border", category="threat_to_security",
        affected=["TJK"]), actor=SEC, at=T0)
    with pytest.raises(Conflict, match="not rejected before the members consult"):
        crises.transition(org_db, threat.id, Stage.REJECTED, reason="no threat", actor=SEC)
    other = crises.open_crisis(org_db, crises.CrisisIn(
        title="Flood", category="natural_disaster", affected=["KGZ"]), actor=SEC, at=T0)
    assert crises.transition(org_db, other.id, Stage.REJECTED, reason="handled nationally",
                             actor=SEC).stage is Stage.REJECTED


def test_the_card_counts_consultations_from_the_report_not_from_a_late_request(
        org_db: Database) -> None:
    """Treaty art. 2: the members consult at once, no request needed. Reported 06:00,
    request 14:30, consultations 15:00: the card says nine hours, missed, as the stage
    clock of "reported" does; the decision runs from the request."""
    t0 = T0.replace(hour=6)
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Shelling across the border", category="armed_attack", affected=["KGZ"]),
        actor=SEC, at=t0)
    request(org_db, c.id, t0 + timedelta(hours=8, minutes=30))
    crises.convene_consultations(org_db, c.id, actor=SEC, at=t0 + timedelta(hours=9))
    with org_db.read() as conn:
        got = crises.get(conn, c.id, actor=SEC, at=t0 + timedelta(hours=10))
    card = {m.measure: m for m in got.response_card}
    assert (card["consultations"].elapsed_minutes, card["consultations"].verdict) == (
        540, "missed")
    reported = next(k for k in got.clocks if k.stage == "reported")
    assert reported.elapsed_minutes == 540 and reported.overdue
    # the decision is not reached: its clock runs from the request (1.5 h of 12)
    assert card["decision"].verdict == "open"


def test_every_members_clock_starts_with_the_attacked_states_request(
        org_db: Database) -> None:
    """Art. 4 assistance is given at the attacked state's request (DOMAIN §7): 30 h after
    the report with no request, every member's line is there but not yet arisen, not
    overdue; the clock runs from the request."""
    c = crises.open_crisis(org_db, crises.CrisisIn(
        title="Shelling across the border", category="armed_attack", affected=["KGZ"]),
        actor=SEC, at=T0)
    with org_db.read() as conn:
        before = crises.get(conn, c.id, actor=SEC, at=T0 + timedelta(hours=30)).obligations
    assert len(before) >= 5 and "KGZ" not in [x.state for x in before]
    assert all(not x.arisen and not x.overdue and x.waiting_minutes is None
               and x.due_at is None for x in before)
    asked = T0 + timedelta(hours=30)
    request(org_db, c.id, asked)
    with org_db.read() as conn:
        after = crises.get(conn, c.id, actor=SEC, at=asked + timedelta(hours=1)).obligations
        late = crises.get(conn, c.id, actor=SEC, at=asked + timedelta(hours=25)).obligations
    assert [x.state for x in after] == [x.state for x in before]
    assert all(x.arisen and x.waiting_minutes == 60 and not x.overdue
               and x.due_at == asked + timedelta(hours=24) for x in after)
    assert all(x.overdue for x in late)
    # the request withdrawn, the members owe it no more answers: no clock from then on
    with org_db.read() as conn:
        (made,) = crisis_requests.requests_of(conn, c.id)
    ended = asked + timedelta(hours=2)
    crisis_requests.withdraw_request(org_db, c.id, made.id, crisis_requests.WithdrawalIn(
        at=ended), actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ"), at=ended)
    with org_db.read() as conn:
        still = crises.get(conn, c.id, actor=SEC, at=asked + timedelta(hours=1)).obligations
        gone = crises.get(conn, c.id, actor=SEC, at=asked + timedelta(hours=25)).obligations
    assert all(x.arisen and x.waiting_minutes == 60 for x in still)
    # it arose with the request, and is no longer awaited since its withdrawal
    assert all(x.arisen and x.withdrawn and not x.overdue and x.due_at is None
               and x.waiting_minutes is None for x in gone)


def test_military_assistance_needs_the_request_off_the_members_territory_too(
        org_db: Database) -> None:
    c = crisis(org_db)
    crises.set_response(org_db, c.id, crises.ResponseIn(measures=[CRRF],
                                                        on_member_territory=False), actor=SEC)
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(org_db, c.session_id or 0, measures=[CRRF])
    with pytest.raises(Conflict, match="military_crrf: no official request of KGZ"):
        crises.link_decision(org_db, c.id, decision, actor=SEC)


def test_a_decision_earlier_the_same_day_answers_no_later_crisis(org_db: Database) -> None:
    c = crisis(org_db)
    request(org_db, c.id, T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(org_db, c.session_id or 0, measures=[PK])
    later = crises.open_crisis(org_db, crises.CrisisIn(
        title="New clashes", category="armed_attack", affected=["KGZ"]), actor=SEC,
        at=T0 + timedelta(hours=5))
    request(org_db, later.id, T0 + timedelta(hours=5, minutes=10))
    with pytest.raises(Conflict, match="before the crisis was reported"):
        crises.link_decision(org_db, later.id, decision, actor=SEC)
    linked = crises.link_decision(org_db, c.id, decision, actor=SEC)
    assert linked.authorizes == [PK.value]
    # the notice to the UN opened with the decision: the card judges it by the same clock
    card = {m.measure: m for m in linked.response_card}
    assert linked.un_notice is not None and linked.un_notice.status == "open"
    assert card["un_notification"].verdict == "open"


def test_once_under_way_the_response_keeps_its_guards(org_db: Database) -> None:
    c = crisis(org_db)
    crisis_requests.record_request(org_db, c.id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Roza Otunbayeva", office="head_of_state",
        at=T0 + timedelta(minutes=30), article="Treaty art. 4", measures=[CRRF]),
        actor=SEC, at=T0 + timedelta(minutes=30))
    with clock.use(T0 + timedelta(hours=2)):
        decision = adopt(org_db, c.session_id or 0, measures=[CRRF, Measure.HUMANITARIAN])
        humanitarian = adopt(org_db, c.session_id or 0, measures=[Measure.HUMANITARIAN])
    crises.link_decision(org_db, c.id, decision, actor=SEC)
    crises.transition(org_db, c.id, Stage.ASSESSMENT, actor=SEC, at=T0 + timedelta(hours=3))
    crises.transition(org_db, c.id, Stage.DECISION, actor=SEC, at=T0 + timedelta(hours=3))
    crises.set_response(org_db, c.id, crises.ResponseIn(measures=[CRRF]), actor=SEC)
    crises.transition(org_db, c.id, Stage.RESPONSE, actor=SEC, at=T0 + timedelta(hours=4))
    with pytest.raises(Conflict, match=r"under way .*military_crrf: military measures need"):
        crises.link_decision(org_db, c.id, humanitarian, actor=SEC)
    with pytest.raises(Conflict, match=r"under way .*bilateral political problem between states"):
        crises.set_response(org_db, c.id, crises.ResponseIn(
            measures=[CRRF], bilateral_dispute=True), actor=SEC)
    with org_db.read() as conn:
        now = crises.get(conn, c.id, actor=SEC)
    assert (now.measures, now.authorizes) == (
        [CRRF.value], [Measure.HUMANITARIAN.value, CRRF.value])
    with org_db.read() as conn:  # nothing half-written: the guards see no dispute
        assert crises.military_check(conn, c.id, actor=SEC) == []
