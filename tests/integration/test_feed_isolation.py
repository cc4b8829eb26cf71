"""One feed never stops the others: an unexpected error (one that is neither the
network's, nor the CAP's, nor a refusal) in one entry is that entry's error and the
feed's other entries are received; one in fetching a feed, or anywhere in its poll,
is that feed's error (logged with its traceback, the feed failing and backing off),
and every other due feed is polled and its state saved."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import alerts, feeds
from phalanx.services.db import Database
from tests.support.capfiles import alert

SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
DUE = T0 + timedelta(days=400)


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def index(*names: str) -> bytes:
    entries = "".join(f'<entry><id>urn:{n}</id><title>{n}</title><link rel="related" '
                      f'type="application/cap+xml" href="/alerts/{n}.xml"/></entry>'
                      for n in names)
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>urn:f</id>'
            f"{entries}</feed>").encode()


SITE: dict[str, Any] = {
    "http://a.example/feed.atom": index("A1"),
    "http://b.example/feed.atom": index("B1", "B2"),
    "http://c.example/feed.atom": index("C1"),
    **{f"http://{h}.example/alerts/{n}.xml": alert(identifier=n, sender=f"{h}@gov.kg")
       for h, n in (("a", "A1"), ("b", "B1"), ("b", "B2"), ("c", "C1"))},
}


def fetch(broken: str = "") -> feeds.Fetch:
    def get(url: str, _headers: dict[str, str]) -> feeds.Fetched:
        if url == broken:
            raise ValueError("a fault that is nobody's: not OSError, not a CAP error")
        return feeds.Fetched(200, SITE[url], '"v1"', None)
    return get


def three(db: Database) -> list[int]:
    return [feeds.add(db, feeds.FeedIn(url=f"http://{h}.example/feed.atom", country="KGZ"),
                      actor=SEC).id for h in "abc"]


def state(db: Database, feed_id: int) -> feeds.FeedOut:
    with db.read() as conn:
        return feeds.get(conn, feed_id)


def faulted(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "phalanx.services.feeds"
            and r.exc_info is not None and r.levelno == logging.ERROR]


def test_an_unexpected_error_fetching_one_feed_leaves_the_others_polled(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    a, b, c = three(db)
    results = feeds.poll_due(db, actor=SYSTEM, fetch=fetch("http://b.example/feed.atom"),
                             at=DUE)
    assert {r.feed_id: r.status for r in results} == {a: "ok", b: "failing", c: "ok"}
    broken = state(db, b)
    assert broken.status == "failing" and broken.failures == 1
    assert "ValueError" in broken.last_error and broken.next_poll is not None
    assert (state(db, a).status, state(db, c).status) == ("ok", "ok")
    assert faulted(caplog), "the error is logged with its traceback"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.crisis)).scalar_one() == 2


def test_an_unexpected_error_in_one_entry_is_that_entry_s_error(
        db: Database, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = three(db)
    receive = alerts.receive

    def flawed(db_: Database, data: bytes, *args: Any, **kw: Any) -> alerts.IntakeOut:
        if b"<identifier>B1<" in data:
            raise KeyError("a bug met by one alert")
        return receive(db_, data, *args, **kw)

    monkeypatch.setattr(alerts, "receive", flawed)
    results = feeds.poll_due(db, actor=SYSTEM, fetch=fetch(), at=DUE)
    by_feed = {r.feed_id: r for r in results}
    assert {f: r.status for f, r in by_feed.items()} == {a: "ok", b: "partial", c: "ok"}
    assert [x.alert.identifier for x in by_feed[b].received] == ["B2"]
    saved = state(db, b)
    assert saved.status == "partial" and saved.received == 1
    assert "B1.xml: unexpected error: KeyError" in saved.last_error
    assert faulted(caplog)


def test_an_unexpected_error_anywhere_in_a_poll_is_that_feed_s_error(
        db: Database, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    a, b, c = three(db)
    poll = feeds.poll

    def flawed(db_: Database, feed_id: int, **kw: Any) -> feeds.PollResult:
        if feed_id == a:
            raise RuntimeError("a bug in the poll itself")
        return poll(db_, feed_id, **kw)

    monkeypatch.setattr(feeds, "poll", flawed)
    results = feeds.poll_due(db, actor=SYSTEM, fetch=fetch(), at=DUE)
    assert {r.feed_id: r.status for r in results} == {a: "failing", b: "ok", c: "ok"}
    assert "RuntimeError: a bug in the poll itself" in state(db, a).last_error
    assert state(db, c).received == 1
    assert faulted(caplog)
