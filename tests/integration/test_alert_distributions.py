"""EDXL-DE 1.0 distributions uploaded (`phalanx cap import`, `POST /api/v1/alerts`) as
feeds take them: every embedded alert received in one transaction, or none when one is
refused; the refusal names the contentObject, the element and the line in the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM
from phalanx.services.db import Database
from tests.conftest import shared_file
from tests.integration.test_api_alerts import api  # noqa: F401 (fixture)
from tests.integration.test_cli import app, cli_db, runner  # noqa: F401 (fixture)

FOLDER = ("fixtures", "cap", "google-cap-library")
XML = {"content-type": "application/xml"}


def stored(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.cap_alert)).scalar_one()


def test_the_api_takes_a_distribution_all_or_nothing(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:  # noqa: F811
    c, auth = api
    invalid = shared_file(*FOLDER, "bushfire_invalid.edxlde").read_bytes()
    r = c.post("/api/v1/alerts", params={"affected": "KAZ", "watch": "true"},
               content=invalid, headers={**auth, **XML})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    wheres = {(e["where"], e["line"]) for e in r.json()["errors"]}
    assert ("/EDXLDistribution/contentObject[2]/alert/identifier", 94) in wheres, wheres
    assert stored(loaded_db) == 0  # the six readable alerts were not taken either
    valid = shared_file(*FOLDER, "bushfire_valid.edxlde").read_bytes()
    r = c.post("/api/v1/alerts", params={"affected": "KAZ", "watch": "true"},
               content=valid, headers={**auth, **XML})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["distribution"] is True and body["warnings"] == []
    assert len(body["received"]) == 7 and stored(loaded_db) == 7
    assert body["received"][0]["alert"]["identifier"].endswith(":40500")
    assert {x["duplicate"] for x in body["received"]} == {False}
    with loaded_db.read() as conn:
        audited = conn.execute(select(t.audit_log.c.action)).scalars().all()
    assert audited.count("cap.receive") == 7 and audited.count("cap.distribution") == 7
    r = c.post("/api/v1/alerts", params={"affected": "KAZ", "watch": "true"},
               content=valid, headers={**auth, **XML})
    assert r.status_code == 201 and {x["duplicate"] for x in r.json()["received"]} == {True}
    assert stored(loaded_db) == 7


def test_the_cli_imports_a_distribution_or_refuses_it_whole(
        cli_db: str, tmp_path: Path) -> None:  # noqa: F811
    runner.invoke(app, ["load", "--builtin", "csto"])
    invalid = shared_file(*FOLDER, "bushfire_invalid.edxlde")
    r = runner.invoke(app, ["cap", "import", str(invalid), "--affected", "KAZ", "--watch",
                            "--json"])
    assert r.exit_code == 1, r.output
    body = json.loads(r.stdout)
    assert body["stored"] is False and body["file"] == str(invalid)
    assert any(e["where"] == "/EDXLDistribution/contentObject[2]/alert/identifier"
               and e["line"] == 94 for e in body["errors"]), body["errors"]
    valid = shared_file(*FOLDER, "bushfire_valid.edxlde")
    r = runner.invoke(app, ["cap", "import", str(valid), "--affected", "KAZ", "--watch"])
    assert r.exit_code == 0, r.output
    assert "7 alert(s) received" in r.stdout and r.stdout.count("watch entry") >= 1
    r = runner.invoke(app, ["cap", "import", str(valid), "--affected", "KAZ", "--json"])
    assert r.exit_code == 0 and len(json.loads(r.stdout)["received"]) == 7
    assert {x["duplicate"] for x in json.loads(r.stdout)["received"]} == {True}


def test_an_alert_taken_elsewhere_meanwhile_is_a_duplicate_of_the_distribution(
        loaded_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process stores one of the envelope's alerts between the check for it and
    the insert: the unique index refuses the insert, nothing of the envelope is written,
    and the envelope is taken again with that alert as a duplicate."""
    from phalanx.adapters.cap import parse as cap
    from phalanx.services import alerts, distributions

    valid = shared_file(*FOLDER, "bushfire_valid.edxlde").read_bytes()
    found, _skips = distributions.embedded(cap.safe_root(valid))
    route = alerts.Route(affected=("KAZ",))
    alerts.receive(loaded_db, found[0].data, route, actor=SYSTEM)  # "elsewhere"
    assert stored(loaded_db) == 1
    real_existing, real_take, unseen = alerts.existing, alerts.take, [True]

    def existing(conn: object, alert: object) -> int | None:
        # the first attempt checks before the other process has written
        return None if unseen[0] else real_existing(conn, alert)  # type: ignore[arg-type]

    def take(*a: object, **k: object) -> int:
        try:
            return real_take(*a, **k)  # type: ignore[arg-type]
        except Exception:
            unseen[0] = False
            raise

    monkeypatch.setattr(alerts, "existing", existing)
    monkeypatch.setattr(alerts, "take", take)
    out = distributions.receive(loaded_db, valid, route, actor=SYSTEM)
    assert isinstance(out, distributions.DistributionOut)
    assert not unseen[0]  # the first attempt was refused by the unique index
    assert [x.duplicate for x in out.received] == [True] + [False] * 6
    assert stored(loaded_db) == 7


# --- the crisis API: every embedded alert opens or changes a crisis, or none is taken ---


def crises_open(db: Database) -> int:
    with db.read() as conn:
        return conn.execute(select(func.count()).select_from(t.crisis)).scalar_one()


def test_the_crisis_api_takes_a_distribution_each_alert_opening_its_crisis(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:  # noqa: F811
    c, auth = api
    invalid = shared_file(*FOLDER, "bushfire_invalid.edxlde").read_bytes()
    r = c.post("/api/v1/crises/cap", params={"affected": "KAZ"}, content=invalid,
               headers={**auth, **XML})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    wheres = {(e["where"], e["line"]) for e in r.json()["errors"]}
    assert ("/EDXLDistribution/contentObject[2]/alert/identifier", 94) in wheres, wheres
    assert stored(loaded_db) == 0 and crises_open(loaded_db) == 0
    valid = shared_file(*FOLDER, "bushfire_valid.edxlde").read_bytes()
    r = c.post("/api/v1/crises/cap", params={"affected": "KAZ"}, content=valid,
               headers={**auth, **XML})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["distribution"] is True and body["warnings"] == []
    received = body["received"]
    assert [x["alert"]["identifier"].rsplit(":", 1)[1] for x in received] == [
        "40500", "40444", "40394", "40428", "40484", "40487", "40435"]  # the envelope's order
    assert {x["duplicate"] for x in received} == {False}
    assert {x["alert"]["action"] for x in received} == {"opened-crisis"}
    ids = [x["crisis"]["id"] for x in received]
    assert len(set(ids)) == 7 and crises_open(loaded_db) == 7
    assert {x["crisis"]["category"] for x in received} == {"man_made_emergency"}  # Fire
    assert sorted(x["id"] for x in c.get("/api/v1/crises", headers=auth).json()) == \
        sorted(ids)
    assert received[0]["crisis"]["place"] == "One Tree MVA (Unmapped Incident)"
    with loaded_db.read() as conn:
        audited = conn.execute(select(t.audit_log.c.action)).scalars().all()
    assert audited.count("crisis.open") == 7 and audited.count("cap.distribution") == 7
    # sent again: each alert a duplicate answering with the crisis it opened
    r = c.post("/api/v1/crises/cap", params={"affected": "KAZ"}, content=valid,
               headers={**auth, **XML})
    assert r.status_code == 201, r.text
    again = r.json()["received"]
    assert {x["duplicate"] for x in again} == {True}
    assert [x["crisis"]["id"] for x in again] == ids
    assert stored(loaded_db) == 7 and crises_open(loaded_db) == 7


def test_one_alert_that_opens_no_crisis_refuses_the_whole_distribution(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:  # noqa: F811
    """A Test message inside the envelope (the real one, its third alert's status
    changed) would open no crisis: the crisis API refuses the envelope, naming that
    contentObject, and stores none of the seven."""
    c, auth = api
    valid = shared_file(*FOLDER, "bushfire_valid.edxlde").read_bytes()
    statuses = [m.start() for m in re.finditer(rb"<cap:status>Actual</cap:status>", valid)]
    assert len(statuses) == 7
    at = statuses[2]
    with_test = valid[:at] + b"<cap:status>Test</cap:status>" + \
        valid[at + len(b"<cap:status>Actual</cap:status>"):]
    r = c.post("/api/v1/crises/cap", params={"affected": "KAZ"}, content=with_test,
               headers={**auth, **XML})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["errors"][0]["where"] == "/EDXLDistribution/contentObject[3]/alert"
    assert "opens no crisis" in problem["detail"]
    assert stored(loaded_db) == 0 and crises_open(loaded_db) == 0
    # the general intake takes the same envelope: the Test message stored, opening nothing
    r = c.post("/api/v1/alerts", params={"affected": "KAZ"}, content=with_test,
               headers={**auth, **XML})
    assert r.status_code == 201, r.text
    assert [x["crisis"] is None for x in r.json()["received"]] == [False] * 2 + [True] + \
        [False] * 4


def test_a_distribution_received_as_watch_entries_opens_no_crisis_through_the_crisis_api(
        api: tuple[TestClient, dict[str, str]], loaded_db: Database) -> None:  # noqa: F811
    """The alerts were received before, each opening a watch entry: sent again to the
    crisis API they are duplicates that opened no crisis, and the envelope is refused as
    one such alert sent alone is."""
    c, auth = api
    valid = shared_file(*FOLDER, "bushfire_valid.edxlde").read_bytes()
    r = c.post("/api/v1/alerts", params={"affected": "KAZ", "watch": "true"},
               content=valid, headers={**auth, **XML})
    assert r.status_code == 201 and stored(loaded_db) == 7
    r = c.post("/api/v1/crises/cap", params={"affected": "KAZ"}, content=valid,
               headers={**auth, **XML})
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["where"] == "/EDXLDistribution/contentObject[1]/alert"
    assert "already received; it opened no crisis" in problem["detail"]
    assert stored(loaded_db) == 7 and crises_open(loaded_db) == 0


def test_the_crisis_api_says_it_takes_distributions(
        api: tuple[TestClient, dict[str, str]]) -> None:  # noqa: F811
    c, _ = api
    op = c.get("/api/v1/openapi.json").json()["paths"]["/api/v1/crises/cap"]["post"]
    assert "EDXL-DE" in op["description"] and "/api/v1/alerts" in op["description"]
    created = op["responses"]["201"]["content"]["application/json"]["schema"]
    refs = {s.get("$ref", "").rsplit("/", 1)[-1] for s in created.get("anyOf", [])}
    assert {"CrisisOut", "DistributionOut"} <= refs, created
