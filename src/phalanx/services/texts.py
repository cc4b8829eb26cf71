"""The texts of what the services print (PDFs, chart images) in the reader's language.

The services write in English; the web edge, which knows the reader's language, passes
a `Texts` made of the gettext catalog (`phalanx.web.i18n.texts_for`). A service call
with no `Texts` prints English. In a service, name the texts `_ = texts.gettext` and
write `_("Seizures by %(what)s", what=...)` (English, named placeholders) so that
`pybabel extract` finds them; `texts.label("substance", key)` names an enumerated value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from phalanx.domain.operations.results import written


def _english(message: str, /, **values: Any) -> str:
    return message % values


def _as_is(text: str, data: Callable[[str], str] | None = None,
           names: Mapping[str, str] | None = None) -> str:
    return text


def _english_number(value: float, digits: int | None = None) -> str:
    return f"{value:,.{digits}f}" if digits is not None else f"{value:,}"


def _raw(group: str, value: Any) -> str:
    return str(getattr(value, "value", value) or "").replace("_", " ")


def _english_moment(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M}"


def _english_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"  # "2 December 2026" (the C locale's month names)


def _iso_day(day: date) -> str:
    return day.isoformat()


@dataclass(frozen=True)
class Texts:
    """`gettext(message, **values)`, `label(group, value)`, `message(text[, data[,
    names]])` (a message of the services or the domain, e.g. a decision's outcome reason;
    `data` writes the organization file's texts named in it, `Organization.text_in`;
    `names`, the registry units it names by key, by the names the reader may see), `day(d)`
    (a date in words: "2 December 2026", "2 декабря 2026 г."), `dated(d)` (a date in
    figures, as the pages write it: "2026-12-02", "02.12.2026"), `moment(at)` (a moment in
    figures to the minute: "2026-12-02 09:30", "02.12.2026 09:30"), the language's code and
    `number(value, digits)` (its separators: "1,041", "1 041")."""

    gettext: Callable[..., str] = _english
    label: Callable[[str, Any], str] = _raw
    lang: str = "en"
    message: Callable[..., str] = _as_is
    day: Callable[[date], str] = _english_day
    number: Callable[[float, int | None], str] = _english_number
    moment: Callable[[datetime], str] = _english_moment
    dated: Callable[[date], str] = _iso_day

    def quantity(self, value: float, unit: str, decimals: int = 2) -> str:
        """A reported quantity in its normalized unit: "1,041" (a count, whole and with
        no unit), "20,454.18 kg"."""
        digits, shown = written(unit, decimals)
        text = self.number(round(value, digits), digits)
        return f"{text} {self.label('quantity_unit', shown)}" if shown else text

    def either(self, english: str, russian: str) -> str:
        """A text the dataset gives in both working languages: its Russian on a Russian
        printout where it has one, else its English."""
        return russian if self.lang == "ru" and russian else english


ENGLISH = Texts()
