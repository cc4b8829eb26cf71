"""The texts an organization's crisis produces name its own article and no post or
article of the CSTO's: the refusal of a UN notice not yet open, the escalation of a
member's late answer (`services/crisis_obligations.py`, `services/crises/escalation.py`),
each read in Russian."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from phalanx.services.crisis_obligations import opens_with
from phalanx.web.i18n.errors import translate
from phalanx.web.i18n.timeline import timeline_text


def _org(articles: list[str]) -> Any:
    return SimpleNamespace(settings={"collective_defence_articles": articles})


def test_the_notice_opens_under_the_files_first_article_or_none() -> None:
    assert opens_with(_org(["Accord art. 9", "Accord art. 10"])) == (
        "it opens with a decision on a crisis under Accord art. 9")
    assert opens_with(_org([])) == "it opens with a decision on a crisis obliging every member"


@pytest.mark.parametrize(("said", "russian"), [
    ("crisis 3 has no notice to the UN Security Council open (it opens with a decision on "
     "a crisis under Accord art. 9)",
     "по кризису 3 нет открытого уведомления Совета Безопасности ООН (оно открывается "
     "решением по кризису, подпадающему под ст. 9 Соглашения)"),
    ("crisis 3 has no notice to the UN Security Council open (it opens with a decision on "
     "a crisis obliging every member)",
     "по кризису 3 нет открытого уведомления Совета Безопасности ООН (оно открывается "
     "решением по кризису, обязывающему всех членов)"),
])
def test_the_refusal_reads_in_russian_with_the_files_article(said: str, russian: str
                                                             ) -> None:
    assert translate(said, "ru", bodies={"Accord art. 9": "ст. 9 Соглашения"}) == russian


@pytest.mark.parametrize(("entry", "russian"), [
    ("the answer of KWT under the obligation of assistance overdue by 1270 min; "
     "escalated to the Secretariat and the chair",
     "ответ KWT по обязательству оказать помощь просрочен на 21 ч 10 мин; доведено до "
     "Секретариата и председателя"),
    # an entry escalated before reads as it did
    ("stage reported overdue by 15 min; escalated to the Secretary General and the chair",
     "этап «сообщено» просрочен на 15 мин; доведено до Генерального секретаря и "
     "председателя"),
])
def test_the_escalation_reads_in_russian(entry: str, russian: str) -> None:
    assert timeline_text(entry, "ru") == russian


def test_the_un_letter_rests_on_the_article_the_request_invoked() -> None:
    from phalanx.services.crisis_letter import _basis, _invoked
    from phalanx.services.texts import ENGLISH

    org = _org(["Accord art. 9", "Accord art. 10"])
    assert _invoked(org, ["Accord art. 10"]) == "Accord art. 10"
    assert _invoked(org, ["UN Charter art. 51"]) == "Accord art. 9"
    assert _invoked(_org([]), ["Treaty art. 4"]) == ""

    def same(text: str) -> str:
        return text

    assert _basis(ENGLISH, "The Accord", same, "Accord art. 10") == (
        "Basis: The Accord, Article 10; the Charter of the United Nations, Article 51")
    assert _basis(ENGLISH, "The Accord", same, "the Accord's mutual-assistance clause") == (
        "Basis: the Accord's mutual-assistance clause; the Charter of the United Nations, "
        "Article 51")
    assert _basis(ENGLISH, "The Accord", same, "") == (
        "Basis: the Charter of the United Nations, Article 51")


def test_a_scenarios_request_invokes_its_own_article_or_the_files_first() -> None:
    from phalanx.services.exercise_injects import OfficialRequestInject

    asked = OfficialRequestInject(at=20, do="official_request", state="OMN", person="P",
                                  measures=["humanitarian"])
    said = OfficialRequestInject(at=20, do="official_request", state="OMN", person="P",
                                 article="Accord art. 10", measures=["humanitarian"])
    settings = {"collective_defence_articles": ["Accord art. 9"]}
    assert asked.invoked(settings) == "Accord art. 9"
    assert said.invoked(settings) == "Accord art. 10"
    assert asked.invoked({}) == ""
