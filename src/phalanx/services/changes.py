"""The change feed a national system keeps its copy by (`/api/v1/changes`): what changed
since its cursor, of every kind of record it reads, in commit order, with the records
restricted away from it said `gone` (`adapters/db/access_changes.py` decides what each
reader is told)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from phalanx.adapters.db import access_changes
from phalanx.domain.access.principal import Principal

KINDS = tuple(access_changes.KINDS)
Kind = Literal["crisis", "decision", "draft", "document", "session", "force_unit",
               "force_aircraft", "op_report"]


class ChangeOut(BaseModel):
    cursor: int = Field(description="where this change stands: a later poll's `after`")
    kind: Kind
    id: str = Field(description="the record's id (a registry unit's or aircraft's: its key)")
    change: Literal["changed", "gone"] = Field(description=(
        "changed: read the record again (created, changed, re-marked, withdrawn, repealed "
        "...); gone: the reader may no longer read it (drop its copy): nothing more is "
        "said of it"))
    path: str | None = Field(default=None, description=(
        "where the API answers the record (under /api/v1), for a changed one"))


def _path(kind: str, rid: str, row: Any) -> str | None:
    if kind == "op_report":
        return (f"/operations/{row.operation}/reports/{row.state_code}/{row.agency}/"
                f"{row.reference}")
    return {"crisis": f"/crises/{rid}", "decision": f"/decisions/{rid}",
            "draft": f"/drafts/{rid}", "document": f"/documents/{rid}",
            "session": f"/sessions/{rid}", "force_unit": f"/forces/units/{rid}",
            "force_aircraft": None}[kind]


def feed(conn: Connection, *, actor: Principal, after: int, limit: int,
         kinds: Sequence[str] = KINDS) -> tuple[list[ChangeOut], int]:
    """The changes after `after` the reader is told of, and the cursor to poll from next
    (a call reads a bounded part of the trail: an empty page may still move the cursor)."""
    page = access_changes.changes(conn, actor, after=after, limit=limit, kinds=kinds or KINDS)
    return ([ChangeOut(cursor=c.cursor, kind=c.kind, id=c.id, change=c.change,  # type: ignore[arg-type]
                       path=_path(c.kind, c.id, c.row) if c.change == "changed" else None)
             for c in page.changes], page.cursor)


def position(conn: Connection, *, actor: Principal, kinds: Sequence[str] = KINDS) -> int:
    return access_changes.position(conn, actor, kinds or KINDS)
