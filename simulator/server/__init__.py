"""simulator.server: the aiohttp app, control plane, journal, faults and recorder/replayer."""

from __future__ import annotations

from simulator.server.journal import (
    ANY,
    HttpMatch,
    Journal,
    JournalAssertionError,
    JournalTimeout,
    SubscriptionMatch,
    WsFrameMatch,
)

__all__ = [
    "ANY",
    "HttpMatch",
    "Journal",
    "JournalAssertionError",
    "JournalTimeout",
    "SubscriptionMatch",
    "WsFrameMatch",
]
