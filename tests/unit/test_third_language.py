"""An organization whose working languages include one the system does not show (the
fourth example's Arabic): a name given in it is refused at its line, naming the
language, not with a generic "extra input" message; nothing is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from phalanx.dataset.loader import DatasetError, parse

FILE = Path(__file__).parents[1] / "fixtures" / "arabian-sea-council.yaml"


def test_a_name_in_a_third_language_is_refused_naming_it() -> None:
    text = FILE.read_text(encoding="utf-8")
    given = "    ru: Совет взаимной помощи Аравийского моря (вымышленный)\n"
    assert text.count(given) == 1
    bad = text.replace(given, given + "    ar: مجلس التعاون\n")
    with pytest.raises(DatasetError) as info:
        parse(bad, FILE.name)
    [problem] = info.value.problems
    assert problem.path == "organization.name"
    assert problem.line == bad[:bad.index("    en: Arabian")].count("\n") + 1
    assert "English (en) and Russian (ru) only: 'ar' is not a language" in problem.message
