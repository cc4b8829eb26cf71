"""The crisis response system: intake (a representative, the Secretariat's watch list,
an OASIS CAP alert), consultations, decision, response with requests and offers of
assistance, deployment, monitoring, closing with the after-action review — each step
guarded by `domain/crisis/workflow.py`, timed by `domain/crisis/clocks.py`, audited,
announced live and through the notification outbox.

Actions take `at=` so that an exercise can run the same engine on its own clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, insert, select, update

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import STAFF, Classification, Marking, OwnerKind, can_read
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import clocks
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
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.domain.organization import Organization
from phalanx.services import decisions as dec
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound
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


crisis_row = _row  # for the other services of the crisis (forces)


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
        session_id=row.session_id, decision_id=row.decision_id,
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
        out.timeline = [EventOut(at=aware(e.at), kind=e.kind, stage=e.stage, actor=e.actor,
                                 text=e.text)
                        for e in conn.execute(select(t.crisis_event).where(
                            t.crisis_event.c.crisis_id == row.id)
                            .order_by(t.crisis_event.c.at, t.crisis_event.c.id))]
        out.requests = _requests(conn, row.id, at)
        out.sitreps = [SitrepOut(id=s.id, at=aware(s.at), author=s.author, state=s.state_code,
                                 situation=s.situation, casualties=s.casualties,
                                 measures=s.measures, needs=s.needs,
                                 attachments=_attachments(conn, list(s.document_ids), actor))
                       for s in conn.execute(select(t.sitrep).where(
                           t.sitrep.c.crisis_id == row.id).order_by(t.sitrep.c.at))]
    return out


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
    items = [_out(conn, r, at, prefetched=(histories[r.id], offers.get(r.id)), org=org)
             for r in rows]
    return sorted(items, key=lambda c: clocks.urgency(
        c.severity, timedelta(minutes=c.overdue_minutes)))


# --- intake -------------------------------------------------------------------------------


def _event(w: Write, crisis_id: int, kind: str, text: str, at: datetime,
           stage: Stage | None = None) -> None:
    w.conn.execute(insert(t.crisis_event).values(
        crisis_id=crisis_id, at=at, kind=kind, stage=stage.value if stage else None,
        actor=w.actor.username, text=text))


add_event = _event  # for the other services of the crisis (forces)


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


def open_crisis(db: Database, data: CrisisIn, *, actor: Principal, origin: str = "",
                cap_identifier: str | None = None, at: datetime | None = None) -> CrisisOut:
    """Open a crisis: the clock starts, and every entitled user is told at once."""
    at = at or now()
    if actor.role in (Role.REPRESENTATIVE, Role.REPORTER):
        if actor.state not in data.affected:
            raise Forbidden(f"a representative opens a crisis affecting their own state "
                            f"({actor.state})")
    elif not (actor.role in STAFF or actor.role is Role.SYSTEM) or actor.role is Role.AUDITOR:
        raise Forbidden("only a state's representative or the Secretariat opens a crisis")
    with db.write(actor) as w:
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
        w.emit("crises", "opened", id=crisis_id)
    with db.read() as conn:  # after the commit: the open pages are told before this is read
        return _out(conn, _row(conn, crisis_id, SYSTEM), at, detail=True)


def import_cap(db: Database, data: bytes, affected: list[str], *, actor: Principal,
               category: str | None = None, at: datetime | None = None) -> CrisisOut:
    """Open a crisis from an OASIS CAP alert (1.2, 1.1 or 1.0). An alert already
    imported (same sender and identifier) is not opened twice."""
    alert = cap.parse(data)
    with db.read() as conn:
        existing = conn.execute(access.select_visible(t.crisis, SYSTEM, t.crisis.c.id).where(
            t.crisis.c.cap_identifier == f"{alert.sender}/{alert.identifier}")).first()
        org = orgs.organization(conn)
    if existing is not None:
        with db.read() as conn:
            return get(conn, existing.id, actor=actor)
    info = alert.infos[0] if alert.infos else None
    key = category or _category_for_cap(org, info.categories if info else ())
    area = info.areas[0] if info and info.areas else None
    centre = area.centre() if area else None
    return open_crisis(db, CrisisIn(
        title=(alert.title or alert.identifier)[:300], category=key, affected=affected,
        severity=CAP_SEVERITY.get(info.severity, "moderate") if info else "moderate",  # type: ignore[arg-type]
        place=(area.description if area else "")[:300],
        lat=centre[0] if centre else None, lon=centre[1] if centre else None,
        description=(info.description if info else alert.note)[:20_000],
        exercise=alert.status in ("Exercise", "Test")),
        actor=actor, origin="cap", cap_identifier=f"{alert.sender}/{alert.identifier}", at=at)


def _category_for_cap(org: Organization, categories: tuple[str, ...]) -> str:
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
    return cap.to_cap12(cap.CapOut(
        identifier=f"{org.key}-crisis-{c.id}", sender=f"secretariat@{org.key}.phalanx",
        sent=c.reported_at, exercise=c.exercise,
        category=cat.cap_categories[0] if cat.cap_categories else "Security",
        event=c.category_name, urgency="Immediate" if c.stage not in FINAL else "Past",
        severity=c.severity.capitalize(), certainty="Observed", headline=c.title,
        description=c.description, area=c.place or ", ".join(c.affected),
        point=(c.lat, c.lon) if c.lat is not None and c.lon is not None else None))


# --- the algorithm --------------------------------------------------------------------------


def _situation(row: Any, cat: Category, units: int) -> Situation:
    return Situation(
        category=cat, stage=Stage(row.stage), consultations_convened=row.session_id is not None,
        decision_adopted=row.decision_id is not None,
        decision_authorizes=frozenset(Measure(m) for m in row.authorizes),
        measures=frozenset(Measure(m) for m in row.measures),
        bilateral_dispute=row.bilateral_dispute,
        against_cis_or_neighbour=row.against_cis_or_neighbour,
        official_request=row.official_request, un_mandate=row.un_mandate,
        on_member_territory=row.on_member_territory, units_committed=units, review=row.review)


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
        situation = _situation(row, cat, _accepted_units(w.conn, crisis_id))
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
        w.emit("crises", "stage", id=crisis_id, stage=target.value)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True)


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
        _event(w, crisis_id, "note", f"consultations convened: {meeting.title}", at)
        w.audit("crisis.consultations", "crisis", crisis_id, {"session": meeting.id,
                                                              "body": body})
    return transition(db, crisis_id, Stage.CONSULTATIONS, actor=actor, at=at)


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
                  authorizes: list[Measure], *, actor: Principal,
                  at: datetime | None = None) -> CrisisOut:
    """Attach the adopted decision that answers the crisis, and the measures it
    authorizes (military ones included only if the decision says so)."""
    at = at or now()
    _require_staff(actor, "attach a decision")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        decision = dec.get_decision(w.conn, decision_id, actor=actor)
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            decision_id=decision_id, authorizes=sorted(m.value for m in authorizes),
            revision=row.revision + 1))
        _event(w, crisis_id, "note", f"decision {decision.number}: {decision.title}", at)
        w.audit("crisis.decision", "crisis", crisis_id, {
            "decision": decision.number, "authorizes": sorted(m.value for m in authorizes)})
        w.emit(f"crisis:{crisis_id}", "decision", number=decision.number)
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True)


class ResponseIn(BaseModel):
    measures: list[Measure] = Field(min_length=1)
    bilateral_dispute: bool = False
    against_cis_or_neighbour: bool = False
    official_request: bool = False
    un_mandate: bool = False
    on_member_territory: bool = True


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
            official_request=data.official_request, un_mandate=data.un_mandate,
            on_member_territory=data.on_member_territory, revision=row.revision + 1))
        _event(w, crisis_id, "note", "measures: " + ", ".join(sorted(
            m.value for m in data.measures)), at)
        w.audit("crisis.response", "crisis", crisis_id, data.model_dump(mode="json"))
        return _out(w.conn, _row(w.conn, crisis_id, actor), at, detail=True)


def military_check(conn: Connection, crisis_id: int, *, actor: Principal) -> list[str]:
    """The guards of the military measures as they stand (for the crisis room)."""
    row = _row(conn, crisis_id, actor)
    cat = _category(orgs.organization(conn), row.category)
    from phalanx.domain.crisis.workflow import military_refusals

    s = _situation(row, cat, 0)
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
        state = actor.state if actor.role is Role.REPRESENTATIVE else data.state
        if actor.role is Role.REPRESENTATIVE and data.state not in (None, actor.state):
            raise Forbidden(f"you act for {actor.state}, not {data.state}")
        if state is None or state not in _states(row.affected):
            raise Invalid("state", f"requests come from an affected state "
                                   f"({', '.join(_states(row.affected))})")
        if actor.role not in (Role.REPRESENTATIVE, Role.SECRETARIAT, Role.SYSTEM):
            raise Forbidden("requests come from the affected state or the Secretariat")
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
        return _out(w.conn, row, at, detail=True)


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
        row = _row(w.conn, req.crisis_id, actor, lock=True)
        if actor.role is Role.REPRESENTATIVE:
            state = actor.state
        elif actor.role is Role.SYSTEM:
            state = data.state
        else:
            raise Forbidden("offers are made by the states' representatives")
        if state is None:
            raise Invalid("state", "the offering state is missing")
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
        return _out(w.conn, row, at, detail=True)


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
        row = _row(w.conn, offer.crisis_id, actor, lock=True)
        if actor.role is Role.REPRESENTATIVE and actor.state != offer.requester:
            raise Forbidden(f"only {offer.requester}, which asked, accepts or declines")
        if actor.role not in (Role.REPRESENTATIVE, Role.SECRETARIAT, Role.SYSTEM):
            raise Forbidden("offers are accepted by the requesting state or the Secretariat")
        if offer.status != "offered":
            raise Conflict(f"offer {offer_id} is already {offer.status}")
        status = "accepted" if accept else "declined"
        w.conn.execute(update(t.assistance_offer).where(t.assistance_offer.c.id == offer_id)
                       .values(status=status, decided_at=at))
        _event(w, offer.crisis_id, "offer", f"{offer.requester} {status} the offer of "
                                            f"{offer.state_code}", at)
        w.audit(f"assistance.{status}", "crisis", offer.crisis_id, {"offer": offer_id})
        w.emit(f"crisis:{offer.crisis_id}", "offer", id=offer_id, status=status)
        return _out(w.conn, row, at, detail=True)


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
    if actor.role in (Role.OBSERVER, Role.AUDITOR):
        raise Forbidden("observers and auditors do not file situation reports")
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
        return _out(w.conn, row, at, detail=True)


def escalate_overdue(db: Database, *, at: datetime | None = None) -> list[int]:
    """Every open crisis whose current stage is past its target is escalated once per
    stage: a timeline entry and a notice to the Secretariat and the chair's state."""
    at = at or now()
    with db.read() as conn:
        overdue = [c for c in board(conn, actor=SYSTEM, at=at) if c.overdue]
        org = orgs.organization(conn)
        already = {(r.crisis_id, r.stage) for r in conn.execute(select(
            t.crisis_event.c.crisis_id, t.crisis_event.c.stage).where(
            t.crisis_event.c.kind == "escalation"))}
    chair = membership.chair_in(next(iter(org.bodies.values())), at.year) if org.bodies else None
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
