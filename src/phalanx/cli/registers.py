"""`phalanx registers ...`: the registers' keys. A record created before the key
namespaces may hold a key beginning with the code of a state that may not read it
(`services/registers/keys.py`); `strays` lists them, `rekey` moves one to a key of the
organization's. Changes run as the system principal, each one transaction with its audit
entry."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from phalanx.cli.common import current_org, database, emit_json, fail, operator, out
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.registers import keys

app = typer.Typer(no_args_is_help=True, help="The registers' keys.")


@app.command("strays")
def strays(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
           ) -> None:
    """Records whose key begins with the code of a state that may not read them (that
    state creating a record under the key would learn that one exists). Exits 1 when
    there is one."""
    db = database(read_only=True)
    org = current_org(db)
    with db.read() as conn:
        found = keys.strays(conn, org.states)
    if as_json:
        emit_json([{"register": s.register, "key": s.key, "state": s.state} for s in found])
    elif not found:
        out.print("no key lies in the namespace of a state that may not read its record")
    else:
        table = Table("register", "key", "state that may not read it")
        for s in found:
            table.add_row(s.register, s.key, s.state)
        out.print(table)
        out.print("give each a key of the organization's: phalanx registers rekey "
                  "REGISTER KEY NEW-KEY")
    if found:
        raise typer.Exit(1)


@app.command("rekey")
def rekey(
    register: Annotated[str, typer.Argument(help="One of: " + ", ".join(sorted(keys.REGISTERS)))],
    old: Annotated[str, typer.Argument(help="The record's key.")],
    new: Annotated[str, typer.Argument(help="Its new key, beginning with no state's code.")],
) -> None:
    """Give a record of a register a new key (audited: register.rekey)."""
    db = database()
    org = current_org(db)
    try:
        keys.rekey(db, register, old, new, org.states, actor=operator())
    except (Invalid, Conflict, NotFound, Forbidden) as exc:
        raise fail(str(exc)) from exc
    out.print(f"{register} {old} is now {new}")
