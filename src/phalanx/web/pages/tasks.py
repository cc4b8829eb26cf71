"""The implementation tasks of the decisions and the open after-action findings of the
joint exercises, with the form to update a task for whoever may (the services say who).
Each action only calls the services."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from phalanx.domain import membership
from phalanx.domain.access.policy import Permission
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.errors import Conflict, Invalid
from phalanx.services.registers import exercises as joint_exercises
from phalanx.web.auth import requires
from phalanx.web.deps import DB, Conn, Id, Org
from phalanx.web.pages.drafts import refusal
from phalanx.web.pages.render import language, pager, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]


TASKS_PAGE = 100  # tasks on a page (setting)


def _page(request: Request, conn: Conn, actor: Principal, overdue: bool,
          refused: dict[str, Any] | None = None, status_code: int = 200, *,
          org: Organization | None = None, assign: dict[str, Any] | None = None,
          assign_error: str = "", page: int = 1) -> HTMLResponse:
    """The tasks page, the ones not done first, a page at a time; after an update the
    services refused, with the message beside that task (`refused`: its `id` and
    `message`); after an assignment refused, with the message beside the form and what
    was typed (`assign`)."""
    offset = (page - 1) * TASKS_PAGE
    tasks = dec.list_tasks(conn, actor=actor, overdue_only=overdue, limit=TASKS_PAGE,
                           offset=offset)
    total = dec.count_tasks(conn, actor=actor, overdue_only=overdue)
    query = "overdue=true&" if overdue else ""
    pages = pager(lambda n: f"/tasks?{query}page={n}", page, TASKS_PAGE, len(tasks), total)
    assigning: dict[str, Any] = {}
    if dec.may_assign_tasks(actor) and org is not None:
        lang = language(request)
        assigning = {
            "decisions": dec.list_decisions(conn, actor=actor),
            "assignee_bodies": {k: b.name.get(lang) for k, b in org.bodies.items()},
            "assignee_states": {s.state: org.states[s.state].name.get(lang)
                                for s in membership.members_on(org, clock.today(org))}}
    if refused and all(x.id != refused["id"] for x in tasks):  # done meanwhile: still shown
        tasks += dec.list_tasks(conn, actor=actor, task_id=refused["id"])
    return render(request, "tasks.html", {**pages,
        "tasks": tasks, "overdue": overdue,
        "may_update": {x.id for x in tasks if dec.may_update_task(actor, x)},
        "task_error": refused or {}, "assigning": assigning, "assign": assign or {},
        "assign_error": assign_error,
        "findings": [f for f in joint_exercises.findings(conn, actor=actor, open_only=True)
                     if f.overdue or not overdue],
        "today": orgs.today(conn)}, status_code=status_code)


@router.get("/tasks", response_class=HTMLResponse)
def tasks(request: Request, actor: Reader, conn: Conn, org: Org,
          overdue: bool = False,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    return _page(request, conn, actor, overdue, org=org, page=page)


@router.post("/tasks")
def assign(request: Request, actor: Writer, db: DB, conn: Conn, org: Org,
           decision_id: Annotated[int, Form(ge=1)],
           assignee: Annotated[str, Form(max_length=80)],
           title: Annotated[str, Form(max_length=300)],
           due_on: Annotated[str, Form(max_length=20)]) -> Response:
    """The Secretariat assigns an implementation task of a decision: to itself, a body or
    a member state (`assignee` is "kind:key"), by a day; refused, the page comes back
    with the message beside the form and what was typed."""
    kind, _, key = assignee.partition(":")
    typed = {"decision_id": decision_id, "assignee": assignee, "title": title,
             "due_on": due_on}
    try:
        dec.add_task(db, decision_id, dec.TaskIn.model_validate(
            {"assignee_kind": kind, "assignee": key, "title": title, "due_on": due_on}),
            actor=actor)
    except (Invalid, Conflict, ValidationError) as exc:
        message, code = refusal(exc, language(request), org)
        return _page(request, conn, actor, False, status_code=code, org=org, assign=typed,
                     assign_error=message)
    return RedirectResponse("/tasks", status_code=303)


@router.post("/tasks/{task_id}")
def update_task(request: Request, task_id: Id, actor: Writer, db: DB, conn: Conn, org: Org,
                status: Annotated[Literal["open", "in_progress", "done"], Form()],
                revision: Annotated[int, Form(ge=0)],
                note: Annotated[str, Form(max_length=5_000)] = "",
                overdue: bool = False) -> Response:
    """Set a task's status (with a note); refused (the task changed since the page was
    sent), the page comes back with the message beside the task."""
    try:
        dec.update_task(db, task_id, status, note, revision, actor=actor)
    except (Invalid, Conflict) as exc:
        message, code = refusal(exc, language(request), org)
        return _page(request, conn, actor, overdue, {"id": task_id, "message": message}, code,
                     org=org)
    return RedirectResponse("/tasks?overdue=true" if overdue else "/tasks", status_code=303)
