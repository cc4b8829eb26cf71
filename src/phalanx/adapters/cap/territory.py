"""Whether a place lies inside a state's territory: the country shapes of the
`world-atlas` npm package (TopoJSON, copied to the web's static/vendor at set-up), keyed
by ISO 3166 numeric code, as shapely geometries."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import pycountry
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union
from shapely.prepared import PreparedGeometry, prep


@cache
def _shapes() -> dict[str, object] | None:
    path = resources.files("phalanx").joinpath("web/static/vendor/countries-50m.json")
    if not path.is_file():
        return None
    topo = json.loads(path.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            out.extend(pts if not out else pts[1:])
        return out

    shapes: dict[str, object] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        polys = (geom.get("arcs", []) if geom["type"] == "MultiPolygon"
                 else [geom["arcs"]] if geom["type"] == "Polygon" else [])
        parts = []
        for poly in polys:
            rings = [ring(r) for r in poly]
            if rings and len(rings[0]) >= 4:
                p = Polygon(rings[0], [r for r in rings[1:] if len(r) >= 4])
                parts.append(p if p.is_valid else p.buffer(0))
        if parts and geom.get("id"):
            shapes[str(geom["id"])] = unary_union(parts) if len(parts) > 1 else parts[0]
    return shapes


def available() -> bool:
    return _shapes() is not None


def inside(lat: float, lon: float, states: list[str]) -> bool | None:
    """Whether (lat, lon) lies in one of the states (alpha-3 codes); None when the
    shapes are not installed."""
    shapes = _shapes()
    if shapes is None:
        return None
    point = Point(lon, lat)
    for code in states:
        near = _near(code)
        if near is not None and near.contains(point):
            return True
    return False


@cache
def _near(code: str) -> PreparedGeometry | None:
    """The state's shape widened by 0.05 degrees (a place on a coast or a border drawn at
    this scale), prepared once: it is asked of every crisis read (None: no shape)."""
    shapes = _shapes()
    country = pycountry.countries.get(alpha_3=code)
    shape = shapes.get(country.numeric) if shapes is not None and country is not None else None
    if not isinstance(shape, Polygon | MultiPolygon):
        return None
    return prep(shape.buffer(0.05))


def state_at(lat: float, lon: float, states: list[str], near: float = 0.05) -> str | None:
    """Which of the states (alpha-3 codes) the place (lat, lon) lies in: the one whose
    shape contains it, else the nearest within `near` degrees (a place on a coast or a
    border drawn at this scale); None when in none of them, or when the shapes are not
    installed (`available`)."""
    shapes = _shapes()
    if shapes is None:
        return None
    point = Point(lon, lat)
    found: list[tuple[float, str]] = []
    for code in sorted(set(states)):
        country = pycountry.countries.get(alpha_3=code)
        shape = shapes.get(country.numeric) if country is not None else None
        if not isinstance(shape, Polygon | MultiPolygon):
            continue
        if shape.contains(point):
            return code
        gap = shape.distance(point)
        if gap <= near:
            found.append((gap, code))
    return min(found)[1] if found else None


def borders(state: str, others: list[str], near: float = 0.05) -> list[str]:
    """Which of `others` (alpha-3 codes) share a border with `state`: their shapes touch,
    or come within `near` degrees (a border drawn at this scale); empty when the shapes
    are not installed or a state has no shape."""
    shapes = _shapes()
    if shapes is None:
        return []

    def shape_of(code: str) -> object | None:
        country = pycountry.countries.get(alpha_3=code)
        shape = shapes.get(country.numeric) if country is not None else None
        return shape if isinstance(shape, Polygon | MultiPolygon) else None

    own = shape_of(state)
    if own is None:
        return []
    out = []
    for code in sorted(set(others) - {state}):
        shape = shape_of(code)
        if shape is not None and own.distance(shape) <= near:  # type: ignore[attr-defined]
            out.append(code)
    return out
