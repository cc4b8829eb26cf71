"""The validated organization file as the domain's `Organization`: its texts in both
working languages, its airfields placed (from the `airportsdata` package by ICAO code
unless the file gives coordinates), its registers and forces as plain data."""

from __future__ import annotations

from dataclasses import dataclass

from phalanx.dataset.schema import REGISTER_SECTIONS, DatasetIn
from phalanx.dataset.schema.base import TextIn
from phalanx.domain.crisis.workflow import Category, Measure
from phalanx.domain.organization import (
    Agreement,
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
    Period,
    Post,
    SeatHolder,
    State,
    Text,
)


def _text(t: object) -> Text:
    return Text(en=t.en, ru=t.ru)  # type: ignore[attr-defined]


def _en(t: TextIn | str) -> str:
    """A text given in both working languages, or in English alone: its English."""
    return t if isinstance(t, str) else t.en


def _ru(t: TextIn | str) -> str:
    """Its Russian ("" when the dataset gives English alone)."""
    return "" if isinstance(t, str) else t.ru


@dataclass
class Airfields:
    places: dict[str, tuple[float, float]]
    problems: list[tuple[tuple[str | int, ...], str]]


def airfields(ds: DatasetIn) -> Airfields:
    """Coordinates of the registry's airfields, from the `airportsdata` package by ICAO."""
    out = Airfields({}, [])
    if ds.forces is None:
        return out
    needed = [(i, b) for i, b in enumerate(ds.forces.bases) if b.icao]
    if needed:
        import airportsdata

        airports = airportsdata.load("ICAO")
        for i, b in needed:
            found = airports.get(b.icao or "")
            if found is None:
                out.problems.append((("forces", "bases", i, "icao"),
                                     f"no airfield with ICAO code {b.icao!r}"))
                continue
            if b.lat is not None and b.lon is not None:
                out.places[b.key] = (b.lat, b.lon)  # the file's own coordinates win
            else:
                out.places[b.key] = (float(found["lat"]), float(found["lon"]))
    for b in ds.forces.bases:
        if b.key not in out.places and b.lat is not None and b.lon is not None:
            out.places[b.key] = (b.lat, b.lon)
    return out


def _forces(ds: DatasetIn, places: dict[str, tuple[float, float]]) -> dict[str, object]:
    if ds.forces is None:
        return {}
    forces = ds.forces.model_dump(mode="json", by_alias=True, exclude_none=True)
    for b in forces["bases"]:
        if b["key"] in places:
            b["lat"], b["lon"] = places[b["key"]]
    return forces


def to_domain(ds: DatasetIn, places: dict[str, tuple[float, float]] | None = None
              ) -> Organization:
    o = ds.organization
    return Organization(
        key=o.key,
        name=_text(o.name),
        abbreviation=_text(o.abbreviation),
        founding_agreement=o.founding_agreement,
        settings=o.settings.model_dump(mode="json", by_alias=True, exclude_unset=True),
        version=ds.version,
        as_of=ds.as_of,
        contributions=tuple(
            Contribution(c.state, c.year, c.assessed, c.paid, c.paid_on, c.illustrative,
                         c.source)
            for c in ds.contributions
        ),
        states={s.code: State(s.code, _text(s.name)) for s in ds.states},
        offices={f.key: Office(f.key, _text(f.name)) for f in ds.offices},
        agreements={
            a.key: Agreement(
                key=a.key, title=_text(a.title), kind=a.kind, signed=a.signed, place=a.place,
                in_force=a.in_force, term_years=a.term_years, note=a.note, source=a.source,
                modifies=a.modifies.agreement if a.modifies else None,
                effect=a.modifies.effect if a.modifies else None,
                parties=tuple(
                    AgreementParty(p.state, p.status, p.signed, Period(p.bound_from, p.bound_until),
                                   p.note, p.source)
                    for p in a.parties
                ),
            )
            for a in ds.agreements
        },
        membership=tuple(
            MembershipEvent(e.state, EventKind(e.event), e.on, e.agreement, e.note, e.source,
                            e.illustrative)
            for e in ds.membership
        ),
        bodies={
            b.key: Body(
                key=b.key, name=_text(b.name), kind=b.kind,
                abbreviation=_text(b.abbreviation) if b.abbreviation else None,
                role=_text(b.role) if b.role else None,
                parent=b.parent, existence=Period(b.established, b.dissolved), seat=b.seat,
                chair_rotation=b.chair_rotation,
                attendees=tuple(b.attendees),
                seat_holders=tuple(
                    SeatHolder(h.state, h.person, Period(h.from_, h.until), h.office, h.source)
                    for h in b.seat_holders
                ),
                chairs=tuple(Chairmanship(c.year, c.state, c.person, c.source, c.exception)
                             for c in b.chairs),
                observers=tuple(
                    Observer(x.name, Period(x.from_, x.until), x.state, x.status, x.source)
                    for x in b.observers
                ),
                rules={
                    "session_kinds": list(b.session_kinds),
                    "video_conference": b.video_conference,
                    **({"video_conference_from": b.video_conference_from}
                       if b.video_conference_from else {}),
                    "decision_rules": {k: r.model_dump() for k, r in b.decision_rules.items()},
                    **({"limited_format": b.limited_format.model_dump()}
                       if b.limited_format else {}),
                    **({"consultation": b.consultation.model_dump()}
                       if b.consultation else {}),
                    **({"silence": b.silence.model_dump()} if b.silence else {}),
                    **({"written": b.written.model_dump()} if b.written else {}),
                    **({"papers": b.papers.model_dump()} if b.papers else {}),
                    **({"vote_weights": dict(b.vote_weights.weights)}
                       if b.vote_weights else {}),
                },
                source=b.source,
            )
            for b in ds.bodies
        },
        posts={
            p.key: Post(
                p.key, _text(p.name), p.body,
                tuple(Appointment(a.person, Period(a.from_, a.until), a.state, a.note, a.source,
                                  a.acting)
                      for a in p.appointments),
                p.terms_from, p.term_years,
            )
            for p in ds.posts
        },
        external_statuses=tuple(
            ExternalStatus(x.counterpart, x.status, Period(x.from_, x.until), x.source)
            for x in ds.external_statuses
        ),
        historical_counts=tuple(
            HistoricalCount(h.kind, h.period, h.count, h.body, h.note, h.source)
            for h in ds.historical_counts
        ),
        crisis_categories={
            c.key: Category(
                key=c.key, name_en=c.name.en, name_ru=c.name.ru, basis=_en(c.basis),
                convene=tuple(c.convene), measures=frozenset(Measure(m) for m in c.measures),
                obligation=_en(c.obligation), obliged=c.obliged, targets=dict(c.targets),
                consult_first=c.consult_first is not None and c.consult_first.required,
                cap_categories=tuple(c.cap_categories), basis_ru=_ru(c.basis),
                obligation_ru=_ru(c.obligation), introduced_by=c.introduced_by)
            for c in ds.crisis_categories
        },
        operations={op.key: op.model_dump(mode="json") for op in ds.operations},
        forces=_forces(ds, places or {}),
        registers={name: _dump(getattr(ds, name)) for name in REGISTER_SECTIONS
                   if getattr(ds, name)},
        translations={lang: dict(table) for lang, table in ds.translations.items()},
    )


def _dump(section: object) -> object:
    if isinstance(section, list):
        return [item.model_dump(mode="json") for item in section]
    return section.model_dump(mode="json")  # type: ignore[attr-defined]
