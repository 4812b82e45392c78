"""Keep-alive for a WebSocket: client pings at an interval and loss detection by deadline.

:class:`HeartbeatConfig` says what to send (a control PING frame, the venue's text ping, or both)
and how long silence may last. :class:`Heartbeat` runs one loop per connection: every
``interval_s`` it checks when the connection last received *anything* (data, ack, pong, ping);
past ``timeout_s`` of silence it declares the connection dead, otherwise it pings. A venue that
answers pings therefore always has traffic, and one that stopped answering is found within
``timeout_s + interval_s``.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adapters.network.clock import Clock, monotonic

__all__ = ["Heartbeat", "HeartbeatConfig"]


@dataclass(frozen=True, slots=True)
class HeartbeatConfig:
    """Client-side keep-alive settings.

    Attributes:
        interval_s: seconds between client pings (Bybit: 20).
        timeout_s: seconds of silence after which the connection counts as dead.
        control_ping: send WebSocket PING frames.
        text_ping: builds the venue's text ping (e.g. ``{"op": "ping"}``); ``None`` for none.
    """

    interval_s: float = 20.0
    timeout_s: float = 30.0
    control_ping: bool = True
    text_ping: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        if self.interval_s <= 0 or self.timeout_s <= 0:
            raise ValueError(
                f"HeartbeatConfig needs positive interval_s and timeout_s, got {self.interval_s}, "
                f"{self.timeout_s}"
            )


class Heartbeat:
    """One connection's keep-alive loop; :meth:`run` returns when the connection is found dead."""

    def __init__(
        self,
        config: HeartbeatConfig,
        *,
        last_received: Callable[[], float],
        send_control_ping: Callable[[bytes], Awaitable[None]],
        send_text_ping: Callable[[Any], Awaitable[None]],
        clock: Clock = monotonic,
    ) -> None:
        """Create the loop.

        Args:
            config: interval, deadline and what to send.
            last_received: returns the clock time of the last frame received.
            send_control_ping: sends a PING frame with the given payload.
            send_text_ping: sends the venue's text ping message.
            clock: the clock ``last_received`` uses.
        """
        self.config = config
        self._last_received = last_received
        self._send_control_ping = send_control_ping
        self._send_text_ping = send_text_ping
        self._clock = clock
        self._counter = itertools.count(1)
        self.pings_sent = 0

    async def run(self) -> str:
        """Ping every interval until the connection falls silent for longer than the deadline.

        Returns:
            Why the connection is considered dead (for logs and the reconnect reason).
        """
        cfg = self.config
        while True:
            await asyncio.sleep(cfg.interval_s)
            silent = self._clock() - self._last_received()
            if silent > cfg.timeout_s:
                return f"no traffic for {silent:.3f}s (deadline {cfg.timeout_s}s)"
            if cfg.control_ping:
                # A unique payload per ping makes each PONG attributable in logs and tests.
                await self._send_control_ping(str(next(self._counter)).encode())
            if cfg.text_ping is not None:
                await self._send_text_ping(cfg.text_ping())
            self.pings_sent += 1
