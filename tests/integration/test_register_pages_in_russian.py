"""A register's form refused on a Russian page: the bad field by its rule, a delivery
beyond the agreed quantity by the register's own rule, both in Russian, and nothing
stored (a quantity or a value out of bounds was a server error)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app

SUPPLY = "sup-blr-kaz-2025-1"  # 300 agreed, 150 delivered (the dataset)


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "secretariat", "password": "demo-secretariat",
                                   "csrf_token": c.cookies.get("phalanx_login_csrf")},
                   follow_redirects=False)
        assert r.status_code == 303
        yield c


def _deliver(c: TestClient, **form: object) -> tuple[int, str]:
    page = c.get("/mtc", headers={"Accept-Language": "ru"}).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    r = c.post("/mtc/deliveries", headers={"Accept-Language": "ru"}, follow_redirects=False,
               data={"csrf_token": csrf, "supply": SUPPLY, "on": "2026-01-10", **form})
    main = re.search(r"<main.*?</main>", r.text, re.S)
    return r.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main[0] if main else ""))


def _deliveries(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.supply_delivery)).scalar_one())


@pytest.mark.parametrize(("form", "shown"), [
    ({"quantity": 0, "value": 1}, "слишком малое значение"),
    ({"quantity": 1, "value": -5}, "слишком малое значение"),
    ({"quantity": 1000, "value": 1},
     "уже поставлено 150 из 300: ещё 1000 превысит согласованное количество"),
])
def test_a_refused_delivery_reads_in_russian_and_stores_nothing(
        client: TestClient, accounts_db: Database, form: dict, shown: str) -> None:
    before = _deliveries(accounts_db)
    status, text = _deliver(client, **form)
    assert status == 422, text
    assert shown in text.lower()
    assert _deliveries(accounts_db) == before


def test_a_supply_in_another_currency_is_shown_apart_from_the_totals(
        client: TestClient, accounts_db: Database) -> None:
    from datetime import date

    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services.registers import supply as mtc

    mtc.create_supply(accounts_db, mtc.SupplyIn(
        supplier="RUS", recipient="KAZ", category="aviation", item="transport helicopters",
        quantity=2, value=900.0, currency="RUB", agreed=date(2025, 5, 5)), actor=SYSTEM)
    page = client.get("/mtc", headers={"Accept-Language": "ru"}).text
    note = re.search(r'<p class="small muted" id="totals-currency">(.*?)</p>', page, re.S)
    assert note is not None, page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", note[1]))
    assert "Суммы в млн USD." in text and "не вошло в эти итоги" in text, text
    assert "900,0 млн RUB" in text.replace("\xa0", " "), text
