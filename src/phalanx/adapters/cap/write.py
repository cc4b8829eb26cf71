"""OASIS CAP out, strictly: a crisis as a CAP 1.2 alert that validates against the OASIS
schema, with every info (its real language, category, event, urgency, severity,
certainty) and every area (polygons, circles, geocodes) in schema order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

CAP12_NS = "urn:oasis:names:tc:emergency:cap:1.2"
Point = tuple[float, float]


@dataclass(frozen=True)
class AreaOut:
    description: str
    polygons: tuple[tuple[Point, ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class InfoOut:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    areas: tuple[AreaOut, ...] = ()


@dataclass(frozen=True)
class CapOut:
    identifier: str
    sender: str
    sent: datetime
    exercise: bool
    infos: tuple[InfoOut, ...]
    msg_type: str = "Alert"
    references: tuple[tuple[str, str, datetime], ...] = ()
    note: str = ""


def _time(t: datetime) -> str:
    return t.replace(microsecond=0).isoformat()


def to_cap12(c: CapOut) -> bytes:
    """A CAP 1.2 alert (validates against the OASIS schema)."""
    root = etree.Element(f"{{{CAP12_NS}}}alert", nsmap={None: CAP12_NS})  # type: ignore[dict-item]

    def add(parent: etree._Element, name: str, value: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CAP12_NS}}}{name}")
        el.text = value
        return el

    add(root, "identifier", c.identifier)
    add(root, "sender", c.sender)
    add(root, "sent", _time(c.sent))
    add(root, "status", "Exercise" if c.exercise else "Actual")
    add(root, "msgType", c.msg_type)
    add(root, "scope", "Restricted")
    add(root, "restriction", "Member states of the organization")
    if c.note:
        add(root, "note", c.note)
    if c.references:
        add(root, "references", " ".join(f"{s},{i},{_time(t)}" for s, i, t in c.references))
    for i in c.infos:
        info = etree.SubElement(root, f"{{{CAP12_NS}}}info")
        add(info, "language", i.language or "en-US")
        for cat in i.categories or ("Other",):
            add(info, "category", cat)
        add(info, "event", i.event or "unspecified")
        add(info, "urgency", i.urgency)
        add(info, "severity", i.severity)
        add(info, "certainty", i.certainty)
        if i.sender_name:
            add(info, "senderName", i.sender_name)
        add(info, "headline", i.headline[:160])
        if i.description:
            add(info, "description", i.description)
        if i.instruction:
            add(info, "instruction", i.instruction)
        for a in i.areas:
            area = etree.SubElement(info, f"{{{CAP12_NS}}}area")
            add(area, "areaDesc", a.description or "unspecified")
            for ring in a.polygons:
                add(area, "polygon", " ".join(f"{lat:g},{lon:g}" for lat, lon in ring))
            for lat, lon, radius in a.circles:
                add(area, "circle", f"{lat:g},{lon:g} {radius:g}")
            for name, value in a.geocodes:
                code = etree.SubElement(area, f"{{{CAP12_NS}}}geocode")
                add(code, "valueName", name)
                add(code, "value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
