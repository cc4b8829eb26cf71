"""The Cursor-on-Target feed of the common operational picture for TAK clients: on
connection, every unit, base and open crisis the connected user may see; then the same
again every `interval` seconds, so that a client's picture follows the registry and the
crises. XML over TCP (TLS when configured), one <event> after another.

Each connection carries credentials, as TAK servers ask them: a client certificate
(TLS with a client CA: the certificate's common name is the username), or else an API
token sent as the first line. They are checked again before every send: a revoked or
expired token, or a deactivated user, ends the connection at the next send."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from phalanx.adapters import cot
from phalanx.domain.access.policy import Permission, has_permission
from phalanx.domain.access.principal import Principal
from phalanx.services import forces, identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database

STALE = timedelta(minutes=10)
HELLO_TIMEOUT = 10.0  # seconds a client has to send its token
BASE_SIDC = "SFGPIBA---H----"


def snapshot(db: Database, *, actor: Principal, at: datetime | None = None) -> list[bytes]:
    """The picture as CoT events."""
    at = at or datetime.now(UTC)
    with db.read() as conn:
        pic = forces.picture(conn, actor=actor)
    out = [cot.event(f"phalanx.unit.{u['key']}", u["sidc"], u["lat"], u["lon"],
                     u["name"], at, STALE,
                     f"{u['state']} · {u['capability']} · {u['strength']} · ready in "
                     f"{u['readiness_h']:g} h")
           for u in pic["units"] if not u["withdrawn"]]
    if pic["units"]:  # bases only for those who see the registry
        out += [cot.event(f"phalanx.base.{b['key']}", BASE_SIDC, b["lat"], b["lon"],
                          b["name"], at, STALE, b["kind"])
                for b in pic["bases"] if b["kind"] != "node"]
    out += [cot.event(f"phalanx.crisis.{c['id']}", c["sidc"], c["lat"], c["lon"],
                      c["title"], at, STALE, f"{c['category']} · {c['stage']} · "
                      f"{c['severity']}")
            for c in pic["crises"]]
    return out


@dataclass(frozen=True)
class Credentials:
    token: str | None = None  # an API token (phx_...)
    username: str | None = None  # from a verified client certificate

    def principal(self, db: Database) -> Principal | None:
        """Who these credentials stand for now, or None (unknown, revoked, expired,
        deactivated, or a role that may not read)."""
        with db.read() as conn:
            if self.username is not None:
                try:
                    p: Principal | None = identity.principal(conn, self.username)
                except identity.IdentityError:
                    return None
            elif self.token:
                p = api_tokens.token_principal(conn, self.token)
            else:
                return None
        return p if p is not None and has_permission(p, Permission.READ) else None


def _certificate_user(writer: asyncio.StreamWriter) -> str | None:
    """The common name of the client's verified certificate, if TLS carried one."""
    obj = writer.get_extra_info("ssl_object")
    cert = obj.getpeercert() if obj is not None else None
    for rdn in (cert or {}).get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return None


async def _hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> Credentials:
    user = _certificate_user(writer)
    if user is not None:
        return Credentials(username=user)
    try:
        line = await asyncio.wait_for(reader.readline(), HELLO_TIMEOUT)
    except (TimeoutError, ValueError, ConnectionError):
        return Credentials()
    token = line[:500].decode("ascii", "replace").strip()
    return Credentials(token=token.removeprefix("Bearer ").strip() or None)


def tls_context(cert: str, key: str, client_ca: str | None) -> ssl.SSLContext:
    """A server TLS context; with a client CA, every client must show a certificate."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


async def serve(db: Database, host: str, port: int, *, interval: float = 30.0,
                tls: ssl.SSLContext | None = None, started: asyncio.Event | None = None,
                bound: list[int] | None = None) -> None:
    """Serve the feed until cancelled (its clients' connections are closed then)."""
    clients: set[asyncio.Task[None]] = set()

    async def feed(writer: asyncio.StreamWriter, creds: Credentials) -> None:
        try:
            while True:
                actor = await asyncio.to_thread(creds.principal, db)
                if actor is None:  # refused, or no longer valid: nothing more is sent
                    return
                events = await asyncio.to_thread(snapshot, db, actor=actor)
                for e in events:
                    writer.write(e)
                await writer.drain()
                await asyncio.sleep(interval)
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        clients.add(task)
        try:
            await feed(writer, await _hello(reader, writer))
        finally:
            clients.discard(task)

    server = await asyncio.start_server(client, host, port, ssl=tls)
    if bound is not None:
        bound.append(server.sockets[0].getsockname()[1])
    if started is not None:
        started.set()
    try:
        async with server:
            await server.serve_forever()
    finally:
        for task in list(clients):
            task.cancel()
