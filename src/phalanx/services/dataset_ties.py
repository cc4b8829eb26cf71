"""What the records of a database tie to its organization file by a key alone, with no
foreign key to refuse its removal: the crisis category of each crisis, the joint
operation of each result file, and the registry units a decided plan of an open crisis
moves. A file that leaves such a key out (or renames it) would
leave those records unreadable — every list of crises refused, the server's periodic
work failing at each round — so loading it is refused whole, naming each key and how
many records hold it."""

from __future__ import annotations

from sqlalchemy import Column, Connection, func, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis.workflow import FINAL
from phalanx.domain.organization import Organization

# (the column holding the key, the organization's keys, what the key is, what holds it)
TIES: tuple[tuple[Column[str], str, str, str], ...] = (
    (t.crisis.c.category, "crisis_categories", "crisis category", "crises"),
    (t.op_batch.c.operation, "operations", "operation", "result files"),
)


def left_out(conn: Connection, org: Organization) -> list[str]:
    """Each key the stored records hold that `org` no longer has, with their count."""
    out: list[str] = []
    for column, keys, what, holders in TIES:
        kept = getattr(org, keys)
        for key, count in conn.execute(select(column, func.count()).group_by(column)
                                       .order_by(column)):
            if key not in kept:
                out.append(f"{what} {key!r} ({count} {holders})")
    return out + units_in_force(conn, org)


def units_in_force(conn: Connection, org: Organization) -> list[str]:
    """The registry units a decided plan of a crisis still open moves that `org` leaves
    out: loading it would delete them from the registry (a unit changed in the app stays,
    `forces_registry.sync`) while the deployment goes on counting them. A unit leaves a
    plan in force only by being withdrawn, which the plan then says (`forces/lapsed.py`)."""
    listed = {u["key"] for u in org.forces.get("units", [])}
    kept = {r.key for r in conn.execute(access.select_visible(
        t.force_unit, SYSTEM, t.force_unit.c.key).where(t.force_unit.c.edited.is_(True)))}
    open_crises = access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
        t.crisis.c.stage.not_in([s.value for s in FINAL]))
    held: dict[str, list[str]] = {}
    for r in conn.execute(select(t.deployment_plan.c.id, t.deployment_plan.c.crisis_id,
                                 t.deployment_plan.c.movements).where(
            t.deployment_plan.c.status == "decided",
            t.deployment_plan.c.crisis_id.in_(open_crises)).order_by(t.deployment_plan.c.id)):
        for key in dict.fromkeys(m["unit"].partition("#")[0] for m in r.movements):
            if key and key not in listed and key not in kept:
                held.setdefault(key, []).append(f"plan {r.id} of crisis {r.crisis_id}")
    return [f"unit {key!r} (moved by the decided {', '.join(plans)}: withdraw it "
            "in the registry instead)" for key, plans in sorted(held.items())]
