"""OASIS CAP out, strictly: a crisis as a CAP 1.2 alert that validates against the OASIS
schema, with every info (its real language, category, event, urgency, severity,
certainty) and every area (polygons, circles, geocodes) in schema order.

What was read leniently is written in CAP 1.2's terms: the certainty "Very Likely" of
CAP 1.0 and 1.1 as "Likely" (CAP 1.2 §3.2.2), a value outside CAP 1.2's lists as
Unknown (Other for a category), a language that is not a language tag as "und"
(undetermined), characters XML cannot carry (control characters) left out, and
coordinates in plain decimal degrees to six places, times to the second in their zone (UTC
as -00:00)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from phalanx.adapters.xmltext import xml_text

CAP12_NS = "urn:oasis:names:tc:emergency:cap:1.2"
Point = tuple[float, float]
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
RESPONSE_TYPES = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess",
                  "AllClear", "None")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


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
    response_types: tuple[str, ...] = ()
    web: str = ""  # an absolute address where more is said (the crisis's page)


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
    scope: str = "Restricted"  # Public or Restricted (Private needs addresses: not written)
    restriction: str = ""  # who may have it; required when Restricted


def _time(t: datetime) -> str:
    """A CAP 1.2 date-time: to the second, with its zone as +hh:mm, UTC as "-00:00" (CAP
    1.2 §3.3.2: never "Z", and UTC written -00:00)."""
    t = t.replace(tzinfo=UTC) if t.utcoffset() is None else t  # a time without a zone is UTC
    if t.utcoffset().total_seconds() % 60:  # type: ignore[union-attr]  # CAP: +hh:mm only
        t = t.astimezone(UTC)
    text = t.replace(microsecond=0).isoformat()
    return text[:-6] + "-00:00" if text.endswith("+00:00") else text


def _deg(value: float) -> str:
    """Decimal degrees (or km) as CAP writes them: never 1e-05, never rounded to 6
    significant digits."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _one_of(value: str, allowed: tuple[str, ...], default: str) -> str:
    if value == "Very Likely" and "Likely" in allowed:
        return "Likely"
    return value if value in allowed else default


def _language(value: str) -> str:
    if not value:
        return "en-US"
    return value if _LANGUAGE.fullmatch(value) else "und"


def to_cap12(c: CapOut) -> bytes:
    """A CAP 1.2 alert (validates against the OASIS schema). A Restricted alert says to
    whom (its restriction); an Update or Cancel names the messages it replaces."""
    if c.scope not in ("Public", "Restricted"):
        raise ValueError(f"scope {c.scope!r}: only Public or Restricted is written")
    if c.scope == "Restricted" and not c.restriction.strip():
        raise ValueError("a Restricted alert needs its restriction")
    if c.msg_type not in ("Alert", "Update", "Cancel"):
        raise ValueError(f"msgType {c.msg_type!r}: only Alert, Update or Cancel is written")
    if c.msg_type != "Alert" and not c.references:
        raise ValueError(f"an {c.msg_type} names the messages it replaces (references)")
    root = etree.Element(f"{{{CAP12_NS}}}alert", nsmap={None: CAP12_NS})  # type: ignore[dict-item]

    def add(parent: etree._Element, name: str, value: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CAP12_NS}}}{name}")
        el.text = xml_text(value)
        return el

    add(root, "identifier", c.identifier)
    add(root, "sender", c.sender)
    add(root, "sent", _time(c.sent))
    add(root, "status", "Exercise" if c.exercise else "Actual")
    add(root, "msgType", c.msg_type)
    add(root, "scope", c.scope)
    if c.scope == "Restricted":
        add(root, "restriction", c.restriction)
    if c.note:
        add(root, "note", c.note)
    if c.references:
        add(root, "references", " ".join(f"{s},{i},{_time(t)}" for s, i, t in c.references))
    for i in c.infos:
        info = etree.SubElement(root, f"{{{CAP12_NS}}}info")
        add(info, "language", _language(i.language))
        for cat in dict.fromkeys(_one_of(c, CATEGORIES, "Other") for c in i.categories) \
                or ("Other",):
            add(info, "category", cat)
        add(info, "event", i.event or "unspecified")
        for rt in dict.fromkeys(r for r in i.response_types if r in RESPONSE_TYPES):
            add(info, "responseType", rt)
        add(info, "urgency", _one_of(i.urgency, URGENCIES, "Unknown"))
        add(info, "severity", _one_of(i.severity, SEVERITIES, "Unknown"))
        add(info, "certainty", _one_of(i.certainty, CERTAINTIES, "Unknown"))
        if i.sender_name:
            add(info, "senderName", i.sender_name)
        add(info, "headline", i.headline[:160])
        if i.description:
            add(info, "description", i.description)
        if i.instruction:
            add(info, "instruction", i.instruction)
        if i.web:
            add(info, "web", i.web)
        for a in i.areas:
            area = etree.SubElement(info, f"{{{CAP12_NS}}}area")
            add(area, "areaDesc", a.description or "unspecified")
            for ring in a.polygons:
                add(area, "polygon", " ".join(f"{_deg(lat)},{_deg(lon)}" for lat, lon in ring))
            for lat, lon, radius in a.circles:
                add(area, "circle", f"{_deg(lat)},{_deg(lon)} {_deg(radius)}")
            for name, value in a.geocodes:
                code = etree.SubElement(area, f"{{{CAP12_NS}}}geocode")
                add(code, "valueName", name)
                add(code, "value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
