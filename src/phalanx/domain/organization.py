"""The organization as plain data: states, agreements, membership events, bodies, posts.

Nothing here knows about files, databases or the web. The dataset loader builds an
`Organization` from a file, the storage adapter from tables; the rules in
`membership.py` answer questions about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Text:
    """A text in the organization's working languages."""

    en: str
    ru: str

    def get(self, lang: str) -> str:
        return self.ru if lang == "ru" and self.ru else self.en


@dataclass(frozen=True)
class Period:
    """A half-open span of days, [start, end). `None` means open on that side."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def overlaps(self, other: Period) -> bool:
        a0 = self.start or date.min
        b0 = other.start or date.min
        a1 = self.end or date.max
        b1 = other.end or date.max
        return a0 < b1 and b0 < a1


@dataclass(frozen=True)
class State:
    code: str  # ISO 3166-1 alpha-3
    name: Text


class AgreementKind(StrEnum):
    TREATY = "treaty"
    PROTOCOL = "protocol"
    CHARTER = "charter"
    AGREEMENT = "agreement"
    DECLARATION = "declaration"


class PartyStatus(StrEnum):
    """What a state did about one agreement."""

    PARTY = "party"  # signed (or acceded) and bound from `bound_from`
    SIGNED = "signed"  # signed, not (yet) bound
    NOT_SIGNED = "not_signed"  # was asked to sign and did not
    ABSTAINED = "abstained"  # stayed out, reserving the right to join later
    WITHDRAWN = "withdrawn"  # was bound, no longer


@dataclass(frozen=True)
class AgreementParty:
    state: str
    status: PartyStatus
    signed: date | None = None
    bound: Period = field(default_factory=Period)
    note: str = ""
    source: str = ""

    def bound_on(self, day: date) -> bool:
        if self.status in (PartyStatus.NOT_SIGNED, PartyStatus.ABSTAINED, PartyStatus.SIGNED):
            return False
        return self.bound.start is not None and self.bound.contains(day)


@dataclass(frozen=True)
class Agreement:
    key: str
    title: Text
    kind: AgreementKind
    signed: date
    place: str = ""
    in_force: date | None = None
    term_years: int | None = None
    parties: tuple[AgreementParty, ...] = ()
    note: str = ""
    source: str = ""
    # the earlier agreement it amends, extends, suspends or repeals (its key), and how
    modifies: str | None = None
    effect: str | None = None


class EventKind(StrEnum):
    """Membership events of a state in the organization."""

    SIGN = "sign"  # signs the founding treaty: a signatory, not yet a member
    JOIN = "join"  # becomes a member (entry into force for it, accession, rejoining)
    SUSPEND = "suspend"  # participation suspended: still a member, no say
    RESUME = "resume"  # participation resumed
    WITHDRAW = "withdraw"  # leaves (withdrawal, or the treaty lapsing for it)
    NOTICE = "notice"  # written notice of withdrawal: leaves when the notice period ends
    SETTLE = "settle"  # obligations settled after a notice of withdrawal
    EXPEL = "expel"  # expelled by the Council (only where the dataset allows it)
    STAND_ASIDE = "stand_aside"  # stops taking part: still a member, still bound
    TAKE_PART = "take_part"  # takes part again


class MembershipStatus(StrEnum):
    SIGNATORY = "signatory"
    MEMBER = "member"
    SUSPENDED = "suspended"
    NOT_TAKING_PART = "not_taking_part"  # a member, bound, that takes no part in sessions


@dataclass(frozen=True)
class MembershipEvent:
    state: str
    kind: EventKind
    on: date
    agreement: str | None = None
    note: str = ""
    source: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class Contribution:
    """One state's assessed contribution to the budget for one year, and what it paid
    (`paid` reached on `paid_on`; before that day the payment does not count)."""

    state: str
    year: int
    assessed: float
    paid: float = 0.0
    paid_on: date | None = None
    illustrative: bool = False
    source: str = ""


@dataclass(frozen=True)
class Office:
    """An office a member state fills, e.g. head of state or defence minister."""

    key: str
    name: Text


@dataclass(frozen=True)
class SeatHolder:
    """A named person holding a state's seat in a body for a term."""

    state: str
    person: str
    term: Period
    office: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Chairmanship:
    year: int
    state: str
    person: str = ""
    source: str = ""
    exception: str = ""  # the Council decision departing from the rotation, if any


@dataclass(frozen=True)
class Observer:
    """A non-member state or an organization with observer (or partner) status."""

    name: str
    term: Period
    state: str | None = None  # ISO code when the observer is a state
    status: str = "observer"
    source: str = ""


@dataclass(frozen=True)
class Body:
    key: str
    name: Text
    kind: str
    abbreviation: Text | None = None
    role: Text | None = None
    parent: str | None = None
    existence: Period = field(default_factory=Period)
    chair_rotation: bool = False  # the chair rotates yearly by the rule of `rotation.py`
    seat: str | None = None  # the office each member state sends; None: no per-state seats
    attendees: tuple[str, ...] = ()  # posts or offices that attend without a seat
    seat_holders: tuple[SeatHolder, ...] = ()
    chairs: tuple[Chairmanship, ...] = ()
    observers: tuple[Observer, ...] = ()
    rules: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class Appointment:
    person: str
    term: Period
    state: str | None = None
    note: str = ""
    source: str = ""
    acting: bool = False  # holds the post in acting capacity, outside the term rotation
    decision: str = ""  # the decision that appointed, when recorded after loading


@dataclass(frozen=True)
class Post:
    """A post of the organization or of one body, e.g. the Secretary General."""

    key: str
    name: Text
    body: str | None = None
    appointments: tuple[Appointment, ...] = ()
    terms_from: date | None = None  # first day of the terms' rotation
    term_years: int | None = None


@dataclass(frozen=True)
class ExternalStatus:
    """The organization's own standing elsewhere, e.g. observer in the UN General Assembly."""

    counterpart: str
    status: str
    term: Period
    source: str = ""


@dataclass(frozen=True)
class HistoricalCount:
    """A count the organization reports for a period before (or outside) the system,
    e.g. 17 joint statements in the 2014 chairmanship. Shown beside what is recorded,
    never turned into invented records."""

    kind: str
    period: str
    count: int
    body: str | None = None
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class Organization:
    key: str
    name: Text
    abbreviation: Text
    founding_agreement: str
    states: dict[str, State]
    agreements: dict[str, Agreement]
    membership: tuple[MembershipEvent, ...]
    offices: dict[str, Office] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    external_statuses: tuple[ExternalStatus, ...] = ()
    historical_counts: tuple[HistoricalCount, ...] = ()
    crisis_categories: dict[str, Any] = field(default_factory=dict)  # key -> crisis.Category
    operations: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> as in the file
    forces: dict[str, Any] = field(default_factory=dict)  # the registry, as in the file
    # the year-round registers' sections as in the file (parliamentary_assembly, ...)
    registers: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    contributions: tuple[Contribution, ...] = ()
    as_of: date | None = None  # the dataset's cut-off: sourced facts run to this day
    # language -> {English text of the dataset: its translation}, for the texts the file
    # gives in English alone (notes, unit names, ...)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def applies_from(self, agreement: str | None) -> date | None:
        """The day from which what an agreement introduced applies: its entry into force,
        else (not recorded) its signature (setting, as for the limited format); None for
        no agreement, or one the dataset does not hold (it always existed)."""
        ag = self.agreements.get(agreement) if agreement else None
        return None if ag is None else ag.in_force or ag.signed

    def text_in(self, lang: str) -> Callable[[str], str]:
        """`text(s)`: a text of the dataset in `lang` when the file gives it so (its
        translations, and the English of its names in both working languages: states,
        offices, bodies, crisis categories with their basis and obligation), else as
        written."""
        table = {**self._names_in(lang), **self.translations.get(lang, {})}
        return lambda s: table.get(s, s) if isinstance(s, str) else s

    def _names_in(self, lang: str) -> dict[str, str]:
        if lang == "en":
            return {}
        texts = [*(s.name for s in self.states.values()),
                 *(o.name for o in self.offices.values()),
                 *(b.name for b in self.bodies.values())]
        names = {t.en: t.get(lang) for t in texts}
        for c in self.crisis_categories.values():  # crisis.Category: en and ru fields
            for en, ru in (("name_en", "name_ru"), ("basis", "basis_ru"),
                           ("obligation", "obligation_ru")):
                if lang == "ru" and getattr(c, ru, ""):
                    names[getattr(c, en)] = getattr(c, ru)
        return names
