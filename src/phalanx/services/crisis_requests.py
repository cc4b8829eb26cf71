"""The affected state's official request, as a record of the crisis: who asked (by name
and office), when, under which article, for which measures, forces and period, and the
letter itself in the document register. Military measures on a member's territory answer
such a request (`domain/crisis/authority.py`); the crisis room shows it first.

A request is stated by the affected state's authorized representative, or registered by
the Secretariat when the letter reaches it (`policy.acts_for` … CRISIS). It is withdrawn
only by whoever acts for the state that made it (the host state ends the mission); from
then on it covers nothing new (`authority.OfficialRequest.stands`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import representation
from phalanx.domain.access.policy import StateAct, is_staff, why_not_act
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import FINAL, Measure, Stage
from phalanx.services import organization as orgs
from phalanx.services import state_users
from phalanx.services.clock import aware, now
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
from phalanx.services.types import InMoment, RecordId, Said, UtcDateTime

OFFICES = ("head_of_state", "head_of_government", "foreign_minister", "defence_minister",
           "permanent_representative")


class OfficialRequestIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    person: Said = Field(max_length=300)  # who signed it
    office: str = Field(pattern="^(" + "|".join(OFFICES) + ")$")
    at: InMoment  # when it was made (with its zone)
    article: Said = Field(max_length=64)  # e.g. "Treaty art. 4"
    measures: list[Measure] = Field(min_length=1, max_length=10)
    forces: str = Field(default="", max_length=2000)  # what it asks for
    period_days: int | None = Field(default=None, ge=1, le=3650)
    text: str = Field(default="", max_length=50_000)
    document_id: RecordId | None = None  # the letter in the register


class OfficialRequestOut(BaseModel):
    id: int
    state: str
    person: str
    office: str
    at: UtcDateTime
    article: str
    measures: list[Measure]
    forces: str
    period_days: int | None
    text: str
    document_id: int | None
    withdrawn_at: UtcDateTime | None = None  # when its state withdrew it
    withdrawal_reason: str = ""
    # who held power in the state on the request's day, as the Secretariat recorded it
    # (`services/representation.py`); None: no change of its authorities recorded by then
    authorities: str | None = None
    authorities_since: date | None = None


class WithdrawalIn(BaseModel):
    at: InMoment | None = None  # when the state withdrew it (with its zone; default: now)
    reason: str = Field(default="", max_length=5000)  # e.g. "the mission is accomplished"


def _request_out(r: Any) -> OfficialRequestOut:
    return OfficialRequestOut(
        id=r.id, state=r.state_code, person=r.person, office=r.office, at=aware(r.at),
        article=r.article, measures=[Measure(m) for m in r.measures], forces=r.forces,
        period_days=r.period_days, text=r.text, document_id=r.document_id,
        withdrawn_at=aware(r.withdrawn_at) if r.withdrawn_at is not None else None,
        withdrawal_reason=r.withdrawal_reason or "")


def requests_of(conn: Connection, crisis_id: int, actor: Principal | None = None
                ) -> list[OfficialRequestOut]:
    """The crisis's official requests, earliest first (read through the crisis's access);
    for `actor`, a letter in the register it may not read is named by no id."""
    out = [_request_out(r) for r in conn.execute(select(t.official_request).where(
        t.official_request.c.crisis_id == crisis_id).order_by(t.official_request.c.at))]
    if out and (powers := state_users.authority_changes(conn)):
        out = [_in_power(r, powers, orgs.day(conn, r.at)) for r in out]
    if actor is not None:
        seen = access.readable_ids(conn, actor, t.document, (r.document_id for r in out))
        out = [r if r.document_id is None or r.document_id in seen
               else r.model_copy(update={"document_id": None}) for r in out]
    return out


def _in_power(r: OfficialRequestOut, powers: tuple[representation.Change, ...],
              day: date) -> OfficialRequestOut:
    c = representation.in_power(powers, r.state, day)
    return r if c is None else r.model_copy(update={"authorities": c.authorities,
                                                    "authorities_since": c.since})


def as_domain(requests: list[OfficialRequestOut]) -> list[authority.OfficialRequest]:
    return [authority.OfficialRequest(r.state, r.at, r.article, frozenset(r.measures),
                                      r.withdrawn_at) for r in requests]


def record_request(db: Database, crisis_id: int, data: OfficialRequestIn, *,
                   actor: Principal, at: datetime | None = None) -> OfficialRequestOut:
    """Record an affected state's official request for the crisis."""
    from phalanx.services import crises
    from phalanx.services.crises.ending import refuse_if_over

    at = at or now()
    staff = is_staff(actor)
    if not staff and (reason := why_not_act(actor, data.state, StateAct.CRISIS)):
        raise Forbidden(reason)
    if aware(data.at) > at:
        raise Invalid("at", f"the request is dated {data.at.isoformat()}, in the future")
    with db.write(actor) as w:
        row = crises.crisis_row(w.conn, crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        affected = crises.affected_of(row)
        if data.state not in affected:
            raise Invalid("state", f"an official request comes from an affected state "
                                   f"({', '.join(affected)}), not {data.state}")
        if data.document_id is not None and w.conn.execute(
                access.select_visible(t.document, actor, t.document.c.id)
                .where(t.document.c.id == data.document_id)).first() is None:
            raise Invalid("document_id", f"no document {data.document_id}")
        _refuse_recorded(w.conn, crisis_id, data)
        rid = w.conn.execute(insert(t.official_request).values(
            crisis_id=crisis_id, state_code=data.state, person=data.person, office=data.office,
            at=data.at, article=data.article, measures=sorted(m.value for m in data.measures),
            forces=data.forces, period_days=data.period_days, text=data.text,
            document_id=data.document_id, created_by=actor.username, created_at=at,
        ).returning(t.official_request.c.id)).scalar_one()
        asks = ", ".join(sorted(m.value for m in data.measures))
        said = (f"official request of {data.state} ({data.person}, "
                f"{data.office.replace('_', ' ')}), {data.article}: {asks}"
                + (f" — {data.forces}" if data.forces else "")
                + (f", for {data.period_days} days" if data.period_days else ""))
        crises.timeline_event(w, crisis_id, "request", said, at)
        told = _tell(w, row, said, at)
        w.audit("crisis.official_request", "crisis", crisis_id,
                {"request": rid, **data.model_dump(mode="json"), **told})
        w.emit(f"crisis:{crisis_id}", "request", id=rid)
        return next(r for r in requests_of(w.conn, crisis_id, actor) if r.id == rid)


def _refuse_recorded(conn: Connection, crisis_id: int, data: OfficialRequestIn) -> None:
    """The same request (its state's, made at the same moment under the same article)
    recorded twice would be counted as two appeals: the second is refused."""
    o = t.official_request.c
    for r in conn.execute(select(o.id, o.at).where(
            o.crisis_id == crisis_id, o.state_code == data.state,
            o.article == data.article)):
        if aware(r.at) == aware(data.at):
            made = aware(data.at).astimezone(UTC)
            raise Conflict(f"the official request of {data.state} of {made:%Y-%m-%d %H:%M} "
                           f"UTC under {data.article} is recorded already (request {r.id})")


def _tell(w: Write, row: Any, said: str, at: datetime) -> dict[str, Any]:
    """Every reader of the crisis is told of the request at once, and, where it makes
    the obligation of collective defence arise (`crisis_obligations`), which members owe
    their answer and by when: a member learns of what it owes when it arises, not from
    the escalation once it is late. Returns what the request's audit entry says of it:
    how many users were told (`notified`), the states told through one who acts for
    them (`notified_states`: not a reporter, nor one whose appointment has ended), the
    members owing an answer (`owed`) and when it is due (`due_at`), so that the trail
    shows who was told what, not a count alone."""
    from phalanx.domain.access.policy import acts_for, can_read
    from phalanx.services import crisis_obligations, outbox
    from phalanx.services import organization as orgs

    org = orgs.organization(w.conn)
    owed = [x for x in crisis_obligations.lines(w.conn, org, row, at)
            if x.answer is None and x.due_at is not None]
    parts = [said]
    if owed:
        parts.append(f"the answers of {', '.join(x.state for x in owed)} under the obligation "
                     f"of assistance are due by {owed[0].due_at:%Y-%m-%d %H:%M} UTC")
    c = access.classification_of(row)
    subject = f"Official request: crisis {row.id} ({row.title})"
    states: set[str] = set()

    def notice(user: Any) -> tuple[str, str] | None:
        if not can_read(user, c):
            return None
        if user.state and acts_for(user, user.state, StateAct.CRISIS):
            states.add(user.state)  # a state is told when one who acts for it is
        return subject, "\n\n".join(parts)

    told = outbox.enqueue(w.conn, f"crisis:{row.id}", at, notice, exercise=bool(row.exercise))
    due = owed[0].due_at if owed else None
    return {"notified": told, "notified_states": sorted(states),
            "owed": [x.state for x in owed],
            "due_at": aware(due).astimezone(UTC).isoformat() if due is not None else None}


def withdraw_request(db: Database, crisis_id: int, request_id: int, data: WithdrawalIn, *,
                     actor: Principal, at: datetime | None = None) -> OfficialRequestOut:
    """The requesting state withdraws its official request, at a time (not before the
    request, not in the future) and with a reason if it gives one. Only whoever acts for
    that state (`policy.acts_for` … CRISIS) does: the Secretariat registers a request's
    letter but never ends a request in a state's name. A request is withdrawn once, and
    not after the crisis is finished. From its withdrawal on it covers nothing decided,
    linked or deployed (`authority.py`); the units still out come home by a decided
    withdrawal before the crisis closes."""
    from phalanx.services import crises

    at = at or now()
    when = aware(data.at) if data.at is not None else at
    if when > at:
        raise Invalid("at", f"the withdrawal is dated {when.isoformat()}, in the future")
    with db.write(actor) as w:
        row = crises.crisis_row(w.conn, crisis_id, actor, lock=True)
        found = w.conn.execute(select(t.official_request).where(
            t.official_request.c.id == request_id,
            t.official_request.c.crisis_id == crisis_id)).first()
        if found is None:
            raise NotFound("official request", request_id)
        if reason := why_not_act(actor, found.state_code, StateAct.CRISIS):
            raise Forbidden(reason)
        stage = Stage(row.stage)
        if stage in FINAL:
            raise Conflict(f"crisis {crisis_id} is {stage.value.replace('_', ' ')}: its "
                           "official requests no longer change")
        r = _request_out(found)
        if r.withdrawn_at is not None:
            raise Conflict(as_domain([r])[0].withdrawal(already=True))
        if when < r.at:
            raise Invalid("at", f"the request was made at {r.at.isoformat()}: it is withdrawn "
                                f"after that, not at {when.isoformat()}")
        why = data.reason.strip()
        w.conn.execute(update(t.official_request).where(
            t.official_request.c.id == request_id).values(
            withdrawn_at=when, withdrawal_reason=why, withdrawn_by=actor.username))
        crises.timeline_event(w, crisis_id, "request", (
            f"{r.state} withdrew its official request of {r.at.astimezone(UTC):%Y-%m-%d %H:%M}"
            f" UTC at "
            f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC" + (f" — {why}" if why else "")), at)
        w.audit("crisis.official_request.withdrawal", "crisis", crisis_id, {
            "request": request_id, "state": r.state, "at": when.isoformat(), "reason": why})
        # the event announces the crisis's record: it obeys the crisis's marking
        w.emit(f"crisis:{crisis_id}", "request", classification=access.classification_of(row),
               id=request_id, withdrawn=True)
        return next(x for x in requests_of(w.conn, crisis_id, actor) if x.id == request_id)


def requested(conn: Connection, crisis_id: int, affected: list[str], measure: Measure) -> bool:
    """Whether an affected state's recorded official request asks for `measure`."""
    return bool(authority.covering_requests(as_domain(requests_of(conn, crisis_id)),
                                            affected, measure))
