"""What a crisis's record decides of the rules, beside what its response says: the other
party the report names (a dispute between members, or a neighbouring state: the CRRF is
not used, `domain/crisis/parties.py`), and whether the place it records lies on a
member's territory (peacekeepers go elsewhere only with a UN mandate)."""

from __future__ import annotations

from typing import Any

from phalanx.adapters.cap import territory
from phalanx.domain import membership
from phalanx.domain.crisis import parties
from phalanx.domain.organization import Organization
from phalanx.services import clock
from phalanx.services.crises.schemas import _states

__all__ = ["crrf_constraint", "dispute_of", "members_in_dispute", "on_member_territory"]


def members_in_dispute(org: Organization, row: Any) -> list[str]:
    """The states the crisis's report names as the other party that are members on the
    day of the report (`domain/crisis/parties.py`; none: no dispute between members)."""
    others = _states(row.other_parties)
    if not others:  # the common case: no membership to look up
        return []
    members = {m.state for m in membership.members_on(org, clock.day(org, row.reported_at))}
    return parties.members_in_dispute(others, members)


def crrf_constraint(org: Organization) -> bool:
    """Whether the organization's file gives a formation the CRRF's use constraint (not
    to settle a bilateral political problem between states, nor against CIS partners or
    neighbouring states: `forces.formations[].use_constraint`); only then does the
    constraint bar the measure `military_crrf`."""
    return any(f.get("use_constraint") == "crrf" for f in org.forces.get("formations", []))


def dispute_of(org: Organization, row: Any) -> str:
    """Why the CRRF is not used for the crisis: its report names a member as the other
    party, or else a neighbouring state of an affected member (`parties.py`; empty: it
    names neither, or no formation of the file has the CRRF's constraint)."""
    if not crrf_constraint(org):
        return ""
    affected, named = _states(row.affected), members_in_dispute(org, row)
    if named:
        return parties.dispute_refusal(affected, named)
    others = _states(row.other_parties)
    return parties.neighbour_refusal({
        other: [s for s in affected if territory.borders(s, [other])] for other in others})


def on_member_territory(org: Organization, row: Any) -> bool:
    """Whether the crisis's measures are given on a member's territory: not where the
    place the report records lies, by the country shapes, on no member's territory on the
    day of the report (Nagorno-Karabakh, 2020: a report of Armenia's with its place on
    Azerbaijan's territory), whatever the response's box says; else as the Secretariat
    chose in the response ("outside members' territory" ticked or not). Peacekeepers go
    outside the members' territory only with a UN Security Council mandate (DOMAIN §7),
    so a box left unticked does not make an affected state's request enough there."""
    if not row.on_member_territory:
        return False
    if row.lat is None or row.lon is None:
        return True
    members = [m.state for m in membership.members_on(org, clock.day(org, row.reported_at))]
    return territory.inside(row.lat, row.lon, members) is not False
