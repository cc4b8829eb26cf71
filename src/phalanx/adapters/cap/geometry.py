"""The geometry of CAP areas, safe across the 180th meridian (shapely).

A ring is unwrapped first (each point within 180° of longitude of the one before), so a
polygon over Chukotka that goes 178° → -178° stays a small polygon instead of one around
the globe; it is then split at the meridian for GeoJSON (RFC 7946 §3.1.9). Circles become
polygons (the radius in km on the local scale of a degree). The place of an alert is the
centroid of all its areas, computed in the frame where they are narrowest and wrapped
back into [-180, 180]; the extent is a bounding box whose west is greater than its east
when it crosses the meridian (RFC 7946 §5.2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from shapely import affinity
from shapely.geometry import MultiPolygon, Point, Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

KM_PER_DEGREE = 111.32
WORLD = box(-180, -90, 180, 90)


def _unwrap(ring: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """CAP (lat, lon) points as (x=lon, y=lat), each within 180° of the previous."""
    out: list[tuple[float, float]] = []
    for lat, lon in ring:
        if out:
            prev = out[-1][0]
            while lon - prev > 180:
                lon -= 360
            while lon - prev < -180:
                lon += 360
        out.append((lon, lat))
    return out


def polygon(ring: Sequence[tuple[float, float]]) -> BaseGeometry:
    shape = Polygon(_unwrap(ring))
    return shape if shape.is_valid else shape.buffer(0)


def has_area(ring: Sequence[tuple[float, float]]) -> bool:
    """Whether a ring encloses anything: not when all its points lie on one line."""
    return polygon(ring).area > 0


def circle(lat: float, lon: float, radius_km: float) -> BaseGeometry:
    if radius_km <= 0:
        return Point(lon, lat)
    r = radius_km / KM_PER_DEGREE
    stretch = 1 / max(math.cos(math.radians(lat)), 0.01)
    return affinity.scale(Point(lon, lat).buffer(r, 32), xfact=stretch, yfact=1.0)


def area_shape(polygons: Iterable[Sequence[tuple[float, float]]],
               circles: Iterable[tuple[float, float, float]]) -> BaseGeometry | None:
    """One area's polygons and circles, unwrapped (longitudes may leave [-180, 180])."""
    parts = [polygon(r) for r in polygons] + [circle(*c) for c in circles]
    parts = [p for p in parts if not p.is_empty]
    return unary_union(parts) if parts else None


def wrapped(shape: BaseGeometry) -> BaseGeometry:
    """Cut at the meridian and brought back into [-180, 180]."""
    pieces = [affinity.translate(shape, xoff=k * 360).intersection(WORLD) for k in (-1, 0, 1)]
    pieces = [p for p in pieces if not p.is_empty]
    return unary_union(pieces) if pieces else shape


def _frames(shape: BaseGeometry) -> BaseGeometry:
    """The same shape in the frame where it is narrowest: as given (wrapped), or with
    its western-hemisphere parts moved east by 360° (for what crosses the meridian)."""
    flat = wrapped(shape)
    parts = list(flat.geoms) if hasattr(flat, "geoms") else [flat]
    east = unary_union([affinity.translate(p, xoff=360) if p.bounds[2] <= 0 else p
                        for p in parts])
    width = flat.bounds[2] - flat.bounds[0]
    return east if east.bounds[2] - east.bounds[0] < width else flat


def _wrap_lon(lon: float) -> float:
    return (lon + 180) % 360 - 180 if not -180 <= lon <= 180 else lon


def place(shapes: Iterable[BaseGeometry]) -> tuple[float, float] | None:
    """(lat, lon) of the centroid of all the shapes, antimeridian-safe."""
    shapes = [s for s in shapes if s is not None and not s.is_empty]
    if not shapes:
        return None
    frame = _frames(unary_union([wrapped(s) for s in shapes]))
    c = frame.centroid if frame.area > 0 else frame.representative_point()
    return round(c.y, 5), round(_wrap_lon(c.x), 5)


def extent(shapes: Iterable[BaseGeometry]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north); west > east when the extent crosses the meridian."""
    shapes = [s for s in shapes if s is not None and not s.is_empty]
    if not shapes:
        return None
    west, south, east, north = _frames(unary_union([wrapped(s) for s in shapes])).bounds
    return (round(_wrap_lon(west), 5), round(south, 5), round(_wrap_lon(east), 5),
            round(north, 5))


def geojson(shape: BaseGeometry) -> dict[str, object]:
    """GeoJSON of the shape, split at the meridian; polygons only (points as they are)."""
    flat = wrapped(shape)
    if isinstance(flat, Polygon | MultiPolygon | Point):
        return dict(mapping(flat))
    polys = [g for g in getattr(flat, "geoms", []) if isinstance(g, Polygon)]
    return dict(mapping(MultiPolygon(polys))) if polys else dict(mapping(flat))
