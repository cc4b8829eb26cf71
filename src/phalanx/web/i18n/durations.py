"""A length of time given in minutes, as people read it: "45 min", "21 h 10 min",
"3 d 2 h" ("45 мин", "21 ч 10 мин", "3 сут. 2 ч"). A clock late by a day reads as a day,
not as 1,440 minutes; below a day the minutes stay, beyond it the hours are enough."""

from __future__ import annotations

from phalanx.web.i18n import N_, number, translations

MINUTES = N_("%(n)s min")
HOURS = N_("%(h)s h")
HOURS_MINUTES = N_("%(h)s h %(m)s min")
DAYS = N_("%(d)s d")
DAYS_HOURS = N_("%(d)s d %(h)s h")


def duration_text(minutes: float, lang: str) -> str:
    """`minutes`, rounded to whole minutes, in days, hours and minutes in `lang`."""
    whole = round(minutes)
    sign, whole = ("-", -whole) if whole < 0 else ("", whole)
    d, rest = divmod(whole, 24 * 60)
    h, m = divmod(rest, 60)
    if d:
        msgid, values = (DAYS_HOURS, {"d": d, "h": h}) if h else (DAYS, {"d": d})
    elif h:
        msgid, values = (HOURS_MINUTES, {"h": h, "m": m}) if m else (HOURS, {"h": h})
    else:
        msgid, values = MINUTES, {"n": m}
    shown = {k: number(v, lang, 0) for k, v in values.items()}
    return sign + str(translations(lang).gettext(msgid)) % shown
