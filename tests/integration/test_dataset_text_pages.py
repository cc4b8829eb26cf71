"""The dataset's texts given in English alone (notes, unit names, aircraft types, the
registers' texts) read in Russian on Russian pages and as written on English ones;
so do the countries of the operations' map and the crisis room's plan chart."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from phalanx.dataset.loader import builtin_path, read
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    page_settings,
)

RU = read(builtin_path())[0].translations["ru"]


@pytest.fixture
def secretariat(client: TestClient) -> TestClient:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    return client


@pytest.mark.parametrize(("path", "english"), [
    ("/agreements", "did not sign the 1999 extension protocol"),
    ("/forces", "Il-76MD"),
    ("/forces?formation=crrf", "Air assault battalion group 1"),
    ("/joint-exercises", "Exercise of the Collective Rapid Reaction Force."),
    ("/bodies/csc", "Kassym-Jomart Tokayev"),
    ("/operations", "Interpol"),
])
def test_a_text_of_the_dataset_reads_in_the_pages_language(secretariat: TestClient,
                                                           path: str, english: str) -> None:
    sep = "&" if "?" in path else "?"
    # what the page says, not the values its forms send (a kind of aircraft by its key)
    en, ru = (unescape(re.sub(r' value="[^"]*"', "", secretariat.get(
        f"{path}{sep}lang={lang}").text)) for lang in ("en", "ru"))
    assert english in en and RU[english] not in en
    assert RU[english] in ru and english not in ru


def test_the_operations_list_names_the_leading_bodies_and_observers(
        secretariat: TestClient) -> None:
    org = read(builtin_path())[0]
    ops = [op for op in org.operations.values() if op.get("led_by")]
    assert ops
    for lang in ("en", "ru"):
        html = unescape(secretariat.get(f"/operations?lang={lang}").text)
        for op in ops:
            assert org.bodies[op["led_by"]].name.get(lang) in html, (lang, op["key"])
            assert f" · {op['led_by']}<" not in html, (lang, op["key"])
    ru = unescape(secretariat.get("/operations?lang=ru").text)
    assert "ОБСЕ" in ru and "OSCE" not in ru


def test_the_operations_figures_name_their_source_in_words(secretariat: TestClient) -> None:
    """The dataset's tag of a source ("seeds": its reference pages) is no text for a
    reader: the dashboard's historical figures name it in the page's language."""
    en = unescape(secretariat.get("/operations/channel?lang=en").text)
    ru = unescape(secretariat.get("/operations/channel?lang=ru").text)
    assert "about 245 t of drugs to date (the organization's reference pages)" in en
    assert "к настоящему времени около 245 т наркотиков (справочные материалы Организации)" \
        in ru
    assert "(seeds)" not in en and "(seeds)" not in ru


def test_the_operations_map_names_countries_in_the_pages_language(
        secretariat: TestClient) -> None:
    en = secretariat.get("/operations/channel?lang=en").text
    ru = secretariat.get("/operations/channel?lang=ru").text
    assert "<title>Uzbekistan</title>" in en and "<title>Узбекистан</title>" in ru
    assert "<title>Uzbekistan</title>" not in ru
    assert 'aria-label="Карта"' in ru


def test_the_crisis_rooms_plan_names_its_units_in_the_pages_language(
        secretariat: TestClient) -> None:
    listing = secretariat.get("/crises?lang=en").text
    ids = sorted(set(re.findall(r'href="/crises/(\d+)"', listing)))
    pages = {i: secretariat.get(f"/crises/{i}?lang=ru").text for i in ids}
    with_plan = [html for html in pages.values() if 'class="chart gantt"' in html]
    assert with_plan, "the demo crisis answered by the CRRF has a plan"
    html = unescape(with_plan[0])
    chart = html[html.index('class="chart gantt"'):]
    chart = chart[:chart.index("</svg>")]
    units = [u for u in RU if u in chart or RU[u] in chart]
    assert units and all(RU[u] in chart for u in units)
    assert not any(re.search(rf">{re.escape(u)} \(", chart) for u in units)
    assert re.search(r"<title>[^<]+: по воздуху, \d+,\d–\d+,\d ч", chart)
    assert 'aria-label="План развёртывания"' in chart


@pytest.mark.parametrize(("path", "english"), [
    ("/secretariat/annual-report/2023.pdf", "armoured personnel carriers"),
    ("/operations/channel/report.pdf", "over 12 t of heroin"),
    ("/operations/illegal/report.pdf",
     "Block channels of illegal migration of third-country nationals; suppress those who "
     "organize it."),
])
def test_a_pdfs_texts_of_the_dataset_read_in_its_language(secretariat: TestClient,
                                                         path: str, english: str) -> None:
    import io

    import pypdf

    def pdf_text(lang: str) -> str:
        r = secretariat.get(f"{path}?lang={lang}")
        assert r.status_code == 200
        # the table's narrow cells break words: compared without spaces
        return "".join("".join((p.extract_text() or "").split())
                       for p in pypdf.PdfReader(io.BytesIO(r.content)).pages)

    bare_en, bare_ru = english.replace(" ", ""), RU[english].replace(" ", "")
    en, ru = pdf_text("en"), pdf_text("ru")
    assert bare_en in en and bare_ru not in en
    assert bare_ru in ru and bare_en not in ru


def test_the_operational_pictures_symbols_read_in_the_pages_language(
        secretariat: TestClient) -> None:
    def labels(lang: str) -> tuple[set[str], list[str]]:
        data = secretariat.get(f"/forces/map/data.json?lang={lang}").json()
        return ({s["label"] for s in data["symbols"]},
                [d[1] for s in data["symbols"] for d in s["details"]])

    (en, _), (ru, ru_details) = labels("en"), labels("ru")
    assert "Kant air base" in en and RU["Kant air base"] in ru and "Kant air base" not in ru
    unit = "Air assault battalion group 1"
    assert any(x.startswith(f"{unit} (") for x in en)
    assert any(x.startswith(f"{RU[unit]} (") for x in ru)
    assert not any(x.startswith(f"{unit} (") for x in ru)
    assert any(re.fullmatch(r"\d+(,\d+)? ч", d) for d in ru_details)  # the readiness


def test_the_session_and_draft_boards_name_the_states_in_the_pages_language(
        secretariat: TestClient) -> None:
    listing = secretariat.get("/sessions?lang=en").text
    sid = re.findall(r'href="/sessions/(\d+)"', listing)[0]
    page = secretariat.get(f"/sessions/{sid}?lang=ru").text
    draft = re.findall(r'href="/drafts/(\d+)"', page)[0]
    for path in (f"/sessions/{sid}", f"/sessions/{sid}/board", f"/drafts/{draft}",
                 f"/drafts/{draft}/board"):
        ru = unescape(secretariat.get(f"{path}?lang=ru").text)
        en = unescape(secretariat.get(f"{path}?lang=en").text)
        assert "Казахстан" in ru and "Kazakhstan" not in ru, path
        assert "Kazakhstan" in en and "Казахстан" not in en, path


def test_each_party_to_an_agreement_shows_its_source_in_the_pages_language(
        secretariat: TestClient) -> None:
    """A treaty lawyer reads on what each state's tie to an agreement rests: every
    party's source in the dataset shows beside it (Uzbekistan's return: the restoration
    protocol and the Council's suspension), in Russian on Russian pages; the API gives
    it too."""
    org = read(builtin_path())[0]
    treaty = org.agreements["cst-1992"]
    returned = [p for p in treaty.parties if p.state == "UZB" and p.signed is None]
    assert returned and returned[0].source.startswith("public: restoration protocol")
    en = unescape(secretariat.get("/agreements?on=2013-06-01&lang=en").text)
    ru = unescape(secretariat.get("/agreements?on=2013-06-01&lang=ru").text)
    section = ru[ru.index('id="cst-1992"'):ru.index('id="extension-1999"')]
    uzb = [row for row in section.split("<tr") if 'data-state="UZB"' in row]
    assert any(RU[returned[0].source] in row for row in uzb), uzb
    for a in org.agreements.values():
        for p in a.parties:
            assert p.source, (a.key, p.state)
            if p.source != "seeds":
                assert p.source in en and RU[p.source] in ru, (a.key, p.state)
                assert p.source not in ru, (a.key, p.state)
    assert "справочные материалы Организации" in section
    parties = secretariat.get("/api/v1/agreements").json()
    assert {p["source"] for a in parties for p in a["parties"]} == {
        p.source for a in org.agreements.values() for p in a.parties}
