"""Settings and lifecycle states of :class:`~adapters.network.websocket.WebSocketClient`."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.network.heartbeat import HeartbeatConfig
from adapters.network.lanes import Tag
from adapters.network.retry import RetryPolicy

__all__ = ["ConnectionState", "WebSocketConfig"]


class ConnectionState(enum.Enum):
    """The client's lifecycle."""

    IDLE = "idle"
    CONNECTING = "connecting"
    ACTIVE = "active"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class WebSocketConfig:
    """Connection settings.

    The recognisers receive the decoded JSON value of a text frame, or its raw text when it is
    not JSON (venues send bare ``ping``/``pong``).

    Attributes:
        url: the ``ws://``/``wss://`` URL.
        connect_timeout_s: limit on the TCP + TLS + upgrade handshake.
        close_timeout_s: how long a clean close waits for the server's Close frame.
        headers: extra upgrade request headers.
        heartbeat: client pings and loss detection; ``None`` turns both off.
        text_ping_reply: for a server text ping returns the pong to send, else ``None``.
        is_pong: recognises the venue's text pong (swallowed, never delivered).
        reconnect: whether to reconnect when a connection dies.
        reconnect_policy: backoff between reconnect attempts (``max_retries`` is ignored: the
            client keeps trying until :meth:`WebSocketClient.close` unless
            ``max_reconnect_attempts`` is set).
        max_reconnect_attempts: give up (state CLOSED) after this many failed attempts in a row.
        quota_keys: the quota keys each send tag waits for in the shared limiter.
    """

    url: str
    connect_timeout_s: float = 10.0
    close_timeout_s: float = 1.0
    headers: Mapping[str, str] = field(default_factory=dict)
    heartbeat: HeartbeatConfig | None = field(default_factory=HeartbeatConfig)
    text_ping_reply: Callable[[Any], Any | None] | None = None
    is_pong: Callable[[Any], bool] | None = None
    reconnect: bool = True
    reconnect_policy: RetryPolicy = field(
        default_factory=lambda: RetryPolicy(initial_delay_s=0.25, max_delay_s=30.0)
    )
    max_reconnect_attempts: int | None = None
    quota_keys: Mapping[Tag, Sequence[str]] = field(default_factory=dict)
