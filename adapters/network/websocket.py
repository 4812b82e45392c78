"""A WebSocket client over aiohttp that logs in, keeps its subscriptions and survives drops.

The adapter supplies the venue specifics; the client does the rest:

- :class:`WebSocketConfig`: URL, timeouts, heartbeat, text ping/pong recognisers, reconnect backoff
  and the quota keys of each send :class:`~adapters.network.lanes.Tag`;
- :class:`~adapters.network.auth.AuthSpec`: the login message and its ack parser;
- :class:`SubscriptionCodec`: subscribe/unsubscribe message builders and the ack parser;
- a handler that receives every other message, decoded with orjson, in arrival order.

On every connection the client logs in first and only then opens the subscription lane, so no
private subscribe can precede the login ack. When a connection dies (server close, reset, or
heartbeat silence) it reconnects with backoff, logs in again, calls ``on_reconnected`` (consumers
reset their state there) and re-subscribes every wanted topic exactly once, skipping those
unsubscribed before the drop. :meth:`WebSocketClient.close` stops every task it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import aiohttp
import orjson

from adapters.contract.errors import AuthenticationError, FatalAdapterError, RetryableTransportError
from adapters.network._connection import Connection
from adapters.network.auth import AuthSpec, AuthState, AuthTracker
from adapters.network.clock import Sleeper, monotonic, real_sleep
from adapters.network.heartbeat import Heartbeat
from adapters.network.lanes import Tag
from adapters.network.quota import RateLimiter
from adapters.network.retry import Backoff
from adapters.network.subscriptions import (
    SubscriptionAck,
    SubscriptionCodec,
    SubscriptionState,
    TopicStatus,
)
from adapters.network.wsconfig import ConnectionState, WebSocketConfig

__all__ = ["WebSocketClient"]

log = logging.getLogger(__name__)

Callback = Callable[..., Awaitable[None] | None]


async def _call(callback: Callback | None, *args: Any) -> None:
    if callback is None:
        return
    result = callback(*args)
    if result is not None:
        await result


class WebSocketClient:
    """One logical venue stream, carried over as many connections as it takes.

    Observable counters (for tests and metrics): ``connections``, ``reconnects``,
    ``pings_received``, ``pongs_received``, ``text_pings_answered``, ``text_pongs_received``,
    ``decode_errors``, ``handler_errors``.
    """

    def __init__(
        self,
        config: WebSocketConfig,
        *,
        handler: Callback,
        auth: AuthSpec | None = None,
        codec: SubscriptionCodec | None = None,
        limiter: RateLimiter | None = None,
        on_reconnected: Callback | None = None,
        on_subscription_error: Callback | None = None,
        session: aiohttp.ClientSession | None = None,
        rng: random.Random | None = None,
        sleeper: Sleeper = real_sleep,
    ) -> None:
        """Create a client (nothing connects until :meth:`connect`).

        Args:
            config: URL, timeouts, heartbeat, reconnect and quota settings.
            handler: called with each data message (sync or async), in arrival order.
            auth: how to log in; ``None`` for public streams.
            codec: subscription messages; needed for :meth:`subscribe`.
            limiter: the quotas the send lanes wait for.
            on_reconnected: called after a reconnect's login and before its re-subscribes.
            on_subscription_error: called with ``(topic, message)`` when the venue refuses a topic.
            session: an aiohttp session to use (else the client opens and closes its own).
            rng: jitter source for the reconnect backoff; seed it for reproducible runs.
            sleeper: waits between reconnect attempts; inject a virtual clock's in tests.
        """
        self.config = config
        self._handler = handler
        self._auth = auth
        self._codec = codec
        self._limiter = limiter
        self._on_reconnected = on_reconnected
        self._on_subscription_error = on_subscription_error
        self._session = session
        self._owns_session = session is None
        self._rng = rng if rng is not None else random.Random(0)
        self._sleeper = sleeper
        self._state = ConnectionState.IDLE
        self.auth = AuthTracker()
        self.subscriptions = SubscriptionState()
        self._conn: Connection | None = None
        self._live: set[Connection] = set()
        self._supervisor: asyncio.Task[None] | None = None
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self._req_ids = itertools.count(1)
        self.connections = 0
        self.reconnects = 0
        self.pings_received = 0
        self.pongs_received = 0
        self.text_pings_answered = 0
        self.text_pongs_received = 0
        self.decode_errors = 0
        self.handler_errors = 0

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> ConnectionState:
        """The lifecycle state."""
        return self._state

    @property
    def is_active(self) -> bool:
        """True while a logged-in connection carries the stream."""
        return self._state is ConnectionState.ACTIVE

    @property
    def is_closed(self) -> bool:
        """True after :meth:`close` (or after giving up reconnecting)."""
        return self._state is ConnectionState.CLOSED

    def _set_state(self, state: ConnectionState) -> None:
        self._state = state
        self._notify()

    async def wait_until(self, predicate: Callable[[], bool], timeout_s: float) -> None:
        """Wait until ``predicate()`` holds; re-checked on every state change and received frame.

        Raises:
            TimeoutError: it did not hold within ``timeout_s``.
        """
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            async with asyncio.timeout(timeout_s):
                await future
        finally:
            self._waiters.remove(entry)

    async def wait_active(self, timeout_s: float) -> None:
        """Wait until the client is active. Raises ``TimeoutError`` past ``timeout_s``."""
        await self.wait_until(lambda: self.is_active, timeout_s)

    async def wait_subscribed(self, topic: str, timeout_s: float) -> None:
        """Wait until the venue confirmed ``topic``. Raises ``TimeoutError`` past ``timeout_s``."""
        await self.wait_until(lambda: self.subscriptions.status(topic) is TopicStatus.ACTIVE, timeout_s)

    def _notify(self) -> None:
        for predicate, future in list(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)

    # ------------------------------------------------------------------ lifecycle

    async def connect(self) -> None:
        """Connect, log in (when an :class:`AuthSpec` is set) and send the wanted subscriptions.

        Returns after the login ack, so private subscriptions can follow at once.

        Raises:
            RetryableTransportError: the endpoint is unreachable or the handshake timed out.
            AuthenticationError: the venue refused the login or did not ack it in time.
            FatalAdapterError: the client is not idle (already connected or closed).
        """
        if self._state is not ConnectionState.IDLE:
            raise FatalAdapterError(
                f"connect() needs an idle client, this one is {self._state.value}; create a new client"
            )
        self._set_state(ConnectionState.CONNECTING)
        try:
            conn = await self._open()
        except BaseException:
            self._set_state(ConnectionState.IDLE)
            await self._close_session()
            raise
        self._activate(conn)
        self._supervisor = asyncio.create_task(self._supervise(), name=f"ws-supervisor {self.config.url}")

    async def close(self) -> None:
        """Close the stream: no reconnect, every task stopped, the session closed if owned."""
        if self._state is ConnectionState.CLOSED and self._supervisor is None and not self._live:
            return
        self._set_state(ConnectionState.CLOSED)
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None and supervisor is not asyncio.current_task():
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        self._conn = None
        for conn in list(self._live):
            await conn.teardown("closed by the client")
        if self.auth.state is not AuthState.UNAUTHENTICATED:
            self.auth.move(AuthState.UNAUTHENTICATED)
        await self._close_session()
        self._notify()

    async def _close_session(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ sending

    async def send(self, message: Any, tag: Tag) -> None:
        """Send a message on the lane of ``tag`` (order traffic: ``Tag.ORDER``).

        Raises:
            RetryableTransportError: the client is not active (reconnecting, closed); the message
                was not sent, so the caller decides whether to retry or fail its command.
        """
        conn = self._conn
        if conn is None or not self.is_active:
            raise RetryableTransportError(
                f"websocket {self.config.url} is {self._state.value}; wait_active() before sending"
            )
        await conn.lanes.send(message, tag)

    def subscribe(self, topic: str) -> None:
        """Want ``topic``: the subscribe is queued now if connected, else sent on (re)connect.

        Raises:
            FatalAdapterError: no :class:`SubscriptionCodec` was configured.
        """
        codec = self._require_codec()
        if self.subscriptions.add(topic) and self._conn is not None:
            self._send_sub(self._conn, codec, "subscribe", [topic])
        self._notify()

    def unsubscribe(self, topic: str) -> None:
        """Let go of ``topic``; the unsubscribe is sent when the last subscriber lets go.

        Raises:
            FatalAdapterError: no :class:`SubscriptionCodec` was configured.
        """
        codec = self._require_codec()
        if self.subscriptions.remove(topic, connected=self._conn is not None) and self._conn is not None:
            self._send_sub(self._conn, codec, "unsubscribe", [topic])
        self._notify()

    def _require_codec(self) -> SubscriptionCodec:
        if self._codec is None:
            raise FatalAdapterError("this WebSocketClient has no SubscriptionCodec; pass codec= to subscribe")
        return self._codec

    def _send_sub(
        self,
        conn: Connection,
        codec: SubscriptionCodec,
        op: Literal["subscribe", "unsubscribe"],
        topics: list[str],
    ) -> None:
        req_id = str(next(self._req_ids))
        conn.inflight[req_id] = (op, tuple(topics))
        build = codec.subscribe if op == "subscribe" else codec.unsubscribe
        conn.lanes.enqueue(build(topics, req_id))

    # ------------------------------------------------------------------ connections

    async def _open(self) -> Connection:
        """Open one connection and log it in; the subscription lane stays closed."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        cfg = self.config
        try:
            async with asyncio.timeout(cfg.connect_timeout_s):
                ws = await self._session.ws_connect(
                    cfg.url,
                    autoping=False,  # pings and pongs are answered and counted here
                    headers=dict(cfg.headers),
                    timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=cfg.close_timeout_s),
                )
        except TimeoutError as exc:
            raise RetryableTransportError(
                f"websocket connect to {cfg.url} timed out after {cfg.connect_timeout_s}s"
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise RetryableTransportError(f"websocket connect to {cfg.url} failed: {exc!r}") from exc
        self.connections += 1
        conn = Connection(ws, limiter=self._limiter, keys=cfg.quota_keys)
        self._live.add(conn)
        conn.on_closed = lambda: self._live.discard(conn)
        conn.reader = asyncio.create_task(self._read(conn), name=f"ws-reader {cfg.url}")
        try:
            if self._auth is not None:
                await self._login(conn, self._auth)
        except BaseException:
            await conn.teardown("login failed")
            raise
        return conn

    async def _login(self, conn: Connection, auth: AuthSpec) -> None:
        self.auth.move(AuthState.AUTHENTICATING)
        self._notify()
        conn.auth_future = asyncio.get_running_loop().create_future()
        try:
            await conn.lanes.send(await auth.build(), Tag.CONTROL)
            async with asyncio.timeout(auth.timeout_s):
                result = await conn.auth_future
        except TimeoutError:
            self.auth.move(AuthState.FAILED)
            raise AuthenticationError(
                f"no login ack from {self.config.url} within {auth.timeout_s}s; check the endpoint "
                "and that the venue accepts this login message"
            ) from None
        except BaseException:
            self.auth.move(AuthState.FAILED)
            raise
        if not result.success:
            self.auth.move(AuthState.FAILED)
            self._notify()
            raise AuthenticationError(result.message or "login refused", code=result.code)
        self.auth.move(AuthState.AUTHENTICATED)
        self._notify()

    def _activate(self, conn: Connection) -> None:
        """Make ``conn`` the live connection: open its lanes, queue the restore, start keep-alive.

        Synchronous on purpose: no subscribe() can slip between "restore list taken" and "lane
        open", so every wanted topic is sent exactly once on this connection.
        """
        self._conn = conn
        conn.start_pacer()
        if self._codec is not None:
            topics = self.subscriptions.to_restore()
            size = max(1, self._codec.max_topics_per_message)
            for start in range(0, len(topics), size):
                self._send_sub(conn, self._codec, "subscribe", topics[start : start + size])
        if self.config.heartbeat is not None:
            heartbeat = Heartbeat(
                self.config.heartbeat,
                last_received=lambda: conn.last_received,
                send_control_ping=conn.ws.ping,
                send_text_ping=lambda message: conn.lanes.send(message, Tag.CONTROL),
            )
            conn.start_heartbeat(heartbeat)
        self._set_state(ConnectionState.ACTIVE)

    async def _supervise(self) -> None:
        """Wait for the live connection to die, then reconnect; runs until close() cancels it."""
        failures = 0
        while True:
            conn = self._conn
            if conn is None:  # pragma: no cover - _activate always sets it before we start
                return
            await conn.done.wait()
            log.info("websocket %s lost: %s", self.config.url, conn.close_reason)
            # Forget the connection synchronously: subscribe() from now on only records intent.
            self._conn = None
            self.subscriptions.connection_lost()
            if self.auth.state is not AuthState.UNAUTHENTICATED:
                self.auth.move(AuthState.UNAUTHENTICATED)
            await conn.teardown(conn.close_reason or "connection lost")
            if not self.config.reconnect:
                self._set_state(ConnectionState.CLOSED)
                return
            self._set_state(ConnectionState.RECONNECTING)
            backoff = Backoff(self.config.reconnect_policy, self._rng)
            while True:
                await self._sleeper(backoff.next_delay())
                try:
                    new = await self._open()
                except Exception as exc:
                    # Whatever failed (refused login, timeout, a bug in an adapter callback), the
                    # stream must not die silently: log it and try again after the backoff.
                    failures += 1
                    log.warning(
                        "websocket %s reconnect attempt %d failed: %r", self.config.url, failures, exc
                    )
                    if self.auth.state is AuthState.FAILED:
                        self.auth.move(AuthState.UNAUTHENTICATED)
                    limit = self.config.max_reconnect_attempts
                    if limit is not None and failures >= limit:
                        self._set_state(ConnectionState.CLOSED)
                        return
                    continue
                failures = 0
                break
            self.reconnects += 1
            try:
                await _call(self._on_reconnected)
            except Exception:
                log.exception("on_reconnected callback of %s failed", self.config.url)
            self._activate(new)

    # ------------------------------------------------------------------ receiving

    async def _read(self, conn: Connection) -> None:
        """Read frames until the connection ends; answer pings; route text frames."""
        ws = conn.ws
        try:
            while True:
                msg = await ws.receive()
                conn.last_received = monotonic()
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self._on_text(conn, msg.data)
                elif msg.type is aiohttp.WSMsgType.BINARY:
                    await self._on_text(conn, msg.data.decode("utf-8", "replace"))
                elif msg.type is aiohttp.WSMsgType.PING:
                    self.pings_received += 1
                    await ws.pong(msg.data)
                elif msg.type is aiohttp.WSMsgType.PONG:
                    self.pongs_received += 1
                else:  # CLOSE, CLOSING, CLOSED, ERROR
                    conn.close_reason = conn.close_reason or f"server ended the connection ({msg.type.name})"
                    return
                if self._waiters:  # counters moved: let wait_until() re-check
                    self._notify()
        except (ConnectionError, aiohttp.ClientError) as exc:
            conn.close_reason = conn.close_reason or f"transport error: {exc!r}"
        finally:
            conn.mark_done()

    async def _on_text(self, conn: Connection, text: str) -> None:
        try:
            value: Any = orjson.loads(text)
            decoded = True
        except orjson.JSONDecodeError:
            value, decoded = text, False
        cfg = self.config
        if cfg.text_ping_reply is not None:
            reply = cfg.text_ping_reply(value)
            if reply is not None:
                self.text_pings_answered += 1
                await conn.lanes.send(reply, Tag.CONTROL)
                return
        if cfg.is_pong is not None and cfg.is_pong(value):
            self.text_pongs_received += 1
            return
        if not decoded:
            self.decode_errors += 1
            log.warning("websocket %s sent a non-JSON frame, dropped: %.200s", cfg.url, text)
            return
        if conn.auth_future is not None and not conn.auth_future.done() and self._auth is not None:
            result = self._auth.parse_ack(value)
            if result is not None:
                conn.auth_future.set_result(result)
                return
        if self._codec is not None:
            ack = self._codec.parse_ack(value)
            if ack is not None:
                await self._apply_ack(conn, ack)
                return
        try:
            await _call(self._handler, value)
        except Exception:
            self.handler_errors += 1
            log.exception("websocket %s handler failed on a message", cfg.url)

    async def _apply_ack(self, conn: Connection, ack: SubscriptionAck) -> None:
        sent = conn.inflight.pop(ack.req_id, None) if ack.req_id is not None else None
        op, topics = sent if sent is not None else (ack.op, ack.topics)
        if not topics:
            log.warning(
                "websocket %s: ack matches no request (req_id=%r), ignored", self.config.url, ack.req_id
            )
            return
        refused = set(topics) if not ack.success else set(ack.failed_topics)
        accepted = [t for t in topics if t not in refused]
        rejected = [t for t in topics if t in refused]
        subs = self.subscriptions
        if op == "subscribe":
            subs.confirm_subscribe(accepted)
            for topic in subs.fail_subscribe(rejected, ack.message):
                log.warning("websocket %s refused %s: %s", self.config.url, topic, ack.message)
                try:
                    await _call(self._on_subscription_error, topic, ack.message)
                except Exception:
                    log.exception("on_subscription_error callback failed")
        else:
            subs.confirm_unsubscribe(accepted)
            subs.fail_unsubscribe(rejected)
        self._notify()
