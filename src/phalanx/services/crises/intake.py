"""Intake: a crisis opened by a representative, the Secretariat, the watch list or a CAP
alert; the crisis exported as CAP (its edition and audience: `domain/crisis/capout.py`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import (
    Classification,
    OwnerKind,
    StateAct,
    acts_for,
    why_not_act,
)
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis import capout, parties
from phalanx.domain.crisis.workflow import (
    FINAL,
    Stage,
    category_problem,
)
from phalanx.domain.languages import written_in
from phalanx.domain.organization import Organization
from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.crises.common import (
    _category,
    _event,
    _notify,
    _row,
    _staff,
)
from phalanx.services.crises.reading import _out, get
from phalanx.services.crises.schemas import (
    CrisisIn,
    CrisisOut,
)
from phalanx.services.db import Database, Write
from phalanx.services.errors import Forbidden, Invalid
from phalanx.services.links import crisis_url

if TYPE_CHECKING:  # the CAP intake imports the crisis services: named here, read there
    from phalanx.services.alerts import IntakeOut
    from phalanx.services.distributions import DistributionOut


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
    day = clock.day(org, at)
    late = category_problem(cat, org.applies_from(cat.introduced_by), day)
    if late:
        raise Invalid("category", late)
    members = {m.state for m in membership.members_on(org, day)}
    strangers = sorted(set(data.affected) - members)
    if strangers:
        raise Invalid("affected", f"{strangers} are not members on {day}")
    for problem in parties.party_problems(data.affected, data.other_parties, org.states):
        raise Invalid("other_parties", problem)
    c = Classification(OwnerKind.SECRETARIAT, "secretariat", data.marking,
                       frozenset(data.participants), data.observers)
    for problem in c.problems():
        raise Invalid("marking", problem)
    crisis_id = w.conn.execute(insert(t.crisis).values(
        title=data.title, category=cat.key, stage=Stage.REPORTED.value,
        severity=data.severity, affected=access.pack_participants(set(data.affected)),
        other_parties=access.pack_participants(set(data.other_parties)),
        place=data.place, lat=data.lat, lon=data.lon, description=data.description,
        reported_at=at, opened_by=actor.username,
        origin=origin or ("representative" if actor.state else "secretariat"),
        cap_identifier=cap_identifier, exercise=data.exercise, bilateral_dispute=False,
        against_cis_or_neighbour=False, official_request=False, un_mandate=False,
        on_member_territory=True, measures=[], authorizes=[], closing_reason="",
        review="", revision=1, **access.classification_values(c),
    ).returning(t.crisis.c.id)).scalar_one()
    _event(w, crisis_id, "stage", f"reported: {data.title}", at, Stage.REPORTED)
    # every member is told who the report names, the member named too
    named = ""
    if data.other_parties:
        named = f"; the report names {', '.join(data.other_parties)} as the other party" + (
            " (a dispute between members)"
            if parties.members_in_dispute(data.other_parties, members) else "")
    sent = _notify(w, org, c, f"Crisis reported: {data.title}",
                   f"{cat.name_en} affecting {', '.join(data.affected)}{named}. {cat.basis}. "
                   f"Consultations are due within "
                   f"{cat.targets.get('reported', 60)} minutes.", f"crisis:{crisis_id}", at,
                   exercise=data.exercise)
    w.audit("crisis.open", "crisis", crisis_id, {
        "title": data.title, "category": cat.key, "affected": data.affected,
        "other_parties": data.other_parties,
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
    return _crisis_of(r)


def _crisis_of(r: IntakeOut) -> CrisisOut:
    if r.crisis is None:
        raise Invalid("alert", f"already received; it opened no crisis "
                               f"({r.alert.action_detail})")
    return r.crisis


def import_cap_upload(db: Database, data: bytes, affected: list[str], *, actor: Principal,
                      category: str | None = None, at: datetime | None = None,
                      **trust: Any) -> CrisisOut | DistributionOut:
    """What `POST /api/v1/crises/cap` takes: one CAP message (as `import_cap`: its
    crisis), or an EDXL-DE distribution (`services/distributions.py`) whose embedded
    alerts are received in one transaction, each of which must open or change a crisis as
    one sent alone must: one that would not (a Draft, Test or System message, an Update
    of a watch entry, one already received that opened no crisis) refuses the whole
    envelope, naming its contentObject, and nothing is stored. A distribution answers
    with each alert's result, its crisis in each."""
    from phalanx.services import alerts, distributions

    r = distributions.receive(db, data, alerts.Route(tuple(affected), category,
                                                     require_crisis=True),
                              actor=actor, at=at, **trust)
    return r if isinstance(r, distributions.DistributionOut) else _crisis_of(r)


def category_for_cap(org: Organization, categories: tuple[str, ...]) -> str:
    for c in categories:
        for cat in org.crisis_categories.values():
            if c in cat.cap_categories:
                return str(cat.key)
    if not org.crisis_categories:
        raise Invalid("category", "the organization defines no crisis categories")
    raise Invalid("category", f"no crisis category maps the CAP categories {list(categories)}; "
                              "name one with --category")


def export_cap(conn: Connection, crisis_id: int, *, actor: Principal,
               public_url: str = "") -> bytes:
    """The crisis as a CAP 1.2 alert for a reader of the crisis: its edition (an Alert,
    then an Update or Cancel for each change, `domain/crisis/capout.py`) and its
    audience (scope and restriction from the crisis's marking); with the installation's
    public address, each info's `web` is the crisis's page. A crisis opened by hand
    is one info in the language its title and description are typed in."""
    c = get(conn, crisis_id, actor=actor)
    row = _row(conn, crisis_id, actor)
    org = orgs.organization(conn)
    cat = _category(org, c.category)
    point = ((c.lat, c.lon, 0.0),) if c.lat is not None and c.lon is not None else ()
    from phalanx.services import alert_standing, alerts  # the CAP messages the crisis came from

    # the entries that change the export, of those the reader may read: one it may not
    # read is no edition, reference or time of its export
    ev = t.crisis_event.c
    changes = [capout.Change(e.id, aware(e.at)) for e in conn.execute(
        access.select_timeline(actor, crisis_id, ev.id, ev.at, ev.kind, ev.stage))
        if capout.changes_export(e.kind, e.stage)]
    sender = f"secretariat@{org.key}.phalanx"
    ed = capout.edition(f"{org.key}-crisis-{c.id}", sender, c.reported_at, changes,
                        is_withdrawn=capout.withdrawn(c.stage, alerts.cancelled_by_sender(
                            conn, crisis_id)))
    scope, restriction = capout.audience(
        access.classification_of(row), org.name.en,
        (m.state for m in membership.members_on(org, clock.day(org, ed.sent))),
        (a.restriction for a in reversed(alerts.listing(conn, actor=actor, crisis_id=c.id))
         if a.scope == "Restricted"))
    closed = c.stage in FINAL
    all_clear = ("AllClear",) if c.stage is Stage.CLOSED else ()
    received = alert_standing.export_infos(conn, crisis_id, actor=actor, closed=closed)
    web = crisis_url(public_url, c.id) or ""
    # a crisis opened by hand: an info in the language its text is typed in
    russian = written_in(c.title, c.description) == "ru"
    return cap.to_cap12(cap.CapOut(
        identifier=ed.identifier, sender=sender, sent=ed.sent, exercise=c.exercise,
        msg_type=ed.msg_type, references=ed.references, scope=scope,
        restriction=restriction,
        infos=tuple(replace(i, response_types=all_clear, web=web) for i in received) or (
            cap.InfoOut(
                language="ru-RU" if russian else "en-US",
                categories=(cat.cap_category_for(alert_standing.source_categories(
                    conn, crisis_id, actor=actor)),),
                event=c.category_name_ru if russian and c.category_name_ru
                else c.category_name,
                urgency="Immediate" if not closed else "Past",
                severity=c.severity.capitalize(), certainty="Observed", headline=c.title,
                description=c.description, response_types=all_clear, web=web,
                areas=(cap.AreaOut(c.place or ", ".join(c.affected), circles=point),)),)))
