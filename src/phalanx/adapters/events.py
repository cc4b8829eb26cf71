"""Live events for open pages. Actions publish after their transaction commits;
subscribers (server-sent-event streams) get the events of the topics they follow that
their reader may see.

An event carries the classification (marking, owner, participants, release to
observers, the states a record was sent to for consideration) of the record it
announces, and each subscriber gets it only if the access policy lets the
subscriber's reader read that classification. An event without one is delivered only
on a topic naming a record (`crisis:3`), whose access was checked when the page
subscribed; on a broad topic (`crises`) it goes to no page at all, so that a
forgotten classification hides an announcement rather than leaks it.

In one process the bus fans out in memory. With PostgreSQL and several app
processes, `adapters/db/notify.py` relays events through LISTEN/NOTIFY so that a
write in one process reaches pages served by another.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from phalanx.domain.access.policy import (
    Classification,
    Marking,
    OwnerKind,
    ReadScope,
    allows,
)


@dataclass(frozen=True)
class Event:
    topic: str  # e.g. "draft:12", "crisis:3", "board"
    kind: str  # e.g. "position", "outcome"
    data: dict[str, Any] = field(default_factory=dict)
    # the marking and owner of what the event announces (None: the topic's record's)
    classification: Classification | None = None

    def _public(self) -> str:
        return json.dumps({"topic": self.topic, "kind": self.kind, "data": self.data},
                          default=str, separators=(",", ":"))

    def encode(self) -> str:
        """The event with its classification, for the relay between processes."""
        raw: dict[str, Any] = {"topic": self.topic, "kind": self.kind, "data": self.data}
        c = self.classification
        if c is not None:
            raw["c"] = [c.owner_kind.value, c.owner, c.marking.value, sorted(c.participants),
                        c.observers, sorted(c.recipients)]
        return json.dumps(raw, default=str, separators=(",", ":"))

    def sse(self) -> str:
        """The event as a server-sent event (without its classification); made once,
        however many pages follow it."""
        cached: str | None = self.__dict__.get("_sse")
        if cached is None:
            cached = f"event: {self.kind}\ndata: {self._public()}\n\n"
            object.__setattr__(self, "_sse", cached)
        return cached

    @staticmethod
    def decode(text: str) -> Event:
        raw = json.loads(text)
        c = None
        if raw.get("c"):
            kind, owner, marking, participants, observers, *sent = raw["c"]
            c = Classification(OwnerKind(kind), owner, Marking(marking),
                               frozenset(participants), bool(observers),
                               recipients=frozenset(sent[0] if sent else ()))
        return Event(raw["topic"], raw["kind"], raw.get("data", {}), c)


class Subscription:
    def __init__(self, bus: EventBus, topics: frozenset[str],
                 loop: asyncio.AbstractEventLoop, scope: ReadScope | None = None) -> None:
        self.bus, self.topics, self.loop, self.scope = bus, topics, loop, scope
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)

    def wants(self, event: Event) -> bool:
        if not (event.topic in self.topics or "*" in self.topics):
            return False
        if self.scope is None:  # an internal subscriber, not a page
            return True
        if event.classification is not None:
            return allows(self.scope, event.classification)
        return ":" in event.topic  # a record's topic, checked when subscribing

    def offer(self, event: Event) -> None:
        if self.wants(event):
            self.loop.call_soon_threadsafe(self._put, event)

    def _put(self, event: Event) -> None:
        if self.queue.full():  # a stalled page loses the oldest, never blocks the sender
            self.queue.get_nowait()
        self.queue.put_nowait(event)

    def close(self) -> None:
        self.bus.unsubscribe(self)


class EventBus:
    def __init__(self) -> None:
        self._subs: list[Subscription] = []
        self._lock = threading.Lock()
        # set by a relay (PostgreSQL NOTIFY) to carry events to other processes
        self.relay: Callable[[Event], None] | None = None

    def subscribe(self, topics: set[str] | frozenset[str],
                  scope: ReadScope | None = None) -> Subscription:
        """Follow `topics`; with `scope` (a page's reader), only what the reader may see."""
        sub = Subscription(self, frozenset(topics), asyncio.get_running_loop(), scope)
        with self._lock:
            self._subs.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub in self._subs:
                self._subs.remove(sub)

    def publish(self, event: Event) -> None:
        """Deliver to this process's subscribers, and relay to the others if set."""
        if self.relay is not None:
            self.relay(event)
        else:
            self.deliver(event)

    def deliver(self, event: Event) -> None:
        """Hand the event to every interested subscriber: one call into each event loop
        for all of its subscribers (not one wake-up a page)."""
        with self._lock:
            subs = [sub for sub in self._subs if sub.wants(event)]
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in subs:
            by_loop.setdefault(sub.loop, []).append(sub)
        for loop, group in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop has closed: no pages left
                loop.call_soon_threadsafe(_put_all, group, event)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)


def _put_all(subs: list[Subscription], event: Event) -> None:
    for sub in subs:
        sub._put(event)
