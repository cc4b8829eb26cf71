"""What the register services share: who may act, membership, keys, classification."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table

from phalanx.adapters.db import access
from phalanx.domain import membership
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    can_own,
    is_staff,
    key_prefix,
    why_not_key,
)
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.organization import Organization
from phalanx.domain.registers import Problem
from phalanx.services import clock
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

staff = is_staff  # the Secretariat, the Joint Staff, the administrator (and the system)


def acts_for(actor: Principal, state: str) -> bool:
    return can_own(actor, OwnerKind.STATE, state)


def require_staff(actor: Principal, what: str) -> None:
    if not staff(actor):
        raise Forbidden(f"only the Secretariat and the Joint Staff {what}")


def visible_row(conn: Connection, table: Table, column: str, value: object,
                actor: Principal, what: str) -> Any:
    """The record whose `column` is `value`, if `actor` may see it; otherwise not found
    (an invisible record is not said to exist)."""
    row = conn.execute(access.select_visible(table, actor)
                       .where(table.c[column] == value)).first()
    if row is None:
        raise NotFound(what, value)
    return row


def raise_problems(problems: list[Problem], prefix: str = "") -> None:
    if problems:
        field, message = problems[0]
        rest = [f"{f}: {m}" for f, m in problems[1:]]
        raise Invalid(prefix + field, message + (f" (also {'; '.join(rest)})" if rest else ""))


def members(org: Organization, day: date | None = None) -> list[str]:
    return [m.state for m in membership.members_on(org, day or clock.today(org))]


def require_member(org: Organization, state: str, field: str = "state",
                   day: date | None = None) -> None:
    if state not in org.states:
        raise Invalid(field, f"unknown state {state!r}")
    if state not in members(org, day):
        raise Invalid(field, f"{state} is not a member state"
                             + (f" on {day.isoformat()}" if day else ""))


def new_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def stable_key(prefix: str, *parts: object) -> str:
    """A key for a dataset item that has none, the same at every load."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode(),
                          usedforsecurity=False).hexdigest()[:12]
    return f"{prefix}-{digest}"


def classified(owner_kind: OwnerKind, owner: str, marking: Marking,
               participants: frozenset[str] = frozenset(),
               observers: bool = False) -> dict[str, Any]:
    return access.classification_values(
        Classification(owner_kind, owner, marking, participants, observers))


def pack(states: list[str] | set[str] | frozenset[str]) -> str:
    return access.pack_participants(set(states))


def unpack(packed: str) -> list[str]:
    return [s for s in packed.split(",") if s]


def key_taken(conn: Connection, table: Table, key: str) -> bool:
    """Keys are unique over all records, seen or not (internal bookkeeping: the
    answer names no record's content)."""
    return conn.execute(access.select_visible(table, SYSTEM, table.c.id)
                        .where(table.c.key == key)).first() is not None


# what the API's document says of the key of a record created
KEY_HELP = ("the record's key; left out, one is assigned. Keys are unique over all records, "
            "those the creator may not read included, so each creator chooses in its own "
            "namespace: a state's representative keys beginning with its state's code and a "
            "hyphen ('kaz-…'), the organization's staff keys beginning with no state's code; "
            "a key outside it is refused (422, naming `key`)")

# how the keys assigned to each register's records go on after the creator's namespace
# ("kaz-sup-…", "sup-…"): none is a state's code (state codes are ISO 3166 alpha-3), so an
# assigned key of the organization's lies in no state's namespace
ASSIGNED = {"joint_exercise": "ex", "model_law": "law", "supply_agreement": "sup",
            "mtc_programme": "prg"}


def record_key(conn: Connection, table: Table, actor: Principal, chosen: str | None,
               states: Collection[str], what: str) -> str:
    """The key of a record of `table` that `actor` creates: the one it chose, which must lie
    in its namespace (`policy.why_not_key`; else Invalid naming `key`, whether a record
    holds that key or not) and be free (else Conflict: the record holding it is one
    `actor` reads); or, left out, one assigned in its namespace ("kaz-sup-1f2e3d4c" for
    Kazakhstan's representative, "sup-1f2e3d4c" for the staff)."""
    if chosen is not None:
        refusal = why_not_key(actor, chosen, states)
        if refusal is not None:
            raise Invalid("key", refusal)
        if key_taken(conn, table, chosen):
            raise Conflict(f"{what} {chosen!r} exists")
        return chosen
    while True:  # 32 random bits: taken once in a blue moon, and then by one it reads
        key = f"{key_prefix(actor)}{new_key(ASSIGNED[table.name])}"
        if not key_taken(conn, table, key):
            return key
