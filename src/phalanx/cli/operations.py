"""`phalanx ops ...`: result reports of the joint operations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from phalanx.adapters.ingest import FileProblem, read_file
from phalanx.cli.common import database, emit_json, err, fail, operator, out
from phalanx.services import operation_duplicates as dups
from phalanx.services import operation_withdrawal, operation_years
from phalanx.services import operations as ops
from phalanx.services.errors import Forbidden, Invalid, NotFound

app = typer.Typer(no_args_is_help=True, help="Joint operations: result reports, statistics.")


@app.command("ingest")
def ingest(
    file: Annotated[Path, typer.Argument(help="A CSV or XLSX file in the template's columns.")],
    operation: Annotated[str, typer.Option(help="channel, illegal or proxy.")],
    agency: Annotated[str, typer.Option(help="The reporting agency (customs, police, ...).")],
    state: Annotated[str, typer.Option(help="The agency's state.")],
    store_valid: Annotated[bool, typer.Option("--store-valid",
                                              help="Store the valid rows of a file with "
                                                   "errors.")] = False,
    reason: Annotated[str | None, typer.Option(
        help="Why the rows change the figures of a closed year (needed then).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check every row and store the reports; a file with errors stores nothing. Rows
    that look like reports already sent under other references are stored and named."""
    notes: list[str] = []  # what the file was read as
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                      disable=as_json) as progress:
            task = progress.add_task(f"{file.name}: checking", total=None)
            result = ops.ingest(database(), operation, state.upper(), agency,
                                read_file(file, notes), actor=operator(), source=file.name,
                                store_valid=store_valid, reason=reason,
                                progress=lambda n: progress.update(
                                    task, description=f"{file.name}: {n:,} rows"))
    except FileProblem as exc:
        raise fail(f"{file}: {exc}") from exc
    except (Invalid, Forbidden, NotFound) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json({**result.as_dict(), "notes": notes})
    else:
        for note in notes:
            err.print(f"{file.name}: {note}", markup=False, highlight=False)
        out.print(f"{file.name}: {result.rows} rows, {result.stored} stored "
                  f"({result.replaced} replacing earlier versions), "
                  f"{result.unchanged} unchanged, {len(result.errors)} errors", highlight=False)
        if result.late:
            out.print(f"{result.late} change(s) to the figures of a closed year, kept with "
                      "the reason given", highlight=False)
        if result.flagged:
            err.print(f"{result.flagged} row(s) look like reports already sent under other "
                      f"references (the same date, area, metric, substance and quantity); "
                      f"stored, to review with `phalanx ops duplicates {operation}`:",
                      markup=False, highlight=False)
            for d in result.duplicates[:50]:
                err.print(f"  row {d['row']}, {d['reference']}: like {d['like']}",
                          markup=False, highlight=False)
        for e in result.errors[:50]:
            err.print(f"  row {e.row}, {e.column}: {e.message}", markup=False, highlight=False)
        if len(result.errors) > 50:
            err.print(f"  … and {len(result.errors) - 50} more")
    if result.errors and not store_valid:
        raise typer.Exit(1)


@app.command("stats")
def stats(operation: Annotated[str, typer.Argument()],
          by: Annotated[str, typer.Option(
              help="Comma-separated: year, month, stage, state, agency, substance, metric, "
                   "unit (month: of the --year, else with the year).")] = "metric,unit",
          stage: Annotated[str | None, typer.Option(help="Of one stage.")] = None,
          year: Annotated[int | None, typer.Option(help="Of one year.")] = None,
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Totals of the reports, beside the operation's historical totals (grouped by the
    metric and the unit too: a total never adds up different things)."""
    groups = [g.strip() for g in by.split(",") if g.strip()]
    try:
        with database().read() as conn:
            s = ops.statistics(conn, operation, groups, actor=operator(), stage=stage,
                               year=year)
    except (Invalid, NotFound) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(json.loads(s.model_dump_json()))
        return
    groups = s.by  # with the metric and the unit, which a total never adds up across
    table = Table(title=f"{operation}: reported through Phalanx")
    for g in groups:
        table.add_column(g)
    table.add_column("quantity", justify="right")
    table.add_column("reports", justify="right")
    for r in s.rows:
        shown = f"{r.quantity:,.0f}" if r.key.get("unit") == "count" else f"{r.quantity:,.3f}"
        table.add_row(*[str(r.key[g]) for g in groups], shown, str(r.reports))
    out.print(table)
    if s.historical:
        hist = Table(title="historical totals (reported by the organization)")
        for col in ("metric", "substance", "value", "unit", "note"):
            hist.add_column(col)
        for h in s.historical:
            hist.add_row(h.metric, h.substance or "", f"{h.value:,.0f}", h.unit, h.note)
        out.print(hist)


@app.command("withdraw")
def withdraw(operation: Annotated[str, typer.Argument()],
             state: Annotated[str, typer.Argument(help="The reporting state (KAZ).")],
             agency: Annotated[str, typer.Argument(help="The reporting agency (customs).")],
             reference: Annotated[str, typer.Argument(help="The agency's reference.")],
             reason: Annotated[str, typer.Option(help="Why it is withdrawn.")],
             as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Withdraw a report sent by mistake: it leaves every total; its versions are kept."""
    try:
        done = operation_withdrawal.withdraw(database(), operation, state.upper(), agency,
                                             reference, reason, actor=operator())
    except (Invalid, Forbidden, NotFound) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json({**done, "withdrawn_at": done["withdrawn_at"].isoformat()})
        return
    late = ", ".join(str(y) for y in done["after_closing"])
    out.print(f"{reference}: version {done['version']} ({done['quantity']:g} {done['unit']}) "
              "withdrawn" + (f"; a change after closing {late}" if late else ""),
              highlight=False)


@app.command("keep-both")
def keep_both(operation: Annotated[str, typer.Argument()],
              flag: Annotated[int, typer.Argument(min=1, help="The flag's id (ops duplicates).")],
              note: Annotated[str, typer.Option(help="Why both are kept.")] = "") -> None:
    """Keep both reports of a possible duplicate: they are two results."""
    try:
        done = dups.resolve(database(), operation, flag, note, actor=operator())
    except (Invalid, Forbidden, NotFound) as exc:
        raise fail(str(exc)) from exc
    out.print(f"{done.reference} and {done.other_reference}: both kept", highlight=False)


@app.command("duplicates")
def duplicates(operation: Annotated[str, typer.Argument()],
               resolved: Annotated[bool, typer.Option("--resolved",
                                                      help="Resolved ones too.")] = False,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Reports that look alike under two references (resolve one with `ops keep-both`, or
    `ops withdraw` the one sent by mistake)."""
    try:
        with database().read() as conn:
            ops.operation(conn, operation)
            flags = dups.duplicates(conn, operation, actor=operator(), open_only=not resolved)
    except (Invalid, Forbidden, NotFound) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json([json.loads(f.model_dump_json()) for f in flags])
        return
    table = Table(title=f"{operation}: possible duplicates")
    for col in ("id", "state", "agency", "reference", "looks like", "day", "area",
                "quantity", "resolution"):
        table.add_column(col)
    for f in flags:
        table.add_row(str(f.id), f.state, f.agency, f.reference, f.other_reference,
                      f.day.isoformat() if f.day else "", f.area or "",
                      f"{f.quantity:g} {f.unit}" if f.quantity is not None else "",
                      f"{f.resolution} ({f.resolved_by})" if f.resolution else "open")
    out.print(table)


@app.command("close-year")
def close_year(year: Annotated[int, typer.Argument(min=1990, max=2200)],
               note: Annotated[str, typer.Option(help="What the closing is for.")] = "",
               ) -> None:
    """Close a year's figures: a change to them afterwards needs a reason."""
    try:
        closed = operation_years.close_year(database(), year, note, actor=operator())
    except (Invalid, Forbidden) as exc:
        raise fail(str(exc)) from exc
    out.print(f"{closed.year} closed at {closed.closed_at.isoformat()}", highlight=False)


@app.command("changes")
def changes(year: Annotated[int, typer.Argument(min=1990, max=2200)],
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The changes to a closed year's figures since it was closed, with their reasons."""
    with database().read() as conn:
        if year not in operation_years.closed_years(conn):
            raise fail(f"{year} is not closed")
        found = operation_years.late_changes(conn, year, actor=operator())
    if as_json:
        emit_json([json.loads(c.model_dump_json()) for c in found])
        return
    table = Table(title=f"changes after {year} was closed")
    for col in ("at", "report", "change", "metric", "before", "after", "reason", "by"):
        table.add_column(col)
    for c in found:
        table.add_row(c.at.isoformat(timespec="minutes"),
                      f"{c.operation} {c.state} {c.agency} {c.reference}", c.kind, c.metric,
                      "" if c.quantity_before is None else f"{c.quantity_before:g} {c.unit_before}",
                      "" if c.quantity_after is None else f"{c.quantity_after:g} {c.unit_after}",
                      c.reason, c.by)
    out.print(table)
