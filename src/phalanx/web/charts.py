"""Charts drawn on the server as SVG: no script and no inline style (the pages' CSS
colours them through classes, presentation attributes give a plain default), so they
work under a strict Content-Security-Policy, print, and need nothing from the internet.

`membership_timeline` is a pure function of the timeline rows and dates: one row per
state, one bar per stint (signatory, member, not taking part, suspended) with a <title>
tooltip, a year axis from the first event to today, and a marker line at the chosen
date. Every chart's bar is a stop of the keyboard named by its tooltip (`_stop`), which
a focus or a tap writes under the chart (static/app.js): a chart is a group of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from phalanx.services.organization_terms import TimelineRowOut
from phalanx.web.i18n import day_text, labeller, number, translator

WIDTH = 1100
ROW = 24  # height of a state's row
BAR = 14  # height of a bar in the row
TOP = 44  # above the rows: the marker's date, then the years
LEGEND = 40  # below the rows
RIGHT = 16
STATUSES = ("signatory", "member", "not_taking_part", "suspended")
FILL = {"signatory": "#9aa7bd", "member": "#2f5d9b", "not_taking_part": "#7fa3cf",
        "suspended": "#c98a1a"}
MAX_AHEAD = timedelta(days=5 * 366)  # a marker this far after today widens the axis


@dataclass(frozen=True)
class Scale:
    """Dates to x coordinates, linear from `first` at `left` to `last` at `right`."""

    first: date
    last: date
    left: float
    right: float

    def x(self, day: date) -> float:
        """The x of a date; dates outside [first, last] are drawn at the edge."""
        span = (self.last - self.first).days or 1
        day = min(max(day, self.first), self.last)
        return self.left + (self.right - self.left) * (day - self.first).days / span

    def inside(self, day: date) -> bool:
        return self.first <= day <= self.last


def _stop(tip: str) -> str:
    """The end of a bar's <rect>: a stop of the keyboard named `tip`, its tooltip."""
    return f' tabindex="0" role="img" aria-label={quoteattr(tip)}><title>{escape(tip)}</title>' \
        '</rect>'


def label_width(rows: list[TimelineRowOut], lang: str) -> int:
    """Room for the longest state name (about 8 px a character at 12 px in bold), bounded."""
    longest = max((len(_label(r, lang)) for r in rows), default=8)
    return max(100, min(280, 8 * longest + 20))


def scale(rows: list[TimelineRowOut], marker: date, today: date, lang: str = "en") -> Scale:
    """The axis: from 1 January of the year of the first event to today (or to the
    marker, when it is a little after today)."""
    starts = [s.start for r in rows for s in r.stints]
    first = date(min(starts).year, 1, 1) if starts else date(today.year - 1, 1, 1)
    last = today
    if today < marker <= today + MAX_AHEAD:
        last = marker
    if last <= first:
        last = first + timedelta(days=365)
    return Scale(first, last, label_width(rows, lang), WIDTH - RIGHT)


def _label(row: TimelineRowOut, lang: str) -> str:
    return row.name_ru if lang == "ru" and row.name_ru else row.name


def _year_step(years: int) -> int:
    for step in (1, 2, 5, 10, 20, 50):
        if years / step <= 20:
            return step
    return 100


def _status_on(row: TimelineRowOut, day: date) -> str | None:
    for s in row.stints:
        if s.start <= day and (s.end is None or day < s.end):
            return s.status.value
    return None


def membership_timeline(rows: list[TimelineRowOut], marker: date, today: date,
                        lang: str = "en") -> str:
    """The membership timeline as an SVG document (a string to place in the page)."""
    _, label = translator(lang), labeller(lang)
    sc = scale(rows, marker, today, lang)
    bottom = TOP + ROW * len(rows)
    height = bottom + LEGEND
    first_year = sc.first.year
    out: list[str] = []
    add = out.append

    status_on = {r.code: _status_on(r, marker) for r in rows}
    inside = sum(1 for v in status_on.values()
                 if v in ("member", "suspended", "not_taking_part"))
    summary = _("%(n)s states, %(first)s to %(last)s. On %(day)s, %(members)s of them were "
                "in the Organization (members, including those with participation "
                "suspended or not taking part).", n=len(rows), first=first_year,
                last=sc.last.year, day=day_text(marker, lang), members=inside)
    add(f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} '
        f'{height}" width="100%" role="group" aria-labelledby="timeline-title" '
        f'aria-describedby="timeline-desc" font-family="sans-serif" font-size="12">')
    title = _("Membership over time")  # (outside the f-string, where pybabel finds it)
    add(f'<title id="timeline-title">{escape(title)}</title>')
    add(f'<desc id="timeline-desc">{escape(summary)}</desc>')

    # rows: a light band on every other row, so the eye follows a state across
    for i in range(1, len(rows), 2):
        add(f'<rect class="band" x="0" y="{TOP + i * ROW}" width="{WIDTH}" height="{ROW}" '
            f'fill="#f3f5f9"/>')

    # the year axis: a grid line every year, a label every `step` years
    step = _year_step(sc.last.year - first_year)
    add('<g class="axis">')
    for year in range(first_year, sc.last.year + 1):
        gx = sc.x(date(year, 1, 1))
        major = (year - first_year) % step == 0
        add(f'<line class="{"grid major" if major else "grid"}" x1="{gx:.1f}" y1="{TOP - 6}" '
            f'x2="{gx:.1f}" y2="{bottom}" stroke="#e3e7ee"/>')
        if major:
            add(f'<text class="year" x="{gx:.1f}" y="{TOP - 10}" text-anchor="middle" '
                f'fill="#5d6778">{year}</text>')
    add("</g>")

    # the states and their stints
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        row_name = _label(row, lang)
        now = status_on[row.code]
        cls = f"label {now}" if now else "label out"
        add(f'<g class="row" data-state={quoteattr(row.code)}>')
        add(f'<text class="{cls}" x="{sc.left - 8}" y="{y + ROW / 2 + 4:.1f}" '
            f'text-anchor="end" fill="#1d232f">{escape(row_name)}</text>')
        for s in row.stints:
            status = s.status.value
            end = s.end or sc.last
            x0, x1 = sc.x(s.start), sc.x(end)
            # a stint's end is the first day after it (docs/dataset.md: half-open): the
            # tip names its last day, as the table of that day and the register do
            until = (day_text(max(s.end - timedelta(days=1), s.start), lang) if s.end
                     else _("today"))
            tip = (f"{row_name}: {label('member_status', status)}, {day_text(s.start, lang)} "
                   f"– {until}")
            add(f'<rect class="stint {status}{"" if s.end else " open"}" '
                f'data-status="{status}" data-start="{s.start.isoformat()}" '
                f'data-end="{s.end.isoformat() if s.end else ""}" x="{x0:.1f}" '
                f'y="{y + (ROW - BAR) / 2}" width="{max(x1 - x0, 2.0):.1f}" height="{BAR}" '
                f'rx="2" fill="{FILL.get(status, "#888")}"{_stop(tip)}')
        add("</g>")

    # the chosen date
    mx = sc.x(marker)
    where = "" if sc.inside(marker) else " outside"
    anchor = "end" if mx > WIDTH - 80 else ("start" if mx < sc.left + 40 else "middle")
    add(f'<g class="marker{where}">')
    add(f'<line class="marker" x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" y2="{bottom}" '
        f'stroke="#b3261e" stroke-width="2"><title>{day_text(marker, lang)}</title></line>')
    add(f'<text class="marker-label" x="{mx:.1f}" y="12" text-anchor="{anchor}" '
        f'fill="#b3261e">{day_text(marker, lang)}</text>')
    add("</g>")

    # the legend
    lx, ly = sc.left, bottom + 16
    add('<g class="legend">')
    for status in STATUSES:
        text = label("member_status", status)
        add(f'<rect class="swatch {status}" x="{lx}" y="{ly}" width="18" height="{BAR - 2}" '
            f'rx="2" fill="{FILL[status]}"/>')
        add(f'<text x="{lx + 24}" y="{ly + 10}" fill="#1d232f">{escape(text)}</text>')
        lx += 24 + 7 * len(text) + 28
    add(f'<line class="marker-key" x1="{lx + 9}" y1="{ly - 2}" x2="{lx + 9}" y2="{ly + BAR}" '
        f'stroke="#b3261e" stroke-width="2"/>')
    chosen = _("chosen date")
    add(f'<text x="{lx + 24}" y="{ly + 10}" fill="#1d232f">{escape(chosen)}</text>')
    add("</g>")
    add("</svg>")
    return "".join(out)


def strength_bars(rows: list[tuple[str, int, int | None]], lang: str = "en") -> str:
    """Horizontal bars per formation: the strength listed in the registry, with the
    declared strength as a marker line where there is one; words and figures in `lang`,
    narrow enough to be read on a phone (the labels are the formations' abbreviations)."""
    if not rows:
        return ""
    _ = translator(lang)
    listed, declared = _("listed in the registry"), _("declared")
    left = min(230, 24 + 7 * max(len(label[:34]) for label, _v, _d in rows))
    width, row = left + 330, 26
    top = 10
    height = top + row * len(rows) + 34
    most = max(max(v, d or 0) for _l, v, d in rows) or 1
    span = width - left - 60  # room for the longest bar's figure

    def x(v: float) -> float:
        return left + span * v / most

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} '
           f'{height}" width="{width}" role="group" aria-label={quoteattr(listed)}>']
    for i, (label, value, decl) in enumerate(rows):
        y = top + i * row
        out.append(f'<text class="label" x="{left - 8}" y="{y + 16}" text-anchor="end" '
                   f'font-size="12">{escape(label[:34])}</text>')
        tip = f"{label}: {number(value, lang)} {listed}" + (
            f"; {declared}: {number(decl, lang)}" if decl else "")
        out.append(f'<rect class="bar listed" x="{left}" y="{y + 4}" width="{x(value) - left:.1f}"'
                   f' height="{BAR}" fill="#2f5d9b"{_stop(tip)}')
        out.append(f'<text class="value" x="{x(value) + 4:.1f}" y="{y + 16}" font-size="11">'
                   f'{number(value, lang)}</text>')
        if decl:
            out.append(f'<line class="declared" x1="{x(decl):.1f}" x2="{x(decl):.1f}" '
                       f'y1="{y + 1}" y2="{y + row - 3}" stroke="#c98a1a" stroke-width="3">'
                       f'<title>{escape(declared)}: {number(decl, lang)}</title></line>')
    y = top + row * len(rows) + 18
    out.append(f'<rect x="{left}" y="{y - 10}" width="14" height="10" fill="#2f5d9b"/>'
               f'<text x="{left + 20}" y="{y}" font-size="12">{escape(listed)}</text>'
               f'<line x1="{left + 180}" x2="{left + 180}" y1="{y - 12}" y2="{y + 2}" '
               f'stroke="#c98a1a" stroke-width="3"/><text x="{left + 188}" y="{y}" '
               f'font-size="12">{escape(declared)}</text>')
    out.append("</svg>")
    return "".join(out)


# --- bar charts for the registers and the Secretariat's overview -------------------------

SERIES_FILL = ("#2f5d9b", "#c98a1a", "#5b8c5a", "#9aa7bd", "#b3261e")
BAR_W, BAR_H, BAR_TOP, BAR_BOTTOM, BAR_LEFT = 560, 230, 30, 44, 56
CHAR_W = 6.2  # the width of a character at the charts' 11 px, about
LABEL_CHARS = 28  # a longer label is cut (whole in its tooltip)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= value:
            return float(m * step)
    return float(10 * step)


def _axis_top(values: list[float]) -> float:
    """The top of a value axis: a round number at or above the largest value; for whole
    numbers (counts) one whose quarters are whole too (4, not 5, over a largest of 3)."""
    most = max(values, default=0.0)
    if values and all(float(v).is_integer() for v in values):
        steps = (m * 10 ** e for e in range(12) for m in (1, 2, 3, 5, 15, 25, 125))
        return float(4 * next(s for s in sorted(steps) if 4 * s >= most))
    return _nice_max(most)


def _digits(top: float) -> int:
    """The decimals the axis's quarter steps of `top` need (12.5 needs one)."""
    return next((d for d in range(4) if all(abs(top * k / 4 * 10 ** d
                                                - round(top * k / 4 * 10 ** d)) < 1e-6
                                            for k in range(5))), 3)


def bars(labels: list[str], series: Mapping[str, Sequence[float | None]], title: str,
         unit: str = "", chart_id: str = "chart", lang: str = "en") -> str:
    """Grouped vertical bars: one group per label (a year, a kind), one bar per series,
    a value axis with four grid lines, a legend, and a <title> tooltip on every bar;
    figures in `lang`'s format. A value of None is one the series does not give: no bar
    and nothing said of it (not a zero). Labels too long for their group are slanted, and
    the legend runs on to a second line rather than past the edge."""
    names = list(series)
    top = _axis_top([v for vals in series.values() for v in vals if v is not None])
    plot_w = BAR_W - BAR_LEFT - 10
    plot_h = BAR_H - BAR_TOP - BAR_BOTTOM
    group = plot_w / max(len(labels), 1)
    bar = max(min(group * 0.8 / max(len(names), 1), 40.0), 2.0)
    longest = min(max((len(label) for label in labels), default=0), LABEL_CHARS)
    slant = longest * CHAR_W > group - 4
    label_h = int(longest * CHAR_W * 0.6) + 16 if slant else 16
    base = BAR_TOP + plot_h
    legend, lx, line = [], float(BAR_LEFT), 0
    for name in names:
        w = 16 + CHAR_W * len(name) + 18
        if lx + w > BAR_W and lx > BAR_LEFT:
            lx, line = float(BAR_LEFT), line + 1
        legend.append((lx, base + label_h + 14 + 16 * line))
        lx += w
    height = base + label_h + 16 * (line + 1) + 10
    digits = _digits(top)
    out: list[str] = []
    add = out.append
    def said(v: float) -> str:  # a figure with its unit, as the title gives it
        return number(v, lang) + (f" {unit}" if unit else "")

    # (a label none of the series gives, a month still to come, is not said)
    summary = "; ".join(f"{label}: " + ", ".join(f"{n} {said(v)}" for n in names
                                                 if (v := series[n][i]) is not None)
                        for i, label in enumerate(labels)
                        if any(series[n][i] is not None for n in names))
    add(f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" viewBox="0 0 {BAR_W} {height}" '
        f'width="100%" role="group" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{chart_id}-desc" font-family="sans-serif" font-size="11" '
        f'data-chart={quoteattr(chart_id)}>')
    add(f'<title id="{chart_id}-title">{escape(title)}</title>')
    add(f'<desc id="{chart_id}-desc">{escape(summary or title)}</desc>')
    add(f'<text x="{BAR_LEFT}" y="16" class="chart-title" fill="#1f2a44" '
        f'font-weight="600">{escape(title)}{escape(f" ({unit})" if unit else "")}</text>')
    for k in range(5):
        v = top * k / 4
        y = base - plot_h * k / 4
        add(f'<line class="grid" x1="{BAR_LEFT}" y1="{y:.1f}" x2="{BAR_W - 10}" y2="{y:.1f}" '
            f'stroke="#e3e7ee"/>')
        add(f'<text class="tick" x="{BAR_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#5d6778">{escape(number(v, lang, digits))}</text>')
    for i, label in enumerate(labels):
        gx = BAR_LEFT + group * i + (group - bar * len(names)) / 2
        for j, name in enumerate(names):
            v = series[name][i]
            if v is None:
                continue
            h = plot_h * v / top
            tip = f"{label}, {name}: {said(v)}"
            add(f'<rect class="bar s{j}" data-series={quoteattr(name)} '
                f'data-label={quoteattr(label)} data-value="{v:g}" x="{gx + j * bar:.1f}" '
                f'y="{base - h:.1f}" width="{bar - 1:.1f}" height="{max(h, 0):.1f}" '
                f'fill="{SERIES_FILL[j % len(SERIES_FILL)]}"{_stop(tip)}')
        cx = BAR_LEFT + group * i + group / 2
        shown = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"
        if slant:
            add(f'<text class="label" x="{cx:.1f}" y="{base + 12}" text-anchor="end" '
                f'transform="rotate(-35 {cx:.1f} {base + 12})" fill="#1d232f">'
                f'{escape(shown)}<title>{escape(label)}</title></text>')
        else:
            add(f'<text class="label" x="{cx:.1f}" y="{base + 14}" text-anchor="middle" '
                f'fill="#1d232f">{escape(shown)}</text>')
    for j, (name, (x, y)) in enumerate(zip(names, legend, strict=True)):
        add(f'<rect x="{x:.1f}" y="{y - 9}" width="12" height="10" '
            f'fill="{SERIES_FILL[j % len(SERIES_FILL)]}"/>')
        add(f'<text class="legend" x="{x + 16:.1f}" y="{y}" fill="#1d232f">{escape(name)}</text>')
    add("</svg>")
    return "".join(out)
