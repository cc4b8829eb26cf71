"""The demo crisis's plans read back through the API and flown again by the tests' own
checker (`tests/support/reflight.py`) from what the API and the dataset say of the
problem: units, lift, requirements, consents, listed ground times. A re-plan after a
unit is withdrawn, and the rules changed through the API (a state's consent withheld, a
certification run out, a unit withdrawn), hold in the next plan; the figures the API
shows are those the movements give."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.forces import model as definition
from phalanx.domain.forces.registry import SEVERITY_WEIGHT
from phalanx.services import forcesdemo
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support import reflight as rf

FORMATION_OF_MEASURE = {"military_crrf": "crrf", "military_peacekeeping": "peacekeeping"}


@pytest.fixture
def db_recipe() -> str:
    return "accounts"


@pytest.fixture
def api(db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, Any], int]]:
    crisis = forcesdemo.run(db, time_limit=2)
    tokens = {name: {"Authorization": "Bearer "
                     + api_tokens.issue_token(db, name, actor=SYSTEM).token}
              for name in ("planner", "rep-kgz", "rep-rus", "rep-kaz", "rep-blr")}
    with TestClient(create_app(settings, db)) as c:
        with db.read() as conn:
            listed = orgs.organization(conn).forces.get("ground_times", [])
        yield c, {"tokens": tokens, "listed": listed}, crisis


def _h(at: str, start: datetime) -> float:
    return (datetime.fromisoformat(at) - start).total_seconds() / 3600


def defined(c: TestClient, ctx: dict[str, Any], crisis: int, p: dict[str, Any],
            alerted: dict[str, float] | None = None) -> rf.Definition:
    """The problem of plan `p` as the API and the dataset state it; `alerted`: units told
    to get ready after the plan's start (hours after it)."""
    h = ctx["tokens"]["planner"]
    start = datetime.fromisoformat(p["starts_at"])
    on = (start + timedelta(hours=max((alerted or {}).values(), default=0.0))).date()
    room = c.get(f"/api/v1/crises/{crisis}", headers=h).json()
    formations = {FORMATION_OF_MEASURE[m] for m in room["authorizes"]
                  if m in FORMATION_OF_MEASURE}
    answers = {a["state"]: a for a in c.get(f"/api/v1/crises/{crisis}/consents",
                                            headers=h).json()}
    units, barred = {}, set()
    listed = _listed(ctx)
    bases = c.get("/api/v1/forces/bases", headers=h).json()
    for u in c.get("/api/v1/forces/units", headers=h).json():
        ready = u["readiness_h"] + (alerted or {}).get(u["key"], 0.0)
        boards = _boards(u["garrison"], bases, listed)
        units[u["key"]] = rf.U(u["key"], u["state"], u["capability"], u["strength"],
                               (u["lat"], u["lon"]), ready, u["weight_t"],
                               u["garrison"] or "", *(boards or (None, 0.0)))
        answer = answers.get(u["state"])
        withheld = (answer is None or answer["scope"] == "none"
                    or (answer["scope"] == "some" and u["key"] not in answer["units"]))
        expired = (u["certified_until"] is not None
                   and date.fromisoformat(u["certified_until"]) < on)
        if withheld or expired or u["withdrawn"] or u["formation"] not in formations:
            barred.add((u["key"], str(crisis)))
    planes = {a["key"]: rf.A(a["key"], a["payload_t"], a["speed_kmh"], a["range_km"],
                             (a["lat"], a["lon"]), a["turnaround_h"])
              for a in c.get("/api/v1/forces/aircraft", headers=h).json()
              if a["role"] == "transport" and not a["withdrawn"]}
    reqs = {str(r["id"]): rf.R(str(r["id"]), str(crisis), r["capability"], r["strength"],
                               (r["lat"], r["lon"]), _h(r["needed_by"], start),
                               r["node"] or "", *(_lands(r, bases, listed) or (None, 0.0)))
            for r in c.get(f"/api/v1/crises/{crisis}/requirements", headers=h).json()
            if r["barred"] is None}  # (one the host state did not ask for is left out)
    return rf.Definition(units, reqs, planes, {str(crisis): SEVERITY_WEIGHT[room["severity"]]},
                         rf.Settings(definition.ROAD_KMH, definition.ROAD_FACTOR,
                                     definition.REFUEL_H), listed, barred,
                         aprons=[((b["lat"], b["lon"]), b["apron"]) for b in bases
                                 if b.get("apron")])


def _listed(ctx: dict[str, Any]) -> dict[tuple[str, str], float]:
    """The dataset's listed ground times, both ways."""
    listed = {(g["from"], g["to"]): float(g["hours"]) for g in ctx["listed"]}
    listed.update({(b, a): x for (a, b), x in list(listed.items()) if (b, a) not in listed})
    return listed


def _boards(garrison: str | None, bases: list[dict[str, Any]],
            listed: dict[tuple[str, str], float]) -> tuple[tuple[float, float], float] | None:
    """Where a unit of `garrison` boards, by the definition (`reflight.py`), and the
    hours by ground to there; None: at its garrison."""
    at = {b["key"]: b for b in bases}
    home = at.get(garrison or "")
    if home is None or home["kind"] in ("airbase", "airfield"):
        return None
    air = [b for b in bases if b["kind"] in ("airbase", "airfield")]
    reached = sorted((h, b["key"]) for b in air
                     if (h := listed.get((home["key"], b["key"]))) is not None)
    if reached:
        b = at[reached[0][1]]
        return (b["lat"], b["lon"]), reached[0][0]
    b = min([b for b in air if b["state"] == home["state"]] or air,
            key=lambda b: rf.km((home["lat"], home["lon"]), (b["lat"], b["lon"])))
    return ((b["lat"], b["lon"]), rf.km((home["lat"], home["lon"]), (b["lat"], b["lon"]))
            * definition.ROAD_FACTOR / definition.ROAD_KMH)


def _lands(r: dict[str, Any], bases: list[dict[str, Any]],
           listed: dict[tuple[str, str], float]) -> tuple[tuple[float, float], float] | None:
    """Where aircraft land for requirement `r`, by the definition (`reflight.py`), and the
    hours by ground from there to its place; None: at the place."""
    air = [b for b in bases if b["kind"] in ("airbase", "airfield")]
    node = {b["key"]: b for b in bases}.get(r["node"] or "")
    if node is not None and node["kind"] in ("airbase", "airfield"):
        return None
    place = (node["lat"], node["lon"]) if node else (r["lat"], r["lon"])
    if min(rf.km(place, (b["lat"], b["lon"])) for b in air) <= 5.0:
        return None
    state = node["state"] if node else r["territory"]
    reached = sorted((b["state"] != state, h, b["key"]) for b in air
                     if node and (h := listed.get((b["key"], node["key"]))) is not None)
    if reached:
        b = next(b for b in air if b["key"] == reached[0][2])
        return (b["lat"], b["lon"]), reached[0][1]
    b = min([b for b in air if b["state"] == state] or air,
            key=lambda b: rf.km(place, (b["lat"], b["lon"])))
    return ((b["lat"], b["lon"]),
            rf.km(place, (b["lat"], b["lon"])) * definition.ROAD_FACTOR / definition.ROAD_KMH)


def history(c: TestClient, ctx: dict[str, Any], crisis: int, before: dict[str, Any],
            now_h: float) -> dict[str, list[tuple[float, float, tuple[float, float]]]]:
    """The legs of the decided plan `before` that had left by `now_h`: where they took
    their aircraft (where aircraft land for the place, by the definition), whatever
    becomes of their units."""
    bases = c.get("/api/v1/forces/bases", headers=ctx["tokens"]["planner"]).json()
    listed = _listed(ctx)
    places = {r["id"]: (_lands(r, bases, listed) or ((r["lat"], r["lon"]), 0.0))[0]
              for r in c.get(f"/api/v1/crises/{crisis}/requirements",
                             headers=ctx["tokens"]["planner"]).json()}
    out: dict[str, list[tuple[float, float, tuple[float, float]]]] = {}
    for m in before["movements"]:
        for s in m["sorties"]:
            if s["depart_h"] <= now_h:
                out.setdefault(s["aircraft"], []).append(
                    (s["depart_h"], s["arrive_h"], places[m["requirement"]]))
    return out


def flown(p: dict[str, Any]) -> list[rf.Move]:
    return [rf.Move(str(m["requirement"]), m["unit"], m["mode"], m["arrive_h"],
                    tuple(rf.Leg(s["aircraft"], s["depart_h"], s["arrive_h"], s["load_t"])
                          for s in m["sorties"])) for m in p["movements"]]


def shown_figures_hold(d: rf.Definition, p: dict[str, Any], crisis: int) -> None:
    broken, figures = rf.refly(d, flown(p), [str(u["requirement"]) for u in p["uncovered"]])
    assert broken == []
    assert p["objective"]["uncovered"] == figures.uncovered
    assert p["objective"]["closure"] == pytest.approx(figures.weighted, abs=1e-6)
    assert p["objective"]["lateness"] == pytest.approx(figures.lateness, abs=1e-6)
    assert p["objective"]["sorties"] == figures.sorties
    assert {int(k): v for k, v in p["closures"].items()} == pytest.approx(
        {int(k): v for k, v in figures.closures.items()})
    assert p["bound"] <= figures.weighted + 1e-6
    assert p["gap"] == pytest.approx((figures.weighted - p["bound"]) / figures.weighted)
    assert (p["gap"] == 0) == (p["solver_status"] in ("at the bound", "optimal"))
    for m in p["movements"]:
        r = d.requirements[str(m["requirement"])]
        assert m["late_h"] == pytest.approx(max(0.0, m["arrive_h"] - r.needed_by_h))


def _plan(c: TestClient, ctx: dict[str, Any], crisis: int) -> dict[str, Any]:
    r = c.post(f"/api/v1/crises/{crisis}/plans", json={"time_limit": 2},
               headers=ctx["tokens"]["planner"])
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_the_demo_plan_flies_again_by_the_definition(
        api: tuple[TestClient, dict[str, Any], int]) -> None:
    c, ctx, crisis = api
    (decided,) = c.get(f"/api/v1/crises/{crisis}/plans",
                       headers=ctx["tokens"]["planner"]).json()
    d = defined(c, ctx, crisis, decided)
    shown_figures_hold(d, decided, crisis)
    # a unit of a garrison without an airfield flown in: the plan says where it boards
    away = [m for m in decided["movements"] if m["mode"] == "air" and d.units[m["unit"].split(
        "#", 1)[0]].boards is not None]
    assert away, "the demo plan flies no unit of a garrison without an airfield"
    for m in away:
        u = d.units[m["unit"].split("#", 1)[0]]
        assert m["boards"] in ("chkalovsky", "machulishchy", "almaty", "manas", "dushanbe")
        assert m["boards_h"] == pytest.approx(u.boards_h)
        assert min(s["depart_h"] for s in m["sorties"]) >= u.readiness_h + u.boards_h - 1e-6
    # to a place without an airfield (Batken, Isfana, Kyzyl-Kiya): the plan says where its
    # aircraft land, as the definition has it, and the unit arrives that long after
    flown_in = [m for m in decided["movements"] if m["mode"] == "air"]
    assert flown_in and all(d.requirements[str(m["requirement"])].lands is not None
                            for m in flown_in)
    for m in flown_in:
        r = d.requirements[str(m["requirement"])]
        assert m["lands"] == "osh" and m["lands_h"] == pytest.approx(r.lands_h)
        assert m["arrive_h"] == pytest.approx(
            max(s["arrive_h"] for s in m["sorties"]) + r.lands_h)
    # Osh takes three aircraft on the ground at once (the dataset, through the API): the
    # re-flight above counted them, and the plan fills every place at some moment
    assert d.aprons and d.aprons[0][1] == 3
    stays = [(s["arrive_h"], s["arrive_h"] + d.aircraft[s["aircraft"]].turnaround_h)
             for m in flown_in for s in m["sorties"]]
    assert max(sum(1 for a, b in stays if a <= t < b) for t, _ in stays) == 3
    # and each requirement says so before any plan, as the definition has it
    for asked in c.get(f"/api/v1/crises/{crisis}/requirements",
                       headers=ctx["tokens"]["planner"]).json():
        assert asked["lands"] == "osh" and asked["lands_h"] == pytest.approx(
            d.requirements[str(asked["id"])].lands_h)


def test_a_replan_after_a_withdrawal_flies_again_and_alerts_its_new_units_late(
        api: tuple[TestClient, dict[str, Any], int]) -> None:
    """A unit withdrawn hours after the decided plan's start: the re-plan keeps what is
    moving, and a unit it brings in that the decided plan did not name is told to get
    ready only now, so it leaves no sooner than its readiness after the re-plan."""
    c, ctx, crisis = api
    h = ctx["tokens"]["planner"]
    (decided,) = c.get(f"/api/v1/crises/{crisis}/plans", headers=h).json()
    start = datetime.fromisoformat(decided["starts_at"])
    asks = {r["id"]: r["capability"] for r in
            c.get(f"/api/v1/crises/{crisis}/requirements", headers=h).json()}
    # an airborne unit still at home (the registry holds many others able to replace it)
    waiting = max((m for m in decided["movements"] if asks[m["requirement"]] == "airborne"),
                  key=lambda m: m["depart"])
    r = c.patch(f"/api/v1/forces/units/{waiting['unit']}", json={"withdrawn": True},
                headers=ctx["tokens"]["rep-" + waiting["state"].lower()])
    assert r.status_code == 200, r.text
    again = _plan(c, ctx, crisis)
    assert again["starts_at"] == decided["starts_at"]
    now_h = _h(again["created_at"], start)
    assert now_h > 1
    before = {m["unit"] for m in decided["movements"]}
    new = {m["unit"] for m in again["movements"]} - before
    assert new, "the re-plan brings in a unit of its own"
    d = defined(c, ctx, crisis, again, alerted=dict.fromkeys(new, now_h))
    d.flown = history(c, ctx, crisis, decided, now_h)
    assert waiting["unit"] not in {m["unit"] for m in again["movements"]}
    assert not again["uncovered"]
    shown_figures_hold(d, again, crisis)


def test_rules_changed_through_the_api_hold_in_the_next_plan(
        api: tuple[TestClient, dict[str, Any], int]) -> None:
    """KGZ withdraws its consent, RUS's air assault group's certification runs out
    yesterday, BLR withdraws a battalion from the registry: the next plan uses none of
    them, and flies again by the definition with the rules as the API now states them."""
    c, ctx, crisis = api
    h = ctx["tokens"]["planner"]
    (decided,) = c.get(f"/api/v1/crises/{crisis}/plans", headers=h).json()
    used = {m["unit"] for m in decided["movements"]}
    assert any(u.startswith("crrf-kgz-") for u in used) and "crrf-rus-daa-1" in used
    r = c.put(f"/api/v1/crises/{crisis}/consents/KGZ", json={"scope": "none"},
              headers=ctx["tokens"]["rep-kgz"])
    assert r.status_code == 200, r.text
    cutoff = datetime.now(UTC).date() - timedelta(days=1)
    r = c.patch("/api/v1/forces/units/crrf-rus-daa-1",
                json={"certified_until": cutoff.isoformat()}, headers=ctx["tokens"]["rep-rus"])
    assert r.status_code == 200, r.text
    r = c.patch("/api/v1/forces/units/crrf-blr-dab-1", json={"withdrawn": True},
                headers=ctx["tokens"]["rep-blr"])
    assert r.status_code == 200, r.text
    again = _plan(c, ctx, crisis)
    now_h = _h(again["created_at"], datetime.fromisoformat(again["starts_at"]))
    moved = {m["unit"] for m in again["movements"]}
    assert not {u for u in moved if u.startswith(("crrf-kgz-", "crdf-kgz-", "pk-kgz-"))}
    assert not moved & {"crrf-rus-daa-1", "crrf-blr-dab-1"}
    d = defined(c, ctx, crisis, again, alerted=dict.fromkeys(moved - used, now_h))
    d.flown = history(c, ctx, crisis, decided, now_h)
    assert d.flown, "aircraft have flown for the decided plan"
    shown_figures_hold(d, again, crisis)
    why = again["explanations"]
    assert "declined" in why["crrf-kgz-mr-1"]
    assert f"certification expired on {cutoff.isoformat()}" in why["crrf-rus-daa-1"]


def test_a_crisis_no_state_has_answered_for_is_planned_with_the_others(
        db: Database, api: tuple[TestClient, dict[str, Any], int]) -> None:
    """A flood in the Fergana valley states a need no state has yet answered for; the
    demo crisis, with urgent needs added, is planned with it: the plan comes (201), the
    flood's need is named uncovered, and the plan flies again by the definition."""
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import crises

    c, ctx, crisis = api
    h = ctx["tokens"]["planner"]
    flood = crises.open_crisis(db, crises.CrisisIn(
        title="Flooding in the Fergana valley", category="natural_disaster",
        affected=["KGZ"], severity="severe", place="Osh", lat=40.53, lon=72.80),
        actor=Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")).id
    soon = (datetime.now(UTC) + timedelta(hours=10)).isoformat()
    r = c.post(f"/api/v1/crises/{flood}/requirements", headers=h, json={
        "capability": "emergency_rescue", "strength": 100, "place": "Osh", "lat": 40.53,
        "lon": 72.8, "needed_by": soon})
    assert r.status_code == 201, r.text
    for place, lat, lon in (("Osh", 40.53, 72.8), ("Jalal-Abad", 40.93, 73.0),
                            ("Osh", 40.53, 72.8), ("Jalal-Abad", 40.93, 73.0)):
        r = c.post(f"/api/v1/crises/{crisis}/requirements", headers=h, json={
            "capability": "airborne", "strength": 800, "place": place, "lat": lat,
            "lon": lon, "needed_by": soon})
        assert r.status_code == 201, r.text
    p = _plan(c, ctx, crisis)
    assert set(p["crises"]) == {crisis, flood}
    assert [(u["crisis_id"], u["proven"]) for u in p["uncovered"]] == [(flood, True)]
    (decided,) = [x for x in c.get(f"/api/v1/crises/{crisis}/plans", headers=h).json()
                  if x["status"] == "decided"]
    start = datetime.fromisoformat(p["starts_at"])
    told = set({m["unit"] for m in p["movements"]}) - {m["unit"] for m in decided["movements"]}
    d = defined(c, ctx, crisis, p, alerted=dict.fromkeys(told, _h(p["created_at"], start)))
    flood_need = next(u for u in p["uncovered"])
    d.requirements[str(flood_need["requirement"])] = rf.R(
        str(flood_need["requirement"]), str(flood), "emergency_rescue", 100, (40.53, 72.8),
        _h(soon, start))
    broken, figures = rf.refly(d, flown(p), [str(u["requirement"]) for u in p["uncovered"]])
    assert broken == []
    assert p["objective"]["closure"] == pytest.approx(figures.weighted, abs=1e-6)
