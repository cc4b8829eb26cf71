"""An exercise ended (ENDEX) or cancelled by its control at the same moment as its
escalation timer or a member's answer, on two instances (SQLite and PostgreSQL).

The harness is `test_races.py`'s. Ended, an exercise escalates no more and nobody acts on
it (`services/crises/ending.py`): in the order the writes committed (the audit trail's,
verified), no escalation, answer or notice of it follows its end; the one that came
second is refused, or finds nothing to do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.obligations import ObligationAnswer
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import clock, crises, crisis_obligations, crisis_requests
from phalanx.services.crises import escalation
from phalanx.services.db import Database
from phalanx.services.errors import Conflict
from tests.integration.test_races import actions, later, race, refused, slowed
from tests.integration.test_response_chain import adopt

SEC = Principal("sec", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def exercise(db: Database) -> crises.CrisisOut:
    """A command-post exercise played live: an armed attack on Kyrgyzstan (art. 4)."""
    return crises.open_crisis(db, crises.CrisisIn(
        title="CPX: armed attack in the Batken region", category="armed_attack",
        affected=["KGZ"], severity="severe", place="Batken", lat=40.06, lon=70.82,
        exercise=True), actor=SEC, at=T0)


def ended(db: Database, crisis_id: int, at: datetime, how: str = "ended"
          ) -> crises.CrisisOut:
    return crises.end_exercise(db, crisis_id, crises.ExerciseEndIn(
        how=how, reason="the training objectives are met" if how == "ended"
        else "started on the wrong map"), actor=PLANNER, at=at)


def after_the_end(db: Database, crisis_id: int, *names: str) -> list[str]:
    """The actions on the crisis committed after its end, in the trail's order."""
    order = [(action, target) for action, target, _ in actions(db, "exercise.end", *names)]
    if ("exercise.end", str(crisis_id)) not in order:
        return []
    cut = order.index(("exercise.end", str(crisis_id)))
    return [action for action, target in order[cut + 1:] if target == str(crisis_id)]


def unread_notices(db: Database, crisis_id: int) -> int:
    with db.read() as conn:
        return len(conn.execute(select(t.notification.c.id).where(
            t.notification.c.topic == f"crisis:{crisis_id}",
            t.notification.c.acknowledged_at.is_(None))).all())


@pytest.mark.parametrize("how", ["ended", "cancelled"])
def test_an_exercise_ended_while_the_timer_escalates_its_overdue_stage(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """The report is three hours old (overdue) when the control ends the exercise while
    the timer escalates it: the escalation comes before the end (and its notices are
    withdrawn by it) or not at all."""
    a, b = two
    c = exercise(a)
    slowed(monkeypatch, escalation, "board", after=0.5)  # found it overdue, then waits
    late = T0 + timedelta(hours=3)
    out = race(lambda: crises.escalate_overdue(a, at=late),
               later(0.1, lambda: ended(b, c.id, late, how)))
    assert not refused(out)
    assert after_the_end(a, c.id, "crisis.escalate") == []
    assert unread_notices(a, c.id) == 0


def art4_exercise_with_its_un_notice(db: Database) -> crises.CrisisOut:
    """Kyrgyzstan's request under art. 4, the exercise's decision linked: the notice to the
    UN Security Council is open, unsent."""
    c = crises.convene_consultations(db, exercise(db).id, actor=SEC,
                                     at=T0 + timedelta(minutes=10))
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="KGZ", person="Sadyr Japarov", office="head_of_state",
        at=T0 + timedelta(minutes=20), article="Treaty art. 4",
        measures=[Measure.HUMANITARIAN]), actor=SEC, at=T0 + timedelta(minutes=20))
    with clock.use(T0 + timedelta(hours=1)):
        decision = adopt(db, c.session_id or 0, measures=[Measure.HUMANITARIAN])
    crises.link_decision(db, c.id, decision, actor=SEC, at=T0 + timedelta(hours=1))
    with db.read() as conn:
        assert conn.execute(select(t.un_notice.c.sent_at).where(
            t.un_notice.c.crisis_id == c.id)).one() == (None,)
    return c


def test_an_exercise_ended_while_the_timer_escalates_its_overdue_un_notice(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The exercise's notice to the UN is overdue when the control ends it while the timer
    escalates the notice: the escalation comes before the end or not at all (before: the
    escalation checked again under the crisis's lock only that a stage it escalates was
    not left, so the notice's escalation, which is no stage's, was written after the end
    with its notices, to an exercise that is over)."""
    a, b = two
    c = art4_exercise_with_its_un_notice(a)
    slowed(monkeypatch, escalation, "board", after=0.5)
    late = T0 + timedelta(hours=4)
    out = race(lambda: crises.escalate_overdue(a, at=late),
               later(0.1, lambda: ended(b, c.id, late)))
    assert not refused(out)
    assert after_the_end(a, c.id, "crisis.escalate") == []
    assert unread_notices(a, c.id) == 0


def test_an_exercise_ended_while_a_member_answers_its_obligation(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Kazakhstan answers the art. 4 obligation of the exercise while its control ends it:
    the answer comes before the end, or after it and is refused, the exercise over
    (before: accepted after the end, even one after the other)."""
    a, b = two
    c = exercise(a)
    from phalanx.services import organization

    slowed(monkeypatch, organization, "organization", after=0.3)  # both read, then wait
    at = T0 + timedelta(hours=1)
    out = race(lambda: crisis_obligations.answer(
                   a, c.id, "KAZ", crisis_obligations.ObligationIn(
                       answer=ObligationAnswer.FORCES, detail="a battalion"),
                   actor=rep("KAZ"), at=at),
               later(0.1, lambda: ended(b, c.id, at)))
    answered, done = out
    assert not isinstance(done, BaseException)
    if isinstance(answered, BaseException):
        [lost] = refused([answered])
        assert f"the exercise of crisis {c.id} is already over" in str(lost)
    assert after_the_end(a, c.id, "crisis.obligation") == []
    # and one after the other, once it is over
    with pytest.raises(Conflict, match="already over"):
        crisis_obligations.answer(b, c.id, "BLR", crisis_obligations.ObligationIn(
            answer=ObligationAnswer.OTHER, detail="tents"), actor=rep("BLR"),
            at=at + timedelta(minutes=5))


def test_once_over_an_exercise_takes_no_request_offer_notice_or_report(
        two: tuple[Database, Database]) -> None:
    """One after the other: over, the exercise takes no official request, no request or
    offer of assistance, no situation report, and its notice to the UN is not recorded as
    sent (all checked under the crisis's lock, like the answer above)."""
    a, _ = two
    c = art4_exercise_with_its_un_notice(a)
    at = T0 + timedelta(hours=2)
    need = crises.request_assistance(a, c.id, crises.RequestIn(
        resource="tents", measure=Measure.HUMANITARIAN, quantity=500, unit="tents",
        needed_by=at + timedelta(days=1)), actor=rep("KGZ"), at=at).requests[0].id
    ended(a, c.id, at)
    over = f"the exercise of crisis {c.id} is already over"
    with pytest.raises(Conflict, match=over):
        crisis_requests.record_request(a, c.id, crisis_requests.OfficialRequestIn(
            state="KGZ", person="Sadyr Japarov", office="head_of_state", at=at,
            article="Treaty art. 4", measures=[Measure.HUMANITARIAN]), actor=SEC, at=at)
    with pytest.raises(Conflict, match=over):
        crises.request_assistance(a, c.id, crises.RequestIn(
            resource="water", measure=Measure.HUMANITARIAN, quantity=5, unit="t",
            needed_by=at + timedelta(days=1)), actor=rep("KGZ"), at=at)
    with pytest.raises(Conflict, match=over):
        crises.offer_assistance(a, need, crises.OfferIn(
            kind="supplies", description="tents", quantity=100), actor=rep("KAZ"), at=at)
    with pytest.raises(Conflict, match=over):
        crisis_obligations.mark_sent(a, c.id, "S/2026/1", actor=SEC, at=at)
    with pytest.raises(Conflict, match=over):  # its review is the after-action review's
        crises.add_sitrep(a, c.id, crises.SitrepIn(situation="water receding"),
                          actor=rep("KGZ"), at=at)
    assert after_the_end(a, c.id, "crisis.official_request", "assistance.request",
                         "assistance.offer", "crisis.un_notice", "crisis.sitrep") == []
