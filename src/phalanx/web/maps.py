"""Maps drawn on the server as SVG from the country shapes of the `world-atlas` npm
package (TopoJSON, copied to static/vendor at set-up): no tiles, nothing fetched."""

from __future__ import annotations

import gettext
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pycountry

from phalanx.web.i18n import labeller, number, translator

ATLAS = Path(__file__).parent / "static" / "vendor" / "countries-50m.json"


@cache
def _atlas_ids() -> dict[str, str]:
    """The atlas's country names -> their ISO 3166-1 numeric codes."""
    if not ATLAS.exists():
        return {}
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    return {g.get("properties", {}).get("name", ""): g["id"]
            for g in topo["objects"]["countries"]["geometries"] if g.get("id")}


def atlas_name(end: str) -> str:
    """A route's end as the atlas names its country: a country's ISO 3166-1 alpha-3 code
    by the atlas's name of that country; anything else as it is."""
    country = pycountry.countries.get(alpha_3=end) if len(end) == 3 and end.isupper() \
        else None
    if country is None:
        return end
    return _atlas_names().get(country.numeric, end)


@cache
def _atlas_names() -> dict[str, str]:
    """The atlas's ISO 3166-1 numeric codes -> its names of those countries."""
    return {number: name for name, number in _atlas_ids().items()}


@cache
def country_name(name: str, lang: str) -> str:
    """A country of the atlas (named in English, sometimes shortened: "Bosnia and
    Herz.") by its name in `lang`, from the ISO 3166-1 names and translations the
    `pycountry` package ships; the atlas's name when it has no ISO code."""
    country = pycountry.countries.get(numeric=_atlas_ids().get(name, "-"))
    if country is None:
        return name
    common = getattr(country, "common_name", None) or country.name
    if lang == "en":
        return str(common) if name.endswith(".") else name
    try:
        table = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return str(common)
    return table.gettext(common)


@dataclass(frozen=True)
class Marker:
    lat: float
    lon: float
    label: str
    css: str = "crisis"
    href: str = ""


@dataclass(frozen=True)
class Symbol:
    """A military symbol at a place: drawn in the browser by milsymbol from its SIDC
    (the server draws a plain mark first, replaced by the symbol)."""

    lat: float
    lon: float
    sidc: str
    label: str
    kind: str  # unit, base, aircraft, crisis
    href: str = ""
    key: str = ""


@dataclass(frozen=True)
class Move:
    """A planned movement from a unit's home to its destination."""

    lat1: float
    lon1: float
    lat2: float
    lon2: float
    mode: str  # air, road
    status: str  # decided, proposed
    label: str


@dataclass(frozen=True)
class Box:
    west: float
    south: float
    east: float
    north: float

    @staticmethod
    def around(lat: float, lon: float, half_lat: float = 4, half_lon: float = 10) -> Box:
        return Box(lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


@cache
def _countries() -> list[tuple[str, list[list[tuple[float, float]]]]] | None:
    if not ATLAS.exists():
        return None
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    result = []
    for geom in topo["objects"]["countries"]["geometries"]:
        name = geom.get("properties", {}).get("name", "")
        polys: list[Any] = (geom["arcs"] if geom["type"] == "MultiPolygon"
                            else [geom["arcs"]] if geom["type"] == "Polygon" else [])
        rings = [ring(r) for poly in polys for r in poly]
        result.append((name, rings))
    return result


def countries() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    """Each country's name and rings of (lon, lat); none when the atlas is missing."""
    return _countries() or []


def available() -> bool:
    return _countries() is not None


# Where a route into or out of a country is drawn from: a city on the usual routes
# (a country's geometric middle can be far from them, as Russia's is).
ANCHORS = {"Afghanistan": (36.7, 67.1), "Tajikistan": (38.56, 68.78),
           "Kyrgyzstan": (42.87, 74.59), "Kazakhstan": (43.24, 76.89),
           "Russia": (51.77, 55.10), "Uzbekistan": (41.30, 69.24), "Belarus": (53.90, 27.56),
           "Armenia": (40.18, 44.51), "Turkmenistan": (37.95, 58.38), "Iran": (35.69, 51.39),
           "China": (43.83, 87.62), "Azerbaijan": (40.41, 49.87), "Georgia": (41.72, 44.79)}


def centroid(name: str) -> tuple[float, float] | None:
    """(lat, lon) to draw a country's routes from: its anchor city, or the middle of
    its largest ring."""
    if name in ANCHORS:
        return ANCHORS[name]
    for country, rings in _countries() or []:
        if country == name and rings:
            ring = max(rings, key=len)
            return (sum(p[1] for p in ring) / len(ring), sum(p[0] for p in ring) / len(ring))
    return None


def render(box: Box, markers: list[Marker], width: int = 720,
           highlight: set[str] | None = None,
           routes: list[tuple[str, str, float]] | None = None,
           symbols: list[Symbol] | None = None, moves: list[Move] | None = None,
           lang: str = "en") -> str:
    """An SVG map of `box` (equirectangular, scaled for its middle latitude), with
    markers and, optionally, routes between countries (by the atlas's names) drawn by
    weight; countries and routes are named in `lang`."""
    countries = _countries()
    if countries is None:
        return '<p class="muted">Map data missing: run make assets.</p>'
    _ = translator(lang)
    title = _("Map")
    k = math.cos(math.radians((box.north + box.south) / 2))
    w_deg = (box.east - box.west) * k
    h_deg = box.north - box.south
    height = int(width * h_deg / w_deg)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - box.west) * k / w_deg * width, (box.north - lat) / h_deg * height)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} '
             f'{height}" width="100%" role="img" aria-label="{escape(title)}">',
             f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>']
    margin = 5.0
    for name, rings in countries:
        paths = []
        for r in rings:
            if not any(box.west - margin <= lon <= box.east + margin
                       and box.south - margin <= lat <= box.north + margin for lon, lat in r):
                continue
            pts = [xy(lon, lat) for lon, lat in r]
            paths.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        if paths:
            css = "land hl" if highlight and name in highlight else "land"
            parts.append(f'<path class="{css}" d="{"".join(paths)}"><title>'
                         f'{escape(country_name(name, lang))}</title></path>')
    heaviest = max((w for _, _, w in routes or []), default=0.0) or 1.0
    kg = labeller(lang)("quantity_unit", "kg")
    for a, b, weight in routes or []:
        ca, cb = centroid(a), centroid(b)
        if ca is None or cb is None:
            continue
        (x1, y1), (x2, y2) = xy(ca[1], ca[0]), xy(cb[1], cb[0])
        stroke = 1.5 + 8 * weight / heaviest
        parts.append(f'<line class="route" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                     f'y2="{y2:.1f}" stroke-width="{stroke:.1f}" marker-end="url(#arrow)">'
                     f'<title>{escape(country_name(a, lang))} → {escape(country_name(b, lang))}'
                     f': {escape(number(weight, lang, 0))} {escape(kg)}</title></line>')
    if routes:
        parts.insert(2, '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" '
                        'markerUnits="userSpaceOnUse" markerWidth="14" markerHeight="14" '
                        'orient="auto-start-reverse">'
                        '<path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    for mv in moves or []:
        (x1, y1), (x2, y2) = xy(mv.lon1, mv.lat1), xy(mv.lon2, mv.lat2)
        parts.append(f'<line class="move {mv.mode} {mv.status}" x1="{x1:.1f}" y1="{y1:.1f}" '
                     f'x2="{x2:.1f}" y2="{y2:.1f}"><title>{escape(mv.label)}</title></line>')
    for sym in symbols or []:
        x, y = xy(sym.lon, sym.lat)
        mark = (f'<g class="sym {sym.kind}" data-sidc="{escape(sym.sidc)}" '
                f'data-key="{escape(sym.key)}" transform="translate({x:.1f},{y:.1f})">'
                f'<circle class="sym-fallback" r="4"/><title>{escape(sym.label)}</title></g>')
        parts.append(f'<a href="{escape(sym.href)}">{mark}</a>' if sym.href else mark)
    for m in markers:
        x, y = xy(m.lon, m.lat)
        dot = (f'<circle class="marker {m.css}" cx="{x:.1f}" cy="{y:.1f}" r="7">'
               f'<title>{escape(m.label)}</title></circle>'
               f'<text class="marker-label" x="{x + 10:.1f}" y="{y + 4:.1f}">'
               f'{escape(m.label[:40])}</text>')
        parts.append(f'<a href="{escape(m.href)}">{dot}</a>' if m.href else dot)
    parts.append("</svg>")
    return "".join(parts)


# the members' region, for the board
REGION = Box(west=20, south=34, east=92, north=60)
