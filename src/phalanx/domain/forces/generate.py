"""Seeded synthetic planning instances for tests and benchmarks: units at garrisons across
the member states, crises in Central Asia and the Caucasus, a mixed lift fleet. The same
seed gives the same instance. Nothing here is real data.

With `rules`, the instance exercises the registry's rules through `registry.availability`
(the same function the service applies): a few units withdrawn, some certifications
expired, CRRF units barred from a crisis that is a bilateral political problem, peacekeepers from
a crisis without an official request, one state declining a crisis and another making
only some of its units available; and listed ground times (rail) between some garrisons
and the crisis places."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from phalanx.domain.forces.model import (
    ROAD_FACTOR,
    ROAD_KMH,
    Aircraft,
    Problem,
    Requirement,
    Unit,
    distance_km,
)
from phalanx.domain.forces.registry import Consent, CrisisFacts, Scope, UnitFacts, availability

GARRISONS = [
    ("moscow", 55.88, 38.06), ("pskov", 57.78, 28.40), ("ivanovo", 56.94, 40.94),
    ("ulyanovsk", 54.27, 48.23), ("orenburg", 51.80, 55.46), ("novosibirsk", 55.01, 82.65),
    ("taganrog", 47.20, 38.85), ("ryazan", 54.56, 39.86), ("tyumen", 57.19, 65.32),
    ("kant", 42.85, 74.85), ("bishkek", 43.06, 74.48), ("osh", 40.61, 72.79),
    ("almaty", 43.35, 77.04), ("astana", 51.02, 71.47), ("karaganda", 49.67, 73.33),
    ("taldykorgan", 45.02, 78.37), ("dushanbe", 38.54, 68.83), ("khujand", 40.22, 69.69),
    ("kulob", 37.91, 69.78), ("yerevan", 40.15, 44.40), ("gyumri", 40.75, 43.86),
    ("minsk", 53.88, 28.03), ("vitebsk", 55.13, 30.35), ("brest", 52.10, 23.70),
]
HOTSPOTS = [
    ("batken", 40.06, 70.82), ("isfara", 40.13, 70.63), ("khorog", 37.49, 71.55),
    ("naryn", 41.43, 75.99), ("shymkent", 42.32, 69.59), ("jalal-abad", 40.93, 73.00),
    ("kurgan-tyube", 37.84, 68.78), ("vanadzor", 40.81, 44.49), ("sisian", 39.52, 46.03),
    ("aktau", 43.65, 51.17), ("zhanaozen", 43.34, 52.86), ("gomel", 52.44, 30.98),
]
CAPABILITIES = {  # capability: (share of units, tonnes per person)
    "motorized_rifle": (0.26, 0.45), "airborne": (0.16, 0.20), "special_police": (0.12, 0.08),
    "special_forces": (0.08, 0.10), "emergency_rescue": (0.12, 0.25), "anti_drug": (0.06, 0.06),
    "engineer": (0.08, 0.50), "medical": (0.08, 0.30), "aviation": (0.04, 0.40),
}
FLEET = [  # kind, payload t, speed km/h, range km (loaded), turnaround h, share
    ("Il-76MD", 40.0, 750.0, 4000.0, 2.0, 0.45), ("An-124-100", 120.0, 800.0, 4800.0, 3.0, 0.05),
    ("An-26", 5.5, 440.0, 1100.0, 1.0, 0.15), ("Mi-8MTV", 4.0, 230.0, 580.0, 0.75, 0.25),
    ("Mi-26T", 20.0, 255.0, 670.0, 1.5, 0.10),
]
STATES_BY_GARRISON = {
    **dict.fromkeys(["moscow", "pskov", "ivanovo", "ulyanovsk", "orenburg", "novosibirsk",
                     "taganrog", "ryazan", "tyumen", "kant"], "RUS"),
    **dict.fromkeys(["bishkek", "osh"], "KGZ"),
    **dict.fromkeys(["almaty", "astana", "karaganda", "taldykorgan"], "KAZ"),
    **dict.fromkeys(["dushanbe", "khujand", "kulob"], "TJK"),
    **dict.fromkeys(["yerevan", "gyumri"], "ARM"),
    **dict.fromkeys(["minsk", "vitebsk", "brest"], "BLR"),
}
SIZES = {  # units, crises, aircraft, requirements per crisis
    "small": (60, 3, 8, 4),
    "operational": (1000, 5, 24, 8),
    "stress": (10000, 20, 50, 8),
}
RULES = {"small": False, "operational": True, "stress": True}  # the benchmark's instances
PLANNED_ON = date(2026, 12, 1)  # certifications are checked on this day


def instance(size: str = "small", seed: int = 1, *, units: int | None = None,
             crises: int | None = None, aircraft: int | None = None,
             per_crisis: int | None = None, contested: bool = True,
             rules: bool | None = None) -> Problem:
    """A seeded instance. `contested`: requirements ask for more of the scarce
    capabilities near the crises than the nearby garrisons hold, so that crises compete
    for the same units and aircraft. `rules` (by default as `RULES` says for the size):
    consent, certification and formation rules bar some units, and some ground times are
    listed."""
    n_units, n_crises, n_planes, n_req = SIZES[size]
    n_units, n_crises = units or n_units, crises or n_crises
    n_planes, n_req = aircraft or n_planes, per_crisis or n_req
    rng = random.Random(seed)
    caps = list(CAPABILITIES)
    shares = [CAPABILITIES[c][0] for c in caps]
    out_units = []
    for i in range(n_units):
        g, lat, lon = rng.choice(GARRISONS)
        cap = rng.choices(caps, shares)[0]
        strength = rng.choice([100, 150, 200, 300, 400, 500, 600, 800])
        weight = round(strength * CAPABILITIES[cap][1] * rng.uniform(0.8, 1.2), 1)
        ready = rng.choice([2, 4, 6, 12, 24, 48, 72])
        out_units.append(Unit(f"u{i:05d}", STATES_BY_GARRISON[g], cap, strength, (lat, lon),
                              float(ready), weight, garrison=g))
    reqs = []
    weights = {}
    spots = rng.sample(HOTSPOTS, k=min(n_crises, len(HOTSPOTS)))
    for c in range(n_crises):
        name, lat, lon = spots[c % len(spots)]
        cid = f"c{c:02d}"
        weights[cid] = rng.choice([1.0, 1.0, 2.0, 3.0])
        for k in range(n_req):
            cap = rng.choices(caps[:6] if contested else caps, shares[:6] if contested
                              else shares)[0]
            strength = rng.choice([100, 200, 300, 400, 500])
            reqs.append(Requirement(f"{cid}-r{k}", cid, cap, strength,
                                    (lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3)),
                                    float(rng.choice([12, 24, 36, 48, 72])), node=name))
    kinds = [f[0] for f in FLEET]
    fleet_share = [f[5] for f in FLEET]
    bases = [g for g in GARRISONS if g[0] in ("kant", "moscow", "ulyanovsk", "orenburg",
                                              "almaty", "dushanbe", "novosibirsk")]
    planes = []
    for i in range(n_planes):
        kind = rng.choices(kinds, fleet_share)[0]
        _k, payload, speed, rng_km, turn, _s = next(f for f in FLEET if f[0] == kind)
        _g, lat, lon = rng.choice(bases)
        planes.append(Aircraft(f"a{i:02d}", kind, payload, speed, rng_km, (lat, lon), turn))
    problem = Problem(tuple(out_units), tuple(reqs), tuple(planes), weights)
    if RULES.get(size, False) if rules is None else rules:
        problem = _with_rules(problem, random.Random(seed * 7919 + 1))
    return problem


def _with_rules(problem: Problem, rng: random.Random) -> Problem:
    """Consent, certification and formation rules, and listed ground times (see above)."""
    facts = []
    for u in problem.units:
        formation = rng.choices(["crrf", "peacekeeping", "none"], [0.5, 0.15, 0.35])[0]
        expired = rng.random() < 0.04
        certified = date(2026, rng.randint(1, 11), 1) if expired else date(2028, 1, 1)
        facts.append(UnitFacts(u.id, u.state, formation, formation, certified,
                               withdrawn=rng.random() < 0.02))
    crises = sorted({r.crisis for r in problem.requirements})
    states = sorted({u.state for u in problem.units})
    barred: dict[tuple[str, str], str] = {}
    for i, c in enumerate(crises):
        consents = []
        for s in states:
            if i % 5 == 1 and s == states[(i // 5) % len(states)]:
                consents.append(Consent(s, Scope.NONE))
            elif i % 5 == 2 and s == states[(i // 5 + 1) % len(states)]:
                own = sorted(u.id for u in problem.units if u.state == s)
                some = frozenset(rng.sample(own, k=max(1, len(own) // 2)))
                consents.append(Consent(s, Scope.SOME, some))
            else:
                consents.append(Consent(s, Scope.ALL))
        crisis = CrisisFacts(c, bilateral_dispute=i % 4 == 3, official_request=i % 3 != 2)
        _ok, why = availability(facts, consents, crisis, PLANNED_ON)
        barred.update({(key, c): reason for key, reason in why.items()})
    # withdrawn units are unavailable everywhere; the rest is barred per crisis
    withdrawn = {f.key for f in facts if f.withdrawn}
    units = tuple(replace(u, available=False) if u.id in withdrawn else u
                  for u in problem.units)
    barred = {k: v for k, v in barred.items() if k[0] not in withdrawn}
    homes = {g: (lat, lon) for g, lat, lon in GARRISONS}
    places = {r.node: r.place for r in problem.requirements}
    ground: dict[tuple[str, str], float] = {}
    for g, home in sorted(homes.items()):
        for node, place in sorted(places.items()):
            road = distance_km(home, place) * ROAD_FACTOR / ROAD_KMH
            if road < 30 and rng.random() < 0.5:  # a rail link, faster than the road
                ground[(g, node)] = round(road * rng.uniform(0.5, 0.8), 2)
    return replace(problem, units=units, barred=barred, ground_times=ground)
