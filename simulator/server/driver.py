"""The real-clock timer driver: the venue's scheduler on a live clock.

With a virtual clock the test moves time (``Simulator.advance``). With a real one, this task sleeps
until the exchange's next due timer (GTD expiry, funding, synthetic flow, scripted moves ...) and
fires it with ``run_due()``. It is woken early by :meth:`TimerDriver.poke`, which the server calls
whenever something may have scheduled an earlier timer (every exchange event, every request).

Waiting until a deadline here is the venue keeping time, not a test sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from simulator.core import NS_PER_S, Exchange
from simulator.server.venue import wait_set

__all__ = ["TimerDriver"]


class TimerDriver:
    """Runs an exchange's due timers on its (real) clock.

    Parameters:
        exchange: the exchange to drive, looked up on every round (a reset replaces it).
        on_error: where an exception raised by a timer goes (recorded and re-raised into the test);
            the driver carries on with the next timer.
    """

    def __init__(self, exchange: Callable[[], Exchange], on_error: Callable[[BaseException], None]) -> None:
        self._exchange = exchange
        self._on_error = on_error
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: Timer rounds run (a round fires every timer due at that moment).
        self.rounds = 0

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="venuekit-timer-driver")

    def poke(self) -> None:
        """Re-read the next due time now (an earlier timer may have been scheduled)."""
        self._wake.set()

    async def stop(self) -> None:
        """Cancel the driver and wait until it has ended."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            if not task.cancelled():  # our own caller is being cancelled: pass it on
                raise

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            exchange = self._exchange()
            due = exchange.next_due_ns()
            delay = None if due is None else (due - exchange.clock.now_ns()) / NS_PER_S
            if delay is not None and delay <= 0:
                self.rounds += 1
                try:
                    exchange.run_due()
                except Exception as exc:
                    self._on_error(exc)
                # Let requests in between rounds, even when timers keep falling due.
                await asyncio.sleep(0)
                continue
            await wait_set(self._wake, delay)
