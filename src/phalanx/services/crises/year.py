"""The crises of a year as the annual report lists them (`domain/crisis/year.py`): those
reported in it and those carried over into it unended, each at its stage at the year's
end (now, for the year running), read as the reader reads the board and the timeline."""

from __future__ import annotations

from sqlalchemy import Connection

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain import calendar
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis import year as rule
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import organization as orgs
from phalanx.services.clock import aware, now
from phalanx.services.crises.reading import board
from phalanx.services.crises.schemas import CrisisOut


def of_year(conn: Connection, year: int, *, actor: Principal
            ) -> list[tuple[CrisisOut, Stage]]:
    """The real crises (no exercise) of the organization's `year` that `actor` reads,
    oldest reported first, each with its stage at the year's end."""
    start, end = calendar.year_span(year, orgs.working_zone(conn))
    then = min(end, now())
    ev = t.crisis_event.c
    out = []
    for c in board(conn, actor=actor, include_closed=True, exercise=False):
        if aware(c.reported_at) >= end:
            continue
        changes = [(aware(r.at), Stage(r.stage)) for r in conn.execute(
            access.select_timeline(actor, c.id, ev.at, ev.stage).where(ev.kind == "stage"))]
        if rule.of_the_year(aware(c.reported_at), changes, start, end):
            out.append((c, rule.stage_at(changes, then)))
    return sorted(out, key=lambda x: (aware(x[0].reported_at), x[0].id))
