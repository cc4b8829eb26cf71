"""OASIS CAP as read: the alert, its infos and areas, and the problems found reading it
(each naming its element and line). The rules are in `parse.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CAP12 = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11 = "urn:oasis:names:tc:emergency:cap:1.1"
CAP10 = "http://www.incident.com/cap/1.0"
VERSIONS = {CAP12: "1.2", CAP11: "1.1", CAP10: "1.0"}
MAX_BYTES = 2 * 1024 * 1024
CATEGORIES = {"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other"}
STATUSES = {"Actual", "Exercise", "System", "Test", "Draft"}
MSG_TYPES = {"Alert", "Update", "Cancel", "Ack", "Error"}
SCOPES = {"Public", "Restricted", "Private"}
URGENCIES = {"Immediate", "Expected", "Future", "Past", "Unknown"}
SEVERITIES = {"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
CERTAINTIES = {"Observed", "Likely", "Possible", "Unlikely", "Unknown", "Very Likely"}
MAX_RADIUS_KM = 20_038.0  # half the equator: a circle this wide already covers the earth
CLAMP_DEGREES = 1.0  # how far out of range a coordinate may be and still be clamped
DSIG = "{http://www.w3.org/2000/09/xmldsig#}Signature"
INDEXED = {"info", "area", "resource"}  # always named with their position


@dataclass(frozen=True)
class CapProblem:
    """A problem at an element: `message` in English; a warning also has its `key` (the
    message's msgid, `%(name)s` placeholders) and the values (`args`) that fill it, so
    that a page writes it in its reader's language."""

    path: str
    message: str
    line: int | None = None
    key: str = ""
    args: tuple[tuple[str, str], ...] = ()

    @classmethod
    def said(cls, path: str, key: str, line: int | None = None,
             **args: str) -> CapProblem:
        """The problem `key` says with `args`, its English message filled in."""
        return cls(path, key % args, line, key, tuple(args.items()))

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.path}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"where": self.path, "line": self.line,
                                  "message": self.message}
        if self.key:
            out.update(key=self.key, args=dict(self.args))
        return out


class CapError(ValueError):
    def __init__(self, problems: list[CapProblem],
                 warnings: list[CapProblem] | None = None) -> None:
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("; ".join(str(p) for p in problems))


Point = tuple[float, float]  # lat, lon as CAP writes them


@dataclass(frozen=True)
class CapArea:
    description: str
    polygons: tuple[tuple[Point, ...], ...] = ()
    circles: tuple[tuple[float, float, float], ...] = ()  # lat, lon, radius km
    geocodes: tuple[tuple[str, str], ...] = ()
    altitude: float | None = None
    ceiling: float | None = None


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
    web: str = ""
    contact: str = ""
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    event_codes: tuple[tuple[str, str], ...] = ()
    parameters: tuple[tuple[str, str], ...] = ()
    areas: tuple[CapArea, ...] = ()


@dataclass(frozen=True)
class CapAlert:
    version: str
    identifier: str
    sender: str
    sent: datetime | None  # None: no readable date-time with a zone (a warning says so)
    sent_text: str
    status: str  # Actual, Exercise, System, Test, Draft
    msg_type: str  # Alert, Update, Cancel, Ack, Error
    scope: str
    infos: tuple[CapInfo, ...] = field(default_factory=tuple)
    note: str = ""
    source: str = ""
    restriction: str = ""
    addresses: str = ""
    references: tuple[tuple[str, str, str], ...] = ()  # sender, identifier, sent
    incidents: str = ""
    warnings: tuple[CapProblem, ...] = ()
    signed: bool = False  # an XML-DSig <Signature> is present (checked elsewhere)

    @property
    def title(self) -> str:
        for info in self.infos:
            if info.headline or info.event:
                return info.headline or info.event
        return self.identifier

    @property
    def key(self) -> str:
        return f"{self.sender}/{self.identifier}"
