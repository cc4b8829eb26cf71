"""The Secretariat's monitoring: a watch list of situations with an assessed risk,
reviewed on a schedule, that can be escalated into a crisis."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    is_staff,
    state_reads,
)
from phalanx.domain.access.principal import Principal
from phalanx.services import crises
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

Risk = Literal["low", "elevated", "high", "critical"]
REVIEW_EVERY = {"low": 30, "elevated": 7, "high": 2, "critical": 1}  # days


class WatchIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    region: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=64)
    risk: Risk = "elevated"
    note: str = Field(default="", max_length=20_000)
    marking: Marking = Marking.ORGANIZATION


class WatchOut(BaseModel):
    id: int
    title: str
    region: str
    category: str
    risk: Risk
    next_review: date
    status: str
    crisis_id: int | None
    note: str
    due: bool


def may_keep(actor: Principal) -> None:
    if not is_staff(actor):
        raise Forbidden("the watch list is kept by the Secretariat")


def _out(r: Any, today: date) -> WatchOut:
    return WatchOut(id=r.id, title=r.title, region=r.region, category=r.category,
                    risk=r.risk, next_review=r.next_review, status=r.status,
                    crisis_id=r.crisis_id, note=r.note,
                    due=r.status == "watching" and r.next_review <= today)


def _refuse_watched(conn: Connection, data: WatchIn, actor: Principal) -> None:
    """The same situation put on the watch list again (a form sent twice) would be
    reviewed twice: while the first is watched, the second is refused, naming it (one
    the author may read)."""
    wi = t.watch_item.c
    first = conn.execute(access.select_visible(t.watch_item, actor, wi.id).where(
        wi.status == "watching", wi.title == data.title, wi.region == data.region,
        wi.category == data.category).order_by(wi.id)).first()
    if first is not None:
        raise Conflict(f"watch item {first.id} watches this already (the same title, "
                       "region and category)")


def add(db: Database, data: WatchIn, *, actor: Principal, today: date | None = None) -> WatchOut:
    may_keep(actor)
    c = Classification(OwnerKind.SECRETARIAT, "secretariat", data.marking)
    for problem in c.problems():
        raise Invalid("marking", problem)
    with db.write(actor) as w:
        today = today or orgs.today(w.conn)
        _refuse_watched(w.conn, data, actor)
        wid = w.conn.execute(insert(t.watch_item).values(
            title=data.title, region=data.region, category=data.category, risk=data.risk,
            next_review=today + timedelta(days=REVIEW_EVERY[data.risk]), status="watching",
            note=data.note, **access.classification_values(c)).returning(
            t.watch_item.c.id)).scalar_one()
        w.audit("watch.add", "watch", wid, data.model_dump(mode="json"))
        return get(w.conn, wid, actor=actor, today=today)


def get(conn: Connection, watch_id: int, *, actor: Principal,
        today: date | None = None) -> WatchOut:
    row = conn.execute(access.select_visible(t.watch_item, actor)
                       .where(t.watch_item.c.id == watch_id)).first()
    if row is None:
        raise NotFound("watch item", watch_id)
    return _out(row, today or orgs.today(conn))


def listing(conn: Connection, *, actor: Principal, due_only: bool = False,
            today: date | None = None) -> list[WatchOut]:
    today = today or orgs.today(conn)
    rows = conn.execute(access.select_visible(t.watch_item, actor).order_by(
        t.watch_item.c.next_review, t.watch_item.c.id))
    items = [_out(r, today) for r in rows]
    return [i for i in items if i.due] if due_only else items


def review(db: Database, watch_id: int, risk: Risk, note: str, *, actor: Principal,
           today: date | None = None) -> WatchOut:
    """Record a review: the risk as now assessed sets the next review date."""
    may_keep(actor)
    with db.write(actor) as w:
        today = today or orgs.today(w.conn)
        current = get(w.conn, watch_id, actor=actor, today=today)
        if current.status != "watching":
            raise Conflict(f"watch item {watch_id} is {current.status}")
        w.conn.execute(update(t.watch_item).where(t.watch_item.c.id == watch_id).values(
            risk=risk, note=note or current.note,
            next_review=today + timedelta(days=REVIEW_EVERY[risk])))
        w.audit("watch.review", "watch", watch_id, {"from": current.risk, "to": risk,
                                                    "note": note})
        return get(w.conn, watch_id, actor=actor, today=today)


def escalate(db: Database, watch_id: int, affected: list[str], *, actor: Principal,
             severity: crises.Severity = "severe") -> crises.CrisisOut:
    """Turn a watched situation into a crisis: the algorithm and its clocks start. The
    crisis is derived from the entry (its title, region and note) and obeys its marking
    (the marking of a Private CAP alert's entry: for the states it was sent for); an
    affected state that may not read the entry is refused (Invalid, nothing written)."""
    may_keep(actor)
    with db.read() as conn:
        item = get(conn, watch_id, actor=actor)
        marked = access.classification_of(conn.execute(access.select_visible(
            t.watch_item, actor).where(t.watch_item.c.id == watch_id)).one())
    if item.status != "watching":
        raise Conflict(f"watch item {watch_id} is {item.status}")
    strangers = sorted(s for s in set(affected) if not state_reads(s, marked))
    if strangers and marked.marking is Marking.PARTICIPANTS:
        raise Invalid("affected", f"the watch entry is for "
                                  f"{', '.join(sorted(marked.participants))} "
                                  f"only, and so is a crisis escalated from it: "
                                  f"{', '.join(strangers)} cannot be named affected")
    c = crises.open_crisis(db, crises.CrisisIn(
        title=item.title, category=item.category, affected=affected, severity=severity,
        place=item.region, description=item.note, marking=marked.marking,
        participants=sorted(marked.participants), observers=marked.observers), actor=actor,
        origin="monitoring")
    with db.write(actor) as w:
        w.conn.execute(update(t.watch_item).where(t.watch_item.c.id == watch_id).values(
            status="escalated", crisis_id=c.id))
        w.audit("watch.escalate", "watch", watch_id, {"crisis": c.id})
    return c
