"""The register of decisions, publication and counts (implementation tasks: `tasks`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, String, and_, cast, func, insert, or_, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import leaving
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    StateAct,
    acts_for,
    can_read,
    state_reads,
)
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Result,
)
from phalanx.domain.organization import Organization
from phalanx.services.clock import aware, now
from phalanx.services.clock import day as day_of
from phalanx.services.db import Database, Write
from phalanx.services.decisions import lifecycle
from phalanx.services.decisions.common import (
    _current_text,
    _org,
    _require_staff,
    taking_part,
)
from phalanx.services.decisions.schemas import (
    Authorizes,
    CountsOut,
    DecisionOut,
    HistoricalCountOut,
    TaskIn,
)
from phalanx.services.decisions.tasks import _insert_task
from phalanx.services.errors import Conflict, NotFound


def _register(w: Write, org: Organization, row: Any, result: Result, day: date,
              tasks: list[TaskIn]) -> str:
    """Enter an adopted draft in the register of decisions; returns its number."""
    body = org.bodies[row.body_key]
    prefix = (body.abbreviation.en if body.abbreviation else body.key).upper()
    exercise = False
    if row.meeting_id is not None:
        exercise = bool(w.conn.execute(access.select_visible(
            t.meeting, SYSTEM, t.meeting.c.exercise).where(
            t.meeting.c.id == row.meeting_id)).scalar())
    # numbering counts every decision of the body and year, visible to this user or not,
    # real and exercise decisions apart (an exercise never moves a real number); the body's
    # row is locked first, so that two adoptions in one body at once (two instances of the
    # app, one database) number one after the other, never both the same
    w.conn.execute(select(t.body.c.key).where(t.body.c.key == row.body_key)
                   .with_for_update())
    count = w.conn.execute(access.count_visible(t.decision, SYSTEM).where(
        t.decision.c.body_key == row.body_key, t.decision.c.exercise.is_(exercise),
        func.extract("year", t.decision.c.adopted_on) == day.year)).scalar_one()
    number = f"{prefix}-{day.year}-{count + 1:03d}"
    text_en, text_ru = _current_text(w.conn, row)
    c = access.classification_of(row)
    if result.limited:
        w.conn.execute(update(t.draft).where(t.draft.c.id == row.id).values(limited_format=True))
        if proc.limited_format_readers(body.rules) == "participants":
            # the decision and everything it came from (the draft, its versions, its place
            # on the session board) are read by the participants and the staff only
            drafted = c
            c = Classification(OwnerKind.BODY, row.body_key, Marking.PARTICIPANTS,
                               result.binding, False)
            w.conn.execute(update(t.draft).where(t.draft.c.id == row.id)
                           .values(**access.classification_values(c)))
            # re-marked as any draft is (its readers who stayed out read it no more: the
            # change feed tells them it is gone)
            w.audit("draft.remark", "draft", row.id, {
                "before": access.classification_values(drafted),
                "after": access.classification_values(c),
                "reason": "a limited-format decision, read by its participants only "
                          "(the body's rules)"})
    # a member the decision binds reads it: one present that may not read the draft could
    # neither read nor object to it (setting); kept from a member, the draft is adopted
    # with that member absent, which it then binds not. A draft's marking does not change:
    # the Secretariat tables it again, marked for them too
    unread = sorted(s for s in result.binding if not state_reads(s, c))
    if unread:
        states = ", ".join(unread)
        raise Conflict(
            f"the decision would bind {states}, which may not read the draft: table the "
            "draft again marked for them too, or record absent those not at the session"
            if row.procedure == "session" else
            f"the decision would bind {states}, which may not read the draft: table the "
            "draft again marked for them too")
    if exercise:
        number = f"EX-{number}"
    # the members absent from the adoption, or without a say on it, receive the text for
    # consideration and read the decision (`policy.Classification.recipients`); an
    # exercise's decision goes to no state outside the exercise
    taking = taking_part(w.conn, row.meeting_id)
    sent = result.for_consideration if taking is None else result.for_consideration & taking
    c = replace(c, recipients=sent)
    stated = lifecycle.check_adopted(w.conn, org, row, exercise, day, actor=w.actor,
                                     binding=result.binding, limited=result.limited)
    moment = now()
    decision_id = w.conn.execute(insert(t.decision).values(
        exercise=exercise, number=number, draft_id=row.id, body_key=row.body_key, kind=row.kind,
        adopted_on=day, title=row.title, title_ru=row.title_ru, text_en=text_en,
        text_ru=text_ru,
        # the moment, where the adoption is today's (a session of an earlier day: its day)
        adopted_at=moment if day_of(org, moment) == day else None,
        binding=access.pack_participants(result.binding), limited_format=result.limited,
        for_consideration=access.pack_participants(sent),
        measures=row.measures, formations=row.formations,
        contributing_states=row.contributing_states, period_days=row.period_days,
        period_limited=row.period_limited, reason=result.reason, published=False, lifecycle=stated,
        **access.classification_values(c)).returning(t.decision.c.id)).scalar_one()
    # the decision's own entry (its draft's closing entry follows): read with the
    # decision's marking, by its recipients too, and the change feed's word that it exists
    w.audit("decision.adopt", "decision", decision_id, {
        "number": number, "draft": row.id, "adopted_on": day.isoformat(),
        "binding": sorted(result.binding), "for_consideration": sorted(sent),
        "limited_format": result.limited, **access.classification_values(c)})
    if stated.get("target"):
        # the decision it modifies changes too: its entry moves the register's cursor for
        # its readers, naming no decision they may not read
        w.audit("decision.modified", "decision", stated["target"],
                {"effect": stated["effect"]})
    for task_in in tasks:
        _insert_task(w, decision_id, task_in, org, day)
    if not exercise:
        _propose_subject(w, row, decision_id, day)
    _notify_members(w, decision_id, number, row.title, result.binding, sent, c, exercise)
    w.emit("decisions", "adopted", classification=c, id=decision_id, number=number)
    return number


def _notify_members(w: Write, decision_id: int, number: str, title: str,
                    binding: frozenset[str], sent: frozenset[str], c: Classification,
                    exercise: bool) -> None:
    """Tell each member the adopted decision concerns: whoever acts for it in its name
    (`policy.acts_for`) gets a notice (the inbox, emailed by the outbox) that the decision
    binds their state, or that it was sent to their state for consideration (absent from
    the adoption or without a say on it, DOMAIN.md §7); an exercise's says so at its start
    and its end."""
    from phalanx.services import outbox

    def notice(user: Principal) -> tuple[str, str] | None:
        state = user.state
        if (state is None or state not in binding | sent
                or not acts_for(user, state, StateAct.POSITION) or not can_read(user, c)):
            return None
        return (f"Decision {number} adopted: {title}",
                f"{state} is bound by decision {number}" if state in binding else
                f"Decision {number} was sent to {state} for consideration: adopted in its "
                "absence or without its say; it does not bind it")

    outbox.enqueue(w.conn, f"decision:{decision_id}", now(), notice, exercise=exercise)


# --- the register and implementation ------------------------------------------------------


def _decision_out(r: Any) -> DecisionOut:
    c = access.classification_of(r)
    return DecisionOut(
        id=r.id, number=r.number, draft_id=r.draft_id, body=r.body_key, kind=r.kind,
        adopted_on=r.adopted_on, adopted_at=aware(r.adopted_at) if r.adopted_at else None,
        title=r.title, title_ru=r.title_ru, text_en=r.text_en, text_ru=r.text_ru,
        binding=[s for s in r.binding.split(",") if s], limited_format=r.limited_format,
        for_consideration=[s for s in r.for_consideration.split(",") if s], reason=r.reason,
        published=r.published, marking=c.marking,
        participants=sorted(c.participants), exercise=r.exercise,
        authorizes=Authorizes(measures=list(r.measures), formations=list(r.formations),
                              contributing_states=list(r.contributing_states),
                              period_days=r.period_days, period_limited=r.period_limited))


def _naming_drafts(conn: Connection, outs: list[DecisionOut],
                   actor: Principal) -> list[DecisionOut]:
    """The decisions as `actor` reads them: each names the draft it came from by its id
    only where `actor` reads that draft (a member sent the decision for consideration, or
    a reader of a decision released further than its draft, reads the decision alone)."""
    read = access.readable_ids(conn, actor, t.draft, [d.draft_id for d in outs])
    return [d if d.draft_id in read else d.model_copy(update={"draft_id": None})
            for d in outs]


def adopted_from(conn: Connection, decision_id: int) -> int:
    """The id of the draft a decision was adopted from, for the services that render the
    decision from it (never given to a reader that may not read the draft)."""
    return int(conn.execute(access.select_visible(t.decision, SYSTEM, t.decision.c.draft_id)
                            .where(t.decision.c.id == decision_id)).scalar_one())


def _decisions(actor: Principal, body: str | None, kind: str | None, year: int | None,
               exercise: bool, changed_after: int | None = None) -> Any:
    stmt = access.select_visible(t.decision, actor).where(t.decision.c.exercise.is_(exercise))
    if changed_after is not None:
        stmt = stmt.where(_changed(changed_after))
    if body:
        stmt = stmt.where(t.decision.c.body_key == body)
    if kind:
        stmt = stmt.where(t.decision.c.kind == kind)
    if year:
        stmt = stmt.where(t.decision.c.adopted_on >= date(year, 1, 1),
                          t.decision.c.adopted_on <= date(year, 12, 31))
    return stmt


def list_decisions(conn: Connection, *, actor: Principal, body: str | None = None,
                   kind: str | None = None, year: int | None = None,
                   exercise: bool = False, limit: int | None = None,
                   offset: int = 0, changed_after: int | None = None,
                   in_force_on: date | None = None) -> list[DecisionOut]:
    """The register: real decisions, or (exercise=True) those of exercises, never mixed;
    the latest first, `limit` of them from `offset`; with `changed_after`, only those
    adopted or changed after that cursor (`change_cursor`); with `in_force_on`, only
    those in force that day. Each with its life on that day (else today)."""
    stmt = _decisions(actor, body, kind, year, exercise, changed_after).order_by(
        t.decision.c.adopted_on.desc(), t.decision.c.id.desc())
    if in_force_on is not None:
        stmt = stmt.where(t.decision.c.adopted_on <= in_force_on)
        shown = lifecycle.in_force(lifecycle.attach(
            conn, _naming_drafts(conn, [_decision_out(r) for r in conn.execute(stmt)],
                                 actor), actor=actor, day=in_force_on))
        return shown[offset:None if limit is None else offset + limit]
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return lifecycle.attach(conn, _naming_drafts(
        conn, [_decision_out(r) for r in conn.execute(stmt)], actor), actor=actor)


def count_decisions(conn: Connection, *, actor: Principal, body: str | None = None,
                    kind: str | None = None, year: int | None = None,
                    exercise: bool = False, changed_after: int | None = None,
                    in_force_on: date | None = None) -> int:
    """How many decisions `list_decisions` holds, all its pages together."""
    if in_force_on is not None:
        return len(list_decisions(conn, actor=actor, body=body, kind=kind, year=year,
                                  exercise=exercise, changed_after=changed_after,
                                  in_force_on=in_force_on))
    return conn.execute(select(func.count()).select_from(
        _decisions(actor, body, kind, year, exercise, changed_after).subquery())).scalar_one()


def change_cursor(conn: Connection, *, actor: Principal, exercise: bool = False) -> int:
    """Where the changes of the decisions `actor` may read stand now: the last audit entry
    about one of them or the draft it was adopted from (0: none). A decision is adopted in
    its draft's closing entry and changed only by entries about it (published); the
    entries join the trail one writer at a time, in the order they commit, so a change
    committed later always comes after the cursor, and one `actor` may not read moves it
    not. Read it before the decisions it goes with (`list_decisions(changed_after=)`)."""
    a = t.audit_log.c
    seen = _decisions(actor, None, None, None, exercise).subquery()
    return int(conn.execute(select(func.coalesce(func.max(a.id), 0)).where(or_(
        and_(a.target_kind == "decision",
             a.target_id.in_(select(cast(seen.c.id, String)))),
        and_(a.target_kind == "draft",
             a.target_id.in_(select(cast(seen.c.draft_id, String))))))).scalar_one())


def _changed(after: int) -> Any:
    """The decisions with an entry about them, or about their draft, after `after`."""
    a = t.audit_log.c
    return or_(
        cast(t.decision.c.id, String).in_(
            select(a.target_id).where(a.target_kind == "decision", a.id > after)),
        cast(t.decision.c.draft_id, String).in_(
            select(a.target_id).where(a.target_kind == "draft", a.id > after)))


def reads_draft(conn: Connection, draft_id: int | None, *, actor: Principal) -> bool:
    """Whether `actor` reads the draft a decision came from (a member the decision was sent
    to for consideration reads the decision, not always its draft)."""
    return draft_id in access.readable_ids(conn, actor, t.draft, [draft_id])


def get_decision(conn: Connection, decision_id: int, *, actor: Principal,
                 on: date | None = None) -> DecisionOut:
    """One decision, with its life on `on` (else today)."""
    row = conn.execute(access.select_visible(t.decision, actor)
                       .where(t.decision.c.id == decision_id)).first()
    if row is None:
        raise NotFound("decision", decision_id)
    return lifecycle.attach(conn, _naming_drafts(conn, [_decision_out(row)], actor),
                            actor=actor, day=on)[0]


def publish(db: Database, decision_id: int, *, actor: Principal) -> DecisionOut:
    """Publish an adopted statement or decision: it becomes PUBLIC. An exercise's is never
    published: it stays the exercise's record, read by those who read it (setting)."""
    _require_staff(actor, "publish")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.decision, actor)
                             .where(t.decision.c.id == decision_id).with_for_update()).first()
        if row is None:
            raise NotFound("decision", decision_id)
        if row.limited_format:
            raise Conflict("a limited-format decision is published by its participants only")
        if row.exercise:
            raise Conflict("an exercise's decision is not published: it stays the "
                           "exercise's record")
        # PUBLIC lists no participants: a decision marked for some states, published, is
        # everyone's (its draft keeps its own marking)
        before = access.classification_of(row)
        after = Classification(before.owner_kind, before.owner, Marking.PUBLIC)
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                       .values(published=True, **access.classification_values(after)))
        w.audit("decision.publish", "decision", decision_id, {
            "number": row.number, "before": access.classification_values(before)})
        w.emit("decisions", "published", classification=after, id=decision_id,
               number=row.number)
        return _decision_out(w.conn.execute(access.select_visible(t.decision, actor)
                                            .where(t.decision.c.id == decision_id)).one())


def counts(conn: Connection, *, actor: Principal, start: date, end: date) -> CountsOut:
    """Decisions, joint statements and collective instructions per body in [start, end],
    beside the historical counts of the dataset for the years in that span."""
    years = {str(y) for y in range(start.year, end.year + 1)}
    return CountsOut(
        recorded=count_by_kind(conn, actor=actor, start=start, end=end),
        historical=[HistoricalCountOut(kind=h.kind, period=h.period, count=h.count,
                                       body=h.body, note=h.note, source=h.source)
                    for h in _org(conn).historical_counts if h.period[:4] in years])


def count_by_kind(conn: Connection, *, actor: Principal, start: date, end: date
                  ) -> dict[str, dict[str, int]]:
    """Adopted decisions, statements and instructions per body in [start, end]."""
    rows = conn.execute(
        access.select_visible(t.decision, actor, t.decision.c.body_key, t.decision.c.kind,
                              func.count())
        .where(t.decision.c.adopted_on >= start, t.decision.c.adopted_on <= end,
               t.decision.c.exercise.is_(False))
        .group_by(t.decision.c.body_key, t.decision.c.kind))
    out: dict[str, dict[str, int]] = {}
    for body, kind, n in rows:
        out.setdefault(body, {})[kind] = n
    return out


# the membership questions whose adoption proposes a membership event (the dataset's
# question keys; the Secretariat confirms the proposal): the Council's acts, and a
# withdrawal
MEMBERSHIP_QUESTIONS = {q: q for q in (*leaving.QUESTIONS.values(), "withdrawal")}


def _propose_subject(w: Write, row: Any, decision_id: int, day: date) -> None:
    """An adopted decision on a membership question proposes the event; an appointment
    decision updates the post."""
    from phalanx.services import membership as ms

    subject = dict(row.subject or {})
    if not subject.get("state"):
        return
    on = date.fromisoformat(subject["on"]) if subject.get("on") else day
    if row.question in MEMBERSHIP_QUESTIONS:
        ms.propose_from_decision(w, decision_id=decision_id, state=subject["state"],
                                 kind=MEMBERSHIP_QUESTIONS[row.question], on=on,
                                 actor=w.actor)
    elif row.question == "appointment" and subject.get("post") and subject.get("person"):
        ms.appoint_from_decision(w, decision_id=decision_id, post=subject["post"],
                                 person=subject["person"], state=subject["state"], start=on,
                                 actor=w.actor,
                                 out_of_rotation=bool(subject.get("out_of_rotation")))
