"""`phalanx membership ...`: membership events recorded after loading, the contributions
ledger, arrears, and the chair's rotation. Changes run as the system principal (the
Secretariat's console), each one transaction with its audit entry."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from phalanx.cli.common import (
    current_org,
    database,
    emit_json,
    fail,
    invalid,
    operator,
    out,
    parse_day,
)
from phalanx.services import clock
from phalanx.services import membership as ms
from phalanx.services import organization as orgs
from phalanx.services import representation as rep
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

app = typer.Typer(no_args_is_help=True,
                  help="Membership events, contributions and arrears, the chair's rotation.")
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
ERRORS = (Invalid, Conflict, NotFound, Forbidden)


@app.command("record")
def record(
    state: Annotated[str, typer.Argument(help="ISO code of the state, e.g. ARM.")],
    kind: Annotated[str, typer.Argument(help="One of: " + ", ".join(ms.KINDS))],
    on: Annotated[str, typer.Option("--on", help="The day it takes place, YYYY-MM-DD.")],
    note: Annotated[str, typer.Option(help="What happened, in words.")] = "",
    source: Annotated[str, typer.Option(help="Where it is documented.")] = "",
) -> None:
    """Record a membership event (e.g. a notice of withdrawal received)."""
    if kind not in ms.KINDS:
        raise fail(f"unknown kind {kind!r}; one of: {', '.join(ms.KINDS)}", 2)
    day = parse_day(on)
    assert day is not None
    try:
        r = ms.record_event(database(), ms.EventIn(state=state.upper(), kind=kind,  # type: ignore[arg-type]
                                                   on=day, note=note, source=source),
                            actor=operator())
    except ERRORS as exc:
        raise fail(str(exc)) from exc
    out.print(f"recorded #{r.id}: {r.state} {r.kind} on {r.on}")


@app.command("authorities")
def authorities(
    state: Annotated[str, typer.Argument(help="ISO code of the state, e.g. KGZ.")],
    since: Annotated[str | None, typer.Option(
        "--since", help="Record a change: the first day the authorities hold power, "
                        "YYYY-MM-DD. Without it, list the changes recorded.")] = None,
    who: Annotated[str, typer.Option("--authorities", help="Who holds power from then.")] = "",
    source: Annotated[str, typer.Option(help="Where it is documented.")] = "",
    constitutional: Annotated[bool, typer.Option(
        "--constitutional/--unconstitutional",
        help="Whether power changed hands under the constitution; an unconstitutional "
             "change ends the appointments made before it until confirmed "
             "(`phalanx users confirm`).")] = True,
    as_json: JsonOption = False,
) -> None:
    """List the changes of a state's authorities, or record one (with --since)."""
    code = state.upper()
    if since is not None:
        day = parse_day(since)
        assert day is not None
        try:
            rep.record(database(), rep.AuthorityChangeIn(
                state=code, since=day, authorities=who, constitutional=constitutional,
                source=source), actor=operator())
        except ValidationError as exc:
            raise fail(invalid(exc), 2) from exc
        except ERRORS as exc:
            raise fail(str(exc)) from exc
    with database().read() as conn:
        rows = rep.changes(conn, code)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(title=f"changes of {code}'s authorities")
    for col in ("since", "authorities", "constitutional", "source", "recorded by"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.since.isoformat(), r.authorities, "yes" if r.constitutional else "no",
                      r.source, r.recorded_by)
    out.print(table)


@app.command("confirm")
def confirm(record_id: Annotated[int, typer.Argument(help="The proposal's number.")]) -> None:
    """Confirm a membership event proposed by an adopted decision."""
    try:
        r = ms.confirm(database(), record_id, actor=operator())
    except ERRORS as exc:
        raise fail(str(exc)) from exc
    out.print(f"confirmed #{r.id}: {r.state} {r.kind} on {r.on}")


@app.command("records")
def records(as_json: JsonOption = False) -> None:
    """Membership events recorded after loading."""
    with database().read() as conn:
        rows = ms.records(conn, actor=operator())
    if as_json:
        emit_json(rows)
        return
    table = Table(title="membership events recorded after loading")
    for col in ("#", "state", "kind", "on", "status", "decision"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r.id), r.state, r.kind, r.on.isoformat(), r.status,
                      str(r.decision_id or ""))
    out.print(table)


@app.command("arrears")
def arrears(on: Annotated[str | None, typer.Option("--on")] = None,
            as_json: JsonOption = False) -> None:
    """Each member's arrears and standing on a date under the two-year rule."""
    asked = parse_day(on)  # a bad date is refused before anything is read
    org = current_org(database())
    day = asked or clock.today(org)
    rows = ms.arrears(org, day, actor=operator())
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"arrears on {day}")
    for col in ("state", "owed", "two years' assessments", "in arrears", "standing"):
        table.add_column(col)
    for a in rows:
        table.add_row(a.state, f"{a.owed:g}", f"{a.threshold:g}", "yes" if a.in_arrears
                      else "no", a.standing)
    out.print(table)


@app.command("contribution")
def contribution(
    state: Annotated[str, typer.Argument()],
    year: Annotated[int, typer.Argument()],
    assessed: Annotated[float, typer.Option()],
    paid: Annotated[float, typer.Option()] = 0.0,
    paid_on: Annotated[str | None, typer.Option("--paid-on")] = None,
) -> None:
    """Enter or correct one line of the contributions ledger."""
    try:
        c = ms.set_contribution(database(), state.upper(), year,
                                ms.ContributionIn(assessed=assessed, paid=paid,
                                                  paid_on=parse_day(paid_on)), actor=operator())
    except ERRORS as exc:
        raise fail(str(exc)) from exc
    except ValidationError as exc:
        raise fail(invalid(exc), 2) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    out.print(f"{c.state} {c.year}: assessed {c.assessed:g}, paid {c.paid:g}")


@app.command("chairs")
def chairs(body: Annotated[str, typer.Argument(help="Body key, e.g. csc.")],
           until: Annotated[int | None, typer.Option(
               help="The last year shown (default: this year, where the Secretariat "
                    "sits).")] = None,
           as_json: JsonOption = False) -> None:
    """The chair of every year: derived by the rotation rule, with recorded exceptions."""
    org = current_org(database())
    try:
        rows = orgs.chairs(org, body, until or clock.today(org).year)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(rows)
        return
    for c in rows:
        how = f"exception: {c.exception}" if c.exception else "derived" if c.derived else ""
        out.print(f"{c.year} {c.state} {c.person} {how}".rstrip())
