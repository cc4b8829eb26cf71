"""Keys of the registers' records that lie in a state's namespace but name a record that
state may not read ("stray" keys), and moving such a record to a key of the
organization's.

Rule (`policy.why_not_key`): each creator keys its records in a namespace where every
record is one it reads, so that creating a record can never tell it whether one it may
not read exists. A record created before that rule may hold a key beginning with a
state's code that this state does not read (a supply between two other states, keyed by
one of them with a third state's code): that state registering a record under the key
is told it exists (of the registers, a state creates in the supplies; the others are
the staff's, whose stray keys are listed all the same). `strays` finds such records;
`rekey` gives one a key of the organization's namespace (no state's code; the staff
read every record of the registers), audited, the old key named in the entry. The
records refer to one another by number, never by key, so nothing else changes; a link
or a note that named the old key names nothing after it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Connection, Table, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import key_state, why_not_key
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Invalid, NotFound
from phalanx.services.registers.common import ASSIGNED, key_taken, require_staff

# the keyed registers, by the name their records go by
REGISTERS: dict[str, Table] = {"exercise": t.joint_exercise, "model-law": t.model_law,
                               "supply": t.supply_agreement, "programme": t.mtc_programme}
assert {table.name for table in REGISTERS.values()} == set(ASSIGNED)


@dataclass(frozen=True)
class Stray:
    register: str  # a key of REGISTERS
    key: str
    state: str  # whose namespace the key lies in, and who may not read the record


def strays(conn: Connection, states: Collection[str]) -> list[Stray]:
    """Every record whose key lies in the namespace of one of `states` (the organization's
    states) that this state's representative may not read."""
    found = []
    for name, table in sorted(REGISTERS.items()):
        keys = conn.execute(access.select_visible(table, SYSTEM, table.c.key)).scalars()
        owned: dict[str, list[str]] = {}
        for key in keys:
            state = key_state(key, states)
            if state is not None:
                owned.setdefault(state, []).append(key)
        for state, held in sorted(owned.items()):
            reader = Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)
            seen = set(conn.execute(access.select_visible(table, reader, table.c.key)
                                    .where(table.c.key.in_(held))).scalars())
            found += [Stray(name, key, state) for key in sorted(held) if key not in seen]
    return found


def rekey(db: Database, register: str, old: str, new: str, states: Collection[str], *,
          actor: Principal) -> None:
    """Give the record of `register` keyed `old` the key `new`, which must lie in the
    organization's namespace (no state's code) and be free; the staff only (`is_staff`),
    audited (`register.rekey`)."""
    require_staff(actor, "change a record's key")
    table = REGISTERS.get(register)
    if table is None:
        raise Invalid("register", f"unknown register {register!r}; one of: "
                      + ", ".join(sorted(REGISTERS)))
    refusal = why_not_key(SYSTEM, new, states, assignable=False)
    if refusal is not None:
        raise Invalid("new", refusal)
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(table, SYSTEM, table.c.id)
                             .where(table.c.key == old)).first()
        if row is None:
            raise NotFound(register, old)
        if key_taken(w.conn, table, new):
            raise Conflict(f"{register} {new!r} exists")
        w.conn.execute(update(table).where(table.c.id == row.id).values(key=new))
        # named by its key, as every entry about the record: the entry follows its marking
        w.audit("register.rekey", table.name, new, {"from": old, "to": new})
