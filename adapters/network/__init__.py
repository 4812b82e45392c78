"""The network toolkit every venue adapter builds on (the Python twin of nautilus_network).

- :mod:`~adapters.network.quota` - keyed rate-limit quotas; requests wait for every key they name.
- :mod:`~adapters.network.retry` - backoff with jitter, Retry-After, retry only what is retryable.
- :mod:`~adapters.network.http` - an aiohttp HTTP client with quotas, retries and error mapping.
- :mod:`~adapters.network.websocket` - a WebSocket client with login, subscriptions, heartbeat,
  reconnect-and-restore and quota-tagged send lanes.
- :mod:`~adapters.network.clock` - the clock/sleeper seams and a virtual clock for tests.

docs/network.md shows how an adapter wires them.
"""

from __future__ import annotations

from adapters.network.auth import AuthResult, AuthSpec, AuthState, AuthTracker
from adapters.network.clock import Clock, Sleeper, VirtualClock, monotonic, real_sleep
from adapters.network.heartbeat import Heartbeat, HeartbeatConfig
from adapters.network.http import Classifier, HttpClient, HttpResponse, Signer, encode_query
from adapters.network.lanes import SendLanes, Tag, encode_frame
from adapters.network.quota import Quota, RateLimiter
from adapters.network.retry import (
    Backoff,
    RetryManager,
    RetryPolicy,
    retry_after_from_header,
    retry_after_from_reset_ms,
)
from adapters.network.subscriptions import (
    SubscriptionAck,
    SubscriptionCodec,
    SubscriptionState,
    TopicStatus,
)
from adapters.network.websocket import WebSocketClient
from adapters.network.wsconfig import ConnectionState, WebSocketConfig

__all__ = [
    "AuthResult",
    "AuthSpec",
    "AuthState",
    "AuthTracker",
    "Backoff",
    "Classifier",
    "Clock",
    "ConnectionState",
    "Heartbeat",
    "HeartbeatConfig",
    "HttpClient",
    "HttpResponse",
    "Quota",
    "RateLimiter",
    "RetryManager",
    "RetryPolicy",
    "SendLanes",
    "Signer",
    "Sleeper",
    "SubscriptionAck",
    "SubscriptionCodec",
    "SubscriptionState",
    "Tag",
    "TopicStatus",
    "VirtualClock",
    "WebSocketClient",
    "WebSocketConfig",
    "encode_frame",
    "encode_query",
    "monotonic",
    "real_sleep",
    "retry_after_from_header",
    "retry_after_from_reset_ms",
]
