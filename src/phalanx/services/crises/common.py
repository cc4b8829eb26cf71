"""What the crisis services share: a crisis's row through the access layer, its history,
timeline entries and notices, who acts for the organization, the guards' situation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import (
    Classification,
    can_read,
    is_staff,
)
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import (
    MILITARY,
    Category,
    Measure,
    Situation,
    Stage,
    mandate_refusals,
    withdrawal_refusals,
)
from phalanx.domain.organization import Organization
from phalanx.services import offered_units, outbox
from phalanx.services import plans_in_force as in_force
from phalanx.services.clock import aware, now
from phalanx.services.crises.record import (
    crrf_constraint,
    dispute_of,
    on_member_territory,
)
from phalanx.services.crises.schemas import (
    OfferedUnitOut,
    OfferOut,
    RequestOut,
    _states,
)
from phalanx.services.db import Write
from phalanx.services.errors import Forbidden, Invalid, NotFound


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


def _requests(conn: Connection, crisis_id: int, at: datetime,
              actor: Principal | None = None) -> list[RequestOut]:
    offers: dict[int, list[OfferOut]] = {}
    rows = list(conn.execute(select(t.assistance_offer).join(
        t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
        .where(t.assistance_request.c.crisis_id == crisis_id)
        .order_by(t.assistance_offer.c.id)))
    names = offered_units.names(conn, (k for o in rows for k in o.units or []), actor)
    for o in rows:
        offers.setdefault(o.request_id, []).append(OfferOut(
            id=o.id, request_id=o.request_id, state=o.state_code, kind=o.kind,
            description=o.description, quantity=o.quantity, status=o.status,
            # a unit the reader may not see: neither its name nor its key
            units=[OfferedUnitOut(key=k if k in names else "", name=names.get(k, ""))
                   for k in o.units or []],
            capability=o.capability, strength=o.strength))
    out = []
    for r in conn.execute(select(t.assistance_request).where(
            t.assistance_request.c.crisis_id == crisis_id).order_by(t.assistance_request.c.id)):
        mine = offers.get(r.id, [])
        covered = sum(o.quantity for o in mine if o.status == "accepted")
        # each offer is its state's position (`access.position_classification`): a reader
        # who may not read it (an observer, the public) reads that it was made, not what
        # was offered nor by whom; the request's cover counts them all
        shown = [o for o in mine if actor is None or access.reads_position(actor, o.state)]
        status = r.status
        if status == "open" and covered >= r.quantity:
            status = "covered"
        elif status == "open" and aware(r.lapses_at) <= at:
            status = "lapsed"
        out.append(RequestOut(
            id=r.id, state=r.state_code, resource=r.resource, measure=r.measure,
            quantity=r.quantity, unit=r.unit, place=r.place, needed_by=aware(r.needed_by),
            lapses_at=aware(r.lapses_at), status=status, covered=covered,
            gap=max(r.quantity - covered, 0) if status != "withdrawn" else 0, offers=shown,
            offers_made=len(mine)))
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




# --- intake -------------------------------------------------------------------------------


def _event(w: Write, crisis_id: int, kind: str, text: str, at: datetime,
           stage: Stage | None = None, decision_id: int | None = None) -> None:
    w.conn.execute(insert(t.crisis_event).values(
        crisis_id=crisis_id, at=at, kind=kind, stage=stage.value if stage else None,
        actor=w.actor.username, text=text, decision_id=decision_id))


add_event = _event  # for the other services of the crisis (forces)



timeline_event = _event  # for the other services of the crisis

def _notify(w: Write, org: Organization, c: Classification, subject: str, body: str,
            topic: str, at: datetime, only: set[str] | None = None, *,
            exercise: bool = False) -> int:
    """One outbox record per entitled, active user (email delivery is the outbox's job);
    an exercise's says so at its start and its end (`exercise_notice`)."""
    return outbox.enqueue(w.conn, topic, at, lambda u: (subject, body) if (
        only is None or u.username in only) and can_read(u, c) else None, exercise=exercise)


def _staff(actor: Principal) -> bool:
    """The Secretariat, the Joint Staff, the administrator (and the system) act for the
    organization; the auditor reads only (`policy.is_staff`)."""
    return is_staff(actor)




# --- the algorithm --------------------------------------------------------------------------


def _situation(row: Any, cat: Category, units: int,
               requests: Sequence[authority.OfficialRequest], mandate_ended: str = "",
               dispute: str = "", crrf: bool = True,
               articles: tuple[str, str] = ("", ""), on_territory: bool | None = None
               ) -> Situation:
    """The crisis as the algorithm sees it. The official requests are always given: the
    moves offered on a page and the moves allowed are judged on the same facts;
    `mandate_ended` says that the decision's period is over (`mandate_ended_at`);
    `on_territory`: whether its measures are given on a member's territory
    (`on_member_territory`; None: as the response's box says)."""
    affected = _states(row.affected)
    requested = frozenset(m for m in MILITARY
                          if authority.covering_requests(requests, affected, m))
    return Situation(
        category=cat, stage=Stage(row.stage), consultations_convened=row.session_id is not None,
        decision_adopted=row.decision_id is not None,
        decision_authorizes=frozenset(Measure(m) for m in row.authorizes),
        measures=frozenset(Measure(m) for m in row.measures),
        bilateral_dispute=row.bilateral_dispute, dispute=dispute,
        against_cis_or_neighbour=row.against_cis_or_neighbour, crrf_constraint=crrf,
        official_request=Measure.MILITARY_PEACEKEEPING in requested, requested=requested,
        withdrawn=authority.withdrawals(requests, affected), mandate_ended=mandate_ended,
        un_mandate=row.un_mandate, on_member_territory=row.on_member_territory
        if on_territory is None else on_territory,
        units_committed=units, review=row.review, consult_article=articles[0],
        assist_article=articles[1])


def treaty_articles(org: Organization) -> tuple[str, str]:
    """The articles the crisis refusals cite, as the organization's file names them: the
    consultations' (setting `consultation_articles`) and the collective defence's
    (`collective_defence_articles`), the first of each; "" where the file names none."""
    return (next(iter(org.settings.get("consultation_articles") or []), ""),
            next(iter(org.settings.get("collective_defence_articles") or []), ""))


def mandate_of(conn: Connection, row: Any, actor: Principal = SYSTEM,
               acts: Any = None) -> authority.Mandate | None:
    """The period of the crisis's decision (None: no decision linked). Its number is
    given where `actor` may read the decision, else none (the words then name none);
    `acts`: the register as read already (`lifecycle.register`), else read here once."""
    if row.decision_id is None:
        return None
    d = conn.execute(access.select_visible(
        t.decision, SYSTEM, t.decision.c.number, t.decision.c.adopted_on,
        t.decision.c.adopted_at, t.decision.c.period_days, t.decision.c.period_limited).where(
        t.decision.c.id == row.decision_id)).first()
    if d is None:
        return None
    seen = actor.role is Role.SYSTEM or conn.execute(access.select_visible(
        t.decision, actor, t.decision.c.id).where(t.decision.c.id == row.decision_id)
        ).first() is not None
    from phalanx.domain import calendar
    from phalanx.services import organization as orgs
    from phalanx.services.decisions.lifecycle import extended_to, last_day, register

    acts = register(conn) if acts is None else acts
    zone = orgs.working_zone(conn)
    r = t.official_request.c  # a limited period ends with the requests it answers
    requests = [(aware(x.at), aware(x.withdrawn_at) if x.withdrawn_at else None)
                for x in conn.execute(select(r.at, r.withdrawn_at).where(
                    r.crisis_id == row.id))] if d.period_limited else []
    m = authority.Mandate.of(d.number if seen else None, d.adopted_on,
                             aware(d.adopted_at) if d.adopted_at else None, d.period_days,
                             zone, last_day(conn, row.decision_id, acts),
                             limited=d.period_limited, requests=requests)
    # an extension of the decision carries its period only where the file says so
    # (setting `mandate_follows_extension`: the texts do not settle it)
    if orgs.organization(conn).settings.get("mandate_follows_extension") and (
            to := extended_to(conn, row.decision_id, acts)) is not None:
        m = replace(m, extended=calendar.start_of(to + timedelta(days=1), zone))
    return m


def decision_marking(conn: Connection, decision_id: int) -> Classification:
    """The classification of a decision, the members it was sent to for consideration
    included (what names it obeys it)."""
    d = t.decision.c
    return access.classification_of(conn.execute(access.select_visible(
        t.decision, SYSTEM, d.owner_kind, d.owner, d.marking, d.participants, d.observers,
        d.for_consideration).where(d.id == decision_id)).one())


def mandate_ended_at(conn: Connection, row: Any, at: datetime,
                     actor: Principal = SYSTEM) -> str:
    """Why nothing new is deployed under the crisis's decision at `at`: its period is
    over, or it is suspended in the register, in words naming the decision and the end
    (empty: it runs, or has no end)."""
    if row.decision_id is None:
        return ""
    from phalanx.services.decisions.lifecycle import register, suspended_at

    acts = register(conn)  # the register read once for the period and the suspension
    m = mandate_of(conn, row, actor, acts)
    if m is None:
        return ""
    if m.expired(at):
        return m.ended()

    # a decision suspended in the register is not in force: while it is, it authorizes
    # nothing new (`domain/decisions/lifecycle.py`)
    return m.suspended() if suspended_at(conn, row.decision_id, at, acts) else ""


def units_out(conn: Connection, crisis_id: int) -> int:
    """Units of the crisis's decided deployment with no decided way home."""
    there = in_force.decided(conn, crisis_id)
    if there is None or in_force.decided(conn, crisis_id, "withdrawal") is not None:
        return 0
    return sum(1 for m in there.movements if m["crisis_id"] == crisis_id)


def _situation_at(conn: Connection, org: Organization, row: Any, cat: Category,
                  at: datetime | None = None, actor: Principal = SYSTEM) -> Situation:
    """The crisis as the algorithm sees it at `at` (default: now), with what rejecting
    and closing look at: whether it is one of collective defence, and how many units of
    its decided deployment have no decided way home."""
    from dataclasses import replace

    from phalanx.services import crisis_obligations
    from phalanx.services.crisis_requests import as_domain, requests_of

    s = _situation(row, cat, _accepted_units(conn, row.id), as_domain(requests_of(conn, row.id)),
                   mandate_ended_at(conn, row, at or now(), actor), dispute_of(org, row),
                   crrf_constraint(org), treaty_articles(org), on_member_territory(org, row))
    return replace(s, collective_defence=crisis_obligations.collective_defence(conn, org, row),
                   units_out=units_out(conn, row.id))


def deployment_refusals(conn: Connection, row: Any,
                        measures: Iterable[Measure] | None = None, *,
                        at: datetime | None = None, actor: Principal = SYSTEM) -> list[str]:
    """Why a new deployment of the crisis (for its response's military measures, or for
    `measures`) may not be decided at `at` (default: now): the official request it needed
    was withdrawn (`workflow.withdrawal_refusals`, each naming the withdrawal), or the
    decision's period is over (`workflow.mandate_refusals`, naming the decision and the
    end)."""
    from phalanx.services import organization as orgs
    from phalanx.services.crisis_requests import as_domain, requests_of

    org = orgs.organization(conn)
    s = _situation(row, _category(org, row.category), 0,
                   as_domain(requests_of(conn, row.id)),
                   mandate_ended_at(conn, row, at or now(), actor), dispute_of(org, row),
                   crrf_constraint(org), treaty_articles(org), on_member_territory(org, row))
    return withdrawal_refusals(s, measures) + mandate_refusals(s, measures)


def _accepted_units(conn: Connection, crisis_id: int) -> int:
    """Units committed: accepted offers of units, and the movements of the crisis's
    decided deployment plan."""
    offers = len(list(conn.execute(select(t.assistance_offer.c.id).join(
        t.assistance_request, t.assistance_request.c.id == t.assistance_offer.c.request_id)
        .where(t.assistance_request.c.crisis_id == crisis_id,
               t.assistance_offer.c.kind == "units", t.assistance_offer.c.status == "accepted"))))
    plan = in_force.decided(conn, crisis_id)
    planned = 0 if plan is None else sum(1 for m in plan.movements
                                         if m["crisis_id"] == crisis_id)
    return offers + planned


def answered_by(conn: Connection, decision_id: int, actor: Principal
                ) -> list[authority.Answered]:
    """The crises a decision answers: every crisis it was linked to (the crisis's
    decision now, or one whose timeline records the link), each with its title where
    `actor` may read the crisis (None otherwise: a refusal then names neither)."""
    # every crisis counts for the rule, whoever asks (read as the system, through the
    # access module); only the titles follow what `actor` may read
    ids = sorted({r[0] for r in conn.execute(
        access.select_visible(t.crisis, SYSTEM, t.crisis.c.id)
        .where(t.crisis.c.decision_id == decision_id).union(
            select(t.crisis_event.c.crisis_id).where(
                t.crisis_event.c.decision_id == decision_id)))})
    if not ids:
        return []
    titles = {r.id: r.title for r in conn.execute(access.select_visible(
        t.crisis, actor, t.crisis.c.id, t.crisis.c.title).where(t.crisis.c.id.in_(ids)))}
    return [authority.Answered(i, titles.get(i)) for i in ids]


def _require_staff(actor: Principal, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"only the Secretariat and the Joint Staff {what}")


