"""Counts on a Russian page take the Russian plural of their number: an agreement's term
("на 5 лет", "на 1 год", it read "срок действия (лет): 5"), a training quota ("до 1 места
в год", "до 25 мест в год"), the audit trail's entries ("2 записи", "5 записей")."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from phalanx.web.i18n import plurals
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    page_settings,
)
from tests.support.sessions import login


def _form(n: int) -> str:
    """The Russian plural form of `n`: one (1, 21), few (2-4, 22), many (5-20, 11-14)."""
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"


def test_the_russian_plural_forms() -> None:
    ngettext = plurals("ru")
    for n, year, place in [(1, "год", "места"), (2, "года", "мест"), (5, "лет", "мест"),
                           (11, "лет", "мест"), (21, "год", "места"), (24, "года", "мест")]:
        assert ngettext("for %(num)d year", "for %(num)d years", n) == f"на {n} {year}"
        assert ngettext("up to %(num)s place a year", "up to %(num)s places a year", n) == \
            f"до {n} {place} в год"


def test_counts_on_russian_pages(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    terms = re.findall(r"· на (\d+) (год|года|лет)</p>", client.get("/agreements?lang=ru").text)
    assert terms, "no agreement with a term"
    words = {"one": "год", "few": "года", "many": "лет"}
    assert all(word == words[_form(int(n))] for n, word in terms), terms
    places = re.findall(r"до ([\d\u00a0 ]+) (места|мест) в год",
                        client.get("/training?lang=ru").text)
    assert places, "no training quota"
    for n, word in places:
        count = int(re.sub(r"\D", "", n))
        assert word == ("места" if _form(count) == "one" else "мест"), (n, word)
    login(client, "auditor", "demo-auditor-pass")
    verdict = re.search(r'id="verdict">Цепочка цела: ([\d\u00a0 ]+) (запись|записи|записей)\.',
                        client.get("/audit?verify=true&lang=ru").text)
    assert verdict is not None
    count = int(re.sub(r"\D", "", verdict.group(1)))
    assert verdict.group(2) == {"one": "запись", "few": "записи",
                                "many": "записей"}[_form(count)]
