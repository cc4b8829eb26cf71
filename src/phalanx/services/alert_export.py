"""What a crisis's CAP export says of the alerts it received: the infos of its latest
alert or update, every language, category, area as received (`crises/intake.py` writes
the export)."""

from __future__ import annotations

from sqlalchemy import Connection

from phalanx.adapters.cap import parse as cap
from phalanx.domain.access.principal import Principal
from phalanx.services.alerts import latest


def export_infos(conn: Connection, crisis_id: int, *, actor: Principal,
                 closed: bool) -> tuple[cap.InfoOut, ...]:
    """The infos of the crisis's latest CAP alert or update, for the crisis's export:
    every language, category, event, urgency, certainty and area as received."""
    last = latest(conn, crisis_id, actor=actor)
    if last is None:
        return ()
    out = []
    for i in last.infos:
        areas = tuple(cap.AreaOut(
            a["description"], tuple(tuple((p[0], p[1]) for p in r) for r in a["polygons"]),
            tuple((c[0], c[1], c[2]) for c in a["circles"]),
            tuple((g[0], g[1]) for g in a["geocodes"])) for a in i["areas"])
        out.append(cap.InfoOut(
            language=i["language"], categories=tuple(i["categories"]), event=i["event"],
            urgency="Past" if closed else i["urgency"], severity=i["severity"],
            certainty=i["certainty"], headline=i["headline"] or i["event"],
            description=i["description"], instruction=i["instruction"],
            sender_name=i["sender_name"], areas=areas))
    return tuple(out)
