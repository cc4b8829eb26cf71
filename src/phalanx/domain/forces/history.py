"""The registry of forces as it stood before: today's units with the changes recorded
since undone, newest first. Every change of a unit made in the system is in the audit
trail with what it was before (`forces.unit.update`, `.mark`, `.move`) or as its creation
(`forces.unit.create`: the unit was not there before); a reload of the organization file
changes only units never changed in the system, and is not undone (the file's history is
the file's). An exercise's entries are not the registry's and are skipped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# the fields of a unit an entry's "before" may give back
RESTORED = frozenset({"strength", "readiness_h", "weight_t", "certified_until", "lat", "lon",
                      "garrison", "withdrawn", "note", "formation", "marking"})


def undo(units: Mapping[str, dict[str, Any]],
         entries: Iterable[tuple[str, str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """`units` (key -> fields, as they are now) before `entries` (action, unit key,
    change), given newest first."""
    out = {k: dict(v) for k, v in units.items()}
    for action, key, change in entries:
        if change.get("exercise") is True or key not in out:
            continue
        if action == "forces.unit.create":
            del out[key]
            continue
        before = change.get("before") or {}
        out[key].update({k: v for k, v in before.items() if k in RESTORED})
    return out
