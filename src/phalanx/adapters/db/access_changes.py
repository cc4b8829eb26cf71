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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, and_, func, or_, select

from phalanx.adapters.db.access import classification_of, select_visible
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    ReadScope,
    allows,
    read_scope,
)
from phalanx.domain.access.principal import SYSTEM, Principal

# the kinds of record in the feed: the audit target kind naming it, its table and the
# column the entry names it by
KINDS: dict[str, tuple[str, str]] = {
    "crisis": ("crisis", "id"), "decision": ("decision", "id"), "draft": ("draft", "id"),
    "document": ("document", "id"), "session": ("meeting", "id"),
    "force_unit": ("force_unit", "key"), "force_aircraft": ("force_aircraft", "key"),
    "op_report": ("op_report", "id"),
}

# entries that change a record's classification, with the classification it had before
# (`before`) and has after (`after`; a publication: PUBLIC, of the same owner)
RECLASSIFYING = ("document.remark", "decision.remark", "draft.remark", "decision.publish")

# a state's release of its reports of an operation (NATIONAL, or not yet the observers',
# before): the entry names the operation and lists each report with its marking before
RELEASE = "operations.release"

# a draft tied to a crisis's file or untied from it (the entry is the draft's and names the
# crisis): the crisis as its readers read it (its file) changed, for those who read the
# draft as well; and the draft, for those who read the crisis as well (nothing of the
# draft itself changed: told to a reader of the draft alone, it would say that a crisis
# it may not read took the draft in or let it go)
FILE = ("draft.crisis_tie", "draft.crisis_untie")

# what changes a draft as a crisis's file names it (tabled, its fate, who reads it): the
# crisis whose file holds it changed too, for those who read the draft (before the entry
# or after: one the draft is re-marked away from drops it from its copy of the file)
IN_FILE = ("draft.propose", "draft.close", "draft.revise", "draft.remark")

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


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: int  # where the next call starts (`after`)


def _tables() -> dict[str, Table]:
    from phalanx.adapters.db import tables as t

    return {kind: t.metadata.tables[tab] for kind, (tab, _) in KINDS.items()}


def _entries_query(kinds: Sequence[str]) -> Any:
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    wanted = [k for k in kinds if k in KINDS and k != "session"]
    clauses = [a.target_kind.in_(wanted)]
    if "session" in kinds:  # a council's session, not a user's web session
        clauses.append(and_(a.target_kind == "session", a.action.startswith("session.")))
    if "crisis" in kinds:  # a crisis's file changed
        clauses.append(and_(a.target_kind == "draft", a.action.in_(FILE + IN_FILE)))
    if "op_report" in kinds:  # a batch of results, a release: their reports
        clauses.append(a.target_kind == "op_batch")
        clauses.append(and_(a.target_kind == "operation", a.action == RELEASE))
    return select(a.id, a.action, a.target_kind, a.target_id).where(or_(*clauses))


def _classification(values: dict[str, Any], recipients: frozenset[str]) -> Classification:
    return Classification(OwnerKind(values["owner_kind"]), values["owner"],
                          Marking(values["marking"]),
                          frozenset(p for p in values.get("participants", "").split(",") if p),
                          bool(values.get("observers")), recipients=recipients)


class _History:
    """The classifications of the records a batch of entries names, at any entry."""

    def __init__(self, conn: Connection, named: dict[str, set[str]]) -> None:
        from phalanx.adapters.db import tables as t

        tables = _tables()
        self.rows: dict[tuple[str, str], Any] = {}
        self.exercise: dict[tuple[str, str], bool] = {}
        for kind, ids in named.items():
            table, col = tables[kind], KINDS[kind][1]
            keys = sorted(int(i) for i in ids if i.isdigit()) if col == "id" else sorted(ids)
            if not keys:
                continue
            for row in conn.execute(select_visible(table, SYSTEM).where(
                    table.c[col].in_(keys))):
                self.rows[(kind, str(getattr(row, col)))] = row
        self._exercises(conn, tables)
        a = t.audit_log.c
        self.changes: dict[tuple[str, str], list[tuple[int, Classification,
                                                         Classification]]] = defaultdict(list)
        for kind, ids in named.items():
            if not ids:
                continue
            for e in conn.execute(select(a.id, a.action, a.target_id, a.change).where(
                    a.target_kind == kind, a.action.in_(RECLASSIFYING),
                    a.target_id.in_(sorted(ids))).order_by(a.id)):
                row = self.rows.get((kind, e.target_id))
                if row is None:
                    continue
                now = classification_of(row)
                change = json.loads(e.change)
                before = _classification(change["before"], now.recipients)
                after = (_classification(change["after"], now.recipients)
                         if "after" in change else
                         Classification(before.owner_kind, before.owner, Marking.PUBLIC,
                                        recipients=now.recipients))
                self.changes[(kind, e.target_id)].append((e.id, before, after))
        self._releases(conn)
        for found in self.changes.values():
            found.sort(key=lambda c: c[0])

    def _releases(self, conn: Connection) -> None:
        """The releases of the named reports: NATIONAL (or not the observers') before,
        the organization's (and the observers', if asked) after."""
        from phalanx.adapters.db import tables as t

        named = {k[1]: r for k, r in self.rows.items() if k[0] == "op_report"}
        if not named:
            return
        a = t.audit_log.c
        for e in conn.execute(select(a.id, a.change).where(
                a.target_kind == "operation", a.action == RELEASE,
                a.target_id.in_(sorted({r.operation for r in named.values()})))
                .order_by(a.id)):
            change = json.loads(e.change)
            for rid, marking, observers in change.get("released", []):
                row = named.get(str(rid))
                if row is None:
                    continue
                now = classification_of(row)
                before = Classification(now.owner_kind, now.owner, Marking(marking),
                                        observers=bool(observers))
                after = Classification(now.owner_kind, now.owner, Marking.ORGANIZATION,
                                       observers=bool(observers or change.get("to_observers")))
                self.changes[("op_report", str(rid))].append((e.id, before, after))

    def _exercises(self, conn: Connection, tables: dict[str, Table]) -> None:
        drafts = {k: r for k, r in self.rows.items() if k[0] == "draft"}
        meetings = {r.meeting_id for r in drafts.values() if r.meeting_id is not None}
        played = {r.id for r in conn.execute(select_visible(
            tables["session"], SYSTEM, tables["session"].c.id).where(
            tables["session"].c.id.in_(sorted(meetings)),
            tables["session"].c.exercise.is_(True)))} if meetings else set()
        for key, row in self.rows.items():
            if key[0] == "draft":
                self.exercise[key] = row.meeting_id in played
            else:
                self.exercise[key] = bool(getattr(row, "exercise", False))

    def at(self, kind: str, rid: str, entry: int) -> Classification | None:
        """The record's classification as it stood after entry `entry` (None: no record)."""
        row = self.rows.get((kind, rid))
        if row is None:
            return None
        changes = self.changes.get((kind, rid), [])
        done = [after for at, _, after in changes if at <= entry]
        if done:
            return done[-1]
        later = [before for at, before, _ in changes if at > entry]
        return later[0] if later else classification_of(row)


Item = tuple[int, str, str, tuple[str, str] | None]


def _items(conn: Connection, entries: Sequence[Any], kinds: Sequence[str]) -> list[Item]:
    """The (entry, kind, id, and the record the reader must read as well) each entry is
    about: a batch of results, each report it stored; a release, each report it released;
    a draft tied to a crisis's file or untied, the draft and the crisis (each for the
    readers of the other)."""
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
    files = _files(conn, {int(e.target_id) for e in entries if e.target_kind == "draft"
                          and e.action in IN_FILE and e.target_id.isdigit()}) \
        if "crisis" in kinds else {}
    filed = [e.id for e in entries if e.target_kind == "draft" and e.action in FILE]
    crisis_of = {r.id: str(json.loads(r.change).get("crisis"))
                 for r in conn.execute(select(a.id, a.change).where(a.id.in_(filed)))
                 } if filed else {}
    out: list[Item] = []
    for e in entries:
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
        elif e.target_kind == "draft" and e.action in IN_FILE:
            if "draft" in kinds:
                out.append((e.id, "draft", e.target_id, None))
            out += [(e.id, "crisis", c, ("draft", e.target_id))
                    for c in files.get(e.target_id, [])]
        else:
            out.append((e.id, e.target_kind, e.target_id, None))
    return out


def _files(conn: Connection, drafts: set[int]) -> dict[str, list[str]]:
    """The crises whose files hold each of `drafts` (`services/crisis_drafts.py`): tied or
    named when tabled, tabled in a session held on the crisis, or adopted as the decision
    the crisis names; by draft id, as the trail writes ids."""
    from phalanx.adapters.db import tables as t

    if not drafts:
        return {}
    d, cd, cs, c = t.draft.c, t.crisis_draft.c, t.crisis_session.c, t.crisis.c
    wanted = sorted(drafts)
    held = select(cs.meeting_id, cs.crisis_id).subquery()
    answered = select_visible(t.decision, SYSTEM, t.decision.c.id, t.decision.c.draft_id).where(
        t.decision.c.draft_id.in_(wanted)).subquery()
    pairs = [*conn.execute(select(cd.draft_id, cd.crisis_id).where(cd.draft_id.in_(wanted))),
             *conn.execute(select_visible(t.draft, SYSTEM, d.id, held.c.crisis_id).join(
                 held, held.c.meeting_id == d.meeting_id).where(d.id.in_(wanted))),
             *conn.execute(select_visible(t.crisis, SYSTEM, answered.c.draft_id, c.id).join(
                 answered, answered.c.id == c.decision_id))]
    out: dict[str, set[str]] = defaultdict(set)
    for draft, crisis in pairs:
        out[str(draft)].add(str(crisis))
    return {k: sorted(v) for k, v in out.items()}


def _said(history: _History, scope: ReadScope, entry: int, kind: str,
          rid: str, also: tuple[str, str] | None = None) -> Change | None:
    if history.exercise.get((kind, rid), True):
        return None  # no record (or an exercise's)
    # said only to those who read that record too, then (or just before: a draft
    # re-marked away from them leaves the file they keep a copy of)
    if also is not None and not any(
            other is not None and allows(scope, other)
            for other in (history.at(*also, entry), history.at(*also, entry - 1))):
        return None
    after = history.at(kind, rid, entry)
    before = history.at(kind, rid, entry - 1)
    if after is not None and allows(scope, after):
        return Change(entry, kind, rid, "changed", history.rows[(kind, rid)])
    if before is not None and allows(scope, before):
        return Change(entry, kind, rid, "gone")
    return None


def _said_of(conn: Connection, scope: ReadScope, entries: Sequence[Any],
             kinds: Sequence[str]) -> list[Change]:
    items = _items(conn, entries, kinds)
    named: dict[str, set[str]] = defaultdict(set)
    for _, kind, rid, also in items:
        named[kind].add(rid)
        if also is not None:
            named[also[0]].add(also[1])
    history = _History(conn, named)
    return [c for e, kind, rid, also in items
            if (c := _said(history, scope, e, kind, rid, also)) is not None]


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


def changes(conn: Connection, principal: Principal, *, after: int, limit: int,
            kinds: Iterable[str] = tuple(KINDS)) -> Page:
    """The changes after cursor `after` that `principal` is told of, oldest first, at most
    `limit` entries' worth (a record changed twice in them is said once, at its last),
    read from the entries up to the next multiple of `SPAN` at most; and the cursor the
    next call starts from: the last change said, or that multiple once every entry up to
    it is read and none more is said."""
    from phalanx.adapters.db import tables as t

    kinds = list(kinds)
    scope, query, position = read_scope(principal), _entries_query(kinds), after
    edge = (after // SPAN + 1) * SPAN
    # read before the entries: every entry up to the edge has then committed
    reached = _reached(conn, edge)
    said: list[Change] = []
    full = False  # the page is full: the entries after its last change are still unread
    while not full:
        batch = list(conn.execute(query.where(t.audit_log.c.id > position,
                                              t.audit_log.c.id <= edge)
                                  .order_by(t.audit_log.c.id).limit(BATCH)))
        if not batch:
            break
        for change in _said_of(conn, scope, batch, kinds):
            if len(said) >= limit and change.cursor != said[-1].cursor:
                break
            said.append(change)
        full, position = len(said) >= limit, batch[-1].id
    last: dict[tuple[str, str], Change] = {(c.kind, c.id): c for c in said}
    items = sorted(last.values(), key=lambda c: (c.cursor, c.kind, c.id))
    cursor = items[-1].cursor if items else after
    if not full and reached:
        cursor = edge
    return Page(items, cursor)


def position(conn: Connection, principal: Principal,
             kinds: Iterable[str] = tuple(KINDS)) -> int:
    """Where the changes `principal` is told of stand now: the cursor of the last one said
    among the entries since the last multiple of `SPAN` the trail has reached, or that
    multiple when none of them is said (0: none). Read before the records it goes with."""
    from phalanx.adapters.db import tables as t

    kinds = list(kinds)
    scope, query = read_scope(principal), _entries_query(kinds)
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
        said = _said_of(conn, scope, batch, kinds)
        if said:
            return max(c.cursor for c in said)
        before = batch[-1].id
