"""A feed's publisher chooses the addresses its index links to, and where its answers
redirect: the server fetches from public addresses on the scheme's default port only,
refusing loopback, private, link-local (the metadata service), IPv4-mapped and other
addresses, and names that resolve to them, naming the address and why, unless the
settings allow a network or port. The feed server here listens on 127.0.0.2, the one
address the tests allow (with its port); everything else on loopback stays refused."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from phalanx.adapters import guarded_http as g
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import feeds
from phalanx.services.db import Database
from tests.support.capfiles import alert
from tests.support.feed_site import Site, serving

SEC = Principal("secretariat", Role.SECRETARIAT)
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
HOST = "127.0.0.2"


def _policy(site: Site, **more: Any) -> g.Policy:
    return g.Policy(**{"networks": g.networks(f"{HOST}/32"),
                       "ports": frozenset({site.port})} | more)


@pytest.fixture
def site() -> Iterator[Site]:
    with serving(HOST) as s:
        yield s


@pytest.fixture
def db_recipe() -> str:
    return "dataset"


def index(links: list[str]) -> bytes:
    entries = "".join(f'<entry><id>urn:{i}</id><title>{i}</title><link rel="related" '
                      f'type="application/cap+xml" href="{href}"/></entry>'
                      for i, href in enumerate(links))
    return (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>urn:f</id>'
            f"{entries}</feed>").encode()


def test_an_index_linking_to_internal_addresses_has_each_refused_with_its_reason(
        db: Database, site: Site) -> None:
    site.files["/alerts/ok.xml"] = alert(identifier="OK1")
    site.moved["/alerts/moved.xml"] = "http://169.254.169.254/latest/meta-data/"
    refused = {
        "http://127.0.0.1/alerts/a.xml": "127.0.0.1 is a loopback address",
        "http://10.1.2.3/alerts/a.xml": "10.1.2.3 is a private network's address",
        "http://169.254.169.254/latest/meta-data/": "169.254.169.254 is a link-local address",
        "http://[::1]/alerts/a.xml": "::1 is a loopback address",
        "http://[::ffff:10.0.0.7]/a.xml": "::ffff:a00:7 (IPv4 10.0.0.7) is a private network",
        "http://localhost/alerts/a.xml": "localhost resolves to",
        f"{site.base}/alerts/moved.xml": " (redirected to http://169.254.169.254/latest/"
                                         "meta-data/): 169.254.169.254 is a link-local",
        f"http://{HOST}:5432/": "port 5432 is not http's default (80)",
    }
    site.files["/feed.atom"] = index(["/alerts/ok.xml", *refused])
    feed = feeds.add(db, feeds.FeedIn(url=f"{site.base}/feed.atom", country="KGZ"),
                     actor=SEC, policy=_policy(site))
    allowed = feeds.fetcher(_policy(site).networks, _policy(site).ports)
    r = feeds.poll(db, feed.id, actor=SYSTEM, fetch=allowed, at=T0)
    assert r.status == "partial"
    assert [x.alert.identifier for x in r.received] == ["OK1"]  # the allowed network
    assert len(r.errors) == len(refused), r.errors
    for (url, why), error in zip(refused.items(), r.errors, strict=True):
        assert error.startswith((f"{url}: ", f"{url} (redirected")), (url, error)
        assert why in error and error.count(url) == 1, (why, error)
        assert "which feeds may not reach" in error
    with db.read() as conn:
        shown = feeds.get(conn, feed.id).last_error
    assert "169.254.169.254 is a link-local address" in shown
    assert "10.1.2.3 is a private network's address" in shown
    assert site.hosts == [f"{HOST}:{site.port}"] * 3  # the index, ok.xml, moved.xml


def test_a_feed_on_loopback_is_refused_unless_the_settings_allow_it(
        db: Database, site: Site) -> None:
    site.files["/feed.atom"] = index(["/alerts/ok.xml"])
    site.files["/alerts/ok.xml"] = alert(identifier="OK2")
    feed = feeds.add(db, feeds.FeedIn(url=f"{site.base}/feed.atom", country="KGZ"),
                     actor=SEC, policy=_policy(site))
    r = feeds.poll(db, feed.id, actor=SYSTEM, at=T0)  # the default: public addresses only
    assert r.status == "failing"
    assert f"port {site.port} is not http's default" in r.errors[0]
    only_network = Settings(feed_allow_networks=f"{HOST}/32")
    r = feeds.poll(db, feed.id, actor=SYSTEM, at=T0, **feeds.poll_settings(only_network))
    assert r.status == "failing" and f"port {site.port}" in r.errors[0]
    only_port = Settings(feed_allow_ports=str(site.port))
    r = feeds.poll(db, feed.id, actor=SYSTEM, at=T0, **feeds.poll_settings(only_port))
    assert r.status == "failing" and f"{HOST} is a loopback address" in r.errors[0]
    both = Settings(feed_allow_networks=f"192.0.2.0/24, {HOST}",
                    feed_allow_ports=f"8443,{site.port}")
    r = feeds.poll(db, feed.id, actor=SYSTEM, at=T0, **feeds.poll_settings(both))
    assert (r.status, [x.alert.identifier for x in r.received]) == ("ok", ["OK2"])


def test_settings_naming_no_network_or_port_are_refused_at_start() -> None:
    with pytest.raises(ValueError, match=r"PHALANX_FEED_ALLOW_NETWORKS: '10\.0\.0\.0/33'"):
        Settings(feed_allow_networks="10.0.0.0/8, 10.0.0.0/33")
    with pytest.raises(ValueError, match=r"PHALANX_FEED_ALLOW_PORTS: '70000'"):
        Settings(feed_allow_ports="8443, 70000")


def test_a_redirect_to_loopback_and_too_many_redirects_are_refused(site: Site) -> None:
    site.moved["/to-loopback"] = "http://127.0.0.1:8105/"
    site.moved["/to-name"] = "http://localhost/"
    site.moved["/loop"] = "/loop"
    site.moved["/ftp"] = "ftp://example.org/x"
    with pytest.raises(g.Refused, match=r"redirected to http://127\.0\.0\.1:8105/\): port"):
        g.fetch(f"{site.base}/to-loopback", {}, _policy(site))
    with pytest.raises(g.Refused, match=r"127\.0\.0\.1 is a loopback address"):
        g.fetch(f"{site.base}/to-loopback", {},
                _policy(site, ports=frozenset({site.port, 8105})))
    with pytest.raises(g.Refused, match=r"localhost resolves to .* loopback address"):
        g.fetch(f"{site.base}/to-name", {}, _policy(site))
    with pytest.raises(OSError, match="more than 5 redirects"):
        g.fetch(f"{site.base}/loop", {}, _policy(site))
    assert len(site.hosts) == 3 + 6
    with pytest.raises(OSError, match="only http and https"):
        g.fetch(f"{site.base}/ftp", {}, _policy(site))


def test_the_connection_goes_to_the_address_checked_with_the_host_named(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name is resolved once per request: a second answer (DNS rebinding to an
    internal address) is never asked for, and the Host header names the name."""
    site.files["/a.xml"] = b"<alert/>"
    answers = iter([HOST, "10.0.0.1", "10.0.0.1"])
    asked: list[str] = []
    real = socket.getaddrinfo

    def lookup(host: str, port: Any, *args: Any, **kw: Any) -> Any:
        if host != "alerts.test":
            return real(host, port, *args, **kw)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    got = g.fetch(f"http://alerts.test:{site.port}/a.xml", {}, _policy(site))
    assert got.body == b"<alert/>" and asked == ["alerts.test"]
    assert site.hosts == [f"alerts.test:{site.port}"]
    with pytest.raises(g.Refused, match=r"alerts\.test resolves to 10\.0\.0\.1, a private"):
        g.fetch(f"http://alerts.test:{site.port}/a.xml", {}, _policy(site))


def test_a_name_with_one_internal_address_among_public_ones_is_refused(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def lookup(host: str, port: Any, *args: Any, **kw: Any) -> Any:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:127.0.0.1", port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    with pytest.raises(g.Refused, match=r"::ffff:7f00:1 \(IPv4 127\.0\.0\.1\), a loopback"):
        g.fetch("https://mixed.example/feed.atom", {})


def test_a_body_past_the_limit_is_refused(site: Site) -> None:
    site.files["/big"] = b"x" * 5000
    with pytest.raises(OSError, match="more than 4096 bytes"):
        g.fetch(f"{site.base}/big", {}, _policy(site, max_bytes=4096))
    assert g.fetch(f"{site.base}/big", {}, _policy(site, max_bytes=5000)).body == b"x" * 5000


@pytest.mark.parametrize(("address", "why"), [
    ("0.0.0.0", "an unspecified address"),
    ("127.9.9.9", "a loopback address"),
    ("10.0.0.1", "a private network's address"),
    ("172.16.5.4", "a private network's address"),
    ("192.168.1.1", "a private network's address"),
    ("169.254.169.254", "a link-local address"),
    ("100.64.0.1", "an address that is not globally routable"),  # carrier-grade NAT
    ("224.0.0.1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("::", "an unspecified address"),
    ("::1", "a loopback address"),
    ("fe80::1", "a link-local address"),
    ("fd00::1", "a private network's address"),
    ("ff02::1", "a multicast address"),
    ("::ffff:169.254.169.254", "a link-local address"),
    ("::ffff:127.0.0.1", "a loopback address"),
    ("93.184.215.14", None),
    ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
    ("::ffff:93.184.215.14", None),
])
def test_which_addresses_are_public(address: str, why: str | None) -> None:
    assert g.why_refused(ipaddress.ip_address(address)) == why


def _certificate(folder: Any, name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now.replace(year=now.year + 1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_over_tls_the_server_name_is_the_urls_host_and_its_certificate_is_checked(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Connected to the checked address, TLS still names the URL's host (SNI) and
    verifies the certificate for it: a name the certificate is not for is refused."""
    import ssl

    cert, key = _certificate(tmp_path, "alerts.test")
    names: list[str | None] = []
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    served.sni_callback = lambda _s, name, _c: names.append(name)  # type: ignore[assignment]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "8")
            self.end_headers()
            self.wfile.write(b"<alert/>")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    server.socket = served.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    real = socket.getaddrinfo

    def lookup(host: str, p: Any, *args: Any, **kw: Any) -> Any:
        if host.endswith(".test"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (HOST, p))]
        return real(host, p, *args, **kw)

    trusted = ssl.create_default_context
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(g.ssl, "create_default_context", lambda: trusted(cafile=cert))
    policy = g.Policy(networks=g.networks(HOST), ports=frozenset({port}))
    try:
        assert g.fetch(f"https://alerts.test:{port}/a.xml", {}, policy).body == b"<alert/>"
        assert names == ["alerts.test"]
        with pytest.raises(OSError, match="certificate verify failed"):
            g.fetch(f"https://other.test:{port}/a.xml", {}, policy)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("drip", ["headers", "body"])
def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_fetchs_deadline(
        drip: str) -> None:
    """Each byte comes within the read timeout; the whole fetch still ends at its
    deadline, and what was read by then is no answer."""
    import time

    listener = socket.create_server((HOST, 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nX-Slow: " + b"y" * 100
            if drip == "body":
                conn.sendall(head + b"\r\n\r\n")
                head = b"x" * 100000
            for byte in head:
                if stop.wait(0.05):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    policy = g.Policy(networks=g.networks(HOST), ports=frozenset({port}), timeout_s=1.0,
                      deadline_s=1.5)
    began = time.monotonic()
    try:
        with pytest.raises(OSError, match=r"not read within 1\.5 seconds"):
            g.fetch(f"http://{HOST}:{port}/feed.atom", {}, policy)
        assert 1.4 < time.monotonic() - began < 4
    finally:
        stop.set()
        thread.join(5)
        listener.close()
