"""The Bybit reference adapter end to end against a running simulator.

The simulator runs on a real clock (the adapter signs with the wall clock, as it would against
Bybit) in the test's event loop; the adapter is built by its factory from the simulator's URLs,
exactly as the conformance suite builds it, and publishes to a RecordingSink the tests await on.
Tests import the simulator to seed and inspect the venue; the adapter never does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.capabilities import Product
from adapters.contract.factory import AdapterClients, Credentials, Endpoints
from adapters.contract.sink import RecordingSink
from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

#: Every category, books on each, a trader with a long linear and a short inverse position.
SCENARIO = """
version: 1
dialect: bybit
name: bybit-adapter
clock: {mode: real}
seed: 5
instruments:
  - {symbol: BTCUSDT, kind: spot, base: BTC, quote: USDT, tick_size: "0.01", lot_size: "0.000001",
     min_qty: "0.000011", max_qty: "83", min_notional: "5", maker_fee: "0.001", taker_fee: "0.001",
     price: "100000.00"}
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
  - {symbol: "BTCUSDT-{expiry_padded}", ref: linear:BTCUSDT-quarterly, kind: linear_future, base: BTC,
     quote: USDT, tick_size: "0.50", lot_size: "0.001", min_qty: "0.001", max_qty: "500",
     min_notional: "5", expiry: +90d@fri08:00, price: "101500.00"}
  - {symbol: BTCUSD, kind: inverse_perpetual, base: BTC, quote: USD, tick_size: "0.50", lot_size: "1",
     min_qty: "1", max_qty: "1000000", last_price: "100000.00", mark_price: "100000.50",
     index_price: "100001.00"}
  - {symbol: "BTC-{expiry}-95000-C-USDT", ref: option:C95, kind: option, base: BTC, quote: USDT,
     tick_size: "5", lot_size: "0.01", min_qty: "0.01", max_qty: "500", maker_fee: "0.0003",
     taker_fee: "0.0003", expiry: +7d@fri08:00, strike: "95000", option_kind: call,
     last_price: "5900", mark_price: "5900", index_price: "100000"}
accounts:
  - id: trader
    balances: {USDT: "100000", BTC: "2"}
    api_keys: [{key: ADAPTERKEY01, secret: ADAPTERSECRET000000000000000001}]
    positions:
      - {instrument: linear:BTCUSDT, size: "0.5", entry_price: "99000"}
      - {instrument: inverse:BTCUSD, size: "-1000", entry_price: "101000"}
books:
  - {instrument: spot:BTCUSDT, generate: {levels: 10, qty: "0.01", qty_max: "0.5"}}
  - {instrument: linear:BTCUSDT, generate: {levels: 10, qty: "0.05", qty_max: "1.5"}}
  - {instrument: inverse:BTCUSD, generate: {levels: 10, qty: "1000", qty_max: "50000"}}
  - {instrument: option:C95, generate: {levels: 5, spread_ticks: 4, qty: "0.1", qty_max: "2"}}
"""

#: How long a test waits for one expected record.
WAIT_S = 5.0


@dataclass
class Rig:
    """A running simulator and the adapter built for it."""

    sim: Simulator
    sink: RecordingSink
    clients: AdapterClients


def endpoints(sim: Simulator) -> Endpoints:
    """The simulator's URLs in the contract's shape."""
    return Endpoints(
        rest_base_url=sim.rest_url,
        ws_public={
            Product.SPOT: sim.ws_url("/v5/public/spot"),
            Product.LINEAR: sim.ws_url("/v5/public/linear"),
            Product.INVERSE: sim.ws_url("/v5/public/inverse"),
            Product.OPTION: sim.ws_url("/v5/public/option"),
        },
        ws_private=sim.ws_url("/v5/private"),
        ws_trade=sim.ws_url("/v5/trade"),
    )


@pytest.fixture
async def rig(simulator: SimulatorFactory) -> AsyncIterator[Rig]:  # noqa: F811
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter.yaml")) as sim:
        creds = sim.credentials
        assert creds is not None
        sink = RecordingSink()
        clients = BybitAdapterFactory().create(
            endpoints(sim), Credentials(creds.api_key, creds.api_secret), sink, {"settle_coins": ("USDT",)}
        )
        try:
            yield Rig(sim, sink, clients)
        finally:
            await clients.data.disconnect()
            if clients.execution is not None:
                await clients.execution.disconnect()
