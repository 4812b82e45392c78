"""Bybit's official Python SDK, pybit, driven unchanged against a running simulator.

The simulator runs in the test's event loop, on a real clock (pybit signs with the wall clock),
and pybit's synchronous ``HTTP`` client runs in a worker thread (``asyncio.to_thread``). The only thing
changed on pybit is where it points: ``session.endpoint = sim.rest_url``, as
``shared/reference/bybit-v5.md`` §1.4 says. Every simulator here validates its answers against the
dialect's JSON Schemas (the ``simulator`` fixture's default), so a schema mismatch fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from pybit.unified_trading import HTTP

from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

#: What the venue holds: every category, small books, one trader with a long and a short, no flow.
SCENARIO = """
version: 1
dialect: bybit
name: pybit
clock: {mode: real}
seed: 11
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
  - &option
    symbol: BTC-{expiry}-95000-C-USDT
    ref: option:C95
    kind: option
    base: BTC
    quote: USDT
    tick_size: "5"
    lot_size: "0.01"
    min_qty: "0.01"
    max_qty: "500"
    maker_fee: "0.0003"
    taker_fee: "0.0003"
    expiry: +7d@fri08:00
    strike: "95000"
    option_kind: call
    last_price: "5900"
    mark_price: "5900"
    index_price: "100000"
  - {<<: *option, symbol: "BTC-{expiry}-95000-P-USDT", ref: option:P95, option_kind: put,
     last_price: "900", mark_price: "900"}
  - {<<: *option, symbol: "BTC-{expiry}-105000-C-USDT", ref: option:C105, strike: "105000",
     last_price: "1000", mark_price: "1000"}
  - {<<: *option, symbol: "BTC-{expiry}-105000-P-USDT", ref: option:P105, strike: "105000",
     option_kind: put, last_price: "6000", mark_price: "6000"}
  - {<<: *option, symbol: "BTC-{expiry}-95000-C-USDT", ref: option:C95-monthly, expiry: +28d@fri08:00,
     last_price: "8290", mark_price: "8290"}
accounts:
  - id: trader
    balances: {USDT: "100000", USDC: "5000", BTC: "2"}
    api_keys: [{key: PYBITKEY0001, secret: PYBITSECRET00000000000000000001}]
    positions:
      - {instrument: linear:BTCUSDT, size: "0.5", entry_price: "99000"}
      - {instrument: inverse:BTCUSD, size: "-1000", entry_price: "101000"}
books:
  - {instrument: spot:BTCUSDT, generate: {levels: 10, qty: "0.01", qty_max: "0.5"}}
  - {instrument: linear:BTCUSDT, generate: {levels: 10, qty: "0.05", qty_max: "1.5"}}
  - {instrument: inverse:BTCUSD, generate: {levels: 10, qty: "1000", qty_max: "50000"}}
  - {instrument: option:C95, generate: {levels: 5, spread_ticks: 4, qty: "0.1", qty_max: "2"}}
# One request a second on account/info, so a second call in a row meets the venue's 10006.
limits: {account/info: 1}
"""

#: pybit's own timeout on each HTTP request.
PYBIT_TIMEOUT_S = 5


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:  # noqa: F811
    async with simulator(parse_scenario(SCENARIO, name="pybit.yaml")) as running:
        assert running.dialect.validate_responses  # type: ignore[attr-defined]
        yield running


@pytest.fixture
def session(sim: Simulator) -> Iterator[HTTP]:
    """pybit's HTTP client with the trader's key, pointed at the simulator and nothing else changed."""
    creds = sim.credentials
    assert creds is not None and creds.account_id == "trader"
    http = HTTP(testnet=False, api_key=creds.api_key, api_secret=creds.api_secret, timeout=PYBIT_TIMEOUT_S)
    http.endpoint = sim.rest_url
    yield http
    http.client.close()
