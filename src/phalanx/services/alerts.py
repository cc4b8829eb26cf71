"""CAP messages as records: every alert, update, cancellation, acknowledgement and error
received is kept (identifier, sender, `sent` with its zone, status, message type,
scope, references, every info and every area with its geometry, warnings, signature)
with what it did (`domain/crisis/alerts.py` decides): open a crisis or a watch entry,
change the one its references point to, mark it cancelled, or nothing.

A message already received (same sender and identifier) is not taken twice. Receiving
is one transaction: the record, the crisis or watch entry it opens or changes, the
crisis's history and the audit entry, or nothing. Who may send messages at all is who
may open a crisis for the states they are sent for (`may_send`), checked before anything
is read or stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.cap import geometry as geo
from phalanx.adapters.cap import parse as cap
from phalanx.adapters.cap import signature as sig
from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.crisis.alerts import Action, Decision, Trust, audience, decide
from phalanx.services import alert_effects as effects
from phalanx.services import crises
from phalanx.services import organization as orgs
from phalanx.services import watch as watchlist
from phalanx.services.alert_models import AlertOut, IntakeOut
from phalanx.services.clock import now
from phalanx.services.crises.schemas import _states
from phalanx.services.db import Database, Write
from phalanx.services.errors import Conflict, Invalid, NotFound

READER_ORDER = ("ru", "en")  # then the alert's first info
ALERT_MARKING = audience("Public", ()).classification()  # what a Public message becomes


@dataclass(frozen=True)
class Route:
    """Where a message goes: the affected members, the crisis category (else from the
    CAP categories), whether a new alert may open a crisis (a feed's rule) or only a
    watch entry, the feed it came from."""

    affected: tuple[str, ...]
    category: str | None = None
    to_crisis: Callable[[cap.CapAlert, tuple[float, float] | None], bool] | None = None
    feed_id: int | None = None
    require_crisis: bool = False  # the crisis API: refuse (store nothing) otherwise


def pick_info(infos: list[dict[str, Any]] | tuple[cap.CapInfo, ...],
              language: str | None = None) -> int:
    """The index of the info to show: the reader's language, then ru, en, then the
    first."""
    order = ((language,) if language else ()) + READER_ORDER

    def lang(i: Any) -> str:
        value = i["language"] if isinstance(i, dict) else i.language
        return str(value).lower().split("-")[0]

    for want in order:
        for n, info in enumerate(infos):
            if lang(info) == want:
                return n
    return 0


def _info_json(info: cap.CapInfo) -> dict[str, Any]:
    areas = []
    for a in info.areas:
        shape = geo.area_shape(a.polygons, a.circles)
        areas.append({
            "description": a.description, "polygons": [list(map(list, r)) for r in a.polygons],
            "circles": [list(c) for c in a.circles], "geocodes": [list(g) for g in a.geocodes],
            "geojson": geo.geojson(shape) if shape is not None else None})
    return {
        "language": info.language, "categories": list(info.categories), "event": info.event,
        "urgency": info.urgency, "severity": info.severity, "certainty": info.certainty,
        "headline": info.headline, "description": info.description,
        "instruction": info.instruction, "sender_name": info.sender_name, "web": info.web,
        "contact": info.contact,
        "effective": info.effective.isoformat() if info.effective else None,
        "onset": info.onset.isoformat() if info.onset else None,
        "expires": info.expires.isoformat() if info.expires else None,
        "areas": areas}


def shapes(alert: cap.CapAlert) -> list[Any]:
    out = []
    for info in alert.infos:
        for a in info.areas:
            shape = geo.area_shape(a.polygons, a.circles)
            if shape is not None:
                out.append(shape)
    return out


def _targets(conn: Connection, alert: cap.CapAlert, actor: Principal
             ) -> tuple[int | None, int | None, str | None]:
    """The crisis and watch entry the message's references point to (the latest
    referenced message that is attached to one), and that message's sender: of the
    messages, crises and watch entries `actor` reads. One it may not read is as one
    never received (else refusing to file on it would say that it exists, and whose it
    is)."""
    crisis_id = watch_id = None
    origin = None
    for sender, identifier, _ in alert.references:
        row = conn.execute(access.select_visible(t.cap_alert, actor).where(
            t.cap_alert.c.sender == sender, t.cap_alert.c.identifier == identifier)).first()
        if row is not None:
            row = _named(conn, actor, [row])[0]
        if row is not None and (row.crisis_id or row.watch_id):
            crisis_id, watch_id, origin = row.crisis_id, row.watch_id, row.sender
    return crisis_id, watch_id, origin


def existing(conn: Connection, alert: cap.CapAlert) -> int | None:
    """The record of the message if it was received already (same sender, identifier)."""
    return conn.execute(access.select_visible(t.cap_alert, SYSTEM, t.cap_alert.c.id).where(
        t.cap_alert.c.sender == alert.sender,
        t.cap_alert.c.identifier == alert.identifier)).scalar()


def known(conn: Connection, alert: cap.CapAlert, actor: Principal) -> int | None:
    """The record of the message if it was received already (`existing`), which `actor`
    sends again: Conflict if `actor` may not read it, naming only the message's sender and
    identifier, which it sent (the record, what it opened and for whom stay unsaid)."""
    found = existing(conn, alert)
    if found is not None and not access.readable_ids(conn, actor, t.cap_alert, [found]):
        raise Conflict(f"message {alert.identifier} from {alert.sender} was already "
                       "received here")
    return found


def opened_crisis(conn: Connection, alert_id: int) -> int:
    """The crisis a message already received opened or changed; Invalid (the crisis
    API's refusal of a message that opens no crisis) if none."""
    row = conn.execute(access.select_visible(
        t.cap_alert, SYSTEM, t.cap_alert.c.crisis_id, t.cap_alert.c.action_detail).where(
        t.cap_alert.c.id == alert_id)).one()
    if row.crisis_id is None:
        raise Invalid("alert", f"already received; it opened no crisis ({row.action_detail})")
    return int(row.crisis_id)


def _existing(db: Database, alert: cap.CapAlert, actor: Principal) -> int | None:
    with db.read() as conn:
        return known(conn, alert, actor)


@dataclass(frozen=True)
class Message:
    """A CAP message read, before its transaction: the bytes, the alert, its text as the
    parser decoded it, its signature and place."""

    data: bytes
    alert: cap.CapAlert
    text: str
    signature: str
    why: str
    where: tuple[float, float] | None


def read(data: bytes, anchors: sig.Anchors | None = None) -> Message:
    """CapError (nothing stored) if the message means nothing."""
    alert = cap.parse(data)
    text = cap.decoded(data)  # kept with the characters the parser read
    signature, why = sig.verify(data, alert.sender, alert.sent, anchors or sig.Anchors())
    return Message(data, alert, text, signature, why, geo.place(shapes(alert)))


def may_send(actor: Principal, states: tuple[str, ...]) -> None:
    """Forbidden unless `actor` may send CAP messages for `states`, whatever a message
    then does (an Ack, a Test, an Update from another sender are kept, listed to every
    member and attached to a crisis as much as an alert that opens one): who may open a
    crisis for them (`crises.may_open`: the Secretariat, the Joint Staff, the system's
    feeds and command line, an affected state's authorized representative; never a
    national agency's reporter)."""
    crises.may_open(actor, list(states))


def receive(db: Database, data: bytes, route: Route, *, actor: Principal,
            trust: Trust | None = None, anchors: sig.Anchors | None = None,
            at: datetime | None = None) -> IntakeOut:
    """Take one CAP message: Forbidden (nothing read) if the actor may not send it,
    CapError (nothing stored) if it means nothing; otherwise the record and what it
    did."""
    may_send(actor, route.affected)
    at = at or now()
    m = read(data, anchors)
    found = _existing(db, m.alert, actor)
    if found is not None:
        return result(db, found, actor, duplicate=True)
    try:
        with db.write(actor) as w:
            alert_id = take(w, m, route, actor=actor, trust=trust, at=at)
    except IntegrityError:  # the same message taken at the same moment elsewhere
        found = _existing(db, m.alert, actor)
        if found is None:
            raise
        return result(db, found, actor, duplicate=True)
    return result(db, alert_id, actor, duplicate=False)


def take(w: Write, m: Message, route: Route, *, actor: Principal, trust: Trust | None,
         at: datetime) -> int:
    """Store one message not yet received and do what it says, in `w`: Forbidden
    (nothing stored) unless the actor may send it (`may_send`) and, for what it files
    on a crisis or watch entry it did not open, act for that crisis's states or keep the
    watch list."""
    may_send(actor, route.affected)
    alert, signature, why, where = m.alert, m.signature, m.why, m.where
    crisis_id, watch_id, origin = _targets(w.conn, alert, actor)
    target_exercise = False
    affected: list[str] = []
    if crisis_id is not None:
        target = w.conn.execute(access.select_visible(
            t.crisis, SYSTEM, t.crisis.c.exercise, t.crisis.c.affected).where(
            t.crisis.c.id == crisis_id)).one()
        target_exercise, affected = bool(target.exercise), _states(target.affected)
    to_crisis = route.to_crisis(alert, where) if route.to_crisis else True
    # whom it is for, from its own scope: its record, and the crisis or watch entry it opens
    heard = audience(alert.scope, route.affected, alert.restriction, alert.addresses)
    marking = heard.classification()
    d = decide(status=alert.status, msg_type=alert.msg_type, signature=signature,
               trust=trust or Trust(), target="crisis" if crisis_id else
               ("watch" if watch_id else None), target_exercise=target_exercise,
               route_to_crisis=to_crisis,
               same_sender=origin is None or origin == alert.sender,
               narrower=effects.narrower(w, marking, crisis_id, watch_id))
    warnings = [p.as_dict() for p in alert.warnings]
    if heard.note:
        warnings.append(effects.warning("/alert/scope", heard.key, heard.args))
    if d.withheld:
        warnings.append(effects.NARROWER_WARNING)
        effects.withheld(w, crisis_id, at)
    if alert.msg_type in ("Update", "Cancel", "Ack", "Error") and not (crisis_id or
                                                                      watch_id):
        warnings.append(effects.warning("/alert/references", effects.NO_TARGET))
    if d.action in (Action.OPEN_CRISIS, Action.OPEN_WATCH) and not route.category \
            and not route.require_crisis:
        try:
            crises.category_for_cap(orgs.organization(w.conn),
                                    tuple(c for i in alert.infos for c in i.categories))
        except Invalid as exc:  # nothing to file it under: kept, and said why
            d = Decision(Action.STORE, f"{exc.message}: stored", d.exercise)
    if route.require_crisis and not (d.action is Action.OPEN_CRISIS or (
            d.action in (Action.UPDATE, Action.CANCEL) and crisis_id)):
        raise Invalid("alert", f"this message opens no crisis: {d.why}")
    if d.action is Action.STORE and alert.status in ("Draft", "System", "Test"):
        crisis_id = watch_id = None  # a test message attaches to nothing real
    # what a message files on (or changes in) a crisis is for who may open one for its
    # states, whichever states it was sent for; on a watch entry, for its keepers
    if d.action is Action.OPEN_WATCH or (watch_id is not None and crisis_id is None):
        watchlist.may_keep(actor)
    elif crisis_id is not None and d.action is not Action.OPEN_CRISIS:
        crises.may_open(actor, affected)
    if d.action is Action.OPEN_CRISIS:
        crisis_id = crises.open_in(w, crisis_in(w, alert, route, where, d.exercise,
                                                heard.participants if heard.private
                                                else ()),
                                   origin="cap", cap_identifier=alert.key, at=at)
    elif d.action is Action.OPEN_WATCH:
        watch_id = effects.open_watch(w, alert, route, where, at, marking)
    elif d.action in (Action.UPDATE, Action.CANCEL):
        change = effects.update_target if d.action is Action.UPDATE else \
            effects.cancel_target
        change(w, alert, crisis_id, watch_id, where, at)
    alert_id = w.conn.execute(insert(t.cap_alert).values(
        sender=alert.sender, identifier=alert.identifier,
        sent=alert.sent.astimezone(UTC) if alert.sent else None,
        sent_text=alert.sent_text[:64], received_at=at, version=alert.version,
        status=alert.status, msg_type=alert.msg_type, scope=alert.scope,
        restriction=alert.restriction, addresses=alert.addresses,
        refs=[list(r) for r in alert.references], note=alert.note,
        infos=[_info_json(i) for i in alert.infos],
        lat=where[0] if where else None, lon=where[1] if where else None,
        extent=list(e) if (e := geo.extent(shapes(alert))) else None,
        warnings=warnings, signature=signature, signature_detail=why,
        action=d.action.value, action_detail=d.why, crisis_id=crisis_id,
        watch_id=watch_id, feed_id=route.feed_id, xml=m.text,
        **access.classification_values(marking)).returning(
        t.cap_alert.c.id)).scalar_one()
    w.audit("cap.receive", "cap_alert", alert_id, {
        "sender": alert.sender, "identifier": alert.identifier,
        "msg_type": alert.msg_type, "status": alert.status, "action": d.action.value,
        "signature": signature, "crisis": crisis_id, "watch": watch_id,
        "warnings": len(warnings)})
    if d.action in (Action.OPEN_CRISIS, Action.OPEN_WATCH, Action.UPDATE):
        effects.apply_waiting(w, alert, crisis_id, watch_id, d.exercise,
                              trust or Trust(), at)
    w.emit("alerts", "received", classification=marking, id=alert_id)
    return alert_id


def crisis_in(w: Write, alert: cap.CapAlert, route: Route, where: tuple[float, float] | None,
              exercise: bool, participants: tuple[str, ...] = ()) -> crises.CrisisIn:
    """The crisis an alert opens: for the member states and the staff, or (a Private
    alert) for the `participants` it was sent for and the staff only."""
    info = alert.infos[pick_info(alert.infos, "en")] if alert.infos else None
    org = orgs.organization(w.conn)
    cats = tuple(c for i in alert.infos for c in i.categories)
    key = route.category or crises.category_for_cap(org, cats)
    area = ", ".join(dict.fromkeys(a.description for i in alert.infos[:1] for a in i.areas))
    return crises.CrisisIn(
        title=(alert.title if info is None else (info.headline or info.event or
                                                 alert.identifier))[:300],
        category=key, affected=list(route.affected),
        severity=crises.CAP_SEVERITY.get(info.severity, "moderate") if info else "moderate",  # type: ignore[arg-type]
        place=area[:300], lat=where[0] if where else None, lon=where[1] if where else None,
        description=((info.description if info else "") or alert.note)[:20_000],
        exercise=exercise,
        marking=Marking.PARTICIPANTS if participants else Marking.ORGANIZATION,
        participants=list(participants))


def _out(row: Any) -> AlertOut:
    return AlertOut(
        id=row.id, sender=row.sender, identifier=row.identifier, sent=row.sent,
        sent_text=row.sent_text, received_at=row.received_at, version=row.version,
        status=row.status, msg_type=row.msg_type, scope=row.scope,
        restriction=row.restriction, addresses=row.addresses, references=row.refs,
        note=row.note, infos=row.infos, lat=row.lat, lon=row.lon, extent=row.extent,
        warnings=row.warnings, signature=row.signature,
        signature_detail=row.signature_detail, action=row.action,
        action_detail=row.action_detail, crisis_id=row.crisis_id, watch_id=row.watch_id,
        feed_id=row.feed_id)


def _named(conn: Connection, actor: Principal, rows: list[Any]) -> list[Any]:
    """The message records `rows` as `actor` reads them: the crisis and watch entry a
    message opened or was filed on named only to their readers (a Public Update filed on
    a Private crisis is every member's record, the crisis is not)."""
    crises_read = access.readable_ids(conn, actor, t.crisis, (r.crisis_id for r in rows))
    watch_read = access.readable_ids(conn, actor, t.watch_item, (r.watch_id for r in rows))
    return [SimpleNamespace(**{
        **r._asdict(), "crisis_id": r.crisis_id if r.crisis_id in crises_read else None,
        "watch_id": r.watch_id if r.watch_id in watch_read else None}) for r in rows]


def get(conn: Connection, alert_id: int, *, actor: Principal) -> AlertOut:
    row = conn.execute(access.select_visible(t.cap_alert, actor).where(
        t.cap_alert.c.id == alert_id)).first()
    if row is None:
        raise NotFound("alert", alert_id)
    return _out(_named(conn, actor, [row])[0])


def listing(conn: Connection, *, actor: Principal, crisis_id: int | None = None,
            limit: int = 200) -> list[AlertOut]:
    stmt = access.select_visible(t.cap_alert, actor)
    if crisis_id is not None:
        if not access.readable_ids(conn, actor, t.crisis, [crisis_id]):
            return []
        stmt = stmt.where(t.cap_alert.c.crisis_id == crisis_id)
    rows = conn.execute(stmt.order_by(t.cap_alert.c.received_at.desc(),
                                      t.cap_alert.c.id.desc()).limit(limit))
    return [_out(r) for r in _named(conn, actor, list(rows))]


def cancelled(conn: Connection, crisis_id: int, *, actor: Principal) -> bool:
    """A crisis whose alert was cancelled by its sender (closing is proposed)."""
    return any(a.action == Action.CANCEL.value
               for a in listing(conn, actor=actor, crisis_id=crisis_id))


def cancelled_by_sender(conn: Connection, crisis_id: int) -> bool:
    """Whether a CAP Cancel of the crisis's alert was applied (the crisis's timeline says
    so to its readers; the crisis's CAP export is then a Cancel)."""
    return conn.execute(access.select_visible(t.cap_alert, SYSTEM, t.cap_alert.c.id).where(
        t.cap_alert.c.crisis_id == crisis_id,
        t.cap_alert.c.action == Action.CANCEL.value).limit(1)).first() is not None


def result(db: Database, alert_id: int, actor: Principal, *, duplicate: bool) -> IntakeOut:
    with db.read() as conn:  # as `actor` reads them (`known`: it reads the record)
        a = get(conn, alert_id, actor=actor)
        c = crises.get(conn, a.crisis_id, actor=actor) if a.crisis_id else None
        wi = watchlist.get(conn, a.watch_id, actor=actor, today=orgs.today(conn)) \
            if a.watch_id else None
    return IntakeOut(alert=a, duplicate=duplicate, crisis=c, watch=wi)


def trust_settings(settings: Any) -> dict[str, Any]:
    """The intake's trust choices from the settings (PHALANX_CAP_*)."""
    return {"trust": Trust(unsigned=settings.cap_unsigned, invalid=settings.cap_invalid),
            "anchors": sig.load_anchors(settings.cap_trust_file)}
