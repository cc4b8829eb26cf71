"""The deployment plan's chart (`plan_gantt`): one row per movement, the unit's name
above its bar so that on a phone the bars start at the box's left edge (the chart keeps
its letters' size and scrolls sideways in its box), and an axis of hours whose step is
a round number of hours (1, 2, 3, 6, 12 h, a day, ...) chosen so its labels never
overlap, however long the plan."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, count
from xml.sax.saxutils import escape, quoteattr

from phalanx.web.charts import BAR, _stop
from phalanx.web.i18n import labeller, number, translator

WIDTH = 720  # the chart's width; the page draws it at least 640 px wide (app.css)
ROW = 36  # a movement's row: its unit's name, then its bar
LEFT, RIGHT = 24, 28  # room for half an axis label on either side
TOP = 28  # above the rows: the axis's labels
AXIS_CHAR_W = 6.6  # the width of a character at the axis's 11 px, about
AXIS_GAP = 14  # the least room between two labels of the axis
NAME = 40  # characters of a unit's name before it is cut (whole in its tooltip)
# a unit's name: from near the box's edge (it is above its bar, which the axis's labels
# leave room beside), at the axis's size, so that a name of NAME letters and its state
# is whole in a phone's box (the chart drawn at 640 px, app.css)
NAME_X, NAME_SIZE = 4, 11
STEPS = (1, 2, 3, 6, 12, 24, 48, 72, 168)  # hours between the axis's labels


def tick_step(end: float, span: float, widest: str) -> int:
    """The least step of the axis, in hours, whose labels (`widest` the longest) leave
    room between them over `span` units for `end` hours, ten of them at most: one of
    STEPS, then weeks."""
    room = max(len(widest) * AXIS_CHAR_W + AXIS_GAP, span / 10)
    steps = chain(STEPS, (168 * k for k in count(2)))
    return next(s for s in steps if span * s / end >= room)


def _label(name: str, state: str) -> str:
    """A unit's name and its state (units of different states share names), the name cut
    where it is very long, never the state."""
    if len(name) > NAME:
        name = name[:NAME - 1].rstrip() + "…"
    return f"{name} ({state})" if state else name


def plan_gantt(rows: list[tuple[str, str, float, float, float, str]], lang: str = "en",
               ground: Sequence[tuple[float, float]] = ()) -> str:
    """One row per movement (a unit's name, its state, departure, arrival, needed by, the
    mode): its name, and under it a bar from departure to arrival (hours from the plan's
    start), air or ground, with the needed-by time as a tick; late arrivals are marked.
    `ground`: for each row, the hours a unit flown goes by ground before its flight (to
    where it boards) and after it (from where its aircraft land), drawn as ground within
    its bar. Written in `lang`."""
    if not rows:
        return ""
    _, label = translator(lang), labeller(lang)
    hours, title, late_text, needed = _("h"), _("Deployment plan"), _("late"), _("needed by")
    end = max(max(a, n) for _l, _s, _d, a, n, _m in rows) * 1.05 or 1.0
    height = TOP + ROW * len(rows) + 8
    span = WIDTH - LEFT - RIGHT

    def x(h: float) -> float:
        return LEFT + span * max(0.0, h) / end

    step = tick_step(end, span, f"{int(end)} {hours}")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart gantt" viewBox="0 0 {WIDTH} '
           f'{height}" width="100%" role="group" aria-label={quoteattr(title)}>']
    for h in range(0, int(end) + 1, step):
        out.append(f'<line class="grid" x1="{x(h):.1f}" x2="{x(h):.1f}" y1="{TOP - 6}" '
                   f'y2="{height - 4}" stroke="#ddd"/><text class="axis" x="{x(h):.1f}" '
                   f'y="{TOP - 10}" text-anchor="middle" font-size="11">{h} {escape(hours)}</text>')
    for i, (name, state, dep, arr, need, mode) in enumerate(rows):
        y = TOP + i * ROW
        late = arr > need + 1e-6
        css = f"bar {mode}{' late' if late else ''}"
        fill = "#b03a2e" if late else ("#2f5d9b" if mode == "air" else "#5b8c3a")
        text, whole = _label(name, state), f"{name} ({state})" if state else name
        out.append(f'<text class="label" x="{NAME_X}" y="{y + 12}" font-size="{NAME_SIZE}">'
                   f'{escape(text)}'
                   + (f'<title>{escape(whole)}</title>' if text != whole else '')
                   + '</text>')
        # the time it is needed by too, which its tick shows only to the eye
        tip = (f'{whole}: {label("mode", mode)}, {number(dep, lang, 1)}–{number(arr, lang, 1)} '
               f'{hours}, {needed} {number(need, lang, 1)} {hours}'
               f'{f" ({late_text})" if late else ""}')
        out.append(f'<rect class="{css}" x="{x(dep):.1f}" y="{y + 17}" width='
                   f'"{max(2.0, x(arr) - x(dep)):.1f}" height="{BAR}" fill="{fill}"{_stop(tip)}')
        before, after = ground[i] if i < len(ground) else (0.0, 0.0)
        for start, stop in ((dep, dep + before), (arr - after, arr)):
            if stop - start > 1e-6:  # (within the bar: its tooltip names the movement)
                out.append(f'<rect class="leg road" x="{x(start):.1f}" y="{y + 17}" '
                           f'width="{x(stop) - x(start):.1f}" height="{BAR}" fill="#5b8c3a" '
                           'aria-hidden="true"/>')
        out.append(f'<line class="needed" x1="{x(need):.1f}" x2="{x(need):.1f}" y1="{y + 15}" '
                   f'y2="{y + ROW - 3}" stroke="#222" stroke-width="2"/>')
    out.append("</svg>")
    return "".join(out)
