"""The interactive operational picture's data, as the browser's map (Leaflet, in
static/cop.js) draws it: the symbols of four layers (units, airfields, crises,
movements) with their labels and details in the page's language, the legend, and the
frame to show first. Only what the user may see: everything comes from
`services.forces.picture` and `services.crises.board`, which go through the access filter.

The base layer is the world-atlas country shapes (`land`, as GeoJSON, from the TopoJSON
copied at set-up): no tiles are fetched unless the installation sets a tile server
(`Settings.map_tile_url`)."""

from __future__ import annotations

import gzip
import itertools
import json
from functools import cache
from typing import Any

from phalanx.domain.organization import Organization
from phalanx.services import crises as crs
from phalanx.web import maps
from phalanx.web.i18n import labeller, number, translator

LAYERS = ("units", "airfields", "crises", "movements")
# the members' region, when nothing narrower is asked for
REGION = ((34.0, 22.0), (60.0, 90.0))


def _frame(points: list[tuple[float, float]], pad_lat: float = 3.0,
           pad_lon: float = 6.0) -> list[list[float]]:
    if not points:
        return [list(REGION[0]), list(REGION[1])]
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return [[min(lats) - pad_lat, min(lons) - pad_lon], [max(lats) + pad_lat, max(lons) + pad_lon]]


def picture_data(pic: dict[str, Any], lang: str, *, crisis: int | None = None,
                 board: list[crs.CrisisOut] | None = None,
                 org: Organization | None = None) -> dict[str, Any]:
    """The map's data. `pic` is `forces.picture(...)`; `crisis` narrows the movements to
    one crisis and frames it; `board` replaces the crises by the board's ones and frames
    them (the crisis board's map). With `org`, states, places and units are named in
    `lang` as its file gives them."""
    _, label = translator(lang), labeller(lang)
    names = {k: s.name.get(lang) for k, s in org.states.items()} if org else {}
    text = org.text_in(lang) if org else str
    hours = _("h")
    symbols: list[dict[str, Any]] = []
    for b in pic["bases"]:
        if b["kind"] == "node":
            continue
        symbols.append({
            "layer": "airfields", "lat": b["lat"], "lon": b["lon"], "sidc": "SFGPIBA---H----",
            "label": text(b["name"]), "details": [
                [_("State"), names.get(b["state"], b["state"])],
                *([["ICAO", b["icao"]]] if b.get("icao") else [])]})
    base_names = {b["key"]: text(b["name"]) for b in pic["bases"]}
    for u in pic["units"]:
        if u["withdrawn"]:
            continue
        symbols.append({
            "layer": "units", "lat": u["lat"], "lon": u["lon"], "sidc": u["sidc"],
            "label": f"{text(u['name'])} ({u['state']})", "details": [
                [_("State"), names.get(u["state"], u["state"])],
                [_("Capability"), label("cap", u["capability"])],
                [_("Strength"), str(u["strength"])],
                [_("Readiness"), f"{number(u['readiness_h'], lang)} {hours}"],
                *([[_("Garrison"), base_names.get(u["garrison"], u["garrison"])]]
                  if u.get("garrison") else [])]})
    if board is None:
        shown = [{"id": c["id"], "title": c["title"], "lat": c["lat"], "lon": c["lon"],
                  "sidc": c["sidc"], "stage": c["stage"], "severity": c["severity"],
                  "overdue": False, "exercise": False} for c in pic["crises"]]
    else:
        sidc = {c["id"]: c["sidc"] for c in pic["crises"]}
        shown = [{"id": c.id, "title": c.title, "lat": c.lat, "lon": c.lon,
                  "sidc": sidc.get(c.id, "EHIPA----------"), "stage": c.stage.value,
                  "severity": c.severity, "overdue": c.overdue, "exercise": c.exercise}
                 for c in board if c.lat is not None and c.lon is not None]
    marked = _("EXERCISE")
    for c in shown:
        # an exercise's crisis on the map says so at both ends, as its every message does
        named = f"{c['id']}: {c['title']}"
        symbols.append({
            "layer": "crises", "lat": c["lat"], "lon": c["lon"], "sidc": c["sidc"],
            "label": f"[{marked}] {named} [{marked}]" if c["exercise"] else named,
            "href": f"/crises/{c['id']}", "exercise": c["exercise"],
            "overdue": c["overdue"], "details": [
                [_("Stage"), label("stage", c["stage"])],
                [_("Severity"), label("severity", c["severity"])]]})
    ids = {c["id"] for c in shown}
    unit_names = {u["key"]: text(u["name"]) for u in pic["units"]}
    moves = [{"from": m["from"], "to": m["to"], "mode": m["mode"], "status": m["status"],
              "via": m.get("via"), "land": m.get("land"),
              "label": f"{_unit_name(unit_names, m['unit'])} → {m['crisis']} "
                       f"({label('mode', m['mode'])}, "
                       f"{number(m['arrive_h'], lang, 1)} {hours})"
                       + (" · " + _("boards at %(base)s (%(hours)s h by ground)",
                                    base=base_names.get(m["boards"], m["boards"]),
                                    hours=number(m["boards_h"] or 0.0, lang, 1))
                          if m.get("boards") else "")
                       + (" · " + _("lands at %(base)s, then %(hours)s h by ground",
                                    base=base_names.get(m["lands"], m["lands"]),
                                    hours=number(m["lands_h"] or 0.0, lang, 1))
                          if m.get("lands") else "")}
             for m in pic["movements"]
             if (crisis is None or m["crisis"] == crisis) and (board is None or m["crisis"] in ids)]
    if crisis is not None:
        where = [(c["lat"], c["lon"]) for c in shown if c["id"] == crisis]
        where += [tuple(m["from"]) for m in moves]
        frame = _frame(where)  # type: ignore[arg-type]
    elif board is not None:
        frame = _frame([(c["lat"], c["lon"]) for c in shown], 4.0, 10.0)
    else:
        frame = [list(REGION[0]), list(REGION[1])]
    return {
        "layers": {k: label("layer", k) for k in LAYERS},
        "legend": [[k, label("layer", k)] for k in LAYERS] + [
            ["decided", _("decided movement")], ["proposed", _("proposed movement")]],
        "symbols": symbols, "moves": moves, "frame": frame,
        "labels": {"open": _("Open"), "details": _("Details")}}


def _points(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """The (lat, lon) of every vertex of a GeoJSON geometry."""
    out: list[tuple[float, float]] = []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], int | float):
            out.append((float(c[1]), float(c[0])))
        else:
            for x in c:
                walk(x)

    walk(geometry.get("coordinates", []))
    return out


def crisis_map_data(pic: dict[str, Any], c: crs.CrisisOut, areas: dict[str, Any], lang: str,
                    org: Organization | None = None) -> dict[str, Any]:
    """The crisis room's map: the crisis, its movements, the areas of its CAP alert
    (`areas`, GeoJSON), framed on the place and the areas."""
    data = picture_data(pic, lang, crisis=c.id, board=[c], org=org)
    where = [(c.lat, c.lon)] if c.lat is not None and c.lon is not None else []
    area_points = [p for f in areas.get("features", []) for p in _points(f.get("geometry") or {})]
    if any(lon < -90 for _, lon in area_points) and any(lon > 90 for _, lon in area_points):
        # areas split at the antimeridian: their western parts east of it, as the land's
        areas = _east_of_antimeridian(areas)
        area_points = [(lat, lon + 360 if lon < 0 else lon) for lat, lon in area_points]
    where += area_points
    if where:
        data["frame"] = _frame(where, 1.0, 2.0)  # type: ignore[arg-type]
    data["areas"] = areas
    return data


def _east_of_antimeridian(areas: dict[str, Any]) -> dict[str, Any]:
    def shift(c: Any) -> Any:
        if c and isinstance(c[0], int | float):
            return [c[0] + 360 if c[0] < 0 else c[0], *c[1:]]
        return [shift(x) for x in c]

    return {**areas, "features": [
        {**f, "geometry": {**f["geometry"], "coordinates": shift(f["geometry"]["coordinates"])}}
        for f in areas.get("features", []) if f.get("geometry")]}


# the part of the world the maps show: Europe, the Middle East, Central, South and North
# Asia (a ring with no point in it is left out)
LAND_BOX = (-25.0, 5.0, 180.0, 82.0)  # west, south, east, north


def _inside(lon: float, lat: float) -> bool:
    w, s, e, n = LAND_BOX
    return w <= lon <= e and s <= lat <= n


@cache
def land() -> dict[str, Any]:
    """The countries as a GeoJSON FeatureCollection, to a hundredth of a degree (about
    1 km; rings crossing the antimeridian are moved east of it, so that no polygon
    streaks across the map)."""
    features = []
    for name, rings in maps.countries():
        polys = []
        for ring in rings:
            if not any(_inside(lon, lat) for lon, lat in ring):
                continue
            pts: list[tuple[float, float]] = []
            for lon, lat in ring:
                p = (round(lon, 2), round(lat, 2))
                if not pts or p != pts[-1]:
                    pts.append(p)
            if len(pts) < 4:
                continue
            if any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(pts)):
                pts = [(lon + 360 if lon < 0 else lon, lat) for lon, lat in pts]
            polys.append([[list(p) for p in pts]])
        if not polys:
            continue
        features.append({"type": "Feature", "properties": {"name": name},
                         "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    return {"type": "FeatureCollection", "features": features}


@cache
def land_bytes(compressed: bool = False) -> bytes:
    """`land()` as JSON, gzip-compressed when asked (740 kB, or 220 kB compressed)."""
    raw = json.dumps(land(), separators=(",", ":")).encode()
    return gzip.compress(raw, mtime=0) if compressed else raw


def _unit_name(names: dict[str, str], key: str) -> str:
    """A unit's name; a part of a unit (`key#2`) is its unit's name and its number."""
    whole, _, part = key.partition("#")
    return f"{names[whole]} #{part}" if part and whole in names else names.get(key, key)
