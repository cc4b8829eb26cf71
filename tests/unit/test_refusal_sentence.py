"""A refusal or a problem shown by itself on a page (beside a form, on the error page)
reads as a sentence: the services write it in lower case, the page starts it with a
capital letter, in English and in Russian, and changes nothing else of it; a message
that starts with an identifier or a typed value keeps it as it is."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from phalanx.web.i18n.errors import sentence, translate


@pytest.mark.parametrize(("message", "shown"), [
    ("session 12 is closed", "Session 12 is closed"),
    ("сессия 12 закрыта", "Сессия 12 закрыта"),
    ("ёлка", "Ёлка"),
    ("nothing.", "Nothing."),
    ("closing needs the after-action review", "Closing needs the after-action review"),
    # only the first letter: the rest, its codes and names, as written
    ("you act for KAZ, not for RUS", "You act for KAZ, not for RUS"),
    ("lat: give both lat and lon, or neither", "Lat: give both lat and lon, or neither"),
    # an identifier, a value as typed, a figure, a quote, a capital already: as they are
    ("c01: not in the registry", "c01: not in the registry"),
    ("text_en: required", "text_en: required"),
    ("body.lat: give a number", "body.lat: give a number"),
    ("rep-kaz is not a representative", "rep-kaz is not a representative"),
    ("iPhone is not a place", "iPhone is not a place"),
    ("2026-13-01 is not a date", "2026-13-01 is not a date"),
    ("'no action' needs a recorded reason", "'no action' needs a recorded reason"),
    ("«нет действий» требует причины", "«нет действий» требует причины"),
    ("CSC-2026-006 cannot authorize the response", "CSC-2026-006 cannot authorize the response"),
    ("", ""),
])
def test_a_message_starts_as_a_sentence(message: str, shown: str) -> None:
    assert sentence(message) == shown


def test_a_translated_refusal_starts_with_a_capital_in_both_languages() -> None:
    message = "session 12 is closed"  # the services' words, and the API's
    assert translate(message, "en") == message
    assert translate(message, "ru") == "сессия 12 закрыта"
    assert sentence(translate(message, "en")) == "Session 12 is closed"
    assert sentence(translate(message, "ru")) == "Сессия 12 закрыта"


def test_markup_stays_markup() -> None:
    shown = sentence(Markup("the <b>draft</b> is closed"))
    assert isinstance(shown, Markup) and shown == Markup("The <b>draft</b> is closed")
