"""External relations: the international organizations the organization deals with,
the instruments with them (memoranda, protocols, declarations, observer status), the
meetings and joint events, and the organization's statements. Kept by the
Secretariat; public unless marked for the organization only."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import date_range
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from phalanx.services.registers.common import (
    classified,
    new_key,
    raise_problems,
    require_staff,
)


def partners(org: Organization) -> list[dict[str, Any]]:
    return list((org.registers.get("external_relations") or {}).get("partners", []))


class InstrumentOut(BaseModel):
    key: str
    partner: str
    kind: str
    title: str
    signed: date | None
    until: date | None
    scope: str
    marking: Marking
    illustrative: bool
    source: str


class InstrumentIn(BaseModel):
    partner: str = Field(max_length=64)
    kind: Literal["memorandum", "protocol", "declaration", "observer_status", "agreement"]
    title: str = Field(min_length=1, max_length=500)
    signed: date | None = None
    until: date | None = None
    scope: str = Field(default="", max_length=2000)
    marking: Literal[Marking.PUBLIC, Marking.ORGANIZATION] = Marking.PUBLIC


class ExternalEventOut(BaseModel):
    key: str
    partner: str | None
    kind: str
    on: date
    title: str
    by: str | None
    text: str
    marking: Marking
    illustrative: bool
    source: str


EventOut = ExternalEventOut  # the name the code uses; the API's schema names it ExternalEventOut


class ExternalEventIn(BaseModel):
    partner: str | None = Field(default=None, max_length=64)
    kind: Literal["meeting", "joint_event", "statement"]
    on: date
    title: str = Field(min_length=1, max_length=500)
    by: str | None = Field(default=None, max_length=64)
    text: str = Field(default="", max_length=100_000)
    marking: Literal[Marking.PUBLIC, Marking.ORGANIZATION] = Marking.PUBLIC


EventIn = ExternalEventIn  # the name the code uses; the API's schema names it ExternalEventIn


def instruments(conn: Connection, *, actor: Principal) -> list[InstrumentOut]:
    c = t.ext_instrument.c
    return [InstrumentOut(key=r.key, partner=r.partner, kind=r.kind, title=r.title,
                          signed=r.signed_on, until=r.until_on, scope=r.scope,
                          marking=Marking(r.marking), illustrative=r.illustrative,
                          source=r.source)
            for r in conn.execute(access.select_visible(t.ext_instrument, actor)
                                  .order_by(c.signed_on.is_(None), c.signed_on, c.id))]


def events(conn: Connection, *, actor: Principal, year: int | None = None) -> list[EventOut]:
    c = t.ext_event.c
    stmt = access.select_visible(t.ext_event, actor).order_by(c.on_date.desc(), c.id)
    if year:
        stmt = stmt.where(func.extract("year", c.on_date) == year)
    return [EventOut(key=r.key, partner=r.partner, kind=r.kind, on=r.on_date, title=r.title,
                     by=r.by_body, text=r.text, marking=Marking(r.marking),
                     illustrative=r.illustrative, source=r.source)
            for r in conn.execute(stmt)]


def _partner(org: Organization, key: str | None) -> None:
    if key is not None and key not in {p["key"] for p in partners(org)}:
        raise Invalid("partner", f"unknown partner organization {key!r}")


def add_instrument(db: Database, data: InstrumentIn, *, actor: Principal) -> InstrumentOut:
    require_staff(actor, "record instruments with other organizations")
    if data.signed and data.until:
        raise_problems(date_range(data.signed, data.until, "signed", "until"))
    with db.write(actor) as w:
        _partner(orgs.organization(w.conn), data.partner)
        key = new_key("ins")
        w.conn.execute(insert(t.ext_instrument).values(
            key=key, partner=data.partner, kind=data.kind, title=data.title,
            signed_on=data.signed, until_on=data.until, scope=data.scope, illustrative=False,
            source="", **classified(OwnerKind.SECRETARIAT, "secretariat", data.marking)))
        w.audit("external.instrument", "ext_instrument", key, data.model_dump(mode="json"))
    return InstrumentOut(key=key, illustrative=False, source="", **data.model_dump())


def add_event(db: Database, data: EventIn, *, actor: Principal) -> EventOut:
    require_staff(actor, "record meetings, joint events and statements")
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        _partner(org, data.partner)
        if data.by is not None and data.by not in org.bodies:
            raise Invalid("by", f"unknown body {data.by!r}")
        key = new_key("ev")
        w.conn.execute(insert(t.ext_event).values(
            key=key, partner=data.partner, kind=data.kind, on_date=data.on, title=data.title,
            by_body=data.by, text=data.text, illustrative=False, source="",
            **classified(OwnerKind.SECRETARIAT, "secretariat", data.marking)))
        w.audit("external.event", "ext_event", key, data.model_dump(mode="json"))
    return EventOut(key=key, illustrative=False, source="", **data.model_dump())
