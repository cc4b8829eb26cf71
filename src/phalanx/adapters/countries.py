"""Countries as people write them, in English or Russian, short or official, or by their
ISO 3166-1 alpha-3 code ("Afghanistan", "Афганистан", "Исламская Республика Афганистан",
"AFG"), to that code, and a code back to the country's name in a language: from the
tables and translations the `pycountry` package ships, and the names the organization's
file gives its states ("Russia", "Кыргызстан"). Anything else (a city, a border post) is
no country and is kept as written."""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Mapping
from functools import cache

import pycountry

from phalanx.domain.organization import Organization


def fold(text: str) -> str:
    """`text` as compared: without accents, case or repeated spaces, ё as е."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("ё", "е").split())


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


@cache
def _codes() -> dict[str, str]:
    """Every name of every country (English and Russian; short, common and official),
    folded, -> its alpha-3 code."""
    ru = _translation("ru")
    out: dict[str, str] = {}
    for c in pycountry.countries:
        for name in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if name:
                out.setdefault(fold(name), c.alpha_3)
                out.setdefault(fold(ru.gettext(name)), c.alpha_3)
    return out


def _iso3(text: str) -> bool:
    return (len(text) == 3 and text.isascii() and text.isupper()
            and pycountry.countries.get(alpha_3=text) is not None)


def code_of(text: str, own: Mapping[str, str] | None = None) -> str | None:
    """The alpha-3 code of the country `text` names, or None when it names none. `own`:
    the organization's names of its states (folded, `state_names`) -> their codes."""
    text = text.strip()
    if _iso3(text):
        return text
    folded = fold(text)
    return (own or {}).get(folded) or _codes().get(folded)


def state_names(org: Organization) -> dict[str, str]:
    """The organization's states' names in each language, folded, -> their codes: what
    `code_of` takes as `own`."""
    return {fold(name): code for code, st in org.states.items()
            for name in (st.name.en, st.name.ru) if name}


def state_labels(org: Organization, lang: str) -> dict[str, str]:
    """The organization's states' codes -> their names in `lang`: what `name_of` takes
    as `own`."""
    return {code: st.name.get(lang) for code, st in org.states.items()}


def route_end(text: str | None, own: Mapping[str, str] | None = None) -> str | None:
    """A route's end as stored: the country's code where it names a country, else as
    written (a place)."""
    if text is None:
        return None
    return code_of(text, own) or text.strip()


def name_of(code: str, lang: str, own: Mapping[str, str] | None = None) -> str:
    """A route's end as read: a country's code by its name in `lang` (the organization's
    name for one of its states, `own`: code -> name), anything else as written."""
    if own and code in own:
        return own[code]
    if not _iso3(code):
        return code
    country = pycountry.countries.get(alpha_3=code)
    common = str(getattr(country, "common_name", None) or country.name)
    return common if lang == "en" else str(_translation(lang).gettext(common))
