"""Training quotas: the places each host state offers a year in its institutions
(military; law-enforcement and civilian), their allocation to the sending states, and
enrolments and graduations. Quotas are ORGANIZATION records owned by the host state:
its representative or the Secretariat records them. Allocations never exceed the offer,
enrolments the allocation, graduations the enrolments; an offer respects the host's
yearly limit when the dataset gives one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import quotas as rules
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.registers.common import (
    acts_for,
    classified,
    raise_problems,
    require_member,
    staff,
    visible_row,
)


def section(org: Organization) -> dict[str, Any]:
    return org.registers.get("training") or {"institutions": [], "limits": []}


def institutions(org: Organization) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in section(org)["institutions"]}


def limit(org: Organization, state: str, kind: str) -> int | None:
    for lim in section(org)["limits"]:
        if lim["state"] == state and lim["type"] == kind:
            return int(lim["places"])
    return None


class AllocationOut(BaseModel):
    state: str
    allocated: int
    enrolled: int
    graduated: int


class QuotaOut(BaseModel):
    id: int
    year: int
    institution: str
    host: str
    type: rules.InstitutionType
    offered: int
    allocated: int
    enrolled: int
    graduated: int
    allocations: list[AllocationOut]
    illustrative: bool
    source: str


class QuotaOfferIn(BaseModel):
    year: int = Field(ge=1990, le=2200)
    institution: str = Field(max_length=64)
    offered: int = Field(ge=0, le=1_000_000)


OfferIn = QuotaOfferIn  # the name the code uses; the API's schema names it QuotaOfferIn


class AllocationIn(BaseModel):
    allocated: int = Field(ge=0, le=1_000_000)
    enrolled: int = Field(default=0, ge=0, le=1_000_000)
    graduated: int = Field(default=0, ge=0, le=1_000_000)


def _allocations(conn: Connection, ids: list[int]) -> dict[int, list[AllocationOut]]:
    out: dict[int, list[AllocationOut]] = {i: [] for i in ids}
    if ids:
        c = t.training_allocation.c
        for r in conn.execute(select(t.training_allocation).where(c.quota_id.in_(ids))
                              .order_by(c.state_code)):
            out[r.quota_id].append(AllocationOut(state=r.state_code, allocated=r.allocated,
                                                 enrolled=r.enrolled, graduated=r.graduated))
    return out


def _out(r: Any, allocs: list[AllocationOut]) -> QuotaOut:
    return QuotaOut(id=r.id, year=r.year, institution=r.institution, host=r.host_state,
                    type=rules.InstitutionType(r.institution_type), offered=r.offered,
                    allocated=sum(a.allocated for a in allocs),
                    enrolled=sum(a.enrolled for a in allocs),
                    graduated=sum(a.graduated for a in allocs), allocations=allocs,
                    illustrative=r.illustrative, source=r.source)


def list_quotas(conn: Connection, *, actor: Principal, year: int | None = None) -> list[QuotaOut]:
    c = t.training_quota.c
    stmt = access.select_visible(t.training_quota, actor).order_by(c.year.desc(), c.host_state,
                                                                   c.institution)
    if year:
        stmt = stmt.where(c.year == year)
    rows = list(conn.execute(stmt))
    allocs = _allocations(conn, [r.id for r in rows])
    return [_out(r, allocs[r.id]) for r in rows]


def _row(conn: Connection, quota_id: int, actor: Principal) -> Any:
    return visible_row(conn, t.training_quota, "id", quota_id, actor, "training quota")


def get_quota(conn: Connection, quota_id: int, *, actor: Principal) -> QuotaOut:
    r = _row(conn, quota_id, actor)
    return _out(r, _allocations(conn, [r.id])[r.id])


def _may_change(actor: Principal, host: str) -> None:
    if not (staff(actor) or acts_for(actor, host)):
        raise Forbidden(f"only {host}'s representative or the Secretariat record {host}'s "
                        f"training quotas")


def _lock_host(conn: Connection, host: str) -> None:
    """Take the lock under which a host's offers are checked and written: the host state's
    row, until the transaction ends. The yearly limit counts the places of all the host's
    institutions of a type, so two offers at once (two instances of the app) for two of
    them are checked one after the other, never both against the places offered before
    either; an offer for a year and institution not offered yet has no row of its own to
    lock. (FOR NO KEY UPDATE: the records that merely name the state are not held up.
    SQLite already runs one writer at a time.)"""
    conn.execute(select(t.state.c.code).where(t.state.c.code == host)
                 .with_for_update(key_share=True))


def offer(db: Database, data: OfferIn, *, actor: Principal) -> QuotaOut:
    """The host's offer of places for a year in one institution (new, or changed)."""
    with db.write(actor) as w:
        org = orgs.organization(w.conn)
        inst = institutions(org).get(data.institution)
        if inst is None:
            raise Invalid("institution", f"unknown institution {data.institution!r} "
                                         f"(institutions: {', '.join(institutions(org))})")
        _may_change(actor, inst["state"])
        _lock_host(w.conn, inst["state"])
        c = t.training_quota.c
        # the host's own quotas of the year, whoever reads (internal bookkeeping)
        existing = w.conn.execute(access.select_visible(t.training_quota, SYSTEM, c.id,
                                                        c.revision).where(
            c.year == data.year, c.institution == data.institution).with_for_update()).first()
        allocs = _allocations(w.conn, [existing.id])[existing.id] if existing else []
        same_kind = w.conn.execute(access.select_visible(t.training_quota, SYSTEM, c.offered)
                                   .where(c.year == data.year, c.host_state == inst["state"],
                                          c.institution_type == inst["type"],
                                          c.institution != data.institution)).scalars()
        others = sum(same_kind)
        lim = limit(org, inst["state"], inst["type"])
        raise_problems(rules.quota_problems(
            data.offered, [rules.Allocation(a.state, a.allocated, a.enrolled, a.graduated)
                           for a in allocs],
            None if lim is None else max(lim - others, 0)))
        if existing:
            w.conn.execute(update(t.training_quota).where(c.id == existing.id).values(
                offered=data.offered, revision=existing.revision + 1))
            quota_id = existing.id
        else:
            quota_id = w.conn.execute(insert(t.training_quota).values(
                year=data.year, institution=data.institution, host_state=inst["state"],
                institution_type=inst["type"], offered=data.offered, illustrative=False,
                source="", revision=1,
                **classified(OwnerKind.STATE, inst["state"], Marking.ORGANIZATION))
                .returning(c.id)).scalar_one()
        w.audit("training.offer", "training_quota", quota_id, data.model_dump(mode="json"))
    with db.read() as conn:
        return get_quota(conn, quota_id, actor=actor)


def allocate(db: Database, quota_id: int, state: str, data: AllocationIn, *,
             actor: Principal) -> QuotaOut:
    """Set a sending state's allocation, enrolments and graduations under a quota."""
    with db.write(actor) as w:
        r = _row(w.conn, quota_id, actor)
        _may_change(actor, r.host_state)
        # the quota locked: two allocations at once (two instances of the app) are checked
        # one after the other against the places offered, never both against the same sum
        w.conn.execute(access.select_visible(t.training_quota, SYSTEM, t.training_quota.c.id)
                       .where(t.training_quota.c.id == r.id).with_for_update())
        r = _row(w.conn, quota_id, actor)  # its offer as it stands under the lock
        org = orgs.organization(w.conn)
        require_member(org, state)
        allocs = {a.state: a for a in _allocations(w.conn, [r.id])[r.id]}
        mine = rules.Allocation(state, data.allocated, data.enrolled, data.graduated)
        others = [rules.Allocation(a.state, a.allocated, a.enrolled, a.graduated)
                  for s, a in allocs.items() if s != state]
        raise_problems(rules.quota_problems(r.offered, [*others, mine]))
        c = t.training_allocation.c
        if state in allocs:
            w.conn.execute(update(t.training_allocation).where(
                c.quota_id == r.id, c.state_code == state).values(**data.model_dump()))
        else:
            w.conn.execute(insert(t.training_allocation).values(
                quota_id=r.id, state_code=state, **data.model_dump()))
        w.audit("training.allocate", "training_quota", quota_id,
                {"state": state, **data.model_dump()})
    with db.read() as conn:
        return get_quota(conn, quota_id, actor=actor)


class UseOut(BaseModel):
    year: int
    type: rules.InstitutionType
    offered: int
    allocated: int
    enrolled: int
    graduated: int


def use_by_year(conn: Connection, *, actor: Principal) -> list[UseOut]:
    """Offered, allocated, enrolled and graduated places per year and institution type."""
    acc: dict[tuple[int, str], list[int]] = {}
    for q in list_quotas(conn, actor=actor):
        v = acc.setdefault((q.year, q.type.value), [0, 0, 0, 0])
        for i, n in enumerate((q.offered, q.allocated, q.enrolled, q.graduated)):
            v[i] += n
    return [UseOut(year=y, type=rules.InstitutionType(k), offered=v[0], allocated=v[1],
                   enrolled=v[2], graduated=v[3]) for (y, k), v in sorted(acc.items())]

