"""Retries with exponential backoff and jitter, driven by the adapter error taxonomy.

:class:`Backoff` computes the delays (shared with the WebSocket reconnect loop);
:class:`RetryManager` runs an operation, retrying only what
:func:`adapters.contract.errors.is_retryable` allows and waiting at least as long as a
:class:`~adapters.contract.errors.RateLimited` error's ``retry_after_s`` hint says. Everything it
slept is recorded so tests can check counts and spacing without sleeping for real.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from adapters.contract.errors import RateLimited, is_retryable
from adapters.network.clock import Sleeper, real_sleep

__all__ = [
    "Backoff",
    "RetryManager",
    "RetryPolicy",
    "retry_after_from_header",
    "retry_after_from_reset_ms",
]

T = TypeVar("T")

OnRetry = Callable[[int, BaseException, float], Awaitable[None] | None]
"""Called before each backoff sleep with (attempt that failed, its error, delay to sleep)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait between attempts.

    The n-th retry waits ``min(max_delay_s, initial_delay_s * factor ** (n - 1))`` stretched by a
    random ``[0, jitter)`` fraction (then capped again), so waits are never *shorter* than the
    configured backoff: a venue that says "back off 1 s" gets at least 1 s.
    ``max_retry_after_s`` caps how long a venue's Retry-After hint may make us wait: a longer
    hint ends the retries and raises the rate-limit error to the caller instead of stalling it.
    """

    max_retries: int = 3
    initial_delay_s: float = 0.5
    max_delay_s: float = 10.0
    factor: float = 2.0
    jitter: float = 0.1
    max_retry_after_s: float = 60.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"RetryPolicy.max_retries must be >= 0, got {self.max_retries}")
        if self.initial_delay_s < 0 or self.max_delay_s < self.initial_delay_s:
            raise ValueError(
                "RetryPolicy needs 0 <= initial_delay_s <= max_delay_s, got "
                f"{self.initial_delay_s} and {self.max_delay_s}"
            )
        if self.factor < 1.0:
            raise ValueError(f"RetryPolicy.factor must be >= 1.0, got {self.factor}")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"RetryPolicy.jitter is a fraction in [0, 1], got {self.jitter}")


class Backoff:
    """The delay sequence of a :class:`RetryPolicy`: call :meth:`next_delay`, :meth:`reset` on success."""

    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        """Create a backoff; pass a seeded ``rng`` for reproducible jitter."""
        self.policy = policy
        self._rng = rng if rng is not None else random.Random(0)
        self._step = 0

    def next_delay(self) -> float:
        """Return the next delay in seconds and move one step further."""
        p = self.policy
        base = min(p.max_delay_s, p.initial_delay_s * p.factor**self._step)
        self._step += 1
        return min(p.max_delay_s, base * (1.0 + p.jitter * self._rng.random()))

    def reset(self) -> None:
        """Start again from the initial delay (after a success)."""
        self._step = 0


class RetryManager:
    """Runs operations with retries; counters are cumulative over all runs (share one per client).

    Attributes:
        attempts: how many attempts all runs made (first tries included).
        retries: how many of those were retries.
        delays: every backoff it slept, in order, in seconds.
    """

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        rng: random.Random | None = None,
        sleeper: Sleeper = real_sleep,
        on_retry: OnRetry | None = None,
        retryable: Callable[[BaseException], bool] = is_retryable,
    ) -> None:
        """Create a manager.

        Args:
            policy: counts and delays; the defaults of :class:`RetryPolicy` when omitted.
            rng: the jitter source; seed it (``random.Random(7)``) for reproducible delays.
            sleeper: waits between attempts; inject a virtual clock's ``sleep`` in tests.
            on_retry: called with (failed attempt number, error, delay) before each wait.
            retryable: decides which errors are retried; the taxonomy's ``is_retryable``.
        """
        self.policy = policy or RetryPolicy()
        self._rng = rng if rng is not None else random.Random(0)
        self._sleeper = sleeper
        self._on_retry = on_retry
        self._retryable = retryable
        self.attempts = 0
        self.retries = 0
        self.delays: list[float] = []

    async def run(
        self,
        operation: Callable[[], Awaitable[T]],
        *,
        retry: bool | Callable[[BaseException], bool] = True,
    ) -> T:
        """Run ``operation`` until it succeeds, fails for good, or the retries are spent.

        ``operation`` is called afresh for each attempt (so it re-signs and re-reads the clock).
        Cancellation propagates at once, from an attempt or from a backoff wait.

        Args:
            operation: a zero-argument coroutine function performing one attempt.
            retry: ``False`` makes exactly one attempt; a predicate replaces the manager's
                ``retryable`` for this run (e.g. :func:`adapters.contract.errors.is_resendable`
                for order entry: retry only what provably did not reach the venue).

        Returns:
            The operation's result.

        Raises:
            Exception: the first non-retryable error, or the last error once the policy's
                ``max_retries`` are used up or a Retry-After hint exceeds ``max_retry_after_s``.
        """
        backoff = Backoff(self.policy, self._rng)
        retryable = retry if callable(retry) else self._retryable
        attempt = 0
        while True:
            attempt += 1
            self.attempts += 1
            try:
                return await operation()
            except Exception as exc:
                if retry is False or not retryable(exc) or attempt > self.policy.max_retries:
                    raise
                delay = backoff.next_delay()
                hint = exc.retry_after_s if isinstance(exc, RateLimited) else None
                if hint is not None:
                    if hint > self.policy.max_retry_after_s:
                        raise
                    # The venue knows when its window resets: never come back earlier.
                    delay = max(delay, hint)
                if self._on_retry is not None:
                    maybe = self._on_retry(attempt, exc, delay)
                    if maybe is not None:
                        await maybe
                self.retries += 1
                self.delays.append(delay)
                await self._sleeper(delay)


def retry_after_from_header(value: str | None, *, now_s: float) -> float | None:
    """Parse an HTTP ``Retry-After`` value (delta seconds or an HTTP date) into seconds from now.

    Args:
        value: the header value, or ``None`` when absent.
        now_s: the current Unix time in seconds (used for the date form).

    Returns:
        Seconds to wait (>= 0), or ``None`` when the header is absent or unreadable.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now_s)


def retry_after_from_reset_ms(reset_ms: str | int | None, *, now_ms: int) -> float | None:
    """Turn a "limit resets at" Unix-millisecond timestamp (Bybit's ``X-Bapi-Limit-Reset-Timestamp``)
    into seconds from now.

    Args:
        reset_ms: the timestamp as sent (string or int), or ``None`` when absent.
        now_ms: the current Unix time in milliseconds.

    Returns:
        Seconds to wait (>= 0), or ``None`` when absent or not a number.
    """
    if reset_ms is None:
        return None
    try:
        reset = int(str(reset_ms).strip())
    except ValueError:
        return None
    return max(0.0, (reset - now_ms) / 1000.0)
