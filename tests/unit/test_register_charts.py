"""The registers' bar charts: one bar per value, a tooltip on each, scaled to the
largest, and nothing a strict Content-Security-Policy would block."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from phalanx.web.charts import bars

NS = "{http://www.w3.org/2000/svg}"


def test_bars_draw_every_value_to_scale() -> None:
    svg = bars(["2024", "2025"], {"agreed": [10.0, 40.0], "delivered": [5.0, 0.0]},
               "Supplies", "million USD", chart_id="c")
    root = ET.fromstring(svg)
    rects = [r for r in root.iter(f"{NS}rect") if "bar" in r.get("class", "")]
    assert [(r.get("data-label"), r.get("data-series"), r.get("data-value")) for r in rects] == [
        ("2024", "agreed", "10"), ("2024", "delivered", "5"), ("2025", "agreed", "40"),
        ("2025", "delivered", "0")]
    heights = {(r.get("data-label"), r.get("data-series")): float(r.get("height", 0))
               for r in rects}
    assert heights["2025", "agreed"] == 4 * heights["2024", "agreed"]
    assert heights["2025", "delivered"] == 0
    assert all(r.find(f"{NS}title") is not None for r in rects)
    assert "style=" not in svg and "<script" not in svg
    assert root.find(f"{NS}desc") is not None and "2025: agreed 40" in root.find(
        f"{NS}desc").text  # type: ignore[union-attr,operator]


def test_an_empty_chart_is_still_a_chart() -> None:
    svg = bars([], {"n": []}, "Nothing <yet>")
    assert "Nothing &lt;yet&gt;" in svg and re.search(r"<svg[^>]+viewBox", svg)


def test_the_axis_and_tooltips_speak_the_pages_language_without_exponents() -> None:
    svg = bars(["2024", "2025"], {"kg": [38375.1, 50000.0]}, "Seizures", chart_id="c",
               lang="ru")
    ticks = [t.text for t in ET.fromstring(svg).iter(f"{NS}text")
             if t.get("class") == "tick"]
    assert ticks == ["0", "12\u00a0500", "25\u00a0000", "37\u00a0500", "50\u00a0000"]
    assert "e+0" not in svg and "38\u00a0375,1" in svg
    # a quarter of the top that is not whole keeps its decimal
    small = bars(["a"], {"n": [9.5]}, "t", chart_id="c")
    assert [t.text for t in ET.fromstring(small).iter(f"{NS}text")
            if t.get("class") == "tick"] == ["0.0", "2.5", "5.0", "7.5", "10.0"]
    # counts are counted in whole numbers, up to a top not far above the largest
    for counts, ticks in (([1.0, 3.0], ["0", "1", "2", "3", "4"]),
                          ([7.0, 2.0], ["0", "2", "4", "6", "8"]),
                          ([9.0], ["0", "3", "6", "9", "12"]),
                          ([665.0, 1000.0], ["0", "250", "500", "750", "1,000"])):
        svg = bars(["a"] * len(counts), {"n": counts}, "t", chart_id="c")
        assert [t.text for t in ET.fromstring(svg).iter(f"{NS}text")
                if t.get("class") == "tick"] == ticks, counts


def test_long_labels_slant_and_a_long_legend_wraps_inside_the_chart() -> None:
    names = {"reported through the system": [1.0] * 7,
             "historical total (reported by the organization)": [2.0] * 7}
    labels = ["synthetic cathinones and other new substances", *"abcdef"]
    root = ET.fromstring(bars(labels, names, "Seizures", chart_id="c"))
    width, height = (float(v) for v in root.get("viewBox", "").split()[2:])
    slanted = [t for t in root.iter(f"{NS}text") if t.get("class") == "label"]
    assert all("rotate(-35" in (t.get("transform") or "") for t in slanted)
    assert slanted[0].text.endswith("…") and slanted[0].find(f"{NS}title") is not None
    legend = [t for t in root.iter(f"{NS}text") if t.get("class") == "legend"]
    assert len({t.get("y") for t in legend}) == 2  # two lines
    for t in legend:  # each within the drawing
        assert float(t.get("x", 0)) + 6.2 * len(t.text or "") <= width
        assert float(t.get("y", 0)) <= height
    short = ET.fromstring(bars(["2024", "2025"], {"n": [1.0, 2.0]}, "t", chart_id="c"))
    assert not [t for t in short.iter(f"{NS}text") if t.get("transform")]
