"""Lines the services write in English, matched against their forms and written again in
the reader's language by a `translator` (`plantexts`: the planner's lines; `timeline`: a
crisis's timeline and notices). A form is a regular expression whose named groups are
the placeholders of its msgid; the name says how the value shows:

- `num_*`: a number, with the language's separators and one decimal;
- `pct_*`: a percentage written `12.3%` (or `n/a`);
- `cap*`: a capability, by its label;
- `L_<group>`: an enumerated value, by its label in `group` (read in lower case, spaces
  as `_`; a trailing digit tells two apart);
- `Ls_<group>`: a list of such values, `, `-separated;
- `line_*`: a part of a line, translated in turn; `reasons`: parts joined by `; `;
- `data_*`: a text of the organization's file (a body's name, a crisis category's
  basis), in the language the file gives it in, when the caller passes the file's texts;
- `unit*`: a unit, by its name, and `aircraft`: aircraft `, `-separated, each name once,
  when the caller passes the names (`names`: an id to its name in the language);
- anything else: as it is (a name, an id, a text someone wrote).

An optional group that did not match shows as nothing. A translator made `in_english`
writes English lines again too, from their msgids (the capabilities by their labels, the
units and aircraft by their names); another returns them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache

from phalanx.web.i18n import labeller, number, translations

NUM = r"-?(?:\d+(?:\.\d+)?|inf)"


def _shown(name: str, value: str, lang: str, again: Callable[[str], str],
           data: Callable[[str], str] | None, names: Mapping[str, str] | None = None) -> str:
    label = labeller(lang)
    if name.startswith("data_"):
        return data(value) if data is not None else value
    if name.startswith("unit"):
        return (names or {}).get(value, value)
    if name == "aircraft":
        shown = [(names or {}).get(v.strip(), v.strip()) for v in value.split(",")]
        return ", ".join(dict.fromkeys(shown))
    if name.startswith("num_"):
        return number(float(value), lang, 1)
    if name.startswith("pct_"):
        if not value.endswith("%"):
            return str(translations(lang).gettext(value))
        return number(float(value[:-1]), lang, 1) + "%"
    if name.startswith("cap"):
        return label("cap", value)
    if name.startswith("Ls_"):
        return ", ".join(_shown("L_" + name[3:], v.strip(), lang, again, data, names)
                         for v in value.split(","))
    if name.startswith("L_"):
        return label(name[2:].rstrip("0123456789"), value.lower().replace(" ", "_"))
    if name.startswith("line_"):
        return again(value)
    if name == "reasons":
        return "; ".join(again(part) for part in value.split("; "))
    return value


# (line, lang[, the organization file's texts in lang]) -> the line in lang
Translate = Callable[..., str]


def translator(forms: Iterable[tuple[str, str]], otherwise: Translate, *,
               in_english: bool = False) -> Translate:
    """A function writing a line in a language: a line that is its own msgid is
    translated as such, else by the first of `forms` it matches (its parts translated by
    the same function), else by `otherwise`. English lines are returned as they are,
    unless `in_english` (then written from the forms, as in another language). `data`,
    when given, writes the organization file's texts in `lang`; `names`, the units' and
    aircraft's names by their ids."""

    @cache
    def patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(f"^{pattern}$", re.S), msgid) for pattern, msgid in forms)

    def text(line: str, lang: str, data: Callable[[str], str] | None = None,
             names: Mapping[str, str] | None = None) -> str:
        english = lang == "en"
        if not line or (english and not in_english):
            return line
        if not english:
            own = str(translations(lang).gettext(line))
            if own != line:
                return own
        for pattern, msgid in patterns():
            m = pattern.match(line)
            if m is not None:
                values = {k: "" if v is None else _shown(
                              k, v, lang, lambda part: text(part, lang, data, names), data,
                              names)
                          for k, v in m.groupdict().items()}
                return str(translations(lang).gettext(msgid)) % values
        return line if english else otherwise(line, lang)

    return text
