"""What stands of what a crisis was told by CAP: of its messages, the alert or update
applied last (`latest`), whose areas the crisis's maps draw (`crisis_areas`, served as
GeoJSON) and whose infos its CAP export carries (`export_infos`: every language,
category, area as received; `crises/intake.py` writes the export) and, where none stands
for its reader, the CAP categories it was told of (`source_categories`). A message only
stored, never acted on, is kept and listed with the crisis but never stands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.alerts import Action
from phalanx.services import crises
from phalanx.services.alerts import AlertOut, listing


def latest(conn: Connection, crisis_id: int, *, actor: Principal) -> AlertOut | None:
    """What stands of what the crisis was told: of the messages the intake acted on (the
    alert that opened it, the Updates applied to it), the one applied last. A message
    only stored (an Update from a sender other than the alert's, an Ack, a real Update
    of an exercise) never stands, however new. An Update that arrived before what it
    references was applied when that arrived (`alert_effects.apply_waiting`), after it,
    in the order they were sent."""
    # a Cancel applied stands for no areas, but an Update may reference it
    chain = [a for a in listing(conn, actor=actor, crisis_id=crisis_id)
             if a.action in (Action.OPEN_CRISIS, Action.UPDATE, Action.CANCEL)]
    by_key = {(a.sender, a.identifier): a for a in chain}
    at: dict[int, datetime] = {}

    def applied(a: AlertOut, seen: frozenset[int] = frozenset()) -> datetime:
        """When `a` was applied: on arrival if something it references was here then,
        else when the first of those was applied."""
        if a.id not in at:
            refs = [r for s, i, *_ in a.references
                    if (r := by_key.get((s, i))) is not None and r.id not in seen]
            at[a.id] = a.received_at if not refs or any(
                r.received_at <= a.received_at for r in refs) else min(
                applied(r, seen | {a.id}) for r in refs)
        return at[a.id]

    return max((a for a in chain if a.msg_type in ("Alert", "Update")), default=None,
               key=lambda a: (applied(a), applied(a) > a.received_at,
                              a.sent or a.received_at, a.id))


def crisis_areas(conn: Connection, crisis_id: int, *, actor: Principal) -> dict[str, Any]:
    """Every area of what stands of the crisis's alerts (`latest`) as a GeoJSON
    FeatureCollection."""
    crises.get(conn, crisis_id, actor=actor)  # the crisis's own marking first
    features = []
    a = latest(conn, crisis_id, actor=actor)
    if a is not None:
        for n, info in enumerate(a.infos):
            for area in info["areas"]:
                if area.get("geojson"):
                    features.append({"type": "Feature", "geometry": area["geojson"],
                                     "properties": {
                                         "alert": a.identifier, "info": n,
                                         "language": info["language"],
                                         "area": area["description"],
                                         "severity": info["severity"],
                                         "geocodes": area["geocodes"]}})
    return {"type": "FeatureCollection", "features": features}


def export_infos(conn: Connection, crisis_id: int, *, actor: Principal,
                 closed: bool) -> tuple[cap.InfoOut, ...]:
    """The infos of what stands of the crisis's CAP alerts (`latest`), for the crisis's
    export: every language, category, event, urgency, certainty and area as received."""
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


def source_categories(conn: Connection, crisis_id: int, *, actor: Principal
                      ) -> tuple[str, ...]:
    """The CAP categories of the messages a crisis came from that `actor` may read, in
    the order received: those filed on the crisis and on the watch entries escalated into
    it (a flood a Met alert told of, watched first)."""
    a = t.cap_alert.c
    escalated = access.select_visible(t.watch_item, actor, t.watch_item.c.id).where(
        t.watch_item.c.crisis_id == crisis_id)
    rows = conn.execute(access.select_visible(t.cap_alert, actor).where(
        (a.crisis_id == crisis_id) | a.watch_id.in_(escalated)).order_by(
        a.received_at, a.id))
    return tuple(dict.fromkeys(c for r in rows for i in r.infos or ()
                               for c in i["categories"]))
