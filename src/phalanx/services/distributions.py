"""EDXL-DE 1.0 distributions: each contentObject's embedded CAP alert, as feeds and
uploads (`phalanx cap import`, `POST /api/v1/alerts`, `POST /api/v1/crises/cap`) take
them.

An upload is received in one transaction: every embedded alert, in the envelope's order,
or none when one is refused (its errors name the contentObject, the alert's element and
the line in the envelope's file). A contentObject without an embedded CAP alert is
skipped with a warning; an envelope with no alert at all is refused. Through the crisis
API (`POST /api/v1/crises/cap`, a route that requires a crisis) each alert must open or
change a crisis, one already received included, or the envelope is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from phalanx.adapters.cap import parse as cap
from phalanx.adapters.cap import signature as sig
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.alerts import Trust
from phalanx.services import alerts
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.errors import Invalid

EDXL_DE = "{urn:oasis:names:tc:emergency:EDXL:DE:1.0}"


def skipped(el: etree._Element, message: str) -> cap.CapProblem:
    return cap.CapProblem(cap.element_path(el), message, el.sourceline)


def inline(alert: etree._Element) -> bytes:
    """An alert inside another document, as its own document whose lines are that
    document's (blank lines stand for those before it), so that its warnings and errors
    name the lines of the file as served."""
    return b"\n" * ((alert.sourceline or 1) - 1) + etree.tostring(alert)


def is_distribution(root: etree._Element) -> bool:
    name = etree.QName(root)
    return name.namespace == EDXL_DE[1:-1] and name.localname == "EDXLDistribution"


@dataclass(frozen=True)
class Embedded:
    where: str  # the contentObject's path, `/EDXLDistribution/contentObject[2]`
    data: bytes


def embedded(root: etree._Element) -> tuple[list[Embedded], list[cap.CapProblem]]:
    """The alerts a distribution carries, and its contentObjects that carry none."""
    found: list[Embedded] = []
    problems: list[cap.CapProblem] = []
    for content in root.iter(f"{EDXL_DE}contentObject"):
        alert = next((c for c in content.iter(f"{EDXL_DE}embeddedXMLContent")
                      for c in c if isinstance(c.tag, str)
                      and etree.QName(c).localname == "alert"), None)
        if alert is None:
            problems.append(skipped(content, "a contentObject without an embedded CAP "
                                             "alert, skipped"))
        else:
            found.append(Embedded(cap.element_path(content), inline(alert)))
    return found, problems


class DistributionOut(BaseModel):
    """What an uploaded distribution did: each embedded alert's result, in order, and
    the contentObjects skipped."""

    distribution: bool = True
    received: list[alerts.IntakeOut]
    warnings: list[dict[str, object]]


def receive(db: Database, data: bytes, route: alerts.Route, *, actor: Principal,
            trust: Trust | None = None, anchors: sig.Anchors | None = None,
            at: datetime | None = None) -> alerts.IntakeOut | DistributionOut:
    """An uploaded CAP message, or an EDXL-DE distribution whose alerts are received in
    one transaction (all or nothing); Forbidden, before the upload is read, unless the
    actor may send CAP messages for the route's states (`alerts.may_send`)."""
    alerts.may_send(actor, route.affected)
    root = cap.safe_root(data)
    if not is_distribution(root):
        return alerts.receive(db, data, route, actor=actor, trust=trust, anchors=anchors,
                              at=at)
    found, skips = embedded(root)
    if not found:
        raise cap.CapError([cap.CapProblem(cap.element_path(root), "a distribution "
                                           "without an embedded CAP alert", root.sourceline)])
    messages, errors = [], []
    for e in found:
        try:
            messages.append(alerts.read(e.data, anchors))
        except cap.CapError as exc:
            errors += [cap.CapProblem(e.where + p.path, p.message, p.line)
                       for p in exc.problems]
    if errors:
        raise cap.CapError(errors)
    at = at or now()
    try:
        taken = _take(db, found, messages, skips, route, actor, trust, at)
    except IntegrityError:  # one of them taken at the same moment elsewhere: nothing was
        # written; taken again, what arrived meanwhile is a duplicate
        taken = _take(db, found, messages, skips, route, actor, trust, at)
    out = [alerts.result(db, i, actor, duplicate=d) for i, d in taken]
    return DistributionOut(received=out, warnings=[p.as_dict() for p in skips])


def _take(db: Database, found: list[Embedded], messages: list[alerts.Message],
          skips: list[cap.CapProblem], route: alerts.Route, actor: Principal,
          trust: Trust | None, at: datetime) -> list[tuple[int, bool]]:
    """Every alert of the distribution received in one transaction: (its id, duplicate)."""
    with db.write(actor) as w:
        taken: list[tuple[int, bool]] = []
        for e, m in zip(found, messages, strict=True):
            known = alerts.known(w.conn, m.alert, actor)
            try:
                if known is not None and route.require_crisis:
                    alerts.opened_crisis(w.conn, known)  # as one alert sent again
                taken.append((known, True) if known is not None else
                             (alerts.take(w, m, route, actor=actor, trust=trust, at=at),
                              False))
            except Invalid as exc:
                raise Invalid(f"{e.where}/{exc.where.lstrip('/')}", exc.message) from exc
        # one entry about each alert it brought: each follows its alert's marking (one
        # entry naming them all would be read by nobody, or tell of alerts hidden)
        for n, (alert_id, duplicate) in enumerate(taken, start=1):
            w.audit("cap.distribution", "cap_alert", alert_id, {
                "position": n, "alerts": len(taken), "duplicate": duplicate,
                "skipped": len(skips)})
    return taken
