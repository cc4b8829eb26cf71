"""The Parliamentary Assembly: model laws and recommendations, each member's
transposition into national law (the harmonization matrix and its progress over time),
the commissions' field sessions and the observer parliaments.

Model laws and field sessions are public. A state's transposition status is recorded
by that state's representative or by the Secretariat, and every change is kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import parliament as rules
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid
from phalanx.services.registers.common import (
    KEY_HELP,
    acts_for,
    classified,
    members,
    new_key,
    raise_problems,
    record_key,
    require_member,
    require_staff,
    staff,
    visible_row,
)


def section(org: Organization) -> dict[str, Any]:
    return org.registers.get("parliamentary_assembly") or {"body": None, "commissions": [],
                                                           "observer_parliaments": []}


class TranspositionOut(BaseModel):
    state: str
    status: rules.Transposition
    reference: str
    on: date
    note: str


class LawOut(BaseModel):
    key: str
    kind: rules.LawKind
    title: str
    title_ru: str
    commission: str
    drafted: date
    adopted: date | None
    status: rules.LawStatus
    text: str
    illustrative: bool
    source: str
    transposition: list[TranspositionOut]
    progress: float  # share of members that adopted a national act


class LawIn(BaseModel):
    key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$", max_length=64,
                            description=KEY_HELP)
    kind: rules.LawKind = rules.LawKind.MODEL_LAW
    title: str = Field(min_length=1, max_length=500)
    title_ru: str = Field(default="", max_length=500)
    commission: str = Field(max_length=64)
    drafted: date
    adopted: date | None = None
    text: str = Field(default="", max_length=100_000)


class TranspositionIn(BaseModel):
    status: rules.Transposition
    on: date
    reference: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=2000)


def _transpositions(conn: Connection, law_ids: list[int]) -> dict[int, list[TranspositionOut]]:
    out: dict[int, list[TranspositionOut]] = {i: [] for i in law_ids}
    if not law_ids:
        return out
    c = t.transposition.c
    for r in conn.execute(select(t.transposition).where(c.model_law_id.in_(law_ids))
                          .order_by(c.state_code)):
        out[r.model_law_id].append(TranspositionOut(
            state=r.state_code, status=rules.Transposition(r.status), reference=r.reference,
            on=r.changed_on, note=r.note))
    return out


def _out(r: Any, trs: list[TranspositionOut], n_members: int) -> LawOut:
    adopted = sum(1 for x in trs if x.status is rules.Transposition.ADOPTED)
    return LawOut(key=r.key, kind=rules.LawKind(r.kind), title=r.title_en, title_ru=r.title_ru,
                  commission=r.commission, drafted=r.drafted_on, adopted=r.adopted_on,
                  status=rules.LawStatus(r.status), text=r.text, illustrative=r.illustrative,
                  source=r.source, transposition=trs,
                  progress=adopted / n_members if n_members else 0.0)


def list_laws(conn: Connection, *, actor: Principal) -> list[LawOut]:
    org = orgs.organization(conn)
    n = len(members(org))
    rows = list(conn.execute(access.select_visible(t.model_law, actor)
                             .order_by(t.model_law.c.drafted_on, t.model_law.c.id)))
    trs = _transpositions(conn, [r.id for r in rows])
    return [_out(r, trs[r.id], n) for r in rows]


def _row(conn: Connection, key: str, actor: Principal) -> Any:
    return visible_row(conn, t.model_law, "key", key, actor, "model law")


def get_law(conn: Connection, key: str, *, actor: Principal) -> LawOut:
    r = _row(conn, key, actor)
    org = orgs.organization(conn)
    return _out(r, _transpositions(conn, [r.id])[r.id], len(members(org)))


def create_law(db: Database, data: LawIn, *, actor: Principal) -> LawOut:
    require_staff(actor, "register model laws")
    raise_problems(rules.law_problems(data.drafted, data.adopted))
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        pa = section(org)
        if data.commission not in pa["commissions"]:
            raise Invalid("commission", f"unknown commission {data.commission!r} "
                                        f"(commissions: {', '.join(pa['commissions'])})")
        key = record_key(w.conn, t.model_law, actor, data.key, org.states, "model law")
        w.conn.execute(insert(t.model_law).values(
            key=key, kind=data.kind.value, title_en=data.title, title_ru=data.title_ru,
            commission=data.commission, drafted_on=data.drafted, adopted_on=data.adopted,
            status=(rules.LawStatus.ADOPTED if data.adopted else rules.LawStatus.DRAFTED).value,
            text=data.text, illustrative=False, source="", revision=1,
            **classified(OwnerKind.BODY, pa["body"] or "secretariat", Marking.PUBLIC)))
        w.audit("parliament.law.create", "model_law", key, data.model_dump(mode="json"))
    with db.read() as conn:
        return get_law(conn, key, actor=actor)


def adopt_law(db: Database, key: str, on: date, *, actor: Principal) -> LawOut:
    require_staff(actor, "record the Assembly's adoption of a model law")
    with db.write(actor) as w:
        r = _row(w.conn, key, actor)
        if r.status == rules.LawStatus.ADOPTED.value:
            raise Conflict(f"{key} was adopted on {r.adopted_on}")
        raise_problems(rules.law_problems(r.drafted_on, on), "")
        w.conn.execute(update(t.model_law).where(t.model_law.c.id == r.id).values(
            status=rules.LawStatus.ADOPTED.value, adopted_on=on, revision=r.revision + 1))
        w.audit("parliament.law.adopt", "model_law", key, {"adopted": on.isoformat()})
    with db.read() as conn:
        return get_law(conn, key, actor=actor)


def set_transposition(db: Database, key: str, state: str, data: TranspositionIn, *,
                      actor: Principal) -> LawOut:
    """Record a member's new transposition status (its representative, or the
    Secretariat)."""
    if not (staff(actor) or acts_for(actor, state)):
        raise Forbidden(f"only {state}'s representative or the Secretariat record {state}'s "
                        f"transposition")
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        require_member(org, state)
        r = _row(w.conn, key, actor)
        c = t.transposition.c
        cur = w.conn.execute(select(t.transposition).where(
            c.model_law_id == r.id, c.state_code == state)).first()
        raise_problems(rules.transposition_problems(rules.TranspositionChange(
            current=rules.Transposition(cur.status) if cur else rules.Transposition.NOT_STARTED,
            new=data.status, on=data.on, reference=data.reference,
            law_adopted=r.adopted_on if r.status == rules.LawStatus.ADOPTED.value else None,
            last_change=cur.changed_on if cur else None)))
        _record(w.conn, r.id, state, data.status, data.on, data.reference, data.note,
                actor.username, existing=cur is not None)
        w.audit("parliament.transposition", "model_law", key,
                {"state": state, **data.model_dump(mode="json"),
                 "from": cur.status if cur else rules.Transposition.NOT_STARTED.value})
        w.emit("registers", "transposition", law=key, state=state)
    with db.read() as conn:
        return get_law(conn, key, actor=actor)


def _record(conn: Connection, law_id: int, state: str, status: rules.Transposition, on: date,
            reference: str, note: str, actor: str, existing: bool) -> None:
    values = {"status": status.value, "reference": reference, "changed_on": on, "note": note}
    c = t.transposition.c
    if existing:
        conn.execute(update(t.transposition).where(c.model_law_id == law_id,
                                                   c.state_code == state).values(**values))
    else:
        conn.execute(insert(t.transposition).values(model_law_id=law_id, state_code=state,
                                                    **values))
    conn.execute(insert(t.transposition_event).values(
        model_law_id=law_id, state_code=state, status=status.value, reference=reference,
        on_date=on, actor=actor))


class MatrixOut(BaseModel):
    states: list[str]
    laws: list[dict[str, Any]]  # key, title, title_ru, kind, adopted, cells {state: status}
    progress: list[dict[str, Any]]  # {year, adopted, in_progress, declined}: cumulative


def matrix(conn: Connection, *, actor: Principal) -> MatrixOut:
    """Model law x member state, and how many national acts stood adopted at the end of
    each year (from the recorded history)."""
    org = orgs.organization(conn)
    states = members(org)
    laws = [law for law in list_laws(conn, actor=actor) if law.status is rules.LawStatus.ADOPTED]
    rows = []
    for law in laws:
        cells = {s: rules.Transposition.NOT_STARTED.value for s in states}
        cells.update({x.state: x.status.value for x in law.transposition if x.state in cells})
        rows.append({"key": law.key, "title": law.title, "title_ru": law.title_ru,
                     "kind": law.kind.value, "adopted": law.adopted, "cells": cells,
                     "progress": law.progress})
    visible = [r.id for r in conn.execute(access.select_visible(t.model_law, actor,
                                                                t.model_law.c.id))]
    e = t.transposition_event.c
    events = list(conn.execute(select(e.model_law_id, e.state_code, e.status, e.on_date)
                               .where(e.model_law_id.in_(visible or [-1]))
                               .order_by(e.on_date, e.id)))
    progress = []
    if events:
        current: dict[tuple[int, str], str] = {}
        first, last = events[0].on_date.year, max(orgs.today(conn).year, events[-1].on_date.year)
        i = 0
        for year in range(first, last + 1):
            while i < len(events) and events[i].on_date.year <= year:
                current[events[i].model_law_id, events[i].state_code] = events[i].status
                i += 1
            counts = {s.value: 0 for s in rules.Transposition}
            for v in current.values():
                counts[v] += 1
            progress.append({"year": year, **counts})
    return MatrixOut(states=states, laws=rows, progress=progress)


class FieldSessionOut(BaseModel):
    key: str
    commission: str
    state: str
    place: str
    start: date
    end: date
    topic: str
    report: str
    illustrative: bool
    source: str


class FieldSessionIn(BaseModel):
    commission: str = Field(max_length=64)
    state: str = Field(pattern=r"^[A-Z]{3}$")
    place: str = Field(min_length=1, max_length=300)
    start: date
    end: date
    topic: str = Field(min_length=1, max_length=1000)
    report: str = Field(default="", max_length=100_000)


def field_sessions(conn: Connection, *, actor: Principal,
                   year: int | None = None) -> list[FieldSessionOut]:
    c = t.pa_field_session.c
    stmt = access.select_visible(t.pa_field_session, actor).order_by(c.start_on.desc())
    if year:
        stmt = stmt.where(func.extract("year", c.start_on) == year)
    return [FieldSessionOut(key=r.key, commission=r.commission, state=r.state_code,
                            place=r.place, start=r.start_on, end=r.end_on, topic=r.topic,
                            report=r.report, illustrative=r.illustrative, source=r.source)
            for r in conn.execute(stmt)]


def add_field_session(db: Database, data: FieldSessionIn, *,
                      actor: Principal) -> FieldSessionOut:
    require_staff(actor, "record the commissions' field sessions")
    from phalanx.domain.registers import date_range

    raise_problems(date_range(data.start, data.end))
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        if data.commission not in section(org)["commissions"]:
            raise Invalid("commission", f"unknown commission {data.commission!r}")
        require_member(org, data.state)
        key = new_key("fs")
        w.conn.execute(insert(t.pa_field_session).values(
            key=key, commission=data.commission, state_code=data.state, place=data.place,
            start_on=data.start, end_on=data.end, topic=data.topic, report=data.report,
            illustrative=False, source="",
            **classified(OwnerKind.BODY, data.commission, Marking.PUBLIC)))
        w.audit("parliament.field_session", "pa_field_session", key,
                data.model_dump(mode="json"))
    return FieldSessionOut(key=key, illustrative=False, source="", **data.model_dump())


class ChangeOut(BaseModel):
    law: str
    state: str
    status: rules.Transposition
    reference: str
    on: date


def changes(conn: Connection, *, actor: Principal, year: int | None = None) -> list[ChangeOut]:
    """The recorded transposition changes (of the model laws the user may see)."""
    e, m = t.transposition_event.c, t.model_law.c
    stmt = (access.select_visible(t.model_law, actor, m.key, e.state_code, e.status,
                                  e.reference, e.on_date)
            .join(t.transposition_event, e.model_law_id == m.id).order_by(e.on_date, e.id))
    if year:
        stmt = stmt.where(func.extract("year", e.on_date) == year)
    return [ChangeOut(law=r.key, state=r.state_code, status=rules.Transposition(r.status),
                      reference=r.reference, on=r.on_date) for r in conn.execute(stmt)]
