"""The registry of forces as data: the shipped CRDF CAR is exactly what the seeds say,
the CRRF and peacekeeping totals hold, airfields take their coordinates from the
`airportsdata` package, and a broken registry entry is refused with its line."""

from __future__ import annotations

from collections import Counter

import pytest

from phalanx.dataset.loader import DatasetError, builtin_path, parse, read
from tests.unit.test_dataset_errors import VALID, line_of

FORCES = """\
forces:
  bases:
    - {key: kant, name: Kant, icao: UAFW, state: KAZ, kind: airbase}
    - {key: yerevan, name: Yerevan garrison, lat: 40.18, lon: 44.51, state: ARM, kind: garrison}
  formations:
    - {key: crrf, name: {en: Rapid force}, use_constraint: crrf}
  units:
    - {key: u1, formation: crrf, state: ARM, name: Battalion, capability: airborne,
       strength: 400, garrison: yerevan, readiness_h: 6, weight_t: 80}
  aircraft:
    - {key: a1, state: KAZ, type: Il-76MD, role: transport, base: kant, payload_t: 40,
       speed_kmh: 750, range_km: 4000}
"""


def _problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DatasetError) as info:
        parse(text, "org.yaml")
    return [(p.line, p.path, p.message) for p in info.value.problems]


def test_the_crdf_car_follows_the_seeds_exactly() -> None:
    org, _ = read(builtin_path())
    units = [u for u in org.forces["units"] if u["formation"] == "crdf-car"]
    assert len(units) == 10
    assert Counter(u["state"] for u in units) == {
        "RUS": 3, "KAZ": 2, "ARM": 1, "BLR": 1, "KGZ": 1, "TJK": 1, "UZB": 1}
    kant = [a for a in org.forces["aircraft"] if a["formation"] == "crdf-car"]
    assert {a["base"] for a in kant} == {"kant"}
    assert sum(not a["helicopter"] for a in kant) == 10
    assert sum(a["helicopter"] for a in kant) == 14
    assert 3800 <= sum(u["strength"] for u in units) <= 4200  # "about 4,000"


def test_the_crrf_and_peacekeeping_totals_and_their_illustrative_mark() -> None:
    org, _ = read(builtin_path())
    forces = org.forces
    formations = {f["key"]: f for f in forces["formations"]}
    total = Counter()
    for u in forces["units"]:
        total[u["formation"]] += u["strength"]
    assert total["crrf"] > 20_000
    assert 3_500 <= total["peacekeeping"] <= 3_700
    assert formations["crrf"]["illustrative_composition"]
    assert formations["peacekeeping"]["illustrative_composition"]
    assert not formations["crdf-car"]["illustrative_composition"]
    assert forces["illustrative"]


def test_airfields_take_their_coordinates_from_airportsdata() -> None:
    import airportsdata

    org, _ = read(builtin_path())
    kant = next(b for b in org.forces["bases"] if b["key"] == "kant")
    known = airportsdata.load("ICAO")["UAFW"]
    assert (kant["lat"], kant["lon"]) == (known["lat"], known["lon"])
    assert known["name"] == "Kant Air Base"


def test_a_small_registry_loads() -> None:
    _, org = parse(VALID + FORCES, "org.yaml")
    assert org.forces["units"][0]["garrison"] == "yerevan"
    assert org.forces["bases"][0]["lat"] == pytest.approx(42.85, abs=0.01)


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("strength: 400", "strength: -400", "forces.units.0.strength",
     "Input should be greater than or equal to 1"),
    ("lat: 40.18", "lat: 140.18", "forces.bases.1.lat",
     "Input should be less than or equal to 90"),
    ("icao: UAFW", "icao: ZZZZ", "forces.bases.0.icao", "no airfield with ICAO code 'ZZZZ'"),
    ("garrison: yerevan", "garrison: gyumri", "forces.units.0.garrison",
     "unknown base 'gyumri'"),
    ("formation: crrf", "formation: crrrf", "forces.units.0.formation",
     "unknown formation 'crrrf'"),
    ("capability: airborne", "capability: cavalry", "forces.units.0.capability", None),
    ("payload_t: 40,", "", "forces.aircraft.0",
     "Value error, a transport needs payload_t, speed_kmh and range_km"),
    ("state: ARM, name: Battalion", "state: XXX, name: Battalion", "forces.units.0.state",
     "unknown state code 'XXX'"),
    # how many aircraft an airfield takes on the ground at once: one at least, and only
    # an air base or an airfield has an apron
    ("kind: airbase}", "kind: airbase, apron: 0}", "forces.bases.0.apron",
     "Input should be greater than or equal to 1"),
    ("kind: garrison}", "kind: garrison, apron: 2}", "forces.bases.1",
     "Value error, only an air base or an airfield has an apron"),
])
def test_a_broken_registry_entry_is_refused_with_its_line(old: str, new: str, path: str,
                                                         message: str | None) -> None:
    text = VALID + FORCES.replace(old, new, 1)
    assert text != VALID + FORCES
    found = _problems(text)
    assert len(found) == 1, found
    line, where, what = found[0]
    assert where == path
    if message is not None:
        assert what == message
    needle = new.split(",")[0] if new else "key: a1"
    assert line == line_of(text, needle)


def test_a_detachment_strength_cites_its_source_or_is_a_setting() -> None:
    cited = FORCES.replace("use_constraint: crrf}",
                           "use_constraint: crrf, detachment: {strength: 100, setting: true}}")
    _, org = parse(VALID + cited, "org.yaml")
    assert org.forces["formations"][0]["detachment"]["strength"] == 100
    bare = FORCES.replace("use_constraint: crrf}",
                          "use_constraint: crrf, detachment: {strength: 100}}")
    found = _problems(VALID + bare)
    assert [(w, m) for _line, w, m in found] == [(
        "forces.formations.0.detachment",
        "Value error, a detachment strength cites its source (`source:`) or is marked "
        "`setting: true`")]
