"""The registry of forces as the organization file gives it: its units and aircraft
written into the registry's tables on every load, except rows changed in the app since."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from phalanx.adapters.db import tables as t
from phalanx.domain.organization import Organization


def sync(conn: Connection, org: Organization) -> dict[str, int]:
    """Make the registry's units and aircraft those of the file, except rows changed in
    the app since (`edited`), which are kept as they are."""
    forces = org.forces
    symbols = forces.get("symbols", {})
    bases = {b["key"]: b for b in forces.get("bases", [])}
    edited = {
        table.name: {r.key for r in conn.execute(
            select(table.c.key).where(table.c.edited.is_(True)))}
        for table in (t.force_unit, t.force_aircraft)}
    for table in (t.force_unit, t.force_aircraft):
        conn.execute(delete(table).where(table.c.edited.is_(False)))
    units = []
    for i, u in enumerate(forces.get("units", [])):
        if u["key"] in edited["force_unit"]:
            continue
        home = bases.get(u.get("garrison") or "", {})
        units.append({
            "key": u["key"], "position": i, "formation": u["formation"],
            "state_code": u["state"], "name": u["name"], "capability": u["capability"],
            "strength": u["strength"], "garrison": u.get("garrison"),
            "lat": u.get("lat", home.get("lat")), "lon": u.get("lon", home.get("lon")),
            "readiness_h": u["readiness_h"], "weight_t": u["weight_t"],
            "outsize": u.get("outsize", False),
            "certified_until": _date(u.get("certified_until")),
            "sidc": u.get("sidc") or symbols.get(u["capability"], "SFGPU----------"),
            "note": u.get("note", ""), "withdrawn": False, "edited": False, "revision": 1,
            **_registry_marking(u["state"])})
    aircraft = []
    for i, a in enumerate(forces.get("aircraft", [])):
        if a["key"] in edited["force_aircraft"]:
            continue
        aircraft.append({
            "key": a["key"], "position": i, "formation": a.get("formation"),
            "state_code": a["state"], "type": a["type"], "role": a["role"],
            "helicopter": a.get("helicopter", False), "base": a["base"],
            "payload_t": a.get("payload_t"), "speed_kmh": a.get("speed_kmh"),
            "range_km": a.get("range_km"), "turnaround_h": a.get("turnaround_h", 2.0),
            "sidc": a.get("sidc") or aircraft_sidc(a), "withdrawn": False, "edited": False,
            **_registry_marking(a["state"])})
    if units:
        conn.execute(insert(t.force_unit), units)
    if aircraft:
        conn.execute(insert(t.force_aircraft), aircraft)
    return {"force_unit": len(units), "force_aircraft": len(aircraft)}


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _registry_marking(state: str) -> dict[str, Any]:
    """The registry is the organization's: every user of it sees it, observers do not."""
    from phalanx.adapters.db.access import classification_values
    from phalanx.domain.access.policy import Classification, Marking, OwnerKind

    return classification_values(Classification(OwnerKind.STATE, state, Marking.ORGANIZATION))


def aircraft_sidc(a: dict[str, Any]) -> str:
    """MIL-STD-2525C air track: cargo fixed wing (heavy above 60 t, light below 10 t) or
    utility / cargo rotary wing; combat types as fixed-wing attack or attack helicopter."""
    if a["role"] == "combat":
        return "SFAPMHA--------" if a.get("helicopter") else "SFAPMFA--------"
    payload = a.get("payload_t") or 0
    if a.get("helicopter"):
        return "SFAPMHCH-------" if payload >= 10 else "SFAPMHU--------"
    if payload >= 60:
        return "SFAPMFCH-------"
    return "SFAPMFCL-------" if payload < 10 else "SFAPMFCM-------"
