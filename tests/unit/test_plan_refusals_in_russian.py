"""A plan's refusal naming the crisis whose answer stands in its way reads in Russian
whole: "crisis 3:" before a state's reasons is the crisis's, not a state named
"crisis 3: RUS"."""

from __future__ import annotations

import pytest

from phalanx.web.i18n.errors import translate

UNACCEPTED = ("RUS made its units available on conditions not yet accepted by the Joint "
              "Staff or the Secretariat: no deployment beyond Sughd")


def test_a_plans_refusal_names_the_crisis_in_russian() -> None:
    text = translate(f"plan 2 is not decided: crisis 3: {UNACCEPTED}", "ru", labelled=True)
    assert text.startswith("план 2 не утверждён: кризис 3: RUS предоставило"), text
    assert "crisis" not in text


def test_the_crisis_alone_before_its_reasons() -> None:
    assert translate(f"crisis 12: {UNACCEPTED}", "ru", labelled=True).startswith(
        "кризис 12: RUS предоставило свои подразделения")


@pytest.mark.parametrize(("english", "russian"), [
    ("crisis 3 is closed: its official requests no longer change",
     "кризис 3 на стадии «закрыт»: его официальные обращения больше не меняются"),
    ("crisis 3 has no force requirements yet", "у кризиса 3 ещё нет потребностей в силах"),
])
def test_other_messages_on_a_crisis_keep_their_own_form(english: str, russian: str) -> None:
    assert translate(english, "ru", labelled=True) == russian
