"""The one place where the access policy meets the database.

Every read of a classified table goes through `visible` (a WHERE clause built from
the principal's `ReadScope`), so lists, details, searches, exports, counts and
aggregates all see exactly what `phalanx.domain.access.policy.allows` would allow.
A test keeps other modules from selecting classified tables directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, false, func, or_, select, true

from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    ReadScope,
    read_scope,
)
from phalanx.domain.access.principal import Principal


def visible(table: Table, scope: ReadScope) -> ColumnElement[bool]:
    c = table.c
    if scope.everything:
        return true()
    clauses: list[ColumnElement[bool]] = []
    if scope.markings:
        clauses.append(c.marking.in_(sorted(m.value for m in scope.markings)))
    if scope.observer_releases:
        clauses.append(c.observers.is_(True))
    if scope.all_participants:
        clauses.append(c.marking == Marking.PARTICIPANTS.value)
    elif scope.participant is not None:
        clauses.append(and_(c.marking == Marking.PARTICIPANTS.value,
                            c.participants.contains(f",{scope.participant},",
                                                    autoescape=True)))
    if scope.own_state is not None:
        clauses.append(and_(c.owner_kind == OwnerKind.STATE.value, c.owner == scope.own_state))
    return or_(*clauses) if clauses else false()


def select_visible(table: Table, principal: Principal, *columns: Any) -> Select[Any]:
    """SELECT from a classified table, restricted to what `principal` may read."""
    stmt = select(*columns) if columns else select(table)
    return stmt.select_from(table).where(visible(table, read_scope(principal)))


def count_visible(table: Table, principal: Principal) -> Select[Any]:
    return select(func.count()).select_from(table).where(visible(table, read_scope(principal)))


def pack_participants(states: frozenset[str] | set[str]) -> str:
    return "," + ",".join(sorted(states)) + "," if states else ""


def classification_values(c: Classification) -> dict[str, Any]:
    return {"owner_kind": c.owner_kind.value, "owner": c.owner, "marking": c.marking.value,
            "participants": pack_participants(c.participants), "observers": c.observers}


def classification_of(row: Any) -> Classification:
    return Classification(
        OwnerKind(row.owner_kind), row.owner, Marking(row.marking),
        frozenset(p for p in row.participants.split(",") if p), bool(row.observers))
