"""A decision's life in the register: what it states checked when tabled and when
adopted, its status on a day and its history, the decisions in force on a day, and the
members' notifications a decision waits for (`domain/decisions/lifecycle`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import lifecycle as life
from phalanx.domain.organization import Organization
from phalanx.services.clock import aware
from phalanx.services.clock import today as clock_today
from phalanx.services.db import Database
from phalanx.services.decisions.common import _org, _require_staff
from phalanx.services.decisions.schemas import DecisionOut
from phalanx.services.decisions.terms import LifecycleIn, LifecycleOut, RelationOut, terms_of
from phalanx.services.errors import Conflict, Invalid, NotFound

UNREAD = "a decision you may not read"


def _acts(conn: Connection) -> dict[int, life.Act]:
    """Every decision of the register, whoever reads: a decision's status depends on
    those that modified it, read or not (what the reader is told of them is `_relation`).
    `last_day`, `extended_to` and `suspended_at` take one such reading (`register`) so
    that a caller asking all three reads the register once."""
    d = t.decision.c
    rows = conn.execute(access.select_visible(
        t.decision, SYSTEM, d.id, d.number, d.body_key, d.adopted_on, d.lifecycle,
        d.notified, d.binding, d.kind, d.exercise))
    return {r.id: life.Act(
        id=r.id, number=r.number, body=r.body_key, adopted_on=r.adopted_on,
        terms=terms_of(r.lifecycle), binding=frozenset(s for s in r.binding.split(",") if s),
        notified={s: date.fromisoformat(v) for s, v in (r.notified or {}).items()},
        kind=r.kind, exercise=bool(r.exercise)) for r in rows}


register = _acts


def last_day(conn: Connection, decision_id: int, acts: Mapping[int, life.Act] | None = None
             ) -> tuple[date, str, datetime | None] | None:
    """The day the decision ended for good in the register, how (`life.last_day`), and
    the moment where the register knows it: a repeal in force from its own adoption ends
    the decision when it was adopted (its recorded time), never earlier that day; else
    None (from the start of the day)."""
    acts = _acts(conn) if acts is None else acts
    act = acts.get(decision_id)
    found = life.last_day(act, acts) if act is not None else None
    if not found:
        return None
    moment = None
    by = life.ended_by(act, acts, found[0]) if act is not None else None
    if by is not None and life.entry_into_force(by) == by.adopted_on:
        at = conn.execute(access.select_visible(t.decision, SYSTEM, t.decision.c.adopted_at)
                          .where(t.decision.c.id == by.id)).scalar()
        moment = aware(at) if at is not None else None
    return found[0], found[1].value, moment


def extended_to(conn: Connection, decision_id: int,
                acts: Mapping[int, life.Act] | None = None) -> date | None:
    """The decision's last day in force as the extensions in effect made it (None: none
    extended it), as the register stands."""
    acts = _acts(conn) if acts is None else acts
    act = acts.get(decision_id)
    if act is None:
        return None
    extended = life.status_on(act, acts, date.max).extended_by
    days = [to for i in extended if (to := acts[i].terms.extends_to) is not None]
    return max(days) if days else None


def suspended_at(conn: Connection, decision_id: int, at: datetime,
                 acts: Mapping[int, life.Act] | None = None) -> bool:
    """Whether the decision is suspended in the register at `at` (`life.status_on` on its
    day where the Secretariat sits): a suspension in force from its own adoption suspends
    from the moment it was adopted, one from a later day from the start of that day."""
    from phalanx.services.clock import day as day_of

    acts = _acts(conn) if acts is None else acts
    act = acts.get(decision_id)
    if act is None:
        return False
    day = day_of(_org(conn), at)
    standing = life.status_on(act, acts, day)
    if standing.status is not life.Status.SUSPENDED:
        return False
    for m in (acts[i] for i in standing.suspended_by):
        if life.entry_into_force(m) != day or m.adopted_on != day:
            return True
        adopted_at = conn.execute(access.select_visible(
            t.decision, SYSTEM, t.decision.c.adopted_at).where(t.decision.c.id == m.id)).scalar()
        if adopted_at is None or aware(adopted_at) <= at:
            return True
    return False


def _readable(conn: Connection, actor: Principal) -> set[int]:
    return set(conn.execute(access.select_visible(t.decision, actor, t.decision.c.id))
               .scalars())


def _relation(effect: life.Effect, act: life.Act, acts: Mapping[int, life.Act],
              readable: set[int]) -> RelationOut:
    if act.id not in readable:
        return RelationOut(effect=effect)
    return RelationOut(effect=effect, decision_id=act.id, number=act.number,
                       in_force_from=life.entry_into_force(act))


def _out(act: life.Act, acts: Mapping[int, life.Act], readable: set[int],
         day: date) -> LifecycleOut:
    s = life.status_on(act, acts, day)
    tm = act.terms
    by = [(e, i) for e, ids in ((life.Effect.AMENDS, s.amended_by),
                                (life.Effect.EXTENDS, s.extended_by),
                                (life.Effect.SUSPENDS, s.suspended_by),
                                (life.Effect.REPEALS, s.repealed_by)) for i in ids]
    target = acts.get(tm.target) if tm.target is not None else None
    return LifecycleOut(
        day=day, status=s.status, in_force_from=life.in_force_from(act, acts), until=s.until,
        start=tm.start, on=tm.on, ends_on=tm.ends_on, term_days=tm.term_days,
        modifies=(_relation(tm.effect, target, acts, readable)
                  if tm.effect is not None and target is not None else None),
        extends_to=tm.extends_to, notified=dict(act.notified),
        awaiting=life.awaiting(act),
        modified_by=sorted((_relation(e, acts[i], acts, readable) for e, i in by),
                           key=lambda r: (r.in_force_from or date.max, r.decision_id or 0)),
        scheduled=[_relation(acts[i].terms.effect, acts[i], acts, readable)
                   for i in s.scheduled if acts[i].terms.effect is not None])


def attach(conn: Connection, decisions: list[DecisionOut], *, actor: Principal,
           day: date | None = None) -> list[DecisionOut]:
    """The decisions with their life on `day` (today where the Secretariat sits), and the
    members' later declarations on them (`joining`)."""
    from phalanx.services.decisions import joining

    if not decisions:
        return decisions
    day = day or clock_today(_org(conn))
    acts, readable = _acts(conn), _readable(conn, actor)
    decisions = joining.attach(conn, decisions)
    return [d.model_copy(update={"lifecycle": _out(acts[d.id], acts, readable, day)})
            if d.id in acts else d for d in decisions]


def in_force(decisions: list[DecisionOut]) -> list[DecisionOut]:
    """Those of `attach`ed decisions in force on their day (not pending, suspended,
    expired or repealed)."""
    return [d for d in decisions
            if d.lifecycle is not None and d.lifecycle.status is life.Status.IN_FORCE]


def _names(readable: set[int]) -> Any:
    return lambda a: f"decision {a.number}" if a.id in readable else UNREAD


def _parents(org: Organization) -> dict[str, str | None]:
    return {k: b.parent for k, b in org.bodies.items()}


def decision_by_number(conn: Connection, number: str, *, actor: Principal) -> int:
    """The id of the decision numbered `number` that `actor` may read (any other: not in
    the register)."""
    found = conn.execute(access.select_visible(t.decision, actor, t.decision.c.id).where(
        t.decision.c.number == number.upper())).scalar()
    if found is None:
        raise Invalid("lifecycle.target", f"no decision numbered {number} in the register")
    return int(found)


def meeting_exercise(conn: Connection, meeting_id: int | None) -> bool:
    """Whether the session framing a draft is an exercise's (a draft in none: no)."""
    if meeting_id is None:
        return False
    return bool(conn.execute(access.select_visible(t.meeting, SYSTEM, t.meeting.c.exercise)
                             .where(t.meeting.c.id == meeting_id)).scalar())


def check_tabled(conn: Connection, org: Organization, body: str, kind: str,
                 meeting_id: int | None, data: LifecycleIn, day: date, *,
                 actor: Principal) -> None:
    """Refuse (422, naming the field) a draft's life that cannot stand: terms that do not
    go together, or a modification the register refuses on the day it is tabled; the
    decision it modifies is one its author may read (any other: not in the register)."""
    terms = data.terms()
    for where, why in terms.problems():
        raise Invalid(f"lifecycle.{where}", why)
    if (late := life.adopted_too_late(terms, day)) is not None:
        raise Invalid(f"lifecycle.{late[0]}", late[1])
    if terms.target is None:
        return
    acts, readable = _acts(conn), _readable(conn, actor)
    if terms.target not in readable:
        raise Invalid("lifecycle.target", f"decision {terms.target} is not in the register")
    new = life.Act(id=max(acts, default=0) + 1, number="", body=body, adopted_on=day,
                   terms=terms, kind=kind, exercise=meeting_exercise(conn, meeting_id))
    for where, why in life.modification_problems(
            new, acts, _parents(org), org.settings.get("supreme_body"), _names(readable)):
        raise Invalid(f"lifecycle.{where}", why)


def check_adopted(conn: Connection, org: Organization, row: Any, exercise: bool, day: date,
                  *, actor: Principal, binding: frozenset[str] = frozenset(),
                  limited: bool = False) -> dict[str, Any]:
    """The life a draft states, checked again on its adoption (the register may have
    changed since it was tabled, and whom the decision binds is known only now): refused
    with 409, nothing adopted."""
    data = LifecycleIn.model_validate(row.lifecycle or {})
    if (late := life.adopted_too_late(data.terms(), day)) is not None:
        # tabled in time, adopted after the last day it states: revised first
        raise Conflict(late[1])
    if data.target is None:
        return data.stored()
    # the decision it modifies locked first: two bodies' adoptions modifying it at once
    # (two instances; each body's numbering lock lets the other's through) are checked one
    # after the other, the second against the register with the first in it
    conn.execute(access.select_visible(t.decision, SYSTEM, t.decision.c.id)
                 .where(t.decision.c.id == data.target).with_for_update())
    acts, readable = _acts(conn), _readable(conn, actor)
    new = life.Act(id=max(acts, default=0) + 1, number="", body=row.body_key,
                   adopted_on=day, terms=data.terms(), kind=row.kind, exercise=exercise,
                   binding=binding, limited=limited)
    problems = life.modification_problems(new, acts, _parents(org),
                                          org.settings.get("supreme_body"), _names(readable),
                                          lambda a: a.id in readable)
    if problems:
        raise Conflict("; ".join(why for _, why in problems))
    return data.stored()


def record_notification(db: Database, decision_id: int, state: str, on: date, *,
                        actor: Principal) -> DecisionOut:
    """The Secretariat records that a member bound by a decision entering into force on
    every member's notification has notified (its internal procedures done) on `on`; the
    decision enters into force on the day of the last one."""
    from phalanx.services.decisions.register import get_decision

    _require_staff(actor, "record a member's notification")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.decision, actor).where(
            t.decision.c.id == decision_id).with_for_update()).first()
        if row is None:
            raise NotFound("decision", decision_id)
        terms = terms_of(row.lifecycle)
        if terms.start is not life.Start.NOTIFICATIONS:
            raise Conflict(f"decision {row.number} does not wait for the members' "
                           "notifications to enter into force")
        binding = [s for s in row.binding.split(",") if s]
        from phalanx.services.decisions.joining import declarations

        joined = {d.state: d.on for d in declarations(w.conn, [decision_id]).get(
            decision_id, []) if d.joins}
        if state in joined:
            # setting: the decision enters into force for the members bound at its
            # adoption; a member that joined later is bound from its joining
            raise Invalid("state", f"{state} joined decision {row.number} later (on "
                                   f"{joined[state].isoformat()}): its entry into force "
                                   "waits only for the members bound at its adoption")
        if state not in binding:
            raise Invalid("state", f"{state} is not bound by decision {row.number} "
                                   f"(bound: {', '.join(binding) or 'none'})")
        notified = dict(row.notified or {})
        if state in notified:
            raise Conflict(f"{state}'s notification of decision {row.number} is already "
                           f"recorded ({notified[state]})")
        today = clock_today(_org(w.conn))
        if on < row.adopted_on or on > today:
            raise Invalid("on", f"a notification is dated between the adoption "
                                f"({row.adopted_on.isoformat()}) and today "
                                f"({today.isoformat()}), not {on.isoformat()}")
        acts = _acts(w.conn)
        then = life.status_on(acts[decision_id], acts, on)
        if then.status is life.Status.EXPIRED and then.until is not None:
            # its last day passed first: it never enters into force (setting)
            raise Conflict(f"decision {row.number}'s last day in force was "
                           f"{then.until.isoformat()}: it ended without entering into "
                           f"force, and a notification of {on.isoformat()} comes after it")
        notified[state] = on.isoformat()
        w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                       .values(notified=notified))
        # what the notification did: whom the decision still waits for, and the day it
        # entered into force once none is awaited
        acts = _acts(w.conn)
        act = acts[decision_id]
        since = life.in_force_from(act, acts)
        w.audit("decision.notification", "decision", decision_id,
                {"number": row.number, "state": state, "on": on.isoformat(),
                 "awaiting": list(life.awaiting(act)),
                 "in_force_from": since.isoformat() if since else None})
        w.emit("decisions", "notified", classification=access.classification_of(row),
               id=decision_id, number=row.number)
        return get_decision(w.conn, decision_id, actor=actor)
