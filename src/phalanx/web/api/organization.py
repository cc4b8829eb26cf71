"""The organization under /api/v1: states, members on a date, agreements, bodies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from phalanx.services import organization as orgs
from phalanx.web.deps import IsoDate, Org

router = APIRouter(tags=["organization"])

On = Annotated[IsoDate | None, Query(description="The date, YYYY-MM-DD.")]


@router.get("/organization", response_model=orgs.OrganizationOut)
def get_organization(org: Org) -> orgs.OrganizationOut:
    return orgs.organization_info(org)


@router.get("/states", response_model=list[orgs.StateOut])
def list_states(org: Org) -> list[orgs.StateOut]:
    return orgs.states(org)


@router.get("/states/{code}", response_model=orgs.StateOut)
def get_state(code: str, org: Org) -> orgs.StateOut:
    return orgs.state(org, code)


@router.get("/members", response_model=list[orgs.MemberOut])
def list_members(org: Org, on: On = None) -> list[orgs.MemberOut]:
    """Member states on a date (today by default), as `phalanx members --json` prints them."""
    return orgs.members_on(org, on or date.today())


@router.get("/timeline", response_model=list[orgs.TimelineRowOut])
def membership_timeline(org: Org) -> list[orgs.TimelineRowOut]:
    return orgs.timeline(org)


@router.get("/agreements", response_model=list[orgs.AgreementOut])
def list_agreements(org: Org, on: On = None) -> list[orgs.AgreementOut]:
    """Agreements; with `on`, each lists the states bound on that date in `bound_on`."""
    return orgs.agreements(org, on)


@router.get("/agreements/{key}", response_model=orgs.AgreementOut)
def get_agreement(key: str, org: Org, on: On = None) -> orgs.AgreementOut:
    return orgs.agreement(org, key, on)


@router.get("/bodies", response_model=list[orgs.BodyOut])
def list_bodies(org: Org, on: On = None) -> list[orgs.BodyOut]:
    return orgs.bodies(org, on)


@router.get("/bodies/{key}/composition", response_model=orgs.CompositionOut)
def body_composition(key: str, org: Org, on: On = None) -> orgs.CompositionOut:
    return orgs.composition(org, key, on or date.today())


@router.get("/bodies/{key}/chair", response_model=orgs.ChairOut | None)
def body_chair(key: str, org: Org,
               year: Annotated[int, Query(ge=1900, le=2200)]) -> orgs.ChairOut | None:
    return orgs.chair_in(org, key, year)
