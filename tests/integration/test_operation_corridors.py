"""A corridor is one however its agencies write its countries: "Афганистан", "Afghanistan",
"Islamic Republic of Afghanistan" and "AFG" are one end (stored as its ISO code), the
organization's own names of its states ("Россия") too; a place that is no country stays
as written. The page and the report name each end in the reader's language, and the map
draws the corridor between the countries' anchors (AFG's among them)."""

from __future__ import annotations

import io
import re
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient

from phalanx.adapters import countries
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import identity
from phalanx.services import operations as ops
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login

REP_TJK = Principal("rep-tjk", Role.REPRESENTATIVE, state="TJK")
SEC = Principal("sec", Role.SECRETARIAT)


def seizure(ref: str, route: tuple[str, str], kg: str) -> dict[str, Any]:
    return {"reference": ref, "date": "2025-03-10", "stage": "spring-2025",
            "metric": "seizure", "substance": "heroin", "quantity": kg, "unit": "kg",
            "area": "Khorog", "route_from": route[0], "route_to": route[1]}


ROWS = [seizure("T-1", ("Афганистан", "Таджикистан"), "10"),
        seizure("T-2", ("Afghanistan", "Tajikistan"), "20"),
        seizure("T-3", ("  Islamic Republic of Afghanistan ", "TJK"), "30"),
        seizure("T-4", ("AFG", "Республика Таджикистан"), "40"),
        seizure("T-5", ("Таджикистан", "Россия"), "5"),
        seizure("T-6", ("Хорог", "Ош"), "1")]


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


@pytest.fixture
def loaded(db: Database) -> Database:
    r = ops.ingest(db, "channel", "TJK", "drug_control", list(enumerate(ROWS, start=2)),
                   actor=SYSTEM)
    assert r.stored == len(ROWS), r.errors
    ops.release(db, "channel", actor=REP_TJK)
    identity.add_user(db, identity.NewUser("sec", "a-long-password", Role.SECRETARIAT),
                      actor=SYSTEM)
    return db


def test_one_corridor_however_its_countries_are_written(loaded: Database) -> None:
    with loaded.read() as conn:
        found = {(c.route_from, c.route_to): (c.seizures, c.kg)
                 for c in ops.corridors(conn, "channel", actor=SEC)}
    assert found == {("AFG", "TJK"): (4, 100.0), ("TJK", "RUS"): (1, 5.0),
                     ("Хорог", "Ош"): (1, 1.0)}


def test_the_page_the_report_and_the_map_name_the_ends_in_the_readers_language(
        loaded: Database, settings: Settings) -> None:
    with TestClient(create_app(settings, loaded)) as client:
        login(client, "sec", "a-long-password")
        pages = {lang: client.get("/operations/channel", params={"lang": lang}).text
                 for lang in ("en", "ru")}
        pdf = client.get("/operations/channel/report.pdf", params={"lang": "ru"})
    for lang, (afg, tjk, rus) in {"en": ("Afghanistan", "Tajikistan", "Russia"),
                                  "ru": ("Афганистан", "Таджикистан", "Россия")}.items():
        table = re.search(r'id="corridors".*?</table>', pages[lang], re.S)
        assert table is not None
        rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r)]
                for r in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S) if "<td>" in r]
        assert [r[:3] for r in rows] == [[afg, tjk, "4"], [tjk, rus, "1"], ["Хорог", "Ош", "1"]]
        # the heaviest corridor drawn on the map, named in the page's language
        assert re.search(rf'<line class="route"[^>]*><title>{afg} → {tjk}:', pages[lang])
    assert pdf.status_code == 200, pdf.text
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Афганистан" in text and "AFG" not in text


def test_names_and_codes() -> None:
    assert countries.code_of("Исламская Респу́блика Иран") == "IRN"
    assert countries.code_of("киргизия") == "KGZ"
    assert countries.code_of("per") is None  # a code is written in capitals
    assert countries.name_of("IRN", "ru") == "Иран"
    assert countries.name_of("Osh", "ru") == "Osh"
