"""The joint operations' results reviewed under /api/v1: a report withdrawn, the
look-alike reports flagged and resolved, a year's figures closed and the changes after."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from phalanx.domain.operations.closing import REASON_MAX
from phalanx.services import operation_duplicates as dups
from phalanx.services import operation_reports, operation_withdrawal, operation_years
from phalanx.services.operations import operation
from phalanx.web.auth import Reader, Writer
from phalanx.web.deps import DB, Conn, Id

router = APIRouter(tags=["operations"])
Year = Annotated[int, Path(ge=1990, le=2200)]


class ReportWithdrawalIn(BaseModel):
    reason: str = Field(min_length=1, max_length=REASON_MAX, description=(
        "why the report is withdrawn (the wrong operation, the wrong agency, test data)"))


class ReportWithdrawalOut(BaseModel):
    reference: str
    version: int = Field(description="the version withdrawn (kept, readable, not counted)")
    quantity: float
    unit: str
    withdrawn_at: datetime
    withdrawn_by: str
    reason: str
    after_closing: list[int] = Field(description="the closed years whose figures it changed")


@router.post("/operations/{key}/reports/{state}/{agency}/{reference:path}/withdrawal",
             response_model=ReportWithdrawalOut)
def withdraw(key: str, state: str, agency: str, reference: str, data: ReportWithdrawalIn,
             actor: Writer, db: DB) -> ReportWithdrawalOut:
    """Withdraw a report sent by mistake: its current version stops counting in every
    total, chart, corridor, file and report; its versions stay readable. By the reporting
    agency's reporter or the Secretariat; 404 when the user sees no current report of that
    reference. The reference may be reported again later, as a new report."""
    return ReportWithdrawalOut(**operation_withdrawal.withdraw(db, key, state, agency, reference,
                                                        data.reason, actor=actor))


@router.get("/operations/{key}/reports", response_model=list[operation_reports.ReportLine])
def reports(key: str, actor: Reader, conn: Conn, response: Response,
            state: Annotated[str | None, Query(max_length=3)] = None,
            agency: Annotated[str | None, Query(max_length=32)] = None,
            withdrawn: bool = False, page: Annotated[int, Query(ge=1)] = 1,
            size: Annotated[int, Query(ge=1, le=500)] = operation_reports.PAGE
            ) -> list[operation_reports.ReportLine]:
    """The national reports, each by its reference at its latest version: those counting
    now (with `withdrawn`, the versions withdrawn, with by whom, when and why), of one
    state and agency or of all the reader may see, newest result first, a page at a time;
    the header X-Total-Count says how many there are in all."""
    lines, total = operation_reports.reports(conn, key, actor=actor, state=state,
                                             agency=agency, withdrawn=withdrawn, page=page,
                                             size=size)
    response.headers["X-Total-Count"] = str(total)
    return lines


@router.get("/operations/{key}/duplicates", response_model=list[dups.Duplicate])
def duplicates(key: str, actor: Reader, conn: Conn,
               resolved: bool = False) -> list[dups.Duplicate]:
    """Reports of one agency that say the same day, place, metric, substance and quantity
    under two references, flagged when the second came (open ones; with `resolved`, all),
    as far as the reader may see both."""
    operation(conn, key)
    return dups.duplicates(conn, key, actor=actor, open_only=not resolved)


class DuplicateKeepIn(BaseModel):
    note: str = Field(default="", max_length=REASON_MAX)


@router.post("/operations/{key}/duplicates/{flag_id}/keep", response_model=dups.Duplicate)
def keep(key: str, flag_id: Id, data: DuplicateKeepIn, actor: Writer, db: DB) -> dups.Duplicate:
    """Keep both reports of a flag: they are two results (by the Secretariat or the
    reporting agency's reporter). To keep one only, withdraw the other."""
    return dups.resolve(db, key, flag_id, data.note, actor=actor)


@router.get("/operation-years", response_model=list[operation_years.ClosedYear])
def closed_years(actor: Reader, conn: Conn) -> list[operation_years.ClosedYear]:
    """The years whose figures the Secretariat closed."""
    return list(operation_years.closed_years(conn).values())


class YearCloseIn(BaseModel):
    note: str = Field(default="", max_length=REASON_MAX)


@router.post("/operation-years/{year}/close", response_model=operation_years.ClosedYear)
def close(year: Year, data: YearCloseIn, actor: Writer, db: DB) -> operation_years.ClosedYear:
    """Close a year's figures (the Secretariat, once the year is over): a change to them
    afterwards needs a reason (`reason` with the rows) and is listed as a change after
    closing, in `changes` and in the annual report."""
    return operation_years.close_year(db, year, data.note, actor=actor)


@router.get("/operation-years/{year}/changes", response_model=list[operation_years.LateChange])
def changes(year: Year, actor: Reader, conn: Conn,
            operation_key: Annotated[str | None, Query(alias="operation", max_length=64)] = None
            ) -> list[operation_years.LateChange]:
    """The changes to a closed year's figures since it was closed, of the reports the
    reader may see, each with its reason."""
    return operation_years.late_changes(conn, year, actor=actor, operation=operation_key)
