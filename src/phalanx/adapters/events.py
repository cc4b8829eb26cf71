"""Live events for open pages. Actions publish after their transaction commits;
subscribers (server-sent-event streams) get every event of the topics they follow.

In one process the bus fans out in memory. With PostgreSQL and several app
processes, `adapters/db/notify.py` relays events through LISTEN/NOTIFY so that a
write in one process reaches pages served by another.
"""

from __future__ import annotations

import asyncio
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

    @staticmethod
    def decode(text: str) -> Event:
        raw = json.loads(text)
        return Event(raw["topic"], raw["kind"], raw.get("data", {}))


class Subscription:
    def __init__(self, bus: EventBus, topics: frozenset[str],
                 loop: asyncio.AbstractEventLoop) -> None:
        self.bus, self.topics, self.loop = bus, topics, loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)

    def offer(self, event: Event) -> None:
        if event.topic in self.topics or "*" in self.topics:
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
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.offer(event)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subs)
