"""A write sent twice is refused naming the first; where the refusal names when the first
was filed, is due or opens, a Russian page shows that date in the language's order, not
the services' ISO order."""

from __future__ import annotations

import re

import pytest

from phalanx.web.i18n import labeller
from phalanx.web.i18n.errors import translate

ISO = re.compile(r"\d{4}-\d\d-\d\d")
BODIES = {"csc": "Совет коллективной безопасности"}


@pytest.mark.parametrize(("english", "russian"), [
    ("this situation report is filed already (report 3, 2026-12-05 17:02 UTC)",
     "этот доклад об обстановке уже подан (доклад 3, 05.12.2026 17:02 UTC)"),
    ("task 4 asks this already of KAZ by 2026-12-20",
     "задача 4 уже поручает это KAZ со сроком 20.12.2026"),
    ("session 5 of csc is convened already for 2026-12-10 09:00 UTC",
     "заседание 5 органа «Совет коллективной безопасности» уже созвано на "
     "10.12.2026 09:00 UTC"),
])
def test_a_refusal_of_a_write_sent_twice_dates_the_first_in_russian(english: str,
                                                                    russian: str) -> None:
    shown = translate(english, "ru", labelled=True, bodies=BODIES)
    assert shown == russian
    assert not ISO.search(shown), shown


def test_a_watch_item_watched_twice_is_named_as_the_watch_list_names_it() -> None:
    shown = translate("watch item 2 watches this already (the same title, region and "
                      "category)", "ru", labelled=True)
    assert shown == ("это уже отслеживается: пункт наблюдения 2 (то же название, регион и "
                     "категория)")
    assert labeller("ru")("record", "watch item") in shown


def test_the_api_in_english_keeps_the_services_words() -> None:
    message = "task 4 asks this already of KAZ by 2026-12-20"
    assert translate(message, "en") == message
