"""A decision's implementation tasks: assigned by the Secretariat and the Joint Staff to a
member state or a body, updated by them or by the state's representative, read as far as
the reader may read the decision."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from sqlalchemy import Connection, case, func, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import StateAct, acts_for, is_staff
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import joining as rule
from phalanx.domain.organization import Organization
from phalanx.services.clock import today as clock_today
from phalanx.services.db import Database, Write
from phalanx.services.decisions.common import _org, _require_staff
from phalanx.services.decisions.schemas import TaskIn, TaskOut
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound


def _insert_task(w: Write, decision_id: int, data: TaskIn, org: Organization,
                 adopted_on: date) -> int:
    """A task of the decision adopted on `adopted_on`."""
    if data.assignee_kind == "state":
        problems = rule.task_problems(
            data.assignee, [m.state for m in membership.members_on(org, adopted_on)],
            org.states, _bound_today(w.conn, decision_id, org))
        if problems:
            raise Invalid("assignee", "; ".join(problems))
    if data.assignee_kind == "body" and data.assignee not in org.bodies:
        raise Invalid("assignee", f"unknown body {data.assignee!r}")
    k = t.task.c
    first = w.conn.execute(select(k.id).where(
        k.decision_id == decision_id, k.assignee_kind == data.assignee_kind,
        k.assignee == data.assignee, k.title == data.title, k.due_on == data.due_on)
        .order_by(k.id)).first()
    if first is not None:  # the same task assigned again (a form sent twice): one is kept
        raise Conflict(f"task {first.id} asks this already of {data.assignee} by "
                       f"{data.due_on.isoformat()}")
    task_id = w.conn.execute(insert(t.task).values(
        decision_id=decision_id, assignee_kind=data.assignee_kind, assignee=data.assignee,
        title=data.title, due_on=data.due_on, status="open", note="", revision=1,
    ).returning(t.task.c.id)).scalar_one()
    w.audit("task.create", "task", task_id, {"decision": decision_id, **data.model_dump(
        mode="json")})
    return int(task_id)


def _bound_today(conn: Connection, decision_id: int, org: Organization) -> frozenset[str]:
    """The members the decision binds today: from its adoption, and those that joined it
    since (`joining.bound_on`)."""
    # (the caller has checked that the writer reads the decision)
    binding = conn.execute(access.select_visible(t.decision, SYSTEM, t.decision.c.binding)
                           .where(t.decision.c.id == decision_id)).scalar_one()
    j = t.decision_joining.c
    joined = {r.state_code: r.declared_on for r in conn.execute(
        select(j.state_code, j.declared_on).where(j.decision_id == decision_id,
                                                  j.joins.is_(True)))}
    return rule.bound_on((s for s in binding.split(",") if s), joined,
                         clock_today(org))


def add_task(db: Database, decision_id: int, data: TaskIn, *, actor: Principal) -> TaskOut:
    _require_staff(actor, "assign implementation tasks")
    with db.write(actor) as w:
        found = w.conn.execute(access.select_visible(t.decision, actor,
                                                     t.decision.c.adopted_on)
                               .where(t.decision.c.id == decision_id)).first()
        if found is None:
            raise NotFound("decision", decision_id)
        task_id = _insert_task(w, decision_id, data, _org(w.conn), found.adopted_on)
        return list_tasks(w.conn, actor=actor, task_id=task_id)[0]


def may_assign_tasks(actor: Principal) -> bool:
    """Whether `actor` assigns implementation tasks (`add_task`): the Secretariat and the
    Joint Staff."""
    return is_staff(actor)


def may_update_task(actor: Principal, task: TaskOut) -> bool:
    """Whether `actor` may update the task: the Secretariat and the Joint Staff any task;
    a member's representative its state's tasks too."""
    if may_assign_tasks(actor):
        return True
    return task.assignee_kind == "state" and acts_for(actor, task.assignee, StateAct.RECORDS)


def update_task(db: Database, task_id: int, status: Literal["open", "in_progress", "done"],
                note: str, revision: int, *, actor: Principal) -> TaskOut:
    with db.write(actor) as w:
        current = next(iter(list_tasks(w.conn, actor=actor, task_id=task_id)), None)
        if current is None:
            raise NotFound("task", task_id)
        if not may_update_task(actor, current):
            raise Forbidden(f"only {current.assignee}'s representative or the Secretariat "
                            "update this task" if current.assignee_kind == "state"
                            else "only the Secretariat updates this task")
        done = w.conn.execute(update(t.task).where(
            t.task.c.id == task_id, t.task.c.revision == revision).values(
            status=status, note=note, revision=revision + 1,
            completed_on=clock_today(_org(w.conn)) if status == "done" else None))
        if done.rowcount != 1:
            raise Conflict(f"task {task_id} is at revision {current.revision}, not {revision}")
        w.audit("task.update", "task", task_id, {
            "status": status, "note": note,
            "before": {"status": current.status, "note": current.note}})
        decision = w.conn.execute(access.select_visible(t.decision, SYSTEM).where(
            t.decision.c.id == current.decision_id)).one()
        w.emit("tasks", "update", classification=access.classification_of(decision),
               id=task_id, status=status)
        return list_tasks(w.conn, actor=actor, task_id=task_id)[0]


def _tasks(actor: Principal, overdue_only: bool, today: date, task_id: int | None) -> Any:
    stmt = (access.select_visible(t.decision, actor, t.task, t.decision.c.number,
                                  t.decision.c.exercise)
            .join(t.task, t.task.c.decision_id == t.decision.c.id))
    if task_id is not None:
        stmt = stmt.where(t.task.c.id == task_id)
    if overdue_only:
        stmt = stmt.where(t.task.c.status != "done", t.task.c.due_on < today)
    return stmt


def list_tasks(conn: Connection, *, actor: Principal, overdue_only: bool = False,
               today: date | None = None, task_id: int | None = None,
               limit: int | None = None, offset: int = 0) -> list[TaskOut]:
    """Implementation tasks of the decisions the user may see (`task_id`: that one): the
    ones not done first, the soonest due first, then the done ones, the latest done
    first; `limit` of them from `offset`."""
    today = today or clock_today(_org(conn))
    done = t.task.c.status == "done"
    stmt = _tasks(actor, overdue_only, today, task_id).order_by(
        case((done, 1), else_=0), case((done, None), else_=t.task.c.due_on),
        t.task.c.completed_on.desc(), t.task.c.due_on, t.task.c.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [TaskOut(
        id=r.id, decision_id=r.decision_id, decision_number=r.number,
        assignee_kind=r.assignee_kind, assignee=r.assignee, title=r.title,
        due_on=r.due_on, status=r.status, completed_on=r.completed_on, note=r.note,
        revision=r.revision, overdue=r.status != "done" and r.due_on < today,
        exercise=bool(r.exercise))
        for r in conn.execute(stmt)]


def count_tasks(conn: Connection, *, actor: Principal, overdue_only: bool = False,
                today: date | None = None) -> int:
    """How many tasks `list_tasks` holds, all its pages together."""
    return conn.execute(select(func.count()).select_from(_tasks(
        actor, overdue_only, today or clock_today(_org(conn)), None).subquery())).scalar_one()
