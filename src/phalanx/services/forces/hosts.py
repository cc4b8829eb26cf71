"""Whose territory each force requirement's place lies on, and whether that member asked
for the forces that would go there (`domain/crisis/authority.py`, `host_problems`: forces
go onto a member's territory only at that member's request).

The place's state comes from the country shapes (`adapters/cap/territory.py`), among the
organization's members on the day; a place on none of them is outside the members'
territory. Without the shapes installed no place's state is known: nothing is refused
here, and the planner says so (`SHAPES_MISSING`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.cap import territory
from phalanx.domain.crisis import authority
from phalanx.domain.crisis.workflow import Measure
from phalanx.domain.membership import members_on
from phalanx.services import clock, crisis_requests
from phalanx.services import organization as orgs
from phalanx.services.clock import now
from phalanx.services.crises.common import treaty_articles
from phalanx.services.crises.schemas import _states

SHAPES_MISSING = ("the country shapes are not installed: whose territory a requirement's "
                  "place lies on is not known, and any affected state's request covers it")


def known() -> bool:
    """Whether the country shapes are installed (the places' states can be told)."""
    return territory.available()


def hosts(conn: Connection, places: Iterable[Any], at: datetime | None = None
          ) -> dict[int, str | None]:
    """For requirements (rows with `id`, `lat`, `lon`), the member state whose territory
    each place lies on on `at`'s day (None: none of the members', or not known)."""
    at = at or now()
    places = list(places)
    if not places or not known():
        return {p.id: None for p in places}
    org = orgs.organization(conn)
    members = [m.state for m in members_on(org, clock.day(org, at))]
    return {p.id: territory.state_at(p.lat, p.lon, members) for p in places}


def refusals(conn: Connection, crisis: Any, places: Iterable[Any],
             at: datetime | None = None, where: dict[int, str | None] | None = None
             ) -> dict[int, str]:
    """For the requirements of `crisis` (rows with `id`, `lat`, `lon`), why forces may not
    go to each place at `at` (as things stand, without it), the reasons joined by "; ";
    a requirement forces may go to is absent. The measures weighed are those the crisis's
    forces serve (`authority.forces_measures`); `where`: the places' states, if known
    already (`hosts`)."""
    places = list(places)
    requests = crisis_requests.as_domain(crisis_requests.requests_of(conn, crisis.id))
    measures = authority.forces_measures([Measure(m) for m in crisis.measures],
                                         [Measure(m) for m in crisis.authorizes], requests)
    if not measures or not places or not known():
        return {}
    affected = _states(crisis.affected)
    article = treaty_articles(orgs.organization(conn))[1]
    out: dict[int, str] = {}
    for rid, host in (where if where is not None else hosts(conn, places, at)).items():
        problems = authority.host_problems(host, measures, requests, affected,
                                           un_mandate=crisis.un_mandate, at=at,
                                           article=article)
        if problems:
            out[rid] = "; ".join(problems)
    return out
