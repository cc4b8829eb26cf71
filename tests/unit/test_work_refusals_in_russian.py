"""The refusals a representative, the Secretariat, the planner or a reporter meets on the
pages of a working day read in Russian on a Russian page (they were shown in English): a
position on a draft decided by signatures or by consultation, a revision that changes
nothing, an offer without its quantity, a unit changed meanwhile, a consent, an
exercise's commitment or a register's record for another state, a place without
coordinates, a way home with no deployment, a result for an agency the operation does not
name. The values they name show by their labels (a procedure, a question, an agency),
codes and numbers as they are."""

from __future__ import annotations

import re

import pytest

from phalanx.web.i18n.errors import translate

LATIN_WORD = re.compile(r"\b(?!(?:KAZ|RUS|KGZ|ARM|csc|channel|crdf|kaz)\b)[A-Za-z]{3,}\b")


@pytest.mark.parametrize(("english", "russian"), [
    ("draft 12 is under the written procedure: sign it instead",
     "проект 12 рассматривается по письменной процедуре: подпишите его"),
    ("draft 12 is decided by consultation: the chair (KAZ) records each head of state's "
     "answer", "решение по проекту 12 принимается путём консультаций: ответ каждого главы "
     "государства записывает председатель (KAZ)"),
    ("a draft decided by consultation is announced by the chair (KAZ)",
     "решение, принимаемое путём консультаций, объявляет председатель (KAZ)"),
    ("draft 12 is decided by written, not by consultation",
     "решение по проекту 12 принимается в порядке «письменная процедура», а не путём "
     "консультаций"),
    ("only the chair (KAZ) records the heads of state's answers and announces the "
     "decision: you act for RUS, not for KAZ",
     "ответы глав государств записывает и решение объявляет только председатель (KAZ): вы "
     "действуете от имени RUS, а не KAZ"),
    ("a draft under the written procedure is adopted by its signatures and lapses at its "
     "deadline", "проект по письменной процедуре принимается подписями и утрачивает силу "
     "по истечении срока"),
    ("the text is that of version 2: a revision changes it",
     "текст совпадает с редакцией 2: новая редакция должна его изменить"),
    ("the written procedure needs a deadline", "для письменной процедуры нужен срок"),
    ("give the quantity offered, or name the units",
     "укажите предлагаемое количество или назовите подразделения"),
    ("unit crdf-kaz-1 was changed meanwhile (revision 3)",
     "подразделение crdf-kaz-1 тем временем изменено (редакция 3)"),
    ("only KAZ's representative decides whether its units take part",
     "об участии подразделений KAZ решает только его представитель"),
    ("participation is voluntary: only KAZ's representative commits RUS's formations",
     "участие добровольное: формирования RUS направляет только представитель KAZ"),
    ("give the place's coordinates (lat, lon) or a known node",
     "укажите координаты места (широта, долгота) или известный пункт"),
    ("crisis 2 is no action: its decision and measures no longer change",
     "кризис 2 на стадии «без мер»: его решение и меры больше не меняются"),
    ("only KAZ's representative or the Secretariat record KAZ's transposition",
     "сведения об имплементации KAZ вносят только представитель KAZ или Секретариат"),
    ("only RUS's representative or the Secretariat record RUS's training quotas",
     "квоты на обучение RUS вносят только представитель RUS или Секретариат"),
    ("deliveries are recorded by the parties or the Secretariat",
     "поставки отмечают стороны соглашения или Секретариат"),
    ("crisis 2 has no decided deployment to bring home",
     "у кризиса 2 нет утверждённого развёртывания, из которого возвращать силы"),
    ("KAZ police does not take part in channel (the operation's agencies for KAZ: "
     "customs, border_guard)", "полиция (KAZ) не участвует в операции channel (ведомства "
     "KAZ в этой операции: таможня, пограничная служба)"),
])
def test_a_working_days_refusal_reads_in_russian(english: str, russian: str) -> None:
    shown = translate(english, "ru", labelled=True)
    assert shown == russian
    assert not LATIN_WORD.search(shown), shown


def test_the_api_keeps_the_services_english() -> None:
    message = "draft 12 is under the written procedure: sign it instead"
    assert translate(message, "en") == message
