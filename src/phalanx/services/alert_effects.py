"""What a CAP message does to the crisis or watch entry it opens or references: a watch
entry opened, an update's changes (severity, title, area, place, text) written with a
line in the crisis's timeline, a cancellation marked and closing proposed. Called inside
the write of `services/alerts.receive`.

Feeds do not deliver in order: an Update or Cancel may arrive before the alert it
references. It is stored then (a reference to nothing received here); when the alert
arrives and opens its crisis or watch entry, the updates and cancellations already
stored that reference it (from its sender, by sender and identifier) are applied in the
order they were sent, as if they had come after it, and so are those that reference
them in turn."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.crisis import alerts as rules
from phalanx.domain.languages import N_
from phalanx.services import crises
from phalanx.services import organization as orgs
from phalanx.services import watch as watchlist
from phalanx.services.clock import aware
from phalanx.services.db import Write

if TYPE_CHECKING:
    from phalanx.domain.crisis.alerts import Trust
    from phalanx.services.alerts import Route

NO_TARGET = N_("references name no message received here (or none)")


def warning(where: str, key: str, args: Any = ()) -> dict[str, Any]:
    """A warning of the intake as stored with the message (as `CapProblem.as_dict`): its
    element, the English text, and the message `key` with the values (`args`) that
    fill it, for a page in its reader's language."""
    values = dict(args)
    return {"where": where, "line": None, "message": key % values, "key": key,
            "args": values}


NARROWER_WARNING = warning("/alert/scope", rules.NARROWER)
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

SEVERITY_RISK = {"extreme": "critical", "severe": "high", "moderate": "elevated",
                 "minor": "low"}


def _pick_en(alert: cap.CapAlert) -> cap.CapInfo | None:
    from phalanx.services.alerts import pick_info

    return alert.infos[pick_info(alert.infos, "en")] if alert.infos else None


def narrower(w: Write, c: Classification, crisis_id: int | None, watch_id: int | None) -> bool:
    """Whether a message marked `c` is for fewer readers than the crisis (else the watch
    entry) it references (`domain/crisis/alerts.narrower`)."""
    table, target = (t.crisis, crisis_id) if crisis_id is not None else (t.watch_item,
                                                                         watch_id)
    if target is None:
        return False
    row = w.conn.execute(access.select_visible(table, SYSTEM).where(
        table.c.id == target)).one()
    members = [m.code for m in orgs.members_on(orgs.organization(w.conn), orgs.today(w.conn))]
    return rules.narrower(c, access.classification_of(row), members)


def withheld(w: Write, crisis_id: int | None, at: datetime) -> None:
    """The crisis's history says that a message for fewer of its readers came, and
    nothing of it (`domain/crisis/alerts.WITHHELD`)."""
    if crisis_id is not None:
        crises.add_event(w, crisis_id, "note", rules.WITHHELD, at)


def open_watch(w: Write, alert: cap.CapAlert, route: Route,
               where: tuple[float, float] | None, at: datetime,
               c: Classification | None = None) -> int:
    """The watch entry an alert opens, marked `c` (its alert's: `domain/crisis/alerts.audience`)."""
    from phalanx.services.alerts import crisis_in

    data = crisis_in(w, alert, route, where, False)
    risk = SEVERITY_RISK.get(data.severity, "elevated")
    c = c or Classification(OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION)
    wid = w.conn.execute(insert(t.watch_item).values(
        title=data.title, region=data.place or ", ".join(route.affected),
        category=data.category, risk=risk,
        next_review=orgs.day(w.conn, at) + timedelta(days=watchlist.REVIEW_EVERY[risk]),
        status="watching",
        note=f"From CAP {alert.key}. {data.description}"[:20_000],
        **access.classification_values(c)).returning(t.watch_item.c.id)).scalar_one()
    w.audit("watch.add", "watch", wid, {"title": data.title, "origin": "cap",
                                        "alert": alert.key})
    return int(wid)


def update_target(w: Write, alert: cap.CapAlert, crisis_id: int | None, watch_id: int | None,
                  where: tuple[float, float] | None, at: datetime) -> None:
    info = _pick_en(alert)
    severity = crises.CAP_SEVERITY.get(info.severity) if info else None
    area = ", ".join(dict.fromkeys(a.description for i in alert.infos[:1] for a in i.areas))
    if crisis_id is not None:
        row = w.conn.execute(access.select_visible(t.crisis, SYSTEM).where(
            t.crisis.c.id == crisis_id)).one()
        changes: dict[str, Any] = {}
        said = []
        if severity and severity != row.severity:
            changes["severity"] = severity
            said.append(f"severity {row.severity} → {severity}")
        if area and area != row.place:
            changes.update(place=area[:300])
            said.append(f"area {row.place or '-'} → {area}")
        if where and (row.lat, row.lon) != where:
            changes.update(lat=where[0], lon=where[1])
        text = info.description if info else ""
        if text and text != row.description:
            changes["description"] = text[:20_000]
            said.append("text updated")
        if info and info.headline and info.headline != row.title:
            changes["title"] = info.headline[:300]
            said.append(f"title → {info.headline[:80]}")
        if changes:
            w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
                revision=t.crisis.c.revision + 1, **changes))
        crises.add_event(w, crisis_id, "cap", f"CAP Update {alert.identifier} "
                         f"({alert.sent_text}): " + ("; ".join(said) or "no change"), at)
        w.audit("crisis.cap_update", "crisis", crisis_id, {"alert": alert.key,
                                                           "changes": said})
        # the open rooms of the crisis redraw its head, place map and alerts: as the
        # crisis's marking lets each reader read it now
        marking = access.classification_of(row)
        w.emit(f"crisis:{crisis_id}", "updated", classification=marking,
               alert=alert.identifier)
        w.emit("crises", "updated", classification=marking, id=crisis_id)
    elif watch_id is not None:
        values: dict[str, Any] = {}
        if severity:
            values["risk"] = SEVERITY_RISK[severity]
        if area:
            values["region"] = area
        if info and info.headline:
            values["title"] = info.headline[:300]
        if values:
            w.conn.execute(update(t.watch_item).where(t.watch_item.c.id == watch_id)
                           .values(**values))
        w.audit("watch.cap_update", "watch", watch_id, {"alert": alert.key, **values})


def cancel_target(w: Write, alert: cap.CapAlert, crisis_id: int | None, watch_id: int | None,
                  _where: tuple[float, float] | None, at: datetime) -> None:
    if crisis_id is not None:
        row = w.conn.execute(access.select_visible(t.crisis, SYSTEM).where(
            t.crisis.c.id == crisis_id)).one()
        reason = (alert.note or (alert.infos[0].description if alert.infos else ""))[:500]
        crises.add_event(w, crisis_id, "cap", f"CAP Cancel {alert.identifier} "
                         f"({alert.sent_text}): the alert is cancelled; closing is "
                         f"proposed" + (f" — {reason}" if reason else ""), at)
        w.conn.execute(update(t.crisis).where(t.crisis.c.id == crisis_id).values(
            revision=t.crisis.c.revision + 1))
        w.audit("crisis.cap_cancel", "crisis", crisis_id, {"alert": alert.key})
        marking = access.classification_of(row)
        w.emit(f"crisis:{crisis_id}", "cancelled", classification=marking,
               alert=alert.identifier)
        w.emit("crises", "updated", classification=marking, id=crisis_id)
    elif watch_id is not None:
        w.conn.execute(update(t.watch_item).where(t.watch_item.c.id == watch_id).values(
            status="cancelled"))
        w.audit("watch.cap_cancel", "watch", watch_id, {"alert": alert.key})


def apply_waiting(w: Write, alert: cap.CapAlert, crisis_id: int | None,
                  watch_id: int | None, exercise: bool, trust: Trust, at: datetime) -> None:
    """Apply the updates and cancellations stored before `alert` arrived that reference
    it (and those referencing them), now that it opened or changed `crisis_id` or
    `watch_id`."""
    from phalanx.adapters.cap import geometry as geo
    from phalanx.domain.crisis.alerts import Action, decide
    from phalanx.services.alerts import shapes

    stored = w.conn.execute(access.select_visible(t.cap_alert, SYSTEM).where(
        t.cap_alert.c.sender == alert.sender, t.cap_alert.c.action == Action.STORE.value,
        t.cap_alert.c.msg_type.in_(("Update", "Cancel")),
        t.cap_alert.c.crisis_id.is_(None), t.cap_alert.c.watch_id.is_(None))).all()
    reached, done = {alert.identifier}, set()
    while True:
        ready = sorted((r for r in stored if r.id not in done and any(
            s == alert.sender and i in reached for s, i, *_ in r.refs)),
            key=lambda r: (aware(r.sent) if r.sent else at, r.id))
        if not ready:
            return
        row = ready[0]
        done.add(row.id)
        try:  # as received: the text as decoded, without its declared encoding
            waiting = cap.parse(_DECLARATION.sub("", row.xml).encode("utf-8"))
        except cap.CapError:
            continue
        d = decide(status=waiting.status, msg_type=waiting.msg_type,
                   signature=row.signature, trust=trust,
                   target="crisis" if crisis_id else "watch", target_exercise=exercise,
                   route_to_crisis=True, narrower=narrower(
                       w, access.classification_of(row), crisis_id, watch_id))
        if d.withheld:  # attached, kept apart: the crisis says only that it came
            withheld(w, crisis_id, at)
            w.conn.execute(update(t.cap_alert).where(t.cap_alert.c.id == row.id).values(
                action_detail=d.why, crisis_id=crisis_id, watch_id=watch_id,
                warnings=[x for x in row.warnings if x.get("message") != NO_TARGET]
                + [NARROWER_WARNING]))
            w.audit("cap.apply", "cap_alert", row.id, {
                "identifier": row.identifier, "action": d.action.value, "after": alert.key,
                "crisis": crisis_id, "watch": watch_id})
            continue
        if d.action not in (Action.UPDATE, Action.CANCEL):
            continue
        change = update_target if d.action is Action.UPDATE else cancel_target
        change(w, waiting, crisis_id, watch_id, geo.place(shapes(waiting)), at)
        why = f"{d.why}, applied when {alert.identifier} (sent before it) arrived"
        w.conn.execute(update(t.cap_alert).where(t.cap_alert.c.id == row.id).values(
            action=d.action.value, action_detail=why, crisis_id=crisis_id, watch_id=watch_id,
            warnings=[x for x in row.warnings if x.get("message") != NO_TARGET]))
        w.audit("cap.apply", "cap_alert", row.id, {
            "identifier": row.identifier, "action": d.action.value, "after": alert.key,
            "crisis": crisis_id, "watch": watch_id})
        reached.add(row.identifier)
