"""Store an `Organization` in tables and read it back.

`save` makes the tables equal to the organization (in the caller's transaction);
`load` rebuilds the domain object. Order in the file is kept in `position` columns
so that problems found later still point at the right item.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from phalanx.adapters.db import access, forces_registry
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.workflow import Category, Measure
from phalanx.domain.organization import (
    Agreement,
    AgreementKind,
    AgreementParty,
    Appointment,
    Body,
    Chairmanship,
    Contribution,
    EventKind,
    ExternalStatus,
    HistoricalCount,
    MembershipEvent,
    Observer,
    Office,
    Organization,
    PartyStatus,
    Period,
    Post,
    SeatHolder,
    State,
    Text,
)

# children first: the order in which rows are deleted before a reload
# replaced whole on every load; bodies and states are updated in place, since records
# (meetings, drafts, decisions; a state's everything) refer to them
_CONTENT = (
    t.appointment, t.post, t.observer, t.chairmanship, t.seat_holder,
    t.membership_event, t.agreement_party, t.agreement, t.office, t.external_status,
    t.historical_count,
)


def dataset_identity(conn: Connection) -> tuple[str, str, str] | None:
    """(key, version, sha256) of the loaded dataset, or None before the first load."""
    row = conn.execute(
        select(t.organization.c.key, t.organization.c.dataset_version,
               t.organization.c.dataset_sha256)
    ).first()
    return (row.key, row.dataset_version, row.dataset_sha256) if row else None


def lock_records(conn: Connection) -> None:
    """Take the lock under which what is recorded after loading (membership events,
    the ledger, appointments) is checked and written: the organization's row, until the
    transaction ends. Two such writes at once (two instances of the app) then check each
    against the other's result instead of both against the state before either. (SQLite
    already runs one writer at a time.)"""
    conn.execute(select(t.organization.c.key).with_for_update())


def _update_bodies(conn: Connection, existing: set[str], rows: list[dict[str, Any]]) -> None:
    """The bodies as the file gives them: those stored already updated in place."""
    for row in rows:
        if row["key"] in existing:
            conn.execute(t.body.update().where(t.body.c.key == row["key"]).values(**row))
    new = [row for row in rows if row["key"] not in existing]
    if new:
        conn.execute(insert(t.body), new)


def save(conn: Connection, org: Organization, sha256: str) -> dict[str, int]:
    """Replace the stored organization with `org`; return row counts per table. A body or
    a state the new file drops is deleted, which the database refuses (and nothing is
    changed) while records still refer to it."""
    bodies = {key for (key,) in conn.execute(select(t.body.c.key))}
    conn.execute(t.body.update().values(seat_office=None))  # the offices are replaced
    for table in _CONTENT:
        conn.execute(delete(table))
    conn.execute(delete(t.organization))
    rows: dict[str, list[dict[str, Any]]] = {
        "state": [], "office": [], "agreement": [], "agreement_party": [],
        "membership_event": [], "body": [], "seat_holder": [], "chairmanship": [],
        "observer": [], "post": [], "appointment": [], "external_status": [],
        "historical_count": [],
    }
    existing = {code for (code,) in conn.execute(select(t.state.c.code))}
    gone = existing - set(org.states)
    if gone:  # refused by the database if other records still refer to one of them
        conn.execute(delete(t.state).where(t.state.c.code.in_(gone)))
    for s in org.states.values():
        row = {"code": s.code, "name_en": s.name.en, "name_ru": s.name.ru}
        if s.code in existing:
            conn.execute(t.state.update().where(t.state.c.code == s.code).values(**row))
        else:
            rows["state"].append(row)
    rows["office"] = [
        {"key": o.key, "name_en": o.name.en, "name_ru": o.name.ru} for o in org.offices.values()
    ]
    for i, a in enumerate(org.agreements.values()):
        rows["agreement"].append({
            "key": a.key, "position": i, "title_en": a.title.en, "title_ru": a.title.ru,
            "kind": a.kind.value, "signed": a.signed, "place": a.place, "in_force": a.in_force,
            "term_years": a.term_years, "note": a.note, "source": a.source,
            "modifies": a.modifies, "effect": a.effect,
        })
        for j, p in enumerate(a.parties):
            rows["agreement_party"].append({
                "agreement_key": a.key, "position": j, "state_code": p.state,
                "status": p.status.value, "signed": p.signed, "bound_from": p.bound.start,
                "bound_until": p.bound.end, "note": p.note, "source": p.source,
            })
    for i, e in enumerate(org.membership):
        rows["membership_event"].append({
            "position": i, "state_code": e.state, "kind": e.kind.value, "on_date": e.on,
            "agreement_key": e.agreement, "note": e.note, "source": e.source,
            "illustrative": e.illustrative,
        })
    for i, b in enumerate(org.bodies.values()):
        rows["body"].append({
            "key": b.key, "position": i, "name_en": b.name.en, "name_ru": b.name.ru,
            "abbr_en": b.abbreviation.en if b.abbreviation else None,
            "abbr_ru": b.abbreviation.ru if b.abbreviation else None,
            "kind": b.kind, "role_en": b.role.en if b.role else None,
            "role_ru": b.role.ru if b.role else None, "parent_key": b.parent,
            "established": b.existence.start, "dissolved": b.existence.end,
            "chair_rotation": b.chair_rotation,
            "seat_office": b.seat, "attendees": list(b.attendees), "rules": b.rules,
            "source": b.source,
        })
        for j, h in enumerate(b.seat_holders):
            rows["seat_holder"].append({
                "body_key": b.key, "position": j, "state_code": h.state, "office": h.office,
                "person": h.person, "term_from": h.term.start, "term_until": h.term.end,
                "source": h.source,
            })
        for c in b.chairs:
            rows["chairmanship"].append({
                "body_key": b.key, "year": c.year, "state_code": c.state, "person": c.person,
                "source": c.source, "exception": c.exception,
            })
        for j, o in enumerate(b.observers):
            rows["observer"].append({
                "body_key": b.key, "position": j, "name": o.name, "state_code": o.state,
                "status": o.status, "term_from": o.term.start, "term_until": o.term.end,
                "source": o.source,
            })
    for i, p in enumerate(org.posts.values()):
        rows["post"].append({"key": p.key, "position": i, "name_en": p.name.en,
                             "name_ru": p.name.ru, "body_key": p.body,
                             "terms_from": p.terms_from, "term_years": p.term_years})
        for j, a in enumerate(p.appointments):
            rows["appointment"].append({
                "post_key": p.key, "position": j, "person": a.person, "state_code": a.state,
                "term_from": a.term.start, "term_until": a.term.end, "note": a.note,
                "source": a.source, "acting": a.acting,
            })
    for i, x in enumerate(org.external_statuses):
        rows["external_status"].append({
            "position": i, "counterpart": x.counterpart, "status": x.status,
            "term_from": x.term.start, "term_until": x.term.end, "source": x.source,
        })
    for i, h in enumerate(org.historical_counts):
        rows["historical_count"].append({
            "position": i, "kind": h.kind, "period": h.period, "count": h.count,
            "body_key": h.body, "note": h.note, "source": h.source,
        })
    for name in ("state", "office", "agreement", "agreement_party", "membership_event", "body",
                 "seat_holder", "chairmanship", "observer", "post", "appointment",
                 "external_status", "historical_count"):
        if name == "body":
            _update_bodies(conn, bodies, rows["body"])
        elif rows[name]:
            conn.execute(insert(t.metadata.tables[name]), rows[name])
    gone = bodies - {b["key"] for b in rows["body"]}
    if gone:  # refused by the database if records still refer to one of them
        conn.execute(delete(t.body).where(t.body.c.key.in_(gone)))
    conn.execute(insert(t.organization).values(
        key=org.key, name_en=org.name.en, name_ru=org.name.ru, abbr_en=org.abbreviation.en,
        abbr_ru=org.abbreviation.ru, founding_agreement=org.founding_agreement,
        settings=org.settings, dataset_version=org.version, dataset_sha256=sha256,
        crisis_categories=[{
            "key": c.key, "name_en": c.name_en, "name_ru": c.name_ru, "basis": c.basis,
            "convene": list(c.convene), "measures": sorted(m.value for m in c.measures),
            "obligation": c.obligation, "obliged": c.obliged, "targets": c.targets,
            "consult_first": c.consult_first,
            "cap_categories": list(c.cap_categories), "basis_ru": c.basis_ru,
            "obligation_ru": c.obligation_ru, "introduced_by": c.introduced_by}
            for c in org.crisis_categories.values()],
        operations=org.operations,
        forces=org.forces,  # as in the file; the registry tables hold the live units
        registers=org.registers,
        translations=org.translations,
        loaded_at=datetime.now(UTC),
        as_of=org.as_of,
    ))
    counts = {name: len(v) for name, v in rows.items()}
    counts["state"] = len(org.states)
    counts["contribution"] = sync_contributions(conn, org)
    counts.update(forces_registry.sync(conn, org))
    return counts


def sync_contributions(conn: Connection, org: Organization) -> int:
    """Make the ledger the file's, except rows the Secretariat changed since (`edited`)."""
    edited = {(r.state_code, r.year) for r in conn.execute(
        select(t.contribution.c.state_code, t.contribution.c.year)
        .where(t.contribution.c.edited.is_(True)))}
    conn.execute(delete(t.contribution).where(t.contribution.c.edited.is_(False)))
    rows = [{"state_code": c.state, "year": c.year, "assessed": c.assessed, "paid": c.paid,
             "paid_on": c.paid_on, "illustrative": c.illustrative, "source": c.source,
             "edited": False}
            for c in org.contributions if (c.state, c.year) not in edited]
    if rows:
        conn.execute(insert(t.contribution), rows)
    return len(rows)


def contributions(conn: Connection) -> tuple[Contribution, ...]:
    return tuple(
        Contribution(r.state_code, r.year, r.assessed, r.paid, r.paid_on, r.illustrative,
                     r.source)
        for r in conn.execute(select(t.contribution).order_by(t.contribution.c.id)))


def recorded_events(conn: Connection) -> tuple[MembershipEvent, ...]:
    """Membership events confirmed after loading, oldest record first."""
    return tuple(
        MembershipEvent(r.state_code, EventKind(r.kind), r.on_date, None, r.note, r.source)
        for r in conn.execute(select(t.membership_record)
                              .where(t.membership_record.c.status == "confirmed")
                              .order_by(t.membership_record.c.id)))


def recorded_appointments(conn: Connection, reader: Principal = SYSTEM
                          ) -> list[tuple[str, Appointment]]:
    """The appointments made by decisions, as `reader` may know them: one made by a
    decision it may not read (marked for the member states while it reads only what is
    public: an anonymous visitor, an observer) is left out, as the decision itself is,
    until the decision is released to it; the post then stands as the public record has
    it (setting: a post's holder named by a decision is known from that decision)."""
    rows = list(conn.execute(select(t.post_record).order_by(t.post_record.c.start,
                                                            t.post_record.c.id)))
    known = access.readable_ids(conn, reader, t.decision, (r.decision_id for r in rows))
    return [(r.post_key, Appointment(r.person, Period(r.start, None), r.state_code, r.note,
                                     f"decision {r.decision_id}" if r.decision_id else "",
                                     r.acting,
                                     str(r.decision_id) if r.decision_id else ""))
            for r in rows if r.decision_id is None or r.decision_id in known]


def _text(en: str | None, ru: str | None) -> Text | None:
    return Text(en, ru or "") if en is not None else None


def load(conn: Connection) -> Organization | None:
    """The stored organization, or None before the first load."""
    o = conn.execute(select(t.organization)).first()
    if o is None:
        return None

    def all_rows(table: Any, *order: Any) -> list[Any]:
        return list(conn.execute(select(table).order_by(*order)))

    parties: dict[str, list[AgreementParty]] = {}
    for r in all_rows(t.agreement_party, t.agreement_party.c.agreement_key,
                      t.agreement_party.c.position):
        parties.setdefault(r.agreement_key, []).append(AgreementParty(
            r.state_code, PartyStatus(r.status), r.signed, Period(r.bound_from, r.bound_until),
            r.note, r.source))
    holders: dict[str, list[SeatHolder]] = {}
    for r in all_rows(t.seat_holder, t.seat_holder.c.body_key, t.seat_holder.c.position):
        holders.setdefault(r.body_key, []).append(
            SeatHolder(r.state_code, r.person, Period(r.term_from, r.term_until), r.office,
                       r.source))
    chairs: dict[str, list[Chairmanship]] = {}
    for r in all_rows(t.chairmanship, t.chairmanship.c.body_key, t.chairmanship.c.year):
        chairs.setdefault(r.body_key, []).append(
            Chairmanship(r.year, r.state_code, r.person, r.source, r.exception))
    observers: dict[str, list[Observer]] = {}
    for r in all_rows(t.observer, t.observer.c.body_key, t.observer.c.position):
        observers.setdefault(r.body_key, []).append(
            Observer(r.name, Period(r.term_from, r.term_until), r.state_code, r.status,
                     r.source))
    appointments: dict[str, list[Appointment]] = {}
    for r in all_rows(t.appointment, t.appointment.c.post_key, t.appointment.c.position):
        appointments.setdefault(r.post_key, []).append(
            Appointment(r.person, Period(r.term_from, r.term_until), r.state_code, r.note,
                        r.source, r.acting))
    return Organization(
        key=o.key,
        name=Text(o.name_en, o.name_ru),
        abbreviation=Text(o.abbr_en, o.abbr_ru),
        founding_agreement=o.founding_agreement,
        settings=dict(o.settings),
        version=o.dataset_version,
        as_of=o.as_of,
        contributions=contributions(conn),
        states={r.code: State(r.code, Text(r.name_en, r.name_ru))
                for r in all_rows(t.state, t.state.c.code)},
        offices={r.key: Office(r.key, Text(r.name_en, r.name_ru))
                 for r in all_rows(t.office, t.office.c.key)},
        agreements={
            r.key: Agreement(
                r.key, Text(r.title_en, r.title_ru), AgreementKind(r.kind), r.signed, r.place,
                r.in_force, r.term_years, tuple(parties.get(r.key, ())), r.note, r.source,
                r.modifies, r.effect)
            for r in all_rows(t.agreement, t.agreement.c.position)
        },
        membership=tuple(
            MembershipEvent(r.state_code, EventKind(r.kind), r.on_date, r.agreement_key, r.note,
                            r.source, r.illustrative)
            for r in all_rows(t.membership_event, t.membership_event.c.position)
        ),
        bodies={
            r.key: Body(
                key=r.key, name=Text(r.name_en, r.name_ru), kind=r.kind,
                abbreviation=_text(r.abbr_en, r.abbr_ru), role=_text(r.role_en, r.role_ru),
                parent=r.parent_key, existence=Period(r.established, r.dissolved),
                chair_rotation=r.chair_rotation,
                seat=r.seat_office, attendees=tuple(r.attendees),
                seat_holders=tuple(holders.get(r.key, ())), chairs=tuple(chairs.get(r.key, ())),
                observers=tuple(observers.get(r.key, ())), rules=dict(r.rules), source=r.source)
            for r in all_rows(t.body, t.body.c.position)
        },
        posts={
            r.key: Post(r.key, Text(r.name_en, r.name_ru), r.body_key,
                        tuple(appointments.get(r.key, ())), r.terms_from, r.term_years)
            for r in all_rows(t.post, t.post.c.position)
        },
        external_statuses=tuple(
            ExternalStatus(r.counterpart, r.status, Period(r.term_from, r.term_until), r.source)
            for r in all_rows(t.external_status, t.external_status.c.position)
        ),
        historical_counts=tuple(
            HistoricalCount(r.kind, r.period, r.count, r.body_key, r.note, r.source)
            for r in all_rows(t.historical_count, t.historical_count.c.position)
        ),
        crisis_categories={
            c["key"]: Category(
                key=c["key"], name_en=c["name_en"], name_ru=c["name_ru"], basis=c["basis"],
                convene=tuple(c["convene"]), measures=frozenset(Measure(m) for m in c["measures"]),
                obligation=c["obligation"], obliged=c["obliged"], targets=dict(c["targets"]),
                consult_first=bool(c.get("consult_first", False)),
                cap_categories=tuple(c["cap_categories"]), basis_ru=c.get("basis_ru", ""),
                obligation_ru=c.get("obligation_ru", ""),
                introduced_by=c.get("introduced_by"))
            for c in o.crisis_categories
        },
        operations=dict(o.operations),
        forces=dict(o.forces or {}),
        registers=dict(o.registers or {}),
        translations=dict(o.translations or {}),
    )
