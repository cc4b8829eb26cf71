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
    numbers = dict(re.findall(r'<tr id="decision-(\d+)">'
                                r'<th scope="row" class="name code">([^<]+)</th>', r.text))
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


def _consultation_draft(db: Database) -> tuple[int, str]:
    """A draft of the Council put to the heads of state by consultation: its id and the
    chairing state."""
    from phalanx.domain.access.principal import SYSTEM
    from phalanx.services import decisions as dec

    d = dec.propose_draft(db, dec.DraftIn(
        body="csc", procedure="consultation", title="On a joint contingent",
        text_en="To send a joint contingent."), actor=SYSTEM)
    return d.id, d.chair or ""


def test_a_refused_consultation_answer_comes_back_beside_its_form(
        client: TestClient, demo_db: Database) -> None:  # noqa: F811
    """The chair records a head of state's answer given tomorrow (a slip of the keyboard
    in the date): the draft's page comes back with the refusal in the form (a screen
    reader's focus lands there, app.js ties it to the fields), what was chosen kept,
    not the error page that leaves the form behind. An answer recorded takes the chair
    back to the consultation, not to the page's start."""
    from datetime import UTC, datetime, timedelta

    draft_id, chair = _consultation_draft(demo_db)
    login(client, f"rep-{chair.lower()}", f"demo-rep-{chair.lower()}")
    client.cookies.set("lang", "ru")
    page = client.get(f"/drafts/{draft_id}").text
    form = re.search(r'<form[^>]*id="consultation-form".*?</form>', page, re.S)
    assert form is not None
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0)).group(1)  # type: ignore[union-attr]
    other = next(s for s in re.findall(r'<option value="([A-Z]{3})"', form.group(0)) if s != chair)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/drafts/{draft_id}/consultation", data={
        "csrf_token": token, "state": other, "position": "object", "given_at": tomorrow,
        "channel": "video", "given_by": "Его помощник"}, follow_redirects=False)
    assert 400 <= r.status_code < 500, r.text[:300]
    assert 'id="error-code"' not in r.text  # the draft's page, not the error page
    form = re.search(r'<form[^>]*id="consultation-form".*?</form>', r.text, re.S)
    assert form is not None
    refusal = re.search(r'<p class="error[^"]*" role="alert" data-refusal'
                        r' id="consultation-error">([^<]+)</p>', form.group(0))
    assert refusal is not None and refusal.group(1).strip()
    kept = form.group(0)
    assert f'<option value="{other}" selected>' in kept
    assert '<option value="object" selected>' in kept
    assert '<option value="video" selected>' in kept
    assert f'value="{tomorrow}"' in kept and 'value="Его помощник"' in kept

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/drafts/{draft_id}/consultation", data={
        "csrf_token": token, "state": other, "position": "support", "given_at": now,
        "channel": "telephone"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("#consultation")


def test_the_announce_button_says_whom_it_waits_for(
        client: TestClient, demo_db: Database) -> None:  # noqa: F811
    """While heads of state are not yet reached, "Announce the decision" cannot be
    pressed: it says why (described by the list of those not reached)."""
    draft_id, chair = _consultation_draft(demo_db)
    login(client, f"rep-{chair.lower()}", f"demo-rep-{chair.lower()}")
    page = client.get(f"/drafts/{draft_id}").text
    button = re.search(r'<button[^>]*id="announce"[^>]*>', page)
    assert button is not None and "disabled" in button.group(0)
    described = re.search(r'aria-describedby="([^"]+)"', button.group(0))
    assert described is not None, button.group(0)
    assert re.search(rf'id="{described.group(1)}"[^>]*>[^<]*not yet reached', page)


def test_each_unit_s_progress_bar_names_its_unit(client: TestClient) -> None:
    """The crisis room's deployment: a progress bar reached by the keyboard or a screen
    reader's list of them says whose progress it is, not "Ход" seven times."""
    login(client, "rep-kaz", "demo-rep-kaz")
    client.cookies.set("lang", "ru")
    board = client.get("/crises").text
    room = client.get("/crises/" + re.findall(r'href="/crises/(\d+)"', board)[0]).text
    rows = re.findall(r'<tr data-status="[a-z_]+">'
                      r'<th scope="row" class="name">([^<]+)</th>.*?<progress[^>]*'
                      r'aria-label="([^"]+)"', room)
    assert len(rows) > 1
    for unit, name in rows:
        assert name.startswith("Ход") and unit.strip() in name, (unit, name)
    assert len({name for _u, name in rows}) == len(rows)
