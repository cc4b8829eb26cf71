"""What a working user meets in Russian beyond the catalog's own texts: the audit
trail's verdict and kinds of record, dates in the Russian order, plurals, the observer
states of a body, links only to the pages the role may open; and a session that ends
while a form is being filled in sends the person back to the form's page, not to the
address the form was sent to (which answers POST only)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from phalanx.domain.audit import Checkpoint, Entry, verify
from phalanx.services.db import Database
from phalanx.web.i18n.errors import translate
from tests.integration.test_pages import (  # noqa: F401 (fixtures)
    client,
    demo_db,
    login,
    page_settings,
)
from tests.support.sessions import end_sessions

LATIN_WORD = re.compile(r"\b(?!UTC\b|CAP\b|PDF\b|API\b)[A-Za-z]{3,}\b")


def real_crisis(client: TestClient) -> str:  # noqa: F811
    """The room of the demo's real crisis (the one answered by the CRRF)."""
    return re.search(r'href="(/crises/\d+)"', client.get("/crises").text).group(1)


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def auditor(client: TestClient) -> TestClient:  # noqa: F811
    login(client, "auditor", "demo-auditor-pass")
    return client


def test_the_audit_trail_in_russian(auditor: TestClient) -> None:
    html = auditor.get("/audit?lang=ru").text
    table = html[html.index('id="audit-table"'):]
    kinds = re.findall(r'<td data-kind="(\w+)">([^<]*)</td>', table)
    # the kind by its label, then the record's id (a number or a key, as it is)
    assert kinds and all(not LATIN_WORD.search(shown.rsplit(" ", 1)[0])
                         for _k, shown in kinds), kinds
    assert ("user", "пользователь") in {(k, s.split()[0]) for k, s in kinds}
    times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', table)
    assert times and all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", x) for x in times)


def test_every_verdict_of_the_audit_chain_reads_in_russian() -> None:
    """Each way the chain can fail (domain/audit.py) says so in Russian, its numbers
    kept; the auditor's page writes the verdict through the same translation."""
    at = "2026-12-03T07:00:00+00:00"
    good = Entry(1, at, "system", "system", None, "x", "crisis", "1", "{}", "0" * 64).sealed()
    second = Entry(2, at, "system", "system", None, "x", "crisis", "1", "{}", "1" * 64).sealed()
    reasons = [
        verify([good], [Checkpoint(1, 1, good.hash, at, "k", "s")], lambda _c: False).reason,
        verify([good], [Checkpoint(1, 7, good.hash, at, "k", "s")]).reason,
        verify([good], [Checkpoint(1, 1, "f" * 64, at, "k", "s")]).reason,
        verify([good], signature_ok=None).reason,
        verify([second]).reason,
        verify([good, good]).reason,
        verify([good, second]).reason,
        verify([Entry(**{**good.__dict__, "action": "y"})]).reason,
        "entries from 4 to 9 were copied outside the database and are gone",
        "entry 3 was never copied outside the database: it was added behind the "
        "application's back",
        "entry 3 was never copied outside the database though later entries were: it was "
        "added behind the application's back",
        "entry 5 was copied outside the database twice, with different hashes: the trail "
        "was cut before it and written on",
        "the newest checkpoint (2026-12-03T07:00:00+00:00) is older than allowed (0:30:00)",
        "no checkpoint outside the database",
    ]
    for reason in reasons:
        assert reason
        ru = translate(reason, "ru", labelled=True)
        assert ru != reason and not LATIN_WORD.search(ru.replace("--key", "")), (reason, ru)
        assert re.findall(r"\d+", reason)[:1] == re.findall(r"\d+", ru)[:1], (reason, ru)


def test_dates_in_the_russian_order(client: TestClient) -> None:  # noqa: F811
    """A Russian page writes 3 December as 03.12 (in a year, 03.12.2026), never 12-03,
    which a Russian reader takes for the 12th of March; English pages keep ISO."""
    login(client, "secretariat", "demo-secretariat")
    room = real_crisis(client)
    for path in (room, "/inbox", "/sessions", "/decisions", "/agreements", "/tasks"):
        # (the dataset's notes quote documents' dates as they are)
        ru = _text(re.sub(r'<td class="note">.*?</td>', "", client.get(f"{path}?lang=ru").text,
                          flags=re.S))
        assert not re.search(r"\b\d\d-\d\d \d\d:\d\d\b", ru), path
        assert not re.search(r"(?<![\d-])\d{4}-\d\d-\d\d(?![\d-])", ru), path
    ru = _text(client.get(f"{room}?lang=ru").text)
    assert re.search(r"\b\d\d\.\d\d \d\d:\d\d\b", ru)
    assert re.search(r"\b\d\d\.\d\d\.\d{4} \d\d:\d\d UTC\b", ru)
    assert re.search(r"\b\d\d-\d\d \d\d:\d\d\b", _text(client.get(f"{room}?lang=en").text))


def test_overdue_days_and_sites_have_russian_plurals(client: TestClient) -> None:  # noqa: F811
    login(client, "secretariat", "demo-secretariat")
    tasks = _text(client.get("/tasks?lang=ru").text)
    late = re.findall(r"просрочено (\d+ \w+)", tasks)
    assert late, "the demo has an overdue task"
    for found in late:
        n, word = found.split()
        want = "день" if int(n) % 10 == 1 and int(n) % 100 != 11 else (
            "дня" if int(n) % 10 in (2, 3, 4) and int(n) % 100 not in (12, 13, 14) else "дней")
        assert word == want, found
    assert " d" not in re.sub(r"\s+", " ", tasks).replace(" d.", "")


def test_a_bodys_observer_states_by_their_russian_names(client: TestClient) -> None:  # noqa: F811
    ru = client.get("/bodies/pa?lang=ru").text
    observers = ru[ru.index("Наблюдатели"):]
    assert "Сербия" in observers and "Афганистан" in observers
    assert "Serbia" not in ru and "Afghanistan" not in observers[:400]
    assert "Serbia" in client.get("/bodies/pa?lang=en").text


@pytest.mark.parametrize(("who", "links"), [
    (("rep-kaz", "demo-rep-kaz"), set()),
    (("auditor", "demo-auditor-pass"), {"/alerts"}),
    (("secretariat", "demo-secretariat"), {"/alerts", "/feeds"}),
])
def test_the_watch_list_links_only_to_pages_the_role_opens(
        client: TestClient, who: tuple[str, str], links: set[str]) -> None:  # noqa: F811
    login(client, *who)
    html = client.get("/watch?lang=ru").text
    main = html[html.index("<main"):]
    shown = set(re.findall(r'href="(/(?:alerts|feeds))"', main))
    assert shown == links
    for href in shown:
        assert client.get(href).status_code == 200


def test_an_ended_session_sends_a_form_back_to_its_page(client: TestClient,  # noqa: F811
                                                         demo_db: Database) -> None:  # noqa: F811
    """The form's address answers POST only: after logging in again the person lands on
    the page of the form (where static/drafts.js puts back what was typed), and the login
    page says why it is asked for."""
    login(client, "rep-kaz", "demo-rep-kaz")
    room = real_crisis(client)
    token = re.search(r'data-csrf="([^"]+)"', client.get(f"{room}?lang=ru").text).group(1)
    end_sessions(demo_db, "rep-kaz")
    r = client.post(f"{room}/sitreps", data={"csrf_token": token, "situation": "x"},
                    headers={"referer": f"http://testserver{room}?lang=ru"},
                    follow_redirects=False)
    assert r.status_code == 303
    where = urlsplit(r.headers["location"])
    assert where.path == "/login"
    assert parse_qs(where.query) == {"next": [f"{room}?lang=ru"], "ended": ["1"]}
    page = client.get(r.headers["location"]).text
    assert 'id="session-ended"' in page and "Сеанс завершён" in page
    assert f'name="next" value="{room}?lang=ru"' in page
    # a stranger (no session cookie) is asked to log in, without talk of an ended session
    client.cookies.clear()
    r = client.get(room, follow_redirects=False)
    assert r.headers["location"] == f"/login?next={room}"


def test_an_ended_session_takes_htmx_to_the_login_page(client: TestClient,  # noqa: F811
                                                        demo_db: Database) -> None:  # noqa: F811
    """A part of a page that htmx asks for after the session ended does not get the
    login page put inside it: htmx is told to go to the login page, and back to the
    page afterwards."""
    login(client, "rep-kaz", "demo-rep-kaz")
    room = real_crisis(client)
    end_sessions(demo_db, "rep-kaz")
    r = client.get(f"{room}/live", follow_redirects=False, headers={
        "HX-Request": "true", "HX-Current-URL": f"http://testserver{room}?lang=ru"})
    assert r.status_code == 401 and not r.text
    assert r.headers["HX-Redirect"] == f"/login?next={room}%3Flang%3Dru&ended=1"


def test_a_phone_keyboard_does_not_capitalize_the_user_name(client: TestClient) -> None:  # noqa: F811
    """A phone's keyboard starts a field with a capital letter: "Rep-kaz" is nobody."""
    field = re.search(r'<input name="username"[^>]*>', client.get("/login?lang=ru").text)
    assert field is not None
    assert 'autocapitalize="none"' in field.group(0) and 'autocorrect="off"' in field.group(0)
