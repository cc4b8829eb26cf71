"""An airfield that takes only so many aircraft on the ground at once (the dataset's
`apron`: Osh takes 3), as the crisis room and the API say it beside each requirement."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.integration.test_forces import api, db_recipe, demo_crisis, org_db  # noqa: F401


def test_a_requirement_at_the_airfield_itself_says_its_places(
        api: tuple[TestClient, dict[str, dict[str, str]]],  # noqa: F811
        demo_crisis: int) -> None:  # noqa: F811
    """A place given by its coordinates about 1 km from Osh's runway: aircraft land there,
    at Osh, and wait for a place as anywhere aircraft land at Osh; the room says so in
    Russian, and the API names the airfield."""
    c, tok = api
    soon = (datetime.now(UTC) + timedelta(hours=12)).isoformat()
    r = c.post(f"/api/v1/crises/{demo_crisis}/requirements", headers=tok["planner"],
               json={"capability": "airborne", "strength": 300, "place": "Osh airport",
                     "lat": 40.60, "lon": 72.80, "needed_by": soon})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    assert r.json()["lands"] is None and r.json()["apron"] == "osh"
    page = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"]).text
    assert re.search(rf'data-apron="{rid}">Ош принимает на стоянку не более 3 самолётов '
                     r"одновременно: посадки ждут свободного места", page)
    # a place far from any limited airfield says nothing of it
    r = c.post(f"/api/v1/crises/{demo_crisis}/requirements", headers=tok["planner"],
               json={"capability": "airborne", "strength": 300, "place": "Bishkek",
                     "lat": 42.87, "lon": 74.59, "needed_by": soon})
    assert r.status_code == 201, r.text
    assert r.json()["apron"] is None
    page = c.get(f"/crises/{demo_crisis}?lang=ru", headers=tok["planner"]).text
    assert f'data-apron="{r.json()["id"]}"' not in page
