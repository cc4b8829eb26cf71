"""The art. 4 obligation and the UN Security Council notice, as records of a crisis
(`domain/crisis/obligations.py` states the rules).

Each member other than the affected ones answers the obligation — forces or means,
other assistance, or declined with its reason — by its authorized representative
(`policy.acts_for` … CRISIS); the crisis room and the scorecard show every member's line
with its clock, which starts with the affected state's first official request (before
it, the lines read "not yet arisen"; once every request is withdrawn, those unanswered
read "no longer awaited"). The UN notice opens when a decision authorizing
assistance is linked to such a crisis; the letter is generated in English and Russian
from the decision's fields (`crisis_letter.py`); the Secretariat records it as sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select, update

from phalanx.adapters.cap import territory
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar, membership
from phalanx.domain.access.policy import Duty, Marking, StateAct, does, why_not_act
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis import obligations as ob
from phalanx.domain.crisis.workflow import FINAL, Stage
from phalanx.domain.organization import MembershipStatus, Organization
from phalanx.services import clock, preconditions
from phalanx.services.clock import aware, now
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.services.types import UtcDateTime


class ObligationIn(BaseModel):
    answer: ob.Answer
    detail: str = Field(default="", max_length=5000)  # what is offered, or the reason


class LineOut(BaseModel):
    state: str
    answer: ob.Answer | None
    detail: str
    at: UtcDateTime | None
    waiting_minutes: float | None
    overdue: bool
    arisen: bool = True  # False: no official request yet, so no clock
    withdrawn: bool = Field(default=False, description=(
        "the obligation arose, and every official request that made it arise was withdrawn "
        "before an answer came: no answer is awaited any more, no clock runs"))
    decided: bool = Field(default=False, description=(
        "answered by a decision on the crisis that names the member among its contributing "
        "states (forces, at the decision's adoption), not by an answer of its own"))
    due_at: UtcDateTime | None = None  # when the answer is due (None: not yet arisen)
    version: str | None = Field(default=None, description=(
        "the current answer's version (None: none given): send it as If-Match with a new "
        "answer that replaces it, or If-None-Match: * with a first answer"))


class NoticeOut(BaseModel):
    opened_at: UtcDateTime
    due_at: UtcDateTime
    sent_at: UtcDateTime | None
    reference: str
    status: ob.NoticeStatus


def on_affected_territory(row: Any) -> bool | None:
    """Whether the crisis's reported place lies on an affected state's territory (the
    country shapes, `adapters/cap/territory.py`); None where no place is recorded or the
    shapes are not installed."""
    affected = [s for s in (row.affected or "").split(",") if s]
    if row.lat is None or row.lon is None or not affected:
        return None
    return territory.inside(row.lat, row.lon, affected)


def off_territory(row: Any) -> bool:
    """Whether the crisis's place is known to lie outside the territory of every affected
    member: art. 4 does not apply there (`domain/crisis/obligations.py`)."""
    return ob.off_territory(on_affected_territory(row))


def _facts(conn: Connection, org: Organization, row: Any, standing_at: datetime | None = None
           ) -> tuple[bool, list[tuple[str, datetime]], tuple[str, ...], bool]:
    """Whether the category obliges all members, the official requests (article, when;
    with `standing_at`, only those still standing then: not withdrawn, and made by a
    state still a member, since one whose withdrawal has taken effect is no party to
    the Treaty its request invokes; seeds: membership ends by withdrawal), the
    collective-defence articles, and whether the place lies outside the territory of
    every affected member (`off_territory`)."""
    cat = org.crisis_categories.get(row.category)
    r = t.official_request.c
    members = None if standing_at is None else {
        m.state for m in membership.members_on(org, clock.day(org, standing_at))}
    requests = [(q.article, aware(q.at)) for q in conn.execute(
        select(r.article, r.at, r.withdrawn_at, r.state_code).where(r.crisis_id == row.id))
        if standing_at is None or members is None or (
            (q.withdrawn_at is None or aware(q.withdrawn_at) > standing_at)
            and q.state_code in members)]
    return (cat is not None and cat.obliged == "all_members", requests,
            tuple(org.settings.get("collective_defence_articles", ())), off_territory(row))


def _arose(conn: Connection, org: Organization, row: Any, standing_at: datetime | None = None
           ) -> datetime | None:
    """When every member's obligation arose on this crisis: with the affected state's
    first official request (None: none yet, or volunteers only); with `standing_at`, its
    first request still standing then (a request withdrawn asks for nothing more)."""
    return ob.arises(*_facts(conn, org, row, standing_at))


def _target(org: Organization, key: str, default: float) -> float:
    return float(org.settings.get(key, default))


def collective_defence(conn: Connection, org: Organization, row: Any) -> bool:
    """Is this an art. 4 crisis: does every member owe assistance and the UN a notice?
    (Whether the obligation has arisen yet is `_arose`.)"""
    return ob.binds(*_facts(conn, org, row))


def obliged_states(conn: Connection, org: Organization, row: Any,
                   at: datetime | None = None) -> list[str]:
    """The members that owe an answer on a crisis of collective defence: every member on
    the day the obligation arose (before the request: the day of the report) but the
    affected ones, those the report names as the other party, and those whose status the
    dataset exempts (`obligation_exempt`; the
    CSTO: suspended members, a setting). Without that rule every member bound on the day
    owes an answer, suspended or not. With `at`, only those that still owe it then: a
    state whose withdrawal has taken effect is no party to the Treaty any more (seeds:
    membership ends by withdrawal), one suspended since is exempt as any suspended member
    (the setting above); nothing more is asked of either."""
    if not collective_defence(conn, org, row):
        return []
    obliged = _obliged_on(org, row, _arose(conn, org, row) or aware(row.reported_at))
    if at is None:
        return obliged
    still = set(_obliged_on(org, row, at))
    return [s for s in obliged if s in still]


def exempt_statuses(org: Organization) -> frozenset[MembershipStatus]:
    """The membership statuses the dataset leaves out of the art. 4 obligation."""
    rule = org.settings.get("obligation_exempt") or {}
    return frozenset(MembershipStatus(s) for s in rule.get("statuses", ()))


def _obliged_on(org: Organization, row: Any, day: datetime) -> list[str]:
    """The members on `day` but the affected ones, those the report names as the other
    party (a member is not asked to assist against itself: `domain/crisis/parties.py`)
    and the exempt."""
    left_out = {s for s in row.affected.split(",") + row.other_parties.split(",") if s}
    exempt = exempt_statuses(org)
    # an exercise played by some states (its crisis marked for them) asks only them, as
    # its consultation does (setting)
    taking = ({s for s in row.participants.split(",") if s}
              if row.exercise and row.marking == Marking.PARTICIPANTS.value else None)
    return [m.state for m in membership.members_on(org, clock.day(org, day))
            if m.state not in left_out and m.status not in exempt
            and (taking is None or m.state in taking)]


def _finished_at(conn: Connection, row: Any) -> datetime | None:
    """When the crisis reached its final stage (closed, no action, rejected); None while
    it is open."""
    if Stage(row.stage) not in FINAL:
        return None
    e = t.crisis_event.c
    at = conn.execute(select(func.max(e.at)).where(
        e.crisis_id == row.id, e.kind == "stage", e.stage == row.stage)).scalar_one()
    return aware(at) if at is not None else None


def _decided(conn: Connection, org: Organization, row: Any, at: datetime,
             actor: Principal) -> list[ob.Given]:
    """The answers the decisions linked to the crisis give (`ob.by_decision`): each
    decision `actor` may read, adopted by `at`, for the states it names among its
    contributing states."""
    linked = {row.decision_id} | {d for (d,) in conn.execute(
        select(t.crisis_event.c.decision_id).where(
            t.crisis_event.c.crisis_id == row.id, t.crisis_event.c.decision_id.is_not(None)))}
    linked.discard(None)
    if not linked:
        return []
    d = t.decision.c
    given: list[ob.Given] = []
    for r in conn.execute(access.select_visible(
            t.decision, actor, d.contributing_states, d.adopted_on, d.adopted_at).where(
            d.id.in_(sorted(linked)))):
        adopted = (aware(r.adopted_at) if r.adopted_at is not None
                   else calendar.start_of(r.adopted_on, calendar.zone_name(org)))
        if adopted <= at:
            given += ob.by_decision(r.contributing_states or [], adopted)
    return given


def lines(conn: Connection, org: Organization, row: Any, at: datetime,
          actor: Principal = SYSTEM) -> list[LineOut]:
    """Every obliged member's line; before the affected state's first official request,
    and once every request it made is withdrawn, no clock runs and no line is overdue
    (assistance is given at its request: a request withdrawn asks for nothing more; the
    answers given stay). Once the crisis is over (closed, no action, rejected) the clock
    stops where it ended: a line left unanswered reads the time it waited until then,
    and is overdue only if it was by then. The lines `actor` reads: a member's answer is its
    position (`access.reads_position`)."""
    obliged = obliged_states(conn, org, row)
    if not obliged:
        return []
    finished = _finished_at(conn, row)
    if finished is not None:
        at = min(at, finished)
    arose = _arose(conn, org, row, standing_at=at)
    # arisen once, and no request stands any more: withdrawn, not "not yet arisen"
    gone = arose is None and _arose(conn, org, row) is not None
    given = [ob.Given(g.state_code, ob.Answer(g.answer), g.detail, aware(g.at))
             for g in conn.execute(select(t.obligation_answer).where(
                 t.obligation_answer.c.crisis_id == row.id))]
    given += _decided(conn, org, row, at, actor)
    # a member that left, or was suspended, since the obligation arose is asked nothing
    # more: its line goes unless it answered before (the answers given stay)
    still, answered = set(obliged_states(conn, org, row, at)), {g.state for g in given}
    obliged = [s for s in obliged if s in still or s in answered]
    target = timedelta(hours=_target(org, "obligation_answer_target_hours", 24))
    # a line answered by a decision has no answer of the member's own to replace: its
    # first answer is sent with If-None-Match: *
    return [LineOut(state=x.state, answer=x.answer, detail=x.detail, at=x.at,
                    waiting_minutes=x.waiting.total_seconds() / 60 if x.waiting else None,
                    overdue=x.overdue, arisen=x.arisen or gone, decided=x.decided,
                    withdrawn=gone and x.answer is None,
                    due_at=arose + target if arose is not None else None,
                    version=None if x.decided else preconditions.version_of(x.at))
            for x in ob.lines(obliged, given, arose, at, target)
            # each member's answer is its position (`access.position_classification`):
            # not an observer's nor the public's, even on a crisis released to them
            if access.reads_position(actor, x.state)]


def notice(conn: Connection, org: Organization, crisis_id: int, at: datetime
           ) -> NoticeOut | None:
    n = conn.execute(select(t.un_notice).where(t.un_notice.c.crisis_id == crisis_id)).first()
    if n is None:
        return None
    target = timedelta(minutes=_target(org, "un_notification_target_minutes", 60))
    opened = aware(n.opened_at)
    return NoticeOut(opened_at=opened, due_at=opened + target,
                     sent_at=aware(n.sent_at) if n.sent_at else None, reference=n.reference,
                     status=ob.notice_status(opened, aware(n.sent_at) if n.sent_at else None,
                                             at, target))


def open_notice(w: Write, org: Organization, row: Any, decision_id: int, at: datetime) -> bool:
    """Called when a decision is linked: an art. 4 crisis's notice to the UN Security
    Council opens (once). Returns whether it opened now."""
    if not collective_defence(w.conn, org, row):
        return False
    if w.conn.execute(select(t.un_notice.c.crisis_id).where(
            t.un_notice.c.crisis_id == row.id)).first() is not None:
        return False
    w.conn.execute(insert(t.un_notice).values(crisis_id=row.id, decision_id=decision_id,
                                              opened_at=at, reference=""))
    return True


def answer(db: Database, crisis_id: int, state: str, data: ObligationIn, *,
           actor: Principal, at: datetime | None = None,
           expect: preconditions.Expect | None = None) -> list[LineOut]:
    """A member's answer to the obligation (the latest answer counts). With `expect`, the
    answer it replaces must be the one the client read (`preconditions`)."""
    from phalanx.services import crises, organization
    from phalanx.services.crises.ending import refuse_if_over

    at = at or now()
    if reason := why_not_act(actor, state, StateAct.CRISIS):
        raise Forbidden(reason)
    problems = ob.answer_problems(data.answer, data.detail)
    if problems:
        raise Invalid("detail", "; ".join(problems))
    with db.write(actor) as w:
        row = crises.crisis_row(w.conn, crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        org = organization.organization(w.conn)
        if off_territory(row):
            raise Conflict(f"{state} owes no answer on crisis {crisis_id}: its place lies "
                           "outside the territory of "
                           f"{', '.join(s for s in row.affected.split(',') if s)}, so no "
                           "member owes an answer under the collective-defence article")
        if state not in obliged_states(w.conn, org, row, at):
            raise Conflict(f"{state} owes no answer on crisis {crisis_id} (only members other "
                           "than the affected ones and the other party, where the category "
                           "obliges all members or the affected state's request invokes "
                           "collective defence)")
        latest = w.conn.execute(select(func.max(t.obligation_answer.c.at)).where(
            t.obligation_answer.c.crisis_id == crisis_id,
            t.obligation_answer.c.state_code == state)).scalar_one()
        preconditions.check(expect, latest, state, "crisis", crisis_id)
        _refuse_the_same_again(w.conn, crisis_id, state, data)
        w.conn.execute(insert(t.obligation_answer).values(
            crisis_id=crisis_id, state_code=state, answer=data.answer.value,
            detail=data.detail, at=at, answered_by=actor.username))
        crises.timeline_event(w, crisis_id, "obligation",
                              f"{state}: {data.answer.value}"
                              + (f" — {data.detail}" if data.detail else ""), at)
        w.audit("crisis.obligation", "crisis", crisis_id,
                {"state": state, **data.model_dump(mode="json")})
        w.emit(f"crisis:{crisis_id}", "obligation", state=state,
               classification=access.position_classification(state))
        return lines(w.conn, org, row, at, actor)


def _refuse_the_same_again(conn: Connection, crisis_id: int, state: str,
                           data: ObligationIn) -> None:
    """The state's latest answer, word for word the same, sent again (a form sent twice, a
    call retried): it is neither recorded, told in the timeline nor announced again."""
    a = t.obligation_answer.c
    last = conn.execute(select(a.answer, a.detail, a.at).where(
        a.crisis_id == crisis_id, a.state_code == state)
        .order_by(a.at.desc(), a.id.desc()).limit(1)).first()
    if last is not None and last.answer == data.answer.value and last.detail == data.detail:
        raise Conflict(f"{state}'s answer ({data.answer.value}, "
                       f"{aware(last.at):%Y-%m-%d %H:%M} UTC) is recorded already")


def mark_sent(db: Database, crisis_id: int, reference: str, *, actor: Principal,
              at: datetime | None = None) -> NoticeOut:
    """The Secretariat records the notice to the UN Security Council as sent."""
    from phalanx.services import crises, organization
    from phalanx.services.crises.ending import refuse_if_over

    at = at or now()
    if not does(actor, Duty.UN_NOTICE):
        raise Forbidden("the Secretariat sends the notice to the UN Security Council")
    with db.write(actor) as w:
        refuse_if_over(w.conn, crises.crisis_row(w.conn, crisis_id, actor, lock=True))
        org = organization.organization(w.conn)
        current = notice(w.conn, org, crisis_id, at)
        if current is None:
            raise Conflict(f"crisis {crisis_id} has no notice to the UN Security Council open "
                           f"({opens_with(org)})")
        if current.sent_at is not None:
            raise Conflict(f"the notice was sent at {current.sent_at.isoformat()}")
        w.conn.execute(update(t.un_notice).where(t.un_notice.c.crisis_id == crisis_id)
                       .values(sent_at=at, sent_by=actor.username, reference=reference))
        crises.timeline_event(w, crisis_id, "note", "UN Security Council notified"
                              + (f" ({reference})" if reference else ""), at)
        from phalanx.services.crisis_letter import as_sent

        w.audit("crisis.un_notice", "crisis", crisis_id,
                {"reference": reference, **as_sent(w.conn, org, crisis_id)})
        w.emit(f"crisis:{crisis_id}", "un_notice")
        sent = notice(w.conn, org, crisis_id, at)
        assert sent is not None
        return sent


def opens_with(org: Organization) -> str:
    """When a crisis's notice to the UN Security Council opens, in the words of the
    organization's file: a decision on a crisis under its first collective-defence
    article (setting `collective_defence_articles`), or, where it names none, on a crisis
    obliging every member."""
    article = next(iter(org.settings.get("collective_defence_articles") or []), "")
    return (f"it opens with a decision on a crisis under {article}" if article
            else "it opens with a decision on a crisis obliging every member")
