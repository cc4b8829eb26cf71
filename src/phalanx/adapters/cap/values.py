"""CAP's value formats as the reader takes them: a number, a date-time with its zone, a
circle (`lat,lon radius`, the radius a finite number of km up to half the equator), a
`references` list of `sender,identifier,sent` triples. None when unreadable."""

from __future__ import annotations

import re
from datetime import datetime

from phalanx.adapters.cap.model import MAX_RADIUS_KM


def number(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def circle(text: str) -> tuple[float, float, float] | None:
    parts = text.split()
    if len(parts) != 2:
        return None
    m = re.fullmatch(r"([-+]?\d+(?:\.\d*)?),([-+]?\d+(?:\.\d*)?)", parts[0])
    try:
        radius = float(parts[1])
    except ValueError:
        return None
    if not m or not 0 <= radius <= MAX_RADIUS_KM:  # also refuses nan and inf
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon, radius


def references_ok(text: str) -> bool:
    triples = text.split()
    return bool(triples) and all(
        len(t.split(",")) == 3 and time(t.split(",")[2]) is not None for t in triples)
