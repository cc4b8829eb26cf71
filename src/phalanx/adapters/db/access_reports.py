"""The audit entries that name joint operations' reports by their references, read as
their reader may read them (part of `access_audit.audit_readable`).

A result batch's entry (`operations.ingest`) is read by the readers of any report the
batch stored (`access_audit.audit_visible`), but a batch may hold reports of several stages, of
which the state released some and kept others national: the corrections it lists (a
report's reference with its quantity before and after) and the look-alike pairs it
flagged name, each, reports of its own. Each is listed only to a reader who reads the
reports it names (a look-alike pair: both, as the flag itself is read), whichever of
their versions; the others are left out. The batch's counts (its rows, the reports it
stored, replaced, left unchanged, its errors and its changes after closing) count the
reports the reader may not read too: they are withheld (null) from a reader who may not
read every report the batch stored. Such an entry says `redacted`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, tuple_

from phalanx.adapters.db.access import select_visible
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import canonical

# the lists of an entry's change whose items name reports, and the fields of an item that
# hold a reference (of the operation, state and agency the change names)
REPORT_LISTS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "operations.ingest": (("corrections", ("reference",)),
                          ("possible_duplicates", ("reference", "like"))),
}

# a batch's counts, which count every report it held
BATCH_COUNTS = ("rows", "stored", "replaced", "unchanged", "errors", "after_closing")

Ref = tuple[str, str, str, str]  # operation, state, agency, reference


def _named(change: dict[str, Any], action: str) -> Iterable[Ref]:
    where = (change.get("operation"), change.get("state"), change.get("agency"))
    for key, fields in REPORT_LISTS[action]:
        for item in change.get(key) or ():
            for f in fields:
                if isinstance(item, dict) and isinstance(item.get(f), str):
                    yield (*where, item[f])  # type: ignore[misc]


def _readable(conn: Connection, principal: Principal, refs: set[Ref]) -> set[Ref]:
    from phalanx.adapters.db import tables as t

    if not refs:
        return set()
    r = t.op_report.c
    cols = (r.operation, r.state_code, r.agency, r.reference)
    found: set[Ref] = set()
    wanted = sorted(refs)
    for i in range(0, len(wanted), 500):
        found |= {tuple(x) for x in conn.execute(  # type: ignore[misc]
            select_visible(t.op_report, principal, *cols)
            .where(tuple_(*cols).in_(wanted[i:i + 500])).distinct())}
    return found


def withhold_reports(conn: Connection, principal: Principal,
                     entries: list[dict[str, Any]]) -> None:
    """Leave out of these entries' changes the items naming a report `principal` may not
    read (the entries read as `access_audit.audit_readable` gives them, changed in place)."""
    named = [(e, json.loads(e["change"])) for e in entries if e["action"] in REPORT_LISTS]
    if not named:
        return
    refs = {ref for e, change in named for ref in _named(change, e["action"])}
    seen = _readable(conn, principal, refs)
    partly = _partly_hidden(conn, principal, {int(e["target_id"]) for e, _ in named
                                              if e["target_id"].isdigit()})
    for e, change in named:
        where = (change.get("operation"), change.get("state"), change.get("agency"))
        redacted = False
        if e["target_id"].isdigit() and int(e["target_id"]) in partly:
            for key in BATCH_COUNTS:
                if key in change:
                    change[key] = None
                    redacted = True
        for key, fields in REPORT_LISTS[e["action"]]:
            items = change.get(key)
            if not isinstance(items, list):
                continue
            kept = [i for i in items if not isinstance(i, dict) or all(
                (*where, i[f]) in seen for f in fields if isinstance(i.get(f), str))]
            if len(kept) != len(items):
                change[key] = kept
                redacted = True
        if redacted:
            e["change"] = canonical(change)
            e["redacted"] = True


def _partly_hidden(conn: Connection, principal: Principal, batches: set[int]) -> set[int]:
    """Which of `batches` stored a report `principal` may not read."""
    from sqlalchemy import not_, select

    from phalanx.adapters.db import tables as t
    from phalanx.adapters.db.access import visible
    from phalanx.domain.access.policy import read_scope

    if not batches:
        return set()
    r = t.op_report.c
    return {b for (b,) in conn.execute(
        select(r.batch_id).where(r.batch_id.in_(sorted(batches)),
                                 not_(visible(t.op_report, read_scope(principal))))
        .distinct())}
