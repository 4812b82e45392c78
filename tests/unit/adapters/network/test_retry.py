"""RetryManager: counts, exponential delays with jitter, Retry-After, taxonomy, cancellation."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from adapters.contract.errors import (
    AuthenticationError,
    FatalAdapterError,
    RateLimited,
    RetryableTransportError,
    VenueError,
)
from adapters.network.clock import VirtualClock
from adapters.network.retry import (
    Backoff,
    RetryManager,
    RetryPolicy,
    retry_after_from_header,
    retry_after_from_reset_ms,
)


class Flaky:
    """Fails with the given errors in turn, then returns "ok"; counts calls."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


POLICY = RetryPolicy(max_retries=3, initial_delay_s=1.0, max_delay_s=5.0, factor=2.0, jitter=0.25)


def _manager(clock: VirtualClock, **kwargs: object) -> RetryManager:
    return RetryManager(POLICY, rng=random.Random(7), sleeper=clock.sleep, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("failures", [0, 1, 3])
async def test_retries_until_success_within_budget(failures: int) -> None:
    clock = VirtualClock()
    manager = _manager(clock)
    op = Flaky(*[RetryableTransportError("reset")] * failures)
    assert await manager.run(op) == "ok"
    assert op.calls == failures + 1 == manager.attempts
    assert clock.sleeps == manager.delays and len(manager.delays) == failures


async def test_gives_up_after_max_retries_with_the_last_error() -> None:
    clock = VirtualClock()
    manager = _manager(clock)
    op = Flaky(*[RetryableTransportError(f"503 #{i}", http_status=503) for i in range(5)])
    with pytest.raises(RetryableTransportError, match="503 #3"):
        await manager.run(op)
    assert op.calls == 4
    # Exponential, never below the configured backoff, jitter at most 25 %, capped at max_delay.
    for delay, base in zip(manager.delays, [1.0, 2.0, 4.0], strict=True):
        assert base <= delay <= min(5.0, base * 1.25)
    assert len(set(manager.delays)) == 3


async def test_jitter_is_reproducible_from_the_seed() -> None:
    a, b = VirtualClock(), VirtualClock()
    for clock in (a, b):
        with pytest.raises(RetryableTransportError):
            await _manager(clock).run(Flaky(*[RetryableTransportError("x")] * 4))
    assert a.sleeps == b.sleeps


@pytest.mark.parametrize(
    "error",
    [
        VenueError("Order does not exist", code=110001, http_status=200),
        AuthenticationError("Invalid sign", code=10004),
        FatalAdapterError("bug"),
        ValueError("plain bug"),
    ],
)
async def test_non_retryable_errors_are_raised_at_once(error: Exception) -> None:
    clock = VirtualClock()
    manager = _manager(clock)
    op = Flaky(error)
    with pytest.raises(type(error)):
        await manager.run(op)
    assert op.calls == 1 and manager.delays == []


async def test_retry_after_hint_is_honoured_when_longer_than_backoff() -> None:
    clock = VirtualClock()
    manager = _manager(clock)
    op = Flaky(
        RateLimited("Too many visits!", retry_after_s=3.5, code=10006), RateLimited("slow", retry_after_s=0.1)
    )
    assert await manager.run(op) == "ok"
    assert manager.delays[0] == 3.5
    assert 2.0 <= manager.delays[1] <= 2.5  # the backoff wins over a shorter hint


async def test_hint_beyond_the_cap_ends_the_retries() -> None:
    clock = VirtualClock()
    manager = RetryManager(RetryPolicy(max_retry_after_s=10.0), sleeper=clock.sleep)
    with pytest.raises(RateLimited):
        await manager.run(Flaky(RateLimited("banned", retry_after_s=600.0)))
    assert manager.attempts == 1 and clock.sleeps == []


async def test_retry_false_makes_one_attempt() -> None:
    clock = VirtualClock()
    manager = _manager(clock)
    with pytest.raises(RetryableTransportError):
        await manager.run(Flaky(RetryableTransportError("reset")), retry=False)
    assert manager.attempts == 1


async def test_on_retry_hook_sees_each_failure_before_the_wait() -> None:
    clock = VirtualClock()
    seen: list[tuple[int, str, float, int]] = []

    async def hook(attempt: int, exc: BaseException, delay: float) -> None:
        seen.append((attempt, str(exc), delay, len(clock.sleeps)))

    manager = _manager(clock, on_retry=hook)
    await manager.run(Flaky(RetryableTransportError("a"), RetryableTransportError("b")))
    assert [(a, m, n) for a, m, _, n in seen] == [(1, "a", 0), (2, "b", 1)]
    assert [d for _, _, d, _ in seen] == manager.delays


async def test_cancellation_mid_backoff_propagates_at_once() -> None:
    sleeping = asyncio.Event()

    async def long_sleep(seconds: float) -> None:
        sleeping.set()
        await asyncio.Event().wait()  # would wait forever

    manager = RetryManager(POLICY, sleeper=long_sleep)
    op = Flaky(*[RetryableTransportError("x")] * 3)
    task = asyncio.create_task(manager.run(op))
    await asyncio.wait_for(sleeping.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert op.calls == 1


def test_backoff_caps_and_resets() -> None:
    backoff = Backoff(RetryPolicy(initial_delay_s=1.0, max_delay_s=3.0, jitter=0.0))
    assert [backoff.next_delay() for _ in range(4)] == [1.0, 2.0, 3.0, 3.0]
    backoff.reset()
    assert backoff.next_delay() == 1.0


def test_retry_after_parsing() -> None:
    assert retry_after_from_header("2", now_s=0) == 2.0
    assert retry_after_from_header(None, now_s=0) is None
    assert retry_after_from_header("soon", now_s=0) is None
    when = datetime(2030, 1, 1, tzinfo=UTC)
    assert retry_after_from_header(format_datetime(when, usegmt=True), now_s=when.timestamp() - 7) == 7.0
    assert retry_after_from_reset_ms("1672738134824", now_ms=1672738134000) == pytest.approx(0.824)
    assert retry_after_from_reset_ms(1000, now_ms=5000) == 0.0
    assert retry_after_from_reset_ms("", now_ms=0) is None


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="initial_delay_s"):
        RetryPolicy(initial_delay_s=5, max_delay_s=1)
