"""The registry's units as they stood at the end of a past day (`domain/forces/history.py`):
the units the reader may read now, with the changes the audit trail records after that
day undone, and of those the ones it read then (a unit its state kept NATIONAL on that day
and released since is not there for the others: `access.reads_unit_as_it_stood`). On the
page (`/forces?on=`) and the API (`/forces/units?on=`); and the formations with the units
listed that day (the page's table of formations on that day)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from sqlalchemy import Connection

from phalanx.adapters.db.access import reads_unit_as_it_stood
from phalanx.adapters.db.access_audit import unit_changes
from phalanx.domain.access.principal import Principal
from phalanx.domain.forces.history import undo
from phalanx.services import organization as orgs
from phalanx.services.errors import Invalid
from phalanx.services.forces.registry import FormationOut, UnitOut, formations, units


def units_on(conn: Connection, on: date, *, actor: Principal, state: str | None = None,
             formation: str | None = None) -> list[UnitOut]:
    """The units as they stood at the end of the organization's day `on`."""
    today = orgs.today(conn)
    if on > today:
        raise Invalid("on", f"the registry cannot be read on {on.isoformat()}: that day is "
                            f"after today ({today.isoformat()})")
    now = {u.key: u for u in units(conn, actor=actor)}
    # every entry of a later day (a day of the organization's zone: from a day before in
    # UTC, and each entry's own day checked)
    since = datetime.combine(on, time.min, tzinfo=UTC).isoformat()
    later = [(r.action, r.target_id, json.loads(r.change))
             for r in unit_changes(conn, actor, since)
             if orgs.day(conn, datetime.fromisoformat(r.at.replace("Z", "+00:00"))) > on]
    then = undo({k: u.model_dump() for k, u in now.items()}, later)
    kept = [UnitOut.model_validate(then[k]) for k in now if k in then
            and reads_unit_as_it_stood(actor, then[k]["state"], then[k]["marking"])]
    return [u for u in kept if (state is None or u.state == state)
            and (formation is None or u.formation == formation)]


def formations_on(conn: Connection, on: date, *, actor: Principal) -> list[FormationOut]:
    """The formations with the units they listed at the end of the day `on`."""
    return formations(conn, actor=actor, of=units_on(conn, on, actor=actor))
