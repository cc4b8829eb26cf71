"""The change feed a national system keeps its copy by (`/api/v1/changes`): what changed
since its cursor, of every kind of record it reads, in commit order, with the records
restricted away from it said `gone` (`adapters/db/access_changes.py` decides what each
reader is told)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, select

from phalanx.adapters.db import access_changes
from phalanx.adapters.db.access_changes import Cursor
from phalanx.domain import calendar, membership, representation
from phalanx.domain.access.policy import STATE_ROLES, ReadScope, read_scope
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import MembershipStatus
from phalanx.services import state_users
from phalanx.services.errors import Invalid

KINDS = tuple(access_changes.KINDS)
Kind = Literal["crisis", "decision", "draft", "document", "session", "force_unit",
               "force_aircraft", "op_report"]


class ChangeOut(BaseModel):
    cursor: int = Field(description=(
        "the change's place in commit order (its entry in the trail; the items of one "
        "entry share it): resume from the answer's X-Change-Cursor, which may stand "
        "inside an entry"))
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


# a cursor: an entry of the trail, or an item inside one ("ENTRY:KIND:ID")
CURSOR = r"^[0-9]{1,18}(:[a-z_]{1,20}:[A-Za-z0-9_.-]{1,100})?$"


def cursor(text: str) -> Cursor:
    """The cursor a client sent as `after` (refused, naming it, when it is none)."""
    if not re.match(CURSOR, text):
        raise Invalid("after", "a cursor is the X-Change-Cursor of an answer: a number, or "
                      "NUMBER:KIND:ID")
    entry, _, rest = text.partition(":")
    kind, _, rid = rest.partition(":")
    if rest and kind not in access_changes.KINDS:
        raise Invalid("after", f"no kind of record '{kind}' in a cursor")
    return Cursor(int(entry), (kind, rid) if rest else None)


def term_ended(actor: Principal) -> date | None:
    """The first day `actor` no longer acts for its state by its term (None: no term, or
    one to the last day a date has, 9999-12-31, which never ends)."""
    if actor.acts_until is None or actor.acts_until == date.max:
        return None
    return actor.acts_until + timedelta(days=1)


def _moment(day: date, zone: str | None) -> str:
    """The start of the organization's day `day`, as the trail writes its moments."""
    start = datetime.combine(day, time.min, tzinfo=calendar.zone(zone))
    return start.astimezone(UTC).isoformat(timespec="microseconds")


def readings(conn: Connection, actor: Principal) -> list[tuple[str | None, ReadScope]]:
    """What `actor` read from when on, by the one access rule (`policy.read_scope`): a
    state's user reads as its state's membership stood each day (a member, or not: never
    joined, withdrawn, expelled) and, after its appointment's last day or from the day an
    unconstitutional change of its state's authorities ended it until the moment the
    authorities in power confirmed it, what the public reads. Another reader reads as
    today, always."""
    from phalanx.services import organization as orgs

    if actor.role not in STATE_ROLES or actor.state is None:
        return [(None, read_scope(actor))]
    try:
        org = orgs.organization(conn)
    except orgs.NotLoaded:
        return [(None, read_scope(actor))]
    stints = membership.timeline(org)[0].get(actor.state, [])
    powers = state_users.authority_changes(conn, actor.state)
    days = sorted({d for s in stints for d in (s.period.start, s.period.end) if d}
                  | ({ended} if (ended := term_ended(actor)) else set())
                  | {c.since for c in powers if not c.constitutional})
    confirmed = (confirmations(conn, actor)
                 if any(not c.constitutional for c in powers) else [])
    recorded = _recorded(conn, actor.state) if confirmed else {}

    def scope_on(day: date, moment: str | None, known: str | None = None) -> ReadScope:
        """The scope on `day` from `moment`; `known`: by the changes recorded before it
        only (a confirmation reads as the records stood when it was made)."""
        member = membership.status_on(org, actor.state or "", day) in (
            MembershipStatus.MEMBER, MembershipStatus.SUSPENDED,
            MembershipStatus.NOT_TAKING_PART)
        those = powers if known is None else [
            c for c in powers if recorded.get(c.since, ("", 0))[0] < known]
        appointed = ((actor.acts_until is None or day <= actor.acts_until)
                     and representation.lapsed_by(those, actor.state or "", day,
                                                  _under_at(confirmed, moment, actor))
                     is None)
        return read_scope(replace(actor, state_is_member=member, appointed=appointed))

    if not days:
        return [(None, read_scope(actor))]
    zone = orgs.working_zone(conn)
    # a confirmation opened the reader's reading as the records stood then; a change of
    # authorities from a day before it, recorded after it, closes it again where it is
    # recorded (what was made before the confirmation stays unsaid)
    reopened = [at for at, _, _ in confirmed]
    closing = {rec for c in powers if not c.constitutional
               and (rec := recorded.get(c.since, ("", 0))[0])
               and any(_moment(c.since, zone) < at < rec for at in reopened)}
    moments = sorted([(_moment(d, zone), d, None) for d in days]
                     + [(at, _day(at, zone), at) for at in reopened]
                     + [(rec, _day(rec, zone), None) for rec in closing])
    return ([(None, scope_on(days[0] - timedelta(days=1), None))]
            + [(m, scope_on(d, m, known)) for m, d, known in moments])


def _recorded(conn: Connection, state: str) -> dict[date, tuple[str, int]]:
    """When each change of `state`'s authorities was recorded, by its day: the moment, as
    the trail writes it, and the entry."""
    from phalanx.adapters.db import tables as t

    a = t.audit_log.c
    return {date.fromisoformat(json.loads(r.change)["since"]): (str(r.at), int(r.id))
            for r in conn.execute(select(a.id, a.at, a.change).where(
                a.target_kind == "state", a.target_id == state,
                a.action == "state.authorities").order_by(a.id))}


def confirmations(conn: Connection, actor: Principal) -> list[tuple[str, int | None,
                                                                    int | None]]:
    """When the authorities in power confirmed `actor`'s appointment, oldest first: the
    moment (as the trail writes it), the change it stood under before and after."""
    from phalanx.adapters.db import tables as t

    if actor.user_id is None:
        return []
    a = t.audit_log.c
    out = []
    for r in conn.execute(select(a.at, a.change).where(
            a.target_kind == "user", a.target_id == str(actor.user_id),
            a.action == "user.confirm").order_by(a.id)):
        change = json.loads(r.change)
        out.append((str(r.at), change.get("from"), change.get("to")))
    return out


def _under_at(confirmed: Sequence[tuple[str, int | None, int | None]],
              moment: str | None, actor: Principal) -> int | None:
    """The change `actor`'s appointment stood under at `moment` (None: at the start)."""
    return next((before for at, before, _ in confirmed if moment is None or moment < at),
                actor.confirmed_under)


def _day(moment: str, zone: str | None) -> date:
    """The organization's day of a moment of the trail."""
    return datetime.fromisoformat(moment).astimezone(calendar.zone(zone)).date()


def late(conn: Connection, actor: Principal) -> list[tuple[str, int]]:
    """The end of `actor`'s appointment when it was recorded after it took effect (its
    term set on a day already past, or the unconstitutional change of its state's
    authorities that ended it recorded after its day): the moment it took effect and the
    entry that recorded it. A reader that read past that moment before it was recorded was told
    nothing then; the feed says the records it no longer reads `gone` at that entry
    (`access_readers.phases`), of the records there when it took effect only, never of
    one made since (a reader that did not read them meanwhile learns nothing of them)."""
    from phalanx.adapters.db import tables as t
    from phalanx.services import organization as orgs

    a = t.audit_log.c
    out: list[tuple[str, int]] = []
    if (after := term_ended(actor)) is not None and actor.user_id is not None:
        recorded = conn.execute(select(a.id, a.at).where(
            a.target_kind == "user", a.target_id == str(actor.user_id),
            a.action == "user.term").order_by(a.id.desc()).limit(1)).first()
        ended = _moment(after, orgs.working_zone(conn))
        if recorded is not None and str(recorded.at) > ended:
            out.append((ended, int(recorded.id)))
    powers = (state_users.authority_changes(conn, actor.state)
              if actor.state is not None and actor.role in STATE_ROLES else [])
    if any(not c.constitutional for c in powers):
        # a change of its state's authorities that ended it, recorded after its day (an
        # appointment confirmed since as well: it was ended from that day to then)
        confirmed, zone = confirmations(conn, actor), orgs.working_zone(conn)
        for since, (at, entry) in _recorded(conn, actor.state or "").items():
            moment = _moment(since, zone)
            ended = representation.lapsed_by(powers, actor.state or "", since,
                                              _under_at(confirmed, at, actor))
            if at > moment and ended is not None and ended.since == since:
                out.append((moment, entry))
    return sorted(out)


def feed(conn: Connection, *, actor: Principal, after: Cursor | int, limit: int,
         kinds: Sequence[str] = KINDS) -> tuple[list[ChangeOut], Cursor]:
    """The changes after `after` the reader is told of, at most `limit`, and the cursor to
    poll from next (a call reads a bounded part of the trail: an empty page may still move
    the cursor)."""
    if isinstance(after, int):
        after = Cursor(after)
    page = access_changes.changes(conn, actor, after=after, limit=limit, kinds=kinds or KINDS,
                                  readings=readings(conn, actor), late=late(conn, actor))
    return ([ChangeOut(cursor=c.cursor, kind=c.kind, id=c.id, change=c.change,  # type: ignore[arg-type]
                       path=_path(c.kind, c.id, c.row) if c.change == "changed" else None)
             for c in page.changes], page.cursor)


def position(conn: Connection, *, actor: Principal, kinds: Sequence[str] = KINDS) -> int:
    return access_changes.position(conn, actor, kinds or KINDS, readings=readings(conn, actor),
                                   late=late(conn, actor))
