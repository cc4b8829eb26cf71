"""Two instances of the app on one database, racing (SQLite and PostgreSQL).

In production several instances of the app share one PostgreSQL server. Each test here
opens two engines on the test's database — two instances — and runs two state-changing
actions in two threads released at once by a barrier, each on its own instance; where the
outcome would otherwise depend on luck, a check between the read and the write is slowed
(`slowed`) so that, without the lock the action takes, the two would interleave exactly
where a rule can be broken. The rule must hold whichever wins: the loser is refused with
a Conflict (409 on the API) or judged on the winner's result, never a server error, a
silent double write or a broken rule. The audit chain is verified after each race: its
order is the order the writes committed in, and the rules hold in that order.

On SQLite writers run one at a time (BEGIN IMMEDIATE), so every race there is the same
rule taken in one order or the other; on PostgreSQL the rows the actions lock make it so.
"""

from __future__ import annotations

import contextvars
import functools
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import audit_store
from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.audit import verify
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.services import clock, crises, crisis_requests, forces
from phalanx.services import decisions as dec
from phalanx.services import membership as ms
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid
from phalanx.services.registers import training as tr

SEC = Principal("sec", Role.SECRETARIAT)
SEC2 = Principal("sec-2", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
MEMBERS = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]  # of the Council in 2023 (UZB: suspended)
T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def rep(state: str, n: int = 1) -> Principal:
    return Principal(f"rep-{state.lower()}" + (f"-{n}" if n > 1 else ""), Role.REPRESENTATIVE,
                     state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, each in a thread of its own released by one barrier; what
    each returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    out: list[Any] = [None] * len(calls)
    context = contextvars.copy_context()  # the caller's clock (`clock.use`) in each thread

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            out[i] = context.copy().run(call)
        except BaseException as exc:  # the outcome is the test's to judge
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "a racer never finished (deadlock?)"
    return out


def later(seconds: float, call: Callable[[], Any]) -> Callable[[], Any]:
    """`call`, started a moment after the barrier: the other racer goes first."""
    def run() -> Any:
        time.sleep(seconds)
        return call()
    return run


def slowed(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *,
           before: float = 0.0, after: float = 0.0) -> None:
    """`owner.name` takes longer (before and/or after doing its work): the window in which
    another instance's write can slip between an action's check and its own write."""
    real = getattr(owner, name)

    @functools.wraps(real)
    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(before)
        result = real(*args, **kwargs)
        time.sleep(after)
        return result

    monkeypatch.setattr(owner, name, slow)


def refused(outcomes: list[Any], kind: type[BaseException] = Conflict) -> list[Any]:
    """The outcomes that are refusals of `kind`; any other exception fails the test (a
    database error is never a racer's answer)."""
    for o in outcomes:
        if isinstance(o, BaseException) and not isinstance(o, kind):
            raise AssertionError(f"a racer failed with {type(o).__name__}, not a "
                                 f"{kind.__name__}") from o
    return [o for o in outcomes if isinstance(o, kind)]


def actions(db: Database, *names: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The audit trail's entries of these actions, in the order they committed; the chain
    verified first."""
    with db.read() as conn:
        entries = list(audit_store.entries(conn))
    assert verify(entries).ok
    return [(e.action, e.target_id, json.loads(e.change)) for e in entries
            if e.action in names]


# --- sessions, drafts, the register ----------------------------------------------------------


def session(db: Database) -> dec.MeetingOut:
    m = dec.convene(db, dec.MeetingIn.model_validate(
        {"body": "csc", "opens_at": datetime(2023, 11, 23, 10, tzinfo=UTC)}), actor=SEC)
    for s in [a.state for a in m.attendance]:
        dec.record_attendance(db, m.id, s, True, actor=SEC)
    return m


def draft(db: Database, meeting_id: int | None, **kw: object) -> dec.DraftOut:
    data = {"body": "csc", "meeting_id": meeting_id, "title": "On the plan",
            "text_en": "The Council decides:\n1. To approve the plan.\n", **kw}
    return dec.propose_draft(db, dec.DraftIn.model_validate(data), actor=SEC)


def supported(db: Database, meeting_id: int, *, but: str | None = None) -> dec.DraftOut:
    d = draft(db, meeting_id)
    for s in MEMBERS:
        if s != but:
            dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
    return d


def test_two_drafts_adopted_at_once_get_the_next_two_numbers(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The register numbers a body's decisions of a year one by one, with no gap: two
    adoptions at the same moment on two instances count the same decisions unless the
    numbering is serialized; the second would take the first's number (a unique
    violation: a server error)."""
    a, b = two
    m = session(a)
    first, second = supported(a, m.id), supported(a, m.id)
    from phalanx.services.decisions import register

    slowed(monkeypatch, register, "_current_text", before=0.3)  # after counting
    out = race(lambda: dec.close_draft(a, first.id, actor=SEC),
               lambda: dec.close_draft(b, second.id, actor=SEC2))
    assert not refused(out)
    assert [d.status for d in out] == ["adopted", "adopted"]
    with a.read() as conn:
        numbers = sorted(conn.execute(select(t.decision.c.number).where(
            t.decision.c.body_key == "csc", t.decision.c.exercise.is_(False),
            func.extract("year", t.decision.c.adopted_on) == 2023)).scalars())
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(numbers) + 1))
    assert len(numbers) == 2
    assert len(actions(a, "draft.close")) == 2


def test_one_draft_closed_twice_at_once_is_adopted_once(
        two: tuple[Database, Database]) -> None:
    a, b = two
    d = supported(a, session(a).id)
    out = race(lambda: dec.close_draft(a, d.id, actor=SEC),
               lambda: dec.close_draft(b, d.id, actor=SEC2))
    assert len(refused(out)) == 1
    with a.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.decision).where(
            t.decision.c.draft_id == d.id)).scalar_one() == 1
    assert len(actions(a, "draft.close")) == 1


def test_an_objection_made_while_the_draft_is_closed_is_never_stored_after_its_adoption(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """KAZ objects while the Secretariat closes the draft: the objection counts (the draft
    is returned) or comes too late (refused, the draft adopted). Without the draft's lock
    the objection was stored beside an adoption by consensus that never saw it."""
    a, b = two
    d = supported(a, session(a).id, but="KAZ")
    from phalanx.services.decisions import positions

    slowed(monkeypatch, positions, "_stances", after=0.5)  # the close judges, then waits
    out = race(lambda: dec.close_draft(a, d.id, actor=SEC),
               later(0.1, lambda: dec.state_position(b, d.id, Position.OBJECT,
                                                     statement="not in this form",
                                                     actor=rep("KAZ"))))
    closed, objection = out
    assert not isinstance(closed, BaseException)
    if isinstance(objection, BaseException):
        assert refused([objection]) and closed.status == "adopted"
    else:
        assert closed.status == "returned"
    with a.read() as conn:
        kaz = conn.execute(select(t.position.c.position).where(
            t.position.c.draft_id == d.id, t.position.c.state_code == "KAZ")).scalar()
        status = conn.execute(select(t.draft.c.status).where(t.draft.c.id == d.id)).scalar()
    assert (status, kaz) in {("adopted", None), ("returned", Position.OBJECT.value)}
    # in the order the writes committed, no position follows the close
    order = [action for action, _, _ in actions(a, "position.state", "draft.close")]
    assert order[-1] == "draft.close"


def test_a_draft_is_not_tabled_in_a_session_closed_at_the_same_moment(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    m = session(a)
    from phalanx.services.decisions import drafts

    slowed(monkeypatch, drafts, "_meeting_row", after=0.5)  # it saw the session open
    out = race(lambda: draft(a, m.id),
               later(0.1, lambda: dec.set_session_status(b, m.id, "closed", actor=SEC2)))
    tabled, closed = out
    assert not isinstance(closed, BaseException)
    refused([tabled])
    order = [(action, target) for action, target, _ in
             actions(a, "draft.propose", "session.closed")]
    # in the order the writes committed, the session's closing is the last word
    assert order[-1] == ("session.closed", str(m.id))


def test_an_amendment_accepted_and_rejected_at_once_is_decided_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = two
    d = draft(a, session(a).id)
    am = dec.propose_amendment(a, d.id, 1, "The Council decides:\n1. To approve it.\n",
                               actor=rep("ARM"))
    from phalanx.services.decisions import drafts

    slowed(monkeypatch, drafts, "_draft_row", before=0.3)  # both read the amendment first
    out = race(lambda: dec.decide_amendment(a, am.id, True, actor=SEC),
               lambda: dec.decide_amendment(b, am.id, False, actor=SEC2))
    assert len(refused(out)) == 1
    decided = actions(a, "amendment.accept", "amendment.reject")
    assert len(decided) == 1
    with a.read() as conn:
        status = conn.execute(select(t.amendment.c.status).where(
            t.amendment.c.id == am.id)).scalar_one()
        versions = conn.execute(select(func.count()).select_from(t.draft_version).where(
            t.draft_version.c.draft_id == d.id)).scalar_one()
    assert (status, versions) in {("accepted", 2), ("rejected", 1)}
    assert decided[0][0] == f"amendment.{'accept' if status == 'accepted' else 'reject'}"


def test_a_states_answer_under_the_written_procedure_is_given_once(
        two: tuple[Database, Database]) -> None:
    """Two people acting for Armenia (two representatives, two instances) sign at the
    same moment: one signature, the other told it is given."""
    a, b = two
    with clock.use(datetime(2023, 12, 1, tzinfo=UTC)):
        d = draft(a, None, procedure="written",
                  deadline=datetime(2023, 12, 20, tzinfo=UTC).isoformat())
        out = race(lambda: dec.sign(a, d.id, actor=rep("ARM")),
                   lambda: dec.sign(b, d.id, actor=rep("ARM", 2)))
    assert len(refused(out)) == 1
    with a.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.signature).where(
            t.signature.c.draft_id == d.id)).scalar_one() == 1
    assert len(actions(a, "draft.sign")) == 1


def test_the_last_two_signatures_at_once_adopt_the_text_once(
        two: tuple[Database, Database]) -> None:
    a, b = two
    with clock.use(datetime(2023, 12, 1, tzinfo=UTC)):
        d = draft(a, None, procedure="written",
                  deadline=datetime(2023, 12, 20, tzinfo=UTC).isoformat())
        order = list(d.signing_order)
        for s in order[:-2]:
            dec.sign(a, d.id, actor=rep(s))
        out = race(lambda: dec.sign(a, d.id, actor=rep(order[-2])),
                   lambda: dec.sign(b, d.id, actor=rep(order[-1])))
    # signing "in turn": the last may only sign after the one before it; either way the
    # text is adopted by the last signature, once
    refused(out)
    if any(isinstance(o, BaseException) for o in out):
        with clock.use(datetime(2023, 12, 2, tzinfo=UTC)):
            dec.sign(a, d.id, actor=rep(order[-1]))
    with a.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.decision).where(
            t.decision.c.draft_id == d.id)).scalar_one() == 1
    assert [c["outcome"] for _, _, c in actions(a, "draft.close")] == ["adopted"]


def test_a_lapse_stored_by_two_instances_at_once_is_stored_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The deadline passed: two instances store the lapse at the same moment (a scheduler
    on each, or a late signature on each). One stores it; the other finds it stored
    (before: the second's write, with nothing to record, failed as an unaudited write —
    a server error)."""
    a, b = two
    with clock.use(datetime(2023, 12, 1, tzinfo=UTC)):
        d = draft(a, None, procedure="written",
                  deadline=datetime(2023, 12, 20, tzinfo=UTC).isoformat())
    from phalanx.services.decisions import written

    slowed(monkeypatch, written, "_written", before=0.3)  # both saw it open, then settle
    with clock.use(datetime(2023, 12, 21, tzinfo=UTC)):
        out = race(lambda: dec.settle_lapsed(a, actor=SEC),
                   lambda: dec.sign(b, d.id, actor=rep("ARM")))
    settled, signed = out
    assert len(refused(out)) == 1 and isinstance(signed, Conflict)  # "lapsed", whoever
    assert settled in ([d.id], [])  # stored it, or found it stored by the signature's
    assert [c["outcome"] for _, _, c in actions(a, "draft.close")] == ["lapsed"]


# --- crises ----------------------------------------------------------------------------------


def crisis(db: Database) -> crises.CrisisOut:
    return crises.open_crisis(db, crises.CrisisIn(
        title="Flooding in the Fergana valley", category="natural_disaster",
        affected=["KGZ"], severity="severe", place="Osh", lat=40.53, lon=72.80),
        actor=rep("KGZ"), at=T0)


def test_consultations_convened_twice_at_once_are_convened_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two staff convene the consultations on one crisis at the same moment: one session,
    the crisis moved once; the other is told they are convened (before: two sessions, the
    crisis pointing at the second, the first orphaned)."""
    a, b = two
    c = crisis(a)
    from phalanx.services.crises import workflow

    slowed(monkeypatch, workflow, "consultation_format", before=0.3)
    out = race(lambda: crises.convene_consultations(a, c.id, actor=SEC, at=T0),
               lambda: crises.convene_consultations(b, c.id, actor=SEC2, at=T0))
    assert len(refused(out)) == 1
    with a.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.crisis_session).where(
            t.crisis_session.c.crisis_id == c.id)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(t.meeting)).scalar_one() == 1
    assert len(actions(a, "crisis.consultations")) == 1
    assert len(actions(a, "crisis.transition")) == 1


def test_two_staff_moving_a_crisis_at_once_move_it_once(
        two: tuple[Database, Database]) -> None:
    """From the same page (the same revision) one moves the crisis to assessment, the
    other ends it with no action: the one who is second is told it changed."""
    a, b = two
    c = crises.convene_consultations(a, crisis(a).id, actor=SEC, at=T0)
    out = race(lambda: crises.transition(a, c.id, Stage.ASSESSMENT, actor=SEC,
                                         revision=c.revision, at=T0 + timedelta(hours=1)),
               lambda: crises.transition(b, c.id, Stage.NO_ACTION, actor=SEC2,
                                         reason="the water receded", revision=c.revision,
                                         at=T0 + timedelta(hours=1)))
    assert len(refused(out)) == 1
    moves = [ch for _, _, ch in actions(a, "crisis.transition")]
    assert [m["from"] for m in moves] == ["reported", "consultations"]
    with a.read() as conn:
        stage = conn.execute(select(t.crisis.c.stage).where(t.crisis.c.id == c.id)
                             ).scalar_one()
    assert stage == moves[1]["to"]


def test_an_overdue_stage_escalated_by_two_instances_at_once_is_escalated_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """`phalanx crises escalate` run by a scheduler beside each instance: the late
    consultations are escalated once (one timeline entry, one notice each), not twice."""
    a, b = two
    c = crisis(a)
    from phalanx.services.crises import escalation

    slowed(monkeypatch, escalation.identity, "list_users", before=0.3)  # both found it due
    late = T0 + timedelta(hours=3)
    out = race(lambda: crises.escalate_overdue(a, at=late),
               lambda: crises.escalate_overdue(b, at=late))
    assert not refused(out)
    assert sorted(out) == [[], [c.id]]
    assert len(actions(a, "crisis.escalate")) == 1


def test_a_stage_left_while_it_is_escalated_is_not_escalated_after(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The consultations are convened while the overdue report is being escalated: the
    escalation of the stage comes before the move, or not at all once it is left."""
    a, b = two
    c = crisis(a)
    from phalanx.services.crises import escalation

    slowed(monkeypatch, escalation, "board", after=0.5)  # found the report overdue, waits
    late = T0 + timedelta(hours=3)
    out = race(lambda: crises.escalate_overdue(a, at=late),
               later(0.1, lambda: crises.convene_consultations(b, c.id, actor=SEC, at=late)))
    assert not refused(out)
    order = [(action, ch.get("stage") or ch.get("to")) for action, _, ch in
             actions(a, "crisis.escalate", "crisis.transition")]
    assert order in ([("crisis.escalate", "reported"), ("crisis.transition", "consultations")],
                     [("crisis.transition", "consultations")])


def humanitarian_offer(db: Database) -> int:
    c = crisis(db)
    c = crises.request_assistance(db, c.id, crises.RequestIn(
        resource="tents", measure=Measure.HUMANITARIAN, quantity=500, unit="tents",
        needed_by=T0 + timedelta(days=1)), actor=rep("KGZ"), at=T0)
    rid = c.requests[0].id
    c = crises.offer_assistance(db, rid, crises.OfferIn(kind="supplies", description="tents",
                                                        quantity=300), actor=rep("KAZ"),
                                at=T0)
    return c.requests[0].offers[0].id


@pytest.mark.parametrize("second", [True, False], ids=["accepted-twice", "accept-decline"])
def test_an_offer_is_decided_once(two: tuple[Database, Database],
                                  monkeypatch: pytest.MonkeyPatch, second: bool) -> None:
    """Kyrgyzstan's representative and the Secretariat decide the same offer at once:
    once, the other told it is decided (before: accepted twice, or accepted and then
    declined by a decision that had read it still open)."""
    a, b = two
    offer = humanitarian_offer(a)
    from phalanx.services.crises import assistance

    slowed(monkeypatch, assistance, "_row", before=0.3)  # both read the offer first
    out = race(lambda: crises.decide_offer(a, offer, True, actor=rep("KGZ"), at=T0),
               lambda: crises.decide_offer(b, offer, second, actor=SEC, at=T0))
    assert len(refused(out)) == 1
    decided = actions(a, "assistance.accepted", "assistance.declined")
    assert len(decided) == 1
    with a.read() as conn:
        status = conn.execute(select(t.assistance_offer.c.status).where(
            t.assistance_offer.c.id == offer)).scalar_one()
    assert decided[0][0] == f"assistance.{status}"


def test_through_the_api_the_instance_that_loses_answers_409(
        two: tuple[Database, Database], settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same race through two apps, each with its own engine: the offer accepted by
    Kyrgyzstan on one and declined by the Secretariat on the other. One answers 200, the
    other 409 in problem+json saying the offer is decided; never a 500."""
    from fastapi.testclient import TestClient

    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import identity
    from phalanx.services import tokens as api_tokens
    from phalanx.services.crises import assistance
    from phalanx.web.app import create_app

    a, b = two
    offer = humanitarian_offer(a)
    headers = []
    for name, role, state in (("kgz-one", Role.REPRESENTATIVE, "KGZ"),
                              ("sec-one", Role.SECRETARIAT, None)):
        identity.add_user(a, identity.NewUser(name, "Str0ng-and-l0ng-pass!", role, state=state),
                          actor=SYSTEM)
        headers.append({"Authorization": "Bearer " + api_tokens.issue_token(
            a, name, actor=SYSTEM).token})
    slowed(monkeypatch, assistance, "_row", before=0.3)
    with TestClient(create_app(settings, a)) as one, TestClient(create_app(settings, b)) as two_:
        for client, h in ((one, headers[0]), (two_, headers[1])):  # each app warmed up
            assert client.post(f"/api/v1/offers/{offer}/decision", json={},
                               headers=h).status_code == 422
        out = race(lambda: one.post(f"/api/v1/offers/{offer}/decision", json={"accept": True},
                                    headers=headers[0]),
                   lambda: two_.post(f"/api/v1/offers/{offer}/decision",
                                     json={"accept": False}, headers=headers[1]))
    assert sorted(r.status_code for r in out) == [200, 409], [r.text for r in out]
    lost = next(r for r in out if r.status_code == 409)
    assert lost.headers["content-type"].startswith("application/problem+json")
    assert lost.json()["status"] == 409
    assert f"offer {offer} is already" in lost.json()["detail"]
    assert len(actions(a, "assistance.accepted", "assistance.declined")) == 1


# --- forces ----------------------------------------------------------------------------------


def two_crises_planned_together(db: Database) -> tuple[int, int, forces.PlanOut,
                                                       forces.PlanOut]:
    """Two crises in the response stage compete for the same units: a plan run from each
    plans both."""
    from tests.integration.test_force_tasks import consent_all, need, response

    first = response(db)
    second = response(db)
    for cid in (first, second):
        consent_all(db, cid)
        need(db, cid, strength=300)
    plans = [forces.run_plan(db, cid, forces.PlanIn(time_limit=1), actor=PLANNER,
                             at=T0 + timedelta(hours=6)) for cid in (first, second)]
    assert all(set(p.crises) == {first, second} for p in plans)
    return first, second, plans[0], plans[1]


def decided_plans(db: Database, crisis_id: int) -> list[int]:
    with db.read() as conn:
        return [r.id for r in conn.execute(select(t.deployment_plan).where(
            t.deployment_plan.c.status == "decided", t.deployment_plan.c.kind == "deployment"))
            if r.crisis_id == crisis_id or crisis_id in (r.crises or [])]


def test_two_plans_for_the_same_crises_decided_at_once_leave_one_in_force(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two planners decide, at the same moment, a plan run from each of two crises that
    compete for the same units: one plan is in force, the other superseded by it or
    superseding it (before: both decided, each unit committed twice)."""
    a, b = two
    first, second, p1, p2 = two_crises_planned_together(a)
    from phalanx.services.forces import deployment

    # each supersedes what is decided, then takes its time before committing
    slowed(monkeypatch, deployment, "plan_out", before=0.5)
    at = T0 + timedelta(hours=7)
    out = race(lambda: forces.decide_plan(a, p1.id, actor=PLANNER, at=at),
               lambda: forces.decide_plan(b, p2.id, actor=SEC, at=at))
    assert not refused(out)
    assert len(decided_plans(a, first)) == 1
    assert decided_plans(a, first) == decided_plans(a, second)


def test_a_request_withdrawn_while_a_plan_is_decided_is_never_answered_by_it(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Kazakhstan withdraws its request for the second crisis while a plan run from the
    first one, which moves forces for both, is decided: either the plan comes first (and
    the units go home by a withdrawal), or the withdrawal does and the plan is refused.
    Never a plan decided, in the order the writes committed, after the withdrawal it
    did not see."""
    a, b = two
    _, second, p1, _ = two_crises_planned_together(a)
    with a.read() as conn:
        (request,) = crisis_requests.requests_of(conn, second)
    from phalanx.services.forces import deployment

    slowed(monkeypatch, deployment, "unrequested", after=0.5)  # checked, then waits
    at = T0 + timedelta(hours=7)
    out = race(lambda: forces.decide_plan(a, p1.id, actor=PLANNER, at=at),
               later(0.1, lambda: crisis_requests.withdraw_request(
                   b, second, request.id, crisis_requests.WithdrawalIn(reason="calm"),
                   actor=rep("KAZ"), at=at - timedelta(minutes=30))))
    decided, withdrawn = out
    assert not isinstance(withdrawn, BaseException)
    refused([decided])
    order = [action for action, _, _ in actions(
        a, "forces.plan.decide", "crisis.official_request.withdrawal")]
    if isinstance(decided, BaseException):
        assert order == ["crisis.official_request.withdrawal"]
    else:
        assert order == ["forces.plan.decide", "crisis.official_request.withdrawal"]


# --- membership and the registers --------------------------------------------------------------


def test_a_membership_event_recorded_twice_at_once_is_recorded_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two Secretariat officers record, at the same moment, that Kazakhstan no longer takes
    part in the work: once; the rules refuse the second (it no longer takes part), which
    both checked against the record before either (before: both stored, a timeline the
    rules refuse)."""
    a, b = two
    slowed(monkeypatch, ms, "_validate", after=0.3)
    out = race(lambda: ms.record_event(a, ms.EventIn(state="KAZ", kind="not_taking_part",
                                                     on=date(2027, 1, 1)), actor=SEC),
               lambda: ms.record_event(b, ms.EventIn(state="KAZ", kind="not_taking_part",
                                                     on=date(2027, 2, 1)), actor=SEC2))
    assert len(refused(out, Invalid)) == 1
    with a.read() as conn:
        assert len(ms.records(conn, actor=SYSTEM)) == 1
    assert len(actions(a, "membership.record")) == 1


def test_a_proposed_event_confirmed_twice_at_once_is_confirmed_once(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.integration.test_membership_records import adopted_decision

    a, b = two
    decision = adopted_decision(a)
    with a.write(SEC) as w:
        pid = ms.propose_from_decision(w, decision_id=decision, state="TJK",
                                       kind="suspension", on=date(2027, 1, 1), actor=SEC)
    slowed(monkeypatch, ms, "_validate", after=0.3)
    out = race(lambda: ms.confirm(a, pid, actor=SEC), lambda: ms.confirm(b, pid, actor=SEC2))
    assert len(refused(out)) == 1
    assert len(actions(a, "membership.confirm")) == 1


def test_a_contribution_entered_twice_at_once_is_one_entry(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """The first entry of a year made at the same moment on two instances: one row, the
    second entry correcting the first (before: a unique violation, a server error)."""
    a, b = two
    from phalanx.services import organization as orgs

    slowed(monkeypatch, orgs, "organization", after=0.3)
    out = race(lambda: ms.set_contribution(a, "KAZ", 2031, ms.ContributionIn(
                   assessed=1500, paid=1500), actor=SEC),
               lambda: ms.set_contribution(b, "KAZ", 2031, ms.ContributionIn(
                   assessed=1500, paid=1000), actor=SEC2))
    assert not refused(out)
    with a.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.contribution).where(
            t.contribution.c.state_code == "KAZ", t.contribution.c.year == 2031)
        ).scalar_one() == 1
    assert len(actions(a, "contribution.set")) == 2


def test_two_allocations_at_once_never_exceed_the_places_offered(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    """Russia's military quota for 2026 offers 1,000 places, 665 allocated: 200 more for
    Armenia and 200 for Belarus each fit, both do not. Allocated at once, one is refused."""
    a, b = two
    with a.read() as conn:
        q = next(x for x in tr.list_quotas(conn, actor=SEC, year=2026)
                 if x.institution == "rus-military")
    assert (q.offered, q.allocated) == (1000, 665)
    slowed(monkeypatch, tr, "_allocations", after=0.3)
    out = race(lambda: tr.allocate(a, q.id, "ARM", tr.AllocationIn(allocated=200), actor=SEC),
               lambda: tr.allocate(b, q.id, "BLR", tr.AllocationIn(allocated=200),
                                   actor=rep("RUS")))
    assert len(refused(out, Invalid)) == 1
    with a.read() as conn:
        q = tr.get_quota(conn, q.id, actor=SEC)
    assert q.allocated == 865
    assert len(actions(a, "training.allocate")) == 1


def test_two_offers_of_one_host_at_once_never_exceed_its_yearly_limit(
        two: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """The host's yearly limit counts the places of all its institutions of one type
    (Russia's military universities: 1,000 a year). With a second military institution
    of Russia in the file, 600 places offered for 2027 in each, at once, each fit alone
    and not together: one is refused (before: the offer locked its own institution's
    quota only, so each counted the other's places as none, and 1,200 were offered)."""
    from phalanx.dataset import loader
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import organization as orgs

    a, b = two
    text = loader.builtin_path().read_text(encoding="utf-8")
    anchor = "    - {key: kaz-national-defence,"
    assert anchor in text
    path = tmp_path / "csto-two-academies.yaml"
    path.write_text(text.replace(anchor, (
        "    - {key: rus-military-academies, name: {en: Military academies of Russia, "
        "ru: Военные академии России}, state: RUS, type: military, source: illustrative}\n"
        + anchor), 1), encoding="utf-8")
    orgs.load_dataset(a, path, actor=SYSTEM)
    slowed(monkeypatch, tr.rules, "quota_problems", after=0.3)  # checked, then waits
    out = race(lambda: tr.offer(a, tr.OfferIn(year=2027, institution="rus-military",
                                              offered=600), actor=SEC),
               lambda: tr.offer(b, tr.OfferIn(year=2027, institution="rus-military-academies",
                                              offered=600), actor=rep("RUS")))
    assert len(refused(out, Invalid)) == 1
    with a.read() as conn:
        offered = [q.offered for q in tr.list_quotas(conn, actor=SEC, year=2027)
                   if q.host == "RUS" and q.type == "military"]
    assert offered == [600]
    assert len(actions(a, "training.offer")) == 1
