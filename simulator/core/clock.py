"""Clocks and the timer queue.

The core never reads the wall clock. It is given a :class:`Clock`: a :class:`VirtualClock` that
only moves when told to (tests, replays), or a :class:`SourceClock` wrapping a time source that
the server injects (``time.time_ns`` for a live venue). Timed venue behaviour (GTD expiry,
funding, activation, expiry and settlement, scheduled mark moves, synthetic flow) is queued on a
:class:`TimerQueue` and fired by the exchange in due order.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Protocol

__all__ = ["NS_PER_MS", "NS_PER_S", "Clock", "SourceClock", "TimerQueue", "VirtualClock"]

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000


class Clock(Protocol):
    def now_ns(self) -> int: ...


class VirtualClock:
    """A clock that stands still until the exchange moves it (see ``Exchange.advance``)."""

    __slots__ = ("_now",)

    def __init__(self, start_ns: int = 1_700_000_000 * NS_PER_S) -> None:
        self._now = start_ns

    def now_ns(self) -> int:
        return self._now

    def move_to(self, ns: int) -> None:
        if ns < self._now:
            raise ValueError(f"a virtual clock cannot go back in time ({ns} < {self._now})")
        self._now = ns


class SourceClock:
    """A clock that reads an injected time source, e.g. ``SourceClock(time.time_ns)``.

    ``offset_ns`` shifts what the venue reports (used to simulate server clock skew).
    """

    __slots__ = ("_source", "offset_ns")

    def __init__(self, source: Callable[[], int], offset_ns: int = 0) -> None:
        self._source = source
        self.offset_ns = offset_ns

    def now_ns(self) -> int:
        return self._source() + self.offset_ns


class TimerQueue:
    """Callbacks ordered by due time, then by insertion (so equal times fire in FIFO order)."""

    __slots__ = ("_heap", "_seq")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Callable[[], None]]] = []
        self._seq = 0

    def __len__(self) -> int:
        return len(self._heap)

    def schedule(self, due_ns: int, callback: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due_ns, self._seq, callback))

    def next_due_ns(self) -> int | None:
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until_ns: int) -> tuple[int, Callable[[], None]] | None:
        """Remove and return the earliest timer due at or before ``until_ns``, if any."""
        if self._heap and self._heap[0][0] <= until_ns:
            due, _, callback = heapq.heappop(self._heap)
            return due, callback
        return None

    def clear(self) -> None:
        self._heap.clear()
