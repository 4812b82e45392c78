"""The journal's vocabulary: what kind of entry, which verdict, which direction.

Every enum is a :class:`~enum.StrEnum`, so a value compares equal to its plain string
(``AuthVerdict.OK == "ok"``), callers and tests may pass either, and ``as_dict`` writes the value.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AuthVerdict",
    "ClosedBy",
    "Direction",
    "EntryKind",
    "FaultPhase",
    "FrameKind",
    "SubscriptionOp",
    "SubscriptionOutcome",
    "WsRole",
]


class EntryKind(StrEnum):
    """Which event an entry records; each value names one entry type."""

    HTTP = "http"
    WS_OPEN = "ws_open"
    WS_FRAME = "ws_frame"
    WS_CLOSE = "ws_close"
    SUBSCRIPTION = "subscription"
    FAULT = "fault"
    ERROR = "error"


class AuthVerdict(StrEnum):
    """What the dialect's authentication decided about one request."""

    #: The route is public and no credentials were checked.
    NONE = "none"
    OK = "ok"
    MISSING_KEY = "missing_key"
    #: A key was given but the timestamp, signature or recv window was missing or malformed.
    MISSING_PARAMS = "missing_params"
    UNKNOWN_KEY = "unknown_key"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    PERMISSION_DENIED = "permission_denied"


class WsRole(StrEnum):
    """What a WebSocket connection is for: market data, private streams, or order entry."""

    PUBLIC = "public"
    PRIVATE = "private"
    TRADE = "trade"


class Direction(StrEnum):
    """Seen from the venue: ``in`` reached the simulator, ``out`` was sent by it."""

    IN = "in"
    OUT = "out"


class FrameKind(StrEnum):
    TEXT = "text"
    BINARY = "binary"
    PING = "ping"
    PONG = "pong"
    CLOSE = "close"


class ClosedBy(StrEnum):
    """Who ended a WebSocket connection."""

    CLIENT = "client"
    SERVER = "server"
    #: The transport went away without a close handshake (a silent drop, a reset, a crash).
    TRANSPORT_ABORT = "transport-abort"


class SubscriptionOp(StrEnum):
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"


class SubscriptionOutcome(StrEnum):
    """How the venue answered one topic of a subscribe or unsubscribe request."""

    OK = "ok"
    #: Refused for a reason not listed below (including an injected fault: see the entry's ``fault``).
    REJECTED = "rejected"
    UNKNOWN_TOPIC = "unknown_topic"
    ALREADY_SUBSCRIBED = "already_subscribed"
    NOT_SUBSCRIBED = "not_subscribed"
    UNAUTHENTICATED = "unauthenticated"
    LIMIT_EXCEEDED = "limit_exceeded"


class FaultPhase(StrEnum):
    """A fault's life: armed (by scenario, API or control plane), fired (applied), cleared."""

    ARMED = "armed"
    FIRED = "fired"
    CLEARED = "cleared"
