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
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check every row and store the reports; a file with errors stores nothing."""
    notes: list[str] = []  # what the file was read as
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                      disable=as_json) as progress:
            task = progress.add_task(f"{file.name}: checking", total=None)
            result = ops.ingest(database(), operation, state.upper(), agency,
                                read_file(file, notes), actor=operator(), source=file.name,
                                store_valid=store_valid,
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
        for e in result.errors[:50]:
            err.print(f"  row {e.row}, {e.column}: {e.message}", markup=False, highlight=False)
        if len(result.errors) > 50:
            err.print(f"  … and {len(result.errors) - 50} more")
    if result.errors and not store_valid:
        raise typer.Exit(1)


@app.command("stats")
def stats(operation: Annotated[str, typer.Argument()],
          by: Annotated[str, typer.Option(help="Comma-separated: year, stage, state, agency, "
                                               "substance, metric, unit.")] = "metric,unit",
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
