"""Live events across several app processes through PostgreSQL LISTEN/NOTIFY.

Each process publishes with NOTIFY on one channel and listens on it in a background
thread; every event, its own included, comes back through the listener and is
delivered to that process's open pages. So a position stated through one process
reaches a page served by another. The listener also listens on a channel of its own,
which only its `stop` notifies: a process that stops does not wait for the listener's
next look at the connection.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from phalanx.adapters.events import Event, EventBus

CHANNEL = "phalanx_events"
log = logging.getLogger(__name__)


def _dsn(url: str) -> str:
    u = make_url(url)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


class PgRelay:
    POLL = 0.5  # seconds between the listener's looks for a stop it was not woken for

    def __init__(self, url: str, bus: EventBus) -> None:
        self.dsn = _dsn(url)
        self.bus = bus
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._pub: psycopg.Connection[Any] | None = None
        self._pub_lock = threading.Lock()
        self._failure = ""  # why the last attempt to LISTEN failed
        self._wake = f"phalanx_wake_{uuid.uuid4().hex}"  # notified by `stop` alone

    def start(self, timeout: float = 10.0) -> None:
        self._thread = threading.Thread(target=self._listen, name="pg-listen", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            self._stop.set()
            where = make_url(self.dsn).render_as_string(hide_password=True)
            raise RuntimeError(f"PHALANX_DATABASE_URL: could not LISTEN on PostgreSQL at "
                               f"{where}: {self._failure or 'no answer'}")
        self.bus.relay = self.publish

    def publish(self, event: Event) -> None:
        """NOTIFY the event; called once its write has committed, so it raises nothing.
        The connection it publishes on is lost when the database restarts (the loss shows
        only when it is used): it connects again and sends once more. The database still
        away, the event reaches this process's pages only, and the log says so."""
        try:
            self._notify(CHANNEL, event.encode())
        except psycopg.Error as exc:
            log.warning("live event %s not relayed to the other processes (%s)",
                        event.topic, exc)
            self.bus.deliver(event)

    def _notify(self, channel: str, payload: str) -> None:
        with self._pub_lock:
            for attempt in (1, 2):
                try:
                    if self._pub is None or self._pub.closed:
                        self._pub = psycopg.connect(self.dsn, autocommit=True,
                                                    connect_timeout=5)
                    self._pub.execute("SELECT pg_notify(%s, %s)", (channel, payload))
                    return
                except psycopg.Error:
                    if self._pub is not None:
                        self._pub.close()
                        self._pub = None
                    if attempt == 2:
                        raise

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    conn.execute(f"LISTEN {self._wake}")
                    self._ready.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.POLL, stop_after=100):
                            if note.channel == self._wake:
                                break
                            try:
                                self.bus.deliver(Event.decode(note.payload))
                            except (ValueError, KeyError):
                                log.warning("ignored a malformed event on %s", CHANNEL)
            except psycopg.OperationalError as exc:  # the server went away: retry
                self._failure = (str(exc).strip().splitlines() or [""])[0]
                log.warning("LISTEN connection lost (%s); reconnecting", exc)
                self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()
        self.bus.relay = None
        if self._thread is not None and self._thread.is_alive():
            # wake the listener at once (else it sees the stop within POLL)
            with contextlib.suppress(psycopg.Error):
                self._notify(self._wake, "")
            self._thread.join(timeout=5)
        with self._pub_lock:
            if self._pub is not None:
                self._pub.close()
                self._pub = None
