"""A page form sent twice (a double tap on a phone with a dropping link, the browser
sending it again after a timeout) acts once: every form carries a token of its own, new
each time it is shown, and the same form sent again is answered as the first time (taken
to the record it made), nothing written, logged or announced again. Sent changed, it is
another request."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.form_token import form_token
from tests.support.sessions import login


@pytest.fixture
def client(accounts_db: Database, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, accounts_db)) as c:
        yield c


def _count(db: Database, table: object, *where: object) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(*where)).scalar_one())


def _report_form(client: TestClient) -> dict[str, str]:
    board = client.get("/crises").text
    form = board[board.index('action="/crises"'):]
    fields = dict(re.findall(r'name="(csrf_token|form_token)" value="([^"]+)"', form)[:2])
    assert set(fields) == {"csrf_token", "form_token"}
    return {**fields, "title": "Flood in the Almaty region", "category": "natural_disaster",
            "affected": "KAZ", "severity": "severe", "place": "Almaty"}


def test_the_report_form_sent_twice_opens_one_crisis(
        client: TestClient, accounts_db: Database) -> None:
    login(client, "rep-kaz", "demo-rep-kaz")
    form = _report_form(client)
    first = client.post("/crises", data=form, follow_redirects=False)
    assert first.status_code == 303, first.text
    notified = _count(accounts_db, t.notification)
    assert notified > 0
    again = client.post("/crises", data=form, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert _count(accounts_db, t.crisis) == 1
    assert _count(accounts_db, t.audit_log, t.audit_log.c.action == "crisis.open") == 1
    assert _count(accounts_db, t.notification) == notified
    # the form shown anew is another report; the same token with other words, too
    assert client.post("/crises", data=_report_form(client),
                       follow_redirects=False).status_code == 303
    assert client.post("/crises", data={**form, "title": "Mudflow near Almaty"},
                       follow_redirects=False).status_code == 303
    assert _count(accounts_db, t.crisis) == 3


def test_a_double_tap_opens_one_crisis_and_both_answers_lead_to_it(
        client: TestClient, accounts_db: Database) -> None:
    """The second arrives while the first is still being served: it waits for the first
    one's answer instead of writing, or of being refused as a race."""
    login(client, "rep-kaz", "demo-rep-kaz")
    form = _report_form(client)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, str]] = []

    def tap() -> None:
        barrier.wait()
        r = client.post("/crises", data=form, follow_redirects=False)
        answers.append((r.status_code, r.headers.get("location", r.text)))

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for th in taps:
        th.start()
    for th in taps:
        th.join()
    assert _count(accounts_db, t.crisis) == 1
    assert [a[0] for a in answers] == [303, 303], answers
    assert answers[0][1] == answers[1][1]
    assert _count(accounts_db, t.audit_log, t.audit_log.c.action == "crisis.open") == 1


def test_a_form_changed_and_sent_twice_acts_once(
        client: TestClient, accounts_db: Database) -> None:
    """Back to the form (the browser keeps it, its token with it), a word changed, then a
    double tap: the changed form is another request, and it too acts once."""
    login(client, "rep-kaz", "demo-rep-kaz")
    form = _report_form(client)
    assert client.post("/crises", data=form, follow_redirects=False).status_code == 303
    changed = {**form, "title": "Mudflow near Almaty"}
    first = client.post("/crises", data=changed, follow_redirects=False)
    assert first.status_code == 303, first.text
    again = client.post("/crises", data=changed, follow_redirects=False)
    assert again.status_code == 303, again.text
    assert again.headers["location"] == first.headers["location"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert _count(accounts_db, t.crisis) == 2
    assert _count(accounts_db, t.audit_log, t.audit_log.c.action == "crisis.open") == 2


def test_a_form_without_its_token_is_served_as_sent(
        client: TestClient, accounts_db: Database) -> None:
    login(client, "rep-kaz", "demo-rep-kaz")
    form = _report_form(client)
    del form["form_token"]
    for _ in range(2):
        assert client.post("/crises", data=form, follow_redirects=False).status_code == 303
    assert _count(accounts_db, t.crisis) == 2


def test_the_token_is_read_from_either_kind_of_form() -> None:
    assert form_token("application/x-www-form-urlencoded",
                      b"csrf_token=a&form_token=T0k-en_1&x=2") == "T0k-en_1"
    multipart = (b'--b\r\nContent-Disposition: form-data; name="form_token"\r\n\r\n'
                 b'T0k-en_1\r\n--b\r\nContent-Disposition: form-data; name="file"; '
                 b'filename="a.txt"\r\n\r\nform_token\r\n--b--\r\n')
    assert form_token("multipart/form-data; boundary=b", multipart) == "T0k-en_1"
    assert form_token("application/json", b'{"form_token": "x"}') is None
    assert form_token("application/x-www-form-urlencoded", b"form_token=") is None


@pytest.mark.parametrize(("referer", "back"), [
    ("https://phalanx.example/crises?lang=ru", "/crises?lang=ru"),
    ("https://phalanx.example//elsewhere.example/x", "/"),
    ("https://phalanx.example/\\elsewhere.example/x", "/"),
    ("", "/")])
def test_a_form_sent_again_with_no_answer_kept_goes_back_to_this_site_only(
        monkeypatch: pytest.MonkeyPatch, referer: str, back: str) -> None:
    """The first sending's answer not kept (still served past the wait, or lost): back to
    the page the form was on, a path of this site; never a "//host" that a browser takes
    to another site."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from phalanx.services import idempotency as keys
    from phalanx.web import idempotency

    monkeypatch.setattr(idempotency, "PAGE_WAIT", 0.0)
    taken = keys.Taken(1, "POST", "/crises", "print", datetime.now(UTC), None, None, None)
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "headers": [(b"referer", referer.encode())] if referer else []}
    # (in a thread of its own: a browser test's session may hold this thread's loop)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(idempotency._page_again(
            scope, send, 1, "key", taken))).result()  # type: ignore[arg-type]
    start = sent[0]
    assert start["status"] == 303
    assert (b"location", back.encode()) in start["headers"]  # type: ignore[operator]
