"""Venue time: the real-clock timer driver, the virtual clock, and reset of the clock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiohttp import ClientSession

from simulator.core import FundingApplied, OrderExpired, SourceClock, VirtualClock
from simulator.scenario import Scenario
from simulator.server import Simulator

ALICE = {"X-Fake-Key": "alice-key"}


async def _next(sim: Simulator, kind: type, timeout: float = 5.0) -> object:
    """The next exchange event of ``kind``, waited for with a deadline (no polling)."""
    loop = asyncio.get_running_loop()
    found: asyncio.Future[object] = loop.create_future()

    def listener(event: object) -> None:
        if isinstance(event, kind) and not found.done():
            found.set_result(event)

    unsubscribe = sim.subscribe(listener)
    try:
        return await asyncio.wait_for(found, timeout)
    finally:
        unsubscribe()


async def test_the_real_clock_driver_fires_funding(
    dialect: object, make_scenario: Callable[..., Scenario]
) -> None:
    async with Simulator(make_scenario(funding="1", clock="real"), dialect=dialect) as sim:  # type: ignore[arg-type]
        assert isinstance(sim.clock, SourceClock)
        event = await _next(sim, FundingApplied)
        assert isinstance(event, FundingApplied) and event.account_id == "alice"


async def test_the_driver_wakes_for_an_earlier_timer_a_request_scheduled(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    # Funding is 8 h away: the driver sleeps until then unless a request's GTD order pokes it.
    async with Simulator(make_scenario(clock="real"), dialect=dialect) as sim:  # type: ignore[arg-type]
        expired = asyncio.ensure_future(_next(sim, OrderExpired))
        expire_ns = time.time_ns() + 200_000_000
        order = {"side": "buy", "qty": "0.01", "price": "29000", "expire_ns": expire_ns}
        async with client.post(f"{sim.rest_url}/fake/private/order", json=order, headers=ALICE) as response:
            order_id = (await response.json())["order_id"]
        event = await expired
        assert isinstance(event, OrderExpired) and event.order.order_id == order_id
        assert event.ts_ns >= expire_ns
        assert sim.exchange.open_orders("alice") == []


async def test_a_virtual_clock_moves_only_when_advanced(sim: Simulator) -> None:
    assert isinstance(sim.clock, VirtualClock) and sim.is_virtual
    start = sim.now_ms()
    assert sim.now_ms() == start == 1767571200000
    events = sim.advance(8 * 3600)
    assert any(isinstance(e, FundingApplied) for e in events)
    assert sim.now_ms() == start + 8 * 3600 * 1000


async def test_a_virtual_clock_without_a_start_begins_now(
    dialect: object, make_scenario: Callable[..., Scenario]
) -> None:
    before = time.time_ns() // 1_000_000
    scenario = make_scenario(clock="real")
    async with Simulator(scenario, dialect=dialect, clock="virtual") as sim:  # type: ignore[arg-type]
        assert sim.is_virtual and before <= sim.now_ms() <= time.time_ns() // 1_000_000


async def test_a_given_clock_object_is_used(dialect: object, make_scenario: Callable[..., Scenario]) -> None:
    clock = VirtualClock(1_800_000_000_000_000_000)
    async with Simulator(make_scenario(), dialect=dialect, clock=clock) as sim:  # type: ignore[arg-type]
        assert sim.clock is clock and sim.exchange.clock is clock
        sim.advance(1)
        assert clock.now_ns() == 1_800_000_001_000_000_000
