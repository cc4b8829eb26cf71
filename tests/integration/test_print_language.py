"""Charts and PDFs in the reader's language: the operation's charts name substances by
their label, not their key, and the operation's report and the crisis situation report
are printed in Russian for a Russian reader (and in English otherwise)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient
from lxml import etree

from phalanx.domain.access.principal import Principal, Role
from phalanx.services import decisions as dec
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n import long_date
from tests.integration.test_pages import demo_db, login, page_settings  # noqa: F401

SEC = Principal("secretariat", Role.SECRETARIAT)


@pytest.fixture
def client(demo_db: Database, page_settings: Any) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(page_settings, demo_db)) as c:
        login(c, "secretariat", "demo-secretariat")
        yield c


def pdf_text(data: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_seizures_chart_names_substances_in_the_readers_language(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from phalanx.adapters.exports import charts

    drawn: list[dict[str, Any]] = []
    real = charts.bars

    def spy(labels: Any, values: Any, title: str, unit: str, **kw: Any) -> bytes:
        drawn.append({"labels": list(labels), "title": title, "unit": unit, **kw})
        return real(labels, values, title, unit, **kw)

    monkeypatch.setattr(charts, "bars", spy)
    assert client.get("/operations/channel/seizures.png?lang=ru").status_code == 200
    assert client.get("/operations/channel/seizures.png?lang=en").status_code == 200
    ru, en = drawn
    assert ru["title"] == "Изъятия по веществам" and ru["unit"] == "кг"
    assert not any("_" in label for label in ru["labels"] + en["labels"]), ru["labels"]
    assert "героин" in ru["labels"] and "heroin" in en["labels"]
    assert ru["value_label"] == "представлено через систему «Фаланга»"
    assert en["title"] == "Seizures by substance"


def test_the_operations_report_in_russian(client: TestClient) -> None:
    ru = pdf_text(client.get("/operations/channel/report.pdf?lang=ru").content)
    assert "Отчёт о совместной операции" in ru and "Цели" in ru
    assert "Report of the joint operation" not in ru and "synthetic_" not in ru
    en = pdf_text(client.get("/operations/channel/report.pdf?lang=en").content)
    assert "Report of the joint operation" in en


def test_the_operations_report_writes_counts_whole_in_the_readers_format(
        client: TestClient) -> None:
    import re

    def flat(data: bytes) -> str:  # (lines joined; the Russian no-break spaces kept)
        return re.sub(r"[\n ]+", " ", pdf_text(data))

    en = flat(client.get("/operations/channel/report.pdf?lang=en").content)
    assert re.search(r"persons detained \d{1,3}(,\d{3})* \d", en), en
    assert "(rounds) 300,000 about 300,000 rounds" in en and "245,000 kg" in en
    assert "pcs" not in en and not re.search(r"\bcount\b", en)
    ru = flat(client.get("/operations/channel/report.pdf?lang=ru").content)
    assert re.search(r"задержанные лица \d{1,3}(\xa0\d{3})* \d", ru), ru
    assert re.search(r"\d,\d\d кг", ru)  # a reported mass: Russian decimals and its unit
    assert "шт." not in ru and "pcs" not in ru
    annual = flat(client.get("/secretariat/annual-report/2026.pdf?lang=en").content)
    assert not re.search(r"\bcount\b", annual), annual
    assert re.search(r"persons detained \d{1,3}(,\d{3})* \d", annual), annual


def test_the_situation_report_in_russian(client: TestClient) -> None:
    ru = pdf_text(client.get("/api/v1/crises/1/report.pdf?lang=ru").content)
    assert "Доклад об обстановке" in ru and "Стадии и сроки" in ru
    assert "Situation report" not in ru and "Stages and clocks" not in ru
    # the timeline's entries and the sitreps' casualties too
    assert "созваны консультации" in ru and "Пострадавшие" in ru, ru
    # the dataset's basis and obligation, in the Russian it gives
    assert "Реформа 2010 г." in ru and "2010 reform" not in ru
    assert "consultations convened" not in ru and "Casualties" not in ru
    en = pdf_text(client.get("/api/v1/crises/1/report.pdf?lang=en").content)
    assert "Situation report" in en and "consultations convened" in en


def test_a_decision_pdf_in_russian(client: TestClient) -> None:
    decisions = client.get("/api/v1/decisions").json()
    assert decisions, "the demo has an adopted decision"
    ru = pdf_text(client.get(f"/api/v1/decisions/{decisions[0]['id']}/pdf?lang=ru").content)
    assert "Итог" in ru and "Позиции" in ru and "Обязательно для" in ru
    assert "Binding on" not in ru and "Positions" not in ru
    en = pdf_text(client.get(f"/api/v1/decisions/{decisions[0]['id']}/pdf?lang=en").content)
    assert "Binding on" in en


def test_a_decision_pdf_dates_its_adoption_in_the_readers_format(client: TestClient) -> None:
    d = client.get("/api/v1/decisions").json()[0]
    adopted = date.fromisoformat(d["adopted_on"])
    ru = pdf_text(client.get(f"/api/v1/decisions/{d['id']}/pdf?lang=ru").content)
    assert d["adopted_on"] not in ru
    assert f"принято {long_date(adopted, 'ru')}" in ru
    en = pdf_text(client.get(f"/api/v1/decisions/{d['id']}/pdf?lang=en").content)
    assert f"adopted {long_date(adopted, 'en')}" in en


def test_a_decisions_akoma_ntoso_in_russian_speaks_russian(
        client: TestClient, demo_db: Database) -> None:  # noqa: F811
    """The Russian expression of a decision: its conclusions (the outcome and whom the
    decision binds) and the names of its concepts in Russian, not English; its paragraphs
    without the carriage returns of the text as typed in a form."""
    m = dec.convene(demo_db, dec.MeetingIn(body="cmfa", opens_at=now() - timedelta(hours=1)),
                    actor=SEC)
    for a in m.attendance:
        dec.record_attendance(demo_db, m.id, a.state, True, actor=SEC)
    d = dec.propose_draft(demo_db, dec.DraftIn(
        body="cmfa", meeting_id=m.id, title="О совместном заявлении",
        text_ru="Совет решает:\r\n1. Принять заявление."), actor=SEC)
    decision = dec.close_draft(demo_db, d.id, actor=SEC).decision_id
    xml = etree.fromstring(client.get(f"/api/v1/decisions/{decision}/akn.xml?lang=ru").content)
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    conclusions = "".join(xml.find(".//a:conclusions", ns).itertext())
    assert "Binding on" not in conclusions and "adopted" not in conclusions
    assert "Обязательно для:" in conclusions and "принято" in conclusions
    shown = {c.get("eId"): c.get("showAs") for c in xml.iterfind(".//a:TLCConcept", ns)}
    assert shown["adopted"] == "принято"
    assert all(re.search("[а-я]", v) for v in shown.values()), shown
    paragraphs = [p.text for p in xml.iterfind(".//a:mainBody/a:p", ns)]
    assert paragraphs == ["Совет решает:", "1. Принять заявление."]
    # adopted in Russian only, it is given in Russian when English is asked for
    en = etree.fromstring(client.get(f"/api/v1/decisions/{decision}/akn.xml?lang=en").content)
    assert "".join(en.find(".//a:conclusions", ns).itertext()) == conclusions
    english = client.get("/api/v1/decisions").json()[-1]  # the demo's, in both languages
    en = etree.fromstring(client.get(f"/api/v1/decisions/{english['id']}/akn.xml?lang=en")
                          .content)
    assert "Binding on:" in "".join(en.find(".//a:conclusions", ns).itertext())


def test_the_annual_report_in_russian(client: TestClient) -> None:
    ru = " ".join(pdf_text(client.get("/secretariat/annual-report/2024.pdf?lang=ru")
                           .content).split())  # (a long title wraps)
    assert "ежегодный доклад за 2024 год" in ru and "Квоты на подготовку на 2024 год" in ru
    assert "annual report" not in ru and "Training quotas" not in ru
    en = pdf_text(client.get("/secretariat/annual-report/2024.pdf?lang=en").content)
    assert "annual report 2024" in " ".join(en.split()), en[:300]


def test_the_operation_page_draws_its_charts_as_the_other_pages(client: TestClient) -> None:
    """One chart style on the pages: server-drawn SVG, in the page's language (the
    pictures of matplotlib are for the PDFs, in the same colours)."""
    html = client.get("/operations/channel?lang=ru").text
    assert '<img class="chart"' not in html
    substances = html.split('data-chart="substance-chart"')[1].split("</svg>")[0]
    assert "героин" in substances and "Изъятия по веществам" in substances
    assert "synthetic_" not in substances
    stages = html.split('data-chart="stage-chart"')[1].split("</svg>")[0]
    # the stages by their names in the page's language, as the stage selector names them
    assert "«Канал» – весна 2026" in stages and "spring-2026" not in stages
    assert "Channel – Spring 2026" not in stages
    selector = html.split('name="stage"')[1].split("</select>")[0]
    assert "«Канал» – весна 2026" in selector
    english = client.get("/operations/channel?lang=en").text
    stages = english.split('data-chart="stage-chart"')[1].split("</svg>")[0]
    assert "Channel – Spring 2026" in stages


def test_the_stage_chart_and_the_report_name_stages_in_the_readers_language(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from phalanx.adapters.exports import charts

    drawn: list[dict[str, Any]] = []
    real = charts.lines

    def spy(series: Any, title: str, unit: str, **kw: Any) -> bytes:
        drawn.append({"stages": [s for points in series.values() for s, _v in points]})
        return real(series, title, unit, **kw)

    monkeypatch.setattr(charts, "lines", spy)
    assert client.get("/operations/channel/stages.png?lang=ru").status_code == 200
    assert "«Канал» – весна 2026" in drawn[0]["stages"]
    assert not any(s.startswith("Channel") for s in drawn[0]["stages"])
    ru = " ".join(pdf_text(client.get("/operations/channel/report.pdf?lang=ru&stage="
                                      "spring-2026").content).split())  # (the title wraps)
    assert "этап «Канал» – весна 2026" in ru and "spring-2026" not in ru
