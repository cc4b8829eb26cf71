"""The change feed: what changed, of the records a reader may read, in the order the
changes committed (part of the access module: it reads the classified tables as the
system and says of each change only what the reader may read).

The audit trail is the source: every change of a record writes its entry, and the entries
join the trail one writer at a time, in commit order, so an entry's id is a cursor that a
change committed later always comes after. An entry is in a reader's feed by what the
reader could read of its record *at that entry*, never by what it reads today, so that the
feed says nothing of a record while it was kept from the reader:

- `changed`: the reader could read the record as it stood after the entry;
- `gone`: it could read the record just before the entry and not after (re-marked
  narrower, restricted away from it): the feed says the kind and the id and nothing else,
  never what the record became;
- anything else (a record it never read, a change while the record was kept from it) is
  not in its feed and moves none of its cursors.

A record's classification at an entry is read from the entries that changed it (those
that say its classification `before` and `after`, `RECLASSIFYING`); without one after
the entry, it is the record's classification today. An exercise's records are never in
the feed (the exercise writes nothing real).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from phalanx.adapters.db import access_readers
from phalanx.adapters.db.access import select_visible
from phalanx.adapters.db.access_history import KINDS, RELEASE, History
from phalanx.adapters.db.access_readers import Readings
from phalanx.domain.access.policy import ReadScope, allows, read_scope
from phalanx.domain.access.principal import SYSTEM, Principal

__all__ = ["KINDS", "SPAN", "Change", "Cursor", "Page", "changes", "position"]

# a draft tied to a crisis's file or untied from it (the entry is the draft's and names the
# crisis): the crisis as its readers read it (its file) changed, for those who read the
# draft as well; and the draft, for those who read the crisis as well (nothing of the
# draft itself changed: told to a reader of the draft alone, it would say that a crisis
# it may not read took the draft in or let it go)
FILE = ("draft.crisis_tie", "draft.crisis_untie")
# a draft's fate, title or marking changing, or its decision's (adopted, re-marked,
# published): the file of each crisis the draft is in changed too, for those who read the
# draft (or the decision) as well
FATE = ("draft.propose", "draft.revise", "draft.close", "draft.remark",
        "decision.adopt", "decision.remark", "decision.publish")

BATCH = 500  # entries read at a time
# setting: the entries of the trail one call reads at most (from its cursor up to the next
# multiple of SPAN), so that no reader makes each call read the whole trail; a reader told
# of none of them moves its cursor to that multiple, which says no more than that the trail
# (of everything, logins included) has reached it
SPAN = 5000


@dataclass(frozen=True)
class Change:
    cursor: int  # the audit entry's id
    kind: str
    id: str
    change: str  # "changed" | "gone"
    row: Any = None  # the record as it stands (changed only): the caller names its address


def order(kind: str, rid: str) -> tuple[str, int, int, str]:
    """The order of an entry's items (its reports, a crisis and a draft...): by kind, then
    by id (a number's value)."""
    return (kind, 0, int(rid), "") if rid.isdigit() else (kind, 1, 0, rid)


@dataclass(frozen=True)
class Cursor:
    """Where a reader stands: after entry `entry`, or, `within` given, after that item of
    it (a page that ended inside an entry of many items: a release, a batch, a reader's
    reading narrowing)."""

    entry: int
    within: tuple[str, str] | None = None

    def __str__(self) -> str:
        return str(self.entry) if self.within is None else \
            f"{self.entry}:{self.within[0]}:{self.within[1]}"

    def passed(self, c: Change) -> bool:
        """Is `c` at or before this cursor (said already)?"""
        if c.cursor != self.entry:
            return c.cursor < self.entry
        return self.within is None or order(c.kind, c.id) <= order(*self.within)


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: Cursor  # where the next call starts (`after`)


def _entries_query(kinds: Sequence[str], shifts: Iterable[int]) -> Any:
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    # the kind as an expression no index holds: the entries are read by their ids, at most
    # SPAN of them from the cursor, never through the index of a record's entries (which
    # would read every entry of those kinds, the whole trail's, at every call)
    target = a.target_kind.concat("")
    wanted = [k for k in kinds if k in KINDS and k != "session"]
    clauses = [target.in_(wanted), a.id.in_(sorted(shifts))]
    if "session" in kinds:  # a council's session, not a user's web session
        clauses.append(and_(target == "session", a.action.startswith("session.")))
    if "crisis" in kinds:  # a crisis's file changed
        clauses.append(and_(target.in_(("draft", "decision")), a.action.in_(FILE + FATE)))
    if "op_report" in kinds:  # a batch of results, a release: their reports
        clauses.append(target == "op_batch")
        clauses.append(and_(target == "operation", a.action == RELEASE))
    return select(a.id, a.action, a.target_kind, a.target_id).where(or_(*clauses))


Item = tuple[int, str, str, tuple[str, str] | None]


def _files(conn: Connection, entries: Sequence[Any]) -> dict[int, list[str]]:
    """The crises in whose file each entry's draft (or its decision's) is, by entry: tied
    or named, tabled in a session held on the crisis, its decision attached to it."""
    from phalanx.adapters.db import tables as t

    fates = [e for e in entries if e.action in FATE and e.target_id.isdigit()]
    if not fates:
        return {}
    dc, d = t.decision.c, t.draft.c
    made = {r.id: r.draft_id for r in conn.execute(select_visible(
        t.decision, SYSTEM, dc.id, dc.draft_id, dc.number).where(dc.id.in_(
            sorted({int(e.target_id) for e in fates if e.target_kind == "decision"}))))}
    draft_of = {e.id: (int(e.target_id) if e.target_kind == "draft"
                       else made.get(int(e.target_id))) for e in fates}
    drafts = sorted({x for x in draft_of.values() if x is not None})
    crises: dict[int, set[int]] = defaultdict(set)
    for r in conn.execute(select(t.crisis_draft.c.draft_id, t.crisis_draft.c.crisis_id)
                          .where(t.crisis_draft.c.draft_id.in_(drafts))):
        crises[r.draft_id].add(r.crisis_id)
    cs = t.crisis_session.c
    for r in conn.execute(select_visible(t.draft, SYSTEM, d.id, cs.crisis_id).join(
            t.crisis_session, cs.meeting_id == d.meeting_id).where(d.id.in_(drafts))):
        crises[r.id].add(r.crisis_id)
    c = t.crisis.c
    for r in conn.execute(select_visible(t.crisis, SYSTEM, c.id, dc.draft_id).join(
            t.decision, dc.id == c.decision_id).where(dc.draft_id.in_(drafts))):
        crises[r.draft_id].add(r.id)
    return {e: [str(x) for x in sorted(crises.get(dr, ()))]
            for e, dr in draft_of.items() if dr is not None}


def _items(conn: Connection, entries: Sequence[Any], kinds: Sequence[str]) -> list[Item]:
    """The (entry, kind, id, and the record the reader must read as well) each entry is
    about: a batch of results, each report it stored; a release, each report it released;
    a draft tied to a crisis's file or untied, the draft and the crisis (each for the
    readers of the other); a draft's fate, the draft and each crisis whose file holds it."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    releases = [e.id for e in entries if e.target_kind == "operation" and e.action == RELEASE]
    released = {r.id: [str(x[0]) for x in json.loads(r.change).get("released", [])]
                for r in conn.execute(select(a.id, a.change).where(a.id.in_(releases)))
                } if releases else {}

    batches = sorted({int(e.target_id) for e in entries
                      if e.target_kind == "op_batch" and e.target_id.isdigit()})
    reports: dict[int, list[int]] = defaultdict(list)
    if batches:
        r = t.op_report
        for row in conn.execute(select_visible(r, SYSTEM, r.c.id, r.c.batch_id).where(
                r.c.batch_id.in_(batches)).order_by(r.c.id)):
            reports[row.batch_id].append(row.id)
    filed = [e.id for e in entries if e.target_kind == "draft" and e.action in FILE]
    crisis_of = {r.id: str(json.loads(r.change).get("crisis"))
                 for r in conn.execute(select(a.id, a.change).where(a.id.in_(filed)))
                 } if filed else {}
    files = _files(conn, entries) if "crisis" in kinds else {}
    out: list[Item] = []
    for e in entries:
        own = (e.target_kind in kinds and e.target_kind != "session") or (
            e.target_kind == "session" and "session" in kinds
            and e.action.startswith("session."))
        if e.id in released:
            out += [(e.id, "op_report", i, None) for i in released[e.id]]
        elif e.target_kind == "op_batch":
            out += [(e.id, "op_report", str(i), None)
                    for i in reports.get(int(e.target_id), []) if e.target_id.isdigit()]
        elif e.id in crisis_of:
            if "draft" in kinds:
                out.append((e.id, "draft", e.target_id, ("crisis", crisis_of[e.id])))
            if "crisis" in kinds:
                out.append((e.id, "crisis", crisis_of[e.id], ("draft", e.target_id)))
        elif own:
            out.append((e.id, e.target_kind, e.target_id, None))
        out += [(e.id, "crisis", x, (e.target_kind, e.target_id)) for x in files.get(e.id, [])]
    return out


def _said(history: History, scope: ReadScope, entry: int, kind: str,
          rid: str, also: tuple[str, str] | None = None) -> Change | None:
    if history.exercise.get((kind, rid), True):
        return None  # no record (or an exercise's)
    # said only to those who read that record too, before or after
    if also is not None and not any(
            c is not None and allows(scope, c)
            for c in (history.at(*also, entry), history.at(*also, entry - 1))):
        return None
    after = history.at(kind, rid, entry)
    before = history.at(kind, rid, entry - 1)
    if after is not None and allows(scope, after):
        return Change(entry, kind, rid, "changed", history.rows[(kind, rid)])
    if before is not None and allows(scope, before) and also is None:
        return Change(entry, kind, rid, "gone")
    return None


def _said_of(conn: Connection, scope_at: Callable[[int], ReadScope],
             shifts: dict[int, tuple[ReadScope, ReadScope]], entries: Sequence[Any],
             kinds: Sequence[str], after: Cursor | None = None, need: int | None = None,
             again: dict[int, int] | None = None) -> list[Change]:
    """What the reader is told of `entries`, in order: by entry, then `order` within one
    (`shifts`: the entries at which the reader's own reading changed, from what to what;
    of those, what comes after cursor `after`, at least `need` of it if there are as many,
    and nothing left out before the last of them: a page of a shift of many records reads
    from where the page before ended, not all of them again; `again`: those that say a
    change of the reader's own again, by the entry of the change)."""
    items = _items(conn, entries, kinds)
    named: dict[str, set[str]] = defaultdict(set)
    for _, kind, rid, also in items:
        named[kind].add(rid)
        if also is not None:
            named[also[0]].add(also[1])
    history = History(conn, named)
    said = [c for e, kind, rid, also in items
            if (c := _said(history, scope_at(e), e, kind, rid, also)) is not None]
    for e in entries:
        if e.id in shifts:
            within = after.within if after is not None and after.entry == e.id else None
            of = (again or {}).get(e.id, e.id)
            said += access_readers.shifted(conn, of, *shifts[e.id], kinds, within, need,
                                           said_at=e.id)
    unique = {(c.cursor, c.kind, c.id): c for c in said}  # a shift says it once
    return sorted(unique.values(), key=lambda c: (c.cursor, order(c.kind, c.id)))


def _reached(conn: Connection, entry: int) -> bool:
    """Has the trail reached entry `entry` (an entry of any kind, logins included, at or
    after it)? Every entry before it has then committed (they join in commit order)."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    return conn.execute(select(a.id).where(a.id >= entry).limit(1)).first() is not None


def _last(conn: Connection) -> int:
    from phalanx.adapters.db import tables as t

    return int(conn.execute(select(func.coalesce(func.max(t.audit_log.c.id), 0)))
               .scalar_one())


def _reader(conn: Connection, principal: Principal, readings: Readings | None,
            late: Sequence[tuple[str, int]] = ()
            ) -> tuple[Callable[[int], ReadScope], dict[int, tuple[ReadScope, ReadScope]],
                       dict[int, int]]:
    if not readings:
        scope = read_scope(principal)
        return (lambda _: scope), {}, {}
    return access_readers.phases(conn, readings, late)


def changes(conn: Connection, principal: Principal, *, after: Cursor, limit: int,
            kinds: Iterable[str] = tuple(KINDS), readings: Readings | None = None,
            late: Sequence[tuple[str, int]] = ()) -> Page:
    """The changes after cursor `after` that `principal` is told of, oldest first, at most
    `limit` of them (a record changed twice in them is said once, at its last), read from
    the entries up to the next multiple of `SPAN` at most; and the cursor the next call
    starts from: the last change said (inside its entry when the page ended there), or
    that multiple once every entry up to it is read and none more is said. `readings`: what
    the reader read from when on (`access_readers`; None: as it reads today, always);
    `late`: the changes of it recorded after they took effect (`access_readers.phases`)."""
    from phalanx.adapters.db import tables as t

    kinds = list(kinds)
    scope_at, shifts, again = _reader(conn, principal, readings, late)
    query, position = _entries_query(kinds, shifts), after.entry
    edge = (after.entry // SPAN + 1) * SPAN
    # read before the entries: every entry up to the edge has then committed
    reached = _reached(conn, edge)
    said: list[Change] = []
    full = False  # the page is full: what follows its last change is still unread
    inside = False  # ... and the next change is of the same entry as its last
    if after.within is not None:
        position -= 1  # the rest of that entry first
    while not full:
        batch = list(conn.execute(query.where(t.audit_log.c.id > position,
                                              t.audit_log.c.id <= edge)
                                  .order_by(t.audit_log.c.id).limit(BATCH)))
        if not batch:
            break
        for change in _said_of(conn, scope_at, shifts, batch, kinds, after,
                               limit + 1 - len(said), again):
            if after.passed(change):
                continue
            if len(said) >= limit:
                full, inside = True, change.cursor == said[-1].cursor
                break
            said.append(change)
        position = batch[-1].id
    if said and inside:
        last_said = said[-1]
        cursor = Cursor(last_said.cursor, (last_said.kind, last_said.id))
    elif said:
        cursor = Cursor(said[-1].cursor)
    else:
        cursor = after
    if not full and reached:
        cursor = Cursor(edge)
    last: dict[tuple[str, str], Change] = {(c.kind, c.id): c for c in said}
    items = sorted(last.values(), key=lambda c: (c.cursor, order(c.kind, c.id)))
    return Page(items, cursor)


def position(conn: Connection, principal: Principal,
             kinds: Iterable[str] = tuple(KINDS), readings: Readings | None = None,
             late: Sequence[tuple[str, int]] = ()) -> int:
    """Where the changes `principal` is told of stand now: the cursor of the last one said
    among the entries since the last multiple of `SPAN` the trail has reached, or that
    multiple when none of them is said (0: none). Read before the records it goes with."""
    from phalanx.adapters.db import tables as t

    kinds = list(kinds)
    scope_at, shifts, again = _reader(conn, principal, readings, late)
    query = _entries_query(kinds, shifts)
    floor = _last(conn) // SPAN * SPAN
    before: int | None = None
    while True:
        stmt = query.where(t.audit_log.c.id > floor).order_by(
            t.audit_log.c.id.desc()).limit(BATCH)
        if before is not None:
            stmt = stmt.where(t.audit_log.c.id < before)
        batch = list(conn.execute(stmt))
        if not batch:
            return floor
        said = _said_of(conn, scope_at, shifts, batch, kinds, need=1, again=again)
        if said:
            return max(c.cursor for c in said)
        before = batch[-1].id
