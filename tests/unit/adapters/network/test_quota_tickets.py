"""RateLimiter tickets: a request counts in its windows when its answer arrives, so no window at
the venue holds more than the quota whatever the latencies. Runs on a discrete-event clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.network.quota import Quota, RateLimiter, Ticket

WINDOW = 1.0


class SimClock:
    """Discrete-event time: ``sleep`` waits until the driver moves the clock to its due time.

    The driver (:meth:`run`) lets every task run until none can make progress, then jumps to the
    earliest pending sleep. Unlike ``VirtualClock`` any number of tasks can sleep at once.
    """

    def __init__(self) -> None:
        self.t = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (self.t + max(0.0, seconds), next(self._seq), future))
        await future

    async def settle(self) -> None:
        """Yield until nothing changes for a while: every task is blocked on time or an event."""
        quiet = 0
        last = None
        while quiet < 30:
            await asyncio.sleep(0)
            state = (len(self._heap), sum(f.done() for _, _, f in self._heap))
            quiet = quiet + 1 if state == last else 0
            last = state

    async def run(self, tasks: list[asyncio.Task[Any]]) -> None:
        """Drive time forward until every task is done."""
        while True:
            await self.settle()
            if all(task.done() for task in tasks):
                for task in tasks:
                    task.result()  # surface a failure
                return
            while self._heap and self._heap[0][2].done():  # cancelled sleeps
                heapq.heappop(self._heap)
            assert self._heap, "deadlock: tasks wait but no time is pending"
            due, _, future = heapq.heappop(self._heap)
            self.t = max(self.t, due)
            future.set_result(None)


@dataclass
class Sent:
    """One simulated request: when it entered the limiter, went, reached the venue, was answered."""

    keys: tuple[str, ...]
    asked: int = -1
    granted: int = -1
    send: float = -1.0
    arrival: float = -1.0
    answer: float = -1.0


def _most_in_window(times: list[float], window: float) -> int:
    """The most times any half-open window [t, t + window) holds."""
    return max(sum(1 for u in times if t <= u < t + window) for t in times)


def _worst_case_window(requests: list[Sent], window: float) -> int:
    """The most requests one venue window can hold for ANY arrival between send and answer.

    Requests ``S`` can all arrive in one window [a, a + window) iff the latest send in ``S`` is
    less than a window after the earliest answer; so take each request as the one sent last and
    count those that could still be arriving within a window of it.
    """
    return max(sum(1 for m in requests if m.send <= n.send < m.answer + window) for n in requests)


async def _simulate(
    limiter_for: Callable[[SimClock], RateLimiter],
    plan: list[tuple[float, tuple[str, ...], float, float]],
    *,
    stamp_at_send: bool = False,
) -> list[Sent]:
    """Run ``plan`` (start time, keys, latency there, latency back per request) on a SimClock."""
    clock = SimClock()
    limiter = limiter_for(clock)
    counter = itertools.count()
    records: list[Sent] = []

    async def one(start: float, keys: tuple[str, ...], there: float, back: float) -> None:
        record = Sent(keys)
        records.append(record)
        await clock.sleep(start)
        record.asked = next(counter)
        acquire: Awaitable[Ticket | float] = (
            limiter.acquire(keys) if stamp_at_send else limiter.acquire_ticket(keys)
        )
        ticket = await acquire
        record.granted, record.send = next(counter), clock.now()
        await clock.sleep(there)
        record.arrival = clock.now()
        await clock.sleep(back)
        record.answer = clock.now()
        if isinstance(ticket, Ticket):
            ticket.complete()

    tasks = [asyncio.create_task(one(*step)) for step in plan]
    await clock.run(tasks)
    return records


def _limiter(quotas: dict[str, Quota]) -> Callable[[SimClock], RateLimiter]:
    return lambda clock: RateLimiter(quotas, clock=clock.now, sleeper=clock.sleep)


def _late_first_burst(q: int) -> list[tuple[float, tuple[str, ...], float, float]]:
    # H-09 under load: the first burst reaches the venue 400 ms late, the next ones at once.
    first = [(0.0, ("k",), 0.4, 0.01)] * q
    rest = [(0.0, ("k",), 0.0, 0.01)] * (2 * q)
    return first + rest


async def test_a_late_burst_never_shares_a_venue_window_with_the_next() -> None:
    q = 10
    records = await _simulate(_limiter({"k": Quota(q, WINDOW)}), _late_first_burst(q))
    assert [r.send for r in records[:q]] == [0.0] * q  # a burst of q still goes at once
    assert _most_in_window([r.arrival for r in records], WINDOW) == q
    assert _worst_case_window(records, WINDOW) == q
    # The second burst went a window after the first burst's answers, not after its sends.
    assert min(r.send for r in records[q:]) == pytest.approx(0.41 + WINDOW)


async def test_counting_send_times_alone_lets_late_arrivals_overfill_a_window() -> None:
    # The oracle above can fail: stamping at the send lets 2q share one venue window.
    q = 10
    records = await _simulate(_limiter({"k": Quota(q, WINDOW)}), _late_first_burst(q), stamp_at_send=True)
    assert _most_in_window([r.arrival for r in records], WINDOW) == 2 * q
    assert _worst_case_window(records, WINDOW) > q


plans = st.lists(
    st.tuples(
        st.floats(0.0, 3.0, allow_nan=False).map(lambda t: round(t, 3)),
        st.sampled_from([("g", "a"), ("g", "b"), ("a",), ("g",)]),
        st.floats(0.0, 0.9, allow_nan=False).map(lambda t: round(t, 3)),
        st.floats(0.0, 0.5, allow_nan=False).map(lambda t: round(t, 3)),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(plan=plans, qa=st.integers(1, 4), qg=st.integers(2, 6))
def test_no_venue_window_exceeds_any_quota_whatever_the_latency(
    plan: list[tuple[float, tuple[str, ...], float, float]], qa: int, qg: int
) -> None:
    quotas = {"a": Quota(qa, WINDOW), "b": Quota(2, 0.5), "g": Quota(qg, WINDOW)}
    records = asyncio.run(_simulate(_limiter(quotas), plan))
    for key, quota in quotas.items():
        on_key = [r for r in records if key in r.keys]
        if not on_key:
            continue
        assert _most_in_window([r.arrival for r in on_key], quota.window_s) <= quota.limit
        assert _worst_case_window(on_key, quota.window_s) <= quota.limit
        # First come, first served on a shared key: grants keep the order requests asked in.
        by_ask = sorted(on_key, key=lambda r: r.asked)
        assert [r.granted for r in by_ask] == sorted(r.granted for r in on_key)


async def test_an_unanswered_request_holds_its_place_until_answered() -> None:
    clock = SimClock()
    limiter = RateLimiter({"k": Quota(2, WINDOW)}, clock=clock.now, sleeper=clock.sleep)
    first = await limiter.acquire_ticket(["k"])
    second = await limiter.acquire_ticket(["k"])
    third = asyncio.create_task(limiter.acquire_ticket(["k"]))
    await clock.settle()  # third asks at 0.0
    clock.t = 5.0  # far beyond the window: only the answers are missing
    await clock.settle()
    assert not third.done()
    assert limiter.in_flight("k") == 2
    first.complete()
    await clock.run([third])
    # first answered at 5.0: it counts until 6.0; second is still open, so room is 1 from 6.0.
    assert third.result().granted_at == pytest.approx(6.0)
    assert third.result().waited_s == pytest.approx(6.0)
    assert limiter.in_flight("k") == 2
    second.complete()
    second.complete()  # idempotent
    assert limiter.in_flight("k") == 1


async def test_a_waiter_is_not_overtaken_on_a_shared_key_but_others_go() -> None:
    clock = SimClock()
    limiter = RateLimiter(
        {"g": Quota(5, WINDOW), "orders": Quota(1, WINDOW)}, clock=clock.now, sleeper=clock.sleep
    )
    open_order = await limiter.acquire_ticket(["g", "orders"])
    order = asyncio.create_task(limiter.acquire_ticket(["g", "orders"]))
    await clock.settle()
    behind = asyncio.create_task(limiter.acquire_ticket(["g"]))
    other = await limiter.acquire_ticket(["elsewhere"])  # unlimited key: unaffected
    await clock.settle()
    assert not order.done() and not behind.done()
    open_order.complete()
    await clock.run([order, behind])
    assert order.result().granted_at == pytest.approx(1.0)
    assert behind.result().granted_at == pytest.approx(1.0)
    assert limiter.waited_s == [0.0, 0.0, pytest.approx(1.0), pytest.approx(1.0)]
    assert other.waited_s == 0.0


async def test_a_cancelled_waiter_takes_nothing_and_the_next_moves_up() -> None:
    clock = SimClock()
    limiter = RateLimiter({"k": Quota(1, WINDOW)}, clock=clock.now, sleeper=clock.sleep)
    held = await limiter.acquire_ticket(["k"])
    first = asyncio.create_task(limiter.acquire_ticket(["k"]))
    second = asyncio.create_task(limiter.acquire_ticket(["k"]))
    await clock.settle()
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    held.complete()
    await clock.run([second])
    assert second.result().granted_at == pytest.approx(1.0)
    assert limiter.in_flight("k") == 1


async def test_ticket_completes_on_exit_even_when_the_attempt_fails() -> None:
    clock = SimClock()
    limiter = RateLimiter({"k": Quota(3, WINDOW)}, clock=clock.now, sleeper=clock.sleep)
    with pytest.raises(ConnectionError), await limiter.acquire_ticket(["k"]) as ticket:
        assert not ticket.completed
        clock.t = 0.25
        raise ConnectionError("no answer")
    assert ticket.completed_at == 0.25
    assert limiter.in_flight("k") == 0


async def test_next_slot_counts_open_tickets_as_answered_now() -> None:
    clock = SimClock()
    limiter = RateLimiter({"k": Quota(2, WINDOW)}, clock=clock.now, sleeper=clock.sleep)
    await limiter.acquire_ticket(["k"])
    done = await limiter.acquire_ticket(["k"])
    clock.t = 0.5
    done.complete()
    clock.t = 0.75
    # One place must free up: the open one, taken as answered now, leaves at 1.75; the one
    # answered at 0.5 leaves at 1.5.
    assert limiter.next_slot(["k"]) == pytest.approx(1.5)
    assert limiter.next_slot(["unlimited"]) == pytest.approx(0.75)
