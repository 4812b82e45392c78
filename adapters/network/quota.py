"""Keyed rate-limit quotas: a request names its keys and waits until every one of them allows it.

A venue states its limits as "at most N requests per window" (Bybit: per second per UID and
endpoint, plus a per-IP cap), counted at the time each request *arrives at the venue*. The client
cannot see that time, but it can bound it: a request arrives after it was sent and before its
answer is received. So :class:`RateLimiter` hands out a :class:`Ticket` per request, and the
request's place in each key's window is the time its ticket is *completed* (the answer came back,
or the attempt failed); a ticket not yet completed occupies the window until it is. A request may
be sent at time ``t`` only while, for every key it names, fewer than N requests are unanswered or
were answered after ``t - window``. Then no window at the venue ever holds more than N, whatever
the latencies: if N+1 arrivals fell in one window, take the one sent last (at ``s``); each of the
other N was sent no later than ``s`` and answered after its own arrival, which is after
``s - window``, so all N still counted at ``s`` and the last could not have gone. (Counting *send*
times instead lets a burst that reaches the venue late share a venue window with the next burst
sent a full window later; conformance H-09 saw exactly that under load.)

A burst of N still goes at once, and the window is counted exactly, not with a token bucket (a
bucket or GCRA with burst N lets up to 2N-1 through in one sliding window, which a venue counting
per window rejects). Requests are served first come, first served per key: a request never
overtakes an earlier waiting one on a key they share. Cancelling a waiter frees its place.

:meth:`RateLimiter.acquire` is the fire-and-forget form (the slot is stamped when it is granted),
for sends that get no answer to wait for, e.g. a websocket frame.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType

from adapters.network.clock import Clock, Sleeper, monotonic, real_sleep

__all__ = ["Quota", "RateLimiter", "Ticket"]


@dataclass(frozen=True, slots=True)
class Quota:
    """At most ``limit`` requests in any window of ``window_s`` seconds."""

    limit: int
    window_s: float

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"Quota.limit must be >= 1, got {self.limit}; omit the key for no limit")
        if self.window_s <= 0:
            raise ValueError(f"Quota.window_s must be > 0 seconds, got {self.window_s}")

    @classmethod
    def per_second(cls, limit: int) -> Quota:
        """Return a quota of ``limit`` requests per second."""
        return cls(limit, 1.0)

    @classmethod
    def per_minute(cls, limit: int) -> Quota:
        """Return a quota of ``limit`` requests per minute."""
        return cls(limit, 60.0)


class Ticket:
    """One granted request's hold on its keys' windows, until :meth:`complete` stamps it.

    Call :meth:`complete` when the venue's answer arrives, or when the attempt ends without one
    (error, timeout, cancellation); ``with ticket:`` does that on exit. Completing twice is a no-op.
    """

    __slots__ = ("_keys", "_limiter", "completed_at", "granted_at", "waited_s")

    def __init__(
        self, limiter: RateLimiter, keys: tuple[str, ...], granted_at: float, waited_s: float
    ) -> None:
        self._limiter = limiter
        self._keys = keys
        self.granted_at = granted_at
        """Clock time the request was allowed to go."""
        self.waited_s = waited_s
        """Seconds the request waited for its quotas (0.0 when it could go at once)."""
        self.completed_at: float | None = None
        """Clock time of :meth:`complete` (the request's place in its windows), ``None`` before."""

    @property
    def completed(self) -> bool:
        """Whether :meth:`complete` was called."""
        return self.completed_at is not None

    def complete(self) -> None:
        """Stamp the request with the current time: it counts in its windows from now on, not as open."""
        if self.completed_at is None:
            self.completed_at = self._limiter._complete(self._keys)

    def __enter__(self) -> Ticket:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.complete()


class _Waiter:
    """A queued request: its keys and the event that wakes it when the limiter's state changes."""

    __slots__ = ("keys", "wake")

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.wake = asyncio.Event()


class RateLimiter:
    """Rate limits for a set of keys, e.g. ``"bybit:global"`` plus one key per endpoint.

    Keys without a quota of their own use ``default`` (or are unlimited when it is ``None``).
    One limiter is shared by everything that spends the same venue budget.
    """

    def __init__(
        self,
        quotas: Mapping[str, Quota] | None = None,
        *,
        default: Quota | None = None,
        clock: Clock = monotonic,
        sleeper: Sleeper = real_sleep,
    ) -> None:
        """Create a limiter.

        Args:
            quotas: the quota of each named key.
            default: the quota of any key not in ``quotas``; ``None`` leaves such keys unlimited.
            clock: reads the time (seconds); inject a virtual clock in tests.
            sleeper: waits; inject the virtual clock's ``sleep`` in tests.
        """
        self._quotas = dict(quotas or {})
        self._default = default
        self._clock = clock
        self._sleeper = sleeper
        # Per key: the sorted completion stamps still inside the key's window, and how many
        # granted tickets are not completed yet (each occupies the window until it is).
        self._stamps: dict[str, list[float]] = {}
        self._open: dict[str, int] = {}
        # Requests waiting, in arrival order (first come, first served per shared key).
        self._queue: list[_Waiter] = []
        self.waited_s: list[float] = []
        """How long each request had to wait, in grant order (observable in tests)."""

    def quota_for(self, key: str) -> Quota | None:
        """Return the quota governing ``key`` (its own, else the default), or ``None`` if unlimited."""
        return self._quotas.get(key, self._default)

    def set_quota(self, key: str, quota: Quota) -> None:
        """Give ``key`` its own quota (replacing any), e.g. when the venue announces a new limit."""
        self._quotas[key] = quota
        self._notify()

    def in_flight(self, key: str) -> int:
        """Return how many granted tickets on ``key`` are not completed yet."""
        return self._open.get(key, 0)

    def next_slot(self, keys: Iterable[str]) -> float:
        """Return the earliest clock time at which a request naming ``keys`` may go (no booking).

        A projection: the requests already waiting go first, each at its earliest time, and every
        request in flight or projected is taken as answered when it goes (the earliest it can
        be), so the real slot is never earlier than this.
        """
        now = self._clock()
        stamps: dict[str, list[float]] = {}
        floors: dict[str, float] = {}

        def slot_of(names: Iterable[str]) -> float:
            slot = now
            for key in names:
                quota = self.quota_for(key)
                if quota is None:
                    continue
                if key not in stamps:
                    stamps[key] = [*self._prune(key, now, quota), *[now] * self._open.get(key, 0)]
                slot = max(slot, floors.get(key, now))
                if len(stamps[key]) >= quota.limit:
                    slot = max(slot, stamps[key][-quota.limit] + quota.window_s)
            return slot

        for waiter in self._queue:
            slot = slot_of(waiter.keys)
            for key in waiter.keys:
                if key in stamps:
                    bisect.insort(stamps[key], slot)
                floors[key] = slot
        return slot_of(dict.fromkeys(keys))

    async def acquire_ticket(self, keys: Iterable[str]) -> Ticket:
        """Wait until every key in ``keys`` allows one more request, and hand out its ticket.

        Never fails for being over the limit: it waits. The caller must complete the ticket when
        the answer arrives or the attempt ends (``with ticket:`` does); until then the request
        occupies every window it counts in. Cancellation (``CancelledError``) while waiting
        propagates at once and takes nothing.

        Args:
            keys: the quota keys the request counts against; unknown keys use the default quota.

        Returns:
            The open ticket; ``ticket.waited_s`` says how long the request waited.
        """
        limited = tuple(k for k in dict.fromkeys(keys) if self.quota_for(k) is not None)
        start = self._clock()
        waiter = _Waiter(limited)
        self._queue.append(waiter)
        if self._is_first(waiter) and self._earliest(limited, start) == start:
            self._queue.pop()
            return self._grant(limited, start, 0.0)  # the common case: no wait, no yield
        try:
            while True:
                now = self._clock()
                slot = self._earliest(limited, now) if self._is_first(waiter) else None
                if slot is not None and slot <= now:
                    break
                waiter.wake.clear()
                if slot is None:
                    # Behind an earlier waiter, or every place is held by an unanswered request:
                    # only a change of state (a grant, an answer, a cancellation) can help.
                    await waiter.wake.wait()
                else:
                    await self._sleep_or_wake(waiter, slot - now)
        finally:
            self._queue.remove(waiter)
            self._notify()
        return self._grant(limited, now, max(0.0, now - start))

    async def acquire(self, keys: Iterable[str]) -> float:
        """Wait for the quotas like :meth:`acquire_ticket` and count the request as of now.

        For sends with no answer to wait for (a websocket frame): the request's place in its
        windows is the time it was allowed to go.

        Returns:
            The seconds waited (0.0 when the request could go at once).
        """
        ticket = await self.acquire_ticket(keys)
        ticket.complete()
        return ticket.waited_s

    def _grant(self, keys: tuple[str, ...], now: float, waited: float) -> Ticket:
        for key in keys:
            self._open[key] = self._open.get(key, 0) + 1
        self.waited_s.append(waited)
        return Ticket(self, keys, now, waited)

    def _complete(self, keys: tuple[str, ...]) -> float:
        """Move one request on ``keys`` from open to stamped at the current time; return the time."""
        now = self._clock()
        for key in keys:
            self._open[key] -= 1
            bisect.insort(self._stamps.setdefault(key, []), now)
        self._notify()
        return now

    def _earliest(self, keys: tuple[str, ...], now: float) -> float | None:
        """The earliest time (>= now) all ``keys`` have room; ``None`` while open tickets fill one."""
        slot = now
        for key in keys:
            quota = self.quota_for(key)
            if quota is None:
                continue
            room = quota.limit - self._open.get(key, 0)
            if room <= 0:
                return None
            stamps = self._prune(key, now, quota)
            if len(stamps) >= room:
                # At t the window holds the open ones plus the stamps after t - window; the
                # room-th latest stamp must have left it.
                slot = max(slot, stamps[-room] + quota.window_s)
        return slot

    def _is_first(self, waiter: _Waiter) -> bool:
        """Whether no earlier waiter shares a key with ``waiter`` (first come, first served)."""
        keys = set(waiter.keys)
        for other in self._queue:
            if other is waiter:
                return True
            if keys.intersection(other.keys):
                return False
        return True

    async def _sleep_or_wake(self, waiter: _Waiter, delay: float) -> None:
        """Sleep ``delay`` through the injected sleeper, or less if the state changes meanwhile."""
        sleep = asyncio.ensure_future(self._sleeper(delay))
        wake = asyncio.ensure_future(waiter.wake.wait())
        try:
            await asyncio.wait((sleep, wake), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleep, wake):
                task.cancel()
            # Let both finish here, so no task outlives the wait (or is destroyed pending).
            await asyncio.wait((sleep, wake))
        if not sleep.cancelled() and (error := sleep.exception()) is not None:
            raise error  # the sleeper failed: surface it

    def _notify(self) -> None:
        for waiter in self._queue:
            waiter.wake.set()

    def _prune(self, key: str, now: float, quota: Quota) -> list[float]:
        """Drop stamps that can no longer count against a request made at ``now`` or later."""
        stamps = self._stamps.get(key)
        if not stamps:
            return []
        cut = bisect.bisect_right(stamps, now - quota.window_s)
        if cut:
            del stamps[:cut]
        return stamps
