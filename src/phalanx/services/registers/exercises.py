"""Joint exercises: the calendar (Frontier, Interaction, Indestructible Brotherhood and
others), the participating formations, the crisis scenario an exercise plays
(`data/exercises/`, run by `services/exercise.py`), and the after-action findings,
tracked as tasks with an owner until done.

Participation is voluntary (Charter art. 5): a state's formation is added by that
state's representative. Findings are ORGANIZATION records even when the calendar entry
is public; a finding assigned to a state is that state's to close."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind, can_change
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import exercises as rules
from phalanx.services import clock, offered_units
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.services.registers import exercise_repeats
from phalanx.services.registers.common import (
    KEY_HELP,
    acts_for,
    classified,
    members,
    raise_problems,
    record_key,
    require_member,
    require_staff,
    staff,
    visible_row,
)


def registry_units(org: Organization) -> dict[str, str] | None:
    """The units of the forces registry (key: state), or None when the organization keeps
    none."""
    forces = getattr(org, "forces", None) or org.registers.get("forces")
    if not forces:
        return None
    units = forces.get("units", []) if isinstance(forces, dict) else getattr(forces, "units",
                                                                              [])
    return {(u["key"] if isinstance(u, dict) else u.key):
            (u["state"] if isinstance(u, dict) else u.state) for u in units or []}


class ParticipantOut(BaseModel):
    state: str
    formation: str = Field(description="as the state entered it; empty when the reader may "
                                       "not see the unit it names")
    unit: str | None = Field(description="the registry unit's key (None: names no unit); "
                                         "empty when the reader may not see the unit")
    strength: int | None = Field(description="None when the reader may not see the unit it "
                                             "names")


class FindingOut(BaseModel):
    id: int
    exercise: str
    title: str
    assignee: str
    due: date
    status: rules.FindingStatus
    completed: date | None
    note: str
    overdue: bool


class ExerciseOut(BaseModel):
    key: str
    name: str
    name_ru: str
    series: str
    start: date
    end: date
    host: str
    place: str
    scenario: str | None
    description: str
    marking: Marking
    participants: list[ParticipantOut]
    strength: int = Field(description="the participants' strengths that the reader reads, "
                                      "added up (a participant naming a unit it may not see "
                                      "counts for nothing)")
    findings: list[FindingOut]
    illustrative: bool
    source: str
    cancelled_on: date | None = Field(default=None, description="the day it was cancelled "
                                                                "(None: not cancelled)")
    cancelled_by: str | None = Field(default=None, description="in whose name: the host "
                                                               "state's code or secretariat")
    cancel_reason: str = ""


class ExerciseIn(BaseModel):
    key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$", max_length=64,
                            description=KEY_HELP)
    name: str = Field(min_length=1, max_length=300)
    name_ru: str = Field(default="", max_length=300)
    series: str = Field(min_length=1, max_length=64)
    start: date
    end: date
    host: str = Field(pattern=r"^[A-Z]{3}$")
    place: str = Field(default="", max_length=300)
    scenario: str | None = Field(default=None, max_length=64)
    description: str = Field(default="", max_length=10_000)
    marking: Marking = Marking.ORGANIZATION


class ParticipantIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    formation: str = Field(min_length=1, max_length=300)
    unit: str | None = Field(default=None, max_length=64)
    strength: int = Field(ge=1, le=1_000_000)


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=5000)
    on: date | None = Field(default=None, description="the day of the cancellation "
                                                      "(default: today)")


class FindingIn(BaseModel):
    title: str = Field(min_length=1, max_length=1000)
    assignee: str = Field(min_length=1, max_length=64)  # body key, "secretariat" or state
    due: date


class FindingUpdate(BaseModel):
    status: rules.FindingStatus
    completed: date | None = None
    note: str = Field(default="", max_length=2000)


def _participants(conn: Connection, ids: list[int], actor: Principal
                  ) -> dict[int, list[ParticipantOut]]:
    """The exercises' participants as `actor` reads them: one naming a registry unit it
    may not see (one its state keeps NATIONAL) names it by no key (""), and says nothing
    of it: no formation, no strength (`access.exercise_participants`)."""
    out: dict[int, list[ParticipantOut]] = {i: [] for i in ids}
    for p in access.exercise_participants(conn, actor, ids):
        out[p.pop("exercise_id")].append(ParticipantOut(**p))
    return out


def _finding_out(r: Any, key: str, today: date) -> FindingOut:
    return FindingOut(id=r.id, exercise=key, title=r.title, assignee=r.assignee, due=r.due_on,
                      status=rules.FindingStatus(r.status), completed=r.completed_on,
                      note=r.note, overdue=r.status == "open" and r.due_on < today)


def findings(conn: Connection, *, actor: Principal, exercise_ids: list[int] | None = None,
             open_only: bool = False) -> list[FindingOut]:
    f, e = t.exercise_finding.c, t.joint_exercise.c
    stmt = (access.select_visible(t.exercise_finding, actor, t.exercise_finding, e.key)
            .join(t.joint_exercise, e.id == f.exercise_id).order_by(f.due_on, f.id))
    if exercise_ids is not None:
        stmt = stmt.where(f.exercise_id.in_(exercise_ids or [-1]))
    if open_only:
        stmt = stmt.where(f.status == "open")
    today = orgs.today(conn)
    return [_finding_out(r, r.key, today) for r in conn.execute(stmt)]


def _out(r: Any, ps: list[ParticipantOut], fs: list[FindingOut]) -> ExerciseOut:
    return ExerciseOut(key=r.key, name=r.name_en, name_ru=r.name_ru, series=r.series,
                       start=r.start_on, end=r.end_on, host=r.host_state, place=r.place,
                       scenario=r.scenario, description=r.description,
                       marking=Marking(r.marking), participants=ps,
                       strength=sum(p.strength or 0 for p in ps), findings=fs,
                       illustrative=r.illustrative, source=r.source,
                       cancelled_on=r.cancelled_on, cancelled_by=r.cancelled_by,
                       cancel_reason=r.cancel_reason)


def calendar(conn: Connection, *, actor: Principal, year: int | None = None) -> list[ExerciseOut]:
    c = t.joint_exercise.c
    stmt = access.select_visible(t.joint_exercise, actor).order_by(c.start_on.desc(), c.id)
    if year:
        stmt = stmt.where(func.extract("year", c.start_on) == year)
    rows = list(conn.execute(stmt))
    ids = [r.id for r in rows]
    ps = _participants(conn, ids, actor)
    fs: dict[int, list[FindingOut]] = {i: [] for i in ids}
    by_key = {r.key: r.id for r in rows}
    for f in findings(conn, actor=actor, exercise_ids=ids):
        fs[by_key[f.exercise]].append(f)
    return [_out(r, ps[r.id], fs[r.id]) for r in rows]


def _row(conn: Connection, key: str, actor: Principal) -> Any:
    return visible_row(conn, t.joint_exercise, "key", key, actor, "exercise")


def get(conn: Connection, key: str, *, actor: Principal) -> ExerciseOut:
    r = _row(conn, key, actor)
    return _out(r, _participants(conn, [r.id], actor)[r.id],
                findings(conn, actor=actor, exercise_ids=[r.id]))


def create(db: Database, data: ExerciseIn, *, actor: Principal) -> ExerciseOut:
    require_staff(actor, "plan joint exercises")
    raise_problems(rules.exercise_problems(data.start, data.end))
    if data.marking not in (Marking.PUBLIC, Marking.ORGANIZATION):
        raise Invalid("marking", "the calendar is PUBLIC or ORGANIZATION")
    from phalanx.dataset.loader import scenarios

    if data.scenario is not None and data.scenario not in scenarios():
        raise Invalid("scenario", f"unknown scenario {data.scenario!r} "
                                  f"(scenarios: {', '.join(sorted(scenarios()))})")
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        require_member(org, data.host, "host")
        exercise_repeats.refuse_planned(w.conn, data, actor)
        key = record_key(w.conn, t.joint_exercise, actor, data.key, org.states, "exercise")
        w.conn.execute(insert(t.joint_exercise).values(
            key=key, name_en=data.name, name_ru=data.name_ru, series=data.series,
            start_on=data.start, end_on=data.end, host_state=data.host, place=data.place,
            scenario=data.scenario, description=data.description, illustrative=False,
            source="", **classified(OwnerKind.SECRETARIAT, "secretariat", data.marking)))
        w.audit("exercise.plan", "joint_exercise", key, data.model_dump(mode="json"))
    with db.read() as conn:
        return get(conn, key, actor=actor)


def add_participant(db: Database, key: str, data: ParticipantIn, *,
                    actor: Principal) -> ExerciseOut:
    """A state commits one of its formations: only its own representative does. A
    registry unit the representative may not see is not in the registry for it (as its
    page and the offers of units say), whoever holds it."""
    if not acts_for(actor, data.state):
        raise Forbidden(f"participation is voluntary: only {data.state}'s representative "
                        f"commits {data.state}'s formations")
    with db.write(actor) as w:
        r = _row(w.conn, key, actor)
        org = orgs.organization(w.conn)
        units = registry_units(org)
        if units is not None:
            hidden = offered_units.hidden(w.conn, actor)
            units = {k: s for k, s in units.items() if k not in hidden}
        raise_problems(rules.participant_cancelled(r.cancelled_on) + rules.participant_problems(
            rules.Participant(data.state, data.formation, data.strength, data.unit),
            members(org, r.start_on), units))
        exercise_repeats.refuse_committed(w.conn, r.id, key, data)
        w.conn.execute(insert(t.exercise_participant).values(
            exercise_id=r.id, state_code=data.state, formation=data.formation,
            unit_key=data.unit, strength=data.strength))
        w.audit("exercise.participant", "joint_exercise", key, data.model_dump(mode="json"))
    with db.read() as conn:
        return get(conn, key, actor=actor)


def may_cancel(actor: Principal, host: str) -> bool:
    """Whether `actor` cancels an exercise `host` holds: its representative, the
    Secretariat or the Joint Staff (`domain/registers/exercises.py`)."""
    return staff(actor) or acts_for(actor, host)


def cancel(db: Database, key: str, data: CancelIn, *, actor: Principal,
           today: date | None = None) -> ExerciseOut:
    """The host state, or the Secretariat and the Joint Staff, cancel a planned exercise,
    with its reason (`domain/registers/exercises.py`)."""
    with db.write(actor) as w:
        r = _row(w.conn, key, actor)
        if not may_cancel(actor, r.host_state):
            raise Forbidden(f"only the host ({r.host_state})'s representative, the "
                            "Secretariat or the Joint Staff cancel the exercise")
        on = data.on or today or orgs.today(w.conn)
        raise_problems(rules.cancel_problems(r.end_on, on, data.reason, r.cancelled_on))
        by = actor.state if actor.state and acts_for(actor, r.host_state) else "secretariat"
        w.conn.execute(update(t.joint_exercise).where(t.joint_exercise.c.id == r.id).values(
            cancelled_on=on, cancelled_by=by, cancel_reason=data.reason))
        w.audit("exercise.cancel", "joint_exercise", key,
                {"on": on.isoformat(), "by": by, "reason": data.reason})
    with db.read() as conn:
        return get(conn, key, actor=actor)


def _finding_owner(org: Organization, assignee: str) -> tuple[OwnerKind, str]:
    if assignee in org.states:
        return OwnerKind.STATE, assignee
    if assignee == "secretariat" or assignee in org.bodies:
        return OwnerKind.SECRETARIAT, "secretariat"
    raise Invalid("assignee", f"{assignee!r} is neither a body, a state nor 'secretariat'")


def add_finding(db: Database, key: str, data: FindingIn, *, actor: Principal) -> FindingOut:
    """An after-action finding, to be tracked until done."""
    require_staff(actor, "record after-action findings")
    with db.write(actor) as w:
        r = _row(w.conn, key, actor)
        raise_problems(rules.finding_cancelled(r.cancelled_on))
        org = orgs.organization(w.conn)
        owner_kind, owner = _finding_owner(org, data.assignee)
        if owner_kind is OwnerKind.STATE:
            require_member(org, owner, "assignee")
        raise_problems([("due", m) for _, m in rules.finding_done_problems(r.start_on,
                                                                           data.due)])
        fid = w.conn.execute(insert(t.exercise_finding).values(
            exercise_id=r.id, title=data.title, assignee=data.assignee, due_on=data.due,
            status=rules.FindingStatus.OPEN.value, completed_on=None, note="", revision=1,
            **classified(owner_kind, owner, Marking.ORGANIZATION))
            .returning(t.exercise_finding.c.id)).scalar_one()
        w.audit("exercise.finding", "exercise_finding", fid,
                {"exercise": key, **data.model_dump(mode="json")})
        w.emit("registers", "finding", id=fid)
        today = clock.today(org)
    return FindingOut(id=fid, exercise=key, title=data.title, assignee=data.assignee,
                      due=data.due, status=rules.FindingStatus.OPEN, completed=None, note="",
                      overdue=data.due < today)


def update_finding(db: Database, finding_id: int, data: FindingUpdate, *,
                   actor: Principal) -> FindingOut:
    """Close (or reopen) a finding: the state it is assigned to, or the Secretariat."""
    f, e = t.exercise_finding.c, t.joint_exercise.c
    with db.write(actor) as w:
        r = w.conn.execute(access.select_visible(t.exercise_finding, actor, t.exercise_finding,
                                                 e.key, e.start_on)
                           .join(t.joint_exercise, e.id == f.exercise_id)
                           .where(f.id == finding_id)).first()
        if r is None:
            raise NotFound("finding", finding_id)
        if not (staff(actor) or can_change(actor, access.classification_of(r))):
            raise Forbidden(f"only the finding's owner ({r.owner}) or the Secretariat "
                            f"closes it")
        completed = None
        if data.status is rules.FindingStatus.DONE:
            completed = data.completed or orgs.today(w.conn)
            raise_problems(rules.finding_done_problems(r.start_on, completed))
        w.conn.execute(update(t.exercise_finding).where(f.id == finding_id).values(
            status=data.status.value, completed_on=completed, note=data.note,
            revision=r.revision + 1))
        w.audit("exercise.finding.update", "exercise_finding", finding_id,
                {"status": data.status.value,
                 "completed": completed.isoformat() if completed else None, "note": data.note,
                 "before": {"status": r.status, "note": r.note, "completed":
                            r.completed_on.isoformat() if r.completed_on else None}})
        out = _finding_out(r, r.key, orgs.today(w.conn))
    return out.model_copy(update={"status": data.status, "completed": completed,
                                  "note": data.note, "overdue": False})
