"""The WebSocket host: accepts upgrades, runs each connection's reading loop, keeps the registry.

Venue-neutral: a dialect gives, per path, a role and a factory that makes its session for a new
:class:`~simulator.server.ws.connection.WsConnection`; the host does the rest the same way for
every venue::

    host = WsHost(sim.journal, sim.faults, sim.record_error, idle_timeout_s=600)
    app.router.add_get("/v5/public/linear", host.handler(WsRole.PUBLIC, make_session))
    app.on_shutdown.append(host.shutdown)

Every frame in and out is journalled (text, binary, ping, pong, close), with the connection's
open and close (code, who closed). A client silent for ``idle_timeout_s`` (no frame at all, not
even a ping) is closed. Connections per remote address can be limited to ``max_connects`` per
``connect_window_s`` (refused with HTTP 429 before the upgrade).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from aiohttp import WSMsgType, web

from simulator.server.journal import ClosedBy, FrameKind, Recorder, WsRole
from simulator.server.ws.connection import CLOSE_TIMEOUT_S, DEFAULT_MAX_QUEUE_BYTES, WsConnection, WsSession

if TYPE_CHECKING:
    from simulator.server.faults import Faults

__all__ = ["DEFAULT_IDLE_TIMEOUT_S", "DEFAULT_MAX_MESSAGE_BYTES", "SessionFactory", "WsHost"]

#: Real venues drop a connection after about 10 minutes without a ping or data (Bybit §7.8).
DEFAULT_IDLE_TIMEOUT_S: Final = 600.0
#: Incoming messages larger than this are refused with close code 1009.
DEFAULT_MAX_MESSAGE_BYTES: Final = 64 * 1024
#: The close code and reason a client silent for the idle timeout gets.
IDLE_CLOSE: Final = (1000, "idle timeout")
GOING_AWAY: Final = 1001

#: ``factory(connection) -> session``: the dialect's session for a new connection.
SessionFactory = Callable[[WsConnection], WsSession]


class WsHost:
    """The WebSocket connections of one simulator (see the module docstring).

    Parameters:
        journal, faults: the simulator's.
        on_error: ``sim.record_error``: exceptions raised while serving are re-raised into the test.
        idle_timeout_s: close a connection with no incoming frame for this long (None: never).
        max_queue_bytes: each connection's send-queue bound (slow consumers past it are cut off).
        max_message_bytes: the largest incoming message accepted.
        max_connects, connect_window_s: connections accepted per remote address per window
            (None: no limit).
        conn_ids: the id of each new connection (``ws-1``, ``ws-2`` ... by default).
    """

    def __init__(
        self,
        journal: Recorder,
        faults: Faults,
        on_error: Callable[[BaseException, str], None],
        *,
        idle_timeout_s: float | None = DEFAULT_IDLE_TIMEOUT_S,
        max_queue_bytes: int = DEFAULT_MAX_QUEUE_BYTES,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        max_connects: int | None = None,
        connect_window_s: float = 300.0,
        conn_ids: Callable[[], str] | None = None,
    ) -> None:
        self._journal = journal
        self._faults = faults
        self._on_error = on_error
        self.idle_timeout_s = idle_timeout_s
        self.max_queue_bytes = max_queue_bytes
        self.max_message_bytes = max_message_bytes
        self.max_connects = max_connects
        self.connect_window_s = connect_window_s
        counter = itertools.count(1)
        self._conn_ids = conn_ids or (lambda: f"ws-{next(counter)}")
        self._connections: dict[str, WsConnection] = {}
        self._connects: defaultdict[str, deque[float]] = defaultdict(deque)
        self._stopping = False
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        # Set while no connection is open: what shutdown waits on.
        self._all_closed = asyncio.Event()
        self._all_closed.set()

    # -- what tests and the simulator read ------------------------------------------------------

    @property
    def count(self) -> int:
        """Connections open now (accepted and not yet ended)."""
        return len(self._connections)

    async def wait_for_count(self, count: int, timeout: float) -> None:
        """Wait until at most ``count`` connections are open (each fully ended, its session too).

        Raises:
            TimeoutError: still more open after ``timeout`` seconds.
        """
        if len(self._connections) <= count:
            return
        future = asyncio.get_running_loop().create_future()
        waiter = (count, future)
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(
                f"{len(self._connections)} WebSocket connections still open, wanted {count}"
            ) from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    def _changed(self) -> None:
        for count, future in list(self._waiters):
            if len(self._connections) <= count and not future.done():
                future.set_result(None)

    def connections(self) -> list[WsConnection]:
        return list(self._connections.values())

    def get(self, conn_id: str) -> WsConnection:
        """The open connection ``conn_id``.

        Raises:
            KeyError: no open connection has that id.
        """
        try:
            return self._connections[conn_id]
        except KeyError:
            known = ", ".join(self._connections) or "none"
            raise KeyError(f"no open WebSocket connection {conn_id!r} (open: {known})") from None

    # -- serving --------------------------------------------------------------------------------

    def handler(
        self, role: WsRole, factory: SessionFactory
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """An aiohttp handler accepting WebSocket upgrades for one path with ``role``."""

        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._serve(request, role, factory)

        return handle

    async def shutdown(self, _app: web.Application | None = None) -> None:
        """Close every connection (1001 going away) and wait for them to end (``app.on_shutdown``)."""
        self._stopping = True
        for conn in list(self._connections.values()):
            conn.close(GOING_AWAY, "server shutdown")
        # Clients that never answer the close: their transports are aborted below.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_closed.wait(), CLOSE_TIMEOUT_S * 2)
        for conn in list(self._connections.values()):
            conn.abort("server shutdown")

    def _refused(self, remote: str) -> bool:
        if self.max_connects is None:
            return False
        now = time.monotonic()
        seen = self._connects[remote]
        while seen and seen[0] <= now - self.connect_window_s:
            seen.popleft()
        if len(seen) >= self.max_connects:
            return True
        seen.append(now)
        return False

    async def _serve(self, request: web.Request, role: WsRole, factory: SessionFactory) -> web.StreamResponse:
        remote = request.remote or ""
        if self._stopping or self._refused(remote):
            status = 503 if self._stopping else 429
            self._journal.record_http(
                request.method,
                request.path,
                status=status,
                query=request.query_string,
                headers=tuple(request.headers.items()),
                remote=remote,
            )
            return web.Response(status=status, text="too many connections" if status == 429 else "stopping")
        ws = web.WebSocketResponse(
            autoping=False,
            autoclose=False,
            compress=False,
            timeout=CLOSE_TIMEOUT_S,
            max_msg_size=self.max_message_bytes,
        )
        await ws.prepare(request)
        conn_id = self._conn_ids()
        self._journal.record_ws_open(conn_id, request.path, role, remote, request.query_string)
        conn = WsConnection(
            ws,
            request,
            conn_id=conn_id,
            role=role,
            path=request.path,
            remote=remote,
            query=dict(request.query),
            journal=self._journal,
            faults=self._faults,
            on_error=self._on_error,
            max_queue_bytes=self.max_queue_bytes,
        )
        self._connections[conn_id] = conn
        self._all_closed.clear()
        try:
            session = conn.session = factory(conn)
            self._call(conn, session.on_open)
            await self._read(ws, conn, session)
        except Exception as exc:
            self._on_error(exc, f"ws {conn_id}")
            conn.ended(1011, "server error", ClosedBy.SERVER)
        finally:
            await conn.finish()
            self._connections.pop(conn_id, None)
            if not self._connections:
                self._all_closed.set()
            if conn.session is not None:
                self._call(conn, conn.session.on_closed)
            self._changed()
        return ws

    def _call(self, conn: WsConnection, method: Callable[..., None], *args: object) -> None:
        """Run a session callback; its exception is recorded, and the connection closed 1011."""
        try:
            method(*args)
        except Exception as exc:
            self._on_error(exc, f"ws {conn.conn_id}")
            conn.close(1011, "server error")

    async def _read(self, ws: web.WebSocketResponse, conn: WsConnection, session: WsSession) -> None:
        while True:
            try:
                msg = await ws.receive(timeout=self.idle_timeout_s)
            except TimeoutError:
                conn.close(*IDLE_CLOSE)
                return
            kind = msg.type
            if kind is WSMsgType.TEXT:
                conn.record_in(FrameKind.TEXT, msg.data)
                self._call(conn, session.on_text, msg.data)
            elif kind is WSMsgType.BINARY:
                conn.record_in(FrameKind.BINARY, msg.data)
                self._call(conn, session.on_binary, msg.data)
            elif kind is WSMsgType.PING:
                conn.record_in(FrameKind.PING, msg.data)
                self._call(conn, session.on_ping, msg.data)
            elif kind is WSMsgType.PONG:
                conn.record_in(FrameKind.PONG, msg.data)
            elif kind is WSMsgType.CLOSE:
                code = msg.data if isinstance(msg.data, int) else None
                conn.record_in(FrameKind.CLOSE, f"{code} {msg.extra or ''}".rstrip())
                conn.client_closed(code, msg.extra or "")
                return
            elif kind is WSMsgType.ERROR:
                # A protocol error aiohttp already answered with a close (1009 too big, 1002 ...).
                code = int(getattr(msg.data, "code", None) or ws.close_code or 1006)
                conn.ended(code, f"protocol error: {msg.data}", ClosedBy.SERVER)
                return
            else:  # CLOSING (our own close is under way) or CLOSED (the transport went away)
                conn.ended(None, "transport closed", ClosedBy.TRANSPORT_ABORT)
                return
