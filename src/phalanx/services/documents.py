"""The document register: notes, reports and communications of the states, the bodies
and the Secretariat, each with its owner and marking. The first classified record;
decisions, reports and the rest follow the same pattern."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, or_, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    can_own,
    why_not_change,
)
from phalanx.domain.access.principal import Principal
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.types import Revision, UtcDateTime

DocumentKind = Literal["note", "report", "communication", "draft", "statement", "minutes"]


class ClassificationIn(BaseModel):
    owner_kind: OwnerKind
    owner: str = Field(min_length=1, max_length=64)
    marking: Marking
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False

    def to_domain(self) -> Classification:
        return Classification(self.owner_kind, self.owner, self.marking,
                              frozenset(self.participants), self.observers)


class DocumentIn(ClassificationIn):
    title: str = Field(min_length=1, max_length=300)
    kind: DocumentKind = "note"
    body: str = Field(default="", max_length=1_000_000)
    language: Literal["en", "ru"] = "en"


class RemarkIn(BaseModel):
    marking: Marking
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False
    version: Revision = Field(description="The version you are changing (optimistic lock).")
    reason: str = Field(max_length=2000, description=(
        "Why the document is released further or restricted (kept in the audit trail)."))


class DocumentOut(BaseModel):
    id: int
    title: str
    kind: str
    language: str
    created_at: UtcDateTime
    created_by: str
    updated_at: UtcDateTime
    version: int
    owner_kind: OwnerKind
    owner: str
    marking: Marking
    participants: list[str]
    observers: bool
    body: str | None = None


class DocumentStats(BaseModel):
    total: int
    by_marking: dict[str, int]
    by_owner: dict[str, int]


def _out(row: Any, with_body: bool = False) -> DocumentOut:
    c = access.classification_of(row)
    return DocumentOut(
        id=row.id, title=row.title, kind=row.kind, language=row.language,
        created_at=row.created_at, created_by=row.created_by, updated_at=row.updated_at,
        version=row.version, owner_kind=c.owner_kind, owner=c.owner, marking=c.marking,
        participants=sorted(c.participants), observers=c.observers,
        body=row.body if with_body else None)


def _check_classification(conn: Connection, c: Classification, actor: Principal) -> None:
    for problem in c.problems():
        raise Invalid("marking", problem)
    known = {code for (code,) in conn.execute(select(t.state.c.code))}
    unknown = sorted(set(c.participants) - known)
    if unknown:
        raise Invalid("participants", f"unknown state codes: {', '.join(unknown)}")
    if c.owner_kind is OwnerKind.STATE and c.owner not in known:
        raise Invalid("owner", f"unknown state code {c.owner!r}")
    if c.owner_kind is OwnerKind.BODY and conn.execute(
            select(t.body.c.key).where(t.body.c.key == c.owner)).first() is None:
        raise Invalid("owner", f"unknown body {c.owner!r}")
    if not can_own(actor, c.owner_kind, c.owner):
        raise Forbidden(f"you may not create records owned by {c.owner_kind.value} {c.owner}")


def create(db: Database, data: DocumentIn, *, actor: Principal) -> DocumentOut:
    c = data.to_domain()
    at = datetime.now(UTC)
    with db.write(actor) as w:
        _check_classification(w.conn, c, actor)
        doc_id = w.conn.execute(insert(t.document).values(
            title=data.title, kind=data.kind, body=data.body, language=data.language,
            created_at=at, created_by=actor.username, updated_at=at, version=1,
            **access.classification_values(c)).returning(t.document.c.id)).scalar_one()
        w.audit("document.create", "document", doc_id, {
            "title": data.title, "kind": data.kind, **access.classification_values(c)})
        row = w.conn.execute(access.select_visible(t.document, actor)
                             .where(t.document.c.id == doc_id)).one()
    return _out(row, with_body=True)


def get(conn: Connection, doc_id: int, *, actor: Principal) -> DocumentOut:
    row = conn.execute(access.select_visible(t.document, actor)
                       .where(t.document.c.id == doc_id)).first()
    if row is None:
        raise NotFound("document", doc_id)
    return _out(row, with_body=True)


def _filters(q: str | None, marking: Marking | None, owner: str | None) -> list[Any]:
    c = t.document.c
    where: list[Any] = []
    if q:
        where.append(or_(c.title.icontains(q, autoescape=True),
                         c.body.icontains(q, autoescape=True)))
    if marking:
        where.append(c.marking == marking.value)
    if owner:
        where.append(c.owner == owner)
    return where


def search(conn: Connection, *, actor: Principal, q: str | None = None,
           marking: Marking | None = None, owner: str | None = None, limit: int = 50,
           offset: int = 0) -> tuple[list[DocumentOut], int]:
    where = _filters(q, marking, owner)
    total = conn.execute(access.count_visible(t.document, actor).where(*where)).scalar_one()
    rows = conn.execute(access.select_visible(t.document, actor).where(*where)
                        .order_by(t.document.c.id.desc()).limit(limit).offset(offset))
    return [_out(r) for r in rows], int(total)


def export_csv(conn: Connection, *, actor: Principal, q: str | None = None,
               marking: Marking | None = None, owner: str | None = None) -> Iterator[str]:
    """The visible documents as CSV, streamed row by row."""
    cols = ["id", "title", "kind", "language", "owner_kind", "owner", "marking",
            "participants", "observers", "created_at", "created_by", "version"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(cols)
    yield buf.getvalue()
    stmt = (access.select_visible(t.document, actor).where(*_filters(q, marking, owner))
            .order_by(t.document.c.id))
    for row in conn.execute(stmt):
        buf.seek(0)
        buf.truncate()
        d = _out(row)
        writer.writerow([d.id, _cell(d.title), d.kind, d.language, d.owner_kind.value, d.owner,
                         d.marking.value, " ".join(d.participants), d.observers,
                         d.created_at.isoformat(), d.created_by, d.version])
        yield buf.getvalue()


def _cell(value: str) -> str:
    """Neutralize spreadsheet formulas in exported text: a text that begins, after any
    spaces, with =, +, -, @, a tab or a carriage return begins with a quote instead."""
    return "'" + value if value.lstrip(" ")[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def stats(conn: Connection, *, actor: Principal) -> DocumentStats:
    c = t.document.c
    by_marking = dict(conn.execute(
        access.select_visible(t.document, actor, c.marking, func.count())
        .group_by(c.marking)).all())
    by_owner = dict(conn.execute(
        access.select_visible(t.document, actor, c.owner, func.count())
        .group_by(c.owner)).all())
    return DocumentStats(total=sum(by_marking.values()), by_marking=by_marking,
                         by_owner=by_owner)


def remark(db: Database, doc_id: int, data: RemarkIn, *, actor: Principal) -> DocumentOut:
    """Re-mark or release a document: an audited action of its owner, with its reason.
    Whatever is derived from the document (lists, counts, search, CSV, a crisis's
    attachments, a session's agenda, the audit trail) reads its marking, so follows it."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("reason", "a re-marking needs its reason")
    with db.write(actor) as w:
        row = w.conn.execute(access.select_visible(t.document, actor)
                             .where(t.document.c.id == doc_id).with_for_update()).first()
        if row is None:
            raise NotFound("document", doc_id)
        before = access.classification_of(row)
        refused = why_not_change(actor, before)
        if refused:
            raise Forbidden(refused)
        after = Classification(before.owner_kind, before.owner, data.marking,
                               frozenset(data.participants), data.observers)
        _check_classification(w.conn, after, actor)
        if after == before:
            raise Invalid("marking", f"document {doc_id} is marked so already")
        done = w.conn.execute(update(t.document).where(
            t.document.c.id == doc_id, t.document.c.version == data.version).values(
            version=row.version + 1, updated_at=datetime.now(UTC),
            **access.classification_values(after)))
        if done.rowcount != 1:
            raise Conflict(f"document {doc_id} is at version {row.version}, not {data.version}")
        w.audit("document.remark", "document", doc_id, {
            "before": access.classification_values(before),
            "after": access.classification_values(after), "reason": reason})
        row = w.conn.execute(access.select_visible(t.document, actor)
                             .where(t.document.c.id == doc_id)).one()
    return _out(row, with_body=True)
