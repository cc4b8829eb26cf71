"""Error messages in the reader's language, at the web edge.

The services and the domain refuse in English (`NotFound`, `Forbidden`, `Invalid`,
`Conflict`, the crisis algorithm's refusals); the API's problem details and the error
pages translate them here. A fixed message is its own msgid (`error_messages`); a
message with values is matched against the stable templates of `error_templates`
(English, with named placeholders), and the template is translated and filled. Values
that are enumerated (a stage, a role, a kind of record) are shown with their label. A
message no template matches shows as it is (the tests list the ones users meet). A body
of the organization a message names by its key ("csc") shows by its name in the
reader's language when the caller gives the names (`body_names`).

To translate a new message: add it to `error_messages.MESSAGES`, or its template to
`error_templates.TEMPLATES`, with `N_`; run `make i18n` and write its Russian text in
`messages.po`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import cache
from http import HTTPStatus
from typing import Any

from phalanx.domain.decisions.procedure import WEEKDAYS as WEEKDAY_NAMES
from phalanx.domain.organization import Organization
from phalanx.web.i18n import (
    day_text,
    forces_refusals,
    labeller,
    long_date,
    moment_text,
    translations,
    weekday,
)
from phalanx.web.i18n.error_messages import MESSAGES, TITLES
from phalanx.web.i18n.error_templates import (
    BODIES,
    BODY_LISTS,
    DATES,
    FIGURES,
    LISTS,
    MOMENTS,
    NESTED,
    OWN_TEXTS,
    PATHS,
    TEMPLATES,
    URLS,
    VALUES,
    WEEKDAYS,
)
from phalanx.web.i18n.labels import LABELS
from phalanx.web.i18n.validation import VALIDATION

_FIXED = frozenset(MESSAGES)
# a body's key -> its name in the reader's language
Names = Mapping[str, str]


def body_names(org: Organization, lang: str) -> dict[str, str]:
    """The organization's bodies by key, each with its name in `lang` (what `translate`
    writes for a body a message names by its key); and the articles of its founding
    agreement its refusals cite (settings `consultation_articles`,
    `collective_defence_articles`), each as its file translates it."""
    text = org.text_in(lang)
    articles = [*(org.settings.get("consultation_articles") or []),
                *(org.settings.get("collective_defence_articles") or [])]
    return {**{a: text(a) for a in articles}, **own_labels(org, lang),
            **{key: body.name.get(lang) for key, body in org.bodies.items()}}


def own_labels(org: Organization, lang: str) -> dict[str, str]:
    """The labels the organization's file gives its own words, by `group:value`: the
    rapid-reaction measure named after the formation it uses first (settings
    `measure_formations`: the CSTO's "military (CRRF)", another's its own force's
    abbreviation); none where the file names no formation for it."""
    formations = {f.get("key"): f for f in (org.forces or {}).get("formations", [])}
    keys = (org.settings.get("measure_formations") or {}).get("military_crrf") or []
    abbreviation = (formations.get(keys[0]) or {}).get("abbreviation") or {} if keys else {}
    short = abbreviation.get(lang) or abbreviation.get("en")
    if not short:
        return {}
    named = translations(lang).pgettext("measure", "military (%(force)s)")
    return {"measure:military_crrf": str(named) % {"force": short}}


def _placeholder(name: str) -> str:
    # a value shown with its label is a key or a list of keys: it never spans the text
    # around it (in "military_crrf: CSC-2026-006 was adopted ..." the measure ends at ":")
    if name == "crisis":  # a crisis by its number
        return r"\d+"
    if name in VALUES:
        return r"[\w .\-]+?"
    if name in LISTS:
        return r"[\w ,.\-]+?"
    if name in BODIES:  # a body's key ("csc", "permanent-council"): one word
        return r"[\w\-]+?"
    if name in BODY_LISTS:
        return r"[\w ,\-]+?"
    if name in URLS:
        return r"https?://\S+?"
    if name in PATHS:
        return r"/[^\s:;,]*"
    return ".+?"


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for template in TEMPLATES:
        parts = re.split(r"%\((\w+)\)s", template)
        regex = "".join(re.escape(p.replace("%%", "%")) if i % 2 == 0 else
                        f"['\"]?(?P<{p}>{_placeholder(p)})['\"]?"
                        for i, p in enumerate(parts))
        out.append((template, re.compile(f"^{regex}$", re.S)))
    return out


def status_title(status: int, lang: str) -> str:
    """The title of an error status ("Not Found", "Не найдено")."""
    english = TITLES.get(status)
    if english is None:
        try:
            return HTTPStatus(status).phrase
        except ValueError:
            return "Error"
    return str(translations(lang).gettext(english))


def translate(message: str, lang: str, *, labelled: bool = False,
              bodies: Names | None = None) -> str:
    """An English message of the services in `lang`: the message itself when it is a
    msgid, else the first template it matches, filled; several refusals joined by "; "
    are translated one by one. With `labelled` an English message is also written for a
    person (what a page shows): enumerated values by their labels ("military (CRRF)",
    not "military_crrf") and dates in words; without it an English message is returned as
    the services wrote it (the API's problem details). `bodies` names the bodies a
    message names by key (`body_names`); without it they stay keys."""
    if not message or (lang == "en" and not labelled):
        return message
    found = _translated(message, lang, bodies or {})
    return message if found is None else found


def _body(key: str, lang: str, bodies: Names) -> str:
    """A body a message names by its key, by its name; a text in place of one ("no
    body") translated."""
    if key in bodies:
        return bodies[key]
    return str(translations(lang).gettext(key)) if key in _FIXED else key


def _value(name: str, value: str, lang: str, bodies: Names) -> str:
    label = labeller(lang)
    if name in BODIES:
        return _body(value, lang, bodies)
    if name in BODY_LISTS:
        return ", ".join(_body(v, lang, bodies) for v in value.split(", "))
    if name in VALUES:
        return bodies.get(f"{VALUES[name]}:{value}") or _label(label, VALUES[name], value)
    if name in LISTS:
        return ", ".join(bodies.get(f"{LISTS[name]}:{v}") or _label(label, LISTS[name], v)
                         for v in value.split(", "))
    if name in NESTED:
        return translate(value, lang, labelled=True, bodies=bodies)
    if name in OWN_TEXTS:
        return bodies.get(value, value)
    if name == "number":
        return decision_number(value, lang)
    if name in WEEKDAYS and value in WEEKDAY_NAMES:  # a Monday's date plus the day's index
        return weekday(date(2024, 1, 1 + WEEKDAY_NAMES.index(value)), lang)
    try:
        if name in DATES:
            return long_date(date.fromisoformat(value), lang)
        if name in MOMENTS:
            at = datetime.fromisoformat(value).astimezone(UTC)
            return f"{long_date(at.date(), lang)} {at:%H:%M} UTC"
        figures = re.fullmatch(r"(\d{4}-\d\d-\d\d)( \d\d:\d\d)?(.*)", value, re.S)
        if name in FIGURES and figures is not None:
            when = figures[1] + (figures[2] or "")
            return (moment_text(when, lang) if figures[2] else day_text(when, lang)) + figures[3]
    except ValueError:
        pass
    return value


def _label(label: Callable[[str, Any], str], group: str, value: str) -> str:
    # a message may write a key with spaces for underscores ('no action')
    key = value.replace(" ", "_") if value.replace(" ", "_") in LABELS.get(group, {}) \
        else value
    return label(group, key)


def _translated(message: str, lang: str, bodies: Names) -> str | None:
    """`message` in `lang`, or None when no msgid and no template knows it."""
    tr = translations(lang)
    if message in _FIXED or tr.gettext(message) != message:
        return str(tr.gettext(message))
    parts = message.split("; ") if "; " in message else []
    done = [_translated(p, lang, bodies) for p in parts]
    if parts and all(d is not None for d in done):
        return "; ".join(d for d in done if d is not None)  # several refusals, each known
    for template, pattern in _patterns():
        m = pattern.match(message)
        if m is not None:
            return str(tr.gettext(template)) % {
                name: _value(name, value, lang, bodies)
                for name, value in m.groupdict().items()}
    if any(d is not None for d in done):
        return "; ".join(d if d is not None else p for d, p in zip(done, parts, strict=True))
    return None


def decision_number(value: str, lang: str) -> str:
    """A decision named by its number, as it is; one named by no number in `lang`."""
    if value in forces_refusals.UNNAMED_DECISIONS:
        return str(translations(lang).gettext(value))
    return value


def not_found(kind: str, key: object, lang: str) -> str:
    """"no crisis 5" in `lang`, with the kind of record as its label."""
    shown = repr(key) if isinstance(key, str) else str(key)
    return str(translations(lang).gettext("no %(record)s %(key)s")) % {
        "record": labeller(lang)("record", kind), "key": shown}


def validation_message(error: dict[str, Any], lang: str) -> str:
    """What is wrong with one field of a request, in `lang`."""
    english = VALIDATION.get(str(error.get("type", "")))
    if english is None:
        # a model's own check ("Value error, a feed is an http:// or https:// URL") says
        # what is wrong in its message: that message, where it is translated
        msg = str(error.get("msg", ""))
        own = msg.removeprefix("Value error, ") if error.get("type") == "value_error" else msg
        shown = translate(own, lang)
        return msg if shown == own else shown
    return str(translations(lang).gettext(english))


# the first word of a message: up to a space or a punctuation mark that ends a word
_FIRST_WORD = re.compile(r"[^\s:;,!?()\"'«»]+")


def sentence(text: str) -> str:
    """A message shown by itself on a page (a refusal beside a form, an error page) as a
    sentence: its first letter a capital when it starts with a word of lower-case letters
    ("the session is closed" → "The session is closed", "сессия закрыта" → "Сессия
    закрыта"). The rest never changes, and a message that starts with anything else is
    left as it is: an identifier or a value as it was typed ("c01", "text_en",
    "body.lat", "rep-kaz", "iPhone"), a figure, a quote. The services' messages and the
    API's problem details stay as they are written (clients may match them)."""
    text = text if isinstance(text, str) else str(text)
    m = _FIRST_WORD.match(text)
    word = m.group(0).removesuffix(".") if m is not None else ""
    if not word or not word.isalpha() or not word.islower():
        return text
    return text[:1].upper() + text[1:]
