"""Membership after loading: events recorded by the Secretariat, events proposed by an
adopted decision and confirmed by the Secretariat, the contributions ledger, and
appointments made by decision. Each action is one transaction with one audit entry;
the rules are the domain's (`membership.py`, `contributions.py`, `rotation.py`): an
event the rules refuse is refused here with the rule's words (422).

`propose_from_decision` and `appoint_from_decision` run inside the caller's write
transaction (the adoption of a decision); a decision taken in an exercise changes
nothing real and is refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access, org_repository
from phalanx.adapters.db import tables as t
from phalanx.domain import contributions as ledger_rules
from phalanx.domain import leaving, rotation
from phalanx.domain import membership as rules
from phalanx.domain.access.policy import LEDGER, can_read, is_staff
from phalanx.domain.access.principal import Principal
from phalanx.domain.organization import EventKind, MembershipEvent, Organization
from phalanx.domain.records import with_records
from phalanx.services import organization as orgs
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

# the questions a decision or the Secretariat may record, and the event each makes
KINDS: dict[str, EventKind] = {
    "admission": EventKind.JOIN, "suspension": EventKind.SUSPEND,
    "lifting_of_suspension": EventKind.RESUME, "notice_of_withdrawal": EventKind.NOTICE,
    "obligations_settled": EventKind.SETTLE, "withdrawal": EventKind.WITHDRAW,
    "expulsion": EventKind.EXPEL, "not_taking_part": EventKind.STAND_ASIDE,
    "taking_part_again": EventKind.TAKE_PART,
}
Kind = Literal["admission", "suspension", "lifting_of_suspension", "notice_of_withdrawal",
               "obligations_settled", "withdrawal", "expulsion", "not_taking_part",
               "taking_part_again"]


class EventIn(BaseModel):
    state: str = Field(pattern=r"^[A-Z]{3}$")
    kind: Kind
    on: date
    note: str = Field(default="", max_length=2000)
    source: str = Field(default="", max_length=500)


class RecordOut(BaseModel):
    id: int
    state: str
    kind: str
    event: str
    on: date
    note: str
    source: str
    decision_id: int | None
    status: str
    proposed_by: str
    confirmed_by: str | None


class ContributionIn(BaseModel):
    assessed: float = Field(ge=0, le=1e12)
    paid: float = Field(ge=0, le=1e12)
    paid_on: date | None = None


class ContributionOut(BaseModel):
    state: str
    year: int
    assessed: float
    paid: float
    paid_on: date | None
    illustrative: bool
    source: str


class ArrearsOut(BaseModel):
    state: str
    on: date
    owed: float
    threshold: float
    in_arrears: bool
    years: list[int]
    standing: str


def _require_staff(actor: Principal, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"only the Secretariat {what}")


def _kind_of(event: EventKind) -> str:
    return next(k for k, v in KINDS.items() if v is event)


def _validate(org: Organization, state: str, kind: EventKind, on: date,
              by_decision: bool = False) -> None:
    """Refuse an event the membership rules refuse, with their words."""
    if state not in org.states:
        raise Invalid("state", f"unknown state {state!r}")
    if kind is EventKind.EXPEL and not org.settings.get("expulsion_allowed"):
        raise Invalid("kind", "this organization's rules do not provide for expulsion")
    candidate = with_records(org, (MembershipEvent(state, kind, on),))
    index = len(candidate.membership) - 1
    _, problems = rules.timeline(candidate)
    mine = [p for p in problems if p.path[:2] == ("membership", index)]
    if not mine:  # a withdrawal too early for a notice names the withdrawal itself
        mine = [p for p in problems if p.path[0] == "membership"
                and candidate.membership[p.path[1]].state == state
                and p not in rules.timeline(org)[1]]
    if mine:
        raise Invalid("kind", f"{state} on {on}: {mine[0].message}")
    if (why := leaving.recording_problem(org, state, kind, on, by_decision)) is not None:
        raise Invalid("kind", f"{state} on {on}: {why}")


def _out(r: object) -> RecordOut:
    return RecordOut(id=r.id, state=r.state_code, kind=_kind_of(EventKind(r.kind)),  # type: ignore[attr-defined]
                     event=r.kind, on=r.on_date, note=r.note, source=r.source,  # type: ignore[attr-defined]
                     decision_id=r.decision_id, status=r.status,  # type: ignore[attr-defined]
                     proposed_by=r.proposed_by, confirmed_by=r.confirmed_by)  # type: ignore[attr-defined]


def _insert(w: Write, data: EventIn, status: str, decision_id: int | None) -> int:
    now = datetime.now(UTC)
    row = {"state_code": data.state, "kind": KINDS[data.kind].value, "on_date": data.on,
           "note": data.note, "source": data.source, "decision_id": decision_id,
           "status": status, "proposed_by": w.actor.username, "proposed_at": now,
           "confirmed_by": w.actor.username if status == "confirmed" else None,
           "confirmed_at": now if status == "confirmed" else None}
    return int(w.conn.execute(insert(t.membership_record).values(**row))
               .inserted_primary_key[0])


def record_event(db: Database, data: EventIn, *, actor: Principal) -> RecordOut:
    """The Secretariat records a membership event a state gives it (a notice of
    withdrawal, its obligations settled, standing aside or taking part again, a
    withdrawal after its notice); the Council's acts come by decision (422 otherwise)."""
    _require_staff(actor, "records membership events")
    with db.write(actor) as w:
        org_repository.lock_records(w.conn)
        _validate(orgs.organization(w.conn), data.state, KINDS[data.kind], data.on)
        rid = _insert(w, data, "confirmed", None)
        w.audit("membership.record", "membership_record", rid, data.model_dump(mode="json"))
        w.emit("organization", "membership", state=data.state)
        return _out(_row(w.conn, rid))


def _decision(w: Write, decision_id: int) -> object:
    """The decision, as the acting principal may see it (the caller adopted it)."""
    d = w.conn.execute(access.select_visible(t.decision, w.actor)
                       .where(t.decision.c.id == decision_id)).first()
    if d is None:
        raise NotFound("decision", decision_id)
    return d


def propose_from_decision(w: Write, *, decision_id: int, state: str, kind: str, on: date,
                          actor: Principal) -> int:
    """An adopted decision on a membership question proposes the event, for the
    Secretariat to confirm. Runs inside the caller's write transaction; returns the
    proposal's id."""
    d = _decision(w, decision_id)
    if d.exercise:
        raise Conflict("a decision taken in an exercise changes no membership")
    if kind not in KINDS:
        raise Invalid("kind", f"not a membership question: {kind!r}")
    data = EventIn(state=state, kind=kind, on=on,  # type: ignore[arg-type]
                   source=f"decision {d.number}")
    org_repository.lock_records(w.conn)
    _validate(orgs.organization(w.conn), state, KINDS[kind], on, by_decision=True)
    rid = _insert(w, data, "proposed", decision_id)
    w.audit("membership.propose", "membership_record", rid,
            {**data.model_dump(mode="json"), "decision_id": decision_id, "by": actor.username})
    return rid


def confirm(db: Database, proposal_id: int, *, actor: Principal) -> RecordOut:
    """The Secretariat confirms a proposed event; from then on it counts."""
    _require_staff(actor, "confirms membership events")
    with db.write(actor) as w:
        org_repository.lock_records(w.conn)  # read after the lock: confirmed once
        r = _row(w.conn, proposal_id)
        if r.status != "proposed":
            raise Conflict(f"membership record {proposal_id} is {r.status}, not proposed")
        _validate(orgs.organization(w.conn), r.state_code, EventKind(r.kind), r.on_date,
                  by_decision=r.decision_id is not None)
        w.conn.execute(update(t.membership_record).where(t.membership_record.c.id == r.id)
                       .values(status="confirmed", confirmed_by=actor.username,
                               confirmed_at=datetime.now(UTC)))
        w.audit("membership.confirm", "membership_record", r.id,
                {"state": r.state_code, "event": r.kind, "on": r.on_date.isoformat()})
        w.emit("organization", "membership", state=r.state_code)
        return _out(_row(w.conn, r.id))


def _row(conn: Connection, rid: int) -> object:
    r = conn.execute(select(t.membership_record).where(t.membership_record.c.id == rid)).first()
    if r is None:
        raise NotFound("membership record", rid)
    return r


def records(conn: Connection, *, actor: Principal) -> list[RecordOut]:
    """The events recorded after loading, as `actor` reads them. A decision's proposal is
    what the decision says until the Secretariat confirms it: listed only to readers of
    the decision. Confirmed, the event is the organization's and every reader's, but the
    decision it came from is named (by id, and by number in its source) only to them."""
    rows = list(conn.execute(select(t.membership_record)
                             .order_by(t.membership_record.c.id)))
    read = access.readable_ids(conn, actor, t.decision, [r.decision_id for r in rows])
    out = []
    for r in rows:
        if r.decision_id is None or r.decision_id in read:
            out.append(_out(r))
        elif r.status == "confirmed":
            out.append(_out(r).model_copy(update={"decision_id": None,
                                                  "source": "a decision"}))
    return out


# --- contributions -----------------------------------------------------------------------


def _may_read_ledger(actor: Principal) -> None:
    if not can_read(actor, LEDGER):
        raise Forbidden("the contributions ledger and the arrears are read by the members "
                        "and the Organization's staff")


def ledger(conn: Connection, state: str | None = None, *, actor: Principal
           ) -> list[ContributionOut]:
    """The contributions ledger, for those who may read it (`policy.LEDGER`)."""
    _may_read_ledger(actor)
    return [ContributionOut(state=c.state, year=c.year, assessed=c.assessed, paid=c.paid,
                            paid_on=c.paid_on, illustrative=c.illustrative, source=c.source)
            for c in org_repository.contributions(conn) if state is None or c.state == state]


def set_contribution(db: Database, state: str, year: int, data: ContributionIn, *,
                     actor: Principal) -> ContributionOut:
    """The Secretariat enters or corrects a state's assessment and payment for a year."""
    _require_staff(actor, "keeps the contributions ledger")
    if data.paid > data.assessed:
        raise Invalid("paid", "paid more than assessed")
    if data.paid_on is not None and data.paid_on.year < year:
        raise Invalid("paid_on", "paid before the year it is for")
    with db.write(actor) as w:
        org_repository.lock_records(w.conn)  # a first entry made twice at once: one row
        if state not in orgs.organization(w.conn).states:
            raise Invalid("state", f"unknown state {state!r}")
        c = t.contribution.c
        old = w.conn.execute(select(t.contribution).where(c.state_code == state,
                                                          c.year == year)).first()
        values = {"assessed": data.assessed, "paid": data.paid, "paid_on": data.paid_on,
                  "illustrative": False, "source": f"Secretariat ({actor.username})",
                  "edited": True}
        if old is None:
            w.conn.execute(insert(t.contribution).values(state_code=state, year=year, **values))
        else:
            w.conn.execute(update(t.contribution).where(c.id == old.id).values(**values))
        w.audit("contribution.set", "contribution", f"{state}-{year}",
                {**data.model_dump(mode="json"),
                 "before": None if old is None else {"assessed": old.assessed,
                                                     "paid": old.paid}})
        return next(x for x in ledger(w.conn, state, actor=actor) if x.year == year)


def arrears(org: Organization, on: date, *, actor: Principal) -> list[ArrearsOut]:
    """Each member's arrears and standing on `on`, for those who may read the ledger."""
    _may_read_ledger(actor)
    out = []
    for m in rules.members_on(org, on):
        a = ledger_rules.arrears(org, m.state, on)
        out.append(ArrearsOut(state=m.state, on=on, owed=a.owed, threshold=a.threshold,
                              in_arrears=ledger_rules.in_arrears(org, m.state, on),
                              years=list(a.years),
                              standing=rules.standing_on(org, m.state, on).value))
    return out


# --- appointments by decision ------------------------------------------------------------


def appointment_problem(org: Organization, post: str, state: str | None, start: date,
                        acting: bool = False, out_of_rotation: bool = False
                        ) -> tuple[str, str] | None:
    """Why an appointment of `state`'s national to `post` from `start` may not be made
    (the field and the reason), or None: an unknown post, a nominating state not in good
    standing (arrears cost the right to nominate), or a state other than the term's in
    the rotation without the decision saying it departs from it."""
    if post not in org.posts:
        return "post", f"unknown post {post!r}"
    if state is not None and not acting and not rotation.in_good_standing(org, state, start):
        return "state", (f"{state} is not a member in good standing on {start} and cannot "
                         "nominate the holder")
    due = rotation.term_state(org, post, start) if not acting else None
    if due is not None and state != due and not out_of_rotation:
        term = rotation.term_of(org.posts[post], start)
        span = (f"{term.start:%Y}–{term.end.year - 1}" if term and term.start and term.end
                else f"of {start.year}")
        return "state", (f"the term {span} is {due}'s in the "
                         f"rotation: the decision names {state or 'no state'}; a departure "
                         "from the rotation must say so (out_of_rotation)")
    return None


def appoint_from_decision(w: Write, *, decision_id: int, post: str, person: str,
                          state: str | None, start: date, actor: Principal,
                          acting: bool = False, out_of_rotation: bool = False) -> int:
    """An adopted appointment decision updates the post from `start` (the previous
    holder's term ends that day) to the end of the term it starts in; the person is of
    the term's state in the rotation unless the decision says it departs from it. Runs
    inside the caller's write transaction."""
    d = _decision(w, decision_id)
    if d.exercise:
        raise Conflict("a decision taken in an exercise appoints nobody")
    org_repository.lock_records(w.conn)
    org = orgs.organization(w.conn)
    if not person.strip():
        raise Invalid("person", "name the person appointed")
    if (problem := appointment_problem(org, post, state, start, acting,
                                       out_of_rotation)) is not None:
        raise Invalid(*problem)
    rid = int(w.conn.execute(insert(t.post_record).values(
        post_key=post, person=person.strip(), state_code=state, start=start, acting=acting,
        decision_id=decision_id, note=f"appointed by decision {d.number}",
        recorded_by=actor.username, recorded_at=datetime.now(UTC)))
        .inserted_primary_key[0])
    w.audit("post.appoint", "post", post, {"person": person, "state": state,
                                           "start": start.isoformat(), "acting": acting,
                                           "decision_id": decision_id})
    return rid

