"""RateLimiter: per-window pacing measured on a virtual clock, multi-key waits, cancellation."""

from __future__ import annotations

import asyncio

import pytest

from adapters.network.clock import VirtualClock
from adapters.network.quota import Quota, RateLimiter


def _limiter(clock: VirtualClock, **quotas: Quota) -> RateLimiter:
    return RateLimiter(quotas, clock=clock.now, sleeper=clock.sleep)


def _max_in_window(times: list[float], window: float) -> int:
    """The most requests any half-open window [t, t + window) holds."""
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


async def test_burst_of_three_windows_is_paced_to_the_quota() -> None:
    clock = VirtualClock()
    limiter = _limiter(clock, glob=Quota.per_second(5))
    sent = []
    for _ in range(15):
        await limiter.acquire(["glob"])
        sent.append(clock.now())
    assert _max_in_window(sent, 1.0) == 5
    # A burst of the limit goes at once; the whole 3x burst needs just over two more windows.
    assert sent[:5] == [1000.0] * 5
    assert sent[-1] - sent[0] == pytest.approx(2.0)


async def test_request_waits_for_the_slowest_of_its_keys() -> None:
    clock = VirtualClock()
    limiter = _limiter(clock, glob=Quota.per_second(10), orders=Quota(1, 2.0))
    await limiter.acquire(["glob", "orders"])
    waited = await limiter.acquire(["glob", "orders"])
    assert waited == pytest.approx(2.0)
    # A request that only names the global key is not held back by the order key.
    assert await limiter.acquire(["glob"]) == 0.0


async def test_unknown_keys_use_the_default_or_are_unlimited() -> None:
    clock = VirtualClock()
    unlimited = _limiter(clock)
    for _ in range(50):
        assert await unlimited.acquire(["anything"]) == 0.0
    limited = RateLimiter(default=Quota(1, 0.5), clock=clock.now, sleeper=clock.sleep)
    await limited.acquire(["/v5/order/create"])
    assert await limited.acquire(["/v5/order/create"]) == pytest.approx(0.5)
    assert await limited.acquire(["/v5/order/cancel"]) == 0.0


async def test_cancelled_waiter_returns_its_slot() -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    clock = VirtualClock()

    async def blocking_sleep(seconds: float) -> None:
        started.set()
        await release.wait()

    limiter = RateLimiter({"k": Quota(1, 1.0)}, clock=clock.now, sleeper=blocking_sleep)
    await limiter.acquire(["k"])
    waiter = asyncio.create_task(limiter.acquire(["k"]))
    await asyncio.wait_for(started.wait(), 5)
    assert limiter.next_slot(["k"]) == pytest.approx(1002.0)  # the waiter holds 1001
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert limiter.next_slot(["k"]) == pytest.approx(1001.0)


def test_quota_rejects_nonsense_with_a_fix() -> None:
    with pytest.raises(ValueError, match="omit the key"):
        Quota(0, 1.0)
    with pytest.raises(ValueError, match="window_s"):
        Quota(1, 0)
