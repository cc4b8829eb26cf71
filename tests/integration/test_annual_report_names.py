"""The annual report names what it lists as the registers' pages do, in the reader's
language: a decision's body by its name ("Совет коллективной безопасности", never its key
"csc"), its title in Russian where it has one, a training institution by its name, a
partner by its name, an exercise by its name in Russian; its days in figures as the pages
write them ("31.12.2026" in Russian, "2026-12-31" in English)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
import pytest

from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.workflow import Stage
from phalanx.services import crises
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.clock import today, use
from phalanx.services.db import Database
from phalanx.services.registers.overview import annual_report_pdf
from phalanx.web.i18n import texts_for
from tests.integration.test_draft_pages import session

SEC = Principal("secretariat", Role.SECRETARIAT)


def _text(db: Database, year: int, lang: str) -> str:
    with db.read() as conn:
        pdf = annual_report_pdf(conn, year, actor=SEC, texts=texts_for(lang))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_a_decision_is_listed_with_its_bodys_name_its_russian_title_and_day(
        accounts_db: Database) -> None:
    m = session(accounts_db)
    d = dec.propose_draft(accounts_db, dec.DraftIn(
        body="csc", meeting_id=m.id, title="On the plan of work",
        title_ru="О плане работы", text_en="The Council decides."), actor=SEC)
    assert dec.close_draft(accounts_db, d.id, actor=SEC).decision_id is not None
    with accounts_db.read() as conn:
        day = today(orgs.organization(conn))
    ru = _text(accounts_db, day.year, "ru")
    assert "Совет коллективной безопасности" in ru, ru
    assert "О плане работы" in ru and "On the plan of work" not in ru
    assert day.strftime("%d.%m.%Y") in ru and day.isoformat() not in ru
    assert " csc " not in ru
    en = _text(accounts_db, day.year, "en")
    assert "Collective Security Council" in en and " csc " not in en
    assert "On the plan of work" in en and day.isoformat() in en


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def test_institutions_partners_and_exercises_by_their_names(db: Database) -> None:
    ru = _text(db, 2024, "ru")
    assert "Военные вузы России" in ru and "rus-military" not in ru, ru
    en = _text(db, 2024, "en")
    assert "Military universities of Russia" in en and "rus-military" not in en
    ru = _text(db, 2026, "ru")
    assert "Рубеж-2026" in ru and "Frontier-2026" not in ru, ru
    assert "15.01.2027" in ru and "2027-01-15" not in ru  # a finding's due day
    assert "Пересмотреть план поддержки" in ru  # the finding in the file's Russian
    # the partner of a meeting, and the meeting's title in Russian
    assert "08.04.2026" in ru and "2026-04-08" not in ru and " iom " not in ru
    assert "Международная организация по миграции" in ru
    assert "Рабочая встреча по вопросам нелегальной миграции" in ru


def test_the_illustrative_rows_are_marked_as_the_note_says(db: Database) -> None:
    """The note says figures marked illustrative stand in for the organization's records:
    the rows the dataset marks so (the 2024 supplies and quotas) say it, in the report's
    language."""
    en = _text(db, 2024, "en")
    assert "Military universities of Russia (illustrative)" in en, en
    assert "sup-rus-tjk-2024-1 (illustrative)" in en
    assert "Figures marked illustrative" in en
    ru = _text(db, 2024, "ru")
    assert "Военные вузы России (условные данные)" in ru, ru
    # the model laws of the matrix, each an illustrative record of the file
    assert "Model law on countering terrorism (illustrative)" in en


def test_a_crisis_carried_over_into_the_year_is_listed_at_its_stage_then(
        accounts_db: Database) -> None:
    """A crisis reported late in December and ended in the new year is of both years'
    reports, each at its stage at that year's end; one ended before the year began is
    not of it."""
    with accounts_db.read() as conn:
        last = today(orgs.organization(conn)).year - 1  # the year before, ended
    eve = datetime(last - 1, 12, 20, 9, tzinfo=UTC)
    rep = Principal("rep-kgz", Role.REPRESENTATIVE, state="KGZ")

    def reported(title: str, at: datetime) -> int:
        with use(at):
            c = crises.open_crisis(accounts_db, crises.CrisisIn(
                title=title, category="natural_disaster", affected=["KGZ"],
                severity="moderate"), actor=rep, at=at)
        crises.convene_consultations(accounts_db, c.id, actor=SEC, at=at)
        return c.id

    carried = reported("Mudflows in the Alay valley", eve)
    ended = reported("Floods on the Naryn", eve)
    crises.transition(accounts_db, ended, Stage.NO_ACTION, actor=SEC,
                      at=datetime(last - 1, 12, 28, tzinfo=UTC),
                      reason="handled by the member's own means")
    crises.transition(accounts_db, carried, Stage.NO_ACTION, actor=SEC,
                      at=datetime(last, 1, 3, tzinfo=UTC),
                      reason="handled by the member's own means")
    before = _text(accounts_db, last - 1, "en")
    assert "Mudflows in the Alay valley" in before and "Floods on the Naryn" in before
    # at the end of its year of report the crisis was still in consultations
    row = before.split("Mudflows in the Alay valley", 1)[1].split("Floods on the Naryn")[0]
    assert "consultations" in row and "no action" not in row, row
    assert f"Stage on {last - 1}-12-31" in before
    after = _text(accounts_db, last, "en")
    assert "Mudflows in the Alay valley" in after, after  # carried over
    assert "Floods on the Naryn" not in after  # ended before the year began
    assert f"{last - 1}-12-20" in after.split("Mudflows in the Alay valley", 1)[1][:120]
    ru = _text(accounts_db, last, "ru")
    assert f"Этап на 31.12.{last}" in ru and f"20.12.{last - 1}" in ru, ru
