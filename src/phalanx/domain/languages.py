"""The working languages: those of the pages and printouts, of a user's account (the
language of their pages and of the notices emailed to them) and of the setting
`default_language`. The texts are written in English and translated at the web edge
(`phalanx.web.i18n`)."""

from __future__ import annotations

from typing import Any, Literal, get_args

Language = Literal["en", "ru"]


def N_(text: str) -> str:
    """Mark `text`, a message written in English with `%(name)s` placeholders, for the
    pages' catalogue (the web edge translates it where it is shown)."""
    return text

LANGUAGES: tuple[Language, ...] = get_args(Language)


def title_in(record: Any, lang: str) -> str:
    """A record's title in `lang`: its title in that language where it has one (a draft's
    or a decision's `title_ru`), else its title as written."""
    own = getattr(record, f"title_{lang}", "") if lang != "en" else ""
    return str(own or record.title)


def written_in(*texts: str) -> Language:
    """The working language a free text is written in, by its letters: Russian where
    Cyrillic letters outnumber Latin ones, else English (a text with no letters too)."""
    cyrillic = latin = 0
    for ch in "".join(texts):
        if "\u0400" <= ch <= "\u04ff":
            cyrillic += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    return "ru" if cyrillic > latin else "en"
