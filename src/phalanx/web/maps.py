"""Maps drawn on the server as SVG from the country shapes of the `world-atlas` npm
package (TopoJSON, copied to static/vendor at set-up): no tiles, nothing fetched."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ATLAS = Path(__file__).parent / "static" / "vendor" / "countries-50m.json"


@dataclass(frozen=True)
class Marker:
    lat: float
    lon: float
    label: str
    css: str = "crisis"
    href: str = ""


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


def available() -> bool:
    return _countries() is not None


def render(box: Box, markers: list[Marker], width: int = 720,
           highlight: set[str] | None = None) -> str:
    """An SVG map of `box` (equirectangular, scaled for its middle latitude)."""
    countries = _countries()
    if countries is None:
        return '<p class="muted">Map data missing: run make assets.</p>'
    k = math.cos(math.radians((box.north + box.south) / 2))
    w_deg = (box.east - box.west) * k
    h_deg = box.north - box.south
    height = int(width * h_deg / w_deg)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - box.west) * k / w_deg * width, (box.north - lat) / h_deg * height)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} '
             f'{height}" width="100%" role="img" aria-label="map">',
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
            parts.append(f'<path class="{css}" d="{"".join(paths)}"><title>{escape(name)}'
                         f'</title></path>')
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
