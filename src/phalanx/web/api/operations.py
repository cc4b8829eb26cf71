"""The joint operations under /api/v1/operations."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel, Field

from phalanx.adapters.ingest import FileProblem, read_file
from phalanx.services import operation_history
from phalanx.services import operations as ops
from phalanx.services import organization as orgs
from phalanx.services.errors import Invalid, InvalidRows, NotFound
from phalanx.web.auth import Reader, Releaser, Writer
from phalanx.web.deps import DB, Conn
from phalanx.web.i18n.errors import translate as translated
from phalanx.web.problems import answer_language

router = APIRouter(tags=["operations"])


@router.get("/operations", response_model=list[dict[str, Any]])
def list_operations(actor: Reader, conn: Conn) -> list[dict[str, Any]]:
    """Each operation with its stages, agencies per member, observers and historical
    totals, as the dataset gives them."""
    return list(orgs.organization(conn).operations.values())


class IngestOut(BaseModel):
    batch: int | None
    rows: int
    stored: int
    replaced: int
    unchanged: int = Field(default=0, description=(
        "rows whose reference was already reported with all the same values: no new "
        "version, no correction"))
    possible_duplicates: int = Field(default=0, description=(
        "stored rows that look like another current report of the agency under another "
        "reference (the same day, area, metric, substance and quantity): flagged for "
        "review at `/operations/KEY/duplicates`, stored all the same"))
    duplicates: list[dict[str, Any]] = Field(default=[], description=(
        "the first 200 of them: `row`, `reference` and the reference it is `like`"))
    after_closing: int = Field(default=0, description=(
        "changes to a closed year's figures, kept with the batch's `reason`"))
    errors: list[dict[str, Any]]
    notes: list[str] = Field(default=[], description=(
        "what the file was read as, when not UTF-8 with commas: its encoding (Windows-1251, "
        "UTF-16), its separator (semicolons, tabs)"))


class ReportsIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$", description="the reporting member (ISO 3166 "
                       "alpha-3): a reporter's own state")
    agency: str = Field(max_length=32, description="the reporting agency's key (a reporter's "
                        "own agency: customs, border_guard, police, drug_control, "
                        "state_security, financial_intelligence, emergency_service)")
    store_valid: bool = Field(default=False, description=(
        "store the valid rows and list the wrong ones (else a wrong row stores nothing)"))
    reason: str | None = Field(default=None, max_length=500, description=(
        "why the rows change the figures of a year the Secretariat closed (needed then: "
        "a row changing them without one is wrong)"))
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=10_000, description=(
        "each row an object of the template's columns: `reference` (the agency's own: a row "
        "sent again with a reference already reported replaces that report, so a retried "
        "submission stores nothing twice), `date` (YYYY-MM-DD, within the stage), `stage` "
        "(the operation's stage key), `metric` (seizure, or what the operation counts), "
        "`substance` (a controlled substance, for a seizure), `quantity` (a number), `unit` "
        "(g, kg, t, ml, l, count), `area`, `lat`, `lon`, `route_from`, `route_to` "
        "(optional)"), examples=[[{
            "reference": "KZ-CUS-2026-0412", "date": "2026-09-10", "stage": "autumn-2026",
            "metric": "seizure", "substance": "heroin", "quantity": 1.5, "unit": "kg",
            "area": "Khorgos"}]])


@router.post("/operations/{key}/reports", response_model=IngestOut)
def report(key: str, data: ReportsIn, actor: Writer, db: DB) -> IngestOut:
    """Submit result reports as JSON rows (the template's columns). With an error nothing
    is stored, and the answer is 422 naming every wrong row (numbered from 1) and column;
    with `store_valid` the valid rows are stored and the wrong ones listed."""
    result = ops.ingest(db, key, data.state, data.agency,
                        ((n, row) for n, row in enumerate(data.rows, start=1)), actor=actor,
                        store_valid=data.store_valid, reason=data.reason)
    return _answer(result, "rows")


@router.post("/operations/{key}/upload", response_model=IngestOut)
def upload(request: Request, key: str, actor: Writer, db: DB,
           file: Annotated[UploadFile, File()],
           state: Annotated[str, Query(pattern=r"^[A-Z]{3}$")],
           agency: Annotated[str, Query(max_length=32)],
           store_valid: bool = False,
           reason: Annotated[str | None, Query(max_length=500)] = None) -> IngestOut:
    """Upload a CSV or XLSX file in the template's columns: all of it is stored, or with an
    error none of it (422 naming every wrong row and column), unless `store_valid`."""
    name = Path(file.filename or "upload").name
    suffix = Path(name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        while chunk := file.file.read(1024 * 1024):
            tmp.write(chunk)
        tmp.flush()
        notes: list[str] = []
        try:
            result = ops.ingest(db, key, state, agency, read_file(Path(tmp.name), notes),
                                actor=actor, source=name, store_valid=store_valid,
                                reason=reason)
        except FileProblem as exc:
            raise Invalid(f"{name}: row {exc.row}, {exc.column}", exc.message) from exc
    # what the file was read as, in the reader's language (as a refusal says it)
    lang = answer_language(request)
    return _answer(result, name, [translated(n, lang) for n in notes])


def _answer(result: ops.IngestResult, source: str, notes: list[str] | None = None
            ) -> IngestOut:
    """What was stored; a batch refused whole (nothing stored) is bad input, a 422."""
    if result.batch_id is None and result.errors:
        raise InvalidRows(source, [(e.row, e.column, e.message) for e in result.errors],
                          result.rows, notes)
    return IngestOut(**result.as_dict(), notes=notes or [])


@router.get("/operations/{key}/statistics", response_model=ops.Statistics)
def statistics(key: str, actor: Reader, conn: Conn,
               by: Annotated[list[str], Query(max_length=8)] = ["metric", "unit"],  # noqa: B006
               stage: str | None = None, metric: str | None = None,
               year: Annotated[int | None, Query(ge=1990, le=2200)] = None,
               unit: str | None = None) -> ops.Statistics:
    """Totals of the current reports the reader may see, grouped `by` (year, month, stage,
    state, agency, substance, metric, unit), of one stage, metric, year or unit if asked;
    by month, of the year asked (else the year is among the groups).
    The metric and the unit are among the groups unless one of each is asked for: a total
    never adds up kilograms and litres, or rounds and firearms (`by` in the answer)."""
    return ops.statistics(conn, key, by, actor=actor, stage=stage, metric=metric, year=year,
                          unit=unit)


class ReportVersionOut(BaseModel):
    version: int
    current: bool
    day: date
    stage: str
    metric: str
    substance: str | None
    quantity: float
    unit: str
    marking: str
    observers: bool
    batch: int
    by: str
    at: datetime
    source: str
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


@router.get("/operations/{key}/reports/{state}/{agency}/{reference:path}",
            response_model=list[ReportVersionOut])
def report_history(key: str, state: str, agency: str, reference: str, actor: Reader,
                   conn: Conn) -> list[ReportVersionOut]:
    """Every version of one report that the reader may see, newest first: a correction
    (the same reference sent again) is the current version, the ones it replaced are kept
    with who sent them, when and from which file. 404 when the reader sees none."""
    versions = operation_history.history(conn, key, state, agency, reference, actor=actor)
    if not versions:
        raise NotFound("report", f"{state}/{agency}/{reference}")
    return [ReportVersionOut(**v) for v in versions]


class CorridorOut(BaseModel):
    route_from: str
    route_to: str
    seizures: int
    kg: float


@router.get("/operations/{key}/corridors", response_model=list[CorridorOut])
def corridors(key: str, actor: Reader, conn: Conn,
              top: Annotated[int, Query(ge=1, le=100)] = 10) -> list[CorridorOut]:
    return [CorridorOut(**c.__dict__) for c in ops.corridors(conn, key, actor=actor, top=top)]


class ReleaseIn(BaseModel):
    to_observers: bool = False
    stage: str | None = Field(default=None, max_length=64)


@router.post("/operations/{key}/release", response_model=dict[str, int])
def release(key: str, data: ReleaseIn, actor: Releaser, db: DB) -> dict[str, int]:
    """The representative releases the state's reports to the organization (and to the
    observers, if asked)."""
    return {"released": ops.release(db, key, actor=actor, to_observers=data.to_observers,
                                    stage=data.stage)}
