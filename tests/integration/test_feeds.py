"""CAP feeds served from a local HTTP server (127.0.0.1; nothing reaches outside), on
SQLite and PostgreSQL: an alert, its update and its cancellation arrive through an Atom
index and end in one crisis with its history; conditional requests, back-off, per-feed
status, dedup by sender and identifier, and the feed's rule deciding crisis or watch
entry."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import alerts, crises, feeds
from phalanx.services.db import Database
from phalanx.services.errors import Invalid
from tests.conftest import shared_file
from tests.support.capfiles import alert, info

SEC = Principal("secretariat", Role.SECRETARIAT)
SENDER = "mchs@gov.kg"
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
# the feed servers here listen on loopback, which a registration accepts only where the
# settings allow it (PHALANX_FEED_ALLOW_NETWORKS, PHALANX_FEED_ALLOW_PORTS)
LOCAL = replace(feeds.POLICY, networks=(ipaddress.ip_network("127.0.0.0/8"),),
                ports=frozenset(range(1, 65536)))


class Site:
    """Paths → (body, ETag); every request is logged with its conditional headers."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        self.log: list[tuple[str, str | None]] = []
        self.fail = False
        self.fetch: feeds.Fetch = feeds.http_fetch


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    s = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            s.log.append((self.path, self.headers.get("If-None-Match")))
            if s.fail:
                self.send_error(503, "down for maintenance")
                return
            if self.path not in s.files:
                self.send_error(404)
                return
            body, etag = s.files[self.path]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", "Fri, 20 Nov 2026 00:00:00 GMT")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # a feed server on loopback is reached only because the test allows it explicitly
    # (PHALANX_FEED_ALLOW_NETWORKS, PHALANX_FEED_ALLOW_PORTS)
    s.fetch = feeds.fetcher((ipaddress.ip_network("127.0.0.0/8"),),
                            frozenset({server.server_address[1]}))
    yield s, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def atom(base: str, names: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>urn:kg:{n}</id><title>{n}</title><updated>2026-11-20T00:00:00Z</updated>"
        f'<link rel="alternate" type="text/html" href="{base}/page/{n}"/>'
        f'<link rel="related" type="application/cap+xml" href="/alerts/{n}.xml"/></entry>'
        for n in names)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>MChS KG CAP</title><id>{base}/feed</id>"
            f"<updated>2026-11-20T00:00:00Z</updated>{entries}</feed>").encode()


def rss(names: list[str]) -> bytes:
    items = "".join(f"<item><title>{n}</title><link>/alerts/{n}.xml</link><guid>{n}</guid>"
                    "</item>" for n in names)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>KZ</title>{items}'
            "</channel></rss>").encode()


@pytest.fixture
def db_recipe() -> str:
    return "dataset"  # every test starts from the built-in dataset


@pytest.fixture
def org_db(db: Database) -> Database:
    return db


def ref(identifier: str) -> str:
    return f"{SENDER},{identifier},2026-11-20T06:00:00+06:00"


def publish(s: Site, base: str, path: str, names: list[str]) -> None:
    s.files[path] = (atom(base, names), f'"v{len(names)}"')


def test_alert_update_cancel_from_a_feed_make_one_crisis_with_history(
        org_db: Database, site: tuple[Site, str]) -> None:
    s, base = site
    s.files["/alerts/A1.xml"] = (alert(info(severity="Severe"), identifier="A1"), '"a1"')
    s.files["/alerts/A2.xml"] = (alert(info("Aftershocks", severity="Extreme"),
                                       identifier="A2", msg_type="Update",
                                       references=ref("A1")), '"a2"')
    s.files["/alerts/A3.xml"] = (alert(identifier="A3", msg_type="Cancel",
                                       references=ref("A2")), '"a3"')
    publish(s, base, "/feed.atom", ["A1"])
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/feed.atom", country="kgz",
                                          interval_s=60), actor=SEC, policy=LOCAL)
    assert feed.country == "KGZ" and feed.status == "new"
    r1 = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0)
    assert r1.status == "ok" and r1.received[0].crisis is not None
    crisis_id = r1.received[0].crisis.id
    publish(s, base, "/feed.atom", ["A1", "A2"])
    r2 = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=1))
    assert [r.duplicate for r in r2.received] == [True, False]
    assert r2.received[1].crisis is not None and r2.received[1].crisis.id == crisis_id
    publish(s, base, "/feed.atom", ["A1", "A2", "A3"])
    r3 = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=2))
    assert r3.received[-1].alert.action == "cancelled"
    quiet = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=3))
    assert quiet.status == "not-modified" and quiet.received == []
    assert s.log[-1] == ("/feed.atom", '"v3"')  # the conditional request
    with org_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.crisis)).scalar_one() == 1
        c = crises.get(conn, crisis_id, actor=SEC)
        chain = alerts.listing(conn, actor=SEC, crisis_id=crisis_id)
        f = feeds.get(conn, feed.id)
    assert c.severity == "extreme" and c.title == "Aftershocks"
    history = [e.text for e in c.timeline if e.kind == "cap"]
    assert len(history) == 2 and "closing is proposed" in history[1]
    assert [a.msg_type for a in chain] == ["Cancel", "Update", "Alert"]
    assert all(a.feed_id == feed.id for a in chain)
    assert f.received == 3 and f.status == "not-modified" and f.failures == 0


@pytest.mark.parametrize("actor", [SYSTEM, SEC])  # the schedule, and "Poll now"
def test_a_feed_polled_by_the_system_or_the_secretariat_files_every_message(
        org_db: Database, site: tuple[Site, str], actor: Principal) -> None:
    """Polling sends the feed's messages for its country: an alert, an Ack of it and
    another sender's Update of it are all taken (the Update stored, standing for
    nothing), whoever polls among those who may."""
    from phalanx.services import alert_standing

    s, base = site
    s.files["/alerts/A1.xml"] = (alert(info(area="Chuy region"), identifier="A1"), '"a1"')
    s.files["/alerts/B1.xml"] = (alert(identifier="B1", msg_type="Ack",
                                       references=ref("A1")), '"b1"')
    s.files["/alerts/X1.xml"] = (alert(info(area="Spoofed area"), identifier="X1",
                                       sender="someone@else.kg", msg_type="Update",
                                       references=ref("A1")), '"x1"')
    publish(s, base, "/feed.atom", ["A1", "B1", "X1"])
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/feed.atom", country="KGZ"),
                     actor=SEC, policy=LOCAL)
    r = feeds.poll(org_db, feed.id, actor=actor, fetch=s.fetch, at=T0)
    assert r.status == "ok", r.errors
    assert [x.alert.action for x in r.received] == ["opened-crisis", "stored", "stored"]
    crisis = r.received[0].crisis
    assert crisis is not None and {x.alert.crisis_id for x in r.received} == {crisis.id}
    with org_db.read() as conn:
        drawn = alert_standing.crisis_areas(conn, crisis.id, actor=SEC)["features"]
    assert [f["properties"]["area"] for f in drawn] == ["Chuy region"]


def test_the_feed_rule_makes_minor_or_foreign_alerts_watch_entries(
        org_db: Database, site: tuple[Site, str]) -> None:
    s, base = site
    far = "60.0,20.0 60.0,21.0 59.0,21.0 59.0,20.0 60.0,20.0"  # the Baltic, not Kazakhstan
    near = "43.3,76.8 43.3,77.0 43.1,77.0 43.1,76.8 43.3,76.8"  # Almaty
    s.files["/alerts/M1.xml"] = (alert(info(severity="Minor", polygons=(near,)),
                                       identifier="M1"), '"m1"')
    s.files["/alerts/F1.xml"] = (alert(info(severity="Extreme", polygons=(far,)),
                                       identifier="F1"), '"f1"')
    s.files["/alerts/S1.xml"] = (alert(info(severity="Extreme", polygons=(near,)),
                                       identifier="S1"), '"s1"')
    s.files["/kz.rss"] = (rss(["M1", "F1", "S1"]), '"r1"')
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/kz.rss", country="KAZ"),
                     actor=SEC, policy=LOCAL)
    r = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0)
    kinds = [("crisis" if x.crisis else "watch" if x.watch else "-") for x in r.received]
    assert kinds == ["watch", "watch", "crisis"], [x.alert.action_detail for x in r.received]


def test_a_single_alert_url_and_dedup_across_feeds(org_db: Database,
                                                   site: tuple[Site, str]) -> None:
    s, base = site
    s.files["/alerts/D1.xml"] = (alert(identifier="D1"), '"d1"')
    publish(s, base, "/feed.atom", ["D1"])
    one = feeds.add(org_db, feeds.FeedIn(url=f"{base}/alerts/D1.xml", country="KGZ"),
                    actor=SEC, policy=LOCAL)
    two = feeds.add(org_db, feeds.FeedIn(url=f"{base}/feed.atom", country="KGZ"),
                    actor=SEC, policy=LOCAL)
    results = feeds.poll_due(org_db, actor=SYSTEM, fetch=s.fetch,
                             at=datetime.now(UTC) + timedelta(seconds=1))
    assert {r.feed_id for r in results} == {one.id, two.id}
    with org_db.read() as conn:
        assert conn.execute(select(func.count()).select_from(t.cap_alert)).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(t.crisis)).scalar_one() == 1


def test_a_failing_feed_backs_off_and_says_why(org_db: Database,
                                              site: tuple[Site, str]) -> None:
    s, base = site
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/feed.atom", country="KGZ",
                                          interval_s=60), actor=SEC, policy=LOCAL)
    s.fail = True
    r = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0)
    assert r.status == "failing" and "503" in r.errors[0]
    feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=2))
    with org_db.read() as conn:
        f = feeds.get(conn, feed.id)
    assert f.status == "failing" and f.failures == 2 and "503" in f.last_error
    assert f.next_poll is not None
    assert f.next_poll.replace(tzinfo=UTC) == T0 + timedelta(minutes=2) + timedelta(seconds=240)
    assert feeds.poll_due(org_db, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=3)) == []
    s.fail = False
    s.files["/feed.atom"] = (b"<html><body>not a feed</body></html>", '"x"')
    bad = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=10))
    assert bad.status == "failing" and "neither a CAP alert nor an Atom or RSS" in bad.errors[0]


def test_feeds_are_checked_on_the_way_in(org_db: Database) -> None:
    with pytest.raises(ValueError, match="http"):
        feeds.FeedIn(url="file:///etc/passwd", country="KGZ")
    with pytest.raises(Invalid, match="XYZ"):
        feeds.add(org_db, feeds.FeedIn(url="http://alerts.kz.invalid/x", country="XYZ"),
                  actor=SEC)


@pytest.mark.parametrize(("name", "count"), [("ny_index.rss", 2), ("earthquake_index.atom", 1),
                                             ("weather_index.atom", None)])
def test_real_indexes_list_their_alerts(name: str, count: int | None) -> None:
    body = shared_file("fixtures", "cap", "google-cap-library", name).read_bytes()
    found = feeds.entries(body, "http://127.0.0.1/")
    assert found and (count is None or len(found) == count)
    assert all(url.startswith("http") for url, _ in found)


@pytest.mark.parametrize(("name", "where"), [
    ("invalid.rss", "line 5, /rss/channel/item: an item without a link"),
    ("invalid_element.atom", "line 8, /feed/entry: an entry with neither a CAP alert nor"),
    ("no_id.atom", "line 9, /feed/entry: an entry with neither"),
    ("no_link.atom", "line 9, /feed/entry: an entry with neither"),
    ("no_title.atom", "line 9, /feed/entry: an entry with neither"),
    ("no_entries.atom", "line 9, /feed/alert: a CAP alert outside any <entry>"),
])
def test_what_a_flawed_index_lists_in_vain_is_named_with_its_line(name: str,
                                                                  where: str) -> None:
    body = shared_file("fixtures", "cap", "google-cap-library", name).read_bytes()
    index = feeds.read_index(body, "http://127.0.0.1/")
    assert index.entries == []
    assert len(index.problems) == 1 and str(index.problems[0]).startswith(where), \
        index.problems
    empty = shared_file("fixtures", "cap", "google-cap-library", "empty_weather_index.atom")
    assert feeds.read_index(empty.read_bytes(), "http://127.0.0.1/") == feeds.Index([], [])


def test_a_feed_whose_entries_lead_nowhere_is_partial_and_says_where(
        org_db: Database, site: tuple[Site, str]) -> None:
    s, base = site
    s.files["/alerts/A1.xml"] = (alert(identifier="A1"), '"a1"')
    good = atom(base, ["A1"])
    s.files["/feed.atom"] = (good.replace(b"</feed>", b"<entry><id>urn:kg:x</id><title>x"
                                          b"</title><content></content></entry></feed>"),
                             '"v1"')
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/feed.atom", country="KGZ"),
                     actor=SEC, policy=LOCAL)
    r = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0)
    assert r.status == "partial" and len(r.received) == 1
    assert any("/feed/entry[2]: an entry with neither a CAP alert nor a link" in e
               for e in r.errors), r.errors
    with org_db.read() as conn:
        assert "/feed/entry[2]" in feeds.get(conn, feed.id).last_error


def test_an_edxl_de_distribution_delivers_its_embedded_alerts(
        org_db: Database, site: tuple[Site, str]) -> None:
    s, base = site
    folder = ("fixtures", "cap", "google-cap-library")
    s.files["/rfs.edxlde"] = (shared_file(*folder, "bushfire_valid.edxlde").read_bytes(),
                              '"v1"')
    feed = feeds.add(org_db, feeds.FeedIn(url=f"{base}/rfs.edxlde", country="KAZ"),
                     actor=SEC, policy=LOCAL)
    r = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0)
    assert (r.status, r.errors) == ("ok", [])
    assert len(r.received) == 7 and r.received[0].alert.identifier.endswith(":40500")
    s.files["/rfs.edxlde"] = (shared_file(*folder, "bushfire_invalid.edxlde").read_bytes(),
                              '"v2"')
    r = feeds.poll(org_db, feed.id, actor=SYSTEM, fetch=s.fetch, at=T0 + timedelta(minutes=10))
    assert r.status == "partial" and len(r.received) == 6  # all but the empty one, again
    (error,) = r.errors
    assert "line 94, /alert/identifier: required element" in error, error
    odd = next(x for x in r.received if x.alert.identifier.endswith(":40394"))
    assert odd.duplicate  # the same sender and identifier as in the valid distribution
