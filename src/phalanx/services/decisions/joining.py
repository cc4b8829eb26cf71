"""A member joining an adopted decision later, or declaring that it does not
(`domain/decisions/joining.py` states the rule).

The Secretariat records the declaration, or the member's authorized representative makes
it in its own state's name (`policy.acts_for`, as for a position). It is read with the
decision (whoever reads the decision reads who joined it; the audit entry is about the
decision and obeys its marking). A member that joins a decision marked for its
participants becomes one of them: the decision that binds it is read by it.

Who learns of a declaration (setting, as a treaty's depositary tells its parties of an
accession): whoever acts for a member the decision binds on its day, and for the
declaring member, each a notice (the inbox, emailed by the outbox) while it reads the
decision; no one else."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import Marking, StateAct, acts_for, can_read, is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions import joining as rule
from phalanx.services.clock import now
from phalanx.services.clock import today as clock_today
from phalanx.services.db import Database
from phalanx.services.decisions.common import _acting_state, _org
from phalanx.services.decisions.schemas import DecisionOut, JoiningOut
from phalanx.services.errors import Invalid, NotFound

NOTE_LIMIT = 2000  # characters in a declaration's note (setting)


def declarations(conn: Connection, decision_ids: list[int]) -> dict[int, list[JoiningOut]]:
    """The declarations on each of `decision_ids` (the caller has read the decisions),
    in the order made."""
    j = t.decision_joining.c
    out: dict[int, list[JoiningOut]] = {}
    if not decision_ids:
        return out
    for r in conn.execute(select(t.decision_joining).where(j.decision_id.in_(decision_ids))
                          .order_by(j.declared_on, j.id)):
        out.setdefault(r.decision_id, []).append(JoiningOut(
            state=r.state_code, joins=r.joins, on=r.declared_on, note=r.note,
            recorded_by=r.recorded_by))
    return out


def attach(conn: Connection, decisions: list[DecisionOut]) -> list[DecisionOut]:
    """The decisions with the declarations made on them and who is bound from when."""
    from phalanx.services import state_users

    found = declarations(conn, [d.id for d in decisions])
    members = state_users.members_today(conn) or frozenset()

    def may_join(d: DecisionOut) -> list[str]:
        """Those that may declare today: members, outside it, with no declaration yet."""
        declared = {j.state for j in found.get(d.id, [])}
        outside = (set(d.for_consideration) | stood_aside(conn, d)) - set(d.binding)
        return sorted((outside - declared) & members)

    return [d.model_copy(update={
        "declarations": found.get(d.id, []),
        "bound_from": rule.bound_from(_domain(found.get(d.id, []))),
        "may_join": may_join(d)}) for d in decisions]


def _domain(items: list[JoiningOut]) -> list[rule.Declaration]:
    return [rule.Declaration(i.state, i.joins, i.on) for i in items]


def stood_aside(conn: Connection, row: Any) -> frozenset[str]:
    """The members that declared they do not take part in a limited-format decision."""
    if not row.limited_format:
        return frozenset()
    found: set[str] = set()
    for table in (t.position, t.consultation_answer):
        found |= set(conn.execute(select(table.c.state_code).where(
            table.c.draft_id == row.draft_id,
            table.c.position == "not_taking_part")).scalars())
    return frozenset(found)


def _notify(w: Any, decision_id: int, number: str, new: rule.Declaration,
            told: frozenset[str], c: Any, exercise: bool) -> None:
    """A notice of the declaration `new` to whoever acts for a state of `told`
    (`policy.acts_for`) and reads the decision."""
    from phalanx.services import outbox

    subject = (f"{new.state} joins decision {number}" if new.joins
               else f"{new.state} does not join decision {number}")
    body = (f"{new.state} declared on {new.on.isoformat()} that it joins decision "
            f"{number}: bound by it from that day" if new.joins else
            f"{new.state} declared on {new.on.isoformat()} that it does not join decision "
            f"{number}: it is not bound by it")

    def notice(user: Principal) -> tuple[str, str] | None:
        if (user.state is None or user.state not in told
                or not acts_for(user, user.state, StateAct.POSITION) or not can_read(user, c)):
            return None
        return subject, body

    outbox.enqueue(w.conn, f"decision:{decision_id}", now(), notice, exercise=exercise)


def declare(db: Database, decision_id: int, state: str, joins: bool, on: date, *,
            actor: Principal, note: str = "") -> DecisionOut:
    """Record that `state` joins the decision from `on` (or, `joins` false, that it does
    not): refused with what is wrong and where, nothing written."""
    from phalanx.services.decisions import lifecycle
    from phalanx.services.decisions.register import get_decision

    state = state.strip().upper()
    if not is_staff(actor):
        state = _acting_state(actor, state or None, StateAct.POSITION)
    if len(note) > NOTE_LIMIT:
        raise Invalid("note", f"a note is at most {NOTE_LIMIT} characters")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.decision, actor).where(
            t.decision.c.id == decision_id).with_for_update()).first()
        if row is None:
            raise NotFound("decision", decision_id)
        org = _org(w.conn)
        ended = lifecycle.last_day(w.conn, decision_id)
        outside = rule.Outside(
            adopted_on=row.adopted_on,
            binding=frozenset(s for s in row.binding.split(",") if s),
            for_consideration=frozenset(s for s in row.for_consideration.split(",") if s),
            stood_aside=stood_aside(w.conn, row), ended_on=ended[0] if ended else None)
        earlier = _domain(declarations(w.conn, [decision_id]).get(decision_id, []))
        members = frozenset(m.state for m in membership.members_on(org, on))
        new = rule.Declaration(state, joins, on)
        for where, why in rule.problems(outside, new, earlier, members, clock_today(org),
                                        by_state=not is_staff(actor)):
            raise Invalid(where, why)
        w.conn.execute(insert(t.decision_joining).values(
            decision_id=decision_id, state_code=state, joins=joins, declared_on=on,
            note=note.strip(), recorded_by=actor.username, recorded_at=now()))
        c = access.classification_of(row)
        change: dict[str, Any] = {"number": row.number, "state": state, "joins": joins,
                                  "on": on.isoformat(), "note": note.strip()}
        if joins:
            change["bound_from"] = on.isoformat()
        if joins and c.marking is Marking.PARTICIPANTS and state not in c.participants:
            # a member the decision binds reads it (as on its adoption)
            after = replace(c, participants=c.participants | {state})
            w.conn.execute(update(t.decision).where(t.decision.c.id == decision_id)
                           .values(**access.classification_values(after)))
            change["before"] = access.classification_values(c)
            change["after"] = access.classification_values(after)
            c = after
        w.audit("decision.join" if joins else "decision.not_join", "decision", decision_id,
                change)
        bound = rule.bound_on(outside.binding, rule.bound_from([*earlier, new]), on)
        _notify(w, decision_id, row.number, new, bound | {state}, c, bool(row.exercise))
        w.emit("decisions", "joined" if joins else "not_joined", classification=c,
               id=decision_id, number=row.number)
        return get_decision(w.conn, decision_id, actor=actor)
