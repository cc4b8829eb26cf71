"""`phalanx decisions ...`: the register of decisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from phalanx.cli.common import database, emit_json, fail, operator, out
from phalanx.services import decisions as dec
from phalanx.services.errors import NotFound

app = typer.Typer(no_args_is_help=True, help="The register of decisions.")


@app.command("list")
def list_decisions(
    body: Annotated[str | None, typer.Option(help="Only this body's decisions.")] = None,
    year: Annotated[int | None, typer.Option(help="Only decisions of this year.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List adopted decisions, statements and instructions."""
    with database().read() as conn:
        rows = dec.list_decisions(conn, actor=operator(), body=body, year=year)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="register of decisions")
    for col in ("id", "number", "adopted", "title", "binding on", "marking"):
        table.add_column(col)
    for d in rows:
        table.add_row(str(d.id), d.number, d.adopted_on.isoformat(), d.title,
                      ", ".join(d.binding), d.marking.value)
    out.print(table)


@app.command("show")
def show(decision_id: Annotated[int, typer.Argument(help="The decision's id.")],
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One decision, with its text."""
    try:
        with database().read() as conn:
            d = dec.get_decision(conn, decision_id, actor=operator())
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(d)
        return
    out.print(f"[bold]{d.number}[/] · {d.title} · adopted {d.adopted_on} · {d.marking.value}")
    out.print(d.text_en or d.text_ru, highlight=False, markup=False)
    out.print(f"{d.reason}. Binding on: {', '.join(d.binding)}", highlight=False)


@app.command("settle")
def settle(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Store the lapse of every written procedure whose deadline has passed, and the
    adoption of every draft whose silence procedure reached its deadline in silence."""
    from phalanx.services.decisions.silence import settle_silence
    from phalanx.services.decisions.written import settle_lapsed

    lapsed = settle_lapsed(database(), actor=operator())
    adopted = settle_silence(database(), actor=operator())
    if as_json:
        emit_json({"lapsed": lapsed, "adopted_in_silence": adopted})
        return
    out.print(f"{len(lapsed)} written procedure(s) lapsed" + (
        f": drafts {', '.join(map(str, lapsed))}" if lapsed else ""))
    out.print(f"{len(adopted)} draft(s) adopted under the silence procedure" + (
        f": drafts {', '.join(map(str, adopted))}" if adopted else ""))
