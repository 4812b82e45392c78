"""Waiters woken by new journal entries: how ``Journal.wait_for`` avoids polling.

Each waiter is a predicate, a floor (only entries numbered above it count) and a future. The
journal hands every new entry to :meth:`Waiters.wake`, which resolves the futures of the waiters
the entry satisfies, so a waiting test resumes on the very entry it waited for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

__all__ = ["Waiter", "Waiters"]


class Waiter:
    __slots__ = ("floor", "future", "test")

    def __init__(self, test: Callable[[Any], bool], floor: int, future: asyncio.Future[Any]) -> None:
        self.test = test
        self.floor = floor
        self.future = future


class Waiters:
    """The pending waiters of one journal; used from its event loop's thread only."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        #: The waiters still waiting, oldest first. Only ever updated in place, so the journal
        #: can keep a reference and test it on every record without a method call.
        self.pending: list[Waiter] = []

    def __len__(self) -> int:
        return len(self.pending)

    def add(self, test: Callable[[Any], bool], floor: int) -> Waiter:
        """A new waiter for the next entry above ``floor`` that ``test`` accepts.

        Raises:
            RuntimeError: no event loop is running in this thread.
        """
        waiter = Waiter(test, floor, asyncio.get_running_loop().create_future())
        self.pending.append(waiter)
        return waiter

    def discard(self, waiter: Waiter) -> None:
        if waiter in self.pending:
            self.pending.remove(waiter)

    def wake(self, entry: Any) -> None:
        """Resolve every waiter that ``entry`` satisfies; keep the others waiting."""
        still: list[Waiter] = []
        for waiter in self.pending:
            if waiter.future.done():  # timed out or cancelled: its wait_for is unwinding
                continue
            if entry.seq <= waiter.floor:
                still.append(waiter)
                continue
            try:
                hit = waiter.test(entry)
            except Exception as exc:  # never swallowed: the waiting test raises it
                waiter.future.set_exception(exc)
                continue
            if hit:
                waiter.future.set_result(entry)
            else:
                still.append(waiter)
        self.pending[:] = still
