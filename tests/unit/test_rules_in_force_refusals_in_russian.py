"""The refusals of a crisis category, a session by video conference and a decision by
consultation before the agreement that made them applies, and of a body that does not
consult on a crisis, read in Russian; the dates show in the language's words."""

from __future__ import annotations

import pytest

from phalanx.web.i18n.errors import translate


@pytest.mark.parametrize(("english", "russian"), [
    ("the category 'armed_attack' exists from 2010-12-10 (crisis-response-2010); a crisis "
     "of 2010-06-10 is one of the categories in force that day",
     "категория armed_attack существует с "),
    ("this body meets by video conference from 2010-12-10 (crisis-response-2010); this "
     "session is of 2010-06-17", "этот орган проводит заседания в режиме видеоконференции с "),
    ("decisions by consultation exist from 2010-12-10 (crisis-response-2010); this draft "
     "is of 2010-06-12", "решения путём консультаций существуют с "),
    ("cmo does not consult on a crisis of threat_to_security (the bodies that do: csc, "
     "permanent-council, cssc)", "не проводит консультаций по кризису категории "
                                 "threat_to_security"),
    ("cmo holds no emergency or extraordinary session",
     "не проводит экстренных и внеочередных заседаний"),
])
def test_the_refusal_reads_in_russian(english: str, russian: str) -> None:
    said = translate(english, "ru", labelled=True)
    assert russian in said, said
    assert "2010-" not in said  # the dates in words, not in ISO order


@pytest.mark.parametrize(("english", "russian"), [
    ("a decision is in force only from its adoption: its last day in "
     "force (2025-06-30) may not precede 2025-07-01",
     "решение действует только с момента его принятия: последний день его действия "
     "(30.06.2025) не может быть раньше 01.07.2025"),
    ("decision CSC-2026-004's last day in force was 2026-12-16: it ended without entering "
     "into force, and a notification of 2026-12-31 comes after it",
     "последний день действия решения CSC-2026-004 — 16.12.2026: срок его действия истёк "
     "до вступления в силу, и уведомление от 31.12.2026 поступило уже после этого дня"),
])
def test_a_decisions_period_refused_reads_in_russian(english: str, russian: str) -> None:
    """A last day in force before the adoption, and a notification after a decision's
    last day, read in Russian."""
    said = translate(english, "ru", labelled=True)
    assert russian in said, said
