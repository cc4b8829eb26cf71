"""Charts drawn on the server as SVG (no script, no inline style: CSS classes and
presentation attributes only), so they print and need nothing from the internet."""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from phalanx.services.organization import TimelineRowOut

ROW = 26
LABEL = 150
WIDTH = 1100
TOP = 28
COLOURS = {"member": "member", "suspended": "suspended", "signatory": "signatory"}


def membership_timeline(rows: list[TimelineRowOut], marker: date, today: date,
                        lang: str = "en") -> str:
    """One row per state, a bar per stint (member, suspended, signatory), a year axis,
    and a vertical line at `marker`."""
    starts = [s.start for r in rows for s in r.stints]
    first = date(min(starts).year, 1, 1) if starts else date(today.year - 1, 1, 1)
    last = date(max(today, marker).year + 1, 1, 1)
    span = (last - first).days or 1
    plot = WIDTH - LABEL - 30

    def x(d: date) -> float:
        d = min(max(d, first), last)
        return LABEL + plot * (d - first).days / span

    height = TOP + ROW * len(rows) + 10
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} '
           f'{height}" width="100%" role="img" aria-label="membership timeline">']
    step = 1 if last.year - first.year <= 12 else (2 if last.year - first.year <= 30 else 5)
    for year in range(first.year, last.year + 1, step):
        gx = x(date(year, 1, 1))
        out.append(f'<line class="grid" x1="{gx:.1f}" y1="{TOP - 6}" x2="{gx:.1f}" '
                   f'y2="{height - 10}"/>')
        out.append(f'<text class="axis" x="{gx:.1f}" y="{TOP - 10}" '
                   f'text-anchor="middle">{year}</text>')
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        label = row.name_ru if lang == "ru" and row.name_ru else row.name
        out.append(f'<text class="label" x="{LABEL - 8}" y="{y + ROW / 2 + 4:.1f}" '
                   f'text-anchor="end">{escape(label)}</text>')
        for s in row.stints:
            x0, x1 = x(s.start), x(s.end or last)
            end = s.end.isoformat() if s.end else "…"
            out.append(
                f'<rect class="stint {COLOURS[s.status.value]}" data-state="{row.code}" '
                f'x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1.5):.1f}" height="{ROW - 8}" '
                f'rx="3"><title>{escape(label)}: {s.status.value} {s.start.isoformat()} – '
                f'{end}</title></rect>')
    mx = x(marker)
    out.append(f'<line class="marker" x1="{mx:.1f}" y1="{TOP - 6}" x2="{mx:.1f}" '
               f'y2="{height - 10}"><title>{marker.isoformat()}</title></line>')
    out.append("</svg>")
    return "".join(out)
