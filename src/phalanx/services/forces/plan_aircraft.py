"""The registry's aircraft in a plan read by whom may not read them (an observer of a
crisis released to observers): an aircraft's key names its base, so each is named by its
place among the aircraft the plan shows its reader ("aircraft-1")."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.db import access
from phalanx.domain.access.principal import Principal
from phalanx.services.forces.plan_schemas import UNREAD_AIRCRAFT

WORD = re.compile(r"[^\s,();:]+")  # a key, as a planner's line names it


def aircraft_names(conn: Connection, actor: Principal, movements: list[dict[str, Any]],
                   lines: list[str]) -> dict[str, str]:
    """The aircraft `actor` may not read, each by the name the plan gives it instead of its
    key (which names its base): "aircraft-N", numbered by their first sortie among the
    `movements` it sees, then those only its `lines` name (another crisis's aircraft
    waited for), as they come; never counting one flying for a crisis it may not see, nor
    the registry's others (the numbers would tell how many there are)."""
    hidden = access.hidden_aircraft(conn, actor)
    if not hidden:
        return {}
    order = dict.fromkeys(s["aircraft"] for m in movements for s in m["sorties"]
                          if s["aircraft"] in hidden)
    order.update(dict.fromkeys(word for line in lines for word in WORD.findall(line)
                               if word in hidden))
    return {key: UNREAD_AIRCRAFT.format(n) for n, key in enumerate(order, 1)}


def aliased(text: str, planes: dict[str, str]) -> str:
    """A planner's line with each aircraft the reader may not read by its name in `planes`."""
    if not planes:
        return text
    return WORD.sub(lambda m: planes.get(m.group(0), m.group(0)), text)
