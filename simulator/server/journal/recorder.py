"""The recording side of the journal: numbered, time-stamped, bounded, and cheap to call.

The server and the WS sessions record one entry per event with one call (``record_*``): the
recorder numbers it, stamps it with the injected clock, keeps it (dropping the oldest past
``max_entries``), and hands it to pending waiters. No encoding, no copying: payloads are kept by
reference.

Ownership: a journal belongs to one event loop. Every method is called from that loop's thread
(the server's handlers run there); nothing here locks, because nothing here needs to.
"""

from __future__ import annotations

import time
import traceback
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any, Final

from simulator.server.journal.entries import (
    Entry,
    ErrorEntry,
    FaultEntry,
    Headers,
    HttpEntry,
    Payload,
    SubscriptionEntry,
    WsClose,
    WsFrame,
    WsOpen,
)
from simulator.server.journal.enums import (
    AuthVerdict,
    ClosedBy,
    Direction,
    FaultPhase,
    FrameKind,
    SubscriptionOp,
    SubscriptionOutcome,
    WsRole,
)
from simulator.server.journal.waiters import Waiters

__all__ = ["DEFAULT_MAX_ENTRIES", "Recorder"]

#: Entries kept before the oldest are dropped (a few hundred MB at most for typical frames).
DEFAULT_MAX_ENTRIES: Final = 1_000_000

# Entries are NamedTuples; building them with tuple.__new__ skips the generated __new__'s
# argument shuffling, which halves the cost of recording on the WS fan-out hot path.
_new = tuple.__new__


class Recorder:
    """The recording side of the journal: a bounded, numbered log of entries.

    The server and WS sessions need only this surface; :class:`~simulator.server.journal.Journal`
    adds the reading side. Build a ``Journal``, not a ``Recorder``.

    Parameters:
        now_ns: the clock stamped on each entry (inject the simulator's clock; wall time by default).
        max_entries: entries kept; past it the oldest are dropped and counted in :attr:`dropped`.

    Raises:
        ValueError: ``max_entries`` is less than 1.
    """

    __slots__ = (
        "_base_seq",
        "_close_order",
        "_closes",
        "_conns",
        "_entries",
        "_listeners",
        "_max",
        "_now_ns",
        "_pending",
        "_seq",
        "_start_ns",
        "_waiters",
    )

    def __init__(
        self, now_ns: Callable[[], int] = time.time_ns, *, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self._now_ns = now_ns
        self._max = max_entries
        self._entries: deque[Entry] = deque(maxlen=max_entries)
        self._seq = 0
        # The last number before the first entry since creation or clear(): what was recorded
        # since, minus what is held, is what the bound dropped (no per-entry bookkeeping).
        self._base_seq = 0
        self._start_ns = now_ns()
        # Open records of connections that are live or whose close is still held: they resolve
        # role=/path= criteria for frames, and outlive their WsOpen entry while the connection
        # lives. Closes in record order, to forget connections once their close is dropped.
        self._conns: dict[str, WsOpen] = {}
        self._closes: dict[str, WsClose] = {}
        self._close_order: deque[WsClose] = deque()
        self._waiters = Waiters()
        # The waiters' own list (updated in place): a plain truth test on the hot path.
        self._pending = self._waiters.pending
        self._listeners: list[Callable[[Entry], None]] = []

    # -- state ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"<{name} entries={len(self._entries)} last_seq={self._seq} dropped={self.dropped}>"

    @property
    def max_entries(self) -> int:
        return self._max

    @property
    def dropped(self) -> int:
        """Entries dropped (oldest first) because the journal held ``max_entries``."""
        return self._seq - self._base_seq - len(self._entries)

    @property
    def start_ns(self) -> int:
        """Clock reading at creation or the last :meth:`clear`; excerpt times are relative to it."""
        return self._start_ns

    @property
    def pending_waits(self) -> int:
        """``wait_for`` calls still waiting (a leak check: back to 0 when tests are done)."""
        return len(self._pending)

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest entry ever recorded (0 before the first)."""
        return self._seq

    @property
    def first_seq(self) -> int | None:
        """Sequence number of the oldest entry still held, or None when empty."""
        return self._entries[0].seq if self._entries else None

    def clear(self) -> None:
        """Forget every entry (between tests); sequence numbers keep increasing.

        Pending waiters keep waiting: they are woken only by entries recorded after this. Marks
        taken before stay valid barriers. Live connections are still known (for ``role=``).
        """
        self._entries.clear()
        self._base_seq = self._seq
        self._start_ns = self._now_ns()
        for conn_id in self._closes:
            self._conns.pop(conn_id, None)
        self._closes.clear()
        self._close_order.clear()

    # -- recording -----------------------------------------------------------------------------

    def _push(self, entry: Any) -> Any:
        # The deque's maxlen drops the oldest entry; dropped is derived (see _base_seq).
        self._entries.append(entry)
        if self._pending:
            self._waiters.wake(entry)
        if self._listeners:
            for listener in self._listeners:
                listener(entry)
        return entry

    def add_listener(self, listener: Callable[[Entry], None]) -> Callable[[], None]:
        """Call ``listener`` with every entry as it is recorded (e.g. a cassette writer).

        Listeners run on the recording path, in order: keep them quick, and never let them raise.
        Returns a function that removes the listener.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _forget_closed(self) -> None:
        """Forget connections whose close entry was dropped: by then all their entries are gone.

        Called when connections come and go and before connection queries, not per entry.
        """
        order = self._close_order
        first = self._entries[0].seq if self._entries else self._seq + 1
        while order and order[0].seq < first:
            close = order.popleft()
            if self._closes.get(close.conn_id) is close:
                del self._closes[close.conn_id]
                self._conns.pop(close.conn_id, None)

    def record_http(
        self,
        method: str,
        path: str,
        *,
        status: int,
        query: str = "",
        headers: Headers = (),
        body: bytes = b"",
        remote: str | None = None,
        auth: AuthVerdict = AuthVerdict.NONE,
        account_id: str | None = None,
        quota_keys: tuple[str, ...] = (),
        response_headers: Headers = (),
        response_body: bytes = b"",
        duration_ns: int = 0,
        fault: str | None = None,
    ) -> HttpEntry:
        """Record one HTTP request with its response (call once, after the response is sent).

        Parameters are the fields of :class:`HttpEntry`; ``headers`` as received (e.g.
        ``tuple(request.headers.items())``), ``query`` raw without ``?``.
        """
        self._seq += 1
        return self._push(
            _new(
                HttpEntry,
                (
                    self._seq,
                    self._now_ns(),
                    method,
                    path,
                    query,
                    headers,
                    body,
                    remote,
                    auth,
                    account_id,
                    quota_keys,
                    status,
                    response_headers,
                    response_body,
                    duration_ns,
                    fault,
                ),
            )
        )

    def record_ws_open(
        self, conn_id: str, path: str, role: WsRole, remote: str | None = None, query: str = ""
    ) -> WsOpen:
        """Record an accepted WebSocket connection (before any of its frames)."""
        self._seq += 1
        entry: WsOpen = _new(WsOpen, (self._seq, self._now_ns(), conn_id, path, role, remote, query))
        self._forget_closed()
        self._conns[conn_id] = entry
        return self._push(entry)

    def record_ws_frame(
        self, conn_id: str, direction: Direction, kind: FrameKind, payload: Payload, fault: str | None = None
    ) -> WsFrame:
        """Record one frame received (``Direction.IN``) or sent (``Direction.OUT``).

        ``payload`` is kept by reference (no copy, no encoding): pass the ``str`` or ``bytes``
        that went over the wire.
        """
        self._seq += 1
        return self._push(
            _new(WsFrame, (self._seq, self._now_ns(), conn_id, direction, kind, payload, fault))
        )

    def record_ws_close(
        self, conn_id: str, code: int | None, reason: str, closed_by: ClosedBy, fault: str | None = None
    ) -> WsClose:
        """Record the end of a connection (``code`` None for an abort without a close frame)."""
        self._seq += 1
        entry: WsClose = _new(WsClose, (self._seq, self._now_ns(), conn_id, code, reason, closed_by, fault))
        self._push(entry)
        self._forget_closed()
        self._closes[conn_id] = entry
        self._close_order.append(entry)
        return entry

    def record_subscription(
        self,
        conn_id: str,
        op: SubscriptionOp,
        topic: str,
        outcome: SubscriptionOutcome,
        detail: str | None = None,
        fault: str | None = None,
    ) -> SubscriptionEntry:
        """Record the venue's answer to one topic of a subscribe/unsubscribe request."""
        self._seq += 1
        return self._push(
            _new(SubscriptionEntry, (self._seq, self._now_ns(), conn_id, op, topic, outcome, detail, fault))
        )

    def record_fault(self, name: str, phase: FaultPhase, description: str) -> FaultEntry:
        """Record that a fault was armed, fired or cleared."""
        self._seq += 1
        return self._push(_new(FaultEntry, (self._seq, self._now_ns(), name, phase, description)))

    def record_error(self, source: str, error: BaseException) -> ErrorEntry:
        """Record an exception raised inside the simulator (``source``: where, e.g. ``http``)."""
        self._seq += 1
        kind = type(error)
        name = (
            kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        )
        text = "".join(traceback.format_exception(error))
        return self._push(_new(ErrorEntry, (self._seq, self._now_ns(), source, name, str(error), text)))

    # -- windows -------------------------------------------------------------------------------

    def _window(self, since_seq: int | None = None, until_seq: int | None = None) -> list[Entry]:
        # Held entries have the contiguous numbers last_seq-len+1 .. last_seq (one per record,
        # dropped only from the front, all at once by clear), so windows are index arithmetic.
        entries = self._entries
        newer = len(entries) if since_seq is None else min(len(entries), self._seq - since_seq)
        if newer <= 0:
            return []
        window = list(islice(reversed(entries), newer))
        window.reverse()
        if until_seq is not None and until_seq < self._seq:
            window = window[: max(0, len(window) - (self._seq - until_seq))]
        return window

    def _dropped_note(self, since_seq: int | None) -> str:
        first = self._entries[0].seq if self._entries else self._seq + 1
        missing = first - 1 - (since_seq or 0)
        if self.dropped and missing > 0:
            lost = min(missing, self.dropped)
            return f" ({lost} older entries in this range were dropped: max_entries={self._max})"
        return ""
