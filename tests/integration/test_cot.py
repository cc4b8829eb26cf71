"""The Cursor-on-Target feed, read by the TAK client libraries: a pytak TCP client
connects to the feed and receives one event per unit, base and open crisis; each event
converts to TAK protobuf with takproto and back, with the type that matches its symbol.
An observer's feed carries no unit of the registry."""

from __future__ import annotations

import asyncio
import concurrent.futures
import configparser
import contextlib
import threading
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from phalanx.adapters.cot import cot_type
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import cot, forces, forcesdemo, identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database

with warnings.catch_warnings():  # pytak mentions an optional package it does not need here
    warnings.simplefilter("ignore")
    import pytak
import takproto

PLANNER = Principal("planner", Role.PLANNER)
OBSERVER = Principal("observer", Role.OBSERVER, observer_of="OSCE")


@pytest.mark.parametrize(("sidc", "expected"), [
    ("SFGPUCI----F---", "a-f-G-U-C-I"),  # friendly infantry
    ("SFGPUCIA---F---", "a-f-G-U-C-I-A"),  # airborne infantry
    ("SFAPMFC--------", "a-f-A-M-F-C"),  # cargo airlift
    ("SFAPMHU--------", "a-f-A-M-H-U"),  # utility helicopter
    ("SHGPUCI----E---", "a-h-G-U-C-I"),  # hostile infantry
    ("SFFPG------F---", "a-f-G"),  # special operations forces
    ("EFOPBJ---------", "a-f-G"),  # emergency operation: no 2525 function derivation
])
def test_cot_types_follow_the_symbols(sidc: str, expected: str) -> None:
    assert cot_type(sidc) == expected


@pytest.fixture
def feed_db(accounts_db: Database) -> Database:
    forcesdemo.run(accounts_db, start=datetime.now(UTC) - timedelta(hours=6), time_limit=1)
    return accounts_db


def _serve(db: Database, interval: float = 60) -> Iterator[int]:
    """The feed on an ephemeral port, its loop in a thread of its own."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    bound: list[int] = []
    stop: list[asyncio.Event] = []

    async def main() -> None:
        ready, done = asyncio.Event(), asyncio.Event()
        stop.append(done)
        task = asyncio.create_task(cot.serve(db, "127.0.0.1", 0, interval=interval,
                                             started=ready, bound=bound))
        await ready.wait()
        started.set()
        await done.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def run() -> None:
        loop.run_until_complete(main())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    yield bound[0]
    loop.call_soon_threadsafe(stop[0].set)
    thread.join(10)
    assert not thread.is_alive()


def _receive(port: int, count: int, token: str) -> list[Any]:
    """Connect with pytak's client factory, send the token, and read `count` events;
    parse each with takproto (XML to TAK protobuf and back)."""

    async def run() -> list[Any]:
        config = configparser.ConfigParser()
        config["feed"] = {"COT_URL": f"tcp://127.0.0.1:{port}"}
        reader, writer = await pytak.protocol_factory(config["feed"])
        writer.write(token.encode() + b"\n")
        messages = []
        for _ in range(count):
            raw = await asyncio.wait_for(reader.readuntil(b"</event>"), 10)
            proto = takproto.xml2proto(raw.decode())
            messages.append(takproto.parse_proto(bytearray(proto)))
        writer.close()
        await writer.wait_closed()
        return messages

    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(asyncio.run(run())))
    thread.start()
    thread.join(30)
    assert box, "no events arrived"
    return box[0]


def test_a_tak_client_receives_the_units_bases_and_crises(feed_db: Database) -> None:
    with feed_db.read() as conn:
        units = {u.key: u for u in forces.units(conn, actor=PLANNER) if not u.withdrawn}
        bases = [b for b in forces.bases(conn) if b.kind != "node"]
    expected = cot.snapshot(feed_db, actor=PLANNER)
    assert len(expected) == len(units) + len(bases) + 1
    token = api_tokens.issue_token(feed_db, "planner", actor=SYSTEM).token
    for port in _serve(feed_db):
        got = _receive(port, len(expected), token)
    by_uid = {m.cotEvent.uid: m.cotEvent for m in got}
    assert len(by_uid) == len(expected)
    for key, u in units.items():
        ev = by_uid[f"phalanx.unit.{key}"]
        assert ev.type == cot_type(u.sidc)
        assert (round(ev.lat, 4), round(ev.lon, 4)) == (round(u.lat, 4), round(u.lon, 4))
        assert ev.detail.contact.callsign == u.name
    kant = by_uid["phalanx.base.kant"]
    assert kant.type == "a-f-G-I-B-A"
    (crisis,) = [e for uid, e in by_uid.items() if uid.startswith("phalanx.crisis.")]
    assert crisis.type == cot_type("SHGPUCI----E---")  # an armed attack: hostile ground
    assert abs(crisis.lat - 40.06) < 1e-6


def test_an_observers_feed_carries_no_unit(feed_db: Database) -> None:
    assert cot.snapshot(feed_db, actor=OBSERVER) == []


def _read_all(port: int, hello: bytes, seconds: float) -> bytes:
    """Everything the feed sends on one connection within `seconds` (or until it closes)."""

    async def run() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(hello)
        data = b""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while chunk := await reader.read(65536):
                    data += chunk
                data += b"<closed/>"
        writer.close()
        return data

    return _in_thread(run)


def _in_thread(factory: Any) -> Any:
    """Run a coroutine in a thread of its own: the browser tests of the same session keep
    an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def test_the_feed_needs_credentials_and_checks_them_before_every_send(
        feed_db: Database) -> None:
    token = api_tokens.issue_token(feed_db, "planner", actor=SYSTEM).token
    for port in _serve(feed_db, interval=0.3):
        assert _read_all(port, b"\n", 3) == b"<closed/>"  # no token: nothing, closed
        assert _read_all(port, b"phx_forged\n", 3) == b"<closed/>"
        first = _read_all(port, token.encode() + b"\n", 1)
        assert first.count(b"<event") >= 2 and not first.endswith(b"<closed/>")

        async def follow() -> tuple[int, bool]:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(token.encode() + b"\n")
            await reader.readuntil(b"</event>")
            await asyncio.to_thread(identity.set_active, feed_db, "planner", False,
                                    actor=SYSTEM)
            rest = b""
            async with asyncio.timeout(5):
                while chunk := await reader.read(65536):
                    rest += chunk
            writer.close()
            return rest.count(b"<event"), True

        _, closed = _in_thread(follow)
        assert closed  # the deactivated user's feed ended within one interval
        assert _read_all(port, token.encode() + b"\n", 2) == b"<closed/>"


def _pki(tmp: Any, client_cn: str) -> dict[str, str]:
    """A CA, a server certificate for 127.0.0.1 and a client certificate (CN = user)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def write(stem: str, key: Any, cert: x509.Certificate) -> None:
        (tmp / f"{stem}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        (tmp / f"{stem}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(name("test ca")).issuer_name(name("test ca"))
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    write("ca", ca_key, ca)
    for stem, cn, san in (("server", "127.0.0.1", True), ("client", client_cn, False)):
        key = ec.generate_private_key(ec.SECP256R1())
        b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(ca.subject)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - timedelta(hours=1))
             .not_valid_after(now + timedelta(days=1)))
        if san:
            b = b.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        write(stem, key, b.sign(ca_key, hashes.SHA256()))
    return {k: str(tmp / k) for k in ("ca.pem", "server.pem", "server.key", "client.pem",
                                       "client.key")}


def test_a_client_certificate_identifies_the_user_over_tls(feed_db: Database,
                                                           tmp_path: Any) -> None:
    import ssl

    pki = _pki(tmp_path, "planner")
    tls = cot.tls_context(pki["server.pem"], pki["server.key"], pki["ca.pem"])
    loop = asyncio.new_event_loop()
    bound: list[int] = []

    async def run() -> tuple[int, bytes]:
        ready = asyncio.Event()
        task = asyncio.create_task(cot.serve(feed_db, "127.0.0.1", 0, interval=0.3, tls=tls,
                                             started=ready, bound=bound))
        await ready.wait()
        client = ssl.create_default_context(cafile=pki["ca.pem"])
        client.load_cert_chain(pki["client.pem"], pki["client.key"])
        reader, writer = await asyncio.open_connection("127.0.0.1", bound[0], ssl=client)
        first = await asyncio.wait_for(reader.readuntil(b"</event>"), 10)
        await asyncio.to_thread(identity.set_active, feed_db, "planner", False, actor=SYSTEM)
        rest = b""
        async with asyncio.timeout(5):
            while chunk := await reader.read(65536):
                rest += chunk
        writer.close()
        # without a client certificate the handshake itself is refused
        bare = ssl.create_default_context(cafile=pki["ca.pem"])
        refused = 0
        try:
            r2, w2 = await asyncio.open_connection("127.0.0.1", bound[0], ssl=bare)
            refused = 0 if await asyncio.wait_for(r2.read(100), 5) else 1
            w2.close()
        except (ssl.SSLError, ConnectionError):
            refused = 1
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return refused, first

    from concurrent.futures import ThreadPoolExecutor

    try:  # on a thread of its own: a browser test may keep a loop on the main thread
        with ThreadPoolExecutor(1) as pool:
            refused, first = pool.submit(loop.run_until_complete, run()).result()
    finally:
        loop.close()
    assert b"<event" in first
    assert refused == 1


def test_a_control_character_in_a_crisis_title_does_not_stop_the_feed(
        accounts_db: Database) -> None:
    from lxml import etree

    from phalanx.services import crises

    sec = Principal("secretariat", Role.SECRETARIAT)
    c = crises.open_crisis(accounts_db, crises.CrisisIn(
        title="Hostage\x0b taking\x01", category="terrorist_act", affected=["KGZ"],
        lat=42.87, lon=74.59), actor=sec)
    events = [etree.fromstring(e) for e in cot.snapshot(accounts_db, actor=PLANNER)]
    (ev,) = [e for e in events if e.get("uid") == f"phalanx.crisis.{c.id}"]
    assert ev.find("detail/contact").get("callsign") == "Hostage taking"


def test_event_times_are_utc_whatever_zone_they_are_given_in() -> None:
    """A CoT time is UTC ("Z"): a moment given in Moscow's zone just after its midnight
    is written as the evening before in UTC, not as Moscow's clock labelled Z."""
    from datetime import timezone

    from lxml import etree

    from phalanx.adapters.cot import event

    moscow = timezone(timedelta(hours=3))
    at = datetime(2027, 1, 1, 0, 30, 0, 250000, tzinfo=moscow)
    ev = etree.fromstring(event("u1", "SFGPUCI----F---", 55.75, 37.62, "Unit", at,
                                timedelta(minutes=10)))
    assert (ev.get("time"), ev.get("start"), ev.get("stale")) == (
        "2026-12-31T21:30:00.250Z", "2026-12-31T21:30:00.250Z", "2026-12-31T21:40:00.250Z")
