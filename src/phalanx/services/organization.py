"""The organization capability: load a dataset, and answer who was a member, bound by
what, sitting where, on a date. The CLI, the API and the pages all call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.db import org_repository
from phalanx.dataset import loader
from phalanx.domain import calendar, leaving
from phalanx.domain import membership as rules
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.organization import EventKind, Organization
from phalanx.domain.records import with_records
from phalanx.services import clock, dataset_ties
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from phalanx.services.organization_models import (
    AgreementOut,
    BodyOut,
    ChairOut,
    CompositionOut,
    GroundOut,
    MemberOut,
    OfficialOut,
    OrganizationOut,
    PartyOut,
    SeatOut,
    StateOut,
)
from phalanx.services.registers.seed import seed as seed_registers


class NotLoaded(LookupError):
    """No dataset has been loaded into this database yet."""


# --- loading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    key: str
    version: str
    sha256: str
    changed: bool
    counts: dict[str, int]
    as_of: date | None = None


def load_dataset(db: Database, path: Path | str, *, actor: Principal) -> LoadResult:
    """Validate a dataset file and make the stored organization equal to it, in one
    transaction. Loading the same file twice changes nothing."""
    org, sha = loader.read(path)  # raises DatasetError before anything is touched
    try:
        return _load(db, org, sha, path, actor)
    except IntegrityError as exc:  # rolled back: nothing was loaded
        raise ValueError(
            f"{path} leaves out a body or a state that records of this database still "
            f"refer to (meetings, drafts, decisions, reports...); keep it in the file. "
            f"Nothing was loaded. ({str(exc.orig).splitlines()[0]})") from exc


def _load(db: Database, org: Organization, sha: str, path: Path | str,
          actor: Principal) -> LoadResult:
    with db.write(actor) as w:
        current = org_repository.dataset_identity(w.conn)
        if current is not None and current[2] == sha:
            w.audit("dataset.load", "organization", org.key,
                    {"version": org.version, "sha256": sha, "changed": False})
            return LoadResult(org.key, org.version, sha, False, {}, org.as_of)
        if current is not None and current[0] != org.key:
            raise ValueError(
                f"this database holds organization {current[0]!r}; {path} describes "
                f"{org.key!r}. Use a separate database for each organization.")
        if gone := dataset_ties.left_out(w.conn, org):
            raise ValueError(
                f"{path} leaves out what records of this database still refer to: "
                f"{'; '.join(gone)}; keep it in the file (a key renamed is a key left "
                "out). Nothing was loaded.")
        counts = org_repository.save(w.conn, org, sha)
        counts.update(seed_registers(w.conn, org))
        w.audit("dataset.load", "organization", org.key,
                {"version": org.version, "sha256": sha, "changed": True,
                 "previous": current[2] if current else None, "counts": counts})
    _CACHE.clear()
    return LoadResult(org.key, org.version, sha, True, counts, org.as_of)


_CACHE: dict[tuple[str, str], Organization] = {}


def organization_forces(db: Database) -> bool:
    """Whether the loaded organization keeps a forces registry."""
    with db.read() as conn:
        return bool(organization(conn).forces.get("units"))


def organization(conn: Connection, reader: Principal = SYSTEM) -> Organization:
    """The stored organization: the dataset (cached per checksum) with what was recorded
    after loading (confirmed membership events, the ledger, appointments by decision);
    for a `reader` other than the system (what a page or the API shows), only the
    appointments made by decisions it may read (`org_repository.recorded_appointments`)."""
    base = _dataset_organization(conn)
    return with_records(base, org_repository.recorded_events(conn),
                        org_repository.contributions(conn),
                        org_repository.recorded_appointments(conn, reader))


def working_zone(conn: Connection) -> str | None:
    """The loaded organization's working time zone (None: none named, or nothing loaded:
    UTC's days)."""
    try:
        return calendar.zone_name(_dataset_organization(conn))
    except NotLoaded:
        return None


def today(conn: Connection) -> date:
    """The organization's day now (`domain/calendar.py`), on the services' clock."""
    return clock.today(working_zone(conn))


def day(conn: Connection, at: datetime) -> date:
    """The organization's day of the moment `at`."""
    return clock.day(working_zone(conn), at)


def _dataset_organization(conn: Connection) -> Organization:
    ident = org_repository.dataset_identity(conn)
    if ident is None:
        raise NotLoaded("no organization loaded: run `phalanx load --builtin csto`")
    cache_key = (str(conn.engine.url), ident[2])
    org = _CACHE.get(cache_key)
    if org is None:
        org = org_repository.load(conn)
        assert org is not None
        _CACHE.clear()
        _CACHE[cache_key] = org
    return org


def organization_info(org: Organization) -> OrganizationOut:
    founding = org.agreements.get(org.founding_agreement)
    sections = [*(["operations"] if org.operations else []),
                *(["forces"] if org.forces else []), *org.registers]
    return OrganizationOut(key=org.key, name=org.name.en, name_ru=org.name.ru,
                           abbreviation=org.abbreviation.en, abbreviation_ru=org.abbreviation.ru,
                           dataset_version=org.version, as_of=org.as_of,
                           working_time_zone=org.settings.get("working_time_zone"),
                           days_off=list(org.settings.get("days_off") or []),
                           sections=sections,
                           founding_title=founding.title.en if founding else "",
                           founding_title_ru=founding.title.ru if founding else "",
                           defence_article=next(iter(
                               org.settings.get("collective_defence_articles") or []), ""),
                           crrf_constraint=any(f.get("use_constraint") == "crrf"
                                               for f in org.forces.get("formations", [])))


def members_on(org: Organization, day: date) -> list[MemberOut]:
    pending = {n.state: n for n in leaving.notices(org)
               if n.given <= day and (day < n.effective or not n.takes_effect)}
    return [
        MemberOut(code=m.state, name=org.states[m.state].name.en,
                  name_ru=org.states[m.state].name.ru, status=m.status, since=m.since,
                  standing=rules.standing_on(org, m.state, day),
                  bound=rules.bound_by_founding(org, m.state, day),
                  notice_given=pending[m.state].given if m.state in pending else None,
                  leaving_on=pending[m.state].effective if m.state in pending
                  and pending[m.state].takes_effect else None,
                  obligations_settled=pending[m.state].settled if m.state in pending
                  else None, grounds=_grounds(org, m, day))
        for m in rules.members_on(org, day)
    ]


def _grounds(org: Organization, m: rules.Membership, day: date) -> list[GroundOut]:
    """The membership events of `m`'s state from the day it became a member to `day`."""
    return [GroundOut(event=e.kind.value, on=e.on, source=e.source,
                      illustrative=e.illustrative)
            for e in sorted(org.membership, key=lambda e: e.on)
            if e.state == m.state and m.since <= e.on <= day and e.kind is not EventKind.SIGN]


def states(org: Organization) -> list[StateOut]:
    return [StateOut(code=s.code, name=s.name.en, name_ru=s.name.ru)
            for s in sorted(org.states.values(), key=lambda s: s.code)]


def state(org: Organization, code: str) -> StateOut:
    s = org.states.get(code.upper())
    if s is None:
        raise NotFound("state", code)
    return StateOut(code=s.code, name=s.name.en, name_ru=s.name.ru)


def agreements(org: Organization, on: date | None = None) -> list[AgreementOut]:
    return [_agreement(org, key, on) for key in org.agreements]


def agreement(org: Organization, key: str, on: date | None = None) -> AgreementOut:
    if key not in org.agreements:
        raise NotFound("agreement", key)
    return _agreement(org, key, on)


def _agreement(org: Organization, key: str, on: date | None) -> AgreementOut:
    a = org.agreements[key]
    return AgreementOut(
        key=a.key, title=a.title.en, title_ru=a.title.ru, kind=a.kind.value, signed=a.signed,
        place=a.place, in_force=a.in_force, term_years=a.term_years, source=a.source,
        parties=[PartyOut(state=p.state, status=p.status.value, signed=p.signed,
                          bound_from=p.bound.start, bound_until=p.bound.end, note=p.note,
                          source=p.source,
                          bound_on_day=p.bound_on(on) if on is not None else None)
                 for p in a.parties],
        bound_on=rules.parties_bound(a, on) if on is not None else None,
        modifies=a.modifies, effect=a.effect,
        modified_by=[(b.key, b.effect or "") for b in org.agreements.values()
                     if b.modifies == a.key],
    )


def bodies(org: Organization, on: date | None = None) -> list[BodyOut]:
    out = [_body(org, key, on) for key in org.bodies]
    return [b for b in out if on is None or b.exists]


def _body(org: Organization, key: str, on: date | None) -> BodyOut:
    b = org.bodies[key]
    return BodyOut(
        key=b.key, name=b.name.en, name_ru=b.name.ru,
        abbreviation=b.abbreviation.en if b.abbreviation else None, kind=b.kind,
        role=b.role.en if b.role else None, role_ru=b.role.ru if b.role else None,
        parent=b.parent, established=b.existence.start, dissolved=b.existence.end, seat=b.seat,
        exists=rules.body_exists(b, on) if on is not None else None,
    )


def composition(org: Organization, key: str, on: date) -> CompositionOut:
    if key not in org.bodies:
        raise NotFound("body", key)
    c = rules.composition_on(org, key, on)
    return CompositionOut(
        body=_body(org, key, on), on=on, exists=c.exists,
        chair=_chair(c.chair),
        seats=[SeatOut(state=s.state, state_name=org.states[s.state].name.en, office=s.office,
                       person=s.person, suspended=s.suspended,
                       not_taking_part=s.not_taking_part, standing=s.standing)
               for s in c.seats],
        officials=[OfficialOut(post=o.post, person=o.person, state=o.state)
                   for o in c.officials],
        attendees=list(c.attendees), observers=list(c.observers),
    )


def chair_in(org: Organization, body_key: str, year: int) -> ChairOut | None:
    if body_key not in org.bodies:
        raise NotFound("body", body_key)
    return _chair(rules.chair_of(org, body_key, year))


def _chair(c: object) -> ChairOut | None:
    if c is None:
        return None
    return ChairOut(year=c.year, state=c.state, person=c.person,  # type: ignore[attr-defined]
                    derived=c.source.startswith("derived"),  # type: ignore[attr-defined]
                    exception=c.exception)  # type: ignore[attr-defined]


def chairs(org: Organization, body_key: str, until: int) -> list[ChairOut]:
    """Every year's chair from the first recorded to `until`."""
    from phalanx.domain import rotation

    if body_key not in org.bodies:
        raise NotFound("body", body_key)
    if not org.bodies[body_key].chair_rotation:
        return [c for c in (_chair(x) for x in org.bodies[body_key].chairs) if c]
    return [c for c in (_chair(x) for x in rotation.chairs(org, body_key, until).values())
            if c]
