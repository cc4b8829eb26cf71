"""Requests and offers of assistance (EDXL-RM vocabulary), and situation reports."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import membership
from phalanx.domain.access.policy import (
    StateAct,
    acts_for,
    why_not_act,
)
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.workflow import Measure
from phalanx.services import clock, offered_units
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.crises.common import (
    _attachments,
    _event,
    _row,
    _staff,
    deployment_refusals,
)
from phalanx.services.crises.ending import refuse_if_over
from phalanx.services.crises.reading import _out
from phalanx.services.crises.repeats import (
    refuse_repeated_offer,
    refuse_repeated_request,
    refuse_repeated_sitrep,
)
from phalanx.services.crises.schemas import (
    CrisisOut,
    OfferIn,
    RequestIn,
    SitrepIn,
    _states,
)
from phalanx.services.db import Database
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound, missing_as

# --- requests and offers of assistance (EDXL-RM vocabulary) -------------------------------


def request_assistance(db: Database, crisis_id: int, data: RequestIn, *, actor: Principal,
                       at: datetime | None = None) -> CrisisOut:
    """The affected state lists a need. Requests lapse unless renewed."""
    at = at or now()
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        state = data.state or actor.state
        if not _staff(actor):
            if state is None:
                raise Forbidden("requests come from an affected state's representative or "
                                "the Secretariat")
            if reason := why_not_act(actor, state, StateAct.CRISIS):
                raise Forbidden(reason)
        if state is None or state not in _states(row.affected):
            raise Invalid("state", f"requests come from an affected state "
                                   f"({', '.join(_states(row.affected))})")
        refuse_repeated_request(w.conn, crisis_id, state, data, data.place or row.place, at)
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
        return _out(w.conn, row, at, detail=True, actor=actor)




def offer_assistance(db: Database, request_id: int, data: OfferIn, *, actor: Principal,
                     at: datetime | None = None) -> CrisisOut:
    """A member offers what it chooses to (voluntary participation)."""
    at = at or now()
    with db.write(actor) as w:
        req = w.conn.execute(select(t.assistance_request).where(
            t.assistance_request.c.id == request_id)).first()
        if req is None:
            raise NotFound("request", request_id)
        with missing_as("request", request_id):
            row = _row(w.conn, req.crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        state = data.state or actor.state
        if state is None:
            raise Forbidden("offers are made by a state's authorized representative")
        if reason := why_not_act(actor, state, StateAct.CRISIS):
            raise Forbidden(reason)
        org = orgs.organization(w.conn)
        if state not in {m.state for m in membership.members_on(org, clock.day(org, at))}:
            raise Invalid("state", f"{state} is not a member")
        if data.kind == "units":
            # a member outside the response (suspended; out of the crisis's decision in a
            # limited format) offers no units (`services/forces/consent.py`)
            from phalanx.services.forces import consent

            if why := consent.outside_crisis(w.conn, org, row, clock.day(org, at),
                                              [state], actor).get(state):
                raise Forbidden(why)
        quantity = data.quantity
        if data.kind == "units" and (data.units or data.capability or data.strength):
            total, problems = offered_units.check(w.conn, row, state, data.units,
                                                  data.capability, data.strength, actor)
            if problems:
                raise Invalid("units", "; ".join(problems))
            if quantity is None and offered_units.kept(w.conn, data.units):
                raise Invalid("quantity", offered_units.UNSTATED)
            quantity = quantity or total
        if quantity is None:
            raise Invalid("quantity", "give the quantity offered, or name the units")
        units = list(dict.fromkeys(data.units))
        refuse_repeated_offer(w.conn, request_id, state, data, quantity, units)
        offer_id = w.conn.execute(insert(t.assistance_offer).values(
            request_id=request_id, state_code=state, kind=data.kind,
            description=data.description, quantity=quantity, status="offered",
            created_by=actor.username, created_at=at, units=units,
            capability=data.capability, strength=data.strength).returning(
            t.assistance_offer.c.id)).scalar_one()
        what = (", ".join(units) if units else f"{data.strength} {data.capability}"
                if data.capability else "")
        _event(w, req.crisis_id, "offer", f"{state} offers {quantity} "
                                          f"({data.kind}{': ' + what if what else ''}): "
                                          f"{data.description}", at)
        w.audit("assistance.offer", "crisis", req.crisis_id,
                {"offer": offer_id, "request": request_id, "state": state,
                 **data.model_dump(mode="json", exclude={"state"})})
        w.emit(f"crisis:{req.crisis_id}", "offer", id=offer_id,
               classification=access.position_classification(state))
        return _out(w.conn, row, at, detail=True, actor=actor)


def decide_offer(db: Database, offer_id: int, accept: bool, *, actor: Principal,
                 at: datetime | None = None) -> CrisisOut:
    """The requesting state (or the Secretariat on its behalf) accepts or declines."""
    at = at or now()
    with db.write(actor) as w:
        offer = w.conn.execute(select(t.assistance_offer, t.assistance_request.c.crisis_id,
                                      t.assistance_request.c.state_code.label("requester"),
                                      t.assistance_request.c.measure.label("measure"))
                               .join(t.assistance_request, t.assistance_request.c.id
                                     == t.assistance_offer.c.request_id)
                               .where(t.assistance_offer.c.id == offer_id)).first()
        if offer is None:
            raise NotFound("offer", offer_id)
        with missing_as("offer", offer_id):
            row = _row(w.conn, offer.crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)
        if not _staff(actor) and not acts_for(actor, offer.requester, StateAct.CRISIS):
            raise Forbidden(f"only {offer.requester}, which asked, or the Secretariat accepts "
                            "or declines")
        # the offer as it stands now that the crisis is locked: one decided at the same
        # moment elsewhere (another instance) is not decided again
        status = w.conn.execute(select(t.assistance_offer.c.status).where(
            t.assistance_offer.c.id == offer_id).with_for_update()).scalar_one()
        if status != "offered":
            raise Conflict(f"offer {offer_id} is already {status}")
        # military assistance whose official request was withdrawn, or whose decision's
        # period is over: nothing new goes out
        if accept and (problems := deployment_refusals(w.conn, row, [Measure(offer.measure)],
                                                       at=at, actor=actor)):
            raise Conflict(f"offer {offer_id} is not accepted: " + "; ".join(problems))
        status = "accepted" if accept else "declined"
        w.conn.execute(update(t.assistance_offer).where(t.assistance_offer.c.id == offer_id)
                       .values(status=status, decided_at=at))
        _event(w, offer.crisis_id, "offer", f"{offer.requester} {status} the offer of "
                                            f"{offer.state_code}", at)
        w.audit(f"assistance.{status}", "crisis", offer.crisis_id, {"offer": offer_id})
        w.emit(f"crisis:{offer.crisis_id}", "offer", id=offer_id, status=status,
               classification=access.position_classification(offer.state_code))
        return _out(w.conn, row, at, detail=True, actor=actor)


# --- situation reports, monitoring, escalation ---------------------------------------------


def add_sitrep(db: Database, crisis_id: int, data: SitrepIn, *, actor: Principal,
               at: datetime | None = None) -> CrisisOut:
    at = at or now()
    if not (_staff(actor) or (actor.state and acts_for(actor, actor.state, StateAct.CRISIS))):
        raise Forbidden("situation reports are filed by the Secretariat, the Joint Staff or "
                        "a state's authorized representative")
    with db.write(actor) as w:
        row = _row(w.conn, crisis_id, actor, lock=True)
        refuse_if_over(w.conn, row)  # an exercise over takes no report (its review does)
        found = {a["id"] for a in _attachments(w.conn, data.document_ids, actor)}
        missing = sorted(set(data.document_ids) - found)
        if missing:
            raise Invalid("document_ids", f"no documents {missing}")
        refuse_repeated_sitrep(w.conn, crisis_id, actor.username, data.model_dump())
        sid = w.conn.execute(insert(t.sitrep).values(
            crisis_id=crisis_id, at=at, author=actor.username, state_code=actor.state,
            **data.model_dump()).returning(t.sitrep.c.id)).scalar_one()
        _event(w, crisis_id, "sitrep", data.situation[:200], at)
        w.audit("crisis.sitrep", "crisis", crisis_id, {"sitrep": sid})
        w.emit(f"crisis:{crisis_id}", "sitrep", id=sid)
        return _out(w.conn, row, at, detail=True, actor=actor)


