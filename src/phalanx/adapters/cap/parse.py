"""OASIS CAP alerts in: read like the widely used consumers, refuse only what means nothing.

Refused (CapError): more than the size limit; XML that is not well-formed; a DOCTYPE or
entity declaration (defusedxml, so an external-entity attack reads nothing); a root that
is not a CAP 1.0/1.1/1.2 `<alert>`; no `identifier`; no `sender`; a `status` or
`msgType` that is missing or not one of CAP's values (nobody could tell whether the
message is real, nor whether it updates another).

Accepted with a warning (stored with the alert): every schema deviation of the alert's
own version (1.2, 1.1 and 1.0 are each validated against their OASIS schema), such as
elements out of schema order; empty optional elements (ignored); `sent` without a
readable time zone (the receipt time stands in); unknown categories, urgencies,
severities and certainties (read as Other / Unknown); an identifier or sender holding
a space, comma, `<` or `&` (kept); malformed `references` triples
(dropped); polygons that do not end where they start (closed), that carry stray tokens
(dropped), coordinates up to one degree out of range (clamped), fewer than three
distinct points or all of them on one line (the polygon, which encloses no area,
dropped); unreadable circles, or circles whose radius is not a finite number of km up
to half the equator (dropped); an alert that expires before it takes effect.

Every problem names its element by name and position (`/alert/info[2]/area[1]/polygon`)
and its line in the file.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime

from lxml import etree

from phalanx.adapters.cap import geometry
from phalanx.adapters.cap.document import (  # noqa: F401  (re-exported)
    cap12_schema,
    decoded,
    safe_root,
    schema,
)
from phalanx.adapters.cap.model import (  # noqa: F401  (the reader's vocabulary, re-exported)
    CAP10,
    CAP11,
    CAP12,
    CATEGORIES,
    CERTAINTIES,
    CLAMP_DEGREES,
    DSIG,
    INDEXED,
    MAX_BYTES,
    MAX_RADIUS_KM,
    MSG_TYPES,
    SCOPES,
    SEVERITIES,
    STATUSES,
    URGENCIES,
    VERSIONS,
    CapAlert,
    CapArea,
    CapError,
    CapInfo,
    CapProblem,
    Point,
)
from phalanx.adapters.cap.values import circle as _circle
from phalanx.adapters.cap.values import number as _float
from phalanx.adapters.cap.values import references_ok  # noqa: F401  (re-exported)
from phalanx.adapters.cap.values import time as _parse_time
from phalanx.domain.languages import N_

_NS_IN_MESSAGE = re.compile(r"\{[^}]*\}")
_RESTRICTED = re.compile(r"[\s,<&]")  # not in an identifier nor a sender (CAP 1.2 3.2.1)


def element_path(el: etree._Element) -> str:
    """`/alert/info[2]/area[1]/polygon`: names, with positions where they repeat."""
    parts = []
    node: etree._Element | None = el
    while node is not None:
        parent = node.getparent()
        name = etree.QName(node).localname
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == node.tag]
            if len(same) > 1 or name in INDEXED:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _problem(el: etree._Element, message: str, child: str | None = None) -> CapProblem:
    path = element_path(el) + (f"/{child}" if child else "")
    return CapProblem(path, message, el.sourceline)


def parse(data: bytes, max_bytes: int = MAX_BYTES) -> CapAlert:
    """A CAP alert from bytes with its warnings, or CapError listing why it is refused."""
    root = _root(data, max_bytes)
    ns = etree.QName(root).namespace or ""
    reader = _Reader(root, ns)
    alert = reader.alert()
    if reader.errors:
        raise CapError(reader.errors, reader.warnings)
    return alert


def _root(data: bytes, max_bytes: int) -> etree._Element:
    root = safe_root(data, max_bytes)
    qn = etree.QName(root)
    if qn.localname != "alert" or qn.namespace not in VERSIONS:
        raise CapError([CapProblem(element_path(root), "not a CAP alert (expected an <alert> "
                                   "in the CAP 1.2, 1.1 or 1.0 namespace)", root.sourceline)])
    return root


class _Reader:
    """Reads by element names in any order, collecting errors and warnings."""

    def __init__(self, root: etree._Element, ns: str) -> None:
        self.root, self.ns = root, ns
        self.errors: list[CapProblem] = []
        self.warnings: list[CapProblem] = []
        self._warned: set[str] = set()

    def warn(self, el: etree._Element, key: str, child: str | None = None,
             **args: str) -> None:
        """A warning at `el` (or its `child`): the message `key` (marked with `N_` for
        the pages' catalogue) filled with `args`."""
        path = element_path(el) + (f"/{child}" if child else "")
        self._warned.add(path)
        self.warnings.append(CapProblem.said(path, key, el.sourceline, **args))

    def _find(self, el: etree._Element, name: str) -> list[etree._Element]:
        return el.findall(f"{{{self.ns}}}{name}")

    def text(self, el: etree._Element, name: str, *, required: bool = False,
             fatal: bool = False) -> str:
        found = self._find(el, name)
        value = (found[0].text or "").strip() if found else ""
        if not value:
            at, child = (found[0], None) if found else (el, name)
            if fatal:
                self.errors.append(_problem(at, "required element is missing or empty"
                                            " (the alert means nothing without it)", child))
            elif required:
                self.warn(at, N_("required element is missing or empty"), child)
            elif found:
                self.warn(found[0], N_("empty element, ignored"))
        return value

    def choice(self, el: etree._Element, name: str, allowed: set[str], default: str) -> str:
        value = self.text(el, name, required=True)
        if value and value not in allowed:
            self.warn(self._find(el, name)[0], N_("%(value)s is not a CAP value; read as "
                                                  "%(default)s"),
                      value=repr(value), default=default)
            return default
        return value or default

    def time(self, el: etree._Element, name: str) -> datetime | None:
        value = self.text(el, name)
        if not value:
            return None
        parsed = _parse_time(value)
        if parsed is None:
            self.warn(self._find(el, name)[0], N_("%(value)s is not a date-time with a "
                                                  "time zone; ignored"), value=repr(value))
        return parsed

    def alert(self) -> CapAlert:
        root, ns = self.root, self.ns
        identifier = self.text(root, "identifier", fatal=True)
        sender = self.text(root, "sender", fatal=True)
        status = self.text(root, "status", fatal=True)
        msg_type = self.text(root, "msgType", fatal=True)
        if status and status not in STATUSES:
            self.errors.append(_problem(self._find(root, "status")[0], f"{status!r} is not a "
                               f"CAP status ({', '.join(sorted(STATUSES))})"))
        if msg_type and msg_type not in MSG_TYPES:
            self.errors.append(_problem(self._find(root, "msgType")[0], f"{msg_type!r} is not"
                               f" a CAP message type ({', '.join(sorted(MSG_TYPES))})"))
        for name, value in (("identifier", identifier), ("sender", sender)):
            if _RESTRICTED.search(value):
                self.warn(self._find(root, name)[0], N_(
                    "%(value)s holds a space, comma, '<' or '&', which CAP forbids (a "
                    "reference to it cannot be written); kept as sent"), value=repr(value))
        sent_text = self.text(root, "sent", required=True)
        sent = _parse_time(sent_text) if sent_text else None
        if sent_text and sent is None:
            self.warn(self._find(root, "sent")[0], N_(
                "%(value)s is not a date-time with a time zone; the receipt time stands "
                "in"), value=repr(sent_text))
        scope = self.choice(root, "scope", SCOPES, "Public")
        infos = tuple(self.info(i, sent) for i in self._find(root, "info"))
        alert = CapAlert(
            version=VERSIONS[ns], identifier=identifier, sender=sender, sent=sent,
            sent_text=sent_text, status=status, msg_type=msg_type, scope=scope, infos=infos,
            note=self.text(root, "note"), source=self.text(root, "source"),
            restriction=self.text(root, "restriction"),
            addresses=self.text(root, "addresses"), references=self.references(),
            incidents=self.text(root, "incidents"),
            signed=root.find(DSIG) is not None)
        self._schema_warnings()
        return _with_warnings(alert, self.warnings)

    def references(self) -> tuple[tuple[str, str, str], ...]:
        found = self._find(self.root, "references")
        if not found:
            return ()
        el = found[0]
        out = []
        for triple in (el.text or "").split():
            parts = triple.split(",")
            if len(parts) == 3 and all(parts) and _parse_time(parts[2]) is not None:
                out.append((parts[0], parts[1], parts[2]))
            else:
                self.warn(el, N_("%(value)s is not a 'sender,identifier,sent' triple; "
                                 "dropped"), value=repr(triple))
        if not (el.text or "").strip():
            self.warn(el, N_("empty element, ignored"))
        return tuple(out)

    def info(self, el: etree._Element, sent: datetime | None) -> CapInfo:
        cats = []
        for c in self._find(el, "category"):
            value = (c.text or "").strip()
            if value in CATEGORIES:
                cats.append(value)
            else:
                self.warn(c, N_("unknown category %(value)s; read as Other"),
                          value=repr(value))
                cats.append("Other")
        if not cats:
            self.warn(el, N_("required element is missing; read as Other"), "category")
            cats.append("Other")
        effective, expires = self.time(el, "effective"), self.time(el, "expires")
        start = effective or sent
        if expires and start and expires < start:
            self.warn(self._find(el, "expires")[0],
                      N_("the alert expires before it takes effect"))
        pairs = self.pairs
        return CapInfo(
            language=self.text(el, "language") or "en-US", categories=tuple(dict.fromkeys(cats)),
            event=self.text(el, "event", required=True),
            urgency=self.choice(el, "urgency", URGENCIES, "Unknown"),
            severity=self.choice(el, "severity", SEVERITIES, "Unknown"),
            certainty=self.choice(el, "certainty", CERTAINTIES, "Unknown"),
            headline=self.text(el, "headline"), description=self.text(el, "description"),
            instruction=self.text(el, "instruction"),
            sender_name=self.text(el, "senderName"), web=self.text(el, "web"),
            contact=self.text(el, "contact"), effective=effective,
            onset=self.time(el, "onset"), expires=expires,
            event_codes=pairs(el, "eventCode"), parameters=pairs(el, "parameter"),
            areas=tuple(a for a in (self.area(x) for x in self._find(el, "area"))))

    def pairs(self, el: etree._Element, name: str) -> tuple[tuple[str, str], ...]:
        out = []
        for p in self._find(el, name):
            value_name = (p.findtext(f"{{{self.ns}}}valueName") or "").strip()
            value = (p.findtext(f"{{{self.ns}}}value") or "").strip()
            if value_name or value:
                out.append((value_name, value))
        return tuple(out)

    def area(self, el: etree._Element) -> CapArea:
        polygons = []
        for p in self._find(el, "polygon"):
            if not (p.text or "").strip():
                self.warn(p, N_("empty polygon, ignored"))
                continue
            ring = self.polygon(p)
            if ring:
                polygons.append(ring)
        circles = []
        for c in self._find(el, "circle"):
            circle = _circle(c.text or "")
            if circle is None:
                self.warn(c, N_("%(value)s is not 'lat,lon radius' within range (a radius "
                                "of 0 to %(km)s km); dropped"),
                          value=repr((c.text or "").strip()), km=f"{MAX_RADIUS_KM:g}")
            else:
                circles.append(circle)
        return CapArea(self.text(el, "areaDesc", required=True), tuple(polygons),
                       tuple(circles), self.pairs(el, "geocode"),
                       _float(self.text(el, "altitude")), _float(self.text(el, "ceiling")))

    def polygon(self, el: etree._Element) -> tuple[Point, ...] | None:
        points: list[Point] = []
        for token in (el.text or "").split():
            m = re.fullmatch(r"([-+]?\d+(?:\.\d*)?),([-+]?\d+(?:\.\d*)?)(?:,[-+]?[\d.]+)?",
                             token)
            if not m:
                self.warn(el, N_("stray token %(value)s is not 'lat,lon'; dropped"),
                          value=repr(token))
                continue
            lat, lon = float(m.group(1)), float(m.group(2))
            if abs(lat) > 90 + CLAMP_DEGREES or abs(lon) > 180 + CLAMP_DEGREES:
                self.warn(el, N_("point %(value)s is out of range; the polygon is dropped"),
                          value=repr(token))
                return None
            if abs(lat) > 90 or abs(lon) > 180:
                clamped = (max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon)))
                self.warn(el, N_("point %(value)s is slightly out of range; clamped to "
                                 "%(point)s"), value=repr(token),
                          point=f"{clamped[0]:g},{clamped[1]:g}")
                lat, lon = clamped
            points.append((lat, lon))
        if len(set(points)) < 3:
            self.warn(el, N_("a polygon needs at least 3 distinct points, it has "
                             "%(count)s; dropped"), count=str(len(set(points))))
            return None
        if points[0] != points[-1]:
            self.warn(el, N_("the polygon does not end where it starts; closed"))
            points.append(points[0])
        if not geometry.has_area(points):
            self.warn(el, N_("the polygon's points lie on one line: it encloses no area "
                             "and gives no place; dropped"))
            return None
        return tuple(points)

    def _schema_warnings(self) -> None:
        """The alert's own version's OASIS schema; each deviation a warning, unless a
        reading rule above already said what was wrong there."""
        xsd = schema(self.ns)
        root = copy.deepcopy(self.root)
        for sig in root.findall(DSIG):  # CAP 1.0 and 1.1 allow it; their schemas do not
            root.remove(sig)
        if xsd.validate(root):
            return
        tree = root.getroottree()
        for e in xsd.error_log:
            try:
                found = tree.xpath(e.path) if e.path else []
            except etree.XPathError:
                found = []
            el = found[0] if isinstance(found, list) and found else None
            path = element_path(el) if isinstance(el, etree._Element) else "/alert"
            if path in self._warned or any(p.path == path for p in self.errors):
                continue
            self._warned.add(path)
            # the validator's own words, behind a lead-in the pages translate
            self.warnings.append(CapProblem.said(path, N_("schema: %(detail)s"), e.line,
                                                 detail=_NS_IN_MESSAGE.sub("", e.message)))


def _with_warnings(alert: CapAlert, warnings: list[CapProblem]) -> CapAlert:
    from dataclasses import replace
    ordered = sorted(warnings, key=lambda p: (p.line or 0, p.path))
    return replace(alert, warnings=tuple(ordered))


from phalanx.adapters.cap.write import AreaOut, CapOut, InfoOut, to_cap12  # noqa: E402

__all__ = ["AreaOut", "CapAlert", "CapArea", "CapError", "CapInfo", "CapOut", "CapProblem",
           "InfoOut", "parse", "to_cap12"]
