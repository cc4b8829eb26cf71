"""Training quotas: places a host state offers each year in its institutions, and their
use by the sending states.

The arithmetic never runs backwards: the allocations to the sending states together do
not exceed the places offered, and for each sending state graduated <= enrolled <=
allocated; nothing is negative."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from phalanx.domain.registers import Problem


class InstitutionType(StrEnum):
    MILITARY = "military"
    CIVILIAN = "civilian"  # law-enforcement and civilian institutions


@dataclass(frozen=True)
class Allocation:
    state: str
    allocated: int
    enrolled: int = 0
    graduated: int = 0


def allocation_problems(a: Allocation) -> list[Problem]:
    out: list[Problem] = []
    for name in ("allocated", "enrolled", "graduated"):
        if getattr(a, name) < 0:
            out.append((name, f"{getattr(a, name)} is negative"))
    if a.enrolled > a.allocated:
        out.append(("enrolled", f"{a.enrolled} enrolled exceeds the {a.allocated} places "
                                f"allocated to {a.state}"))
    if a.graduated > a.enrolled:
        out.append(("graduated", f"{a.graduated} graduated exceeds the {a.enrolled} "
                                 f"enrolled from {a.state}"))
    return out


def quota_problems(offered: int, allocations: list[Allocation],
                   limit: int | None = None) -> list[Problem]:
    """The offer and all its allocations (one per sending state)."""
    out: list[Problem] = []
    if offered < 0:
        out.append(("offered", f"{offered} is negative"))
    if limit is not None and offered > limit:
        out.append(("offered", f"{offered} places exceed the host's yearly limit of "
                               f"{limit}"))
    seen: set[str] = set()
    for a in allocations:
        if a.state in seen:
            out.append(("state", f"{a.state} has two allocations"))
        seen.add(a.state)
        out += allocation_problems(a)
    total = sum(a.allocated for a in allocations)
    if total > offered:
        out.append(("allocated", f"{total} places allocated in all exceed the {offered} "
                                 f"offered"))
    return out


@dataclass(frozen=True)
class Use:
    offered: int
    allocated: int
    enrolled: int
    graduated: int

    @property
    def share_used(self) -> float:
        return self.enrolled / self.offered if self.offered else 0.0


def use(offered: int, allocations: list[Allocation]) -> Use:
    return Use(offered, sum(a.allocated for a in allocations),
               sum(a.enrolled for a in allocations), sum(a.graduated for a in allocations))
