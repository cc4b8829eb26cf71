"""Every page, as every role, in both languages: no Python text for a name (`Text(en=...`)
and, on a Russian page, no enumerated value shown as its raw key (a stage, status, role,
marking, mode, kind...) where a label belongs, and no text left in English (a text of the
page that is an English message of the catalog).

The pages are found by following the links of the demo as the Secretariat sees it, so a
new page is covered as soon as a menu or a list links to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.i18n import translations
from phalanx.web.i18n.labels import LABELS
from tests.support.templates import Templates

ROLES: list[tuple[str, str] | None] = [
    None, ("secretariat", "demo-secretariat"), ("rep-arm", "demo-rep-arm"),
    ("observer", "demo-observer-pass"), ("reporter-kaz", "demo-reporter-kaz"),
    ("planner", "demo-planner-pass"), ("auditor", "demo-auditor-pass"),
    ("admin", "demo-admin-pass")]
EXTRA = ["/crises?exercise=true&closed=true", "/tasks?overdue=true", "/login"]
SKIP = (".pdf", ".png", ".csv", ".json", ".xml")


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory,
               db_templates: Templates) -> Iterator[TestClient]:
    from phalanx.adapters.db.engine import make_engine

    where = tmp_path_factory.mktemp("everywhere")
    db = Database(make_engine(db_templates.sqlite_copy("records", where / "p.db")))
    settings = Settings(environment="test", audit_key_file=where / "key")
    with TestClient(create_app(settings, db)) as c:
        yield c
    db.dispose()


def _login(client: TestClient, who: tuple[str, str] | None) -> None:
    client.cookies.clear()
    if who is None:
        return
    client.get("/login")
    r = client.post("/login", data={"username": who[0], "password": who[1],
                                    "csrf_token": client.cookies.get("phalanx_login_csrf")},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


@pytest.fixture(scope="module")
def every_page(app_client: TestClient) -> list[str]:
    """Every page the Secretariat can reach by links from the home page."""
    _login(app_client, ("secretariat", "demo-secretariat"))
    seen: set[str] = set()
    todo = ["/"]
    pages: list[str] = []
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        r = app_client.get(path)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        pages.append(path)
        for href in re.findall(r'href="(/[^"#?]*)"', r.text):
            if not href.startswith(("/static", "/api")) and not href.endswith(SKIP):
                todo.append(href)
    assert len(pages) > 30, pages  # the crawl found the working pages
    return sorted(pages) + EXTRA


class _Texts(HTMLParser):
    """The text a person reads as words of the page: text nodes outside scripts, code,
    drawings and user names (class "username": a user called "planner" is no role)."""

    HIDDEN: ClassVar[set[str]] = {"script", "style", "code", "svg", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in self.HIDDEN or "username" in classes:
            self.hidden.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.texts.append(data)


# the enumerations of the domain (the label groups named after a field, not a key prefix)
ENUMS = ("agency", "amendment_status", "draft_kind", "draft_status", "event",
         "finding_status", "marking", "measure", "offer_kind", "offer_status", "outcome",
         "owner_kind", "place_kind", "plan_status", "position", "request_status", "risk",
         "role", "session_kind", "session_mode", "session_status", "severity", "stage",
         "standing", "task_status", "watch_status")


def _raw_values() -> set[str]:
    """The raw values of every labelled enumeration."""
    return {v for g in ENUMS for v in LABELS[g]}


def _english_messages() -> set[str]:
    """The English messages that have a different Russian text (without placeholders:
    those are whole texts a page shows as they are)."""
    catalog = translations("ru")._catalog  # type: ignore[attr-defined]
    return {k for k, v in catalog.items() if isinstance(k, str) and k and "%" not in k
            and "\x04" not in k and v != k and re.search("[A-Za-z]{3}", k)}


def untranslated(html: str, english: set[str]) -> list[str]:
    """The texts of a page that are an English message of the catalog."""
    parser = _Texts()
    parser.feed(html)
    return [t.strip() for t in parser.texts if t.strip() in english]


def raw_enum_text(html: str, values: set[str]) -> list[str]:
    """What shows a raw value: a text that is the value itself (a cell, an option, a
    badge), or a piece of a text between separators that is a value written as a key
    (with an underscore, or a marking in capitals)."""
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        if text.strip() in values:
            found.append(text.strip())
            continue
        for piece in re.split(r"[·,;:()\[\]/\n]", text):
            p = piece.strip()
            if p in values and ("_" in p or p.isupper()):
                found.append(text.strip()[:80])
    return found


def test_the_checker_catches_raw_values() -> None:
    values = _raw_values()
    assert {"in_person", "reported", "ORGANIZATION", "support"} <= values
    assert raw_enum_text("<td>regular</td><p>a · in_person · b</p>", values) == [
        "regular", "a · in_person · b"]
    assert raw_enum_text("<td>очередное</td><p>reported the matter</p><code>x_y</code>"
                         '<span class="muted username">planner</span>', values) == []
    english = _english_messages()
    assert untranslated("<h1>Members</h1><p>Члены</p><code>Members</code>", english) == [
        "Members"]


@pytest.mark.parametrize("who", ROLES, ids=lambda w: w[0] if w else "anonymous")
def test_no_python_text_and_no_raw_values(app_client: TestClient, every_page: list[str],
                                          who: tuple[str, str] | None) -> None:
    _login(app_client, who)
    values, english = _raw_values(), _english_messages()
    problems: list[str] = []
    for lang in ("en", "ru"):
        app_client.cookies.set("lang", lang)
        for path in every_page:
            r = app_client.get(path, follow_redirects=False)
            assert r.status_code < 500, (path, r.text[:300])
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            problems += [f"{lang} {path}: Python text {m!r}"
                         for m in re.findall(r".{0,30}Text\(en=.{0,20}", r.text)]
            if lang == "ru":
                problems += [f"ru {path}: raw value {m!r}"
                             for m in sorted(set(raw_enum_text(r.text, values)))]
                problems += [f"ru {path}: English {m!r}"
                             for m in sorted(set(untranslated(r.text, english)))]
    assert problems == [], "\n".join(problems[:60])


class _Captions(HTMLParser):
    """Each data table of a page (`table.data`) and the text of its caption."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[str]] = []  # per table: [its id, its caption's text]
        self.depth = 0
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and "data" in (a.get("class") or "").split():
            self.tables.append([a.get("id") or "(no id)", ""])
        elif tag == "caption" and self.tables:
            self.in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.tables[-1][1] += data


@pytest.mark.parametrize("who", [("secretariat", "demo-secretariat"), ("rep-kaz", "demo-rep-kaz")],
                         ids=lambda w: w[0])
def test_every_data_table_names_itself_in_a_caption(
        app_client: TestClient, every_page: list[str], who: tuple[str, str]) -> None:
    """A screen reader jumping from table to table says each one's caption: every data
    table has one, with words, in both languages."""
    _login(app_client, who)
    missing: list[str] = []
    seen = 0
    for lang in ("en", "ru"):
        app_client.cookies.set("lang", lang)
        for path in every_page:
            r = app_client.get(path, follow_redirects=False)
            if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
                continue
            parser = _Captions()
            parser.feed(r.text)
            seen += len(parser.tables)
            missing += [f"{lang} {path}: table {tid}" for tid, text in parser.tables
                        if not text.strip()]
    assert seen > 40
    assert missing == [], "\n".join(missing[:60])


class _Buttons(HTMLParser):
    """The text of each button of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.names: list[str] = []
        self.open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "button":
            self.names.append("")
            self.open = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self.open = False

    def handle_data(self, data: str) -> None:
        if self.open:
            self.names[-1] += data


@pytest.mark.parametrize("who", [("secretariat", "demo-secretariat"),
                                 ("reporter-kaz", "demo-reporter-kaz")], ids=lambda w: w[0])
def test_no_button_is_a_bare_submit(app_client: TestClient, every_page: list[str],
                                    who: tuple[str, str]) -> None:
    """A screen reader's list of a page's buttons gives their names alone: a button
    names what it does, none says just "Submit" ("Отправить")."""
    _login(app_client, who)
    bare: list[str] = []
    for lang, word in (("en", "Submit"), ("ru", "Отправить")):
        app_client.cookies.set("lang", lang)
        for path in every_page:
            r = app_client.get(path, follow_redirects=False)
            if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
                continue
            parser = _Buttons()
            parser.feed(r.text)
            bare += [f"{lang} {path}" for n in parser.names if " ".join(n.split()) == word]
    assert bare == [], "\n".join(bare[:40])
