"""The year-round registers on SQLite and PostgreSQL: filled from the dataset, their
rules enforced with clear errors naming the field, every change audited, and each
reader seeing exactly what the markings allow (a bilateral supply only by its parties
and the staff: in the list, the count, the totals, the overview and the annual report)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.services.errors import Forbidden, Invalid, NotFound
from phalanx.services.registers import exercises as ex
from phalanx.services.registers import overview as ov
from phalanx.services.registers import parliament as pa
from phalanx.services.registers import supply as mtc
from phalanx.services.registers import training as tr
from phalanx.web.app import create_app

SEC = Principal("sec", Role.SECRETARIAT)
OBS = Principal("osce", Role.OBSERVER, observer_of="OSCE")


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def audit_count(db: Database, action: str) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.audit_log)
                                .where(t.audit_log.c.action == action)).scalar_one())


def test_the_dataset_fills_every_register_once(org_db: Database) -> None:
    with org_db.read() as conn:
        laws = pa.list_laws(conn, actor=SEC)
        assert len(laws) == 5 and sum(1 for x in laws if x.adopted) == 4
        assert len(mtc.list_supplies(conn, actor=SEC)) == 5
        assert {q.offered for q in tr.list_quotas(conn, actor=SEC, year=2024)} == {1000, 100}
        keys = {e.key for e in ex.calendar(conn, actor=SEC)}
        assert {"frontier-2014", "interaction-2014", "brotherhood-2014",
                "atom-antiterror-2006", "aftermath-2007"} <= keys
    # a second load of a changed file adds nothing twice and keeps what was recorded
    pa.set_transposition(org_db, "ml-countering-terrorism", "UZB", pa.TranspositionIn(
        status="in_progress", on="2020-01-01"), actor=rep("UZB"))
    with org_db.write(SYSTEM) as w:  # force a reload of the same content
        w.conn.execute(t.organization.update().values(dataset_sha256="0" * 64))
        w.audit("test.reset", "organization", "csto")
    orgs.load_dataset(org_db, loader.builtin_path(), actor=SYSTEM)
    with org_db.read() as conn:
        assert len(mtc.list_supplies(conn, actor=SEC)) == 5
        law = pa.get_law(conn, "ml-countering-terrorism", actor=SEC)
        assert {x.state: x.status.value for x in law.transposition}["UZB"] == "in_progress"


def test_a_bilateral_supply_is_seen_by_its_parties_and_the_staff_only(org_db: Database
                                                                      ) -> None:
    with org_db.read() as conn:
        def keys(p: Principal) -> set[str]:
            return {s.key for s in mtc.list_supplies(conn, actor=p)}

        assert "sup-rus-kgz-2023-1" in keys(rep("KGZ")) and "sup-rus-kgz-2023-1" in keys(
            rep("RUS"))
        assert "sup-rus-kgz-2023-1" not in keys(rep("BLR"))
        assert keys(rep("BLR")) == {"sup-blr-kaz-2025-1"}
        assert keys(OBS) == set()
        assert len(keys(SEC)) == 5 == mtc.count_supplies(conn, actor=SEC)
        assert mtc.count_supplies(conn, actor=rep("BLR")) == 1
        with pytest.raises(NotFound):
            mtc.get_supply(conn, "sup-rus-kgz-2023-1", actor=rep("BLR"))
        blr = mtc.totals(conn, actor=rep("BLR"))
        assert [(y.year, y.agreed_value) for y in blr.years] == [(2025, 6.0)]
        assert ov.overview(conn, actor=rep("BLR")).mtc["agreed_value"] == 6.0
        assert ov.overview(conn, actor=SEC).mtc["agreed_value"] == 101.5
        assert ov.overview(conn, actor=OBS).mtc["supplies"] == 0


def test_a_supply_in_another_currency_is_totalled_apart(org_db: Database) -> None:
    """The register's totals are in its currency (the file's, USD here); a supply agreed
    in roubles is listed in roubles and never added to the dollars."""
    with org_db.read() as conn:
        before = mtc.totals(conn, actor=SEC)
        dollars = ov.overview(conn, actor=SEC).mtc["agreed_value"]
    made = mtc.create_supply(org_db, mtc.SupplyIn(
        supplier="RUS", recipient="KAZ", category="aviation", item="transport helicopters",
        quantity=2, value=900.0, currency="RUB", agreed=date(2025, 5, 5)), actor=SEC)
    plain = mtc.create_supply(org_db, mtc.SupplyIn(
        supplier="RUS", recipient="KAZ", category="aviation", item="trainer aircraft",
        quantity=1, value=2.0, agreed=date(2025, 5, 6)), actor=SEC)
    assert (made.currency, plain.currency) == ("RUB", "USD")  # none given: the register's
    with org_db.read() as conn:
        after = mtc.totals(conn, actor=SEC)
        o = ov.overview(conn, actor=SEC).mtc
    assert after.currency == "USD" and after.other_currencies == {"RUB": 900.0}
    y2025 = {y.year: y.agreed_value for y in after.years}[2025]
    assert y2025 == {y.year: y.agreed_value for y in before.years}[2025] + 2.0
    assert after.by_category.get("aviation", 0) == before.by_category.get("aviation", 0) + 2
    assert (o["agreed_value"], o["other_currencies"]) == (dollars + 2.0, {"RUB": 900.0})


def test_observers_see_only_the_public_records(org_db: Database) -> None:
    with org_db.read() as conn:
        assert len(pa.list_laws(conn, actor=OBS)) == 5  # model laws are public
        assert tr.list_quotas(conn, actor=OBS) == []  # quotas: the organization's
        cal = ex.calendar(conn, actor=OBS)
        assert "frontier-2026" not in {e.key for e in cal}  # marked ORGANIZATION
        assert all(e.findings == [] for e in cal)  # findings are the organization's
        assert "frontier-2026" in {e.key for e in ex.calendar(conn, actor=rep("ARM"))}
        assert mtc.programmes(conn, actor=OBS) == []


def test_delivery_rules_and_who_records_them(org_db: Database) -> None:
    key = "sup-rus-kaz-2026-1"  # 4 helicopters, none delivered
    with pytest.raises(Invalid) as exc:
        mtc.add_delivery(org_db, key, mtc.DeliveryIn(quantity=5, value=1, on="2026-05-01"),
                         actor=SEC)
    assert exc.value.where == "quantity"
    with pytest.raises(Invalid) as exc:
        mtc.add_delivery(org_db, key, mtc.DeliveryIn(quantity=1, value=1, on="2026-01-01"),
                         actor=SEC)
    assert exc.value.where == "delivered"
    with pytest.raises(NotFound):  # not a party: the supply does not exist for it
        mtc.add_delivery(org_db, key, mtc.DeliveryIn(quantity=1, value=1, on="2026-05-01"),
                         actor=rep("ARM"))
    out = mtc.add_delivery(org_db, key, mtc.DeliveryIn(quantity=2, value=24, on="2026-05-01"),
                           actor=rep("RUS"))
    assert (out.delivered_quantity, out.delivered_value) == (2, 24.0)
    assert audit_count(org_db, "mtc.delivery") == 1
    with pytest.raises(Forbidden):
        mtc.create_supply(org_db, mtc.SupplyIn(supplier="RUS", recipient="KGZ",
                                               category="small_arms", item="rifles",
                                               quantity=1, value=0, agreed="2026-01-01"),
                          actor=rep("ARM"))
    with pytest.raises(Invalid) as exc:
        mtc.create_supply(org_db, mtc.SupplyIn(supplier="RUS", recipient="SRB",
                                               category="small_arms", item="rifles",
                                               quantity=1, value=0, agreed="2026-01-01"),
                          actor=SEC)
    assert exc.value.where == "recipient"


def test_transposition_is_recorded_by_the_state_or_the_secretariat(org_db: Database) -> None:
    key = "ml-border-security"
    with pytest.raises(Forbidden):
        pa.set_transposition(org_db, key, "ARM", pa.TranspositionIn(
            status="in_progress", on="2020-01-01"), actor=rep("KAZ"))
    law = pa.set_transposition(org_db, key, "ARM", pa.TranspositionIn(
        status="in_progress", on="2020-01-01"), actor=rep("ARM"))
    assert {x.state: x.status.value for x in law.transposition}["ARM"] == "in_progress"
    with pytest.raises(Invalid) as exc:
        pa.set_transposition(org_db, key, "ARM", pa.TranspositionIn(
            status="adopted", on="2021-01-01"), actor=rep("ARM"))
    assert exc.value.where == "reference"
    law = pa.set_transposition(org_db, key, "ARM", pa.TranspositionIn(
        status="adopted", on="2021-01-01", reference="Law HO-12"), actor=SEC)
    assert law.progress == pytest.approx(2 / 7)
    with pytest.raises(Invalid):  # adopted is final
        pa.set_transposition(org_db, key, "ARM", pa.TranspositionIn(
            status="declined", on="2022-01-01"), actor=SEC)
    with pytest.raises(Invalid) as exc:  # a draft is not transposed
        pa.set_transposition(org_db, "ml-peacekeeping", "ARM", pa.TranspositionIn(
            status="in_progress", on="2026-06-01"), actor=rep("ARM"))
    assert exc.value.where == "status"
    assert audit_count(org_db, "parliament.transposition") == 2
    with org_db.read() as conn:
        m = pa.matrix(conn, actor=OBS)
        row = next(r for r in m.laws if r["key"] == key)
        assert row["cells"]["ARM"] == "adopted"
        assert m.progress[-1]["adopted"] == 8


def test_quota_arithmetic_is_enforced(org_db: Database) -> None:
    with org_db.read() as conn:
        q = next(x for x in tr.list_quotas(conn, actor=SEC, year=2026)
                 if x.institution == "rus-military")
    assert q.allocated == 665  # Armenia, not taking part since 2024, has no allocation
    with pytest.raises(Invalid) as exc:  # 665 + 336 = 1001 > 1000
        tr.allocate(org_db, q.id, "ARM", tr.AllocationIn(allocated=336), actor=SEC)
    assert exc.value.where == "allocated"
    with pytest.raises(Invalid) as exc:
        tr.allocate(org_db, q.id, "BLR", tr.AllocationIn(allocated=10, enrolled=11),
                    actor=rep("RUS"))
    assert exc.value.where == "enrolled"
    with pytest.raises(Forbidden):  # the host records its quotas
        tr.allocate(org_db, q.id, "BLR", tr.AllocationIn(allocated=10), actor=rep("BLR"))
    out = tr.allocate(org_db, q.id, "BLR", tr.AllocationIn(allocated=100, enrolled=90),
                      actor=rep("RUS"))
    assert (out.allocated, out.enrolled) == (765, 90)
    with pytest.raises(Invalid) as exc:  # the seeds' limit: 1,000 military places
        tr.offer(org_db, tr.OfferIn(year=2027, institution="rus-military", offered=1001),
                 actor=SEC)
    assert exc.value.where == "offered"
    with pytest.raises(Invalid) as exc:
        tr.offer(org_db, tr.OfferIn(year=2027, institution="nowhere", offered=1), actor=SEC)
    assert exc.value.where == "institution"
    with pytest.raises(Invalid) as exc:  # below what is already allocated
        tr.offer(org_db, tr.OfferIn(year=2026, institution="rus-military", offered=700),
                 actor=rep("RUS"))
    assert exc.value.where == "allocated"
    assert audit_count(org_db, "training.allocate") == 1


def test_participants_are_committed_by_their_own_state_and_findings_tracked(
        org_db: Database) -> None:
    p = ex.ParticipantIn(state="ARM", formation="CRRF battalion", strength=300)
    with pytest.raises(Forbidden):
        ex.add_participant(org_db, "frontier-2026", p, actor=SEC)
    out = ex.add_participant(org_db, "frontier-2026", p, actor=rep("ARM"))
    assert "ARM" in {x.state for x in out.participants}
    # units come from the forces registry: an unknown key is refused
    assert (ex.registry_units(_org(org_db)) or {}).get("crdf-arm-1") == "ARM"
    with pytest.raises(Invalid):
        ex.add_participant(org_db, "frontier-2026", ex.ParticipantIn(
            state="ARM", formation="air-assault company", strength=120, unit="crdf-arm-9"),
            actor=rep("ARM"))
    out = ex.add_participant(org_db, "frontier-2026", ex.ParticipantIn(
        state="ARM", formation="CRDF CAR", strength=120, unit="crdf-arm-1"),
        actor=rep("ARM"))
    assert "crdf-arm-1" in {x.unit for x in out.participants}
    with pytest.raises(Invalid) as exc:  # an observer state is not a member
        ex.add_participant(org_db, "frontier-2026", ex.ParticipantIn(
            state="SRB", formation="x", strength=1), actor=rep("SRB"))
    assert exc.value.where == "state"
    f = ex.add_finding(org_db, "frontier-2026", ex.FindingIn(
        title="Radio nets incompatible", assignee="KAZ", due="2027-02-01"), actor=SEC)
    with pytest.raises(Forbidden):
        ex.update_finding(org_db, f.id, ex.FindingUpdate(status="done"), actor=rep("TJK"))
    done = ex.update_finding(org_db, f.id, ex.FindingUpdate(status="done",
                                                            completed="2026-12-01"),
                             actor=rep("KAZ"))
    assert done.status.value == "done"
    with pytest.raises(Invalid) as exc:
        ex.update_finding(org_db, f.id, ex.FindingUpdate(status="done",
                                                         completed="2020-01-01"), actor=SEC)
    assert exc.value.where == "completed"
    with org_db.read() as conn:
        assert f.id not in {x.id for x in ex.findings(conn, actor=SEC, open_only=True)}
    assert audit_count(org_db, "exercise.finding.update") == 1
    # reopened: the trail keeps what each update replaced
    ex.update_finding(org_db, f.id, ex.FindingUpdate(status="open", note="Not fixed."),
                      actor=SEC)
    with org_db.read() as conn:
        changes = [json.loads(c) for (c,) in conn.exec_driver_sql(
            "SELECT change FROM audit_log WHERE action = 'exercise.finding.update' "
            "ORDER BY id")]
    assert [c["before"] for c in changes] == [
        {"status": "open", "completed": None, "note": ""},
        {"status": "done", "completed": "2026-12-01", "note": ""}]


def _org(db: Database) -> Any:
    with db.read() as conn:
        return orgs.organization(conn)


# --- through the API ---------------------------------------------------------------------


@pytest.fixture
def api(org_db: Database, settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict]]]:
    users = {"sec": (Role.SECRETARIAT, None), "rep-kgz": (Role.REPRESENTATIVE, "KGZ"),
             "rep-blr": (Role.REPRESENTATIVE, "BLR"), "osce": (Role.OBSERVER, None)}
    headers = {}
    for name, (role, state) in users.items():
        identity.add_user(org_db, identity.NewUser(
            name, "long-password-1", role, state,
            observer_of="OSCE" if role is Role.OBSERVER else None), actor=SYSTEM)
        token = api_tokens.issue_token(org_db, name, actor=SYSTEM).token
        headers[name] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, org_db)) as c:
        yield c, headers


def pdf_text(data: bytes) -> str:
    """The PDF's text, with table cells and wrapped lines joined by single spaces."""
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any space: keys wrapped inside narrow table cells are whole again."""
    return "".join(text.split())


def test_the_api_hides_a_bilateral_supply_from_a_third_state(api: tuple[TestClient, dict]
                                                             ) -> None:
    c, h = api
    kgz = c.get("/api/v1/mtc/supplies", headers=h["rep-kgz"]).json()
    assert [s["key"] for s in kgz] == ["sup-rus-kgz-2023-1"]
    assert c.get("/api/v1/mtc/supplies", headers=h["rep-blr"]).json()[0]["key"] == \
        "sup-blr-kaz-2025-1"
    assert c.get("/api/v1/mtc/supplies/count", headers=h["rep-blr"]).json() == {"count": 1}
    assert c.get("/api/v1/mtc/supplies/count", headers=h["sec"]).json() == {"count": 5}
    assert c.get("/api/v1/mtc/supplies/count", headers=h["osce"]).json() == {"count": 0}
    r = c.get("/api/v1/mtc/supplies/sup-rus-kgz-2023-1", headers=h["rep-blr"])
    assert r.status_code == 404
    assert c.get("/api/v1/secretariat/overview", headers=h["rep-blr"]).json()["mtc"][
        "agreed_value"] == 6.0
    blr = pdf_text(c.get("/api/v1/secretariat/annual-report/2024.pdf",
                         headers=h["rep-blr"]).content)
    kgz_pdf = pdf_text(c.get("/api/v1/secretariat/annual-report/2024.pdf",
                             headers=h["rep-kgz"]).content)
    sec = pdf_text(c.get("/api/v1/secretariat/annual-report/2024.pdf",
                         headers=h["sec"]).content)
    for text in (blr, kgz_pdf, sec):
        assert "annual report 2024" in text and "Training quotas 2024" in text
        assert "Decisions adopted in 2024" in text and "Crises of 2024" in text
    assert "sup-rus-kgz-2023-1" in squeezed(kgz_pdf)
    assert "sup-rus-tjk-2024-2" not in squeezed(kgz_pdf)
    assert {"sup-rus-kgz-2023-1", "sup-rus-tjk-2024-2"} <= set(
        k for k in ("sup-rus-kgz-2023-1", "sup-rus-tjk-2024-2") if k in squeezed(sec))
    flat = squeezed(blr)
    assert "sup-rus-kgz" not in flat and "sup-rus-tjk" not in flat
    assert "armouredpersonnelcarriers" not in flat and "Suppliesagreedin2024:0" in flat
    obs = pdf_text(c.get("/api/v1/secretariat/annual-report/2024.pdf",
                         headers=h["osce"]).content)
    assert "Training quotas 2024" in obs and "rus-military" not in obs  # quotas: not public


def test_bad_input_names_the_field(api: tuple[TestClient, dict]) -> None:
    c, h = api
    r = c.post("/api/v1/mtc/supplies", headers=h["sec"], json={
        "supplier": "RUS", "recipient": "KGZ", "category": "small_arms", "item": "x",
        "quantity": -1, "value": 1, "agreed": "2026-01-01"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["where"] == "body.quantity"
    r = c.post("/api/v1/mtc/supplies", headers=h["sec"], json={
        "supplier": "RUS", "recipient": "KGZ", "category": "small_arms", "item": "x",
        "quantity": 1, "value": 1, "agreed": "2026-02-30"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "body.agreed"
    r = c.post("/api/v1/training/quotas", headers=h["sec"], json={
        "year": 2027, "institution": "nowhere", "offered": 10})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "institution"
    assert "unknown institution" in r.json()["detail"]
    r = c.put("/api/v1/parliament/model-laws/ml-unknown/transposition/KGZ",
              headers=h["rep-kgz"], json={"status": "in_progress", "on": "2026-01-01"})
    assert r.status_code == 404
    r = c.put("/api/v1/parliament/model-laws/ml-border-security/transposition/BLR",
              headers=h["rep-kgz"], json={"status": "in_progress", "on": "2026-01-01"})
    assert r.status_code == 403
    r = c.put("/api/v1/parliament/model-laws/ml-border-security/transposition/KGZ",
              headers=h["rep-kgz"], json={"status": "declined", "on": "2026-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "status"
    r = c.post("/api/v1/joint-exercises", headers=h["sec"], json={
        "name": "Frontier-2027", "series": "frontier", "start": "2027-09-20",
        "end": "2027-09-10", "host": "KGZ"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "end"
    r = c.post("/api/v1/joint-exercises", headers=h["rep-kgz"], json={
        "name": "Frontier-2027", "series": "frontier", "start": "2027-09-10",
        "end": "2027-09-20", "host": "KGZ"})
    assert r.status_code == 403
    r = c.post("/api/v1/mtc/supplies", headers=h["osce"], json={})
    assert r.status_code in (403, 422)


def test_writes_through_the_api_are_audited(api: tuple[TestClient, dict],
                                            org_db: Database) -> None:
    c, h = api
    r = c.post("/api/v1/mtc/supplies", headers=h["rep-kgz"], json={
        "supplier": "RUS", "recipient": "KGZ", "category": "small_arms", "item": "rifles",
        "quantity": 100, "value": 0.5, "agreed": "2026-10-01"})
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    assert c.get(f"/api/v1/mtc/supplies/{key}", headers=h["rep-blr"]).status_code == 404
    r = c.post(f"/api/v1/mtc/supplies/{key}/deliveries", headers=h["rep-kgz"], json={
        "quantity": 100, "value": 0.5, "on": "2026-11-01"})
    assert r.status_code == 201 and r.json()["delivered_quantity"] == 100
    r = c.post("/api/v1/joint-exercises", headers=h["sec"], json={
        "name": "Frontier-2027", "series": "frontier", "start": "2027-09-10",
        "end": "2027-09-20", "host": "KGZ", "scenario": "frontier"})
    assert r.status_code == 201
    r = c.post("/api/v1/external/events", headers=h["sec"], json={
        "partner": "un", "kind": "statement", "on": "2026-09-20", "title": "Statement",
        "by": "cmfa"})
    assert r.status_code == 201
    r = c.post("/api/v1/external/events", headers=h["sec"], json={
        "partner": "nato", "kind": "statement", "on": "2026-09-20", "title": "Statement"})
    assert r.status_code == 422 and r.json()["errors"][0]["where"] == "partner"
    for action in ("mtc.supply.create", "mtc.delivery", "exercise.plan", "external.event"):
        assert audit_count(org_db, action) == 1
