"""Translations of the page texts, with gettext through Babel.

The texts are written in English in the sources; English is the message id. The
Russian catalog is ``locale/ru/LC_MESSAGES/messages.po`` (``messages.pot`` is the
template extracted from the sources). ``tests/unit/test_i18n.py`` checks that the
template is up to date with the sources and that every message has a Russian text
(neither empty nor fuzzy). To change or add texts::

    make i18n         # pybabel extract + update: new texts appear in messages.po
    (translate the empty msgstr entries of messages.po)
    make i18n         # compiles messages.mo (the app also compiles it when missing or
                      # older than the .po, so a fresh checkout works as is)

To add a language: add its code to ``Language`` in ``phalanx/domain/languages.py`` and to
``LOCALES`` here, run
``pybabel init -i src/phalanx/web/i18n/locale/messages.pot -d src/phalanx/web/i18n/locale
-l xx``, translate, and add its name to ``LANGUAGE_NAMES`` in ``pages/render.py``.

The language of a request is, in this order: ``?lang=xx`` in the query (the page then
sets the ``lang`` cookie, so the choice persists), the ``lang`` cookie, the browser's
``Accept-Language`` (``accepted_language``), and ``settings.default_language``.
``phalanx.web.pages.render.language`` decides it. A signed-in user's switch is a form that
also stores the choice as their language (``pages/auth.py``: ``/language``), which sets the
cookie at their next login and is the language their notifications are emailed in.

In a template (any template of ``pages.render.templates``; ``jinja2.ext.i18n`` with
new-style gettext, in the language of the template's ``lang`` or ``request``):

- ``{{ _('Members') }}``; ``{{ _('Members on %(day)s', day=...) }}`` fills a named
  placeholder (a literal ``%`` is written ``%%``); ``{% trans %}...{% endtrans %}``;
  ``{{ pgettext('context', 'Text') }}`` when one English text needs two translations.
- ``{{ ngettext('%(num)d row', '%(num)d rows', n) }}``: the plural rule of the language
  (CLDR: Russian one / few / many).
- ``{{ label('stage', c.stage) }}`` is the name of an enumerated value (a stage, status,
  role, marking, mode, kind...): ``labels.LABELS[group][value]``, translated with the
  group as message context; a value with no label shows with spaces for underscores.
- ``{{ name(obj) }}`` is ``obj.name_ru`` on a Russian page (when not empty), else
  ``obj.name``; ``{{ name(obj, 'title') }}`` picks ``title``/``title_ru`` the same way.
  A ``Text`` (a name in the working languages) written as ``{{ body.name }}`` shows in
  the page's language.
- ``{{ day|long_date }}`` ("1 January 2000", "1 января 2000 г."); in tables and lists a date
  is ``{{ day|day }}`` ("2000-01-01", "01.01.2000"), a moment ``{{ at|moment }}``
  ("2000-01-01 09:30", "01.01.2000 09:30") or, where the year goes without saying,
  ``{{ at|short_moment }}`` ("01-01 09:30", "01.01 09:30": a Russian reader takes "12-03"
  for the 12th of March); and
  ``{{ x|number }}`` use Babel's CLDR formats; ``{{ q|quantity(unit) }}`` writes a
  reported quantity ("1,041" for a count, "20,454.18 kg").

In Python: ``translator(lang)`` is ``_(msgid, **values)``, ``plurals(lang)`` is
``ngettext(singular, plural, n, **values)``, ``labeller(lang)`` is ``label``; mark a text
to translate later with ``N_('Text')``.
"""

from __future__ import annotations

import decimal
import io
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.core import negotiate_locale
from babel.dates import format_date, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_scientific
from babel.support import NullTranslations, Translations
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from phalanx.domain.languages import LANGUAGES
from phalanx.domain.organization import Text
from phalanx.services.texts import Texts
from phalanx.web.i18n.labels import LABELS

HERE = Path(__file__).parent
LOCALE_DIR = HERE / "locale"
# LANGUAGES: the working languages ("en", "ru", `phalanx.domain.languages`); English is
# the source language
DEFAULT = "en"
# the CLDR locale of each language (dates and numbers): British English writes
# "1 January 2000"
LOCALES = {"en": "en_GB", "ru": "ru_RU"}

Translate = Callable[..., str]


def accepted_language(header: str) -> str | None:
    """The first of `LANGUAGES` an `Accept-Language` header asks for, by its weights
    (`ru-RU,ru;q=0.9,en;q=0.8` asks for Russian); None when it asks for none of them."""
    asked: list[tuple[float, int, str]] = []
    for i, part in enumerate(header.split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0  # a malformed weight asks for nothing
        if tag and tag != "*" and weight > 0:
            asked.append((-weight, i, tag))
    found = negotiate_locale([tag for _w, _i, tag in sorted(asked)], LANGUAGES, sep="-")
    return next((code for code in LANGUAGES if found and code == found.lower()), None)


def N_(text: str) -> str:
    """Mark `text` for extraction; translate it where it is shown."""
    return text


def _compiled(po: Path, lang: str) -> bytes:
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_catalog(lang: str) -> Path:
    """The .mo file of `lang`, compiled from its .po file when missing or older."""
    po = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        mo.write_bytes(_compiled(po, lang))
    return mo


@cache
def translations(lang: str) -> NullTranslations:
    """The gettext translations of `lang` (none for English, the source language)."""
    if lang not in LANGUAGES or lang == DEFAULT:
        return NullTranslations()
    try:
        data = compile_catalog(lang).read_bytes()
    except OSError:  # an installation where the package is read-only: compiled in memory
        data = _compiled(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", lang)
    return Translations(io.BytesIO(data), domain="messages")


def _format(text: str, values: Mapping[str, Any]) -> str:
    # as jinja2.ext.i18n's new-style gettext: always a %-format string
    return text % values


def translator(lang: str) -> Translate:
    """`_(msgid, **values)`: the text in `lang` with its `%(name)s` placeholders filled."""
    tr = translations(lang)

    def _(msgid: str, /, **values: Any) -> str:
        return _format(tr.gettext(msgid), values)

    return _


def plurals(lang: str) -> Callable[..., str]:
    """`ngettext(singular, plural, n, **values)` with the language's plural rule;
    `%(num)d` is `n`."""
    tr = translations(lang)

    def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
        return _format(tr.ngettext(singular, plural, n), {"num": n, **values})

    return ngettext


def localized(lang: str) -> Callable[..., str]:
    """`name(obj, field="name")`: the Russian variant of a read model's field
    (`<field>_ru`) on a Russian page when it has one, else the field itself. Works on
    objects and on mappings."""

    def get(obj: Any, key: str) -> Any:
        if isinstance(obj, Mapping):
            return obj.get(key)
        return getattr(obj, key, None)

    def name(obj: Any, field: str = "name") -> str:
        if obj is None:
            return ""
        if isinstance(obj, Text):
            return obj.get(lang)
        value = get(obj, field)
        if isinstance(value, Text):
            return value.get(lang)
        if lang == "ru":
            value = get(obj, f"{field}_ru")
            if value:
                return str(value)
        return str(get(obj, field) or "")

    return name


def labeller(lang: str) -> Callable[[str, Any], str]:
    """`label(group, value)`: the name of an enumerated value in `lang`; a value with no
    label shows with spaces for underscores."""
    tr = translations(lang)

    def label(group: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        raw = str(getattr(value, "value", value))
        english = LABELS.get(group, {}).get(raw)
        if english is None:
            return raw.replace("_", " ")
        return str(tr.pgettext(group, english))

    return label


def texts_for(lang: str, own: Mapping[str, str] | None = None) -> Texts:
    """What the services print (PDFs, charts), in `lang`; `own`: the words the
    organization's file names its own way, by `group:value` (`errors.own_labels`)."""
    # a message of the services: an error, a line of the planner or of a timeline
    from phalanx.web.i18n.timeline import timeline_text

    plain = labeller(lang)

    def label(group: str, value: Any) -> str:
        return (own or {}).get(f"{group}:{getattr(value, 'value', value)}") \
            or plain(group, value)

    return Texts(gettext=translator(lang), label=label, lang=lang,
                 # a line of a timeline names the file's own words as its labels do
                 message=lambda text, data=None, names=None: timeline_text(
                     text, lang, data, {**(own or {}), **(names or {})}),
                 day=lambda day: long_date(day, lang),
                 number=lambda value, digits=None: number(value, lang, digits),
                 moment=lambda at: moment_text(at, lang),
                 dated=lambda day: day_text(day, lang))


def weekday(day: date, lang: str) -> str:
    """The day of the week in words: "Saturday", "суббота"."""
    return str(format_date(day, "EEEE", locale=LOCALES.get(lang, LOCALES[DEFAULT])))


def month_name(month: int, lang: str, width: str = "abbreviated") -> str:
    """A month by its name as it stands alone (a chart's column, a table's row): "Mar",
    "март"; `width` "wide" for the whole name ("March", "март")."""
    names = get_month_names(width, "stand-alone", locale=LOCALES.get(lang, LOCALES[DEFAULT]))
    return str(names[month])


def long_date(day: date, lang: str) -> str:
    """A date in words: "1 January 2000", "1 января 2000 г."."""
    text = str(format_date(day, "long", locale=LOCALES.get(lang, LOCALES[DEFAULT])))
    return text.replace("\u202f", " ")  # CLDR's narrow space before "г." as a space


# a date and a moment in figures, by language: English pages keep ISO 8601's order (year,
# month, day), Russian ones the Russian order (day, month, year: ГОСТ Р 7.0.97)
DAY = {"en": "%Y-%m-%d", "ru": "%d.%m.%Y"}
MOMENT = {"en": "%Y-%m-%d %H:%M", "ru": "%d.%m.%Y %H:%M"}
SECONDS = {"en": "%Y-%m-%d %H:%M:%S", "ru": "%d.%m.%Y %H:%M:%S"}
SHORT_MOMENT = {"en": "%m-%d %H:%M", "ru": "%d.%m %H:%M"}


def day_text(day: date | str | int, lang: str) -> str:
    """A date in figures: "2000-01-31", "31.01.2000"; an ISO text is read first, and
    anything else (a year alone, a text) shows as it is."""
    if isinstance(day, str) and len(day) == 10:
        with suppress(ValueError):
            day = date.fromisoformat(day)
    if not isinstance(day, date):
        return str(day)
    # the year in four figures, as ISO writes it (strftime gives year 1 as "1")
    return day.strftime(DAY.get(lang, DAY[DEFAULT]).replace("%Y", f"{day.year:04d}"))


def moment_text(at: datetime | str, lang: str, short: bool = False,
                seconds: bool = False) -> str:
    """A moment in figures to the minute: "2000-01-31 09:30", "31.01.2000 09:30"; with
    `short`, without the year ("01-31 09:30", "31.01 09:30"); with `seconds`, to the
    second. An ISO text is read first; the moment is shown as given (the pages write
    UTC)."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    formats = SHORT_MOMENT if short else SECONDS if seconds else MOMENT
    return at.strftime(formats.get(lang, formats[DEFAULT]).replace("%Y", f"{at.year:04d}"))


def number(value: float, lang: str, digits: int | None = None) -> str:
    """A number with the language's separators: "12,345.6", "12 345,6"; with `digits`
    decimals when given."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    locale = LOCALES.get(lang, LOCALES[DEFAULT])
    try:
        return str(format_decimal(value, format=pattern, locale=locale))
    except decimal.InvalidOperation:  # more digits than a decimal holds: "1,1E27"
        return str(format_scientific(value, locale=locale))


def _lang_of(ctx: Context) -> str:
    lang = ctx.get("lang")
    if lang in LANGUAGES:
        return str(lang)
    request = ctx.get("request")
    if request is not None:
        from phalanx.web.pages.render import language

        return language(request)
    return DEFAULT


def install(env: Environment) -> None:
    """`jinja2.ext.i18n` (`_`, `gettext`, `ngettext`, `pgettext`, `{% trans %}`), `label`,
    `name` and the `long_date`, `number` and `quantity` filters, for every template of `env`, in the
    language of the template's context (its `lang`, or its `request`)."""
    env.add_extension("jinja2.ext.i18n")

    @pass_context
    def gettext(ctx: Context, message: str) -> str:
        return str(translations(_lang_of(ctx)).gettext(message))

    @pass_context
    def ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
        return str(translations(_lang_of(ctx)).ngettext(singular, plural, n))

    @pass_context
    def pgettext(ctx: Context, context: str, message: str) -> str:
        return str(translations(_lang_of(ctx)).pgettext(context, message))

    @pass_context
    def npgettext(ctx: Context, context: str, singular: str, plural: str, n: int) -> str:
        return str(translations(_lang_of(ctx)).npgettext(context, singular, plural, n))

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)

    @pass_context
    def name(ctx: Context, obj: Any, field: str = "name") -> str:
        return localized(_lang_of(ctx))(obj, field)

    @pass_context
    def long_date_filter(ctx: Context, day: date | None) -> str:
        return long_date(day, _lang_of(ctx)) if day is not None else ""

    @pass_context
    def number_filter(ctx: Context, value: float | None, digits: int | None = None) -> str:
        return number(value, _lang_of(ctx), digits) if value is not None else ""

    @pass_context
    def quantity_filter(ctx: Context, value: float | None, unit: str,
                        decimals: int = 2) -> str:
        # a reported quantity: a count whole and without unit, a mass with its unit
        return texts_for(_lang_of(ctx)).quantity(value, unit, decimals) \
            if value is not None else ""

    @pass_context
    def label(ctx: Context, group: str, value: Any) -> str:
        # a word the organization's file names its own way (`errors.own_labels`)
        own = (ctx.get("body_names") or {}).get(f"{group}:{getattr(value, 'value', value)}")
        return own or labeller(_lang_of(ctx))(group, value)

    @pass_context
    def finalize(ctx: Context, value: Any) -> Any:
        # a name in both working languages shows in the page's one
        if isinstance(value, Text):
            return value.get(_lang_of(ctx))
        return value

    @pass_context
    def translated(ctx: Context, text: Any) -> Any:
        # a text of the dataset given in English alone, in the page's language where the
        # dataset translates it (`Organization.translations`)
        to_lang = ctx.get("dataset_text")
        return to_lang(text) if to_lang is not None else text

    @pass_context
    def moment_filter(ctx: Context, value: datetime | str | None, seconds: bool = False
                      ) -> str:
        return moment_text(value, _lang_of(ctx), seconds=seconds) if value else ""

    @pass_context
    def short_moment_filter(ctx: Context, value: datetime | str | None) -> str:
        return moment_text(value, _lang_of(ctx), short=True) if value else ""

    env.globals["name"] = name
    env.globals["label"] = label
    env.finalize = finalize
    env.filters["long_date"] = long_date_filter
    env.filters["number"] = number_filter
    # "day" is the pages' own (`pages/render.py`): a moment's day is the organization's
    # a value as one segment of an address: its slashes and signs quoted
    env.filters["quote_path"] = lambda value: quote(str(value), safe="")
    env.filters["moment"] = moment_filter
    env.filters["short_moment"] = short_moment_filter
    env.filters["quantity"] = quantity_filter
    env.filters["translated"] = translated
