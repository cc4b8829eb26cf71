"""What a stored deployment or withdrawal plan answers: each movement and the plan, as a
reader may see them (`planning.plan_out`)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

# an aircraft the reader may not read (its key names its base) is named in a plan by its
# place among the plan's aircraft the reader may not read: "aircraft-1", "aircraft-2"
UNREAD_AIRCRAFT = "aircraft-{}"
UNREAD_AIRCRAFT_RE = re.compile(r"(?<![\w-])aircraft-(\d+)(?![\w-])")


class MovementOut(BaseModel):
    requirement: int
    crisis_id: int
    unit: str = Field(description="the unit's key (a part of a unit: `key#2`); empty when "
                                  "the reader may not see the unit")
    state: str
    mode: str
    depart: datetime | None = Field(description=(
        "when the unit sets off by air: from its garrison (by ground to where it boards "
        "first, `boards`), its aircraft's first sortie `boards_h` later; none by ground, "
        "but on the way home when the unit may leave"))
    arrive: datetime
    arrive_h: float
    late_h: float
    sorties: list[dict[str, Any]] = Field(description=(
        "each sortie: its `aircraft` (the registry's key; `aircraft-N`, the N-th of the "
        "plan's aircraft the reader may not read), `depart_h` and `arrive_h`; `load_t` "
        "where the reader sees the unit, `start` (where the aircraft starts from) where "
        "it sees the unit, the aircraft and every crisis the plan was made with"))
    label: str | None = None  # the piece of a task it serves ("site 3 of 14")
    site: int = 0  # the site of a task of sites, of `sites` (0: not one)
    sites: int = 0
    part: int = 0  # the slice of its task or site, of `parts` (0 or 1 part: whole)
    parts: int = 0
    strength: int | None = Field(default=None, description="of the unit or part that "
                                 "moves; none when the reader may not see the unit")


    boards: str | None = Field(default=None, description=(
        "by air, from a garrison without an airfield: the base (its key) where the unit "
        "boards, reached by ground first; none when the reader may not see the unit"))
    boards_h: float | None = Field(default=None, description=(
        "the hours from the unit's garrison to where it boards"))
    lands: str | None = Field(default=None, description=(
        "by air, to a place without an airfield: the base (its key) where its aircraft "
        "land, the unit going on by ground (on the way home: where it boards, reached by "
        "ground first)"))
    lands_h: float | None = Field(default=None, description=(
        "the hours by ground between where the aircraft land and the place"))


class PlanOut(BaseModel):
    id: int
    crisis_id: int
    status: str
    kind: str  # deployment, or withdrawal (the way home)
    starts_at: datetime
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    method: str
    solver_status: str
    seconds: float
    seed: int
    objective: dict[str, Any]
    greedy: dict[str, Any]
    bound: float | None
    gap: float | None
    improvement: float | None  # against the greedy plan, closure term
    crises: list[int]
    movements: list[MovementOut]
    uncovered: list[dict[str, Any]]
    explanations: dict[str, str]
    warnings: list[str]
    # each crisis's closure in hours after `starts_at`: when its last unit arrives (the
    # crises this reader may see)
    closures: dict[int, float] = {}
    # the plan also serves crises this reader may not see: the figures are those of the
    # visible movements only (the objective: each visible crisis's weight times its
    # closure, weighted hours), and the whole plan's bound, gap and greedy run are withheld
    partial: bool = False
    # proven: the exact model proved it, or it reaches its bound leaving uncovered only
    # requirements no unit can meet (a bound over the requirements covered proves nothing
    # of a plan leaving out others)
    optimal: bool = False
    # a withdrawal read by whom may not read the routes: each movement ends where it leaves
    # the crisis's place, and the figures counted home are withheld (`way_home.py`)
    home_withheld: bool = False
