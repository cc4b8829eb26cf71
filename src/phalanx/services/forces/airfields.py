"""Where units board aircraft and where aircraft land, from the organization's dataset:
its bases and nodes with a place, and its listed ground times both ways, read by the rules
of `domain/forces/boarding.py`."""

from __future__ import annotations

from typing import Any

from phalanx.domain.forces import apron, boarding


def ground_times(forces: dict[str, Any]) -> dict[tuple[str, str], float]:
    """The listed ground times, both ways."""
    ground = {(g["from"], g["to"]): float(g["hours"]) for g in forces.get("ground_times", [])}
    ground.update({(b, a): h for (a, b), h in list(ground.items()) if (b, a) not in ground})
    return ground


def bases(forces: dict[str, Any]) -> list[boarding.Base]:
    """The dataset's bases and nodes with a place, as the boarding rule reads them."""
    return [boarding.Base(b["key"], b.get("state", ""), b.get("kind", ""), (b["lat"], b["lon"]))
            for b in forces.get("bases", []) if b.get("lat") is not None]


def aprons(forces: dict[str, Any]) -> tuple[tuple[tuple[float, float], int], ...]:
    """The airfields that take only so many aircraft on the ground at once, with that
    number (`domain/forces/apron.py`)."""
    return tuple(((b["lat"], b["lon"]), int(b["apron"])) for b in forces.get("bases", [])
                 if b.get("apron") and b.get("lat") is not None)


def apron_at(forces: dict[str, Any], place: tuple[float, float]) -> str | None:
    """The airfield taking only so many aircraft on the ground at once that aircraft
    landing at `place` land at (`apron.field_of`), by its key; none when they land at no
    such airfield."""
    limited = [b for b in forces.get("bases", []) if b.get("apron") and b.get("lat") is not None]
    i = apron.field_of(place, [(b["lat"], b["lon"]) for b in limited])
    return None if i is None else limited[i]["key"]


def boardings(forces: dict[str, Any], ground: dict[tuple[str, str], float]
              ) -> dict[str, boarding.Boarding]:
    """Where the units of each garrison without an airfield board (`boarding.py`)."""
    return boarding.boardings(bases(forces), ground)


def landings(forces: dict[str, Any], ground: dict[tuple[str, str], float],
             places: list[Any], states: dict[int, str | None]) -> dict[str, boarding.Boarding]:
    """Where aircraft land for each requirement (rows with `id`, `lat`, `lon`, `node`)
    whose place has no airfield, by its id (`boarding.py`); `states`: the places' states,
    where known (`hosts.hosts`)."""
    every = bases(forces)
    out = {}
    for r in places:
        found = boarding.landing((r.lat, r.lon), r.node or "", every, ground,
                                 states.get(r.id) or "")
        if found is not None:
            out[str(r.id)] = found
    return out
