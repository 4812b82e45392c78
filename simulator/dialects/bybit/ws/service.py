"""The Bybit WebSocket side of one venue: sessions per socket kind, the publisher, private routing.

:class:`BybitWs` is built once per simulator by the server binding, which hands it what it needs
as plain callables (the exchange, the key registry, the clock, the market history, a fault
selector for topic-level faults) so this package stays free of the server layer. The binding
makes one :class:`~.session.BybitSession` per accepted connection (:meth:`session`) and forwards
every exchange event to :meth:`on_event`: public topics through the :class:`~.public.Publisher`,
private topics through each authenticated private session's ``PrivateFeed``.

After ``Simulator.reset`` the binding calls :meth:`BybitWs.venue_reset`: connections stay open
and see a fresh venue (public topics restart, see :meth:`.public.Publisher.venue_reset`);
authenticated sessions get a new feed or trade ops on the new exchange, keep what is left of
their ``max_active_time``, and are closed if their API key no longer exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import orjson

from simulator.core import NS_PER_S, Exchange
from simulator.dialects.bybit import auth
from simulator.dialects.bybit.limits import RateLimiter
from simulator.dialects.bybit.ws.port import FaultSelector, Port
from simulator.dialects.bybit.ws.private_feed import PrivateFeed
from simulator.dialects.bybit.ws.public import Publisher
from simulator.dialects.bybit.ws.session import MAX_ACTIVE_RANGE_S, BybitSession, SessionState
from simulator.dialects.bybit.ws.trade_ops import TradeOps

__all__ = ["KEY_GONE_CLOSE", "SOCKET_KINDS", "BybitWs", "parse_max_active_time"]

#: URL path -> socket kind (§7.1).
SOCKET_KINDS: Final = {
    "/v5/public/spot": "spot",
    "/v5/public/linear": "linear",
    "/v5/public/inverse": "inverse",
    "/v5/public/option": "option",
    "/v5/private": "private",
    "/v5/trade": "trade",
}
_UNITS = {"s": 1, "m": 60}
#: How an authenticated connection whose API key a reset removed is closed.
KEY_GONE_CLOSE: Final = (1000, "api key no longer valid")


def parse_max_active_time(value: str | None) -> int | None:
    """``max_active_time`` (``"30s"``, ``"10m"``) in seconds, within 30 s..600 s; None if absent or bad."""
    if not value or value[-1] not in _UNITS or not value[:-1].isdigit():
        return None
    seconds = int(value[:-1]) * _UNITS[value[-1]]
    low, high = MAX_ACTIVE_RANGE_S
    return seconds if low <= seconds <= high else None


class BybitWs:
    """The WebSocket side of one Bybit venue (see the module docstring).

    Parameters:
        exchange, credentials, history: looked up on every use (``reset`` replaces them).
        now_ms: the venue time as clients see it.
        call_soon, wake_timers, select_fault: see :class:`~.public.Publisher`.
        limiter: the REST API's rate limiter, shared by trade ops (same windows as REST).
    """

    def __init__(
        self,
        *,
        exchange: Callable[[], Exchange],
        credentials: Callable[[], auth.Credentials],
        history: Callable[[], Any],
        now_ms: Callable[[], int],
        call_soon: Callable[[Callable[[], None]], Any],
        wake_timers: Callable[[], None],
        select_fault: FaultSelector,
        limiter: Callable[[], RateLimiter],
    ) -> None:
        self.exchange = exchange
        self._credentials = credentials
        self._history = history
        self.now_ms = now_ms
        self._limiter = limiter
        self._wake = wake_timers
        self.publisher = Publisher(
            exchange, history, call_soon=call_soon, wake_timers=wake_timers, select_fault=select_fault
        )
        self.private_sessions: dict[str, BybitSession] = {}
        self.sessions: dict[str, BybitSession] = {}
        self.trade_ops: frozenset[str] = TradeOps.OPS

    # -- sessions -------------------------------------------------------------------------------

    def session(self, port: Port) -> BybitSession:
        """The session for a new connection on ``port.path`` (one of :data:`SOCKET_KINDS`)."""
        session = BybitSession(port, self, SOCKET_KINDS[port.path])
        self.sessions[port.conn_id] = session
        return session

    def forget(self, session: BybitSession) -> None:
        """A session ended: drop its subscriptions and its private routing."""
        for topic in list(session.topics):
            self.publisher.unsubscribe(topic, session)
        session.topics.clear()
        self.private_sessions.pop(session.conn_id, None)
        self.sessions.pop(session.conn_id, None)

    def verify_auth(self, args: object, permission: str | None) -> auth.WsAuthResult:
        return auth.verify_ws_auth(self._credentials(), args, self.now_ms(), permission=permission)

    def is_private_topic(self, topic: str) -> bool:
        return bool(PrivateFeed.is_topic(topic))

    def authenticated(self, session: BybitSession, result: auth.WsAuthResult) -> None:
        """Give an authenticated session its private feed or trade ops (and ``max_active_time``)."""
        assert result.key is not None and result.account_id is not None
        session.api_key = result.key.api_key
        self._attach(session, result.account_id)
        if session.kind == "private":
            seconds = parse_max_active_time(session.port.query.get("max_active_time"))
            if seconds is not None:
                self._close_in(session, seconds * NS_PER_S)

    def _attach(self, session: BybitSession, account_id: str) -> None:
        """Give ``session`` its private feed or trade ops on the current exchange."""
        exchange = self.exchange()
        if session.kind == "private":
            session.feed = PrivateFeed(exchange, account_id, now_ms=self.now_ms)
            self.private_sessions[session.conn_id] = session
        else:
            assert session.api_key is not None
            session.trade = TradeOps(
                exchange,
                self._credentials(),
                session.api_key,
                now_ms=self.now_ms,
                limiter=self._limiter(),
                history=self._history(),
            )

    def _close_in(self, session: BybitSession, ns: int) -> None:
        """Close ``session`` after ``ns`` more of venue time (``max_active_time``)."""
        exchange = self.exchange()
        session.active_until = (exchange, exchange.clock.now_ns() + ns)

        def close(_exchange: Exchange) -> None:
            if self.exchange() is exchange and not session.port.closed:
                session.port.close(1000, "max_active_time reached")

        exchange.schedule(exchange.clock.now_ns() + ns, close)
        self._wake()

    def venue_reset(self) -> None:
        """The venue was rebuilt by ``Simulator.reset`` (see the module docstring)."""
        self.publisher.venue_reset()
        credentials = self._credentials()
        for session in list(self.sessions.values()):
            if session.state is not SessionState.AUTHENTICATED or session.port.closed:
                continue
            key = credentials.get(session.api_key or "")
            if key is None:
                session.port.close(*KEY_GONE_CLOSE)
                continue
            self._attach(session, key.account_id)
            if session.active_until is not None:
                old, until_ns = session.active_until
                self._close_in(session, max(0, until_ns - old.clock.now_ns()))

    # -- events ---------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Route one exchange event to the public topics and the private sessions it concerns."""
        self.publisher.on_event(event)
        for session in list(self.private_sessions.values()):
            if not session.topics or session.feed is None:
                continue
            for topic, message in session.feed.on_event(event, session.topics):
                session.deliver(topic, orjson.dumps(message).decode())
