"""The audit trail for auditors under /api/v1/audit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from phalanx.services import audit
from phalanx.web.auth import Auditor
from phalanx.web.deps import DB, Conn, IsoDate, Offset

router = APIRouter(tags=["audit"])


class AuditPage(BaseModel):
    items: list[dict[str, Any]]
    total: int


class VerdictOut(BaseModel):
    ok: bool
    entries: int
    first_bad: int | None
    problem: str | None = None
    reason: str


@router.get("/audit", response_model=AuditPage)
def search_audit(
    actor: Auditor, conn: Conn,
    who: Annotated[str | None, Query(alias="actor", max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    acting_for: Annotated[str | None, Query(pattern="^[A-Z]{3}$", description=(
        "the state acted for, by its code (KGZ): what its users did for it, and the "
        "answers given in its name that another recorded (a consultation's chair)"))] = None,
    target_kind: Annotated[str | None, Query(max_length=32)] = None,
    since: Annotated[IsoDate | None, Query(description=(
        "from this day of the organization (its working time zone), YYYY-MM-DD"))] = None,
    until: Annotated[IsoDate | None, Query(description=(
        "up to this day of the organization, inclusive, YYYY-MM-DD"))] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
    exercise: Annotated[bool | None, Query(description=(
        "only the entries an exercise wrote or that are about its records (true), only "
        "the real ones (false); both when not given"))] = None,
) -> AuditPage:
    items, total = audit.search(conn, audit.AuditFilter(
        who, action, acting_for, target_kind, since, until, limit, offset, exercise),
        actor=actor)
    return AuditPage(items=items, total=total)


@router.get("/audit/verify", response_model=VerdictOut)
def verify_audit(actor: Auditor, db: DB, request: Request) -> VerdictOut:
    key = request.app.state.audit_key
    v = audit.verify_installation(db, request.app.state.settings, key)
    return VerdictOut(**v.as_dict())
