"""A deployment plan's figures as a planner reads them in the crisis room, on a desktop,
in English and in Russian: every moment says its zone (UTC) and the plan's start, from
which the chart's hours and the lines' hours count, is given as a moment; the count of
requirements not covered is this crisis's, as the list of them below the table (one
notice, each a line); the chart's colours and ticks are said beside it; the pieces of
a task of sites follow one another in the order of their numbers ("site 2" before
"site 10"); a requirement placed at a place of the dataset shows it by its name in the
page's language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.domain.decisions.consensus import Position
from phalanx.domain.forces.registry import Scope
from phalanx.services import crises, crisis_requests, forces, forcesdemo
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.e2e.test_browser import login
from tests.support.browser import serve_asgi
from tests.support.templates import Templates

pytestmark = pytest.mark.browser
SEC, PLANNER, rep = forcesdemo.SEC, forcesdemo.PLANNER, forcesdemo.rep


def _second_crisis(db: Database) -> int:
    """A crisis in Tajikistan in its response, as the demo's is reached: its special
    police compete with the demo crisis's."""
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    c = crises.open_crisis(db, crises.CrisisIn(
        title="Incursion into the Khujand area", category="armed_attack", affected=["TJK"],
        severity="severe", place="Khujand", lat=40.28, lon=69.62,
        description="An armed group has crossed into Sughd."), actor=rep("TJK"), at=t0)
    c = crises.convene_consultations(db, c.id, actor=SEC, at=t0 + timedelta(minutes=30))
    c = crises.transition(db, c.id, Stage.ASSESSMENT, actor=SEC, at=t0 + timedelta(hours=1))
    assert c.session_id is not None
    crisis_requests.record_request(db, c.id, crisis_requests.OfficialRequestIn(
        state="TJK", person="Emomali Rahmon", office="head_of_state",
        at=t0 + timedelta(minutes=10), article="Treaty art. 4",
        measures=[Measure.MILITARY_CRRF], forces="the CRRF", period_days=30),
        actor=rep("TJK"), at=t0 + timedelta(minutes=15))
    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", meeting_id=c.session_id, title="On collective assistance to Tajikistan",
        text_en="The Council decides to give Tajikistan collective assistance.",
        measures=[Measure.MILITARY_CRRF], formations=["crrf"], period_days=30), actor=SEC)
    with db.read() as conn:
        seated = [s.state for s in dec.get_draft(conn, d.id, actor=SEC).stances
                  if s.standing.value == "full"]
    for s in seated:
        dec.record_attendance(db, c.session_id, s, True, actor=SEC)
        dec.state_position(db, d.id, Position.SUPPORT, actor=rep(s))
    closed = dec.close_draft(db, d.id, actor=SEC)
    assert closed.decision_id is not None
    crises.link_decision(db, c.id, closed.decision_id, actor=SEC)
    crises.transition(db, c.id, Stage.DECISION, actor=SEC, at=t0 + timedelta(hours=2))
    crises.set_response(db, c.id, crises.ResponseIn(measures=[Measure.MILITARY_CRRF]),
                        actor=SEC)
    crises.transition(db, c.id, Stage.RESPONSE, actor=SEC, at=t0 + timedelta(hours=2))
    at = datetime.now(UTC)
    forces.add_requirement(db, c.id, forces.RequirementIn(
        capability="special_police", strength=40, place="Khujand", node="khujand",
        needed_by=at + timedelta(hours=18), task="sites", sites=12), actor=PLANNER, at=at)
    for state in ("RUS", "KAZ", "BLR", "TJK", "ARM"):
        forces.give_consent(db, c.id, state, forces.ConsentIn(
            scope=Scope.ALL, conditions="no deployment beyond Sughd" if state == "RUS" else ""),
            actor=rep(state), at=at)
    return c.id


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory,
         db_templates: Templates) -> Iterator[tuple[str, int, int, int]]:
    tmp = tmp_path_factory.mktemp("plan-figures")
    db = Database(make_engine(db_templates.sqlite_copy("accounts", tmp / "p.db")))
    demo = forcesdemo.run(db, time_limit=1)
    # the demo crisis asks for a unit no registry unit is large enough for: a requirement
    # of the other crisis planned with it that stays uncovered
    forces.add_requirement(db, demo, forces.RequirementIn(
        capability="airborne", strength=50_000, place="Osh", node="osh",
        needed_by=datetime.now(UTC) + timedelta(hours=30)), actor=PLANNER)
    other = _second_crisis(db)
    plan = forces.run_plan(db, other, forces.PlanIn(time_limit=1), actor=PLANNER)
    settings = Settings(environment="test", audit_key_file=tmp / "audit.key")
    with serve_asgi(create_app(settings, db)) as url:
        yield url, demo, other, plan.id
    db.dispose()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_plans_moments_counts_and_order(browser: Any, site: tuple[str, int, int, int],
                                          lang: str) -> None:
    url, _demo, other, plan_id = site
    ctx = browser.new_context(viewport={"width": 1440, "height": 900},
                              locale="en-GB" if lang == "en" else "ru-RU")
    page = ctx.new_page()
    try:
        login(page, url, "planner", "demo-planner-pass")
        page.goto(f"{url}/crises/{other}#forces")
        assert page.locator("html").get_attribute("lang") == lang
        plan = page.request.get(f"{url}/api/v1/plans/{plan_id}").json()
        mine = [u for u in plan["uncovered"] if u["crisis_id"] == other]
        theirs = [u for u in plan["uncovered"] if u["crisis_id"] != other]
        assert mine and theirs  # some sites are short of units, as is the other crisis
        # the summary counts this crisis's uncovered requirements, as the notices below
        summary = page.locator("#proposal-summary, #plan-summary").first.inner_text()
        counts = re.search(r"(\d+) (?:uncovered|не обеспечено)|(?:не обеспечено) (\d+)",
                           summary)
        assert counts is not None, summary
        assert int(counts[1] or counts[2]) == len(mine) != len(plan["uncovered"])
        # listed in one notice, each a line of it
        left = page.locator("#proposal-uncovered, #plan-uncovered").first
        assert left.locator("li", has_text=re.compile(
            "is not covered|не обеспечена")).count() == len(mine)
        assert f"({len(mine)})" in left.locator("strong").inner_text()
        assert page.locator("#forces p.notice", has_text=re.compile(
            "is not covered|не обеспечена")).count() == 0
        # the chart's colours and ticks are said beside it
        legend = page.locator("#proposal-legend, #plan-legend").first.inner_text()
        for said in (("by air", "by ground", "late", "needed by", "hours after the plan's "
                      "start") if lang == "en" else ("по воздуху", "по земле", "опоздание",
                                                     "срок", "в часах от начала плана")):
            assert said in legend, legend
        # the plan's start as a moment, with its zone
        start = page.locator("#plan-start, #proposal-start").first
        shown = datetime.fromisoformat(plan["starts_at"]).astimezone(UTC)
        day = shown.strftime("%m-%d %H:%M" if lang == "en" else "%d.%m %H:%M")
        assert f"{day} UTC" in start.inner_text()
        # every table's moments say their zone
        for table in ("#requirements", "#movements"):
            heads = page.locator(f"{table} thead th").all_inner_texts()
            timed = [h for h in heads if re.search(
                "Needed by|Departs|Arrives|Срок|Отправление|Прибытие", h)]
            assert timed and all(h.endswith("(UTC)") for h in timed), heads
        # how a unit travels, in Russian its own word (not a session's format)
        heads = page.locator("#movements thead th").all_inner_texts()
        assert ("Mode" if lang == "en" else "Способ") in heads, heads
        # a place of the dataset by its name in the page's language
        place = page.locator("#requirements tbody tr").first.locator("td, th").nth(5)
        assert place.inner_text().strip() == ("Худжанд" if lang == "ru" else "Khujand")
        # the note that a state's conditions are not accepted yet lies below them, not
        # over them
        assert page.evaluate("""() => {
            const note = document.querySelector('[data-unaccepted="RUS"]');
            const said = document.createRange();
            said.selectNodeContents(note.closest('td').firstChild);
            return note.getBoundingClientRect().top >= said.getBoundingClientRect().bottom;
        }""")
        # the sites of a task in the order of their numbers
        cells = page.locator("#movements tbody tr td:first-child").all_inner_texts()
        sites = [int(m[1]) for c in cells if (m := re.search(r"(?:site|объект) (\d+)", c))]
        assert max(sites) >= 10 and sites == sorted(sites), cells
        # the API lists them so too
        pieces = [(m["requirement"], m["site"], m["part"]) for m in plan["movements"]
                  if m["crisis_id"] == other]
        assert pieces == sorted(pieces)
    finally:
        ctx.close()

