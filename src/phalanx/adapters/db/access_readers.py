"""A reader's own reading through the trail, for the change feed (part of the access
module). What a state's user reads narrows or widens without any record being re-marked:
its state's membership ends (a withdrawal takes effect) or begins again, the user's
appointment to act for its state ends or a new term is set. The feed tells the reader at
the first entry of the trail from that moment on (a `shift`): `gone` for each record it
read just before and no longer reads, `changed` for each it reads now and did not; the
records' classifications as they stood then (`access_history`), nothing else of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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


def phases(conn: Connection, readings: Readings, late: Sequence[tuple[str, int]] = ()
           ) -> tuple[Callable[[int], ReadScope], dict[int, tuple[ReadScope, ReadScope]],
                      dict[int, int]]:
    """The reader's scope at each entry, the entries at which it changed (the first
    entry after the last one written before each moment; a moment the trail has not
    reached yet changes nothing yet, one before its first entry is where the reader
    starts), and those at which a change is said again (`late`: a moment of `readings`
    and the entry that recorded it after it took effect, a term set on a day already
    past: a reader that read past the change before it was recorded was never told; the
    entry says again what the change said, of the records there then, by the entry it is
    said again at -> the entry of the change)."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    head = conn.execute(select(a.id, a.hash).order_by(a.id.desc()).limit(1)).first()
    bounds: list[tuple[int, ReadScope]] = [(0, readings[0][1])]
    placed: dict[str, int] = {}  # a moment -> its bound
    for since, scope in readings[1:]:
        # the entry after the last one written before the moment
        last = _last_before(conn, since, head) if since is not None else None
        if last is None:
            bounds, placed = [(0, scope)], {}
            continue
        at = conn.execute(select(func.min(a.id)).where(a.id > last)).scalar()
        if at is None:
            break
        if scope != bounds[-1][1] and since is not None:
            bounds.append((at, scope))
            placed[since] = len(bounds) - 1
    shifts = {at: (bounds[n - 1][1], scope) for n, (at, scope) in enumerate(bounds) if n}
    again: dict[int, int] = {}
    for since, recorded in late:
        n = placed.get(since)
        if n is not None and bounds[n][0] < recorded and recorded not in shifts:
            shifts[recorded] = (bounds[n - 1][1], bounds[n][1])
            again[recorded] = bounds[n][0]

    def scope_at(entry: int) -> ReadScope:
        return next(scope for at, scope in reversed(bounds) if at <= entry)

    return scope_at, shifts, again


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


def _born(conn: Connection, kind: str, ids: Sequence[str]) -> dict[str, int]:
    """The first entry naming each of the records `ids` (its creation; a record the trail
    never named, loaded with the organization's data: none), read through the entries of
    those records alone."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    if not ids:
        return {}
    if kind == "op_report":
        r = t.op_report.c
        batch = {str(x.id): str(x.batch_id) for x in conn.execute(
            select(r.id, r.batch_id).where(r.id.in_([int(i) for i in ids])))}
        first = {x.target_id: int(x.at) for x in conn.execute(
            select(a.target_id, func.min(a.id).label("at")).where(
                a.target_kind == "op_batch", a.target_id.in_(sorted(set(batch.values()))))
            .group_by(a.target_id))}
        return {rid: first[b] for rid, b in batch.items() if b in first}
    return {x.target_id: int(x.at) for x in conn.execute(
        select(a.target_id, func.min(a.id).label("at")).where(
            a.target_kind == kind, a.target_id.in_(list(ids))).group_by(a.target_id))}


CHUNK = 1000  # records read at a time


def _records(conn: Connection, kind: str, start: str | None, first: int = CHUNK
             ) -> Iterator[list[str]]:
    """The ids of the records of `kind`, in the feed's order within an entry
    (`access_changes.order`), after `start` (None: all), a chunk at a time: `first`
    records, then twice as many each time up to CHUNK."""
    from phalanx.adapters.db import tables as t
    from phalanx.adapters.db.access_changes import order

    table_name, col = KINDS[kind]
    table = t.metadata.tables[table_name]
    if col != "id":  # a key: the registries' units and aircraft (a few hundred)
        keys = sorted((str(k) for (k,) in conn.execute(
            select_visible(table, SYSTEM, table.c[col]))), key=lambda k: order(kind, k))
        if start is not None:
            keys = [k for k in keys if order(kind, k) > order(kind, start)]
        while keys:
            yield keys[:first]
            keys, first = keys[first:], min(CHUNK, first * 2)
        return
    if start is not None and not start.isdigit():
        return  # after every number
    last = int(start) if start is not None else None
    while True:
        stmt = select_visible(table, SYSTEM, table.c.id).order_by(table.c.id).limit(first)
        if last is not None:
            stmt = stmt.where(table.c.id > last)
        ids = [int(i) for (i,) in conn.execute(stmt)]
        if not ids:
            return
        yield [str(i) for i in ids]
        last, first = ids[-1], min(CHUNK, first * 2)


def shifted(conn: Connection, entry: int, before: ReadScope, after: ReadScope,
            kinds: Sequence[str], start: tuple[str, str] | None = None,
            need: int | None = None, said_at: int | None = None) -> list[Change]:
    """What the reader is told at `entry`, where its reading went from `before` to
    `after`: each record of `kinds` there then that it read before and no longer reads
    (gone), or reads now and did not (changed). Read in the feed's order from after
    `start` (an item of the entry a page ended on) until `need` are found (None: all):
    every one said up to the last found is among them. `said_at`: the entry it is said
    (again) at, where not `entry`."""
    from phalanx.adapters.db.access_changes import Change

    out: list[Change] = []
    for kind in sorted(k for k in set(kinds) if k in KINDS):
        if start is not None and kind < start[0]:
            continue
        first = CHUNK if need is None else min(CHUNK, max(50, 2 * (need - len(out))))
        for chunk in _records(conn, kind, start[1] if start and start[0] == kind else None,
                              first):
            born = _born(conn, kind, chunk)
            ids = [rid for rid in chunk if born.get(rid, 0) < entry]
            history = History(conn, {kind: set(ids)})
            for rid in ids:
                if history.exercise.get((kind, rid), True):
                    continue
                then = history.at(kind, rid, entry - 1)
                if then is None:
                    continue
                was, now = allows(before, then), allows(after, then)
                at = entry if said_at is None else said_at
                if was and not now:
                    out.append(Change(at, kind, rid, "gone"))
                elif now and not was:
                    out.append(Change(at, kind, rid, "changed",
                                      history.rows[(kind, rid)]))
            if need is not None and len(out) >= need:
                return out
    return out
