"""`phalanx forces ...`: the registry of forces from the command line: add a unit a
member state has assigned, move a unit to another formation, add an aircraft of the lift,
export the registry. Changes run as the system principal (the operator's account named),
each one transaction with its audit entry; a refusal exits 1 naming what and where."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from pydantic import ValidationError

from phalanx.cli.common import database, emit_json, fail, operator, out
from phalanx.services import forces
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

app = typer.Typer(no_args_is_help=True, help="The registry of forces: units and lift.")
REFUSED = (Invalid, Conflict, NotFound, Forbidden)
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _invalid(exc: ValidationError) -> typer.Exit:
    e = exc.errors()[0]
    where = ".".join(str(x) for x in e["loc"]) or "input"
    return fail(f"{where}: {e['msg']}")


@app.command("add-unit")
def add_unit(
    state: Annotated[str, typer.Option("--state", help="The member state, e.g. KAZ.")],
    formation: Annotated[str, typer.Option("--formation", help="The formation's key.")],
    name: Annotated[str, typer.Option("--name", help="The unit's name.")],
    capability: Annotated[str, typer.Option("--capability", help=", ".join(
        forces.CAPABILITIES))],
    strength: Annotated[int, typer.Option("--strength", help="Personnel.")],
    readiness_h: Annotated[float, typer.Option("--readiness", help="Hours to be ready.")],
    weight_t: Annotated[float, typer.Option("--weight", help="Tonnes to fly.")],
    garrison: Annotated[str, typer.Option("--garrison", help="A base of the dataset.")],
    certified_until: Annotated[str | None, typer.Option(
        "--certified-until", help="YYYY-MM-DD")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOption = False,
) -> None:
    """Add a unit a member state has assigned to a formation (audited:
    forces.unit.create); its key is assigned and printed."""
    try:
        data = forces.UnitIn(
            state=state, formation=formation, name=name, capability=capability,  # type: ignore[arg-type]
            strength=strength, readiness_h=readiness_h, weight_t=weight_t,
            garrison=garrison, note=note,
            certified_until=date.fromisoformat(certified_until) if certified_until else None)
    except ValidationError as exc:
        raise _invalid(exc) from exc
    except ValueError as exc:
        raise fail(f"certified_until: {exc}") from exc
    try:
        u = forces.add_unit(database(), data, actor=operator())
    except REFUSED as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(u.model_dump(mode="json"))
    else:
        out.print(f"unit {u.key} added to {u.formation} ({u.state})")


@app.command("move-unit")
def move_unit(
    key: Annotated[str, typer.Argument(help="The unit's key.")],
    formation: Annotated[str, typer.Option("--formation", help="The formation it joins.")],
) -> None:
    """Move a unit to another formation (audited: forces.unit.move); refused while a
    decided deployment plan in force counts it for the one it leaves."""
    try:
        u = forces.move_unit(database(), key, forces.FormationMove(formation=formation),
                             actor=operator())
    except ValidationError as exc:
        raise _invalid(exc) from exc
    except REFUSED as exc:
        raise fail(str(exc)) from exc
    out.print(f"unit {u.key} is in {u.formation}")


@app.command("add-aircraft")
def add_aircraft(
    state: Annotated[str, typer.Option("--state", help="The member state, e.g. KAZ.")],
    kind: Annotated[str, typer.Option("--type", help="One of the lift's kinds (Il-76MD).")],
    base: Annotated[str, typer.Option("--base", help="A base of the dataset.")],
    formation: Annotated[str | None, typer.Option("--formation")] = None,
) -> None:
    """Add an aircraft of the lift (audited: forces.aircraft.create); its key is assigned
    and printed."""
    try:
        a = forces.add_aircraft(database(), forces.AircraftIn(
            state=state, type=kind, base=base, formation=formation), actor=operator())
    except ValidationError as exc:
        raise _invalid(exc) from exc
    except REFUSED as exc:
        raise fail(str(exc)) from exc
    out.print(f"aircraft {a.key} ({a.type}) added at {a.base}")
