"""HTTP(S) GET of an address someone outside the organization chose (a CAP feed, and the
alerts its index links to), refusing to reach what only the server can reach.

Before each request and each redirect hop the host is resolved and every address it
resolves to is checked: an address that is not a public unicast address (loopback,
private, link-local such as 169.254.169.254, multicast, reserved, unspecified, or not
globally routable; an IPv4-mapped IPv6 address is checked as its IPv4 address) is
refused, naming the address and why, unless it lies in a network the installation
allows (`Policy.networks`, PHALANX_FEED_ALLOW_NETWORKS). A port other than the scheme's
default is refused unless allowed (`Policy.ports`, PHALANX_FEED_ALLOW_PORTS). The
connection goes to the address that was checked (no second lookup that could answer
otherwise), with the URL's host in the Host header and as the TLS server name, whose
certificate is verified against it. Redirects are followed up to `MAX_REDIRECTS`; the
body is limited in size and the whole fetch in time. No proxy from the environment is
used: a proxy would resolve the name again itself. What is checked before a request
(`check_url`) is asked when a feed is registered too.
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
SETTING_NETWORKS = "PHALANX_FEED_ALLOW_NETWORKS"
SETTING_PORTS = "PHALANX_FEED_ALLOW_PORTS"
# the network's usual failures, by errno
NETWORK_FAILURES = {errno.ECONNREFUSED: "the connection was refused",
                    errno.ECONNRESET: "the connection was reset",
                    errno.ENETUNREACH: "the network is unreachable",
                    errno.EHOSTUNREACH: "no route to the host"}


@dataclass(frozen=True)
class Fetched:
    status: int  # 2xx or 304
    body: bytes
    etag: str | None
    last_modified: str | None


class Refused(OSError):
    """An address or port the server does not fetch from."""


class Unresolved(OSError):
    """A name that resolves to no address now (DNS may answer later)."""


@dataclass(frozen=True)
class Policy:
    """What may be fetched besides public addresses on the scheme's default port."""

    networks: tuple[Network, ...] = ()
    ports: frozenset[int] = field(default_factory=frozenset)
    max_bytes: int = 4 * 1024 * 1024
    timeout_s: float = 20.0  # each connection, send and read
    deadline_s: float = 60.0  # the whole fetch, redirects included


def networks(text: str | Iterable[str]) -> tuple[Network, ...]:
    """Networks from "10.20.0.0/16, 192.0.2.7, fd00::/8"; ValueError naming the entry."""
    items = text.split(",") if isinstance(text, str) else list(text)
    found = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(f"{item!r} is not a network (like 10.20.0.0/16 or "
                             f"192.0.2.7): {exc}") from exc
    return tuple(found)


def ports(text: str | Iterable[int | str]) -> frozenset[int]:
    """Ports from "8443, 8080"; ValueError naming the entry."""
    items = text.split(",") if isinstance(text, str) else list(text)
    found = set()
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        if not item.isdigit() or not 0 < int(item) < 65536:
            raise ValueError(f"{item!r} is not a port (1 to 65535)")
        found.add(int(item))
    return frozenset(found)


def why_refused(address: Address) -> str | None:
    """Why an address is not a public unicast one, or None if it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for flag, why in (("is_unspecified", "an unspecified address"),
                      ("is_loopback", "a loopback address"),
                      ("is_link_local", "a link-local address"),
                      ("is_multicast", "a multicast address"),
                      ("is_reserved", "a reserved address"),
                      ("is_private", "a private network's address")):
        if getattr(address, flag):
            return why
    if not address.is_global:
        return "an address that is not globally routable"
    return None


def _refusal(address: Address, policy: Policy) -> tuple[str, str] | None:
    """The address as shown and why it is refused ("127.0.0.1", "a loopback address"),
    or None when it is not."""
    plain = (address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address)
             and address.ipv4_mapped is not None else address)
    why = why_refused(address)
    if why and not any(plain.version == n.version and plain in n for n in policy.networks):
        shown = address if plain == address else f"{address} (IPv4 {plain})"
        return str(shown), why
    return None


REACH = f"which feeds may not reach (networks allowed anyway are set by {SETTING_NETWORKS})"


def check_address(address: Address, policy: Policy) -> None:
    """Refuse an address that is not public unicast and in no allowed network."""
    refusal = _refusal(address, policy)
    if refusal is not None:
        shown, why = refusal
        raise Refused(f"{shown} is {why}, {REACH}")


def resolve(host: str, port: int, policy: Policy) -> list[Address]:
    """Every address of the host, each checked; refused if any one is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolved(f"cannot resolve {host}: {_lookup_failure(exc)}") from exc
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unresolved(f"cannot resolve {host}: no address")
    for address in addresses:
        if _literal(host):
            check_address(address, policy)
        elif (refusal := _refusal(address, policy)) is not None:
            shown, why = refusal
            raise Refused(f"{host} resolves to {shown}, {why}, {REACH}")
    return addresses


def _lookup_failure(exc: Exception) -> str:
    """What a failed lookup says: the usual cases in words of their own (translated on the
    pages), any other as the resolver says it."""
    code = getattr(exc, "errno", None)
    if code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
        return "no such name"
    if code == socket.EAI_AGAIN:
        return "the name server did not answer"
    return str(exc)


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _Deadline:
    """Cuts a request's connection off when the fetch's time is up: a peer sending a byte
    at a time keeps each read within its timeout, never the whole within this."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._fd: int | None = None
        self.expired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._fd = sock.fileno()

    def forget(self) -> None:
        with self._lock:
            self._fd = None

    def stop(self) -> None:
        self._timer.cancel()
        self.forget()

    def _expire(self) -> None:
        with self._lock:  # the socket is open while watched: closing forgets it first
            self.expired = True
            if self._fd is None:
                return
            try:
                with socket.socket(fileno=os.dup(self._fd)) as same:
                    same.shutdown(socket.SHUT_RDWR)  # the connection, TLS or not
            except OSError:
                pass


def _connection(scheme: str, host: str, port: int, address: Address,
                timeout: float, deadline: _Deadline) -> http.client.HTTPConnection:
    """A connection to `host` (Host header, TLS server name) made to `address` only."""
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def pinned(_where: tuple[str, int], t: float, *_source: object) -> socket.socket:
        sock = socket.create_connection((str(address), port), t)
        deadline.watch(sock)
        return sock

    conn._create_connection = pinned  # type: ignore[attr-defined]
    return conn


def fetch(url: str, headers: dict[str, str], policy: Policy | None = None) -> Fetched:
    """GET with the given headers; 304 is an answer, other failures raise OSError (a
    `Refused` for an address or port not fetched from), each naming the URL."""
    policy = policy or Policy()
    start = time.monotonic()
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        try:
            answer = _get(current, headers, policy, start)
        except OSError as exc:
            where = current if current == url else f"{url} (redirected to {current})"
            kind = type(exc) if isinstance(exc, Refused | Unresolved) else OSError
            raise kind(f"{where}: {_said(exc, policy.timeout_s)}") from exc
        if isinstance(answer, Fetched):
            return answer
        if hop == MAX_REDIRECTS:
            break
        current = answer
    raise OSError(f"{url}: more than {MAX_REDIRECTS} redirects")


def check_url(url: str, policy: Policy) -> tuple[str, str, int, list[Address]]:
    """What is checked of a URL before each request (its scheme, host, port and every
    address its host resolves to): its scheme, host, port and addresses, or `Refused`
    saying why it is not fetched, or `Unresolved` for a name without an address now.
    A feed's registration asks the same (`services/feeds.add`)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused("only http and https are fetched")
    try:
        host, port = parts.hostname, parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise Refused("the port is not a number from 0 to 65535") from exc
    if not host:
        raise Refused("no host")
    if parts.username is not None or parts.password is not None:
        raise Refused("an address with a user name or password is not fetched")
    if port != DEFAULT_PORTS[scheme] and port not in policy.ports:
        raise Refused(f"port {port} is not {scheme}'s default ({DEFAULT_PORTS[scheme]}), "
                      f"which feeds may not reach (ports allowed anyway are set by "
                      f"{SETTING_PORTS})")
    return scheme, host, port, resolve(host, port, policy)


def _said(exc: OSError, timeout_s: float) -> str:
    """What a failed request says: the network's usual failures in words of their own
    (translated on the pages), any other as the system says it."""
    if isinstance(exc, TimeoutError):
        return f"the server did not answer within {timeout_s:g} seconds"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without an answer"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate is not accepted: {exc}"
    return NETWORK_FAILURES.get(exc.errno or 0, str(exc))


def _get(url: str, headers: dict[str, str], policy: Policy, start: float) -> Fetched | str:
    """One request: the answer, or the URL a redirect leads to."""
    parts = urlsplit(url)
    scheme, host, port, addresses = check_url(url, policy)
    left = policy.deadline_s - (time.monotonic() - start)
    deadline = _Deadline(left)
    try:
        conn = _connect(scheme, host, port, addresses, min(policy.timeout_s, max(left, 0.1)),
                        deadline)
    except OSError:
        deadline.stop()
        raise
    try:
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", target, headers={"User-Agent": "phalanx-cap-intake",
                                             "Accept-Encoding": "identity", **headers})
        r = conn.getresponse()
        if r.status in REDIRECTS:
            location = r.getheader("Location")
            if not location:
                raise OSError(f"HTTP {r.status} without a Location")
            return urljoin(url, location.strip())
        if r.status == 304:
            return Fetched(304, b"", r.getheader("ETag"), r.getheader("Last-Modified"))
        if not 200 <= r.status < 300:
            raise OSError(f"HTTP {r.status} {r.reason}")
        body = _read(r, policy, start)
        if deadline.expired:  # what was read when the connection was cut off
            raise OSError(f"not read within {policy.deadline_s:g} seconds")
        return Fetched(r.status, body, r.getheader("ETag"), r.getheader("Last-Modified"))
    except (OSError, http.client.HTTPException) as exc:
        if deadline.expired:
            raise OSError(f"not read within {policy.deadline_s:g} seconds") from exc
        if isinstance(exc, OSError):
            raise
        if isinstance(exc, http.client.IncompleteRead):
            raise OSError("the answer was cut short") from exc
        raise OSError(f"not an HTTP answer ({type(exc).__name__}: {exc})") from exc
    finally:
        deadline.stop()
        conn.close()


def _connect(scheme: str, host: str, port: int, addresses: list[Address],
             timeout: float, deadline: _Deadline) -> http.client.HTTPConnection:
    """A connection to the first of the checked addresses that answers."""
    error: OSError | None = None
    for address in addresses:
        conn = _connection(scheme, host, port, address, timeout, deadline)
        try:
            conn.connect()
            return conn
        except OSError as exc:
            deadline.forget()
            conn.close()
            if deadline.expired:
                raise OSError("the connection was not made within the fetch's time: "
                              f"{_said(exc, timeout)}") from exc
            error = exc
    assert error is not None
    raise error


def _read(r: http.client.HTTPResponse, policy: Policy, start: float) -> bytes:
    length = r.getheader("Content-Length")
    if length and length.strip().isdigit() and int(length) > policy.max_bytes:
        raise OSError(f"more than {policy.max_bytes} bytes ({length.strip()})")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - start > policy.deadline_s:
            raise OSError(f"not read within {policy.deadline_s:g} seconds")
        chunk = r.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > policy.max_bytes:
            raise OSError(f"more than {policy.max_bytes} bytes")
        chunks.append(chunk)
