"""A liaison officer's working day on a phone, in Russian: a session that ends while a
situation report is being typed loses nothing (the login page says so, and the text is
back in the form after logging in again, gone once the report is sent; logging out, or
another user's logging in, forgets it); a chart keeps letters one can read and gives a
bar's figure to a tap (its tooltip is for a mouse); a session's seats keep their words
inside them, and their buttons say what they record. The layout checks (widths, tables,
tap targets, dates) are in test_layout_browser.py, the maps' in test_forces_browser.py."""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import pytest

from phalanx.services.db import Database
from tests.e2e.demo_site import (  # noqa: F401  (the shared demo site)
    base_url,
    consultation_draft,
    layout_db,
    phone,
    sign_in,
)
from tests.support.sessions import end_sessions

pytestmark = pytest.mark.browser
DRAFTS = "Object.keys(sessionStorage).filter(k => k.startsWith('phalanx-draft:')).length"


def _real_crisis(page: Any, base_url: str) -> str:  # noqa: F811
    page.goto(f"{base_url}/crises")
    return str(page.locator("#crisis-board a[href^='/crises/']").first.get_attribute("href"))


def test_an_ended_session_keeps_the_report_being_typed(browser: Any, base_url: str,  # noqa: F811
                                                       layout_db: Database) -> None:  # noqa: F811
    ctx = phone(browser, 390, 844)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("rep-kaz", "demo-rep-kaz"))
        room = _real_crisis(page, base_url)
        page.goto(f"{base_url}{room}?lang=ru")
        form = page.locator("#sitrep-form")
        form.locator("textarea[name=situation]").fill("Обстановка в районе стабилизируется")
        form.locator("input[name=casualties]").fill("нет")
        # the working day is long: the session ends before the report is sent
        end_sessions(layout_db, "rep-kaz")
        with page.expect_navigation(url=re.compile(r"/login\?")):
            form.locator("button[type=submit]").tap()
        assert "Сеанс завершён" in page.locator("#session-ended").inner_text()
        page.fill("input[name=username]", "rep-kaz")
        page.fill("input[name=password]", "demo-rep-kaz")
        with page.expect_navigation(url=re.compile(rf"{room}(\?|$)")):  # the form's page
            page.locator("form.stack button[type=submit]").tap()
        assert form.locator("textarea[name=situation]").input_value() == \
            "Обстановка в районе стабилизируется"
        assert form.locator("input[name=casualties]").input_value() == "нет"
        assert "не отправили" in form.locator(".draft-restored").inner_text()
        with page.expect_navigation(url=re.compile(r"saved=1")):
            form.locator("button[type=submit]").tap()
        assert page.locator("#saved").is_visible()
        assert "Обстановка в районе стабилизируется" in page.locator("#sitreps").inner_text()
        assert form.locator("textarea[name=situation]").input_value() == ""
        assert page.evaluate(DRAFTS) == 0
        # typed, not sent, then logging out: the phone keeps nothing of it
        form.locator("textarea[name=situation]").fill("Черновик")
        assert page.evaluate(DRAFTS) == 1
        with page.expect_navigation():
            page.locator("form[action='/logout'] button").tap()
        assert page.evaluate(DRAFTS) == 0
        # nor is it left for the next person who logs in on this phone
        sign_in(page, base_url, ("rep-kaz", "demo-rep-kaz"))
        page.goto(f"{base_url}{room}?lang=ru")
        form.locator("textarea[name=situation]").fill("Черновик")
        assert page.evaluate(DRAFTS) == 1
        sign_in(page, base_url, ("rep-arm", "demo-rep-arm"))
        assert page.evaluate(DRAFTS) == 0
    finally:
        ctx.close()


def test_a_chart_is_read_and_its_bars_tapped_on_a_phone(browser: Any,
                                                        base_url: str) -> None:  # noqa: F811
    ctx = phone(browser)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("rep-kaz", "demo-rep-kaz"))
        page.goto(f"{base_url}/operations/channel?lang=ru")
        chart = page.locator("svg[data-chart='substance-chart']")
        # its letters at their size (11 px), the chart scrolling inside its box
        tick = chart.locator("text.tick").first.bounding_box()
        assert tick["height"] >= 10, tick
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        box = page.locator(".chart:has(svg[data-chart='substance-chart'])")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth && b.tabIndex === 0")
        bar = chart.locator("rect.bar").first
        bar.scroll_into_view_if_needed()
        bar.tap()
        tip = page.locator("p.chart-tip").first
        assert tip.inner_text() == bar.locator("title").text_content()
        assert re.search(r"\d", tip.inner_text()) and tip.get_attribute("role") == "status"
    finally:
        ctx.close()


# the deployment plan's chart as drawn: its axis's labels, its units' names and bars, the
# chart and the box it scrolls in (`frame`), each a rectangle on the screen
GANTT = """() => {
  const svg = document.querySelector('svg.gantt');
  const rect = (e) => { const r = e.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {box: rect(svg.closest('.chart')), frame: rect(svg.parentElement),
          axis: Array.from(svg.querySelectorAll('text.axis'), rect),
          names: Array.from(svg.querySelectorAll('text.label'), rect),
          bars: Array.from(svg.querySelectorAll('rect.bar'), rect)};
}"""


def test_the_deployment_plan_reads_on_a_phone(browser: Any, base_url: str) -> None:  # noqa: F811
    """The plan's chart on a phone: its axis's labels never overlap, and at first sight
    the bars are in the box, beside no column of names taking it (each name is above
    its bar), each name whole in the box (a unit's long name and its state ran past the
    box's edge: "Десантно-штурмовая батальонная группа 1 (RUS")."""
    ctx = phone(browser, 360, 740)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("planner", "demo-planner-pass"))
        page.goto(f"{base_url}/crises")
        rooms = [page.locator("#crisis-board a[href^='/crises/']").nth(i).get_attribute("href")
                 for i in range(page.locator("#crisis-board a[href^='/crises/']").count())]
        for room in dict.fromkeys(rooms):
            page.goto(f"{base_url}{room}?lang=ru#forces")
            if page.locator("svg.gantt").count():
                break
        else:
            pytest.fail("no crisis of the demo has a plan")
        page.locator("svg.gantt").first.scroll_into_view_if_needed()
        seen = page.evaluate(GANTT)
        axis, box = seen["axis"], seen["box"]
        assert len(axis) >= 3 and axis[0]["bottom"] - axis[0]["top"] >= 10
        assert all(a["right"] + 4 <= b["left"] for a, b in pairwise(axis)), \
            axis
        assert all(n["bottom"] <= b["top"] for n, b in zip(seen["names"], seen["bars"],
                                                           strict=True))
        # the bars start near the box's left edge, and the first view shows hours of them
        assert min(b["left"] for b in seen["bars"]) - box["left"] < 0.2 * (box["right"]
                                                                         - box["left"])
        assert sum(1 for a in axis if a["right"] <= box["right"]) >= 3
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # every plan's names whole in its box
        plans = 0
        for room in dict.fromkeys(rooms):
            page.goto(f"{base_url}{room}?lang=ru#forces")
            for i in range(page.locator("svg.gantt").count()):
                page.locator("svg.gantt").nth(i).scroll_into_view_if_needed()
                seen = page.evaluate(GANTT.replace("querySelector('svg.gantt')",
                                                   f"querySelectorAll('svg.gantt')[{i}]"))
                frame = seen["frame"]
                assert all(frame["left"] <= n["left"] and n["right"] <= frame["right"]
                           for n in seen["names"]), (room, frame, seen["names"])
                plans += 1
        assert plans >= 1
    finally:
        ctx.close()


# how far each seat's words run past its box's content (its padding's inner edge), at most
SEAT_OVERRUN = """() => Math.max(...Array.from(document.querySelectorAll('.board .seat'), (s) => {
  const cs = getComputedStyle(s);
  const inner = s.getBoundingClientRect().right - parseFloat(cs.paddingRight)
    - parseFloat(cs.borderRightWidth);
  let right = -Infinity;
  const walk = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) right = Math.max(right, r.right);
  }
  return right - inner;
}))"""


@pytest.mark.parametrize("width", [360, 320])
def test_a_sessions_seats_keep_their_words_inside_on_a_phone(
        browser: Any, base_url: str, width: int) -> None:  # noqa: F811
    """A session's board of positions, two seats a row on a phone: "поддерживает" stays
    inside its seat (it ran over the seat's edge), and the attendance's button says what
    it records ("Отметить отсутствие", not a bare "отсутствует" under "присутствует")."""
    ctx = phone(browser, width)
    page = ctx.new_page()
    try:
        sign_in(page, base_url, ("secretariat", "demo-secretariat"))
        page.goto(f"{base_url}/sessions?lang=ru")
        sessions = page.locator("main a[href^='/sessions/']")
        paths = [sessions.nth(i).get_attribute("href") for i in range(sessions.count())]
        for path in dict.fromkeys(paths):
            page.goto(f"{base_url}{path}?lang=ru")
            if page.locator(".board .seat .pos.support").count():
                break
        else:
            pytest.fail("no session of the demo has a member's support")
        assert "поддерживает" in page.locator(".pos.support").first.inner_text()
        assert page.evaluate(SEAT_OVERRUN) <= 0.5
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # (beside it, a present seat's form of who represents the state: "Сохранить")
        buttons = page.locator(".seat form:not([id^='represented-']) button")
        assert buttons.count() > 0
        assert all(buttons.nth(i).inner_text().startswith("Отметить ")
                   for i in range(buttons.count()))
    finally:
        ctx.close()
