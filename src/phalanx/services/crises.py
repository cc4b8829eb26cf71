"""The crisis response system: intake (a representative, the Secretariat's watch list,
an OASIS CAP alert), consultations, decision, response with requests and offers of
assistance, deployment, monitoring, closing with the after-action review — each step
guarded by `domain/crisis/workflow.py`, timed by `domain/crisis/clocks.py`, audited,
announced live and through the notification outbox.

Actions take `at=` so that an exercise can run the same engine on its own clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, or_, select, update

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import (
    STAFF,
    Classification,
    Marking,
    OwnerKind,
    StateAct,
    acts_for,
    can_read,
    why_not_act,
)
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import authority, clocks
from phalanx.domain.crisis.workflow import (
    FINAL,
    MILITARY,
    Category,
    Measure,
    Situation,
    Stage,
    next_stages,
    refusals,
)
from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.domain.organization import Organization
from phalanx.services import crisis_card, crisis_obligations, identity
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.crisis_card import MarkOut
from phalanx.services.crisis_obligations import LineOut, NoticeOut
from phalanx.services.crisis_requests import OfficialRequestOut, as_domain, requests_of
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound, missing_as
from phalanx.services.types import RecordId, UtcDateTime

Severity = Literal["extreme", "severe", "moderate", "minor"]
CAP_SEVERITY = {"Extreme": "extreme", "Severe": "severe", "Moderate": "moderate",
                "Minor": "minor"}




def _states(packed: str) -> list[str]:
    return [s for s in packed.split(",") if s]


# --- read models --------------------------------------------------------------------------


class CrisisIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    category: str = Field(min_length=1, max_length=64)
    affected: list[str] = Field(min_length=1, max_length=20)
    severity: Severity = "severe"
    place: str = Field(default="", max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    description: str = Field(default="", max_length=20_000)
    exercise: bool = False
    marking: Marking = Marking.ORGANIZATION
    participants: list[str] = Field(default_factory=list, max_length=20)
    observers: bool = False


class StageClockOut(BaseModel):
    stage: Stage
    entered: UtcDateTime
    left: UtcDateTime | None
    elapsed_minutes: float
    target_minutes: float | None
    overdue: bool
    overdue_minutes: float


class ScorecardOut(BaseModel):
    to_consultations_minutes: float | None
    to_decision_minutes: float | None
    to_first_offer_minutes: float | None
    to_first_deployment_minutes: float | None


class EventOut(BaseModel):
    at: UtcDateTime
    kind: str
    stage: str | None
    actor: str
    text: str


class OfferOut(BaseModel):
    id: int
    request_id: int
    state: str
    kind: str
    description: str
    quantity: int
    status: str


class RequestOut(BaseModel):
    id: int
    state: str
    resource: str
    measure: str
    quantity: int
    unit: str
    place: str
    needed_by: UtcDateTime
    lapses_at: UtcDateTime
    status: str
    covered: int
    gap: int
    offers: list[OfferOut]


class SitrepOut(BaseModel):
    id: int
    at: UtcDateTime
    author: str
    state: str | None
    situation: str
    casualties: str
    measures: str
    needs: str
    attachments: list[dict[str, Any]] = []


class CrisisOut(BaseModel):
    id: int
    title: str
    category: str
    category_name: str
    category_name_ru: str
    basis: str
    obligation: str
    stage: Stage
    severity: str
    affected: list[str]
    place: str
    lat: float | None
    lon: float | None
    description: str
    reported_at: UtcDateTime
    origin: str
    cap_identifier: str | None
    exercise: bool
    measures: list[str]
    eligible_measures: list[str]
    convene: list[str]
    session_id: int | None
    decision_id: int | None
    authorizes: list[str]
    closing_reason: str
    review: str
    revision: int
    marking: Marking
    next_stages: list[Stage]
    overdue: bool
    overdue_minutes: float
    clocks: list[StageClockOut] = Field(default_factory=list)  # not copied per crisis
    scorecard: ScorecardOut | None = None
    timeline: list[EventOut] = Field(default_factory=list)  # not copied per crisis
    requests: list[RequestOut] = Field(default_factory=list)  # not copied per crisis
    sitreps: list[SitrepOut] = Field(default_factory=list)  # not copied per crisis
    official_requests: list[OfficialRequestOut] = Field(default_factory=list)
    sessions: list[int] = Field(default_factory=list)  # every session held on the crisis
    obligations: list[LineOut] = Field(default_factory=list)  # art. 4: every member's line
    un_notice: NoticeOut | None = None  # the UN Security Council notice, once opened
    # from the official request (else the report) to each step, beside its target
    response_card: list[MarkOut] = Field(default_factory=list)


def _category(org: Organization, key: str) -> Category:
    cat = org.crisis_categories.get(key)
    if cat is None:
        raise Invalid("category", f"unknown category {key!r} (known: "
                                  f"{', '.join(org.crisis_categories)})")
    assert isinstance(cat, Category)
    return cat


def _row(conn: Connection, crisis_id: int, actor: Principal, lock: bool = False) -> Any:
    stmt = access.select_visible(t.crisis, actor).where(t.crisis.c.id == crisis_id)
    row = conn.execute(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("crisis", crisis_id)
    return row


crisis_row = _row  # for the other services of the crisis (forces, requests)


def affected_of(row: Any) -> list[str]:
    return _states(row.affected)


def _history(conn: Connection, crisis_id: int) -> list[tuple[Stage, datetime]]:
    return [(Stage(r.stage), aware(r.at)) for r in conn.execute(
        select(t.crisis_event.c.stage, t.crisis_event.c.at).where(
            t.crisis_event.c.crisis_id == crisis_id, t.crisis_event.c.kind == "stage")
        .order_by(t.crisis_event.c.at, t.crisis_event.c.id))]


def _minutes(d: timedelta | None) -> float | None:
    return round(d.total_seconds() / 60, 1) if d is not None else None


def _requests(conn: Connection, crisis_id: int, at: datetime) -> list[RequestOut]:
    offers: dict[int, list[OfferOut]] = {}
    for o in conn.execute(select(t.assistance_offer).join(
            t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
            .where(t.assistance_request.c.crisis_id == crisis_id)
            .order_by(t.assistance_offer.c.id)):
        offers.setdefault(o.request_id, []).append(OfferOut(
            id=o.id, request_id=o.request_id, state=o.state_code, kind=o.kind,
            description=o.description, quantity=o.quantity, status=o.status))
    out = []
    for r in conn.execute(select(t.assistance_request).where(
            t.assistance_request.c.crisis_id == crisis_id).order_by(t.assistance_request.c.id)):
        mine = offers.get(r.id, [])
        covered = sum(o.quantity for o in mine if o.status == "accepted")
        status = r.status
        if status == "open" and covered >= r.quantity:
            status = "covered"
        elif status == "open" and aware(r.lapses_at) <= at:
            status = "lapsed"
        out.append(RequestOut(
            id=r.id, state=r.state_code, resource=r.resource, measure=r.measure,
            quantity=r.quantity, unit=r.unit, place=r.place, needed_by=aware(r.needed_by),
            lapses_at=aware(r.lapses_at), status=status, covered=covered,
            gap=max(r.quantity - covered, 0) if status != "withdrawn" else 0, offers=mine))
    return out


def _attachments(conn: Connection, ids: list[int], actor: Principal) -> list[dict[str, Any]]:
    """The attached documents this user may see (the others are not mentioned)."""
    if not ids:
        return []
    rows = conn.execute(access.select_visible(t.document, actor, t.document.c.id,
                                              t.document.c.title, t.document.c.marking)
                        .where(t.document.c.id.in_(ids)))
    return [{"id": r.id, "title": r.title, "marking": r.marking} for r in rows]


def _first_offers(conn: Connection, ids: list[int]) -> dict[int, datetime]:
    """The time of the first offer of assistance, per crisis, in one query."""
    rows = conn.execute(
        select(t.assistance_request.c.crisis_id, func.min(t.assistance_offer.c.created_at))
        .join(t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
        .where(t.assistance_request.c.crisis_id.in_(ids))
        .group_by(t.assistance_request.c.crisis_id))
    return {cid: at for cid, at in rows if at is not None}


def _histories(conn: Connection, ids: list[int]) -> dict[int, list[tuple[Stage, datetime]]]:
    out: dict[int, list[tuple[Stage, datetime]]] = {i: [] for i in ids}
    for r in conn.execute(select(t.crisis_event.c.crisis_id, t.crisis_event.c.stage,
                                 t.crisis_event.c.at).where(
            t.crisis_event.c.crisis_id.in_(ids), t.crisis_event.c.kind == "stage")
            .order_by(t.crisis_event.c.at, t.crisis_event.c.id)):
        out[r.crisis_id].append((Stage(r.stage), aware(r.at)))
    return out


def _out(conn: Connection, row: Any, at: datetime, detail: bool = False,
         actor: Principal = SYSTEM,
         prefetched: tuple[list[tuple[Stage, datetime]], datetime | None] | None = None,
         org: Organization | None = None) -> CrisisOut:
    cat = _category(org or orgs.organization(conn), row.category)
    if prefetched is not None:
        history, first_offer = prefetched
    else:
        history = _history(conn, row.id)
        first_offer = _first_offers(conn, [row.id]).get(row.id)
    cl = clocks.stage_clocks(history, cat.targets, at)
    current = cl[-1] if cl else None
    card = clocks.scorecard(history, aware(first_offer) if first_offer else None)
    out = CrisisOut(
        id=row.id, title=row.title, category=row.category, category_name=cat.name_en,
        category_name_ru=cat.name_ru, basis=cat.basis, obligation=cat.obligation,
        stage=Stage(row.stage), severity=row.severity, affected=_states(row.affected),
        place=row.place, lat=row.lat, lon=row.lon, description=row.description,
        reported_at=aware(row.reported_at), origin=row.origin,
        cap_identifier=row.cap_identifier, exercise=row.exercise, measures=list(row.measures),
        eligible_measures=sorted(m.value for m in cat.measures), convene=list(cat.convene),
        session_id=row.session_id,
        decision_id=row.decision_id if row.decision_id is None or actor.role is Role.SYSTEM
        or conn.execute(_visible_decisions(actor).where(
            t.decision.c.id == row.decision_id)).first() else None,
        authorizes=list(row.authorizes), closing_reason=row.closing_reason, review=row.review,
        revision=row.revision, marking=Marking(row.marking),
        next_stages=next_stages(Stage(row.stage)),
        overdue=bool(current and current.overdue),
        overdue_minutes=_minutes(current.overdue_by) or 0.0 if current else 0.0,
        scorecard=ScorecardOut(
            to_consultations_minutes=_minutes(card.to_consultations),
            to_decision_minutes=_minutes(card.to_decision),
            to_first_offer_minutes=_minutes(card.to_first_offer),
            to_first_deployment_minutes=_minutes(card.to_first_deployment)))
    if detail:
        out.clocks = [StageClockOut(
            stage=c.stage, entered=c.entered, left=c.left,
            elapsed_minutes=_minutes(c.elapsed) or 0.0, target_minutes=_minutes(c.target),
            overdue=c.overdue, overdue_minutes=_minutes(c.overdue_by) or 0.0) for c in cl]
        ev = t.crisis_event.c
        out.timeline = [EventOut(at=aware(e.at), kind=e.kind, stage=e.stage, actor=e.actor,
                                 text=e.text)
                        for e in conn.execute(select(t.crisis_event).where(
                            ev.crisis_id == row.id,
                            # an entry naming a decision obeys the decision's marking
                            or_(ev.decision_id.is_(None),
                                ev.decision_id.in_(_visible_decisions(actor))))
                            .order_by(ev.at, ev.id))]
        out.requests = _requests(conn, row.id, at)
        out.official_requests = requests_of(conn, row.id)
        the_org = org or orgs.organization(conn)
        out.obligations = crisis_obligations.lines(conn, the_org, row, at)
        out.un_notice = crisis_obligations.notice(conn, the_org, row.id, at)
        out.response_card = crisis_card.response_card(
            conn, the_org, row, history,
            out.official_requests[0].at if out.official_requests else None,
            out.un_notice.sent_at if out.un_notice else None,
            cat.obliged == "all_members", at)
        out.sessions = [r.meeting_id for r in conn.execute(
            select(t.crisis_session.c.meeting_id).where(t.crisis_session.c.crisis_id == row.id)
            .order_by(t.crisis_session.c.convened_at, t.crisis_session.c.meeting_id))]
        out.sitreps = [SitrepOut(id=s.id, at=aware(s.at), author=s.author, state=s.state_code,
                                 situation=s.situation, casualties=s.casualties,
                                 measures=s.measures, needs=s.needs,
                                 attachments=_attachments(conn, list(s.document_ids), actor))
                       for s in conn.execute(select(t.sitrep).where(
                           t.sitrep.c.crisis_id == row.id).order_by(t.sitrep.c.at))]
    return out


def _visible_decisions(actor: Principal) -> Any:
    """The ids of the decisions `actor` may read (a subquery)."""
    return access.select_visible(t.decision, actor, t.decision.c.id)


def get(conn: Connection, crisis_id: int, *, actor: Principal,
        at: datetime | None = None) -> CrisisOut:
    return _out(conn, _row(conn, crisis_id, actor), at or now(), detail=True, actor=actor)


def board(conn: Connection, *, actor: Principal, at: datetime | None = None,
          include_closed: bool = False, exercise: bool | None = None) -> list[CrisisOut]:
    """Open crises, most urgent first: by severity, then by how overdue they are."""
    at = at or now()
    stmt = access.select_visible(t.crisis, actor)
    if not include_closed:
        stmt = stmt.where(t.crisis.c.stage.not_in([s.value for s in FINAL]))
    if exercise is not None:
        stmt = stmt.where(t.crisis.c.exercise.is_(exercise))
    rows = list(conn.execute(stmt))
    ids = [r.id for r in rows]
    histories, offers = _histories(conn, ids), _first_offers(conn, ids)
    org = orgs.organization(conn)  # once for the board, not once a crisis
    items = [_out(conn, r, at, prefetched=(histories[r.id], offers.get(r.id)), org=org,
                  actor=actor)
             for r in rows]
    return sorted(items, key=lambda c: clocks.urgency(
        c.severity, timedelta(minutes=c.overdue_minutes)))


# --- intake -------------------------------------------------------------------------------


def _event(w: Write, crisis_id: int, kind: str, text: str, at: datetime,
           stage: Stage | None = None, decision_id: int | None = None) -> None:
    w.conn.execute(insert(t.crisis_event).values(
        crisis_id=crisis_id, at=at, kind=kind, stage=stage.value if stage else None,
        actor=w.actor.username, text=text, decision_id=decision_id))


add_event = _event  # for the other services of the crisis (forces)



timeline_event = _event  # for the other services of the crisis

def _notify(w: Write, org: Organization, c: Classification, subject: str, body: str,
            topic: str, at: datetime, only: set[str] | None = None) -> int:
    """One outbox record per entitled, active user (email delivery is the outbox's job)."""
    rows = [dict(created_at=at, recipient=user.username, channel="email", subject=subject,
                 body=body, topic=topic, attempts=0)
            for user in identity.list_users(w.conn)
            if (only is None or user.username in only)
            and user.role is not Role.SYSTEM and can_read(user, c)]
    if rows:  # one statement for all of them
        w.conn.execute(insert(t.notification), rows)
    return len(rows)


def _staff(actor: Principal) -> bool:
    """The Secretariat, the Joint Staff, the administrator (and the system) act for the
    organization; the auditor reads only."""
    return actor.role is not Role.AUDITOR and (actor.role in STAFF or actor.role is Role.SYSTEM)


def may_open(actor: Principal, affected: list[str]) -> None:
    """Who opens a crisis: the Secretariat, the Joint Staff, or an affected state's
    authorized representative (`policy.acts_for` … CRISIS)."""
    if not _staff(actor) and not any(acts_for(actor, s, StateAct.CRISIS) for s in affected):
        raise Forbidden(why_not_act(actor, (affected or ["?"])[0], StateAct.CRISIS)
                        or "only an affected state's representative or the Secretariat "
                           "opens a crisis")


def open_crisis(db: Database, data: CrisisIn, *, actor: Principal, origin: str = "",
                cap_identifier: str | None = None, at: datetime | None = None) -> CrisisOut:
    """Open a crisis: the clock starts, and every entitled user is told at once."""
    at = at or now()
    may_open(actor, data.affected)
    with db.write(actor) as w:
        crisis_id = open_in(w, data, origin=origin, cap_identifier=cap_identifier, at=at)
    with db.read() as conn:  # after the commit: the open pages are told before this is read
        return _out(conn, _row(conn, crisis_id, SYSTEM), at, detail=True, actor=actor)


def open_in(w: Write, data: CrisisIn, *, origin: str, cap_identifier: str | None,
            at: datetime) -> int:
    """Open a crisis inside a write already under way (CAP intake records the alert in
    the same transaction); the caller has checked that the actor may."""
    actor = w.actor
    org = orgs.organization(w.conn)
    cat = _category(org, data.category)
    members = {m.state for m in membership.members_on(org, at.date())}
    strangers = sorted(set(data.affected) - members)
    if strangers:
        raise Invalid("affected", f"{strangers} are not members on {at.date()}")
    c = Classification(OwnerKind.SECRETARIAT, "secretariat", data.marking,
                       frozenset(data.participants), data.observers)
    for problem in c.problems():
        raise Invalid("marking", problem)
    crisis_id = w.conn.execute(insert(t.crisis).values(
        title=data.title, category=cat.key, stage=Stage.REPORTED.value,
        severity=data.severity, affected=access.pack_participants(set(data.affected)),
        place=data.place, lat=data.lat, lon=data.lon, description=data.description,
        reported_at=at, opened_by=actor.username,
        origin=origin or ("representative" if actor.state else "secretariat"),
        cap_identifier=cap_identifier, exercise=data.exercise, bilateral_dispute=False,
        against_cis_or_neighbour=False, official_request=False, un_mandate=False,
        on_member_territory=True, measures=[], authorizes=[], closing_reason="",
        review="", revision=1, **access.classification_values(c),
    ).returning(t.crisis.c.id)).scalar_one()
    _event(w, crisis_id, "stage", f"reported: {data.title}", at, Stage.REPORTED)
    prefix = "[EXERCISE] " if data.exercise else ""
    sent = _notify(w, org, c, f"{prefix}Crisis reported: {data.title}",
                   f"{cat.name_en} affecting {', '.join(data.affected)}. {cat.basis}. "
                   f"Consultations are due within "
                   f"{cat.targets.get('reported', 60)} minutes.", f"crisis:{crisis_id}", at)
    w.audit("crisis.open", "crisis", crisis_id, {
        "title": data.title, "category": cat.key, "affected": data.affected,
        "severity": data.severity, "exercise": data.exercise, "origin": origin,
        "notified": sent})
    w.emit("crises", "opened", classification=c, id=crisis_id)
    return int(crisis_id)


def import_cap(db: Database, data: bytes, affected: list[str], *, actor: Principal,
               category: str | None = None, at: datetime | None = None,
               **trust: Any) -> CrisisOut:
    """The crisis an OASIS CAP message (1.2, 1.1 or 1.0) opens or changes
    (`services/alerts.py`); a message that would open no crisis is refused, and a
    message already received returns its crisis."""
    from phalanx.services import alerts

    r = alerts.receive(db, data, alerts.Route(tuple(affected), category,
                                              require_crisis=True),
                       actor=actor, at=at, **trust)
    if r.crisis is None:
        raise Invalid("alert", f"already received; it opened no crisis "
                               f"({r.alert.action_detail})")
    return r.crisis


def category_for_cap(org: Organization, categories: tuple[str, ...]) -> str:
    for c in categories:
        for cat in org.crisis_categories.values():
            if c in cat.cap_categories:
                return str(cat.key)
    if not org.crisis_categories:
        raise Invalid("category", "the organization defines no crisis categories")
    raise Invalid("category", f"no crisis category maps the CAP categories {list(categories)}; "
                              "name one with --category")


def export_cap(conn: Connection, crisis_id: int, *, actor: Principal) -> bytes:
    c = get(conn, crisis_id, actor=actor)
    org = orgs.organization(conn)
    cat = _category(org, c.category)
    point = ((c.lat, c.lon, 0.0),) if c.lat is not None and c.lon is not None else ()
    from phalanx.services import alerts  # the CAP messages the crisis came from

    received = alerts.export_infos(conn, crisis_id, actor=actor, closed=c.stage in FINAL)
    return cap.to_cap12(cap.CapOut(
        identifier=f"{org.key}-crisis-{c.id}", sender=f"secretariat@{org.key}.phalanx",
        sent=c.reported_at, exercise=c.exercise, infos=received or (cap.InfoOut(
            language="en-US", categories=(cat.cap_categories[0],) if cat.cap_categories
            else ("Security",), event=c.category_name,
            urgency="Immediate" if c.stage not in FINAL else "Past",
            severity=c.severity.capitalize(), certainty="Observed", headline=c.title,
            description=c.description, areas=(cap.AreaOut(
                c.place or ", ".join(c.affected), circles=point),)),)))


# --- the algorithm --------------------------------------------------------------------------


def _situation(row: Any, cat: Category, units: int,
               requests: Sequence[authority.OfficialRequest] = ()) -> Situation:
    affected = _states(row.affected)
    requested = frozenset(m for m in MILITARY
                          if authority.covering_requests(requests, affected, m))
    return Situation(
        category=cat, stage=Stage(row.stage), consultations_convened=row.session_id is not None,
        decision_adopted=row.decision_id is not None,
        decision_authorizes=frozenset(Measure(m) for m in row.authorizes),
        measures=frozenset(Measure(m) for m in row.measures),
        bilateral_dispute=row.bilateral_dispute,
        against_cis_or_neighbour=row.against_cis_or_neighbour,
        official_request=Measure.MILITARY_PEACEKEEPING in requested, requested=requested,
        un_mandate=row.un_mandate, on_member_territory=row.on_member_territory,
        units_committed=units, review=row.review)


def _accepted_units(conn: Connection, crisis_id: int) -> int:
    """Units committed: accepted offers of units, and the movements of the crisis's
    decided deployment plan."""
    offers = len(list(conn.execute(select(t.assistance_offer.c.id).join(
        t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
        .where(t.assistance_request.c.crisis_id == crisis_id,
               t.assistance_offer.c.kind == "units", t.assistance_offer.c.status == "accepted"))))
    plan = conn.execute(select(t.deployment_plan.c.movements).where(
        t.deployment_plan.c.status == "decided",
        t.deployment_plan.c.crisis_id == crisis_id)).first()
    planned = 0 if plan is None else sum(1 for m in plan.movements
                                         if m["crisis_id"] == crisis_id)
    return offers + planned


def _require_staff(actor: Principal, what: str) -> None:
    if actor.role not in (Role.SECRETARIAT, Role.PLANNER, Role.ADMINISTRATOR, Role.SYSTEM):
        raise Forbidden(f"only the Secretariat and the Joint Staff {what}")


def transition(db: Database, crisis_id: int, target: Stage, *, actor: Principal,
               reason: str = "", review: str = "", revision: int | None = None,
               at: datetime | None = None) -> CrisisOut:
    """Move the crisis to `target` if the algorithm allows it; otherwise Conflict with
    every reason. `revision` guards against acting on a stale page."""
    at = at or now()
    _require_staff(actor, "move a crisis through the algorithm")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        if revision is not None and revision != row.revision:
            raise Conflict(f"the crisis changed since you saw it (revision {row.revision}, "
                           f"not {revision}): reload")
        org = orgs.organization(w.conn)
        cat = _category(org, row.category)
        situation = _situation(row, cat, _accepted_units(w.conn, crisis_id),
                               as_domain(requests_of(w.conn, crisis_id)))
        if review:
            situation = Situation(**{**situation.__dict__, "review": review})
        problems = refusals(situation, target, reason)
        if problems:
            raise Conflict("; ".join(problems))
        values: dict[str, Any] = {"stage": target.value, "revision": row.revision + 1}
        if reason:
            values["closing_reason"] = reason
        if review:
            values["review"] = review
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(**values))
        _event(w, crisis_id, "stage", reason or review or target.value, at, target)
        if target in (Stage.DECISION, Stage.CLOSED, Stage.NO_ACTION, Stage.REJECTED):
            _notify(w, org, access.classification_of(row),
                    f"{'[EXERCISE] ' if row.exercise else ''}Crisis {crisis_id}: {target.value}",
                    f"{row.title}: {reason or review or target.value}", f"crisis:{crisis_id}", at)
        w.audit("crisis.transition", "crisis", crisis_id, {
            "from": row.stage, "to": target.value, "reason": reason, "review": review})
        w.emit(f"crisis:{crisis_id}", "stage", stage=target.value)
        w.emit("crises", "stage", classification=access.classification_of(row),
               id=crisis_id, stage=target.value)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


def convene_consultations(db: Database, crisis_id: int, *, actor: Principal,
                          at: datetime | None = None, link: str = "") -> CrisisOut:
    """Convene emergency consultations (Treaty art. 2) of the first body the category
    names that may meet so, by video conference where it may; then move the crisis to
    the consultations stage."""
    at = at or now()
    _require_staff(actor, "convene consultations")
    with db.read() as conn:
        row = _row(conn, crisis_id, actor)
        org = orgs.organization(conn)
        cat = _category(org, row.category)
    if row.session_id is not None:
        raise Conflict(f"consultations on crisis {crisis_id} are convened already "
                       f"(session {row.session_id})")
    body, kind, mode = _consultation_format(org, cat)
    meeting = dec.convene(db, dec.MeetingIn(
        body=body, kind=kind, mode=mode,
        link=(link or f"https://vc.{org.key}.example/crisis-{crisis_id}")
        if mode is Mode.VIDEO else None,
        title=f"Consultations on crisis {crisis_id}: {row.title}"[:300], opens_at=at,
        convened_by="secretary_general", exercise=row.exercise,
        marking=Marking(row.marking), participants=_states(row.participants),
        observers=row.observers), actor=actor)
    with db.write(actor) as w:
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            session_id=meeting.id, revision=row.revision + 1))
        w.conn.execute(insert(t.crisis_session).values(crisis_id=crisis_id,
                                                       meeting_id=meeting.id, convened_at=at))
        _event(w, crisis_id, "note", f"consultations convened: {meeting.title}", at)
        w.audit("crisis.consultations", "crisis", crisis_id, {"session": meeting.id,
                                                              "body": body})
    return transition(db, crisis_id, Stage.CONSULTATIONS, actor=actor, at=at)


def convene_session(db: Database, crisis_id: int, *, actor: Principal, opens_at: datetime,
                    body: str | None = None, kind: SessionKind = SessionKind.EXTRAORDINARY,
                    mode: Mode = Mode.VIDEO, link: str = "",
                    at: datetime | None = None) -> CrisisOut:
    """Another session on the crisis (e.g. an extraordinary session by video days after
    the first consultations): a crisis holds as many as it needs, each on its timeline."""
    at = at or now()
    _require_staff(actor, "convene a session on a crisis")
    with db.read() as conn:
        row = _row(conn, crisis_id, actor)
        org = orgs.organization(conn)
        cat = _category(org, row.category)
    if row.session_id is None:
        raise Conflict("convene the consultations first (Treaty art. 2)")
    body = body or _consultation_format(org, cat)[0]
    meeting = dec.convene(db, dec.MeetingIn(
        body=body, kind=kind, mode=mode,
        link=(link or f"https://vc.{org.key}.example/crisis-{crisis_id}")
        if mode is Mode.VIDEO else None,
        title=f"{kind.value.capitalize()} session on crisis {crisis_id}: {row.title}"[:300],
        opens_at=opens_at, exercise=row.exercise, marking=Marking(row.marking),
        participants=_states(row.participants), observers=row.observers), actor=actor)
    with db.write(actor) as w:
        w.conn.execute(insert(t.crisis_session).values(crisis_id=crisis_id,
                                                       meeting_id=meeting.id, convened_at=at))
        _event(w, crisis_id, "note", f"session convened: {meeting.title}", at)
        w.audit("crisis.session", "crisis", crisis_id, {"session": meeting.id, "body": body,
                                                        "kind": kind.value})
        w.emit(f"crisis:{crisis_id}", "session", id=meeting.id)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True)


def _consultation_format(org: Organization, cat: Category) -> tuple[str, SessionKind, Mode]:
    for body in cat.convene:
        rules = org.bodies[body].rules
        kinds = rules.get("session_kinds", [])
        if org.bodies[body].seat is None:
            continue
        kind = (SessionKind.EMERGENCY if "emergency" in kinds else
                SessionKind.EXTRAORDINARY if "extraordinary" in kinds else None)
        if kind is not None:
            mode = Mode.VIDEO if rules.get("video_conference") else Mode.IN_PERSON
            return body, kind, mode
    raise Invalid("category", f"none of {list(cat.convene)} may hold an emergency or "
                              "extraordinary session")


def link_decision(db: Database, crisis_id: int, decision_id: int,
                  authorizes: list[Measure] | None = None, *, actor: Principal,
                  at: datetime | None = None) -> CrisisOut:
    """Attach the adopted decision that answers the crisis. What it authorizes is what it
    adopted (its measures, formations, contributing states and period), and only if it
    can (`domain/crisis/authority.py`): a decision, of a competent body, on or after the
    crisis and the request, binding the affected state, with the crisis's exercise flag.
    Each condition that fails is named."""
    at = at or now()
    _require_staff(actor, "attach a decision")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        decision = dec.get_decision(w.conn, decision_id, actor=actor)
        adopted = sorted(decision.authorizes.measures)
        if authorizes is not None and sorted(set(authorizes)) != adopted and authorizes:
            raise Invalid("authorizes", (
                f"what a decision authorizes is adopted with it: {decision.number} authorizes "
                f"{', '.join(m.value for m in adopted) or 'no measure'}"))
        org = orgs.organization(w.conn)
        cat = _category(org, row.category)
        # military measures: the bodies the dataset names; the others: those that consult
        # on such a crisis (the category's `convene`) and those competent for the military
        named = org.settings.get("measure_authority", {})
        wider = [*cat.convene, *(b for bodies in named.values() for b in bodies)]
        competent = {m.value: list(named.get(m.value) or wider) for m in adopted}
        # the affected members that a decision can bind: in full standing or in arrears
        members = {m.state for m in membership.members_on(org, decision.adopted_on)
                   if membership.standing_on(org, m.state, decision.adopted_on)
                   in (Standing.FULL, Standing.IN_ARREARS)}
        basis = authority.DecisionBasis(
            number=decision.number, kind=decision.kind, body=decision.body,
            adopted_on=decision.adopted_on, binding=frozenset(decision.binding),
            exercise=decision.exercise, measures=frozenset(adopted))
        problems = authority.authority_problems(
            basis, affected=[s for s in _states(row.affected) if s in members],
            reported_on=aware(row.reported_at).date(),
            requests=as_domain(requests_of(w.conn, crisis_id)),
            competent=competent, exercise=row.exercise,
            on_member_territory=row.on_member_territory)
        if problems:
            raise Conflict(f"{decision.number} cannot authorize the response: "
                           + "; ".join(problems))
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            decision_id=decision_id, authorizes=[m.value for m in adopted],
            revision=row.revision + 1))
        # the timeline entry and the live event name the decision: they obey its marking
        _event(w, crisis_id, "note", f"decision {decision.number}: {decision.title}", at,
               decision_id=decision_id)
        if crisis_obligations.open_notice(w, org, row, decision_id, at):
            _event(w, crisis_id, "note", "notice to the UN Security Council opened "
                                         "(UN Charter art. 51)", at)
        w.audit("crisis.decision", "crisis", crisis_id, {
            "decision": decision.number, "authorizes": [m.value for m in adopted],
            "formations": decision.authorizes.formations,
            "contributing_states": decision.authorizes.contributing_states,
            "period_days": decision.authorizes.period_days})
        marked = w.conn.execute(access.select_visible(
            t.decision, SYSTEM, t.decision.c.owner_kind, t.decision.c.owner,
            t.decision.c.marking, t.decision.c.participants, t.decision.c.observers).where(
            t.decision.c.id == decision_id)).one()
        w.emit(f"crisis:{crisis_id}", "decision", classification=access.classification_of(marked),
               number=decision.number)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


class ResponseIn(BaseModel):
    measures: list[Measure] = Field(min_length=1)
    bilateral_dispute: bool = False
    against_cis_or_neighbour: bool = False
    un_mandate: bool = False
    on_member_territory: bool = True
    # the official request is a record of its own (`crisis_requests.record_request`),
    # never a box ticked here


def set_response(db: Database, crisis_id: int, data: ResponseIn, *, actor: Principal,
                 at: datetime | None = None) -> CrisisOut:
    """Choose the measures and record the facts the guards need (a dispute between
    members, a CIS partner or neighbour involved, an official request, a UN mandate)."""
    at = at or now()
    _require_staff(actor, "set the response")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        cat = _category(orgs.organization(w.conn), row.category)
        ineligible = sorted(m.value for m in set(data.measures) - cat.measures)
        if ineligible:
            raise Invalid("measures", f"{ineligible} are not eligible for {cat.key} "
                                      f"(eligible: {sorted(m.value for m in cat.measures)})")
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            measures=sorted(m.value for m in data.measures),
            bilateral_dispute=data.bilateral_dispute,
            against_cis_or_neighbour=data.against_cis_or_neighbour,
            un_mandate=data.un_mandate,
            on_member_territory=data.on_member_territory, revision=row.revision + 1))
        _event(w, crisis_id, "note", "measures: " + ", ".join(sorted(
            m.value for m in data.measures)), at)
        w.audit("crisis.response", "crisis", crisis_id, data.model_dump(mode="json"))
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True, actor=actor)


def military_check(conn: Connection, crisis_id: int, *, actor: Principal) -> list[str]:
    """The guards of the military measures as they stand (for the crisis room)."""
    row = _row(conn, crisis_id, actor)
    cat = _category(orgs.organization(conn), row.category)
    from phalanx.domain.crisis.workflow import military_refusals

    s = _situation(row, cat, 0, as_domain(requests_of(conn, crisis_id)))
    return military_refusals(s) if s.measures & MILITARY else []


# --- requests and offers of assistance (EDXL-RM vocabulary) -------------------------------


class RequestIn(BaseModel):
    resource: str = Field(min_length=1, max_length=300)
    measure: Measure = Measure.HUMANITARIAN
    quantity: int = Field(ge=1, le=1_000_000)
    unit: str = Field(default="units", max_length=32)
    place: str = Field(default="", max_length=300)
    needed_by: datetime
    lapses_in_hours: int = Field(default=72, ge=1, le=24 * 90)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


def request_assistance(db: Database, crisis_id: int, data: RequestIn, *, actor: Principal,
                       at: datetime | None = None) -> CrisisOut:
    """The affected state lists a need. Requests lapse unless renewed."""
    at = at or now()
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        state = data.state or actor.state
        if not _staff(actor):
            if state is None:
                raise Forbidden("requests come from an affected state's representative or "
                                "the Secretariat")
            if reason := why_not_act(actor, state, StateAct.CRISIS):
                raise Forbidden(reason)
        if state is None or state not in _states(row.affected):
            raise Invalid("state", f"requests come from an affected state "
                                   f"({', '.join(_states(row.affected))})")
        req_id = w.conn.execute(insert(t.assistance_request).values(
            crisis_id=crisis_id, state_code=state, resource=data.resource,
            measure=data.measure.value, quantity=data.quantity, unit=data.unit,
            place=data.place or row.place, needed_by=data.needed_by,
            lapses_at=at + timedelta(hours=data.lapses_in_hours), status="open",
            created_by=actor.username, created_at=at).returning(
            t.assistance_request.c.id)).scalar_one()
        _event(w, crisis_id, "request", f"{state} requests {data.quantity} {data.unit} "
                                        f"of {data.resource}", at)
        w.audit("assistance.request", "crisis", crisis_id,
                {"request": req_id, **data.model_dump(mode="json"), "state": state})
        w.emit(f"crisis:{crisis_id}", "request", id=req_id)
        return _out(w.conn, row, at, detail=True, actor=actor)


class OfferIn(BaseModel):
    kind: Literal["units", "supplies", "aid"]
    description: str = Field(min_length=1, max_length=2000)
    quantity: int = Field(ge=1, le=1_000_000)
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


def offer_assistance(db: Database, request_id: int, data: OfferIn, *, actor: Principal,
                     at: datetime | None = None) -> CrisisOut:
    """A member offers what it chooses to (voluntary participation)."""
    at = at or now()
    with db.write(actor) as w:
        req = w.conn.execute(select(t.assistance_request).where(
            t.assistance_request.c.id == request_id)).first()
        if req is None:
            raise NotFound("request", request_id)
        with missing_as("request", request_id):
            row = _row(w.conn, req.crisis_id, actor, lock=True)
        state = data.state or actor.state
        if state is None:
            raise Forbidden("offers are made by a state's authorized representative")
        if reason := why_not_act(actor, state, StateAct.CRISIS):
            raise Forbidden(reason)
        org = orgs.organization(w.conn)
        if state not in {m.state for m in membership.members_on(org, at.date())}:
            raise Invalid("state", f"{state} is not a member")
        offer_id = w.conn.execute(insert(t.assistance_offer).values(
            request_id=request_id, state_code=state, kind=data.kind,
            description=data.description, quantity=data.quantity, status="offered",
            created_by=actor.username, created_at=at).returning(
            t.assistance_offer.c.id)).scalar_one()
        _event(w, req.crisis_id, "offer", f"{state} offers {data.quantity} "
                                          f"({data.kind}): {data.description}", at)
        w.audit("assistance.offer", "crisis", req.crisis_id,
                {"offer": offer_id, "request": request_id, "state": state,
                 **data.model_dump(mode="json", exclude={"state"})})
        w.emit(f"crisis:{req.crisis_id}", "offer", id=offer_id)
        return _out(w.conn, row, at, detail=True, actor=actor)


def decide_offer(db: Database, offer_id: int, accept: bool, *, actor: Principal,
                 at: datetime | None = None) -> CrisisOut:
    """The requesting state (or the Secretariat on its behalf) accepts or declines."""
    at = at or now()
    with db.write(actor) as w:
        offer = w.conn.execute(select(t.assistance_offer, t.assistance_request.c.crisis_id,
                                      t.assistance_request.c.state_code.label("requester"))
                               .join(t.assistance_request, t.assistance_request.c.id
                                     == t.assistance_offer.c.request_id)
                               .where(t.assistance_offer.c.id == offer_id)).first()
        if offer is None:
            raise NotFound("offer", offer_id)
        with missing_as("offer", offer_id):
            row = _row(w.conn, offer.crisis_id, actor, lock=True)
        if not _staff(actor) and not acts_for(actor, offer.requester, StateAct.CRISIS):
            raise Forbidden(f"only {offer.requester}, which asked, or the Secretariat accepts "
                            "or declines")
        if offer.status != "offered":
            raise Conflict(f"offer {offer_id} is already {offer.status}")
        status = "accepted" if accept else "declined"
        w.conn.execute(update(t.assistance_offer).where(t.assistance_offer.c.id == offer_id)
                       .values(status=status, decided_at=at))
        _event(w, offer.crisis_id, "offer", f"{offer.requester} {status} the offer of "
                                            f"{offer.state_code}", at)
        w.audit(f"assistance.{status}", "crisis", offer.crisis_id, {"offer": offer_id})
        w.emit(f"crisis:{offer.crisis_id}", "offer", id=offer_id, status=status)
        return _out(w.conn, row, at, detail=True, actor=actor)


# --- situation reports, monitoring, escalation ---------------------------------------------


class SitrepIn(BaseModel):
    situation: str = Field(min_length=1, max_length=20_000)
    casualties: str = Field(default="", max_length=5000)
    measures: str = Field(default="", max_length=5000)
    needs: str = Field(default="", max_length=5000)
    document_ids: list[RecordId] = Field(default_factory=list, max_length=20,
                                    description="attachments: documents of the register")


def add_sitrep(db: Database, crisis_id: int, data: SitrepIn, *, actor: Principal,
               at: datetime | None = None) -> CrisisOut:
    at = at or now()
    if not (_staff(actor) or (actor.state and acts_for(actor, actor.state, StateAct.CRISIS))):
        raise Forbidden("situation reports are filed by the Secretariat, the Joint Staff or "
                        "a state's authorized representative")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor)
        found = {a["id"] for a in _attachments(w.conn, data.document_ids, actor)}
        missing = sorted(set(data.document_ids) - found)
        if missing:
            raise Invalid("document_ids", f"no documents {missing}")
        sid = w.conn.execute(insert(t.sitrep).values(
            crisis_id=crisis_id, at=at, author=actor.username, state_code=actor.state,
            **data.model_dump()).returning(t.sitrep.c.id)).scalar_one()
        _event(w, crisis_id, "sitrep", data.situation[:200], at)
        w.audit("crisis.sitrep", "crisis", crisis_id, {"sitrep": sid})
        w.emit(f"crisis:{crisis_id}", "sitrep", id=sid)
        return _out(w.conn, row, at, detail=True, actor=actor)


def escalate_overdue(db: Database, *, at: datetime | None = None, exercise: bool = False,
                     only: int | None = None) -> list[int]:
    """Every open crisis whose current stage is past its target is escalated once per
    stage: a timeline entry and a notice to the Secretariat and the chair's state.
    Real crises only, unless `exercise`; an exercise escalates its own crisis (`only`)."""
    at = at or now()
    with db.read() as conn:
        overdue = [c for c in board(conn, actor=SYSTEM, at=at, exercise=exercise)
                   if c.overdue and (only is None or c.id == only)]
        org = orgs.organization(conn)
        already = {(r.crisis_id, r.stage) for r in conn.execute(select(
            t.crisis_event.c.crisis_id, t.crisis_event.c.stage).where(
            t.crisis_event.c.kind == "escalation"))}
    chair = membership.chair_of(org, next(iter(org.bodies)), at.year) if org.bodies else None
    done = []
    for c in overdue:
        if (c.id, c.stage.value) in already:
            continue
        with db.write(SYSTEM) as w:
            recipients = {u.username for u in identity.list_users(w.conn)
                          if u.role is Role.SECRETARIAT
                          or (chair is not None and u.state == chair.state
                              and u.role is Role.REPRESENTATIVE)}
            text = (f"stage {c.stage.value} overdue by {c.overdue_minutes:.0f} min; "
                    "escalated to the Secretary General and the chair")
            w.conn.execute(insert(t.crisis_event).values(
                crisis_id=c.id, at=at, kind="escalation", stage=c.stage.value,
                actor="system", text=text))
            _notify(w, org, Classification(OwnerKind.SECRETARIAT, "secretariat",
                                           Marking(c.marking)),
                    f"Overdue: crisis {c.id} ({c.title})", text, f"crisis:{c.id}", at,
                    only=recipients)
            w.audit("crisis.escalate", "crisis", c.id, {"stage": c.stage.value,
                                                        "overdue_minutes": c.overdue_minutes})
            w.emit(f"crisis:{c.id}", "escalation", stage=c.stage.value)
        done.append(c.id)
    return done


def report_pdf(conn: Connection, crisis_id: int, *, actor: Principal) -> bytes:
    """A crisis's situation report as PDF, marked with its classification."""
    from phalanx.adapters.exports import pdf

    c = get(conn, crisis_id, actor=actor)
    card = c.scorecard.model_dump() if c.scorecard else {}
    sections = [
        pdf.Section("Situation", [c.description or "—", f"Category: {c.category_name}. "
                                  f"Basis: {c.basis}.", f"Obligation: {c.obligation}."]),
        pdf.Section("Stages and clocks", table=[["stage", "entered", "minutes", "target",
                                                 "overdue"]] + [
            [k.stage.value, k.entered.strftime("%Y-%m-%d %H:%M"), f"{k.elapsed_minutes:g}",
             "—" if k.target_minutes is None else f"{k.target_minutes:g}",
             f"{k.overdue_minutes:g}" if k.overdue else ""] for k in c.clocks]),
        pdf.Section("Response scorecard (minutes)", table=[["measure", "minutes"]] + [
            [k.replace("_minutes", "").replace("_", " "), "—" if v is None else f"{v:g}"]
            for k, v in card.items()]),
        pdf.Section("Response card (hours from the official request, else the report)",
                    table=[["measure", "hours", "target", "verdict"]] + [
            [m.measure.replace("_", " "),
             "—" if m.elapsed_minutes is None else f"{m.elapsed_minutes / 60:.1f}",
             "—" if m.target_minutes is None else f"{m.target_minutes / 60:.1f}", m.verdict]
            for m in c.response_card]),
        pdf.Section("Requests, offers and gaps", table=[["from", "need", "quantity",
                                                         "covered", "gap", "status"]] + [
            [r.state, r.resource, f"{r.quantity} {r.unit}", str(r.covered), str(r.gap),
             r.status] for r in c.requests]),
        pdf.Section("Situation reports", [
            f"{s.at:%Y-%m-%d %H:%M} {s.state or s.author}: {s.situation} "
            f"{('Casualties: ' + s.casualties) if s.casualties else ''} "
            f"{('Needs: ' + s.needs) if s.needs else ''}" for s in c.sitreps] or ["—"]),
        pdf.Section("Timeline", [f"{e.at:%Y-%m-%d %H:%M} {e.kind}: {e.text}"
                                 for e in c.timeline]),
    ]
    if c.review:
        sections.append(pdf.Section("After-action review", [c.review]))
    return pdf.render(pdf.PdfDocument(
        title=f"Situation report · crisis {c.id}: {c.title}",
        subtitle=f"{', '.join(c.affected)} · {c.place} · stage {c.stage.value}",
        marking=c.marking.value, exercise=c.exercise, sections=sections))


def stage_options(conn: Connection, crisis_id: int, *, actor: Principal
                  ) -> list[tuple[Stage, list[str]]]:
    """Each stage the crisis may go to next, with what the algorithm says stands in the
    way now (empty: the move is allowed; a reason or a review still to be written does
    not count, the form asks for them)."""
    row = _row(conn, crisis_id, actor)
    cat = _category(orgs.organization(conn), row.category)
    situation = _situation(row, cat, _accepted_units(conn, crisis_id))
    situation = Situation(**{**situation.__dict__, "review": situation.review or "-"})
    return [(s, refusals(situation, s, "-")) for s in next_stages(Stage(row.stage))]
