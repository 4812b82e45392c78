"""The Bybit stream client: the network toolkit's WebSocketClient configured for Bybit (§7).

One :class:`BybitWebSocketClient` per socket: a public one per category
(``/v5/public/{category}``) or the private one (``/v5/private``, logged in with the signed
``auth`` op before any subscription). Bybit specifics configured here:

- a text ``{"op":"ping"}`` every 20 s (plus protocol pings), pongs recognised in every per-socket
  shape and never delivered as data; the venue's own text ping answered with ``{"op":"pong"}``;
- subscribe/unsubscribe with a ``req_id`` the venue echoes, restore in chunks of 10 topics;
- the auth message signed afresh for every (re)connection, so ``expires`` is always in the future.

Data pushes reach ``handler`` as decoded dicts, in arrival order; ``on_reconnected`` fires after a
reconnect's login and before its re-subscribes, so consumers drop books and wait for snapshots.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.bybit.common.consts import (
    DEFAULT_WS_AUTH_TIMEOUT_S,
    DEFAULT_WS_PING_INTERVAL_S,
    DEFAULT_WS_RECONNECT_DELAY_S,
    WS_AUTH_EXPIRES_MS,
    WS_SUBSCRIBE_CHUNK,
)
from adapters.bybit.common.credential import Credential
from adapters.bybit.websocket.messages import (
    PING_MESSAGE,
    is_pong,
    parse_auth_ack,
    parse_subscription_ack,
    subscribe_message,
    text_ping_reply,
    unsubscribe_message,
)
from adapters.network.auth import AuthSpec
from adapters.network.heartbeat import HeartbeatConfig
from adapters.network.retry import RetryPolicy
from adapters.network.websocket import SubscriptionCodec, WebSocketClient, WebSocketConfig

__all__ = ["BybitWebSocketClient", "WebSocketCreated", "bybit_codec"]

Handler = Callable[[dict[str, Any]], Awaitable[None] | None]
WebSocketCreated = Callable[["BybitWebSocketClient"], None]
"""A hook the data and execution clients call with each socket client they create, before it
connects (see their ``on_websocket_created``)."""


def bybit_codec() -> SubscriptionCodec:
    """The subscription codec of every Bybit socket."""
    return SubscriptionCodec(
        subscribe=subscribe_message,
        unsubscribe=unsubscribe_message,
        parse_ack=parse_subscription_ack,
        max_topics_per_message=WS_SUBSCRIBE_CHUNK,
    )


class BybitWebSocketClient:
    """A Bybit socket: connect, (log in,) subscribe by topic, receive pushes, survive drops."""

    def __init__(
        self,
        url: str,
        handler: Handler,
        *,
        credential: Credential | None = None,
        ping_interval_s: float = DEFAULT_WS_PING_INTERVAL_S,
        heartbeat_timeout_s: float | None = None,
        connect_timeout_s: float = 10.0,
        auth_timeout_s: float = DEFAULT_WS_AUTH_TIMEOUT_S,
        reconnect_delay_s: float = DEFAULT_WS_RECONNECT_DELAY_S,
        on_reconnected: Callable[[], Awaitable[None] | None] | None = None,
        on_subscription_error: Callable[[str, str], Awaitable[None] | None] | None = None,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        """Create the client (nothing connects until :meth:`connect`).

        Args:
            url: the socket URL (see :class:`~adapters.bybit.common.urls.BybitUrls`).
            handler: receives each data push (dict), sync or async.
            credential: set for the private stream; the client then logs in on every connection.
            ping_interval_s: text and protocol ping period (Bybit drops idle sockets, §7.8).
            heartbeat_timeout_s: silence after which the connection counts as dead
                (default: 1.5 ping intervals).
            connect_timeout_s: handshake limit.
            auth_timeout_s: how long a login waits for its ack before the connection fails.
            reconnect_delay_s: the wait before the first reconnect attempt (doubling for each
                further failed one, up to 30 s).
            on_reconnected: called after a reconnect, before the subscriptions are restored.
            on_subscription_error: called with ``(topic, message)`` when the venue refuses a topic.
            clock_ms: the clock ``expires`` is computed from (wall clock by default).
        """
        self.url = url
        self._credential = credential
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        heartbeat = HeartbeatConfig(
            interval_s=ping_interval_s,
            timeout_s=heartbeat_timeout_s or ping_interval_s * 1.5,
            control_ping=True,
            text_ping=lambda: dict(PING_MESSAGE),
        )
        config = WebSocketConfig(
            url=url,
            connect_timeout_s=connect_timeout_s,
            heartbeat=heartbeat,
            text_ping_reply=text_ping_reply,
            is_pong=is_pong,
            reconnect_policy=RetryPolicy(
                initial_delay_s=reconnect_delay_s, max_delay_s=max(30.0, reconnect_delay_s)
            ),
        )
        self._ws = WebSocketClient(
            config,
            handler=handler,
            auth=self._auth_spec(auth_timeout_s) if credential is not None else None,
            codec=bybit_codec(),
            on_reconnected=on_reconnected,
            on_subscription_error=on_subscription_error,
        )

    def _auth_spec(self, timeout_s: float) -> AuthSpec:
        credential = self._credential
        assert credential is not None

        async def build() -> dict[str, Any]:
            return credential.ws_auth_message(self._clock_ms() + WS_AUTH_EXPIRES_MS)

        return AuthSpec(build=build, parse_ack=parse_auth_ack, timeout_s=timeout_s)

    @property
    def is_private(self) -> bool:
        """True for the logged-in private stream, False for a public socket."""
        return self._credential is not None

    @property
    def inner(self) -> WebSocketClient:
        """The toolkit client (state, counters, subscription sets) for tests and metrics."""
        return self._ws

    @property
    def is_active(self) -> bool:
        """True while a (logged-in) connection carries the stream."""
        return self._ws.is_active

    async def connect(self) -> None:
        """Connect (and log in on the private stream).

        Raises:
            RetryableTransportError: unreachable or handshake timeout.
            AuthenticationError: the venue refused the login.
        """
        await self._ws.connect()

    async def close(self) -> None:
        """Close the socket and stop every task."""
        await self._ws.close()

    def subscribe(self, topic: str) -> None:
        """Want ``topic`` (sent now if connected, restored after every reconnect)."""
        self._ws.subscribe(topic)

    def unsubscribe(self, topic: str) -> None:
        """Let go of ``topic``."""
        self._ws.unsubscribe(topic)

    async def wait_subscribed(self, topic: str, timeout_s: float = 5.0) -> None:
        """Wait for the venue's ack of ``topic``. Raises ``TimeoutError`` past ``timeout_s``."""
        await self._ws.wait_subscribed(topic, timeout_s)

    def is_subscribed(self, topic: str) -> bool:
        """Whether ``topic`` is wanted (pending or active)."""
        return self._ws.subscriptions.status(topic) is not None
