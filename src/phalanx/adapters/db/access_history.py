"""The classifications of the records the change feed names, as they stood at any entry
of the trail (part of the access module: read as the system, told to a reader only through
`access_changes`). A record's classification at an entry is read from the entries that
changed it (those that say its classification `before` and `after`, `RECLASSIFYING`, and a
state's release of its reports, `RELEASE`); without one after the entry, it is the
record's classification today."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, select

from phalanx.adapters.db.access import classification_of, select_visible
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM

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


def _tables() -> dict[str, Table]:
    from phalanx.adapters.db import tables as t

    return {kind: t.metadata.tables[tab] for kind, (tab, _) in KINDS.items()}


def _classification(values: dict[str, Any], recipients: frozenset[str]) -> Classification:
    return Classification(OwnerKind(values["owner_kind"]), values["owner"],
                          Marking(values["marking"]),
                          frozenset(p for p in values.get("participants", "").split(",") if p),
                          bool(values.get("observers")), recipients=recipients)


class History:
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
        # each record's classification today, worked out once
        self.now = {key: classification_of(row) for key, row in self.rows.items()}
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
                now = self.now[(kind, e.target_id)]
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
                now = self.now[("op_report", str(rid))]
                before = Classification(now.owner_kind, now.owner, Marking(marking),
                                        observers=bool(observers), agency=now.agency)
                after = Classification(now.owner_kind, now.owner, Marking.ORGANIZATION,
                                       observers=bool(observers or change.get("to_observers")),
                                       agency=now.agency)
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
        return later[0] if later else self.now[(kind, rid)]
