"""A decision re-marked after its adoption: released to further states (a member admitted
later that the decision concerns, every member, the observers) or restricted when it was
marked too widely by mistake. The Secretariat's and the Joint Staff's act, with its
reason, in the audit trail; whatever is derived from the decision (the register, its
counts, its exports, a crisis's timeline, the trail's entries about it) reads its
marking, so follows it. Publication (PUBLIC) stays `register.publish`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import or_, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Classification, Marking, can_read, state_reads, widens
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.mandate import UNNAMED_MANDATE, whose_mandate
from phalanx.domain.decisions import procedure as proc
from phalanx.services import state_users
from phalanx.services.db import Database
from phalanx.services.decisions.common import _require_staff
from phalanx.services.decisions.register import get_decision
from phalanx.services.decisions.schemas import DecisionOut
from phalanx.services.errors import Conflict, Invalid, NotFound


class DecisionMarkingIn(BaseModel):
    marking: Marking = Field(description="ORGANIZATION or PARTICIPANTS (PUBLIC: publish it).")
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False
    reason: str = Field(max_length=2000, description=(
        "Why the decision is released further or restricted (kept in the audit trail)."))


def remark_decision(db: Database, decision_id: int, data: DecisionMarkingIn, *,
                    actor: Principal) -> DecisionOut:
    """Re-mark an adopted decision. Refused: to PUBLIC (publication) or NATIONAL (a
    decision is a body's); an exercise's decision released beyond those who read it (it
    stays the exercise's record, setting), and a limited-format decision its body's rules
    keep to its participants (dataset: `limited_format.readers`); a marking a state it
    binds could no longer read (setting, as at its adoption). The states it was sent to
    for consideration keep reading it whatever its marking: they received it. Its draft,
    read by some the decision is restricted from, is restricted with it (the text is the
    draft's last). A published decision re-marked (published by mistake) is published no
    more."""
    _require_staff(actor, "re-mark a decision")
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", "a re-marking needs its reason")
    if data.marking is Marking.PUBLIC:
        raise Invalid("marking", "a decision is made PUBLIC by its publication")
    if data.marking is Marking.NATIONAL:
        raise Invalid("marking", "only a state can own a NATIONAL record")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.decision, actor)
                             .where(t.decision.c.id == decision_id).with_for_update()).first()
        if row is None:
            raise NotFound("decision", decision_id)
        before = access.classification_of(row)
        # the states it was sent to for consideration received it: they read it whatever
        # its marking (`policy.Classification.recipients`)
        after = Classification(before.owner_kind, before.owner, data.marking,
                               frozenset(data.participants), data.observers,
                               recipients=before.recipients)
        _check(w.conn, row, before, after)
        # a published decision restricted (published by mistake) is published no more:
        # nothing says a text is public that the public may not read
        unpublished = bool(row.published)
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                       .values(published=False, **access.classification_values(after)))
        # the draft as the system reads it: the staff may be restricting the decision
        # from readers of a draft marked otherwise
        draft = w.conn.execute(access.select_visible(t.draft, SYSTEM)
                               .where(t.draft.c.id == row.draft_id).with_for_update()).one()
        drafted = access.classification_of(draft)
        members = state_users.members_today(w.conn) or frozenset()
        restricted_draft = widens(after, drafted, members)
        if restricted_draft:
            w.conn.execute(update(t.draft).where(t.draft.c.id == draft.id)
                           .values(**access.classification_values(after)))
            w.audit("draft.remark", "draft", draft.id, {
                "decision": decision_id, "before": access.classification_values(drafted),
                "after": access.classification_values(after), "reason": reason})
        naming = _crises_naming(w.conn, decision_id)
        unnamed = _unname_notices(w.conn, naming, row.number, after)
        w.audit("decision.remark", "decision", decision_id, {
            "number": row.number, "before": access.classification_values(before),
            "after": access.classification_values(after), "reason": reason,
            **({"unpublished": True} if unpublished else {}),
            **({"notices_unnamed": unnamed} if unnamed else {})})
        w.emit("decisions", "remarked", classification=after, id=decision_id,
               number=row.number)
        # the rooms of the crises that name it read it again as marked now, those it was
        # restricted from included: the event says nothing of the decision
        for crisis_id in naming:
            w.emit(f"crisis:{crisis_id}", "decision")
    with db.read() as conn:
        return get_decision(conn, decision_id, actor=actor)


def _check(conn: Any, row: Any, before: Classification, after: Classification) -> None:
    for problem in after.problems():
        raise Invalid("marking", problem)
    known = {code for (code,) in conn.execute(select(t.state.c.code))}
    unknown = sorted(after.participants - known)
    if unknown:
        raise Invalid("participants", f"unknown state codes: {', '.join(unknown)}")
    if after == before:
        raise Invalid("marking", f"decision {row.number} is marked so already")
    members = state_users.members_today(conn) or frozenset()
    wider = widens(before, after, members)
    if wider and row.exercise:
        raise Conflict("an exercise's decision is not released further: it stays the "
                       "exercise's record")
    if wider and row.limited_format:
        rules = conn.execute(select(t.body.c.rules).where(
            t.body.c.key == row.body_key)).scalar_one()
        if proc.limited_format_readers(rules) == "participants":
            raise Conflict("a limited-format decision is read by its participants only "
                           "(the body's rules)")
    # those bound from its adoption, and those that joined it later
    j = t.decision_joining.c
    binding = {s for s in row.binding.split(",") if s} | set(conn.execute(
        select(j.state_code).where(j.decision_id == row.id, j.joins.is_(True))).scalars())
    unread = sorted(s for s in binding if not state_reads(s, after))
    if unread:
        raise Conflict(f"the decision binds {', '.join(unread)}, which would no longer "
                       "read it")
    # a state given a task implementing it reads the decision, as its task (setting)
    tasked = sorted({r.assignee for r in conn.execute(select(t.task.c.assignee).where(
        t.task.c.decision_id == row.id, t.task.c.assignee_kind == "state"))
        if not state_reads(r.assignee, after)})
    if tasked:
        raise Conflict(f"the decision gives {', '.join(tasked)} a task, which would no "
                       "longer read it")


def _crises_naming(conn: Any, decision_id: int) -> list[int]:
    """The crises whose timeline or answer names the decision."""
    named = select(t.crisis_event.c.crisis_id).where(t.crisis_event.c.decision_id == decision_id)
    return list(conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
        or_(t.crisis.c.decision_id == decision_id, t.crisis.c.id.in_(named)))
        .order_by(t.crisis.c.id)).scalars())


def _unname_notices(conn: Any, crisis_ids: list[int], number: str,
                    after: Classification) -> int:
    """The notices of the crises naming the decision that name it by its number (an
    escalation of its mandate's end, told by number to its readers only) name it no more
    to a recipient that no longer reads it as marked now, listed or emailed after: as it
    would have been told had the decision been so marked then. How many."""
    from phalanx.services import identity

    named = whose_mandate(number)
    n = t.notification.c
    rows = conn.execute(select(n.id, n.recipient, n.body).where(
        n.topic.in_([f"crisis:{c}" for c in crisis_ids]),
        n.body.contains(named, autoescape=True))).all()
    if not rows:
        return 0
    now = state_users.today(conn)
    users = {u.username: state_users.acting(conn, identity.principal_of(u), now)
             for u in conn.execute(select(t.app_user).where(
                 t.app_user.c.username.in_({r.recipient for r in rows})))}
    done = 0
    for r in rows:
        reader = users.get(r.recipient)
        if reader is None or not can_read(reader, after):
            conn.execute(update(t.notification).where(n.id == r.id).values(
                body=r.body.replace(named, UNNAMED_MANDATE)))
            done += 1
    return done
