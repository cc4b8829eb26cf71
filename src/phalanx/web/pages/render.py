"""Rendering a page: the template, plus what every page shows (the organization, the
user and the state they act for, the language and its switch, the CSRF token for
forms). Texts and names in templates: see `phalanx.web.i18n`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_location
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.exc import OperationalError

from phalanx.domain.access import policy
from phalanx.domain.decisions import procedure
from phalanx.domain.languages import title_in
from phalanx.services import clock
from phalanx.services import organization as orgs
from phalanx.services.errors import unavailable
from phalanx.web import i18n
from phalanx.web.assets import static_url
from phalanx.web.auth import CSRF_FIELD, identify
from phalanx.web.form_token import FORM_TOKEN_FIELD
from phalanx.web.i18n import LANGUAGES, accepted_language, errors, localized
from phalanx.web.i18n.alert_texts import warning_text
from phalanx.web.i18n.durations import duration_text
from phalanx.web.i18n.plantexts import plan_text
from phalanx.web.i18n.timeline import notice_text, timeline_text
from phalanx.web.pages.menu import menu

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
i18n.install(templates.env)
templates.env.globals["static"] = static_url  # a static file's versioned address


def _in_page_language(translate: Callable[..., str], data: bool = False,
                      names: str = "") -> Callable[..., str]:
    """A filter writing a text of the services in the page's language with `translate`
    (given the organization file's texts in that language too, with `data`; the names of
    the units and aircraft the page gives as its variable `names`, with `names`)."""

    @pass_context
    def apply(ctx: Context, text: object, extra: Any = ()) -> str:
        lang = str(ctx.get("lang") or "en")
        if names:
            # the page's names of units, and the words the organization's file names its
            # own way (`errors.own_labels`, among the page's `body_names`); `extra`: the
            # line's own (a notification's titles in Russian, `Item.titles`)
            own = {k: v for k, v in (ctx.get("body_names") or {}).items() if ":" in k}
            return translate(str(text), lang, ctx.get("dataset_text"),
                             {**own, **(ctx.get(names) or {}), **dict(extra)})
        if data:
            return translate(str(text), lang, ctx.get("dataset_text"))
        return translate(str(text), lang)

    return apply


@pass_context
def _page_error(ctx: Context, text: object) -> str:
    # keys by their labels, in English too; bodies by their names (the page's `body_names`)
    lang = str(ctx.get("lang") or "en")
    shown = errors.translate(str(text), lang, labelled=True, bodies=ctx.get("body_names"))
    if shown == str(text) and lang != "en":
        # a draft closed with its exercise says so as the crisis's timeline does (ENDEX)
        return timeline_text(shown, lang)
    return shown


# a message of the services (a row's problem, a refusal), a line of the planner (why a
# unit, a warning), an entry of a crisis's timeline or a notice (the registry units it
# names by the names the page gives the units its reader may see: the crisis room's)
templates.env.filters["error_text"] = _page_error
templates.env.filters["plan_text"] = _in_page_language(plan_text, names="plan_names")
templates.env.filters["timeline_text"] = _in_page_language(timeline_text, names="unit_names")
templates.env.filters["notice_text"] = _in_page_language(notice_text, names="unit_names")


@pass_context
def _cap_warning(ctx: Context, warning: Any) -> str:
    """A warning of the CAP intake (a stored dict) in the page's language."""
    return warning_text(warning, str(ctx.get("lang") or "en"))


templates.env.filters["cap_warning"] = _cap_warning

@pass_context
def _titled(ctx: Context, record: Any) -> str:
    """A draft's or a decision's title in the page's language (`languages.title_in`)."""
    return title_in(record, str(ctx.get("lang") or "en"))


templates.env.filters["titled"] = _titled


@pass_context
def _minutes(ctx: Context, minutes: float | None) -> str:
    """A length of time in minutes, in days, hours and minutes in the page's language."""
    return "" if minutes is None else duration_text(minutes, str(ctx.get("lang") or "en"))


templates.env.filters["minutes"] = _minutes
# a refusal or a problem shown by itself beside a form or on the error page: a sentence
templates.env.filters["sentence"] = errors.sentence


@pass_context
def _holder(ctx: Context, kind: str, key: str) -> str:
    """Who holds a record (a document's owner, a task's assignee), in the page's
    language: the Secretariat, a body by its name, a state by its code after its kind."""
    label = i18n.labeller(str(ctx.get("lang") or "en"))
    if kind == "secretariat":
        return label("owner_kind", kind)
    if kind == "body":
        return (ctx.get("body_names") or {}).get(key, key)
    return f"{label('owner_kind', kind)}: {key}"


@pass_context
def _assignee(ctx: Context, key: str) -> str:
    """Who a finding is assigned to, named by one key (a state's code, a body's key or
    "secretariat"), in the page's language: a body by its name, the Secretariat by its
    label, a state by its code."""
    if key == "secretariat":
        return _holder(ctx, "secretariat", key)
    return (ctx.get("body_names") or {}).get(key, key)


def seat_local(zone_name: str | None, at: datetime | None) -> datetime | None:
    """`at` (UTC) where the Secretariat sits (setting `working_time_zone`, an IANA name);
    None without the setting or with a zone this system does not know."""
    if at is None or not zone_name:
        return None
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(zone)


def seat_moment(zone_name: str | None, at: datetime | None, lang: str,
                dataset_text: Callable[[str], str] | None = None) -> str:
    """A moment as the Secretariat reads it where it sits: "Moscow: Saturday, 2026-12-12
    18:00", in `lang` (the city by the organization file's name for it); empty without
    the setting. The pages give UTC first, this beside it."""
    local = seat_local(zone_name, at)
    if local is None or zone_name is None:
        return ""
    _ = i18n.translator(lang)
    return str(_("%(city)s: %(weekday)s, %(moment)s",
                 city=seat_city(zone_name, dataset_text, lang),
                 weekday=i18n.weekday(local.date(), lang),
                 moment=i18n.moment_text(local.replace(tzinfo=None), lang)))


def seat_city(zone_name: str, dataset_text: Callable[[str], str] | None = None,
              lang: str = "en") -> str:
    """The city of the working time zone (`Europe/Moscow`: Moscow), by the organization
    file's name for it in the reader's language, else by the name the language gives it
    (CLDR's: `Europe/Vienna` is "Вена" in Russian)."""
    english = zone_name.rsplit("/", 1)[-1].replace("_", " ")
    named = (dataset_text or (lambda text: text))(english)
    if named != english or lang == "en":
        return named
    try:
        return str(get_timezone_location(zone_name, locale=i18n.LOCALES.get(lang, lang),
                                         return_city=True))
    except LookupError:  # a zone the language's data does not know
        return named


@pass_context
def _at_seat(ctx: Context, at: datetime | None) -> str:
    return seat_moment(getattr(ctx.get("org"), "working_time_zone", None), at,
                       str(ctx.get("lang") or "en"), ctx.get("dataset_text"))


@pass_context
def _org_day(ctx: Context, at: datetime | None) -> str:
    """The organization's day of the moment `at` (its working time zone's, not UTC's), in
    figures in the page's language ("01.02.2026")."""
    return i18n.day_text(clock.day(ctx.get("org"), at), str(ctx.get("lang") or "en")) \
        if at else ""


@pass_context
def _day(ctx: Context, value: date | str | int | None) -> str:
    """A day in figures in the page's language; given a moment (a date and time, as a
    record's time of sending or deciding), the organization's day of it (`_org_day`),
    never UTC's: the pages work in the organization's day."""
    if isinstance(value, datetime):
        return _org_day(ctx, value)
    return i18n.day_text(value, str(ctx.get("lang") or "en")) if value else ""


@pass_context
def _seat_city(ctx: Context) -> str:
    """The working time zone's city, empty without the setting (for the forms' hints)."""
    zone_name = getattr(ctx.get("org"), "working_time_zone", None)
    return seat_city(zone_name, ctx.get("dataset_text"), str(ctx.get("lang") or "en")) \
        if zone_name else ""


@pass_context
def _seat_day_off(ctx: Context, at: datetime | None) -> str:
    """The day of the week in words where `at` falls on a day off where the Secretariat
    sits (settings `working_time_zone`, `days_off`), else empty."""
    org = ctx.get("org")
    local = seat_local(getattr(org, "working_time_zone", None), at)
    day = procedure.deadline_day(local) if local is not None else None
    if day is None or not procedure.day_off(day, getattr(org, "days_off", [])):
        return ""
    return i18n.weekday(day, str(ctx.get("lang") or "en"))


def pager(link: Callable[[int], str], page: int, size: int, shown: int, total: int
          ) -> dict[str, Any]:
    """A list's page `page` of `size` rows showing `shown` of `total`: which rows, and the
    links (`link(n)`: page n's address) to the pages before and after it (empty where
    there is none); for `_pager.html`."""
    offset = (page - 1) * size
    return {"total": total, "first": offset + 1 if shown else 0, "last": offset + shown,
            "previous": link(page - 1) if page > 1 else "",
            "next": link(page + 1) if offset + shown < total else ""}


@pass_context
def _acts_for(ctx: Context, state: str | None, act: str) -> bool:
    """May the page's reader do `act` in `state`'s name (`policy.acts_for`): a form done
    in a state's name shows only to whom the service lets do it."""
    p = ctx.get("principal")
    return p is not None and bool(state) and policy.acts_for(p, state, policy.StateAct(act))


@pass_context
def _staff(ctx: Context) -> bool:
    """Is the page's reader of the organization's staff (`policy.is_staff`): the
    Secretariat's and the Joint Staff's forms show only to them."""
    p = ctx.get("principal")
    return p is not None and policy.is_staff(p)


@pass_context
def _does(ctx: Context, duty: str) -> bool:
    """May the page's reader do `duty` (`policy.does`): a form of part of the staff shows
    only to that part."""
    p = ctx.get("principal")
    return p is not None and policy.does(p, policy.Duty(duty))


templates.env.globals["acts_for"] = _acts_for
templates.env.globals["does"] = _does
templates.env.globals["staff"] = _staff
templates.env.globals["seat_day_off"] = _seat_day_off
templates.env.globals["at_seat"] = _at_seat
templates.env.filters["org_day"] = _org_day
templates.env.filters["day"] = _day  # a moment: its organization's day
templates.env.globals["seat_city"] = _seat_city
templates.env.globals["holder"] = _holder
templates.env.globals["assignee"] = _assignee


@pass_context
def _form_guard(context: Context) -> Markup:
    """The hidden fields every form that changes something carries: the session's CSRF
    token, and a token of its own, new each time the form is shown: the form sent twice
    (a double tap, a resend after a timeout) acts once (`web.idempotency`)."""
    return Markup('<input type="hidden" name="{}" value="{}">'
                  '<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, context.get("csrf_token") or "", FORM_TOKEN_FIELD,
        secrets.token_urlsafe(18))


templates.env.globals["form_guard"] = _form_guard
LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def language(request: Request) -> str:
    """The language of the answer: `?lang=`, then the `lang` cookie (a choice made on a
    page), then the browser's `Accept-Language`, then the setting `default_language`."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    accepted = accepted_language(request.headers.get("accept-language", ""))
    if accepted is not None:
        return accepted
    default: str = request.app.state.settings.default_language
    return default


def language_links(request: Request, path: str | None = None) -> list[tuple[str, str, str]]:
    """(code, label, URL) per language: the same page and query, in that language. An
    htmx partial gives the `path` of the page it belongs to."""
    params = [(k, v) for k, v in request.query_params.multi_items()
              if k not in ("lang", "saved")]
    return [(code, LANGUAGE_NAMES.get(code, code),
             (path or request.url.path) + "?" + urlencode([*params, ("lang", code)]))
            for code in LANGUAGES]


def _org_info(request: Request, lang: str
              ) -> tuple[orgs.OrganizationOut | None, Callable[[str], str], dict[str, str]]:
    """The organization's header, its dataset's texts in `lang`, and its bodies' names
    in `lang` by key; none when no dataset is loaded, or when the database is not
    available (the page that says so is drawn without them)."""
    try:
        with request.app.state.db.read() as conn:
            org = orgs.organization(conn)
    except orgs.NotLoaded:
        return None, lambda s: s, {}
    except OperationalError as exc:
        if not unavailable(exc):
            raise
        return None, lambda s: s, {}
    return orgs.organization_info(org), org.text_in(lang), errors.body_names(org, lang)


def body_names(request: Request, lang: str) -> dict[str, str]:
    """The organization's bodies by key, each with its name in `lang` (what a message of
    the services that names a body by its key shows); none when no dataset is loaded."""
    return _org_info(request, lang)[2]


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    lang = language(request)
    try:
        principal = identify(request)
    except Exception:
        principal = None
    org, dataset_text, bodies = _org_info(request, lang)
    ctx = {
        "lang": lang,
        "dataset_text": dataset_text,
        # a body a message or a record names by its key shows by its name
        "body_names": bodies,
        "name": localized(lang),
        "languages": language_links(request),
        "principal": principal,
        "nav_items": menu(principal, org.sections if org is not None else None),
        "csrf_token": getattr(request.state, "csrf", None),
        "org": org,
        "today": clock.today(org),
        "path": request.url.path,
        # a change just made (a form sent, then this page): say it was saved
        "saved": request.query_params.get("saved") == "1",
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, ctx, status_code=status_code,
                                          headers=headers)
    if request.query_params.get("lang") in LANGUAGES:
        remember_language(response, lang)
    return response


def remember_language(response: Response, lang: str) -> None:
    """This browser's language from now on (the `lang` cookie): a page's `?lang=`, a
    signed-in user's choice, the user's own language at login."""
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")


def moment(raw: str) -> datetime | None:
    """A date and time from a form (`datetime-local`: UTC unless it names its zone);
    None when it is not one."""
    try:
        at = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def parse_day(value: str | None) -> date | None:
    """A date from a query string; ValueError names the bad value."""
    if value in (None, ""):
        return None
    assert value is not None
    if len(value) != 10:  # fromisoformat also takes 20000101 and week dates
        raise ValueError(value)
    return date.fromisoformat(value)
