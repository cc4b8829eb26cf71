"""Live events for open pages. Actions publish after their transaction commits;
subscribers (server-sent-event streams) get every event of the topics they follow.

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


@dataclass(frozen=True)
class Event:
    topic: str  # e.g. "draft:12", "crisis:3", "board"
    kind: str  # e.g. "position", "outcome"
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> str:
        return json.dumps({"topic": self.topic, "kind": self.kind, "data": self.data},
                          default=str, separators=(",", ":"))

    def sse(self) -> str:
        """The event as a server-sent event; made once, however many pages follow it."""
        cached: str | None = self.__dict__.get("_sse")
        if cached is None:
            cached = f"event: {self.kind}\ndata: {self.encode()}\n\n"
            object.__setattr__(self, "_sse", cached)
        return cached

    @staticmethod
    def decode(text: str) -> Event:
        raw = json.loads(text)
        return Event(raw["topic"], raw["kind"], raw.get("data", {}))


class Subscription:
    def __init__(self, bus: EventBus, topics: frozenset[str],
                 loop: asyncio.AbstractEventLoop) -> None:
        self.bus, self.topics, self.loop = bus, topics, loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)

    def wants(self, event: Event) -> bool:
        return event.topic in self.topics or "*" in self.topics

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

    def subscribe(self, topics: set[str] | frozenset[str]) -> Subscription:
        sub = Subscription(self, frozenset(topics), asyncio.get_running_loop())
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
