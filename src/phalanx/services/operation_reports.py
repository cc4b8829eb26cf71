"""The list of a joint operation's national reports: an agency's reporter finds what its
agency sent (each report by its reference, its latest version: what counts now, or what
was withdrawn), the Secretariat any agency's; as far as the reader may see each report
(its marking), newest result first, a page at a time."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.services import clock
from phalanx.services.operations import operation

PAGE = 50


class ReportLine(BaseModel):
    state: str
    agency: str
    reference: str
    version: int
    day: date
    stage: str
    metric: str
    substance: str | None
    quantity: float
    unit: str
    area: str
    marking: str
    synthetic: bool
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


def _where(key: str, state: str | None, agency: str | None, withdrawn: bool) -> list[Any]:
    c = t.op_report.c
    where: list[Any] = [c.operation == key,
                        c.withdrawn_at.is_not(None) if withdrawn else c.current.is_(True)]
    if state:
        where.append(c.state_code == state)
    if agency:
        where.append(c.agency == agency)
    return where


def reports(conn: Connection, key: str, *, actor: Principal, state: str | None = None,
            agency: str | None = None, withdrawn: bool = False, page: int = 1,
            size: int | None = None) -> tuple[list[ReportLine], int]:
    """Page `page` of the reports (the ones counting now, or with `withdrawn` the versions
    withdrawn) of `state`'s `agency` (either None: all the reader sees), and how many
    there are in all."""
    operation(conn, key)
    size = size or PAGE
    c = t.op_report.c
    where = _where(key, state, agency, withdrawn)
    total = conn.execute(access.count_visible(t.op_report, actor).where(*where)).scalar_one()
    rows = conn.execute(access.select_visible(t.op_report, actor, t.op_report).where(*where)
                        .order_by(c.day.desc(), c.state_code, c.agency, c.reference,
                                  c.version.desc())
                        .limit(size).offset((page - 1) * size))
    return [ReportLine(state=r.state_code, agency=r.agency, reference=r.reference,
                       version=r.version, day=r.day, stage=r.stage, metric=r.metric,
                       substance=r.substance, quantity=r.quantity, unit=r.unit, area=r.area,
                       marking=r.marking, synthetic=r.synthetic,
                       withdrawn_at=clock.aware(r.withdrawn_at) if r.withdrawn_at else None,
                       withdrawn_by=r.withdrawn_by, withdrawal_reason=r.withdrawal_reason)
            for r in rows], total


def agencies(conn: Connection, key: str) -> list[tuple[str, str]]:
    """Every (state, agency) pair the operation names (the dataset), to choose from."""
    op = operation(conn, key)
    return sorted((s, a) for s, names in op.get("agencies", {}).items() for a in names)

