"""Time seams for the network toolkit: a clock to read and a sleeper to wait.

Every timed piece of the toolkit (quotas, retry backoff, reconnect backoff) takes a ``clock``
(seconds, monotonic) and a ``sleeper`` (an awaitable pause) instead of calling ``time`` and
``asyncio.sleep`` directly, so tests can run minutes of backoff in microseconds and read back
exactly how long the code asked to wait. :class:`VirtualClock` is that test double; it ships
with the toolkit because adapter authors need it for their own retry tests too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["Clock", "Sleeper", "VirtualClock", "monotonic", "real_sleep"]

Clock = Callable[[], float]
"""Returns the current time in seconds; only differences matter (monotonic)."""

Sleeper = Callable[[float], Awaitable[None]]
"""Waits the given number of seconds; must be cancellable."""


def monotonic() -> float:
    """Return the real monotonic time in seconds (the default :data:`Clock`)."""
    return time.monotonic()


async def real_sleep(seconds: float) -> None:
    """Wait ``seconds`` of real time (the default :data:`Sleeper`); cancellable."""
    await asyncio.sleep(max(0.0, seconds))


class VirtualClock:
    """A clock that only moves when someone sleeps on it or calls :meth:`advance`.

    ``sleep(d)`` moves time forward by ``d`` at once, records ``d`` in :attr:`sleeps` and yields
    to the event loop once (so a cancellation aimed at the sleeper lands there, as it would on a
    real sleep). Use ``clock.now`` as the :data:`Clock` and ``clock.sleep`` as the :data:`Sleeper`.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        """Create a clock reading ``start`` seconds."""
        self._now = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        """Return the virtual time in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by ``seconds``.

        Raises:
            ValueError: if ``seconds`` is negative (time never runs backwards).
        """
        if seconds < 0:
            raise ValueError(f"a clock cannot go back: advance({seconds}) needs seconds >= 0")
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        """Record ``seconds``, advance the clock by it and yield to the loop once."""
        self.sleeps.append(seconds)
        # Time jumps at once: a waiter never wakes before it asked to, and a later caller
        # computes its own wait against the moved clock, so waits never overlap wrongly.
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
