"""What a Bybit WebSocket session needs from the connection that hosts it (the server implements it).

The dialect stays free of sockets and of the server layer: a session talks to its connection
through :class:`Port` (structural typing; the server's ``WsConnection`` is one) and sees faults
as :class:`FaultHit` objects, reading an action's ``kind`` and its parameters by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

__all__ = ["FaultHit", "FaultSelector", "Port"]


class FaultHit(Protocol):
    """A fault that fired: its name (journalled with what it changed) and its action."""

    name: str
    action: Any


#: ``select(kinds, op, topic) -> FaultHit | None``: a fault of one of ``kinds`` due at this event.
FaultSelector = Callable[[frozenset[str], "str | None", "str | None"], "FaultHit | None"]


class Port(Protocol):
    """One WebSocket connection as its session sees it."""

    conn_id: str
    path: str
    query: Mapping[str, str]
    account: str | None

    @property
    def closed(self) -> bool: ...

    def send(self, text: str, fault: str | None = None) -> None: ...
    def ping(self, payload: bytes = b"", fault: str | None = None) -> None: ...
    def pong(self, payload: bytes, fault: str | None = None) -> None: ...
    def expect_reply(self, fault: str) -> None: ...
    def close(self, code: int = 1000, reason: str = "", fault: str | None = None) -> None: ...
    def abort(
        self, reason: str = "aborted", fault: str | None = None, *, after_queued: bool = False
    ) -> None: ...
    def call_later(self, seconds: float, callback: Callable[[], None]) -> None: ...
    def select_fault(
        self, kinds: frozenset[str], op: str | None = None, topic: str | None = None
    ) -> FaultHit | None: ...
    def record_subscription(
        self, op: str, topic: str, outcome: str, detail: str | None = None, fault: str | None = None
    ) -> None: ...
    def record_error(self, error: BaseException) -> None: ...
