"""The affected state's official request, as a record of the crisis: who asked (by name
and office), when, under which article, for which measures, forces and period, and the
letter itself in the document register. Military measures on a member's territory answer
such a request (`domain/crisis/authority.py`); the crisis room shows it first.

A request is stated by the affected state's authorized representative, or registered by
the Secretariat when the letter reaches it (`policy.acts_for` … CRISIS)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct, why_not_act
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import Measure
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.types import RecordId, UtcDateTime

OFFICES = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister",
           "permanent_representative")


class OfficialRequestIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    person: str = Field(min_length=1, max_length=300)  # who signed it
    office: str = Field(pattern="^(" + "|".join(OFFICES) + ")$")
    at: datetime  # when it was made (with its zone)
    article: str = Field(min_length=1, max_length=64)  # e.g. "Treaty art. 4"
    measures: list[Measure] = Field(min_length=1, max_length=10)
    forces: str = Field(default="", max_length=2000)  # what it asks for
    period_days: int | None = Field(default=None, ge=1, le=3650)
    text: str = Field(default="", max_length=50_000)
    document_id: RecordId | None = None  # the letter in the register


class OfficialRequestOut(BaseModel):
    id: int
    state: str
    person: str
    office: str
    at: UtcDateTime
    article: str
    measures: list[Measure]
    forces: str
    period_days: int | None
    text: str
    document_id: int | None


def requests_of(conn: Connection, crisis_id: int) -> list[OfficialRequestOut]:
    """The crisis's official requests, earliest first (read through the crisis's access)."""
    return [OfficialRequestOut(
        id=r.id, state=r.state_code, person=r.person, office=r.office, at=aware(r.at),
        article=r.article, measures=[Measure(m) for m in r.measures], forces=r.forces,
        period_days=r.period_days, text=r.text, document_id=r.document_id)
        for r in conn.execute(select(t.official_request).where(
            t.official_request.c.crisis_id == crisis_id).order_by(t.official_request.c.at))]


def as_domain(requests: list[OfficialRequestOut]) -> list[authority.OfficialRequest]:
    return [authority.OfficialRequest(r.state, r.at, r.article, frozenset(r.measures))
            for r in requests]


def record_request(db: Database, crisis_id: int, data: OfficialRequestIn, *,
                   actor: Principal, at: datetime | None = None) -> OfficialRequestOut:
    """Record an affected state's official request for the crisis."""
    from phalanx.services import crises

    at = at or now()
    staff = actor.role in (Role.SECRETARIAT, Role.PLANNER, Role.ADMINISTRATOR)
    if not staff and (reason := why_not_act(actor, data.state, StateAct.CRISIS)):
        raise Forbidden(reason)
    if aware(data.at) > at:
        raise Invalid("at", f"the request is dated {data.at.isoformat()}, in the future")
    with db.write(actor) as w:
        row = crises.crisis_row(w.conn, crisis_id, actor, lock=True)
        affected = crises.affected_of(row)
        if data.state not in affected:
            raise Invalid("state", f"an official request comes from an affected state "
                                   f"({', '.join(affected)}), not {data.state}")
        if data.document_id is not None and w.conn.execute(
                access.select_visible(t.document, actor, t.document.c.id)
                .where(t.document.c.id == data.document_id)).first() is None:
            raise Invalid("document_id", f"no document {data.document_id}")
        rid = w.conn.execute(insert(t.official_request).values(
            crisis_id=crisis_id, state_code=data.state, person=data.person, office=data.office,
            at=data.at, article=data.article, measures=sorted(m.value for m in data.measures),
            forces=data.forces, period_days=data.period_days, text=data.text,
            document_id=data.document_id, created_by=actor.username, created_at=at,
        ).returning(t.official_request.c.id)).scalar_one()
        asks = ", ".join(sorted(m.value for m in data.measures))
        crises.timeline_event(w, crisis_id, "request", (
            f"official request of {data.state} ({data.person}, {data.office.replace('_', ' ')}"
            f"), {data.article}: {asks}"
            + (f" — {data.forces}" if data.forces else "")
            + (f", for {data.period_days} days" if data.period_days else "")), at)
        w.audit("crisis.official_request", "crisis", crisis_id,
                {"request": rid, **data.model_dump(mode="json")})
        w.emit(f"crisis:{crisis_id}", "request", id=rid)
        return next(r for r in requests_of(w.conn, crisis_id) if r.id == rid)


def requested(conn: Connection, crisis_id: int, affected: list[str], measure: Measure) -> bool:
    """Whether an affected state's recorded official request asks for `measure`."""
    return bool(authority.covering_requests(as_domain(requests_of(conn, crisis_id)),
                                            affected, measure))
