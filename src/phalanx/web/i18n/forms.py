"""Lines the services write in English, matched against their forms and written again in
the reader's language by a `translator` (`plantexts`: the planner's lines; `timeline`: a
crisis's timeline and notices). A form is a regular expression whose named groups are
the placeholders of its msgid; the name says how the value shows:

- `num_*`: a number, with the language's separators and one decimal;
- `late`: whole minutes, as days, hours and minutes (`durations`), in English too;
- `pct_*`: a percentage written `12.3%` (or `n/a`);
- `cap*`: a capability, by its label;
- `L_<group>`: an enumerated value, by its label in `group` (read in lower case, spaces
  as `_`; a trailing digit tells two apart);
- `Ls_<group>`: a list of such values, `, `-separated;
- `line_*`: a part of a line, translated in turn; `reasons`: parts joined by `; `;
- `data_*`: a text of the organization's file (a body's name, a crisis category's
  basis), in the language the file gives it in, when the caller passes the file's texts;
- `unit*`: a unit, by its name ("a restricted unit" for one the reader may not see:
  `restricted`), and `aircraft`: aircraft `, `-separated, each name once, when the
  caller passes the names (`names`: an id to its name in the language);
- `number`: a decision's number, as it is; a decision named by no number (one the
  reader may not read) in the language;
- `unitkeys`: registry units `, `-separated, each by its name; a key without a name (a
  unit the reader may not see, or no names given) as "a restricted unit", never as the
  key (in English too);
- `day`, `start`, `end`, `made`, `when`, `ended`: a date ("2026-12-05"), a moment
  ("2026-12-05 10:00") or a moment in the year ("12-05 10:00"), in the language's order
  ("05.12.2026", "05.12.2026 10:00", "05.12 10:00");
- anything else: as it is (a name, an id, a text someone wrote).

An optional group that did not match shows as nothing.

With `english`, an English line keeps its words but for its keys, written by their labels
(`military_crrf` as "military (CRRF)", `all` units as "all units"; `Regular` or `head of
state` stay as they are), in the form's msgid; a translator made `in_english` writes
English lines again from their msgids (the capabilities by their labels, the units and
aircraft by their names); otherwise English is returned as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import cache

from phalanx.services.offered_units import RESTRICTED
from phalanx.web.i18n import N_, day_text, labeller, moment_text, number, translations
from phalanx.web.i18n.durations import duration_text
from phalanx.web.i18n.errors import decision_number

NUM = r"-?(?:\d+(?:\.\d+)?|inf)"
# the placeholders holding a date or a moment
MOMENTS = frozenset({"day", "start", "end", "made", "when", "ended"})


def _figures(value: str, lang: str) -> str:
    """A date or a moment the services wrote in ISO order, in the language's order; any
    other text as it is."""
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            return day_text(value, lang)
        if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", value):
            return moment_text(value, lang)
        if re.fullmatch(r"\d\d-\d\d \d\d:\d\d", value):  # (2000: a leap year, for 02-29)
            return moment_text(datetime.strptime(f"2000-{value}", "%Y-%m-%d %H:%M"), lang,
                               short=True)
    except ValueError:
        pass
    return value


# a registry unit the reader may not see, in a list of units
RESTRICTED_UNIT = N_("a restricted unit")
# an aircraft the reader may not read, by its place among the plan's ("aircraft-2")
UNREAD_AIRCRAFT_NAME = N_("aircraft %(num)s")


def _unit_names(value: str, lang: str, names: Mapping[str, str] | None) -> str:
    """Registry units' keys, `, `-separated, by their names; the others unnamed."""
    restricted = str(translations(lang).gettext(RESTRICTED_UNIT))
    return ", ".join((names or {}).get(key.strip()) or restricted for key in value.split(","))


def _shown(name: str, value: str, lang: str, again: Callable[[str], str],
           data: Callable[[str], str] | None, names: Mapping[str, str] | None = None) -> str:
    label = labeller(lang)
    if name.startswith("data_"):
        return data(value) if data is not None else value
    if name == "number":
        return decision_number(value, lang)
    if name == "title":  # a record's title as it is written in `lang`, where it has one
        return (names or {}).get(f"title:{value}", value)
    if name == "unitkeys":
        return _unit_names(value, lang, names)
    if name.startswith("unit"):
        if value == RESTRICTED:  # a unit the reader may not see, as a page shows it
            return str(translations(lang).gettext(RESTRICTED_UNIT))
        return (names or {}).get(value, value)
    if name == "aircraft":
        shown = [(names or {}).get(v.strip(), v.strip()) for v in value.split(",")]
        return ", ".join(dict.fromkeys(shown))
    if name.startswith("num_"):
        return number(float(value), lang, 1)
    if name == "late":
        return duration_text(float(value), lang)
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
        group, key = name[2:].rstrip("0123456789"), value.lower().replace(" ", "_")
        # a word the organization's file names its own way (`errors.own_labels`)
        return (names or {}).get(f"{group}:{key}") or label(group, key)
    if name.startswith("line_"):
        return again(value)
    if name == "reasons":
        return "; ".join(again(part) for part in value.split("; "))
    if name in MOMENTS:
        return _figures(value, lang)
    return value


def _english(name: str, value: str, again: Callable[[str], str],
             names: Mapping[str, str] | None = None) -> str:
    """A part of an English line: a key by its label where the key does not read as it,
    registry units by their names."""
    label = labeller("en")

    def key(group: str, raw: str) -> str:
        own = (names or {}).get(f"{group}:{raw.lower().replace(' ', '_')}")
        if own:  # a word the organization's file names its own way
            return own
        named = label(group, raw.lower().replace(" ", "_"))
        readable = raw.replace("_", " ")
        return readable if named.lower() == readable.lower() else named

    if name.startswith("Ls_"):
        return ", ".join(key(name[3:].rstrip("0123456789"), v.strip())
                         for v in value.split(","))
    if name.startswith("L_"):
        return key(name[2:].rstrip("0123456789"), value)
    if name.startswith("cap"):
        return key("cap", value)
    if name == "unitkeys":
        return _unit_names(value, "en", names)
    if name == "late":
        return duration_text(float(value), "en")
    if name.startswith("line_"):
        return again(value)
    if name == "reasons":
        return "; ".join(again(part) for part in value.split("; "))
    return value


def _labelled(msgid: str) -> bool:
    return bool(re.search(r"%\((?:Ls?_|cap|line_|reasons|unitkeys|late)", msgid))


# (line, lang[, the organization file's texts in lang]) -> the line in lang
Translate = Callable[..., str]


def translator(forms: Iterable[tuple[str, str]], otherwise: Translate,
               english: bool = False, *, in_english: bool = False) -> Translate:
    """A function writing a line in a language: a line that is its own msgid is
    translated as such, else by the first of `forms` it matches (its parts translated by
    the same function), else by `otherwise`. An English line is returned as it is, with
    `english` with its keys by their labels (`_english`), with `in_english` written from
    the forms as in another language. `data`, when given, writes the organization file's
    texts in `lang`; `names`, the units' and aircraft's names by their ids."""

    @cache
    def patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
        return tuple((re.compile(f"^{pattern}$", re.S), msgid) for pattern, msgid in forms)

    def labelled(line: str, names: Mapping[str, str] | None = None) -> str:
        if not english:
            return line
        for pattern, msgid in patterns():
            m = pattern.match(line)
            if m is not None:
                if not _labelled(msgid):
                    return line
                return msgid % {k: "" if v is None else _english(
                                    k, v, lambda part: labelled(part, names), names)
                                for k, v in m.groupdict().items()}
        return line

    def text(line: str, lang: str, data: Callable[[str], str] | None = None,
             names: Mapping[str, str] | None = None) -> str:
        is_english = lang == "en"
        if not line:
            return line
        if is_english and not in_english:
            return labelled(line, names)
        if not is_english:
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
        return line if is_english else otherwise(line, lang)

    return text
