"""The texts a dataset gives in English alone (notes, places, unit names, persons, the
registers' texts) carry their Russian in the file's `translations` section: a
translation of a text the file no longer holds is refused at its line, and every such
text of the built-in file has its Russian."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from phalanx.dataset.loader import DatasetError, builtin_path, parse, read
from tests.unit.test_dataset_errors import VALID, line_of

NOTED = VALID.replace(
    "  - {state: ARM, event: sign, on: 1992-05-15}",
    "  - {state: ARM, event: sign, on: 1992-05-15, note: signed in Tashkent}")


def test_a_translated_text_reads_in_russian_and_as_written_in_english() -> None:
    text = NOTED + 'translations:\n  ru:\n    "signed in Tashkent": "подписала в Ташкенте"\n'
    _, org = parse(text)
    assert org.text_in("ru")("signed in Tashkent") == "подписала в Ташкенте"
    assert org.text_in("en")("signed in Tashkent") == "signed in Tashkent"
    assert org.text_in("ru")("a text nobody translated") == "a text nobody translated"


def test_a_translation_of_a_text_the_file_no_longer_holds_is_located() -> None:
    text = NOTED + ('translations:\n  ru:\n    "signed in Tashkent": "подписала в Ташкенте"\n'
                    '    "signed in Moscow": "подписала в Москве"\n')
    with pytest.raises(DatasetError) as err:
        parse(text, "org.yaml")
    (problem,) = err.value.problems
    assert problem.line == line_of(text, "signed in Moscow")
    assert problem.path == "translations.ru.signed in Moscow"
    assert "no text of the file reads so" in problem.message


@pytest.mark.parametrize(("entry", "where"), [
    ('  ru:\n    "signed in Tashkent": ""\n', "translations.ru.signed in Tashkent"),
    ('  russian:\n    "signed in Tashkent": "подписала"\n', "translations.russian"),
])
def test_an_empty_translation_or_a_language_that_is_not_a_code(entry: str, where: str) -> None:
    with pytest.raises(DatasetError) as err:
        parse(NOTED + "translations:\n" + entry, "org.yaml")
    assert err.value.problems[0].path.startswith(where)


# Fields whose values are codes, keys or references, not texts a reader reads.
CODES = {"source", "key", "code", "format", "version", "state", "icao", "marking",
         "cap_categories", "kind", "status", "partner", "supplier", "recipient", "category",
         "host", "owner", "by", "unit", "sidc", "capability", "training.institutions.type",
         "training.limits.type",
         "garrison", "base", "scenario", "series", "commission", "body", "led_by", "seat",
         "parent", "convene", "measures", "obliged", "founding_agreement", "agreement",
         "event", "role", "relation", "use_constraint", "mode", "from", "to", "metric",
         "substance", "currency", "office", "post", "attendees", "session_kinds",
         "chair_rotation", "collective_defence_articles", "symbols", "crisis_symbols",
         "agencies", "states", "institution", "period", "exception", "questions", "quorum",
         "consensus", "introduced_by", "video_conference_from", "readers",
         "bodies.papers.kinds", "forces.units.formation",
         "forces.aircraft.formation", "parliamentary_assembly.commissions",
         "agreements.modifies.effect"}


def english_alone(value: Any, path: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(field, text) for every text of `value` written in English alone."""
    if isinstance(value, dict):
        if "en" in value and set(value) <= {"en", "ru"}:
            return set()
        found: set[tuple[str, str]] = set()
        for k, v in value.items():
            if k not in CODES and ".".join((*path, str(k))) not in CODES:
                found |= english_alone(v, (*path, str(k)))
        return found
    if isinstance(value, list):
        return set().union(*(english_alone(v, path) for v in value)) if value else set()
    if isinstance(value, str) and re.search(r"[A-Za-z]{2}", value) and path:
        return {(".".join(path), value)}
    return set()


def test_every_text_of_the_builtin_file_in_english_alone_has_its_russian() -> None:
    org, _ = read(builtin_path())
    raw = yaml.safe_load(builtin_path().read_text(encoding="utf-8"))
    raw.pop("translations", None)
    raw.get("organization", {}).pop("settings", None)  # parameters, not texts
    texts = english_alone(raw)
    assert len(texts) > 150  # the notes, unit names, registers' texts ... are all found
    russian = org.translations.get("ru", {})
    missing = sorted(f"{field}: {text}" for field, text in texts if text not in russian)
    assert not missing, "no Russian for:\n" + "\n".join(missing)
    assert not [en for en, ru in russian.items() if ru == en]  # a translation says more


ISO_DAY = re.compile(r"\b\d{4}-\d\d-\d\d\b")


def russian_texts(value: Any) -> list[str]:
    """Every Russian text of a dataset: the `ru` of a text given in both languages, and
    each translation of its `translations: ru:` section."""
    if isinstance(value, dict):
        found = [value["ru"]] if isinstance(value.get("ru"), str) and "en" in value else []
        for k, v in value.items():
            if k == "translations" and isinstance(v, dict):
                found += [t for t in (v.get("ru") or {}).values() if isinstance(t, str)]
            elif k != "ru":
                found += russian_texts(v)
        return found
    if isinstance(value, list):
        return [t for v in value for t in russian_texts(v)]
    return []


@pytest.mark.parametrize("name", ["csto.yaml", "example-alliance.yaml"])
def test_a_day_in_a_russian_text_of_a_builtin_file_is_written_day_first(name: str) -> None:
    """A Russian page writes a day as 31.12.2012 (ГОСТ Р 7.0.97), never 2012-12-31: the
    days in the file's Russian texts too."""
    raw = yaml.safe_load((builtin_path().parent / name).read_text(encoding="utf-8"))
    texts = russian_texts(raw)
    assert len(texts) > (150 if name == "csto.yaml" else 0)
    assert not [t for t in texts if ISO_DAY.search(t)]
