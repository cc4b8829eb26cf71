"""The organization under /api/v1: states, members on a date, agreements, bodies, chairs
and posts; membership events recorded after loading; the contributions ledger."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from phalanx.domain.crisis.workflow import Measure
from phalanx.services import clock
from phalanx.services import membership as ms
from phalanx.services import organization as orgs
from phalanx.services import organization_terms as terms
from phalanx.services import representation as rep
from phalanx.web.auth import Public, Reader, Writer
from phalanx.web.deps import DB, Conn, Id, IsoDate, Org
from phalanx.web.problem_document import problem_responses

router = APIRouter(tags=["organization"])

On = Annotated[IsoDate | None, Query(description="The date, YYYY-MM-DD.")]


@router.get("/organization", response_model=orgs.OrganizationOut)
def get_organization(org: Org) -> orgs.OrganizationOut:
    return orgs.organization_info(org)


class CategoryOut(BaseModel):
    key: str = Field(description="what a crisis's `category` says")
    name: str
    name_ru: str
    basis: str = Field(description="the treaty basis the dataset cites")
    measures: list[Measure] = Field(description="the measures the category allows")
    obliged: str = Field(description="all_members (every member owes its answer, as under the "
                                     "collective-defence article the file names) or volunteers")
    consult_first: bool = Field(description="not rejected before the members consult")
    cap_categories: list[str] = Field(description="the CAP categories it is read from")
    exists_from: date | None = Field(default=None, description=(
        "the first day a crisis of the category may be reported: the day the agreement "
        "that made it applies (null: it always existed)"))


@router.get("/crisis-categories", response_model=list[CategoryOut])
def crisis_categories(org: Org) -> list[CategoryOut]:
    """The kinds of crisis the organization's dataset knows: a reported crisis names one
    by its key."""
    return [CategoryOut(key=c.key, name=c.name_en, name_ru=c.name_ru, basis=c.basis,
                        measures=sorted(c.measures), obliged=c.obliged,
                        consult_first=c.consult_first, cap_categories=list(c.cap_categories),
                        exists_from=org.applies_from(c.introduced_by))
            for c in org.crisis_categories.values()]


@router.get("/states", response_model=list[orgs.StateOut])
def list_states(org: Org) -> list[orgs.StateOut]:
    return orgs.states(org)


@router.get("/states/{code}", response_model=orgs.StateOut)
def get_state(code: str, org: Org) -> orgs.StateOut:
    return orgs.state(org, code)


@router.get("/states/{code}/authorities", response_model=list[rep.AuthorityChangeOut])
def state_authorities(code: str, org: Org, conn: Conn, actor: Public
                      ) -> list[rep.AuthorityChangeOut]:
    """The changes of a state's authorities the Secretariat recorded, by their days."""
    orgs.state(org, code)  # an unknown state: 404
    return rep.changes(conn, code, actor=actor)


@router.post("/states/{code}/authorities", response_model=rep.AuthorityChangeOut, status_code=201,
             responses=problem_responses(403, 404, 503))
def record_authorities(code: str, data: rep.AuthoritiesIn, org: Org, actor: Writer,
                       db: DB) -> rep.AuthorityChangeOut:
    """The Secretariat records a change of a member state's authorities from a day, with
    its source. An unconstitutional change ends the appointments of the state's users made
    before it, until the administrator records that those in power confirm them
    (`POST /users/{username}/confirm`)."""
    orgs.state(org, code)
    return rep.record(db, rep.AuthorityChangeIn(state=code, **data.model_dump()), actor=actor)


@router.get("/members", response_model=list[orgs.MemberOut])
def list_members(org: Org, on: On = None) -> list[orgs.MemberOut]:
    """Member states on a date (today by default), as `phalanx members --json` prints them."""
    return orgs.members_on(org, on or clock.today(org))


@router.get("/timeline", response_model=list[terms.TimelineRowOut])
def membership_timeline(org: Org) -> list[terms.TimelineRowOut]:
    return terms.timeline(org)


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
    return orgs.composition(org, key, on or clock.today(org))


@router.get("/bodies/{key}/chair", response_model=orgs.ChairOut | None)
def body_chair(key: str, org: Org,
               year: Annotated[int, Query(ge=1900, le=2200)]) -> orgs.ChairOut | None:
    return orgs.chair_in(org, key, year)


@router.get("/bodies/{key}/chairs", response_model=list[orgs.ChairOut])
def body_chairs(key: str, org: Org,
                until: Annotated[int, Query(ge=1900, le=2200)]) -> list[orgs.ChairOut]:
    """Every year's chair up to `until`: derived by the rotation rule where the body
    rotates its chair (`derived`), with the Council's recorded exceptions."""
    return orgs.chairs(org, key, until)


@router.get("/posts/{key}", response_model=terms.PostTermOut)
def post_on(key: str, org: Org, on: On = None) -> terms.PostTermOut:
    """The post's holder on a date (acting or not), its term, and the next rotation."""
    return terms.post_on(org, key, on or clock.today(org))


# --- membership events, contributions ------------------------------------------------


@router.get("/membership/records", response_model=list[ms.RecordOut])
def membership_records(actor: Reader, conn: Conn) -> list[ms.RecordOut]:
    """Membership events recorded after loading, proposed (by a decision) or confirmed; a
    decision's proposal listed to the decision's readers only, and a confirmed event
    naming its decision only to them."""
    return ms.records(conn, actor=actor)


@router.post("/membership/events", response_model=ms.RecordOut, status_code=201,
             responses=problem_responses(503))
def record_membership_event(data: ms.EventIn, actor: Writer, db: DB) -> ms.RecordOut:
    """The Secretariat records a membership event (422 when the membership rules refuse
    it, e.g. a withdrawal before the notice period ends)."""
    return ms.record_event(db, data, actor=actor)


@router.post("/membership/records/{record_id}/confirm", response_model=ms.RecordOut,
             responses=problem_responses(409, 503))
def confirm_membership_event(record_id: Id, actor: Writer, db: DB) -> ms.RecordOut:
    """The Secretariat confirms an event proposed by an adopted decision."""
    return ms.confirm(db, record_id, actor=actor)


@router.get("/contributions", response_model=list[ms.ContributionOut],
            responses=problem_responses(403))
def contributions(actor: Reader, conn: Conn,
                  state: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
                  ) -> list[ms.ContributionOut]:
    """The contributions ledger: members and staff (403 otherwise)."""
    return ms.ledger(conn, state, actor=actor)


@router.put("/contributions/{state}/{year}", response_model=ms.ContributionOut,
            responses=problem_responses(503))
def set_contribution(state: Annotated[str, Path(pattern=r"^[A-Z]{3}$")],
                     year: Annotated[int, Path(ge=1990, le=2200)], data: ms.ContributionIn,
                     actor: Writer, db: DB) -> ms.ContributionOut:
    """The Secretariat enters or corrects one line of the ledger."""
    return ms.set_contribution(db, state, year, data, actor=actor)


@router.get("/arrears", response_model=list[ms.ArrearsOut], responses=problem_responses(403))
def arrears(actor: Reader, org: Org, on: On = None) -> list[ms.ArrearsOut]:
    """Each member's arrears and standing on a date under the two-year rule."""
    return ms.arrears(org, on or clock.today(org), actor=actor)
