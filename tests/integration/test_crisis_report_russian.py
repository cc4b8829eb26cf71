"""A crisis's situation report printed in Russian: the response card's measures and
verdicts, the stages its timeline names, its dates (day first) and its figures (a decimal
comma) in Russian, as the crisis room writes them; printed in English, as before."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from sqlalchemy import select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import crises
from phalanx.services.db import Database
from phalanx.web.i18n import texts_for


@pytest.fixture
def db_recipe() -> str:
    return "records"


def _report(db: Database, lang: str) -> str:
    with db.read() as conn:  # the demo's real crisis, answered by the CRRF
        cid = conn.execute(select(t.crisis.c.id).where(t.crisis.c.exercise.is_(False))
                           .order_by(t.crisis.c.id)).scalars().first()
        assert cid is not None
        pdf = crises.report_pdf(conn, cid, actor=SYSTEM, texts=texts_for(lang))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_report_in_russian_reads_russian(records_db: Database) -> None:
    ru = _report(records_db, "ru")
    # the response card: each measure and verdict by its Russian name
    assert "Карточка реагирования" in ru
    for english in ("first unit", "full deployment", "un notification", "withdrawal start",
                    "no target", "reported", "consultations", "assessment"):
        assert english not in ru, english
    assert "первое подразделение на месте" in ru and "без норматива" in ru
    # the timeline names the stages entered in Russian
    assert "этап: консультации" in ru and "этап: оценка" in ru
    # dates day first, figures with a decimal comma, the stage after a colon
    assert re.search(r"\d{4}-\d\d-\d\d", ru) is None, re.findall(r"\d{4}-\d\d-\d\d", ru)
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", ru) is not None
    assert re.search(r"\b\d+\.\d\b", ru) is None, re.findall(r"\b\d+\.\d\b", ru)
    assert "этап: реагирование" in ru and "стадия реагирование" not in ru


def test_the_report_in_english_keeps_its_dates(records_db: Database) -> None:
    en = _report(records_db, "en")
    assert "first unit" in en and "stage: consultations" in en
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", en) is not None


def test_the_room_links_the_report_in_its_own_language(records_db: Database,
                                                        settings: Settings) -> None:
    """The crisis room's link to its situation report asks for the page's language, as
    the decisions' exports do: the report comes in it whatever the language cookie says."""
    from fastapi.testclient import TestClient

    from phalanx.web.app import create_app
    from tests.support.sessions import login

    with records_db.read() as conn:
        cid = conn.execute(select(t.crisis.c.id).where(t.crisis.c.exercise.is_(False))
                           .order_by(t.crisis.c.id)).scalars().first()
    with TestClient(create_app(settings, records_db)) as client:
        login(client, "secretariat", "demo-secretariat")
        for lang in ("ru", "en"):
            page = client.get(f"/crises/{cid}?lang={lang}").text
            assert f'href="/api/v1/crises/{cid}/report.pdf?lang={lang}"' in page
