"""The membership timeline: well-formed SVG, a bar per stint where its dates say, the
marker where the chosen date is, no inline style, texts in the page's language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from itertools import pairwise

import pytest

from phalanx.domain.organization import MembershipStatus as S
from phalanx.services.organization_terms import StintOut, TimelineRowOut
from phalanx.web.charts import membership_timeline, scale

NS = {"svg": "http://www.w3.org/2000/svg"}
TODAY = date(2026, 6, 1)


def row(code: str, name: str, name_ru: str,
        *stints: tuple[S, date, date | None]) -> TimelineRowOut:
    return TimelineRowOut(code=code, name=name, name_ru=name_ru,
                          stints=[StintOut(status=s, start=a, end=b) for s, a, b in stints])


ROWS = [
    row("ARM", "Armenia", "Армения",
        (S.SIGNATORY, date(1992, 5, 15), date(1994, 4, 20)),
        (S.MEMBER, date(1994, 4, 20), None)),
    row("GEO", "Georgia", "Грузия",
        (S.SIGNATORY, date(1993, 12, 9), date(1994, 4, 20)),
        (S.MEMBER, date(1994, 4, 20), date(1999, 4, 20))),
    row("UZB", "Uzbekistan", "Узбекистан",
        (S.SIGNATORY, date(1992, 5, 15), date(1994, 4, 20)),
        (S.MEMBER, date(1994, 4, 20), date(1999, 4, 20)),
        (S.MEMBER, date(2006, 8, 16), date(2012, 12, 19)),
        (S.SUSPENDED, date(2012, 12, 19), None)),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def stints(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{{{NS['svg']}}}rect") if "stint" in r.get("class", "")]


def marker(root: ET.Element) -> ET.Element:
    found = root.findall(".//svg:g[@class='marker']/svg:line", NS) or \
        root.findall(".//svg:g[@class='marker outside']/svg:line", NS)
    assert len(found) == 1
    return found[0]


def year_line(root: ET.Element, year: int) -> float:
    """The x of the grid line of 1 January of `year`, found through its label."""
    labels = {t.text: float(t.get("x", "nan")) for t in root.iter(f"{{{NS['svg']}}}text")
              if "year" in t.get("class", "")}
    return labels[str(year)]


def test_the_chart_is_well_formed_svg_with_a_title_and_a_description() -> None:
    root = parse(membership_timeline(ROWS, date(2000, 1, 1), TODAY))
    assert root.tag == f"{{{NS['svg']}}}svg"
    # a group of bars the keyboard reaches (an image's parts would be hidden from it),
    # named by its title, described by its summary
    assert root.get("role") == "group"
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert root.get("aria-labelledby") == "timeline-title" and "timeline-title" in ids
    assert root.get("aria-describedby") == "timeline-desc" and "timeline-desc" in ids
    desc = root.find("svg:desc", NS)
    assert desc is not None and "2000-01-01" in (desc.text or "")
    assert "1 of them" in (desc.text or "")  # Armenia; Georgia and Uzbekistan left in 1999


def test_one_bar_per_stint_with_its_status_and_a_tooltip() -> None:
    root = parse(membership_timeline(ROWS, date(2000, 1, 1), TODAY))
    bars = stints(root)
    assert len(bars) == sum(len(r.stints) for r in ROWS) == 8
    classes = [b.get("class", "").split() for b in bars]
    assert [c[1] for c in classes] == ["signatory", "member", "signatory", "member",
                                       "signatory", "member", "member", "suspended"]
    for bar in bars:
        title = bar.find("svg:title", NS)
        assert title is not None and re.search(r"\d{4}-\d{2}-\d{2} – ", title.text or "")
    first_uzb = bars[4].find("svg:title", NS)
    assert first_uzb is not None
    assert first_uzb.text == "Uzbekistan: signatory, 1992-05-15 – 1994-04-19"


def test_bars_start_and_end_at_their_dates() -> None:
    root = parse(membership_timeline(ROWS, date(2000, 1, 1), TODAY))
    sc = scale(ROWS, date(2000, 1, 1), TODAY)
    bars = stints(root)
    for bar, (r, s) in zip(bars, [(r, s) for r in ROWS for s in r.stints], strict=True):
        x, w = float(bar.get("x", "nan")), float(bar.get("width", "nan"))
        assert x == pytest.approx(sc.x(s.start), abs=0.06)
        assert x + w == pytest.approx(sc.x(s.end or TODAY), abs=0.11)
    # a stint still going on reaches today, the right end of the axis
    assert float(bars[1].get("x", "0")) + float(bars[1].get("width", "0")) == \
        pytest.approx(sc.right, abs=0.11)
    assert "open" in bars[1].get("class", "")
    assert "open" not in bars[2].get("class", "")


def test_the_axis_runs_from_the_first_event_to_today() -> None:
    sc = scale(ROWS, date(2000, 1, 1), TODAY)
    assert sc.first == date(1992, 1, 1)
    assert sc.last == TODAY
    root = parse(membership_timeline(ROWS, date(2000, 1, 1), TODAY))
    years = [int(t.text or 0) for t in root.iter(f"{{{NS['svg']}}}text")
             if "year" in t.get("class", "")]
    assert years[0] == 1992 and years[-1] <= 2026
    assert years == sorted(years)


@pytest.mark.parametrize("day", [date(2000, 1, 1), date(2013, 6, 1), date(1992, 1, 1)])
def test_the_marker_is_at_the_chosen_date(day: date) -> None:
    root = parse(membership_timeline(ROWS, day, TODAY))
    line = marker(root)
    x1 = float(line.get("x1", "nan"))
    assert x1 == float(line.get("x2", "nan"))
    assert x1 == pytest.approx(scale(ROWS, day, TODAY).x(day), abs=0.06)
    title = line.find("svg:title", NS)
    assert title is not None and title.text == day.isoformat()
    if day.month == 1 and day.day == 1:
        # on 1 January the marker lies on that year's grid line, when the year is labelled
        years = {t.text for t in root.iter(f"{{{NS['svg']}}}text")
                 if "year" in t.get("class", "")}
        if str(day.year) in years:
            assert x1 == pytest.approx(year_line(root, day.year), abs=0.06)


def test_the_marker_moves_right_with_the_date() -> None:
    xs = [float(marker(parse(membership_timeline(ROWS, d, TODAY))).get("x1", "nan"))
          for d in (date(1995, 1, 1), date(2000, 1, 1), date(2010, 1, 1))]
    assert xs == sorted(xs) and len(set(xs)) == 3
    # linear: ten years are twice five
    assert xs[2] - xs[1] == pytest.approx(2 * (xs[1] - xs[0]), rel=0.01)


def test_a_date_beyond_the_axis_is_drawn_at_the_edge_and_said() -> None:
    root = parse(membership_timeline(ROWS, date(1900, 1, 1), TODAY))
    g = root.find(".//svg:g[@class='marker outside']", NS)
    assert g is not None
    assert float(marker(root).get("x1", "nan")) == pytest.approx(scale(ROWS, TODAY, TODAY).left)
    # a date a little after today widens the axis up to it
    soon = date(2027, 1, 1)
    assert scale(ROWS, soon, TODAY).last == soon


def test_states_in_the_organization_on_the_date_are_marked() -> None:
    root = parse(membership_timeline(ROWS, date(2000, 1, 1), TODAY))
    labels = {t.text: t.get("class", "") for t in root.iter(f"{{{NS['svg']}}}text")
              if "label" in t.get("class", "").split()}
    assert labels == {"Armenia": "label member", "Georgia": "label out",
                      "Uzbekistan": "label out"}
    later = parse(membership_timeline(ROWS, date(2020, 1, 1), TODAY))
    assert any(t.text == "Uzbekistan" and "suspended" in t.get("class", "")
               for t in later.iter(f"{{{NS['svg']}}}text"))


def test_russian_names_and_texts() -> None:
    svg = membership_timeline(ROWS, date(2000, 1, 1), TODAY, "ru")
    root = parse(svg)
    assert "Армения" in svg and "Armenia" not in svg
    titles = [t.text or "" for t in root.iter(f"{{{NS['svg']}}}title")]
    assert "Узбекистан: участие приостановлено, 19.12.2012 – по сей день" in titles


def test_no_inline_style_and_nothing_to_run() -> None:
    svg = membership_timeline(ROWS, date(2000, 1, 1), TODAY)
    root = parse(svg)
    for e in root.iter():
        assert "style" not in e.attrib
        assert not any(a.startswith("on") for a in e.attrib)
        assert e.tag.split("}")[1] not in ("script", "style", "foreignObject")


def test_names_are_escaped() -> None:
    rows = [row("XXX", "Tom & <Jerry>", "", (S.MEMBER, date(2000, 1, 1), None))]
    root = parse(membership_timeline(rows, date(2001, 1, 1), TODAY))
    assert any(t.text == "Tom & <Jerry>" for t in root.iter(f"{{{NS['svg']}}}text"))


def test_no_rows_still_draws_an_axis() -> None:
    root = parse(membership_timeline([], date(2020, 1, 1), TODAY))
    assert stints(root) == []
    assert marker(root) is not None


def test_a_member_not_taking_part_has_its_own_bar_and_legend_entry() -> None:
    rows = [row("ARM", "Armenia", "Армения",
                (S.MEMBER, date(1994, 4, 20), date(2024, 2, 1)),
                (S.NOT_TAKING_PART, date(2024, 2, 1), None))]
    svg = membership_timeline(rows, date(2024, 6, 1), TODAY)
    root = ET.fromstring(svg)
    bars = root.findall(".//svg:rect[@data-status='not_taking_part']", NS)
    assert len(bars) == 1 and bars[0].get("data-start") == "2024-02-01"
    assert "not taking part" in (bars[0].findtext("svg:title", namespaces=NS) or "")
    assert root.findall(".//svg:rect[@class='swatch not_taking_part']", NS)
    assert "1 of them were in the Organization" in (root.findtext("svg:desc", namespaces=NS)
                                                     or "")


def test_the_formations_chart_speaks_the_pages_language() -> None:
    from phalanx.web.charts import strength_bars

    rows = [("КСОР", 20800, 20000), ("Миротворческие силы", 3600, 3600)]
    ru = ET.fromstring(strength_bars(rows, "ru"))
    texts = [t.text for t in ru.iter("{http://www.w3.org/2000/svg}text")]
    assert "в реестре" in texts and "объявлено" in texts
    assert "20\u00a0800" in texts  # the Russian thousands separator, not "20,800"
    en = strength_bars([("CRRF", 20800, 20000)], "en")
    assert "listed in the registry" in en and "20,800" in en
    # the chart is as wide as its labels need: the phone reads it at a larger scale
    widths = [float(ET.fromstring(strength_bars(r, "en")).get("viewBox").split()[2])
              for r in ([("CRRF", 1, None)], [("A long formation name here", 1, None)])]
    assert widths[0] < widths[1] <= 560


def test_every_bar_of_every_chart_is_a_keyboard_stop_named_by_its_tooltip() -> None:
    """A bar's figure is in its tooltip, which a keyboard never shows: each bar is
    focusable, an image whose name is its tooltip's words (static/app.js writes them
    under the chart on focus), and the chart a group of them, named."""
    from phalanx.web.charts import bars, strength_bars
    from phalanx.web.gantt import plan_gantt

    charts = {
        "timeline": membership_timeline(ROWS, date(2000, 1, 1), TODAY),
        "bars": bars(["2024", "2025"], {"agreed": [10.0, 40.0], "paid": [5.0, 0.0]},
                     "Supplies", chart_id="c"),
        "strength": strength_bars([("CRRF", 20800, 20000), ("CPF", 3600, None)], "ru"),
        "gantt": plan_gantt([("1st brigade", "KAZ", 0.0, 12.5, 10.0, "air"),
                             ("2nd brigade", "RUS", 2.0, 30.0, 36.0, "road")]),
    }
    names: dict[str, list[str]] = {}
    for kind, svg in charts.items():
        root = parse(svg)
        assert root.get("role") == "group", kind
        assert root.get("aria-label") or root.get("aria-labelledby"), kind
        marks = [r for r in root.iter(f"{{{NS['svg']}}}rect")
                 if {"bar", "stint"} & set(r.get("class", "").split())]
        assert marks, kind
        for mark in marks:
            tip = mark.findtext("svg:title", namespaces=NS)
            assert mark.get("tabindex") == "0" and mark.get("role") == "img", kind
            assert tip and mark.get("aria-label") == tip, kind
        names[kind] = [m.get("aria-label", "") for m in marks]
    assert len(names["timeline"]) == 8 and len(names["bars"]) == 4
    assert names["bars"][0] == "2024, agreed: 10"
    assert names["timeline"][4] == "Uzbekistan: signatory, 1992-05-15 – 1994-04-19"
    # the formation's declared strength too, which its bar's line only shows to the eye
    assert names["strength"] == ["CRRF: 20\u00a0800 в реестре; объявлено: 20\u00a0000",
                                 "CPF: 3\u00a0600 в реестре"]
    # the time the unit is needed by too, which its tick only shows to the eye
    assert names["gantt"] == ["1st brigade (KAZ): by air, 0.0–12.5 h, needed by 10.0 h (late)",
                              "2nd brigade (RUS): by ground, 2.0–30.0 h, needed by 36.0 h"]
    # the legend's swatches are no stops
    legend = parse(charts["timeline"]).findall(".//svg:rect[@class='swatch member']", NS)
    assert legend and legend[0].get("tabindex") is None


@pytest.mark.parametrize("hours", [0.4, 3.0, 11.0, 12.5, 20.0, 29.0, 30.0, 75.0, 400.0, 3000.0])
def test_the_plans_axis_has_a_round_step_and_room_for_its_labels(hours: float) -> None:
    """A plan of 12 to 30 hours had a label every hour, 20 px apart: they overlapped.
    The step is a round number of hours and leaves each label the room it needs."""
    from phalanx.web.gantt import plan_gantt

    svg = plan_gantt([("1st brigade", "KAZ", 0.0, hours, hours, "air")], "ru")
    ticks = [(float(t.get("x", 0)), t.text or "")
             for t in parse(svg).iterfind(".//svg:text[@class='axis']", NS)]
    values = [int(text.split()[0]) for _x, text in ticks]
    step = values[1] - values[0] if len(values) > 1 else 1
    assert step in (1, 2, 3, 6, 12, 24, 48, 72, 168) or step % 168 == 0
    assert values == list(range(0, values[-1] + 1, step)) and len(values) <= 11
    widest = max(len(text) for _x, text in ticks) * 6.6  # at 11 px
    assert all(b - a >= widest + 8 for (a, _), (b, _) in pairwise(ticks))
    # the unit's name above its bar, which starts at the chart's left edge
    name = parse(svg).find(".//svg:text[@class='label']", NS)
    bar = parse(svg).find(".//svg:rect", NS)
    assert name is not None and bar is not None
    assert float(bar.get("y", 0)) > float(name.get("y", 0)) and float(bar.get("x", 0)) < 30


def test_a_units_ways_by_ground_show_within_its_bar_by_air() -> None:
    """A unit that goes 1 h by ground to where it boards and 4 h by ground from where its
    aircraft land: those hours are drawn as ground at either end of its bar, which stays
    the one stop of the keyboard."""
    from phalanx.web.gantt import plan_gantt

    svg = parse(plan_gantt([("1st brigade", "KAZ", 2.0, 12.0, 20.0, "air"),
                            ("2nd brigade", "RUS", 2.0, 30.0, 36.0, "road")], "en",
                           [(1.0, 4.0), (0.0, 0.0)]))
    bar = svg.find(".//svg:rect[@class='bar air']", NS)
    legs = svg.findall(".//svg:rect[@class='leg road']", NS)
    assert bar is not None and len(legs) == 2
    left, width = float(bar.get("x", 0)), float(bar.get("width", 0))
    per_hour = width / 10.0
    assert float(legs[0].get("x", 0)) == pytest.approx(left, abs=0.25)
    assert float(legs[0].get("width", 0)) == pytest.approx(per_hour, abs=0.25)
    assert float(legs[1].get("x", 0)) + float(legs[1].get("width", 0)) == pytest.approx(
        left + width, abs=0.25)
    assert float(legs[1].get("width", 0)) == pytest.approx(4 * per_hour, abs=0.25)
    assert all(leg.get("aria-hidden") == "true" and leg.get("tabindex") is None
               for leg in legs)


def test_a_stints_tip_names_its_last_day() -> None:
    """A stint ends the day before the next begins (periods are half-open): Georgia was a
    member until 1999-04-19 and no longer on 1999-04-20, as the table of that day says;
    the tip said "member, 1994-04-20 – 1999-04-20", and Uzbekistan "member ... –
    2012-12-19" beside "participation suspended, 2012-12-19 – today"."""
    for lang, member, signatory, suspended in (
            ("en", "Georgia: member, 1994-04-20 – 1999-04-19",
             "Georgia: signatory, 1993-12-09 – 1994-04-19",
             "Uzbekistan: member, 2006-08-16 – 2012-12-18"),
            ("ru", "Грузия: член, 20.04.1994 – 19.04.1999",
             "Грузия: подписант, 09.12.1993 – 19.04.1994",
             "Узбекистан: член, 16.08.2006 – 18.12.2012")):
        root = parse(membership_timeline(ROWS, date(1999, 4, 20), TODAY, lang))
        titles = [t.text or "" for t in root.iter(f"{{{NS['svg']}}}title")]
        assert {member, signatory, suspended} <= set(titles), titles


def test_a_bar_says_its_figure_with_the_charts_unit() -> None:
    """A bar read out by a screen reader (its name, its tooltip) and the chart's
    description give each figure with the unit the title gives ("kg"), else a count is
    heard where a weight is meant."""
    from phalanx.web.charts import bars

    svg = bars(["март", "апрель"], {"изъятия": [9579.72, None]}, "Изъятия по месяцам", "кг",
               chart_id="months", lang="ru")
    root = ET.fromstring(svg)
    named = [r.get("aria-label") for r in root.iter("{http://www.w3.org/2000/svg}rect")
             if r.get("aria-label")]
    assert [n.replace("\u00a0", " ").replace("\u202f", " ") for n in named] == [
        "март, изъятия: 9 579,72 кг"], named
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert desc is not None and desc.text is not None
    assert desc.text.replace("\u00a0", " ") == "март: изъятия 9 579,72 кг", desc.text
