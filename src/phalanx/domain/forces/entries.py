"""Entries of the registry of forces made in the app: a unit a member state has just
assigned to a formation, an aircraft of the lift, a unit moved from one formation to
another.

Who: a unit or an aircraft is added by its own state's representative or by the staff
(`registry.may_change`, the one rule of who acts for a state), and only for a member of
the Organization on the day: the registry holds the forces the members assign (Charter
art. 5 and the formations' agreements, seeds). Where: a garrison or a base is one of the
dataset's bases; a formation one of its formations; an aircraft's kind one of the types
the dataset's lift already has, whose figures (role, payload, speed, range, turnaround)
it takes, so that the planner flies it as the others of its kind. Keys are assigned
(`assigned_key`), never chosen: a chosen key that is taken would tell that a unit kept
NATIONAL by another state exists; nor numbered, since a number skipped would tell it too.

A unit moved out of a formation: refused while a real decided deployment plan in force
moves or holds it (`services/forces/commitments.taken_for_real`), since that plan counts
it for the formation the crisis's decision authorized (`crisis/authority.py`); it moves
once its way home is complete or the crisis is closed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

Problem = tuple[str, str]  # (the field, the refusal)


def not_member(state: str) -> str:
    return (f"{state} is not a member of the Organization: the registry takes none of its "
            "forces")


def add_refused(state: str, what: str) -> str:
    """The refusal of an add to one not acting for `state` (`what`: units, aircraft)."""
    return f"only {state}'s representative or the Joint Staff add {state}'s {what}"


def unit_problems(*, state: str, formation: str, garrison: str, members: Collection[str],
                  formations: Collection[str], bases: Collection[str]) -> list[Problem]:
    """What is wrong with a new unit, each naming its field."""
    out: list[Problem] = []
    if state not in members:
        out.append(("state", not_member(state)))
    if formation not in formations:
        out.append(("formation", f"unknown formation {formation!r}"))
    if garrison not in bases:
        out.append(("garrison", f"unknown base {garrison!r}"))
    return out


def aircraft_kinds(aircraft: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The kinds of aircraft of the dataset's lift, each with the figures of its first
    aircraft: what a new aircraft of that kind flies with."""
    kinds: dict[str, dict[str, Any]] = {}
    for a in aircraft:
        kinds.setdefault(a["type"], {
            "role": a["role"], "helicopter": a.get("helicopter", False),
            "payload_t": a.get("payload_t"), "speed_kmh": a.get("speed_kmh"),
            "range_km": a.get("range_km"), "turnaround_h": a.get("turnaround_h", 2.0)})
    return kinds


def aircraft_problems(*, state: str, kind: str, base: str, formation: str | None,
                      members: Collection[str], kinds: Collection[str],
                      formations: Collection[str], bases: Collection[str]) -> list[Problem]:
    """What is wrong with a new aircraft, each naming its field."""
    out: list[Problem] = []
    if state not in members:
        out.append(("state", not_member(state)))
    if kind not in kinds:
        out.append(("type", f"unknown aircraft kind {kind!r} (the lift's kinds: "
                            f"{', '.join(sorted(kinds))})"))
    if base not in bases:
        out.append(("base", f"unknown base {base!r}"))
    if formation is not None and formation not in formations:
        out.append(("formation", f"unknown formation {formation!r}"))
    return out


def move_problem(unit: str, leaves: str, joins: str, formations: Collection[str]
                 ) -> Problem | None:
    """Why `unit` may not leave formation `leaves` for `joins` (None if it may)."""
    if joins not in formations:
        return ("formation", f"unknown formation {joins!r}")
    if joins == leaves:
        return ("formation", f"unit {unit} is in {joins} already")
    return None


def held_refusal(unit: str, leaves: str) -> str:
    """Why `unit` may not leave `leaves` while a real decided plan in force moves or
    holds it."""
    return (f"unit {unit} is counted for {leaves} by a decided deployment plan in force: "
            "it leaves it once it is home")


def assigned_key(state: str, formation: str, taken: Collection[str],
                 draw: Callable[[], str] = lambda: secrets.token_hex(4)) -> str:
    """The key of a new registry entry of `state` in `formation`: `kaz-crrf-` and a random
    part (`kaz-crrf-1f2e3d4c`), drawn again while taken. Never from a sequence: the keys
    taken include units their state keeps NATIONAL, and a number skipped would tell the
    others that one exists (as the registers' keys: `policy.key_namespace`)."""
    while True:
        key = f"{state.lower()}-{formation}-{draw()}"
        if key not in taken:
            return key
