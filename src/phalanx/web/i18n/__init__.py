"""Translations of the page texts.

One YAML catalog per language (``en.yaml``, ``ru.yaml``), flat ``key: text`` pairs, with
exactly the same keys in every catalog (``tests/unit/test_i18n.py`` checks it, and that
every ``t('key')`` a template uses exists). Texts may hold ``{placeholders}`` filled
with ``str.format``.

The language of a request is, in this order: ``?lang=xx`` in the query (the page then
sets the ``lang`` cookie, so the choice persists), the ``lang`` cookie, and
``settings.default_language``. ``phalanx.web.pages.render.language`` decides it.

In a template (any template rendered with ``render`` from ``phalanx.web.pages.render``,
or any template of its ``templates`` object that gets a ``request``):

- ``{{ t('nav_members') }}`` is the text for the page's language;
  ``{{ t('members_on', day=...) }}`` fills a placeholder;
  ``{{ t('kind_' ~ body.kind, default=body.kind) }}`` for keys built from data, with
  what to show when the catalog has no such key.
- ``{{ name(obj) }}`` is ``obj.name_ru`` on a Russian page (when not empty), else
  ``obj.name``; ``{{ name(obj, 'title') }}`` picks ``title``/``title_ru`` the same way.
- ``{{ label('stage', c.stage) }}`` is the name of an enumerated value (a stage, status,
  role, marking, mode, kind...) in the page's language: the catalog's ``stage.reported``
  (a dotted key, one group per kind of value; ``tests/unit/test_i18n.py`` checks that
  every value of the domain's enumerations has one), else the value with spaces.
- a ``Text`` (a name in the organization's working languages) written as
  ``{{ body.name }}`` shows in the page's language, never as Python's text for it.
- ``{{ plural(n, 'inbox_count') }}`` is the text for a number with the language's
  plural rule: the catalog's ``plural.inbox_count.one`` / ``.few`` / ``.many`` (Russian),
  ``.one`` / ``.other`` (English), with ``{n}`` filled.
- ``{{ day|long_date }}`` writes a date in words ("1 January 2000",
  "1 января 2000 г.").

To add a page: write the route in ``phalanx/web/pages/``, return
``render(request, "mypage.html", {...})``, and in ``mypage.html`` extend ``base.html``
and fill the ``title`` and ``content`` blocks. To add a text: add the same key to
``en.yaml`` and ``ru.yaml``. In Python, ``translator(lang)`` gives the same ``t``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from phalanx.domain.organization import Text

HERE = Path(__file__).parent
LANGUAGES = ("en", "ru")
DEFAULT = "en"

Translate = Callable[..., str]


@cache
def catalog(lang: str) -> dict[str, str]:
    """The texts of one language, key to text."""
    data = yaml.safe_load((HERE / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def translator(lang: str) -> Translate:
    """`t(key, default=None, **values)` for a language. An unknown key shows `default`,
    or the English text, or the key itself, so a missing text never breaks a page."""
    messages = catalog(lang if lang in LANGUAGES else DEFAULT)
    fallback = catalog(DEFAULT)

    def t(key: str, /, default: str | None = None, **values: Any) -> str:
        text = messages.get(key) or (default if default is not None else None) \
            or fallback.get(key) or key
        return text.format(**values) if values else text

    return t


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
    """`label(group, value)`: the name of an enumerated value in `lang` (its catalog key is
    `group.value`); a value with no label shows with spaces for underscores."""
    t = translator(lang)

    def label(group: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        raw = str(getattr(value, "value", value))
        return t(f"{group}.{raw}", default=raw.replace("_", " "))

    return label


def plural_form(n: int, lang: str) -> str:
    """The CLDR plural category of `n` in `lang`: Russian has one (1, 21, 101...), few
    (2-4, 22-24...) and many (0, 5-20, 25...); English one and other."""
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "other"


def pluralizer(lang: str) -> Callable[..., str]:
    """`plural(n, key, **values)`: the text `plural.key.<category>` for `n` (with `{n}`
    and the other placeholders filled)."""
    t = translator(lang)

    def plural(n: int, key: str, /, **values: Any) -> str:
        return t(f"plural.{key}.{plural_form(n, lang)}", n=n, **values)

    return plural


def long_date(day: date, lang: str) -> str:
    """A date in words: "1 January 2000", "1 января 2000 г."."""
    t = translator(lang)
    return t("date_long", d=day.day, month=t(f"month_{day.month}"), y=day.year)


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
    """Make `t`, `name` and the `long_date` filter available to every template of `env`,
    in the language of the template's context (its `lang`, or its `request`)."""

    @pass_context
    def t(ctx: Context, key: str, /, default: str | None = None, **values: Any) -> str:
        return translator(_lang_of(ctx))(key, default, **values)

    @pass_context
    def name(ctx: Context, obj: Any, field: str = "name") -> str:
        return localized(_lang_of(ctx))(obj, field)

    @pass_context
    def long_date_filter(ctx: Context, day: date | None) -> str:
        return long_date(day, _lang_of(ctx)) if day is not None else ""

    @pass_context
    def label(ctx: Context, group: str, value: Any) -> str:
        return labeller(_lang_of(ctx))(group, value)

    @pass_context
    def plural(ctx: Context, n: int, key: str, /, **values: Any) -> str:
        return pluralizer(_lang_of(ctx))(n, key, **values)

    @pass_context
    def finalize(ctx: Context, value: Any) -> Any:
        # a name in both working languages shows in the page's one
        if isinstance(value, Text):
            return value.get(_lang_of(ctx))
        return value

    env.globals["t"] = t
    env.globals["name"] = name
    env.globals["label"] = label
    env.globals["plural"] = plural
    env.finalize = finalize
    env.filters["long_date"] = long_date_filter
