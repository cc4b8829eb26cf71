"""The audit trail's part of the access module (`access.py`): an entry about a record
obeys the record's marking (`audit_visible`), and what an entry readable as a whole says
of a unit, a document or a report its reader may not read is withheld (`audit_readable`);
and whether the record an entry names is an exercise's (`is_exercise`). With `access.py`
the only module that selects classified tables directly."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, Table, and_, cast, not_, or_, select, true

from phalanx.adapters.db.access import PARTICIPANT_DETAILS, readable_ids, visible
from phalanx.adapters.db.json_text import json_text
from phalanx.domain.access.policy import read_scope
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import canonical

# --- the audit trail: an entry about a record obeys the record's marking -----------------

# audit target kinds that name a classified record: (table, column the target id names);
# an entry of such a kind naming no record is read by no reader of the trail
AUDIT_TARGETS: dict[str, tuple[str, str]] = {
    "crisis": ("crisis", "id"), "decision": ("decision", "id"), "document": ("document", "id"),
    "draft": ("draft", "id"), "watch": ("watch_item", "id"),
    "exercise_finding": ("exercise_finding", "id"), "training_quota": ("training_quota", "id"),
    "joint_exercise": ("joint_exercise", "key"), "ext_instrument": ("ext_instrument", "key"),
    "ext_event": ("ext_event", "key"), "model_law": ("model_law", "key"),
    "pa_field_session": ("pa_field_session", "key"),
    "supply_agreement": ("supply_agreement", "key"), "mtc_programme": ("mtc_programme", "key"),
    "force_unit": ("force_unit", "key"), "force_aircraft": ("force_aircraft", "key"),
    "cap_alert": ("cap_alert", "id"), "op_report": ("op_report", "id"),
}


# the kinds of record `phalanx registers rekey` may give a new key (named by their key)
_REKEYED = ("joint_exercise", "model_law", "supply_agreement", "mtc_programme")


def audit_visible(principal: Principal) -> ColumnElement[bool]:
    """The audit entries `principal` may read (on top of the permission to read the
    trail): an entry about a classified record only if the principal may read that record
    now (a session's, a task's and a result batch's entries follow the session, the
    decision and the reports); an entry about anything else (users, tokens, logins, the
    organization, the trail itself) is there for every reader of the trail."""
    from phalanx.adapters.db import tables as t

    scope = read_scope(principal)
    if scope.everything:
        return true()
    c = t.audit_log.c

    def ids(table: Table, column: str) -> Any:
        return select(cast(table.c[column], String)).where(visible(table, scope))

    named = [and_(c.target_kind == kind, c.target_id.in_(ids(t.metadata.tables[tab], col)))
             for kind, (tab, col) in AUDIT_TARGETS.items()]
    # a register's record given a new key (`register.rekey`, naming it by the new key):
    # the entries that named it by any of its earlier keys follow it still
    for kind in _REKEYED:
        tab, col = AUDIT_TARGETS[kind]
        named.append(and_(c.target_kind == kind, c.target_id.in_(
            _earlier_keys(kind, ids(t.metadata.tables[tab], col)))))
    meeting = and_(c.target_kind == "session", c.action.startswith("session."))
    named.append(and_(meeting, c.target_id.in_(ids(t.meeting, "id"))))
    named.append(and_(c.target_kind == "task", c.target_id.in_(
        select(cast(t.task.c.id, String)).where(t.task.c.decision_id.in_(
            select(t.decision.c.id).where(visible(t.decision, scope)))))))
    named.append(and_(c.target_kind == "op_batch", c.target_id.in_(
        select(cast(t.op_report.c.batch_id, String)).where(visible(t.op_report, scope)))))
    classified = or_(c.target_kind.in_([*AUDIT_TARGETS, "task", "op_batch"]), meeting)
    return or_(not_(classified), *named)



def _earlier_keys(kind: str, keys: Any) -> Any:
    """Every key the records of `kind` with `keys` had before their last `register.rekey`,
    however many times they were given a new one (a recursive query: each rekey's `from`
    is the key the one before gave)."""
    from phalanx.adapters.db import tables as t

    first = t.audit_log.alias("rekey")
    chain = select(json_text(first.c.change, "from").label("key")).where(
        first.c.action == "register.rekey", first.c.target_kind == kind,
        first.c.target_id.in_(keys)).cte(f"earlier_{kind}", recursive=True)
    step = t.audit_log.alias("rekey_before")
    chain = chain.union(select(json_text(step.c.change, "from")).where(
        step.c.action == "register.rekey", step.c.target_kind == kind,
        step.c.target_id == chain.c.key))
    return select(chain.c.key)


# audit entries whose change names registry units by their keys (the path to each list of
# keys, or to a key, in the change): the entry is about the crisis or the joint exercise,
# which its readers may read, but a unit it names may be kept NATIONAL by its state
_AUDIT_UNIT_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "assistance.offer": (("units",),),
    "forces.consent": (("units",), ("before", "units")),
    "exercise.participant": (("unit",),),
}

# what such an entry says of the one unit it names, beside its key (the fields, in the
# same place of the change): it describes the unit, so it is withheld with the key
_AUDIT_UNIT_DETAILS: dict[str, tuple[str, ...]] = {
    "exercise.participant": PARTICIPANT_DETAILS,
}


# audit entries whose change names a document of the register by its id (the field): the
# entry is about the crisis, which its readers may read, but the document may be kept
# NATIONAL by its state (an official request's letter: `readable_ids`)
_AUDIT_DOCUMENT_IDS: dict[str, str] = {"crisis.official_request": "document_id"}


def audit_readable(conn: Connection, principal: Principal,
                   entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries (rows of the trail `audit_visible` lets `principal` read) as it may
    read them: a registry unit it may not see is named by no key ("", as in the API), a
    document it may not read by no id (null, as in the API), a joint operations' report
    it may not read by no item of a batch's lists (`access_reports`), and such an entry
    says `redacted` (its stored change, which its hash seals, is unchanged: the chain is
    verified on the stored entries)."""
    from phalanx.adapters.db import tables as t
    from phalanx.adapters.db.access_reports import withhold_reports

    out = [dict(e) for e in entries]
    scope = read_scope(principal)
    if scope.everything:
        return out
    _withhold_documents(conn, principal, out)
    withhold_reports(conn, principal, out)
    if not any(e["action"] in _AUDIT_UNIT_KEYS for e in out):
        return out
    hidden = {k for (k,) in conn.execute(select(t.force_unit.c.key).where(
        not_(visible(t.force_unit, scope))))}
    for e in out:
        paths = _AUDIT_UNIT_KEYS.get(e["action"])
        if not paths or not hidden:
            continue
        change = json.loads(e["change"])
        redacted = False
        for path in paths:
            *parents, last = path
            holder = change
            for step in parents:
                holder = holder.get(step) if isinstance(holder, dict) else None
            keys = holder.get(last) if isinstance(holder, dict) else None
            if isinstance(keys, list) and any(k in hidden for k in keys):
                holder[last] = ["" if k in hidden else k for k in keys]  # type: ignore[index]
                redacted = True
            elif isinstance(keys, str) and keys in hidden:  # one unit's key
                holder[last] = ""  # type: ignore[index]
                for detail in _AUDIT_UNIT_DETAILS.get(e["action"], ()):
                    if detail in holder:  # type: ignore[operator]
                        holder[detail] = None if detail == "strength" else ""  # type: ignore[index]
                redacted = True
        if redacted:
            e["change"] = canonical(change)
            e["redacted"] = True
    return out


def _withhold_documents(conn: Connection, principal: Principal,
                        entries: list[dict[str, Any]]) -> None:
    """Name no document `principal` may not read in these entries' changes."""
    from phalanx.adapters.db import tables as t

    named = [(e, json.loads(e["change"])) for e in entries
             if e["action"] in _AUDIT_DOCUMENT_IDS]
    ids = [c.get(_AUDIT_DOCUMENT_IDS[e["action"]]) for e, c in named]
    seen = readable_ids(conn, principal, t.document,
                        (i for i in ids if isinstance(i, int)))
    for (e, change), doc in zip(named, ids, strict=True):
        if doc is not None and doc not in seen:
            change[_AUDIT_DOCUMENT_IDS[e["action"]]] = None
            e["change"] = canonical(change)
            e["redacted"] = True


# --- the exercise flag of a record an audit entry names (read by the system, for the
# trail, whoever acts: the entry is marked, nothing is shown) -------------------------


def _exercise_of(target_kind: str) -> Any:
    """The query of whether a record of this kind is an exercise's (None: never one)."""
    from phalanx.adapters.db import tables as t

    by_id = {"crisis": t.crisis, "session": t.meeting, "decision": t.decision}
    if target_kind in by_id:
        table = by_id[target_kind]
        return lambda rid: select(table.c.exercise).where(table.c.id == rid)
    if target_kind == "draft":
        return lambda rid: select(t.meeting.c.exercise).join(
            t.draft, t.draft.c.meeting_id == t.meeting.c.id).where(t.draft.c.id == rid)
    if target_kind == "task":
        return lambda rid: select(t.decision.c.exercise).join(
            t.task, t.task.c.decision_id == t.decision.c.id).where(t.task.c.id == rid)
    if target_kind == "cap_alert":  # a CAP message an exercise sent (its status says so)
        return lambda rid: select(t.cap_alert.c.status == "Exercise").where(
            t.cap_alert.c.id == rid)
    return None


def is_exercise(conn: Connection, action: str, target_kind: str, target_id: str) -> bool:
    """Is the record an audit entry names an exercise's (a crisis, session, draft, decision or
    task the exercise created, a CAP message of status Exercise)? Whoever acts on it, the
    entry is the exercise's. A user's
    web session is a `session` too: only a `session.` action names a council's (as
    `audit_visible` reads them)."""
    if target_kind == "session" and not action.startswith("session."):
        return False
    query = _exercise_of(target_kind)
    if query is None or not target_id.isdigit():
        return False
    return bool(conn.execute(query(int(target_id))).scalar())


def unit_changes(conn: Connection, principal: Principal, since: str) -> list[Any]:
    """The audit entries about registry units `principal` may read now, recorded at or
    after `since` (ISO 8601 UTC), newest first: what `forces/registry_history.py` undoes
    to read the registry as it stood before."""
    from phalanx.adapters.db import tables as t

    c = t.audit_log.c
    return list(conn.execute(select(c.id, c.at, c.action, c.target_id, c.change).where(
        audit_visible(principal), c.target_kind == "force_unit", c.at >= since,
        c.action.like("forces.unit.%")).order_by(c.id.desc())))
