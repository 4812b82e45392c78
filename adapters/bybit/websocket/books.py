"""Order book sequence tracking for Bybit's ``orderbook.*`` streams.

Bybit sends a snapshot after each subscribe, then deltas with ``u`` incremented by one (§7.5);
``u=1`` (or any snapshot) means "start again". :class:`BookSequencer` decides, per message,
whether to apply it, and detects gaps: a delta before the first snapshot, or one whose ``u`` is
not the previous plus one, means the local book can no longer be trusted and must be resynced
(the data client re-subscribes, which makes the venue send a fresh snapshot).

:class:`LocalBook` keeps price levels when full snapshots must be republished (snapshot
subscriptions), since the venue only sends deltas after the first one.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BookSequencer", "LocalBook", "Verdict"]


class Verdict(enum.Enum):
    """What to do with one book message."""

    APPLY = "apply"
    """In sequence (or a snapshot): parse and publish it."""
    SKIP = "skip"
    """Waiting for a snapshot after a reset or gap: drop it silently."""
    GAP = "gap"
    """Out of sequence: drop it and resync the book."""


@dataclass(slots=True)
class BookSequencer:
    """Per-book ``u`` tracking. ``gaps`` counts detected gaps (observable in tests).

    A book is named by any hashable key: the data client uses ``(category, topic)``, since spot
    and linear books of one symbol share a topic name.
    """

    last_u: dict[Hashable, int] = field(default_factory=dict)
    gaps: int = 0

    def check(self, topic: Hashable, message: dict[str, Any]) -> Verdict:
        """Classify ``message`` of the book ``topic`` and remember its ``u`` when applied."""
        u = int(message["data"]["u"])
        if message.get("type") == "snapshot":
            self.last_u[topic] = u
            return Verdict.APPLY
        last = self.last_u.get(topic)
        if last is None:
            return Verdict.SKIP
        if u != last + 1:
            self.gaps += 1
            del self.last_u[topic]
            return Verdict.GAP
        self.last_u[topic] = u
        return Verdict.APPLY

    def reset(self, topic: Hashable | None = None) -> None:
        """Forget one book (or all): the next snapshot starts it again."""
        if topic is None:
            self.last_u.clear()
        else:
            self.last_u.pop(topic, None)


@dataclass(slots=True)
class LocalBook:
    """Price levels of one book, as strings, maintained from snapshots and deltas."""

    bids: dict[str, str] = field(default_factory=dict)
    asks: dict[str, str] = field(default_factory=dict)

    def apply(self, message: dict[str, Any]) -> None:
        """Apply a snapshot (replace) or delta (upsert; size 0 deletes)."""
        data = message["data"]
        if message.get("type") == "snapshot":
            self.bids.clear()
            self.asks.clear()
        for levels, book in ((data["b"], self.bids), (data["a"], self.asks)):
            for price, size in levels:
                if float(size) == 0.0:
                    book.pop(price, None)
                else:
                    book[price] = size

    def as_snapshot(self, message: dict[str, Any]) -> dict[str, Any]:
        """A snapshot message with the current levels, stamped like ``message``."""
        bids = sorted(self.bids.items(), key=lambda kv: float(kv[0]), reverse=True)
        asks = sorted(self.asks.items(), key=lambda kv: float(kv[0]))
        data = dict(message["data"], b=[list(kv) for kv in bids], a=[list(kv) for kv in asks])
        return dict(message, type="snapshot", data=data)
