"""Building cassette events as traffic passes, and writing them (scrubbed) as they come.

:class:`Recording` is the server side's one way to put an event on disk: the proxy, the replay
server's recording modes and the simulator's journal tap all call it. It numbers connections,
stamps events and hands them to a :class:`~simulator.cassette.CassetteWriter` that scrubs each
one before encoding it.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable

from simulator.cassette import CassetteWriter, Event, put_bytes

__all__ = ["Headers", "Recording"]

#: Header pairs as they were sent.
Headers = Iterable[tuple[str, str]]


class Recording:
    """Writes traffic to a cassette as events.

    Parameters:
        writer: the cassette writer (it scrubs).
        taken: connection ids already in the cassette (new ones never reuse them).
        now_ns: the clock events are stamped with.
    """

    def __init__(
        self, writer: CassetteWriter, *, taken: Iterable[str] = (), now_ns: Callable[[], int] = time.time_ns
    ) -> None:
        self.writer = writer
        self._taken = set(taken)
        self._ids = itertools.count(1)
        self._now_ns = now_ns

    def new_conn(self) -> str:
        """A connection id not used in this cassette yet."""
        while True:
            conn = f"c{next(self._ids)}"
            if conn not in self._taken:
                self._taken.add(conn)
                return conn

    def http(
        self,
        method: str,
        path: str,
        query: str,
        headers: Headers,
        body: bytes,
        status: int,
        response_headers: Headers,
        response_body: bytes,
        duration_ns: int,
        ts: int | None = None,
    ) -> None:
        """Write one REST exchange (``status`` 0: the connection was reset, no answer)."""
        event: Event = {
            "type": "http",
            "ts": self._now_ns() if ts is None else ts,
            "method": method,
            "path": path,
            "query": query,
            "headers": [[name, value] for name, value in headers],
        }
        put_bytes(event, "body", body)
        event["status"] = status
        event["response_headers"] = [[name, value] for name, value in response_headers]
        put_bytes(event, "response_body", response_body)
        event["duration_ns"] = duration_ns
        self.writer.write(event)

    def ws_open(self, conn: str, path: str, query: str, headers: Headers = (), ts: int | None = None) -> None:
        """Write that a WebSocket connection was opened."""
        self.writer.write(
            {
                "type": "ws_open",
                "ts": self._now_ns() if ts is None else ts,
                "conn": conn,
                "path": path,
                "query": query,
                "headers": [[name, value] for name, value in headers],
            }
        )

    def ws_frame(
        self, conn: str, direction: str, kind: str, data: str | bytes, ts: int | None = None
    ) -> None:
        """Write one frame: ``direction`` ``in`` (from the client) or ``out`` (from the venue)."""
        event: Event = {
            "type": "ws_frame",
            "ts": self._now_ns() if ts is None else ts,
            "conn": conn,
            "dir": direction,
            "kind": kind,
        }
        put_bytes(event, "data", data)
        self.writer.write(event)

    def ws_close(
        self,
        conn: str,
        code: int | None,
        reason: str,
        closed_by: str,
        aborted_side: str | None = None,
        ts: int | None = None,
    ) -> None:
        """Write how a connection ended: closed by ``client`` or ``server`` with ``code``, or aborted."""
        self.writer.write(
            {
                "type": "ws_close",
                "ts": self._now_ns() if ts is None else ts,
                "conn": conn,
                "code": code,
                "reason": reason,
                "closed_by": closed_by,
                "aborted_side": aborted_side,
            }
        )

    def close(self) -> None:
        self.writer.close()
