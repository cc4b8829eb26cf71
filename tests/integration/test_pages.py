"""Every page renders, in English and Russian, with no inline script or style (the
Content-Security-Policy forbids them), and bad input gets a page that says what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.sessions import login
from tests.support.templates import Templates

PUBLIC = ["/", "/members", "/members?on=2000-01-01", "/members/table?on=1995-01-01",
          "/bodies", "/bodies?on=1995-01-01", "/bodies/csc?on=2014-06-01", "/bodies/pa",
          "/bodies/secretariat?on=2005-01-01", "/bodies/military-committee?on=2000-01-01",
          "/agreements", "/agreements?on=2010-01-01", "/login"]
PRIVATE = ["/sessions", "/decisions", "/tasks", "/tasks?overdue=true", "/documents",
           "/crises", "/crises?exercise=true", "/crises?closed=true", "/crises/1", "/watch",
           "/operations", "/operations/channel", "/operations/channel?stage=spring-2026",
           "/operations/channel?year=2026"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory,
            db_templates: Templates) -> Iterator[Database]:
    from phalanx.adapters.db.engine import make_engine

    path = tmp_path_factory.mktemp("pages") / "p.db"
    db = Database(make_engine(db_templates.sqlite_copy("records", path)))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def page_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # one installation, one checkpoint key, for every test on the shared database
    return Settings(environment="test", audit_key_file=tmp_path_factory.mktemp("k") / "key")


@pytest.fixture
def client(demo_db: Database, page_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(page_settings, demo_db)) as c:
        yield c



class _Inline(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, style
    elements and attributes, event-handler attributes, javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k.lower() for k, _ in attrs}
        if tag == "script":
            self._script = "src" not in names
            if self._script:
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{k} on <{tag}>" for k in names if k.startswith("on")]
        self.found += [f"javascript: in <{tag}>" for k, v in attrs
                       if k in ("href", "src", "action") and (v or "").strip().lower()
                       .startswith("javascript:")]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False


def no_inline_code(html: str) -> None:
    parser = _Inline()
    parser.feed(html)
    parser.close()
    assert parser.found == [], parser.found
    # and the plain-text check, in case the parser was lenient somewhere
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "inline style attribute"


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row of a table, cell by cell."""
    m = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert m is not None, f"no table #{table_id}"
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in
             re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)]
            for r in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(1), re.S)]


@pytest.mark.parametrize("path", PUBLIC)
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_public_pages(client: TestClient, path: str, lang: str) -> None:
    client.cookies.set("lang", lang)
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert "text/html" in r.headers["content-type"]
    no_inline_code(r.text)
    if lang == "ru" and path.startswith("/members"):
        assert "Армения" in r.text
    if lang == "en" and path.startswith("/members"):
        assert "Armenia" in r.text


# a text each page must show in each language (what the page is about, and data in it)
EXPECTED = [
    ("/", "Collective Security Treaty Organization", "Организация Договора о коллективной"),
    ("/", "Members today", "Государства-члены сегодня"),
    ("/members?on=2000-01-01", "Members on 1 January 2000",
     "Государства-члены на 1 января 2000 г."),
    ("/members?on=2000-01-01", "Membership over time", "Членство во времени"),
    ("/members?on=2000-01-01", "chosen date", "выбранная дата"),  # the chart's legend
    ("/members?on=2000-01-01", "Tajikistan", "Таджикистан"),
    ("/bodies?on=2014-06-01", "Collective Security Council", "Совет коллективной безопасности"),
    ("/bodies?on=2014-06-01", "working group", "рабочая группа"),
    ("/bodies/csc?on=2014-06-01", "Chair in 2014", "Председатель в 2014 г."),
    ("/bodies/csc?on=2014-06-01", "Head of state", "Глава государства"),
    ("/bodies/csc?on=2014-06-01", "participation suspended", "участие приостановлено"),
    ("/agreements?on=2010-01-01", "Collective Security Treaty",
     "Договор о коллективной безопасности"),
    ("/agreements?on=2010-01-01", "did not sign", "не подписало"),
    ("/agreements?on=2010-01-01", "abstained", "воздержалось"),
]


@pytest.mark.parametrize(("path", "en", "ru"), EXPECTED)
def test_pages_speak_the_chosen_language(client: TestClient, path: str, en: str,
                                         ru: str) -> None:
    client.cookies.set("lang", "en")
    english = client.get(path).text
    client.cookies.set("lang", "ru")
    russian = client.get(path).text
    assert en in english
    assert ru in russian
    assert '<html lang="ru">' in russian and '<html lang="en">' in english


def test_the_language_switch_keeps_the_page_and_persists(client: TestClient) -> None:
    client.cookies.clear()
    html = client.get("/members", params={"on": "2000-01-01"}).text
    assert 'href="/members?on=2000-01-01&amp;lang=ru"' in html
    r = client.get("/members", params={"on": "2000-01-01", "lang": "ru"})
    assert "Армения" in r.text
    assert r.cookies.get("lang") == "ru" or "lang=ru" in r.headers.get("set-cookie", "")
    again = client.get("/bodies")  # no ?lang: the cookie decides
    assert "Органы" in again.text and "Совет коллективной безопасности" in again.text
    assert client.get("/bodies", params={"lang": "en"}).text.count("Bodies") >= 1
    assert "Collective Security Council" in client.get("/bodies").text
    client.cookies.clear()


def test_an_unknown_language_falls_back_to_the_default(client: TestClient) -> None:
    client.cookies.set("lang", "xx")
    html = client.get("/members", params={"lang": "de"}).text
    assert '<html lang="en">' in html
    client.cookies.clear()


def test_a_first_visit_speaks_the_browsers_language(client: TestClient) -> None:
    client.cookies.clear()
    russian = {"Accept-Language": "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"}
    r = client.get("/bodies", headers=russian)
    assert '<html lang="ru">' in r.text and "Органы" in r.text
    assert "Accept-Language" in r.headers["vary"]  # a cache keeps one copy per language
    # by its weights: English first, then Russian
    r = client.get("/bodies", headers={"Accept-Language": "ru;q=0.5, en-GB"})
    assert '<html lang="en">' in r.text
    # a language it does not have, or none at all: the default
    r = client.get("/bodies", headers={"Accept-Language": "de-DE,fr;q=0.8"})
    assert '<html lang="en">' in r.text
    # a choice made on a page wins over the browser's
    client.cookies.set("lang", "en")
    assert '<html lang="en">' in client.get("/bodies", headers=russian).text
    client.cookies.clear()
    # the API's problems too
    r = client.get("/api/v1/no-such-thing", headers=russian)
    assert r.status_code == 404 and r.json()["title"] == "Не найдено"
    assert "Accept-Language" in r.headers["vary"]


def test_members_on_a_date(client: TestClient) -> None:
    html = client.get("/members/table", params={"on": "2000-01-01"}).text
    assert re.findall(r'<td class="code">([A-Z]{3})</td>', html) == [
        "ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]


def test_members_table_statuses_and_since(client: TestClient) -> None:
    rows = cells(client.get("/members", params={"on": "2015-01-01"}).text, "members-table")
    # suspended participation: still a member, since its return in 2006, and still a
    # party to the Treaty (a suspension takes away the say, not the treaty tie)
    assert rows[-1][:6] == ["UZB", "Uzbekistan", "participation suspended", "2006-08-16",
                            "none (suspended)", "yes"]
    # on the grounds of its return and its suspension, each with its source
    assert rows[-1][6].startswith("admission, 2006-08-16")
    assert "suspension, 2012-12-19" in rows[-1][6]
    assert rows[0][:6] == ["ARM", "Armenia", "member", "1994-04-20", "full", "yes"]
    # not taking part: a member, bound, without a say
    later = cells(client.get("/members", params={"on": "2024-06-01"}).text, "members-table")
    assert later[0][:6] == ["ARM", "Armenia", "not taking part", "1994-04-20",
                            "none (not taking part)", "yes"]
    assert "not taking part, 2024-02-22" in later[0][6]
    # before the Treaty entered into force the signatories were not yet members
    early = client.get("/members", params={"on": "1993-01-01"}).text
    assert cells(early, "members-table") == [["No state was in the Organization on that date."]]
    assert "(0)" in early


def test_the_members_page_carries_the_timeline(client: TestClient) -> None:
    html = client.get("/members", params={"on": "2000-01-01"}).text
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    assert svg.group(0).count('class="stint') >= 12
    assert "<title>2000-01-01</title>" in svg.group(0)


def test_the_htmx_partial_moves_the_address_and_the_language_links(
        client: TestClient) -> None:
    r = client.get("/members/table", params={"on": "2000-01-01"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.headers["HX-Push-Url"] == "/members?on=2000-01-01"
    assert "<html" not in r.text  # a fragment, not a page
    assert 'hx-swap-oob="true"' in r.text
    assert 'href="/members?on=2000-01-01&amp;lang=ru"' in r.text


@pytest.mark.parametrize("path", ["/members", "/members/table", "/bodies", "/bodies/csc",
                                  "/agreements"])
@pytest.mark.parametrize("bad", ["1995-13-45", "yesterday", "2000-1-1", "<b>x</b>"])
def test_a_bad_date_is_explained(client: TestClient, path: str, bad: str) -> None:
    client.cookies.set("lang", "en")
    r = client.get(path, params={"on": bad})
    assert r.status_code == 400
    assert "text/html" in r.headers["content-type"]
    assert "YYYY-MM-DD" in r.text and 'class="error" role="alert"' in r.text
    assert "<b>x</b>" not in r.text  # what was typed is shown, escaped
    no_inline_code(r.text)
    client.cookies.set("lang", "ru")
    assert "ГГГГ-ММ-ДД" in client.get(path, params={"on": bad}).text
    client.cookies.clear()


def test_an_unknown_body_is_a_404_page(client: TestClient) -> None:
    r = client.get("/bodies/nope")
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"]
    assert "There is no body “nope”." in r.text
    no_inline_code(r.text)
    client.cookies.set("lang", "ru")
    assert "Органа «nope» нет." in client.get("/bodies/nope").text
    client.cookies.clear()


def test_bodies_on_a_date_nest_under_their_parent(client: TestClient) -> None:
    early = client.get("/bodies", params={"on": "2000-01-01"}).text
    assert "Parliamentary Assembly" not in early  # from 2006
    assert "Military Committee" not in early  # from 2012
    later = client.get("/bodies", params={"on": "2014-06-01"}).text
    cmo = later.index("Council of Defence Ministers")
    nested = re.search(r'<ul class="tree">\s*<li>\s*<div class="node">\s*<a href="/bodies/'
                       r'military-committee\?on=2014-06-01">', later[cmo:])
    assert nested is not None, "the Military Committee is listed under the CMO"


def test_a_body_composition(client: TestClient) -> None:
    html = client.get("/bodies/csc", params={"on": "2014-06-01"}).text
    assert "Russia — Vladimir Putin" in html
    seats = cells(html, "seats")
    assert len(seats) == 7
    assert seats[-1] == ["UZB Uzbekistan", "Head of state", "Islam Karimov",
                         "participation suspended"]
    assert "Secretary General" in html  # attends
    pa = client.get("/bodies/pa", params={"on": "2014-06-01"}).text
    assert {r[2] for r in cells(pa, "seats")} == {"—"}  # no person recorded
    assert "Sergei Naryshkin" in pa and "Serbia" in pa and "Afghanistan" in pa
    sec = client.get("/bodies/secretariat", params={"on": "2005-01-01"}).text
    assert "Nikolai Bordyuzha" in sec
    before = client.get("/bodies/military-committee", params={"on": "2000-01-01"}).text
    assert "This body did not exist on that date." in before


def test_agreements_say_who_is_bound(client: TestClient) -> None:
    html = client.get("/agreements", params={"on": "2010-01-01"}).text
    crrf = html[html.index('id="crrf-2009"'):]
    crrf = crrf[:crrf.index("</section>")]
    rows = {r[0]: r for r in cells(crrf.replace('<table class="data compact parties">',
                                                '<table id="p">'), "p")}
    assert rows["UZB Uzbekistan"][1] == "abstained" and rows["UZB Uzbekistan"][5] == "no"
    assert rows["RUS Russia"][5] == "yes"
    assert rows["BLR Belarus"][2] == "2009-10-20"
    early = client.get("/agreements", params={"on": "2000-01-01"}).text
    assert "Not yet signed on that date." in early


def test_the_home_page_names_each_agreement_with_its_year_once(client: TestClient) -> None:
    """A title that carries its year ("... (2010)") is not followed by it again."""
    for lang in ("en", "ru"):
        html = client.get("/", params={"lang": lang}).text
        assert not re.search(r"\((\d{4})\)\s*<span class=\"muted\">\(\1\)", html)
        assert re.search(r"\(2010\)</li>|\(2010\)</span></li>", html)


def test_each_period_of_a_party_says_whether_it_binds_on_the_date(client: TestClient) -> None:
    """Uzbekistan was bound by the Treaty from 1994 to 1999 and again from 2006: on a
    date in 2010 its first period's row says "no" (it said "yes", as the second's)."""
    html = client.get("/agreements", params={"on": "2010-06-01"}).text
    cst = html[html.index('id="cst-1992"'):]
    cst = cst[:cst.index("</section>")]
    rows = [r for r in cells(cst.replace('<table class="data compact parties">',
                                         '<table id="p">'), "p") if r[0] == "UZB Uzbekistan"]
    assert [(r[3], r[4], r[5]) for r in rows] == [("1994-04-20", "1999-04-20", "no"),
                                                  ("2006-08-16", "", "yes")]
    early = client.get("/agreements", params={"on": "1996-01-01"}).text
    cst = early[early.index('id="cst-1992"'):]
    rows = [r for r in cells(cst[:cst.index("</section>")].replace(
        '<table class="data compact parties">', '<table id="p">'), "p")
        if r[0] == "UZB Uzbekistan"]
    assert [r[5] for r in rows] == ["yes", "no"]


def test_private_pages_send_strangers_to_the_login(client: TestClient) -> None:
    r = client.get("/sessions", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=/sessions")


@pytest.mark.parametrize("path", PRIVATE)
def test_private_pages_for_a_representative(client: TestClient, path: str) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    r = client.get(path)
    assert r.status_code == 200, r.text
    no_inline_code(r.text)
    assert "rep-arm" in r.text and "ARM" in r.text  # who is logged in, for which state


def test_the_session_page_shows_the_three_demo_outcomes(client: TestClient,
                                                        demo_db: Database) -> None:
    from phalanx.services import decisions as dec

    with demo_db.read() as conn:
        real = [m for m in dec.list_meetings(conn, actor=SYSTEM)
                if not m.exercise and m.kind == "regular"]
    assert len(real) == 1  # (the demo crisis's emergency consultations are another)
    login(client, "secretariat", "demo-secretariat")
    html = client.get(f"/sessions/{real[0].id}").text
    no_inline_code(html)
    assert html.count('class="outcome adopted"') == 2
    assert html.count('class="outcome returned"') == 1


def test_a_limited_format_decision_binds_only_those_who_took_part(
        client: TestClient) -> None:
    """The CSTO's dataset lets the whole Council read a limited-format decision (setting
    `readers: body`): TJK, which stayed out, reads it and is not listed as bound."""
    login(client, "rep-tjk", "demo-rep-tjk")  # TJK stays out of the demo's limited decision
    html = client.get("/decisions").text
    row = html[html.index("joint contingent"):]
    row = row[:row.index("</tr>")]
    assert "limited format" in row and "TJK" not in row
    login(client, "rep-arm", "demo-rep-arm")
    assert "joint contingent" in client.get("/decisions").text


def test_audit_page_for_auditors_only(client: TestClient) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    assert client.get("/audit").status_code == 403
    login(client, "auditor", "demo-auditor-pass")
    r = client.get("/audit", params={"verify": "true"})
    assert r.status_code == 200
    assert 'id="verdict"' in r.text and "intact" in r.text


def test_the_audit_page_tells_an_exercise_s_entries_from_real_ones(client: TestClient) -> None:
    """The demo's Frontier exercise and its real crisis were both opened: in the trail, the
    exercise's entry bears the exercise's badge and the real one does not."""
    login(client, "auditor", "demo-auditor-pass")
    html = client.get("/audit", params={"action": "crisis.open"}).text
    rows = html[html.index("<tbody>"):html.index("</tbody>")].split("</tr>")[:-1]
    marked = ['class="badge exercise"' in row for row in rows]
    assert len(rows) >= 2 and True in marked and False in marked
    assert all(("[EXERCISE]" in row) == m for row, m in zip(rows, marked, strict=True))


def test_the_demo_exercise_is_a_full_crisis_marked_exercise(client: TestClient) -> None:
    login(client, "rep-arm", "demo-rep-arm")
    board = client.get("/crises").text
    exercise = "Armed incursion in the Batken region"  # the Frontier exercise's crisis
    assert exercise not in board  # exercises never mix with real crises
    assert "Armed attack by an illegal armed formation" in board  # the demo's real crisis
    html = client.get("/crises?exercise=true&closed=true").text
    assert exercise in html and "EXERCISE" in html
    room = client.get("/crises/1").text
    assert 'data-stage="closed"' in room and "overdue 15 min" in room
    assert 'id="place-map"' in room  # the interactive map of the place


def test_operation_dashboard_charts_and_report(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    html = client.get("/operations/channel").text
    assert "synthetic reports" in html
    first = re.search(r'<table class="data compact" id="corridors">.*?<tbody><tr><td>(\w+)'
                      r'</td><td>(\w+)</td>', html, re.S)
    # the Northern route, its countries by their names
    assert first is not None and first.groups() == ("Afghanistan", "Tajikistan")
    # a count is a whole number with no unit: the metric says what is counted (persons
    # are not pieces, and "ammunition (rounds)" needs no unit after it)
    assert re.search(r"<td>persons detained</td><td></td><td>\d{1,3}(,\d{3})*</td>", html)
    assert re.search(r"<td>ammunition \(rounds\)</td><td></td><td>\d{1,3}(,\d{3})*</td>",
                     html)
    assert "300,000</td>" in html and "pcs" not in html  # the historical totals too
    russian = client.get("/operations/channel?lang=ru").text
    assert re.search(r"<td>задержанные лица</td><td></td><td>\d{1,3}(\xa0\d{3})*</td>",
                     russian)
    assert "300\xa0000</td>" in russian and "шт." not in russian
    assert re.search(r"<td>[\d\xa0]+,\d\d кг</td>", russian)  # a quantity with its unit
    assert "245\xa0000 кг</td>" in russian  # a historical mass: whole, with its unit
    client.cookies.clear()
    login(client, "secretariat", "demo-secretariat")
    for path in ("/operations/channel/seizures.png", "/operations/channel/stages.png"):
        r = client.get(path)
        assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    r = client.get("/operations/channel/report.pdf", params={"stage": "spring-2026"})
    assert r.content.startswith(b"%PDF")


def test_observers_see_only_what_was_released_to_them(client: TestClient,
                                                      demo_db: Database) -> None:
    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import operations as ops

    with demo_db.read() as conn:
        seen = ops.statistics(conn, "channel", ["state"], actor=Principal(
            "observer", Role.OBSERVER, observer_of="OSCE"))
        everything = ops.statistics(conn, "channel", ["state"], actor=SYSTEM)
    assert {r.key["state"] for r in seen.rows} == {"KAZ", "KGZ", "TJK"}
    assert len({r.key["state"] for r in everything.rows}) == 7


def test_the_footer_states_the_dataset_s_cut_off(client: TestClient) -> None:
    html = client.get("/members").text
    footer = html[html.index("<footer>"):]
    assert "sourced facts as of 2025-11-30" in footer


def test_the_secretariat_page_shows_the_term_and_the_next_rotation(client: TestClient) -> None:
    html = client.get("/bodies/secretariat", params={"on": "2026-06-01"}).text
    assert "Taalatbek Masadykov" in html
    assert "term 2026-01-01 to 2029-01-01" in html and "next term from 2029-01-01: Russia" in html
    council = client.get("/bodies/csc", params={"on": "2028-06-01"}).text
    chair = re.search(r'<p class="chair">(.*?)</p>', council, re.S)
    assert chair is not None and "Belarus" in chair.group(1)
    assert "by the rotation rule" in chair.group(1)


def test_a_stated_position_is_shown_and_kept_and_closing_asks_first(
        client: TestClient, demo_db: Database) -> None:
    """After stating a position the page says so and the form keeps it (a second submit
    does not silently flip it to 'support'); closing a draft asks for confirmation; before
    anyone speaks the board says so instead of announcing an outcome."""
    from datetime import UTC, datetime

    from phalanx.domain.access.principal import Principal, Role
    from phalanx.services import decisions as dec

    sec = Principal("secretariat", Role.SECRETARIAT)
    m = dec.convene(demo_db, dec.MeetingIn(body="csc", opens_at=datetime(2023, 11, 23, 10,
                                                                         tzinfo=UTC)),
                    actor=sec)
    d = dec.propose_draft(demo_db, dec.DraftIn(body="csc", meeting_id=m.id, title="Open one",
                                               text_en="The Council decides."), actor=sec)
    login(client, "rep-kaz", "demo-rep-kaz")
    page = client.get(f"/drafts/{d.id}").text
    assert 'id="my-position"' not in page and 'id="outcome-' in page
    assert "Nobody has stated a position yet." in page
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    r = client.post(f"/drafts/{d.id}/position", data={
        "position": "object", "statement": "Not yet.", "csrf_token": token.group(1)},
        follow_redirects=True)
    assert r.status_code == 200 and 'id="saved"' in r.text
    assert 'id="my-position"' in r.text
    assert '<option value="object" selected>' in r.text
    login(client, "secretariat", "demo-secretariat")
    page = client.get(f"/drafts/{d.id}").text
    assert f'action="/drafts/{d.id}/close" data-confirm=' in page


def test_the_inbox_notices_in_the_readers_language(client: TestClient) -> None:
    login(client, "secretariat", "demo-secretariat")
    english = client.get("/inbox?lang=en").text
    russian = client.get("/inbox?lang=ru").text
    client.cookies.clear()
    assert "Crisis reported: " in english
    assert "Сообщение о кризисе: " in russian and "Crisis reported" not in russian
