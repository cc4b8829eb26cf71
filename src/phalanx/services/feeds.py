"""CAP feeds polled on a schedule: an Atom or RSS index of alerts, an EDXL-DE 1.0
distribution (each contentObject's embedded CAP alert), or a single alert URL.

Each poll sends a conditional request (If-None-Match / If-Modified-Since with the
feed's last ETag and Last-Modified); a 304 changes nothing. Each alert of the index is
fetched and received (`services/alerts.py`, which skips what was already received by
sender and identifier), with the feed's country as the affected member and the feed's
rule (`domain/crisis/alerts.FeedRule`) deciding whether a new alert opens a crisis or
a watch entry. A failing feed backs off (interval x 2^failures, at most a day) and
shows its status and last error. Fetching is over HTTP(S) only, with a timeout and a
size limit, from public addresses on the scheme's default port only (the feed's
publisher chooses the addresses: loopback, private and link-local ones, the metadata
service, the database's port are refused unless the settings allow a network or port;
`adapters/guarded_http.py`). A feed the poll would refuse so is refused when registered
(`reachable`, the poll's own check); a name without an address then is registered with
that warning as its last error.

Each feed is polled on its own: an unexpected error (a fault here, not the feed's) in
one entry is that entry's error, logged with its traceback, and the other entries go on;
one while fetching or reading the index, or anywhere else in the poll, is the feed's
error (failing, backing off) and the other due feeds are polled all the same. Every
alert received is its own transaction; the feed's state is saved whatever happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlparse

from lxml import etree
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters import guarded_http
from phalanx.adapters.cap import parse as cap
from phalanx.adapters.cap import signature as sig
from phalanx.adapters.cap import territory
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.domain.crisis.alerts import SEVERITY_RANK, FeedRule, Trust
from phalanx.services import alerts, distributions
from phalanx.services import watch as watchlist
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.distributions import inline as _inline
from phalanx.services.distributions import skipped as _skipped
from phalanx.services.errors import Conflict, Invalid, NotFound
from phalanx.services.types import UtcDateTime

ATOM = "{http://www.w3.org/2005/Atom}"
MAX_BACKOFF = timedelta(days=1)
log = logging.getLogger(__name__)
TIMEOUT_S = 20


class FeedIn(BaseModel):
    url: str = Field(min_length=8, max_length=2000)
    country: str = Field(min_length=3, max_length=3)
    interval_s: int = Field(default=300, ge=30, le=86_400)
    min_severity: str = "Severe"
    categories: list[str] = Field(default_factory=list, max_length=12)
    member_area: bool = True

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if urlparse(v).scheme not in ("http", "https") or not urlparse(v).netloc:
            raise ValueError("a feed is an http:// or https:// URL")
        return v

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @field_validator("min_severity")
    @classmethod
    def _severity(cls, v: str) -> str:
        if v not in SEVERITY_RANK:
            raise ValueError(f"one of {', '.join(SEVERITY_RANK)}")
        return v

    @field_validator("categories")
    @classmethod
    def _categories(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if c not in cap.CATEGORIES]
        if bad:
            raise ValueError(f"{bad} are not CAP categories")
        return v


class FeedOut(BaseModel):
    id: int
    url: str
    country: str
    rule: dict[str, Any]
    interval_s: int
    active: bool
    status: str
    last_polled: UtcDateTime | None
    next_poll: UtcDateTime | None
    failures: int
    last_error: str
    received: int


Fetched = guarded_http.Fetched
Fetch = Callable[[str, dict[str, str]], Fetched]
POLICY = guarded_http.Policy(max_bytes=cap.MAX_BYTES * 4, timeout_s=TIMEOUT_S)


def fetcher(networks: tuple[guarded_http.Network, ...] = (),
            ports: frozenset[int] = frozenset()) -> Fetch:
    """A GET that reaches public addresses on the scheme's default port, and besides
    them the networks and ports given (`adapters/guarded_http.py`)."""
    policy = replace(POLICY, networks=networks, ports=ports)

    def get(url: str, headers: dict[str, str]) -> Fetched:
        return guarded_http.fetch(url, headers, policy)
    return get


def http_fetch(url: str, headers: dict[str, str]) -> Fetched:
    """GET with the given headers from a public address on the scheme's default port;
    304 is an answer, other errors (a refused address or port too) raise OSError."""
    return guarded_http.fetch(url, headers, POLICY)


def poll_settings(settings: Any) -> dict[str, Any]:
    """What a poll takes from the settings: the intake's trust choices (PHALANX_CAP_*)
    and the networks and ports feeds may reach besides public addresses
    (PHALANX_FEED_ALLOW_NETWORKS, PHALANX_FEED_ALLOW_PORTS)."""
    allowed = reach(settings)
    return alerts.trust_settings(settings) | {"fetch": fetcher(allowed.networks,
                                                                allowed.ports)}


def _out(r: Any) -> FeedOut:
    return FeedOut(id=r.id, url=r.url, country=r.country, rule=r.rule,
                   interval_s=r.interval_s, active=r.active, status=r.status,
                   last_polled=r.last_polled, next_poll=r.next_poll, failures=r.failures,
                   last_error=r.last_error, received=r.received)


def reach(settings: Any) -> guarded_http.Policy:
    """What feeds may reach besides public addresses on the scheme's default port, as the
    settings say (PHALANX_FEED_ALLOW_NETWORKS, PHALANX_FEED_ALLOW_PORTS)."""
    return replace(POLICY, networks=guarded_http.networks(settings.feed_allow_networks),
                   ports=guarded_http.ports(settings.feed_allow_ports))


def reachable(url: str, policy: guarded_http.Policy = POLICY) -> str:
    """Whether a poll would fetch `url` now, asked as the poll asks it
    (`guarded_http.check_url`): `Invalid` naming `url` and why for an address, port or
    scheme it would refuse; for a name that resolves to no address now, the warning
    (DNS may answer by the first poll, which checks again), else ""."""
    try:
        guarded_http.check_url(url, policy)
    except guarded_http.Unresolved as exc:
        return f"when registered, {exc} (each poll checks the address again)"
    except OSError as exc:
        raise Invalid("url", str(exc)) from None
    return ""


def add(db: Database, data: FeedIn, *, actor: Principal,
        policy: guarded_http.Policy = POLICY) -> FeedOut:
    """Register a feed (the Secretariat); it is polled at the next round. An address the
    poll would refuse (`reachable`, with the networks and ports `policy` allows) is
    refused here too; a name that resolves to nothing now is registered with that
    warning as its last error."""
    watchlist.may_keep(actor)
    rule = FeedRule(data.min_severity, tuple(data.categories), data.member_area)
    warning = reachable(data.url, policy)
    with db.write(actor) as w:
        from phalanx.services import organization as orgs

        org = orgs.organization(w.conn)
        if data.country not in org.states:
            raise Invalid("country", f"{data.country} is not a state of the organization")
        if w.conn.execute(select(t.cap_feed.c.id).where(t.cap_feed.c.url == data.url)).first():
            raise Conflict(f"the feed {data.url} is already registered")
        fid = w.conn.execute(insert(t.cap_feed).values(
            url=data.url, country=data.country, rule=asdict(rule) | {
                "categories": list(rule.categories)}, interval_s=data.interval_s,
            active=True, status="new", next_poll=now(), failures=0, last_error=warning,
            received=0, created_by=actor.username).returning(t.cap_feed.c.id)).scalar_one()
        w.audit("feed.add", "cap_feed", fid, data.model_dump())
        return get(w.conn, fid)


def set_active(db: Database, feed_id: int, active: bool, *, actor: Principal) -> FeedOut:
    watchlist.may_keep(actor)
    with db.write(actor) as w:
        get(w.conn, feed_id)
        w.conn.execute(update(t.cap_feed).where(t.cap_feed.c.id == feed_id).values(
            active=active, next_poll=now() if active else None))
        w.audit("feed.active" if active else "feed.pause", "cap_feed", feed_id,
                {"active": active})
        return get(w.conn, feed_id)


def get(conn: Connection, feed_id: int) -> FeedOut:
    row = conn.execute(select(t.cap_feed).where(t.cap_feed.c.id == feed_id)).first()
    if row is None:
        raise NotFound("feed", feed_id)
    return _out(row)


def listing(conn: Connection) -> list[FeedOut]:
    return [_out(r) for r in conn.execute(select(t.cap_feed).order_by(t.cap_feed.c.id))]


@dataclass(frozen=True)
class Index:
    """What an index lists: (URL, inline CAP or None) per alert, and what could not be
    read as an alert (an entry or item with neither a CAP alert nor a link, a CAP alert
    outside any entry, an EDXL-DE contentObject without one), each naming its element
    and line."""

    entries: list[tuple[str, bytes | None]]
    problems: list[cap.CapProblem]


def read_index(body: bytes, base: str) -> Index:
    """The alerts an index lists. A CAP document is itself the one entry; Atom entries
    give their CAP link (or inline content), RSS items their link, EDXL-DE contentObjects
    their embedded alert."""
    root = cap.safe_root(body)
    name = etree.QName(root)
    if name.localname == "alert":  # read, or refused, as the one alert
        return Index([(base, body)], [])
    found: list[tuple[str, bytes | None]] = []
    problems: list[cap.CapProblem] = []
    if name.namespace == ATOM[1:-1] and name.localname == "feed":
        for entry in root.iter(f"{ATOM}entry"):
            inline = next((c for c in entry.iter() if isinstance(c.tag, str)
                           and etree.QName(c).localname == "alert"
                           and etree.QName(c).namespace in cap.VERSIONS), None)
            links = entry.findall(f"{ATOM}link")
            href = next((ln.get("href") for ln in links
                         if "cap" in (ln.get("type") or "")), None) or next(
                (ln.get("href") for ln in links if ln.get("rel", "alternate") == "alternate"),
                None)
            href = (href or "").strip()
            if inline is not None:
                found.append((base, _inline(inline)))
            elif href:
                found.append((urljoin(base, href), None))
            else:
                problems.append(_skipped(entry, "an entry with neither a CAP alert nor a "
                                                "link to one, skipped"))
        problems += [_skipped(a, "a CAP alert outside any <entry>, ignored")
                     for a in root if isinstance(a.tag, str)
                     and etree.QName(a).localname == "alert"]
        return Index(found, problems)
    if distributions.is_distribution(root):
        alerts_in, problems = distributions.embedded(root)
        return Index([(base, e.data) for e in alerts_in], problems)
    if name.localname in ("rss", "RDF"):
        for item in root.iter("item", "{http://purl.org/rss/1.0/}item"):
            link = item.findtext("link") or item.findtext("{http://purl.org/rss/1.0/}link")
            if link and link.strip():
                found.append((urljoin(base, link.strip()), None))
            else:
                problems.append(_skipped(item, "an item without a link to a CAP alert, "
                                               "skipped"))
        return Index(found, problems)
    raise cap.CapError([cap.CapProblem(cap.element_path(root), "neither a CAP alert nor an "
                                       "Atom or RSS index of alerts", root.sourceline)])


def entries(body: bytes, base: str) -> list[tuple[str, bytes | None]]:
    """The alerts an index lists (`read_index` without its problems)."""
    return read_index(body, base).entries


def _to_crisis(rule: FeedRule, country: str) -> Callable[[cap.CapAlert, Any], bool]:
    def decide(alert: cap.CapAlert, place: tuple[float, float] | None) -> bool:
        info = alert.infos[alerts.pick_info(alert.infos, "en")] if alert.infos else None
        if info is None:
            return False
        inside = territory.inside(place[0], place[1], [country]) if place else None
        return rule.opens_crisis(info.severity, info.categories, inside)
    return decide


@dataclass
class PollResult:
    feed_id: int
    status: str
    received: list[alerts.IntakeOut]
    errors: list[str]


def poll(db: Database, feed_id: int, *, actor: Principal, fetch: Fetch = http_fetch,
         trust: Trust | None = None, anchors: sig.Anchors | None = None,
         at: datetime | None = None) -> PollResult:
    """Poll one feed now."""
    at = at or now()
    with db.read() as conn:
        feed = conn.execute(select(t.cap_feed).where(t.cap_feed.c.id == feed_id)).first()
    if feed is None:
        raise NotFound("feed", feed_id)
    rule = FeedRule(feed.rule.get("min_severity", "Severe"),
                    tuple(feed.rule.get("categories", ())), feed.rule.get("member_area", True))
    route = alerts.Route((feed.country,), to_crisis=_to_crisis(rule, feed.country),
                         feed_id=feed.id)
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    received: list[alerts.IntakeOut] = []
    errors: list[str] = []
    try:
        index = fetch(feed.url, headers)
        listed = read_index(index.body, feed.url) if index.status != 304 else Index([], [])
    except (OSError, cap.CapError) as exc:
        return _failed(db, feed, str(exc), at, actor)
    except Exception as exc:  # any other: this feed's error, logged
        return _failed(db, feed, _unexpected(feed.url, exc), at, actor)
    items = listed.entries
    errors += [f"{feed.url}: {p}" for p in listed.problems]
    for url, inline in items:
        try:
            body = inline if inline is not None else fetch(url, {}).body
            received.append(alerts.receive(db, body, route, actor=actor, trust=trust,
                                           anchors=anchors, at=at))
        except (OSError, cap.CapError, Invalid) as exc:  # a fetch's error names its URL
            named = str(exc).startswith((f"{url}: ", f"{url} (redirected to "))
            errors.append(str(exc) if named else f"{url}: {exc}")
        except Exception as exc:  # that entry's error; the others go on
            errors.append(f"{url}: {_unexpected(url, exc)}")
    fresh = sum(1 for r in received if not r.duplicate)
    status = "not-modified" if index.status == 304 else ("ok" if not errors else "partial")
    with db.write(actor) as w:
        w.conn.execute(update(t.cap_feed).where(t.cap_feed.c.id == feed.id).values(
            status=status, etag=index.etag or feed.etag,
            last_modified=index.last_modified or feed.last_modified, last_polled=at,
            next_poll=at + timedelta(seconds=feed.interval_s), failures=0,
            last_error="; ".join(errors)[:2000], received=feed.received + fresh))
        w.audit("feed.poll", "cap_feed", feed.id, {"status": status, "new": fresh,
                                                   "errors": len(errors)})
    return PollResult(feed.id, status, received, errors)


def _unexpected(url: str, exc: Exception) -> str:
    """An error that is no fault of the feed's: logged with its traceback, and named."""
    log.exception("feed poll: unexpected error reading %s", url)
    return f"unexpected error: {type(exc).__name__}: {exc}"


def _failed(db: Database, feed: Any, error: str, at: datetime,
            actor: Principal) -> PollResult:
    failures = feed.failures + 1
    wait = min(timedelta(seconds=feed.interval_s) * 2 ** min(failures, 12), MAX_BACKOFF)
    with db.write(actor) as w:
        w.conn.execute(update(t.cap_feed).where(t.cap_feed.c.id == feed.id).values(
            status="failing", failures=failures, last_error=error[:2000], last_polled=at,
            next_poll=at + wait))
        w.audit("feed.poll", "cap_feed", feed.id, {"status": "failing", "error": error[:300]})
    return PollResult(feed.id, "failing", [], [error])


def poll_due(db: Database, *, actor: Principal, fetch: Fetch = http_fetch,
             at: datetime | None = None, **trust: Any) -> list[PollResult]:
    """Poll every active feed whose time has come."""
    at = at or now()
    with db.read() as conn:
        due = [r.id for r in conn.execute(select(t.cap_feed.c.id, t.cap_feed.c.next_poll)
                                          .where(t.cap_feed.c.active.is_(True)))
               if r.next_poll is None or aware(r.next_poll) <= at]
    results = []
    for fid in due:  # each feed on its own: one feed's fault never stops the others
        try:
            results.append(poll(db, fid, actor=actor, fetch=fetch, at=at, **trust))
        except Exception as exc:  # recorded as that feed's error
            error = _unexpected(f"feed {fid}", exc)
            try:
                with db.read() as conn:
                    feed = conn.execute(select(t.cap_feed).where(t.cap_feed.c.id == fid)).one()
                results.append(_failed(db, feed, error, at, actor))
            except Exception:  # not even that: logged, and the others go on
                log.exception("feed poll: could not record the error of feed %s", fid)
                results.append(PollResult(fid, "failing", [], [error]))
    return results

