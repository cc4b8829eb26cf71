"""Military-technical cooperation: supply agreements between members at preferential
prices and their deliveries, and the Interstate Commission's joint programmes.

A supply is PARTICIPANTS-marked with its two parties: the supplier, the recipient and
the organization's staff see it; no other state and no observer does, in lists,
totals, charts and the annual report alike (all read through the access filter)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import date_range
from phalanx.domain.registers import supply as rules
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.registers.common import (
    KEY_HELP,
    acts_for,
    classified,
    pack,
    raise_problems,
    record_key,
    require_member,
    require_staff,
    staff,
    unpack,
    visible_row,
)


def section(org: Organization) -> dict[str, Any]:
    return org.registers.get("military_technical") or {"categories": {}, "notes": [],
                                                       "commission": None}


def currency(org: Organization) -> str:
    """The register's currency: the file's (`military_technical.currency`), else the
    format's default, US dollars (a file loaded before the field existed says none)."""
    return str(section(org).get("currency") or "USD")


class DeliveryOut(BaseModel):
    quantity: int
    value: float
    on: date
    note: str


class SupplyOut(BaseModel):
    key: str
    supplier: str
    recipient: str
    category: str
    item: str
    quantity: int
    value: float
    currency: str
    agreed: date
    due: date | None
    delivered_quantity: int
    delivered_value: float
    deliveries: list[DeliveryOut]
    illustrative: bool
    source: str


class SupplyIn(BaseModel):
    key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$", max_length=64,
                            description=KEY_HELP)
    supplier: str = Field(pattern=r"^[A-Z]{3}$")
    recipient: str = Field(pattern=r"^[A-Z]{3}$")
    category: str = Field(max_length=64)
    item: str = Field(min_length=1, max_length=500)
    quantity: int = Field(gt=0, le=10_000_000)
    value: float = Field(ge=0, le=1e9)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description=(
        "ISO 4217; none given: the register's (the organization's file)"))
    agreed: date
    due: date | None = None


class DeliveryIn(BaseModel):
    quantity: int = Field(gt=0, le=10_000_000)
    value: float = Field(ge=0, le=1e9)
    on: date
    note: str = Field(default="", max_length=2000)


def _deliveries(conn: Connection, ids: list[int]) -> dict[int, list[DeliveryOut]]:
    out: dict[int, list[DeliveryOut]] = {i: [] for i in ids}
    if ids:
        c = t.supply_delivery.c
        for r in conn.execute(select(t.supply_delivery).where(c.agreement_id.in_(ids))
                              .order_by(c.delivered_on, c.id)):
            out[r.agreement_id].append(DeliveryOut(quantity=r.quantity, value=r.value,
                                                   on=r.delivered_on, note=r.note))
    return out


def _out(r: Any, ds: list[DeliveryOut]) -> SupplyOut:
    return SupplyOut(key=r.key, supplier=r.supplier, recipient=r.recipient,
                     category=r.category, item=r.item, quantity=r.quantity, value=r.value,
                     currency=r.currency, agreed=r.agreed_on, due=r.due_on,
                     delivered_quantity=sum(d.quantity for d in ds),
                     delivered_value=round(sum(d.value for d in ds), 6), deliveries=ds,
                     illustrative=r.illustrative, source=r.source)


def list_supplies(conn: Connection, *, actor: Principal,
                  year: int | None = None) -> list[SupplyOut]:
    c = t.supply_agreement.c
    stmt = access.select_visible(t.supply_agreement, actor).order_by(c.agreed_on, c.id)
    if year:
        stmt = stmt.where(func.extract("year", c.agreed_on) == year)
    rows = list(conn.execute(stmt))
    ds = _deliveries(conn, [r.id for r in rows])
    return [_out(r, ds[r.id]) for r in rows]


def count_supplies(conn: Connection, *, actor: Principal) -> int:
    return int(conn.execute(access.count_visible(t.supply_agreement, actor)).scalar_one())


def _row(conn: Connection, key: str, actor: Principal) -> Any:
    return visible_row(conn, t.supply_agreement, "key", key, actor, "supply agreement")


def get_supply(conn: Connection, key: str, *, actor: Principal) -> SupplyOut:
    r = _row(conn, key, actor)
    return _out(r, _deliveries(conn, [r.id])[r.id])


def _agreement(r: Any) -> rules.Agreement:
    return rules.Agreement(r.supplier, r.recipient, r.quantity, r.value, r.agreed_on, r.due_on)


def create_supply(db: Database, data: SupplyIn, *, actor: Principal) -> SupplyOut:
    """Registered by the Secretariat or by the representative of one of the parties."""
    if not (staff(actor) or acts_for(actor, data.supplier) or acts_for(actor, data.recipient)):
        raise Forbidden("a supply is registered by one of its parties or the Secretariat")
    raise_problems(rules.agreement_problems(rules.Agreement(
        data.supplier, data.recipient, data.quantity, data.value, data.agreed, data.due)))
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        require_member(org, data.supplier, "supplier")
        require_member(org, data.recipient, "recipient")
        categories = section(org)["categories"]
        if data.category not in categories:
            raise Invalid("category", f"unknown category {data.category!r} "
                                      f"(categories: {', '.join(categories)})")
        key = record_key(w.conn, t.supply_agreement, actor, data.key, org.states, "supply")
        w.conn.execute(insert(t.supply_agreement).values(
            key=key, supplier=data.supplier, recipient=data.recipient, category=data.category,
            item=data.item, quantity=data.quantity, value=data.value,
            currency=data.currency or currency(org),
            agreed_on=data.agreed, due_on=data.due, illustrative=False, source="",
            created_by=actor.username, **_marking(data.supplier, data.recipient)))
        w.audit("mtc.supply.create", "supply_agreement", key, {
            **data.model_dump(mode="json"), "currency": data.currency or currency(org)})
    with db.read() as conn:
        return get_supply(conn, key, actor=actor)


def _marking(supplier: str, recipient: str) -> dict[str, Any]:
    return classified(OwnerKind.SECRETARIAT, "secretariat", Marking.PARTICIPANTS,
                      frozenset({supplier, recipient}))


def may_record_delivery(actor: Principal, supplier: str, recipient: str) -> bool:
    """Who records a supply's delivery: one of its two parties, or the staff."""
    return staff(actor) or acts_for(actor, supplier) or acts_for(actor, recipient)


def deliverable(supplies: list[SupplyOut], *, actor: Principal) -> list[SupplyOut]:
    """Those of `supplies` whose delivery `actor` may record and that are not yet
    delivered in full: what a form recording a delivery offers."""
    return [s for s in supplies if s.delivered_quantity < s.quantity
            and may_record_delivery(actor, s.supplier, s.recipient)]


def add_delivery(db: Database, key: str, data: DeliveryIn, *, actor: Principal) -> SupplyOut:
    """A delivery, recorded by one of the parties or the Secretariat."""
    with db.write(actor) as w:
        r = _row(w.conn, key, actor)
        if not may_record_delivery(actor, r.supplier, r.recipient):
            raise Forbidden("deliveries are recorded by the parties or the Secretariat")
        done = w.conn.execute(select(func.coalesce(func.sum(t.supply_delivery.c.quantity), 0))
                              .where(t.supply_delivery.c.agreement_id == r.id)).scalar_one()
        raise_problems(rules.delivery_problems(_agreement(r), int(done), rules.Delivery(
            data.quantity, data.value, data.on)))
        w.conn.execute(insert(t.supply_delivery).values(
            agreement_id=r.id, quantity=data.quantity, value=data.value,
            delivered_on=data.on, note=data.note, created_by=actor.username))
        w.audit("mtc.delivery", "supply_agreement", key, data.model_dump(mode="json"))
    with db.read() as conn:
        return get_supply(conn, key, actor=actor)


class YearTotal(BaseModel):
    year: int
    agreements: int
    agreed_value: float
    delivered_value: float
    delivered_quantity: int


class TotalsOut(BaseModel):
    years: list[YearTotal]
    by_category: dict[str, float]  # agreed value
    growth: float | None  # delivered value, last year over first
    currency: str  # the register's: the values above are in it, the others are not added
    # agreed value of the supplies in another currency, by currency (not in the above)
    other_currencies: dict[str, float] = {}


def totals(conn: Connection, *, actor: Principal) -> TotalsOut:
    """Yearly totals of the supplies the user may see: agreed by the year of agreement,
    delivered by the year of delivery, in the register's currency; the agreed value of
    those in another currency by currency, apart (amounts in two currencies never add)."""
    c, d = t.supply_agreement.c, t.supply_delivery.c
    theirs = currency(orgs.organization(conn))
    mine = c.currency == theirs
    years: dict[int, dict[str, float]] = {}

    def year(y: Any) -> dict[str, float]:
        return years.setdefault(int(y), {"agreements": 0, "agreed_value": 0.0,
                                         "delivered_value": 0.0, "delivered_quantity": 0})

    agreed_year = func.extract("year", c.agreed_on)
    for y, n, v in conn.execute(access.select_visible(
            t.supply_agreement, actor, agreed_year, func.count(), func.sum(c.value))
            .where(mine).group_by(agreed_year)):
        year(y).update(agreements=n, agreed_value=float(v or 0))
    delivered_year = func.extract("year", d.delivered_on)
    for y, v, q in conn.execute(access.select_visible(
            t.supply_agreement, actor, delivered_year, func.sum(d.value), func.sum(d.quantity))
            .join(t.supply_delivery, d.agreement_id == c.id).where(mine)
            .group_by(delivered_year)):
        year(y).update(delivered_value=float(v or 0), delivered_quantity=int(q or 0))
    by_category = {k: float(v or 0) for k, v in conn.execute(access.select_visible(
        t.supply_agreement, actor, c.category, func.sum(c.value)).where(mine)
        .group_by(c.category))}
    others = {k: round(float(v or 0), 3) for k, v in conn.execute(access.select_visible(
        t.supply_agreement, actor, c.currency, func.sum(c.value)).where(~mine)
        .group_by(c.currency).order_by(c.currency))}
    rows = [YearTotal(year=y, agreements=int(v["agreements"]),
                      agreed_value=round(v["agreed_value"], 3),
                      delivered_value=round(v["delivered_value"], 3),
                      delivered_quantity=int(v["delivered_quantity"]))
            for y, v in sorted(years.items())]
    return TotalsOut(years=rows, by_category=by_category, currency=theirs,
                     other_currencies=others,
                     growth=rules.growth({r.year: r.delivered_value for r in rows
                                          if r.delivered_value}))


class ProgrammeOut(BaseModel):
    key: str
    title: str
    title_ru: str
    kind: str
    states: list[str]
    start: date
    end: date | None
    status: str
    illustrative: bool
    source: str


class ProgrammeIn(BaseModel):
    key: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$", max_length=64,
                            description=KEY_HELP)
    title: str = Field(min_length=1, max_length=500)
    title_ru: str = Field(default="", max_length=500)
    kind: str = Field(pattern=r"^(research|modernization|joint_venture)$")
    states: list[str] = Field(min_length=1, max_length=20)
    start: date
    end: date | None = None
    status: str = Field(default="running", pattern=r"^(planned|running|completed)$")


def programmes(conn: Connection, *, actor: Principal) -> list[ProgrammeOut]:
    c = t.mtc_programme.c
    return [ProgrammeOut(key=r.key, title=r.title_en, title_ru=r.title_ru, kind=r.kind,
                         states=unpack(r.states), start=r.start_on, end=r.end_on,
                         status=r.status, illustrative=r.illustrative, source=r.source)
            for r in conn.execute(access.select_visible(t.mtc_programme, actor)
                                  .order_by(c.start_on, c.id))]


def add_programme(db: Database, data: ProgrammeIn, *, actor: Principal) -> ProgrammeOut:
    require_staff(actor, "register the Interstate Commission's programmes")
    raise_problems(date_range(data.start, data.end))
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        for i, s in enumerate(data.states):
            require_member(org, s, f"states.{i}")
        key = record_key(w.conn, t.mtc_programme, actor, data.key, org.states, "programme")
        w.conn.execute(insert(t.mtc_programme).values(
            key=key, title_en=data.title, title_ru=data.title_ru, kind=data.kind,
            states=pack(data.states), start_on=data.start, end_on=data.end,
            status=data.status, illustrative=False, source="",
            **classified(OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION)))
        w.audit("mtc.programme", "mtc_programme", key, data.model_dump(mode="json"))
    return ProgrammeOut(key=key, illustrative=False, source="",
                        **data.model_dump(exclude={"key"}))
