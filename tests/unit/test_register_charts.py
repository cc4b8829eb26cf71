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
