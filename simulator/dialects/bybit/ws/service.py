"""The Bybit WebSocket side of one venue: sessions per socket kind, the publisher, private routing.

:class:`BybitWs` is built once per simulator by the server binding, which hands it what it needs
as plain callables (the exchange, the key registry, the clock, the market history, a fault
selector for topic-level faults) so this package stays free of the server layer. The binding
makes one :class:`~.session.BybitSession` per accepted connection (:meth:`session`) and forwards
every exchange event to :meth:`on_event`: public topics through the :class:`~.public.Publisher`,
private topics through each authenticated private session's ``PrivateFeed``.
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
from simulator.dialects.bybit.ws.session import MAX_ACTIVE_RANGE_S, BybitSession
from simulator.dialects.bybit.ws.trade_ops import TradeOps

__all__ = ["SOCKET_KINDS", "BybitWs", "parse_max_active_time"]

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
        exchange = self.exchange()
        if session.kind == "private":
            session.feed = PrivateFeed(exchange, result.account_id, now_ms=self.now_ms)
            self.private_sessions[session.conn_id] = session
            seconds = parse_max_active_time(session.port.query.get("max_active_time"))
            if seconds is not None:
                self._close_at(session, exchange, seconds)
        else:
            session.trade = TradeOps(
                exchange,
                self._credentials(),
                result.key.api_key,
                now_ms=self.now_ms,
                limiter=self._limiter(),
                history=self._history(),
            )

    def _close_at(self, session: BybitSession, exchange: Exchange, seconds: int) -> None:
        """Close ``session`` once it has been authenticated ``seconds`` of venue time."""

        def close(_exchange: Exchange) -> None:
            if not session.port.closed:
                session.port.close(1000, "max_active_time reached")

        exchange.schedule(exchange.clock.now_ns() + seconds * NS_PER_S, close)
        self._wake()

    # -- events ---------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Route one exchange event to the public topics and the private sessions it concerns."""
        self.publisher.on_event(event)
        for session in list(self.private_sessions.values()):
            if not session.topics or session.feed is None:
                continue
            for topic, message in session.feed.on_event(event, session.topics):
                session.deliver(topic, orjson.dumps(message).decode())
