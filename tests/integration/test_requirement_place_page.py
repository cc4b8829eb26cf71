"""A force requirement's place typed on the crisis room's form: a place of the dataset
(by its name in either language) or the crisis's own place; any other name is refused,
saying so and what to choose (the field by its form's label, in the page's language),
instead of being planned at the crisis's coordinates."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises, forces
from phalanx.services.db import Database
from tests.integration.test_force_task_pages import _client, _post
from tests.integration.test_force_tasks import response


def _token(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found is not None
    return found.group(1)


def test_a_place_the_dataset_does_not_know_is_refused(accounts_db: Database,
                                                      settings: Settings) -> None:
    cid = response(accounts_db)
    page = f"/crises/{cid}"
    with accounts_db.read() as conn:
        own = crises.get(conn, cid, actor=SYSTEM).place
    with _client(settings, accounts_db, "planner", "demo-planner-pass") as planner:
        form = {"capability": "motorized_rifle", "strength": 100, "hours": 24}
        for lang, said in (("en", "Place: &#39;Nowhereville&#39; is not a place the dataset "
                                  f"knows: choose one of the list, or the crisis&#39;s place "
                                  f"({own})"),
                           ("ru", "Место: «Nowhereville» нет среди мест набора данных: "
                                  f"выберите место из списка или место кризиса ({own})")):
            r = planner.post(f"/crises/{cid}/requirements?lang={lang}", data={
                "csrf_token": _token(planner, page), "place": "Nowhereville", **form},
                headers={"accept": "text/html", "accept-language": lang},
                follow_redirects=False)
            assert r.status_code == 422, r.text
            assert said in r.text, r.text
        with accounts_db.read() as conn:
            assert forces.requirements(conn, cid, actor=SYSTEM) == []  # nothing written
        # a place of the dataset by its Russian name, and the crisis's own place, are taken
        _post(planner, page, f"/crises/{cid}/requirements", {"place": "Ош", **form})
        _post(planner, page, f"/crises/{cid}/requirements", {"place": own, **form})
    with accounts_db.read() as conn:
        got = forces.requirements(conn, cid, actor=SYSTEM)
    assert [(r.place, r.node) for r in got] == [("Ош", "osh"), (own, "almaty")]
