"""Historical bars by the venue's clock (conformance H-15): the venue runs minutes ahead of this host
(a virtual clock moved forward), and the adapter still answers every closed candle and never the
one still forming, with or without an end bound."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from uuid import uuid4

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.factory import AdapterClients
from adapters.contract.sink import RecordingSink
from adapters.model.data import BarType
from simulator.core import Side
from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.testing import SimulatorFactory

from .conftest import endpoints

SCENARIO = """
version: 1
dialect: bybit
name: bars-clock
clock: {mode: virtual}
seed: 3
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", last_price: "100.0", mark_price: "100.0",
     index_price: "100.0"}
"""
MINUTE_NS = 60 * 10**9
BAR_TYPE = BarType.from_str("BTCUSDT-LINEAR.BYBIT-1-MINUTE-LAST-EXTERNAL")


@pytest.fixture
async def venue(
    simulator: SimulatorFactory,
) -> AsyncIterator[tuple[Simulator, AdapterClients, RecordingSink]]:
    async with simulator(parse_scenario(SCENARIO, name="bars-clock.yaml")) as sim:
        sink = RecordingSink()
        clients = BybitAdapterFactory().create(endpoints(sim), None, sink, {"product_types": ("linear",)})
        try:
            yield sim, clients, sink
        finally:
            await clients.data.disconnect()


async def test_closed_bars_are_judged_by_the_venue_clock(
    venue: tuple[Simulator, AdapterClients, RecordingSink],
) -> None:
    sim, clients, sink = venue
    await clients.data.connect()
    core = sim.instrument_id("linear:BTCUSDT")
    sim.advance(600)  # the venue now runs 10 minutes ahead of this host
    now = sim.clock.now_ns()
    sim.advance((MINUTE_NS - now % MINUTE_NS) / 1e9 + 1)
    first_minute = sim.clock.now_ns() // MINUTE_NS * MINUTE_NS
    for price in ("101.0", "102.0", "103.0"):  # three closed minutes
        sim.exchange.record_trade(core, price, "0.01", Side.BUY)
        sim.advance(60)
    sim.exchange.record_trade(core, "150.0", "0.01", Side.BUY)  # the candle still forming
    sim.advance(1)

    correlation = uuid4()
    await clients.data.request_bars(BAR_TYPE, correlation_id=correlation, start_ns=first_minute, limit=2)
    response = sink.response(correlation)
    assert response is not None
    assert [b.close.as_decimal() for b in response.data] == [Decimal("102.0"), Decimal("103.0")]

    correlation = uuid4()
    end = sim.clock.now_ns()
    await clients.data.request_bars(BAR_TYPE, correlation_id=correlation, start_ns=first_minute, end_ns=end)
    response = sink.response(correlation)
    assert response is not None
    assert [b.close.as_decimal() for b in response.data] == [
        Decimal("101.0"),
        Decimal("102.0"),
        Decimal("103.0"),
    ]
