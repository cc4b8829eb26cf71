"""A reader's own reading through the trail, for the change feed (part of the access
module). What a state's user reads narrows or widens without any record being re-marked:
its state's membership ends (a withdrawal takes effect) or begins again, the user's
appointment to act for its state ends or a new term is set. The feed tells the reader at
the first entry of the trail from that moment on (a `shift`): `gone` for each record it
read just before and no longer reads, `changed` for each it reads now and did not; the
records' classifications as they stood then (`access_history`), nothing else of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from phalanx.adapters.db.access import select_visible
from phalanx.adapters.db.access_history import KINDS, History
from phalanx.domain.access.policy import ReadScope, allows
from phalanx.domain.access.principal import SYSTEM

if TYPE_CHECKING:
    from phalanx.adapters.db.access_changes import Change

# what a reader reads from when on: (the moment, ISO 8601 UTC as the trail writes it, None
# for the first; the read scope from then on), oldest first
Readings = Sequence[tuple[str | None, ReadScope]]


def phases(conn: Connection, readings: Readings
           ) -> tuple[Callable[[int], ReadScope], dict[int, tuple[ReadScope, ReadScope]]]:
    """The reader's scope at each entry, and the entries at which it changed (the first
    entry after the last one written before each moment; a moment the trail has not
    reached yet changes nothing yet, one before its first entry is where the reader
    starts)."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    head = conn.execute(select(a.id, a.hash).order_by(a.id.desc()).limit(1)).first()
    bounds: list[tuple[int, ReadScope]] = [(0, readings[0][1])]
    for since, scope in readings[1:]:
        # the entry after the last one written before the moment
        last = _last_before(conn, since, head) if since is not None else None
        if last is None:
            bounds = [(0, scope)]
            continue
        at = conn.execute(select(func.min(a.id)).where(a.id > last)).scalar()
        if at is None:
            break
        if scope != bounds[-1][1]:
            bounds.append((at, scope))
    shifts = {at: (bounds[n - 1][1], scope) for n, (at, scope) in enumerate(bounds) if n}

    def scope_at(entry: int) -> ReadScope:
        return next(scope for at, scope in reversed(bounds) if at <= entry)

    return scope_at, shifts


# the last entry written before each moment, as far as the trail was read: (the database,
# the moment) -> (the entry read up to, its hash, the last entry before the moment). The
# trail only grows and an entry never changes, so a call reads only the entries written
# since; a trail that is not the one read (its entry's hash differs) is read again.
_BEFORE: dict[tuple[str, str], tuple[int, str, int | None]] = {}
_BEFORE_MAX = 4096


def _last_before(conn: Connection, since: str, head: Any) -> int | None:
    """The last entry written before the moment `since` (None: none), reading the whole
    trail once per moment and then only what was written since."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    if head is None:
        return None
    key = (str(conn.engine.url), since)
    upto, last = 0, None
    known = _BEFORE.get(key)
    if known is not None and known[0] <= head.id and conn.execute(
            select(a.hash).where(a.id == known[0])).scalar() == known[1]:
        upto, _, last = known
    if upto < head.id:
        found = conn.execute(select(func.max(a.id)).where(
            a.id > upto, a.id <= head.id, a.at < since)).scalar()
        last = found if found is not None else last
    if len(_BEFORE) >= _BEFORE_MAX:
        _BEFORE.clear()
    _BEFORE[key] = (head.id, head.hash, last)
    return last


def _born(conn: Connection, kind: str, ids: Sequence[Any]) -> dict[str, int]:
    """The first entry naming each record (its creation; a record the trail never named,
    loaded with the organization's data: none)."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    if kind == "op_report":
        r = t.op_report.c
        batch = {str(x.id): str(x.batch_id) for x in conn.execute(
            select_visible(t.op_report, SYSTEM, r.id, r.batch_id))}
        first = {x.target_id: x.at for x in conn.execute(
            select(a.target_id, func.min(a.id).label("at")).where(
                a.target_kind == "op_batch").group_by(a.target_id))}
        return {rid: first[b] for rid, b in batch.items() if b in first}
    return {x.target_id: int(x.at) for x in conn.execute(
        select(a.target_id, func.min(a.id).label("at")).where(
            a.target_kind == kind).group_by(a.target_id))}


def shifted(conn: Connection, entry: int, before: ReadScope, after: ReadScope,
            kinds: Sequence[str]) -> list[Change]:
    """What the reader is told at `entry`, where its reading went from `before` to
    `after`: each record of `kinds` there then that it read before and no longer reads
    (gone), or reads now and did not (changed)."""
    from phalanx.adapters.db import tables as t
    from phalanx.adapters.db.access_changes import Change

    named: dict[str, set[str]] = defaultdict(set)
    for kind in kinds:
        if kind not in KINDS:
            continue
        table_name, col = KINDS[kind]
        table = t.metadata.tables[table_name]
        born = _born(conn, kind, ())
        for (rid,) in conn.execute(select_visible(table, SYSTEM, table.c[col])):
            if born.get(str(rid), 0) < entry:
                named[kind].add(str(rid))
    history = History(conn, named)
    out: list[Change] = []
    for kind, ids in named.items():
        for rid in ids:
            if history.exercise.get((kind, rid), True):
                continue
            then = history.at(kind, rid, entry - 1)
            if then is None:
                continue
            was, now = allows(before, then), allows(after, then)
            if was and not now:
                out.append(Change(entry, kind, rid, "gone"))
            elif now and not was:
                out.append(Change(entry, kind, rid, "changed", history.rows[(kind, rid)]))
    return out
