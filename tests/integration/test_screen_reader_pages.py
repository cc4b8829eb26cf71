"""The pages as a screen reader gives them, in Russian: a link or a button is read by
its name alone (a list of a page's links, or Tab from one to the next), so a name
repeated on each row of a register says which row it is of."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.integration.test_pages import demo_db, login, page_settings  # noqa: F401


@pytest.fixture
def client(demo_db: Database, page_settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(page_settings, demo_db)) as c:
        yield c


class _Links(HTMLParser):
    """Each link's address and its name (its text, hidden text included, or its
    aria-label)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[list[str]] = []
        self.open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            a = dict(attrs)
            self.links.append([a.get("href") or "", a.get("aria-label") or ""])
            self.open = not a.get("aria-label")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.open = False

    def handle_data(self, data: str) -> None:
        if self.open:
            self.links[-1][1] += data


@pytest.mark.parametrize("who", [("rep-kaz", "demo-rep-kaz"),
                                 ("secretariat", "demo-secretariat")], ids=lambda w: w[0])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_each_decision_s_document_links_name_their_decision(
        client: TestClient, who: tuple[str, str], lang: str) -> None:
    login(client, *who)
    client.cookies.set("lang", lang)
    r = client.get("/decisions")
    assert r.status_code == 200
    parser = _Links()
    parser.feed(r.text)
    numbers = dict(re.findall(r'<tr id="decision-(\d+)"><td class="code">([^<]+)</td>', r.text))
    assert len(numbers) > 1
    names: Counter[str] = Counter()
    for href, name in parser.links:
        found = re.match(r"/api/v1/decisions/(\d+)/(pdf|akn\.xml)", href)
        if not found:
            continue
        name = " ".join(name.split())
        assert numbers[found.group(1)] in name, (href, name)  # says which decision
        assert name.startswith("PDF" if found.group(2) == "pdf" else "Akoma Ntoso"), name
        names[name] += 1
    assert len(names) == 2 * len(numbers)
    assert max(names.values()) == 1
