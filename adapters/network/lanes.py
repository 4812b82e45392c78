"""Quota-tagged send lanes of one WebSocket connection.

Every outgoing message names a :class:`Tag`. Subscription traffic goes through a FIFO queue
drained by a pacer that waits for the subscription quota before each frame; order traffic
(place, amend, cancel) and control traffic (login, pings) are written at once, after waiting only
for their own quota keys. So a backlog of subscribes can never delay an order (conformance Q-01),
and a burst of orders is paced by the order quota, delayed but never dropped (Q-02).
"""

from __future__ import annotations

import asyncio
import collections
import enum
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import orjson

from adapters.contract.errors import RetryableTransportError
from adapters.network.quota import RateLimiter

__all__ = ["SendLanes", "Tag", "encode_frame"]


class Tag(enum.StrEnum):
    """The quota class of an outgoing message."""

    ORDER = "order"
    """Order entry, amend and cancel: never queued behind subscriptions."""
    SUBSCRIPTION = "subscription"
    """Subscribe and unsubscribe: paced through the subscription queue."""
    CONTROL = "control"
    """Login and pings: sent at once."""


def encode_frame(message: Any) -> str:
    """Serialise a message for a text frame: ``str`` as is, anything else as compact JSON."""
    if isinstance(message, str):
        return message
    if isinstance(message, bytes):
        return message.decode()
    return orjson.dumps(message).decode()


class SendLanes:
    """The send side of one connection: a paced subscription queue and direct order/control lanes."""

    def __init__(
        self,
        write: Callable[[str], Awaitable[None]],
        *,
        limiter: RateLimiter | None = None,
        keys: Mapping[Tag, Sequence[str]] | None = None,
    ) -> None:
        """Create the lanes.

        Args:
            write: writes one text frame on the connection.
            limiter: the quotas; ``None`` sends everything as fast as the socket takes it.
            keys: the quota keys each tag waits for (e.g. ``{Tag.SUBSCRIPTION: ["ws:sub"]}``).
        """
        self._write = write
        self._limiter = limiter
        self._keys = {tag: tuple(k) for tag, k in (keys or {}).items()}
        self._queue: collections.deque[tuple[str, asyncio.Future[None] | None]] = collections.deque()
        self._wakeup = asyncio.Event()
        self._closed: str | None = None
        self.sent: collections.Counter[Tag] = collections.Counter()
        """Frames written per tag."""

    @property
    def backlog(self) -> int:
        """Subscription frames waiting in the queue."""
        return len(self._queue)

    async def send(self, message: Any, tag: Tag) -> None:
        """Send ``message`` on the lane of ``tag``; returns once the frame is written.

        Raises:
            RetryableTransportError: the connection closed before the frame could be written.
        """
        text = encode_frame(message)
        if tag is Tag.SUBSCRIPTION:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._put(text, future)
            await future
            return
        self._check_open()
        await self._acquire(tag)
        self._check_open()
        await self._write(text)
        self.sent[tag] += 1

    def enqueue(self, message: Any) -> None:
        """Queue a subscription frame without waiting for it to be written.

        Raises:
            RetryableTransportError: the lanes are closed.
        """
        self._put(encode_frame(message), None)

    async def run_pacer(self) -> None:
        """Drain the subscription queue, one quota-paced frame at a time, until cancelled."""
        while True:
            while not self._queue:
                self._wakeup.clear()
                await self._wakeup.wait()
            await self._acquire(Tag.SUBSCRIPTION)
            text, future = self._queue.popleft()
            try:
                await self._write(text)
            except Exception as exc:
                if future is not None and not future.done():
                    future.set_exception(exc)
                raise
            self.sent[Tag.SUBSCRIPTION] += 1
            if future is not None and not future.done():
                future.set_result(None)

    def close(self, reason: str) -> None:
        """Refuse further sends and fail every queued subscription frame with ``reason``."""
        self._closed = reason
        while self._queue:
            _, future = self._queue.popleft()
            if future is not None and not future.done():
                future.set_exception(RetryableTransportError(f"websocket closed before sending: {reason}"))

    def _put(self, text: str, future: asyncio.Future[None] | None) -> None:
        self._check_open()
        self._queue.append((text, future))
        self._wakeup.set()

    def _check_open(self) -> None:
        if self._closed is not None:
            raise RetryableTransportError(
                f"websocket closed ({self._closed}); wait until the client is active again"
            )

    async def _acquire(self, tag: Tag) -> None:
        keys = self._keys.get(tag)
        if self._limiter is not None and keys:
            await self._limiter.acquire(keys)
