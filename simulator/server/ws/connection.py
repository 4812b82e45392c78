"""One WebSocket connection: journalled frames both ways, a bounded send queue, pings and closes.

:class:`WsConnection` is what a dialect's session talks to (its "port"): ``send`` a text frame,
``ping``/``pong``, ``close`` after what is queued, ``abort`` the transport, ask for a fault at a
point of the session, record a subscription, run something later. It is venue-neutral: the
dialect decides what the frames say.

Sending never blocks the venue. A text frame is written straight to the transport when nothing
is queued before it and the transport is not past its high-water mark (the common case: no task
switch, no copy); otherwise it goes to a queue drained by the connection's writer task. What the
server holds for a client (the queue plus the transport's write buffer) is bounded in bytes: a
client that reads slower than the venue publishes is cut off (the transport aborted, the close
journalled with the reason), as a real venue does, instead of buffering without limit.

A push goes to many subscribers as the same ``str`` object: :func:`text_frame` keeps the last
frame it built, so the UTF-8 encoding and the frame header are made once per message, not once
per subscriber, and the journal keeps that same ``str`` by reference for every connection.
"""

from __future__ import annotations

import asyncio
import struct
from collections import deque
from collections.abc import Callable, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Protocol

from aiohttp import WSMsgType, web

from simulator.server.journal import ClosedBy, Direction, FrameKind, Recorder, WsRole

if TYPE_CHECKING:
    from simulator.server.faults import Fault, Faults

__all__ = ["DEFAULT_MAX_QUEUE_BYTES", "ConnState", "WsConnection", "WsSession", "text_frame"]

#: Bytes a connection may have pending (queued or in the transport's write buffer) before it
#: counts as a slow consumer.
DEFAULT_MAX_QUEUE_BYTES: Final = 4 << 20
#: How long a server-initiated close waits for the client's close frame.
CLOSE_TIMEOUT_S: Final = 2.0

# RFC 6455 §5.2 headers of an unmasked final text frame (server to client): 7-bit, 16-bit and
# 64-bit payload lengths.
_HEADER_7 = struct.Struct("!BB").pack
_HEADER_16 = struct.Struct("!BBH").pack
_HEADER_64 = struct.Struct("!BBQ").pack
_FIN_TEXT: Final = 0x81
# Bound once: the hot path journals every frame out.
_OUT: Final = Direction.OUT
_TEXT: Final = FrameKind.TEXT

# The last (text, frame) built, in a one-slot list. One tuple, replaced whole, so a simulator
# running its loop in another thread can never pair a text with another text's frame.
_last_frame: list[tuple[str, bytes]] = [("", _HEADER_7(_FIN_TEXT, 0))]


def text_frame(text: str) -> bytes:
    """The wire bytes of an unmasked, final, uncompressed text frame carrying ``text``.

    The frame of the last ``text`` object asked for is reused (matched by identity), so a push
    handed to every subscriber as one ``str`` is encoded once.
    """
    last = _last_frame[0]
    if last[0] is text:
        return last[1]
    data = text.encode()
    length = len(data)
    if length < 126:
        frame = _HEADER_7(_FIN_TEXT, length) + data
    elif length < 65536:
        frame = _HEADER_16(_FIN_TEXT, 126, length) + data
    else:
        frame = _HEADER_64(_FIN_TEXT, 127, length) + data
    _last_frame[0] = (text, frame)
    return frame


class WsSession(Protocol):
    """What a dialect's session does with what arrives on its connection (all synchronous)."""

    def on_open(self) -> None: ...
    def on_text(self, text: str) -> None: ...
    def on_binary(self, data: bytes) -> None: ...
    def on_ping(self, payload: bytes) -> None: ...
    def on_closed(self) -> None: ...


class ConnState(Enum):
    """A connection's life: open, closing (a close is queued or sent), closed."""

    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


class _Item(Enum):
    TEXT = 1
    PING = 2
    PONG = 3
    CLOSE = 4
    ABORT = 5


class WsConnection:
    """One accepted WebSocket (see the module docstring).

    Parameters:
        ws: the prepared aiohttp WebSocket.
        request: the upgrade request (its transport is aborted for silent drops).
        conn_id, role, path, remote, query: what the journal records about it.
        journal, faults: the simulator's.
        on_error: records an exception raised inside the simulator (``sim.record_error``).
        max_queue_bytes: the bound on bytes pending for the client (see the module docstring).
    """

    def __init__(
        self,
        ws: web.WebSocketResponse,
        request: web.Request,
        *,
        conn_id: str,
        role: WsRole,
        path: str,
        remote: str | None,
        query: Mapping[str, str],
        journal: Recorder,
        faults: Faults,
        on_error: Callable[[BaseException, str], None],
        max_queue_bytes: int = DEFAULT_MAX_QUEUE_BYTES,
    ) -> None:
        self.conn_id = conn_id
        self.role = role
        self.path = path
        self.remote = remote
        self.query = query
        #: The authenticated account (set by the session; faults match on it).
        self.account: str | None = None
        self.state = ConnState.OPEN
        self._ws = ws
        self._transport = request.transport
        # Write directly while the transport's buffer is at most its high-water mark (where
        # asyncio would pause a writer); past it, frames queue behind the writer task.
        self._direct_limit = (
            self._transport.get_write_buffer_limits()[1] if self._transport is not None else 0
        )
        self._record = journal.record_ws_frame
        self._journal = journal
        self._faults = faults
        self._on_error = on_error
        self._max_queue = max_queue_bytes
        self._queue: deque[tuple[_Item, Any, str | None]] = deque()
        self._queued_bytes = 0
        self._wake = asyncio.Event()
        self._close_recorded = False
        # (frame kind, fault): the client's next frame of that kind answers a server ping.
        self._reply_fault: tuple[FrameKind, str] | None = None
        self._timers: set[asyncio.TimerHandle] = set()
        self.session: WsSession | None = None
        self._writer = asyncio.get_running_loop().create_task(self._write(), name=f"ws-writer-{conn_id}")

    def __repr__(self) -> str:
        return f"<WsConnection {self.conn_id} {self.role.value} {self.path} {self.state.value}>"

    @property
    def closed(self) -> bool:
        """Whether nothing more will be sent (a close is queued or done)."""
        return self.state is not ConnState.OPEN

    @property
    def queued_bytes(self) -> int:
        """Bytes pending for the client: the queue plus the transport's write buffer."""
        transport = self._transport
        buffered = transport.get_write_buffer_size() if transport is not None else 0
        return self._queued_bytes + buffered

    # -- sending (the session's port) ----------------------------------------------------------------

    def send(self, text: str, fault: str | None = None) -> None:
        """Send a text frame now, or queue it (journalled when written; see the module docstring).

        A client with more than the bound pending, this frame included, is cut off instead.
        """
        if self.state is not ConnState.OPEN:
            return
        transport = self._transport
        if transport is None or transport.is_closing():
            return  # the transport is gone: the reading side records the close
        buffered = transport.get_write_buffer_size()
        if not self._queue and buffered <= self._direct_limit:
            frame = text_frame(text)
            if buffered + len(frame) > self._max_queue:
                self._slow_consumer(buffered + len(frame))
                return
            self._record(self.conn_id, _OUT, _TEXT, text, fault)
            transport.write(frame)
            return
        self._queue.append((_Item.TEXT, text, fault))
        self._queued_bytes += len(text)
        if self._queued_bytes + buffered > self._max_queue:
            self._slow_consumer(self._queued_bytes + buffered)
            return
        self._wake.set()

    def ping(self, payload: bytes = b"", fault: str | None = None) -> None:
        """Queue a protocol PING; with ``fault``, the client's next frame is journalled under it."""
        if fault is not None:
            self._reply_fault = (FrameKind.PONG, fault)
        self._push(_Item.PING, payload, fault)

    def pong(self, payload: bytes, fault: str | None = None) -> None:
        """Queue a protocol PONG (the answer to a PING carries the same payload)."""
        self._push(_Item.PONG, payload, fault)

    def expect_reply(self, fault: str) -> None:
        """Journal the client's next text frame under ``fault`` (the reply to a server text ping)."""
        self._reply_fault = (FrameKind.TEXT, fault)

    def close(self, code: int = 1000, reason: str = "", fault: str | None = None) -> None:
        """Close after the frames already queued: a close frame with ``code`` and ``reason``."""
        if self.state is not ConnState.OPEN:
            return
        self._push(_Item.CLOSE, (code, reason), fault)
        self.state = ConnState.CLOSING

    def abort(self, reason: str = "aborted", fault: str | None = None, *, after_queued: bool = False) -> None:
        """Drop the transport without a close frame, now or after the frames already queued."""
        if self.state is ConnState.CLOSED:
            return
        if after_queued and self.state is ConnState.OPEN:
            self._push(_Item.ABORT, reason, fault)
            self.state = ConnState.CLOSING
            return
        self._abort_now(reason, fault)

    def call_later(self, seconds: float, callback: Callable[[], None]) -> None:
        """Run ``callback`` in ``seconds`` (wall) unless the connection has closed by then."""
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._timers.discard(handle)
            if self.state is ConnState.CLOSED:
                return
            try:
                callback()
            except Exception as exc:
                self._on_error(exc, f"ws {self.conn_id}")

        handle = loop.call_later(seconds, run)
        self._timers.add(handle)

    # -- faults and the journal (the session's port) -------------------------------------------------

    def select_fault(
        self, kinds: frozenset[str], op: str | None = None, topic: str | None = None
    ) -> Fault | None:
        """The armed fault of one of ``kinds`` due at this event (``op``, ``topic``), or None."""
        faults = self._faults
        if not len(faults):
            return None
        target = " ".join(part for part in (self.conn_id, op, topic) if part)
        return faults.select_ws(
            self.role.value,
            op=op,
            topic=topic,
            account=self.account,
            target=target,
            accept=lambda action: action.kind in kinds,
        )

    def record_subscription(
        self, op: str, topic: str, outcome: str, detail: str | None = None, fault: str | None = None
    ) -> None:
        """Record the answer to one topic of a subscribe/unsubscribe request."""
        self._journal.record_subscription(self.conn_id, op, topic, outcome, detail, fault)  # type: ignore[arg-type]

    def record_error(self, error: BaseException) -> None:
        self._on_error(error, f"ws {self.conn_id}")

    # -- the reading side (run by the host) ----------------------------------------------------------

    def record_in(self, kind: FrameKind, payload: bytes | bytearray | str) -> None:
        fault = None
        if self._reply_fault is not None and self._reply_fault[0] is kind:
            fault, self._reply_fault = self._reply_fault[1], None
        if isinstance(payload, bytearray):
            payload = bytes(payload)
        self._journal.record_ws_frame(self.conn_id, Direction.IN, kind, payload, fault)

    def client_closed(self, code: int | None, reason: str) -> None:
        """The client sent a close frame: answer it with the same code and record who closed."""
        self._record_close(code, reason, ClosedBy.CLIENT)
        if self.state is ConnState.OPEN:
            self.state = ConnState.CLOSING
            self._queue.clear()
            self._queued_bytes = 0
            self._push(_Item.CLOSE, (code if code is not None else 1000, ""), None, force=True)

    def ended(self, code: int | None, reason: str, closed_by: ClosedBy) -> None:
        """The reading side ended (transport gone, protocol error): record it if nothing did."""
        self._record_close(code, reason, closed_by)

    async def finish(self) -> None:
        """Stop the writer and the timers; called once the reading side has ended.

        A close already queued or under way gets up to :data:`CLOSE_TIMEOUT_S` to go out.
        """
        if not self._writer.done() and self.state is ConnState.CLOSING:
            self._wake.set()
            await asyncio.wait([self._writer], timeout=CLOSE_TIMEOUT_S)
        self.state = ConnState.CLOSED
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()
        if not self._writer.done():
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        self._queue.clear()
        self._queued_bytes = 0

    # -- internals -----------------------------------------------------------------------------------

    def _push(self, item: _Item, payload: Any, fault: str | None, *, force: bool = False) -> None:
        if self.state is not ConnState.OPEN and not force:
            return
        self._queue.append((item, payload, fault))
        self._wake.set()

    def _record_close(
        self, code: int | None, reason: str, closed_by: ClosedBy, fault: str | None = None
    ) -> None:
        if not self._close_recorded:
            self._close_recorded = True
            self._journal.record_ws_close(self.conn_id, code, reason, closed_by, fault)

    def _slow_consumer(self, pending: int) -> None:
        self._abort_now(f"slow consumer: {pending} bytes pending (bound {self._max_queue})", None)

    def _abort_now(self, reason: str, fault: str | None) -> None:
        self._record_close(None, reason, ClosedBy.SERVER, fault)
        self.state = ConnState.CLOSED
        self._queue.clear()
        self._queued_bytes = 0
        self._wake.set()
        if self._transport is not None:
            self._transport.abort()

    async def _write(self) -> None:
        ws, queue, record = self._ws, self._queue, self._journal.record_ws_frame
        conn_id = self.conn_id
        try:
            while True:
                if not queue:
                    if self.state is not ConnState.OPEN:
                        return  # a close or abort was the last item, or the connection is gone
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                item, payload, fault = queue.popleft()
                if item is _Item.TEXT:
                    self._queued_bytes -= len(payload)
                    record(conn_id, Direction.OUT, FrameKind.TEXT, payload, fault)
                    await ws.send_str(payload)
                elif item is _Item.PING:
                    record(conn_id, Direction.OUT, FrameKind.PING, payload, fault)
                    await ws.ping(payload)
                elif item is _Item.PONG:
                    record(conn_id, Direction.OUT, FrameKind.PONG, payload, fault)
                    await ws.pong(payload)
                elif item is _Item.CLOSE:
                    code, reason = payload
                    record(conn_id, Direction.OUT, FrameKind.CLOSE, f"{code} {reason}".rstrip(), fault)
                    self._record_close(code, reason, ClosedBy.SERVER, fault)
                    await ws.close(code=code, message=reason.encode())
                    return
                else:  # ABORT after the frames before it
                    self._abort_now(payload, fault)
                    return
        except (ConnectionError, asyncio.CancelledError):
            # The client went away mid-write (a reset): the reading side records the close.
            return
        except Exception as exc:
            self._on_error(exc, f"ws {conn_id} writer")
            self._abort_now("server error while sending", None)


#: Message types after which the reading loop ends.
END_TYPES: Final = frozenset({WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR})
