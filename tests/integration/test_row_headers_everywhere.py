"""Every page's data tables, in both languages: a table whose rows each have a name (a
unit, an aircraft, a formation, a state, a report, a decision, a title, a month...) has
that name as the row's header (`<th scope="row">`), so that a screen reader moving down a
column says which row it is on ("Мотострелковый батальон, 400"), not the figure alone.
A table's rows have a name when one of its columns is one of NAMES."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from phalanx.web.i18n import translations
from tests.integration.test_pages_everywhere import _login, app_client, every_page  # noqa: F401

# the columns whose cell names its row
NAMES = ("Unit", "Aircraft", "Formation", "State", "Title", "Number", "Reference",
         "Finding", "Exercise", "Model law", "Supply", "Month")


class _Rows(HTMLParser):
    """Each data table of a page: its id, its column heads, and per body row of more
    than one cell whether a cell of it is a row header."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.open: list[bool] = []  # per open table: is it a data table
        self.head = False
        self.cell: list[str] | None = None

    def _table(self) -> dict | None:
        return self.tables[-1] if self.open and self.open[-1] else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            data = "data" in (a.get("class") or "").split()
            self.open.append(data)
            if data:
                self.tables.append({"id": a.get("id") or "(no id)", "heads": [], "rows": []})
            return
        t = self._table()
        if t is None:
            return
        if tag == "thead":
            self.head = True
        elif tag == "tr" and not self.head:
            t["rows"].append([])
        elif tag in ("td", "th"):
            self.cell = [""]
            if self.head:
                t["heads"].append(self.cell)
            elif t["rows"]:
                t["rows"][-1].append(tag == "th" and a.get("scope") == "row")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.open:
            self.open.pop()
        elif tag == "thead":
            self.head = False
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[0] += data


def unnamed_rows(html: str, names: set[str]) -> list[str]:
    """The data tables of `html` with a naming column whose rows lack a row header."""
    parser = _Rows()
    parser.feed(html)
    out = []
    for t in parser.tables:
        heads = {" ".join(h[0].split()) for h in t["heads"]}
        if not heads & names:
            continue
        rows = [r for r in t["rows"] if len(r) > 1]
        if any(not any(r) for r in rows):
            out.append(t["id"])
    return out


def test_the_checker_finds_a_row_without_its_header() -> None:
    names = {"Unit"}
    assert unnamed_rows('<table class="data" id="u"><thead><tr><th>Unit</th><th>Strength'
                        "</th></tr></thead><tbody><tr><td>A</td><td>1</td></tr></tbody>"
                        "</table>", names) == ["u"]
    assert unnamed_rows('<table class="data" id="u"><thead><tr><th>Unit</th><th>Strength'
                        '</th></tr></thead><tbody><tr><th scope="row">A</th><td>1</td></tr>'
                        '<tr><td colspan="2">Nothing</td></tr></tbody></table>', names) == []


@pytest.mark.parametrize("who", [("secretariat", "demo-secretariat"), ("rep-kgz", "demo-rep-kgz"),
                                 ("observer", "demo-observer-pass")], ids=lambda w: w[0])
def test_a_named_row_has_its_name_as_its_header(
        app_client: TestClient, every_page: list[str], who: tuple[str, str]) -> None:  # noqa: F811
    _login(app_client, who)
    missing: list[str] = []
    seen = 0
    for lang in ("en", "ru"):
        names = {translations(lang).gettext(n) for n in NAMES}
        app_client.cookies.set("lang", lang)
        for path in every_page:
            r = app_client.get(path, follow_redirects=False)
            if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
                continue
            seen += 1
            missing += [f"{lang} {path}: table {tid}" for tid in unnamed_rows(r.text, names)]
    assert seen > 30
    assert missing == [], "\n".join(sorted(set(missing)))
