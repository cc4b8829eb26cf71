"""What the records of a database tie to its organization file by a key alone, with no
foreign key to refuse its removal: the crisis category of each crisis and the joint
operation of each result file. A file that leaves such a key out (or renames it) would
leave those records unreadable — every list of crises refused, the server's periodic
work failing at each round — so loading it is refused whole, naming each key and how
many records hold it."""

from __future__ import annotations

from sqlalchemy import Column, Connection, func, select

from phalanx.adapters.db import tables as t
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
    return out
