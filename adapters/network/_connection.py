"""One physical WebSocket connection and the tasks that live exactly as long as it does.

Internal to :mod:`adapters.network.websocket`: the client makes one :class:`Connection` per
(re)connect. The connection owns its reader, subscription pacer and heartbeat tasks, and
:meth:`Connection.teardown` stops all of them and closes the socket, once, however many callers
ask (the supervisor after a drop, ``close()`` during a reconnect, a failed login).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

import aiohttp

from adapters.contract.errors import RetryableTransportError
from adapters.network.auth import AuthResult
from adapters.network.clock import monotonic
from adapters.network.heartbeat import Heartbeat
from adapters.network.lanes import SendLanes, Tag
from adapters.network.quota import RateLimiter

__all__ = ["Connection"]

_TRANSPORT_ERRORS = (RetryableTransportError, ConnectionError, aiohttp.ClientError)


class Connection:
    """A live socket plus its per-connection state (in-flight acks, login future, tasks)."""

    def __init__(
        self,
        ws: aiohttp.ClientWebSocketResponse,
        *,
        limiter: RateLimiter | None,
        keys: Mapping[Tag, Sequence[str]],
    ) -> None:
        """Wrap an open socket; the caller starts the reader and, once logged in, the lanes."""
        self.ws = ws
        self.lanes = SendLanes(self._write, limiter=limiter, keys=keys)
        self.reader: asyncio.Task[None] | None = None
        self._pacer: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._teardown_task: asyncio.Task[None] | None = None
        self.done = asyncio.Event()
        """Set when the reader has stopped: the connection is dead."""
        self.inflight: dict[str, tuple[str, tuple[str, ...]]] = {}
        """Subscription requests awaiting an ack: req_id -> (op, topics)."""
        self.auth_future: asyncio.Future[AuthResult] | None = None
        self.last_received = monotonic()
        self.close_reason: str | None = None
        self.on_closed: Callable[[], None] | None = None

    async def _write(self, text: str) -> None:
        try:
            await self.ws.send_str(text)
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise RetryableTransportError(f"websocket write failed: {exc!r}") from exc

    def start_pacer(self) -> None:
        """Start draining the subscription lane."""
        self._pacer = asyncio.create_task(self._guard(self.lanes.run_pacer(), "subscription lane"))

    def start_heartbeat(self, heartbeat: Heartbeat) -> None:
        """Start the keep-alive loop; when it finds the connection dead, the connection is killed."""
        self._heartbeat = asyncio.create_task(self._run_heartbeat(heartbeat))

    async def _run_heartbeat(self, heartbeat: Heartbeat) -> None:
        try:
            reason = await heartbeat.run()
        except _TRANSPORT_ERRORS as exc:
            reason = f"ping failed: {exc!r}"
        self.kill(f"heartbeat: {reason}")

    async def _guard(self, work: Coroutine[Any, Any, None], what: str) -> None:
        try:
            await work
        except _TRANSPORT_ERRORS as exc:
            self.kill(f"{what} failed: {exc!r}")

    def kill(self, reason: str) -> None:
        """Declare the connection dead: stop the reader, which wakes whoever waits on :attr:`done`."""
        if self.close_reason is None:
            self.close_reason = reason
        if self.reader is not None and not self.reader.done():
            self.reader.cancel()
        else:
            self.mark_done()

    def mark_done(self) -> None:
        """Record that the reader stopped; a login still waiting for its ack fails at once."""
        self.done.set()
        future = self.auth_future
        if future is not None and not future.done():
            future.set_exception(
                RetryableTransportError(f"connection closed before the login ack: {self.close_reason}")
            )
            # Retrieved here so an abandoned login never logs "exception was never retrieved".
            future.add_done_callback(lambda f: f.cancelled() or f.exception())

    async def teardown(self, reason: str) -> None:
        """Stop every task of this connection and close the socket; safe to call many times."""
        if self._teardown_task is None:
            self._teardown_task = asyncio.create_task(self._teardown(reason))
        # Shielded: a caller cancelled mid-teardown (close() cancelling the supervisor) must not
        # leave half-stopped tasks behind; close() awaits the same task again.
        await asyncio.shield(self._teardown_task)

    async def _teardown(self, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = reason
        self.lanes.close(self.close_reason)
        tasks = [t for t in (self._heartbeat, self._pacer, self.reader) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.mark_done()
        # The reader was cancelled mid-receive, so aiohttp sends a Close frame and drops the
        # transport without waiting for the server's answer. Errors: the socket is gone anyway.
        with contextlib.suppress(Exception):
            await self.ws.close()
        if self.on_closed is not None:
            self.on_closed()
