"""Keyed rate-limit quotas: a request names its keys and waits until every one of them allows it.

A venue states its limits as "at most N requests per window" (Bybit: per second per UID and
endpoint, plus a per-IP cap). :class:`RateLimiter` keeps, for each key, the times it handed out
within the last window and schedules the next request at the earliest time at which *every* key
it names still holds fewer than N in any window. That is the venue's own counting, so "any 1 s
window holds at most q" (conformance H-09) holds exactly while a burst of N still goes at once.
(A token bucket or GCRA with burst N would let up to 2N-1 through in one sliding window, which a
venue counting per window rejects.)

Requests are served first come, first served per key: a request never overtakes an earlier one
on a key they share, which keeps every key's schedule sorted and the waits predictable. Waiting
is a reservation: :meth:`RateLimiter.acquire` books the slot, then sleeps until it. Cancelling
a waiter gives its slot back.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adapters.network.clock import Clock, Sleeper, monotonic, real_sleep

__all__ = ["Quota", "RateLimiter"]


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
        # Per key: the sorted times handed out (past ones and booked future ones) still inside
        # the key's window of the latest booking.
        self._books: dict[str, list[float]] = {}
        self.waited_s: list[float] = []
        """How long each :meth:`acquire` had to wait, in call order (observable in tests)."""

    def quota_for(self, key: str) -> Quota | None:
        """Return the quota governing ``key`` (its own, else the default), or ``None`` if unlimited."""
        return self._quotas.get(key, self._default)

    def set_quota(self, key: str, quota: Quota) -> None:
        """Give ``key`` its own quota (replacing any), e.g. when the venue announces a new limit."""
        self._quotas[key] = quota

    def next_slot(self, keys: Iterable[str]) -> float:
        """Return the earliest clock time at which a request naming ``keys`` may go (no booking)."""
        now = self._clock()
        slot = now
        for key in keys:
            quota = self.quota_for(key)
            if quota is None:
                continue
            booked = self._prune(key, now, quota)
            if booked:
                # First come, first served: never ahead of an earlier booking on this key.
                slot = max(slot, booked[-1])
            if len(booked) >= quota.limit:
                slot = max(slot, booked[-quota.limit] + quota.window_s)
        return slot

    async def acquire(self, keys: Iterable[str]) -> float:
        """Wait until every key in ``keys`` allows one more request, and spend it.

        Never fails for being over the limit: it waits. Cancellation (``CancelledError``) while
        waiting propagates at once and returns the booked slot to every key.

        Args:
            keys: the quota keys the request counts against; unknown keys use the default quota.

        Returns:
            The seconds waited (0.0 when the request could go at once).
        """
        limited = [k for k in dict.fromkeys(keys) if self.quota_for(k) is not None]
        if not limited:
            self.waited_s.append(0.0)
            return 0.0
        slot = self.next_slot(limited)
        for key in limited:
            bisect.insort(self._books.setdefault(key, []), slot)
        wait = slot - self._clock()
        self.waited_s.append(max(0.0, wait))
        if wait <= 0:
            return 0.0
        try:
            await self._sleeper(wait)
        except BaseException:
            # Cancelled (or the sleeper failed): the request will not be sent, so its slot is free.
            for key in limited:
                book = self._books.get(key, [])
                index = bisect.bisect_left(book, slot)
                if index < len(book) and book[index] == slot:
                    del book[index]
            raise
        return wait

    def _prune(self, key: str, now: float, quota: Quota) -> list[float]:
        """Drop times that can no longer count against a request made at ``now`` or later."""
        booked = self._books.get(key)
        if not booked:
            return []
        cut = bisect.bisect_right(booked, now - quota.window_s)
        if cut:
            del booked[:cut]
        return booked
