"""A national agency corrects a figure it reported: the corrected figure is what every
reader's totals count (a released report's correction stays released, so the
organization's totals never lose the report), the audit trail names the correction with
the figure it replaced, and every version stays readable to those who may see it.
Results are dated no later than the day that has come."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role
from phalanx.services import clock, identity, operation_history, opsdemo
from phalanx.services import operations as ops
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app

KAZ_POLICE = Principal("kaz-police", Role.REPORTER, state="KAZ", agency=Agency.POLICE)
REP_KAZ = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
SEC = Principal("sec", Role.SECRETARIAT)
OSCE = Principal("osce", Role.OBSERVER, observer_of="OSCE")


def row(ref: str, **kw: Any) -> dict[str, Any]:
    return {"reference": ref, "date": "2026-03-10", "stage": "spring-2026",
            "metric": "seizure", "substance": "heroin", "quantity": "120", "unit": "kg",
            "area": "Shymkent", **kw}


def send(db: Database, *rows: dict[str, Any]) -> ops.IngestResult:
    return ops.ingest(db, "channel", "KAZ", "police", list(enumerate(rows, start=2)),
                      actor=KAZ_POLICE)


def heroin(db: Database, actor: Principal) -> tuple[float, int] | None:
    with db.read() as conn:
        s = ops.statistics(conn, "channel", ["substance"], actor=actor)
    return next(((r.quantity, r.reports) for r in s.rows if r.key["substance"] == "heroin"),
                None)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_a_released_report_corrected_counts_its_new_figure_for_every_reader(
        db: Database) -> None:
    send(db, row("KAZ-1"), row("KAZ-2", quantity="30"))
    ops.release(db, "channel", actor=REP_KAZ, to_observers=True)
    assert heroin(db, SEC) == heroin(db, OSCE) == (150.0, 2)
    fixed = send(db, row("KAZ-1", quantity="1,2", unit="t"))  # 120 kg was 1.2 t
    assert (fixed.stored, fixed.replaced) == (1, 1)
    # not lost from the organization's totals, nor counted twice
    for reader in (KAZ_POLICE, SEC, OSCE):
        assert heroin(db, reader) == (1230.0, 2), reader.username
    # a report never released stays national when corrected
    send(db, row("KAZ-3", quantity="5"))
    send(db, row("KAZ-3", quantity="6"))
    assert heroin(db, SEC) == (1230.0, 2)
    assert heroin(db, KAZ_POLICE) == (1236.0, 3)


def test_the_audit_entry_names_each_correction_and_the_figure_it_replaced(
        db: Database) -> None:
    send(db, row("KAZ-1"), row("KAZ-2", quantity="30"))
    again = send(db, row("KAZ-1", quantity="121"), row("KAZ-4", quantity="2"))
    with db.read() as conn:
        change = conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "operations.ingest",
            t.audit_log.c.target_id == str(again.batch_id))).scalar_one()
    change = json.loads(change) if isinstance(change, str) else change
    assert change["replaced"] == 1
    with db.read() as conn:
        versions = operation_history.history(conn, "channel", "KAZ", "police", "KAZ-1",
                                             actor=KAZ_POLICE)
    assert [(v["version"], v["quantity"], v["batch"], v["by"]) for v in versions] == [
        (2, 121.0, again.batch_id, "kaz-police"), (1, 120.0, versions[1]["batch"], "kaz-police")]
    assert versions[0]["at"] >= versions[1]["at"]
    assert change["corrections"] == [{"reference": "KAZ-1", "version": 1, "quantity": 120.0,
                                      "unit": "kg", "new_quantity": 121.0, "new_unit": "kg"}]


@pytest.fixture
def client(loaded_db: Database, settings: Settings) -> Iterator[TestClient]:
    for name, role, state, agency in (("kaz-police", Role.REPORTER, "KAZ", Agency.POLICE),
                                      ("rep-kaz", Role.REPRESENTATIVE, "KAZ", None),
                                      ("rep-rus", Role.REPRESENTATIVE, "RUS", None)):
        identity.add_user(loaded_db, identity.NewUser(name, "a-long-password", role, state,
                                                      agency), actor=SYSTEM)
    with TestClient(create_app(settings, loaded_db)) as c:
        yield c


def bearer(db: Database, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_tokens.issue_token(db, name, actor=SYSTEM).token}"}


def test_every_version_is_read_through_the_api_by_who_may_see_it(
        client: TestClient, loaded_db: Database) -> None:
    reporter, rus = bearer(loaded_db, "kaz-police"), bearer(loaded_db, "rep-rus")
    url = "/api/v1/operations/channel/reports/KAZ/police/KAZ-1"
    for quantity in ("120", "121"):
        r = client.post("/api/v1/operations/channel/reports", headers=reporter, json={
            "state": "KAZ", "agency": "police", "rows": [row("KAZ-1", quantity=quantity)]})
        assert r.status_code == 200, r.text
    versions = client.get(url, headers=reporter).json()
    assert [(v["version"], v["current"], v["quantity"], v["by"], v["marking"])
            for v in versions] == [(2, True, 121.0, "kaz-police", "NATIONAL"),
                                   (1, False, 120.0, "kaz-police", "NATIONAL")]
    assert client.get(url, headers=rus).status_code == 404  # national: not RUS's to see
    assert client.get(url.replace("KAZ-1", "KAZ-9"), headers=reporter).status_code == 404
    assert client.post("/api/v1/operations/channel/release", json={},
                       headers=bearer(loaded_db, "rep-kaz")).json() == {"released": 1}
    assert [v["version"] for v in client.get(url, headers=rus).json()] == [2]


def test_a_result_dated_after_tomorrow_is_refused_in_its_row(db: Database) -> None:
    with clock.use(datetime(2026, 3, 12, 22, tzinfo=UTC)):
        r = send(db, row("KAZ-1", date="2026-03-13"), row("KAZ-2", date="14.03.2026"))
    assert [(e.row, e.column, e.message) for e in r.errors] == [
        (3, "date", "2026-03-14 has not come yet")]
    assert r.stored == 0


def test_the_demo_dates_no_report_after_today() -> None:
    import random

    stage = {"key": "autumn-2026", "start": "2026-09-01", "end": "2026-12-15"}
    days = [date.fromisoformat(r["date"]) for _, r in opsdemo.rows_for(
        random.Random(1), "TJK", stage, 200, today=date(2026, 9, 10))]
    assert len(days) == 200 and max(days) <= date(2026, 9, 10)
    assert list(opsdemo.rows_for(random.Random(1), "TJK", stage, 5,
                                 today=date(2026, 8, 31))) == []


def test_a_report_sent_again_as_it_stands_is_no_correction(db: Database) -> None:
    """A file sent twice (a retry, a monthly file re-sent whole) makes no new versions:
    its unchanged reports keep their version and their release, the batch and its audit
    entry count them as unchanged, and only a figure that differs is a correction."""
    first = [row("KAZ-1", route_from="Афганистан", route_to="TJK"),
             row("KAZ-2", quantity="30", area="", lat=42.3, lon=69.6)]
    assert send(db, *first).stored == 2
    ops.release(db, "channel", actor=REP_KAZ)
    again = send(db, *first)
    assert (again.stored, again.replaced, again.unchanged) == (0, 0, 2)
    assert again.as_dict()["unchanged"] == 2
    # the same reports written otherwise still say the same ("AFG" for "Афганистан")
    otherwise = send(db, row("KAZ-1", route_from="AFG", route_to="Tajikistan"),
                     row("KAZ-2", quantity="31", area="", lat=42.3, lon=69.6))
    assert (otherwise.stored, otherwise.replaced, otherwise.unchanged) == (1, 1, 1)
    with db.read() as conn:
        kept = operation_history.history(conn, "channel", "KAZ", "police", "KAZ-1",
                                         actor=KAZ_POLICE)
        changes = [json.loads(c) for c in conn.execute(select(t.audit_log.c.change).where(
            t.audit_log.c.action == "operations.ingest").order_by(t.audit_log.c.id))
            .scalars()]
    assert [(v["version"], v["marking"]) for v in kept] == [(1, "ORGANIZATION")]
    assert [(c["stored"], c["replaced"], c.get("unchanged")) for c in changes[-3:]] == [
        (2, 0, None), (0, 0, 2), (1, 1, 1)]
    assert heroin(db, SEC) == (151.0, 2)
