"""The annual report is printed in its reader's language: its marking ("ДЛЯ ОРГАНИЗАЦИИ ·
включает данные УЧАСТНИКОВ"), and its figures: in Russian the supplies' millions with a
decimal comma ("33,5"), places and quantities with a space between the thousands
("1 000", "5 000"); in English "33.5", "1,000", "5,000"."""

from __future__ import annotations

import io

import pypdf
import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.services.db import Database
from phalanx.services.registers.overview import annual_report_pdf
from phalanx.web.i18n import texts_for

SEC = Principal("sec", Role.SECRETARIAT)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def _text(db: Database, lang: str) -> str:
    with db.read() as conn:
        pdf = annual_report_pdf(conn, 2024, actor=SEC, texts=texts_for(lang))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def test_the_russian_report_writes_russian_numbers(db: Database) -> None:
    text = _text(db, "ru")
    assert "33,5" in text and "33.5" not in text  # the supplies agreed in 2024, in millions
    assert "5 000" in text and "5000" not in text  # the quantity of one supply
    assert "1 000" in text  # the places offered by an institution


def test_the_english_report_writes_english_numbers(db: Database) -> None:
    text = _text(db, "en")
    assert "33.5" in text and "5,000" in text and "1,000" in text


def test_the_russian_report_carries_its_marking_in_russian(db: Database) -> None:
    kaz = Principal("rep-kaz", Role.REPRESENTATIVE, state="KAZ")
    observer = Principal("observer", Role.OBSERVER)
    with db.read() as conn:
        for reader, marking in (
                (SEC, "ДЛЯ ОРГАНИЗАЦИИ · включает данные УЧАСТНИКОВ"),
                (kaz, "ДЛЯ ОРГАНИЗАЦИИ · включает данные УЧАСТНИКОВ и НАЦИОНАЛЬНЫЕ данные KAZ"),
                (observer, "ОТКРЫТО · ПЕРЕДАНО НАБЛЮДАТЕЛЯМ")):
            pdf = annual_report_pdf(conn, 2024, actor=reader, texts=texts_for("ru"))
            first = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
            assert marking in " ".join(first.split()), reader.username
            assert "ORGANIZATION" not in first and "PUBLIC" not in first
