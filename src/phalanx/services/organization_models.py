"""The organization's read models, shared by the CLI's --json and the API: its states and
members on a day (with the grounds of each member's status), agreements and their
parties, bodies, seats, chairs and compositions (`organization.py` answers them)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from phalanx.domain.decisions.consensus import Standing
from phalanx.domain.organization import MembershipStatus


class StateOut(BaseModel):
    code: str
    name: str
    name_ru: str


class GroundOut(BaseModel):
    """A membership event a member's status on the day rests on: its admission (entry into
    force for it, accession, return) and what followed, each with its source in the
    dataset."""

    event: str  # sign, join, suspend, stand_aside, notice, ... (`EventKind`)
    on: date
    source: str
    illustrative: bool = False


class MemberOut(StateOut):
    status: MembershipStatus
    since: date
    standing: Standing  # who has a say: full, suspended, not_participating, in_arrears
    bound: bool  # bound by the founding treaty that day (arrears never change it)
    notice_given: date | None = None  # a notice of withdrawal given that day
    # the day it takes effect: none while the obligations are not settled (the state
    # leaves only after settling them)
    leaving_on: date | None = None
    obligations_settled: date | None = None  # recorded for that notice
    # the events since it became a member, up to the day, with their sources
    grounds: list[GroundOut] = []


class PartyOut(BaseModel):
    state: str
    status: str
    signed: date | None
    bound_from: date | None
    bound_until: date | None
    note: str
    source: str = ""  # where the dataset has this state's tie from
    # with a date asked for: whether this row (one period of the state's tie) binds then
    bound_on_day: bool | None = None


class AgreementOut(BaseModel):
    key: str
    title: str
    title_ru: str
    kind: str
    signed: date
    place: str
    in_force: date | None
    term_years: int | None
    parties: list[PartyOut]
    bound_on: list[str] | None = None
    source: str
    # the earlier agreement it modifies and how; the later ones that modify it
    modifies: str | None = None
    effect: str | None = None
    modified_by: list[tuple[str, str]] = []  # (agreement key, effect)


class BodyOut(BaseModel):
    key: str
    name: str
    name_ru: str
    abbreviation: str | None
    kind: str
    role: str | None
    role_ru: str | None
    parent: str | None
    established: date | None
    dissolved: date | None
    seat: str | None
    exists: bool | None = None


class SeatOut(BaseModel):
    state: str
    state_name: str
    office: str | None
    person: str | None
    suspended: bool
    not_taking_part: bool = False
    standing: Standing = Standing.FULL


class OfficialOut(BaseModel):
    post: str
    person: str
    state: str | None


class ChairOut(BaseModel):
    year: int
    state: str
    person: str
    derived: bool = False  # by the rotation rule, not typed in the dataset
    exception: str = ""  # the Council decision departing from the rule


class CompositionOut(BaseModel):
    body: BodyOut
    on: date
    exists: bool
    chair: ChairOut | None
    seats: list[SeatOut]
    officials: list[OfficialOut]
    attendees: list[str]
    observers: list[str]


class OrganizationOut(BaseModel):
    key: str
    name: str
    name_ru: str
    abbreviation: str
    abbreviation_ru: str
    dataset_version: str
    as_of: date | None  # the dataset's cut-off: sourced facts run to this day
    # the time zone the Secretariat works in (an IANA name) and the days off of its
    # week, lower-case English day names (settings `working_time_zone`, `days_off`)
    working_time_zone: str | None = None
    days_off: list[str] = []
    # the optional sections of the file the organization has (`operations`, `forces`,
    # `parliamentary_assembly`, `military_technical`, `training`, `exercises`,
    # `external_relations`): a page of a section it has not is left out of the menu
    sections: list[str] = []
    # the founding agreement's title (what "bound" means on the members' page)
    founding_title: str = ""
    founding_title_ru: str = ""
    # the article whose invocation obliges every member (`collective_defence_articles`,
    # the first): what an official request's form proposes; empty: none
    defence_article: str = ""
    # a formation has the CRRF's use constraint (`use_constraint: crrf`): the crisis room
    # asks then whether a crisis is a bilateral problem or one against a CIS partner
    crrf_constraint: bool = False
