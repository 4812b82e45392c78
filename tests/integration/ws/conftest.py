"""The simulator's Bybit WebSocket side over real sockets: aiohttp clients and pybit's ``WebSocket``.

The simulator runs in the test's event loop; clients connect over loopback. Most tests use a
virtual clock, so book cadence is driven by ``sim.advance`` (a push due now goes out at the next
turn of the loop, a push within the cadence window when the clock reaches it). Tests wait on
frames or on the journal, never on sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import orjson
import pytest

from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)

#: One market per category worth streaming, one trader with a key, no synthetic flow.
SCENARIO = """
version: 1
dialect: bybit
name: ws
clock: {mode: virtual}
seed: 7
instruments:
  - {symbol: BTCUSDT, kind: spot, base: BTC, quote: USDT, tick_size: "0.01", lot_size: "0.000001",
     min_qty: "0.000011", max_qty: "83", min_notional: "5", price: "100000.00"}
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
  - {symbol: BTCUSD, kind: inverse_perpetual, base: BTC, quote: USD, tick_size: "0.50", lot_size: "1",
     min_qty: "1", max_qty: "1000000", last_price: "100000.00", mark_price: "100000.50",
     index_price: "100001.00"}
  - {symbol: "BTC-{expiry}-95000-C-USDT", ref: option:C95, kind: option, base: BTC, quote: USDT,
     tick_size: "5", lot_size: "0.01", min_qty: "0.01", max_qty: "500", expiry: +7d@fri08:00,
     strike: "95000", option_kind: call, last_price: "5900", mark_price: "5900", index_price: "100000"}
accounts:
  - id: trader
    balances: {USDT: "1000000", BTC: "10"}
    api_keys: [{key: WSKEY000001, secret: WSSECRET0000000000000000000001}]
books:
  - {instrument: spot:BTCUSDT, generate: {levels: 60, qty: "0.01", qty_max: "0.5"}}
  - {instrument: linear:BTCUSDT, generate: {levels: 60, qty: "0.05", qty_max: "1.5"}}
  - {instrument: inverse:BTCUSD, generate: {levels: 10, qty: "1000", qty_max: "50000"}}
  - {instrument: option:C95, generate: {levels: 5, spread_ticks: 4, qty: "0.1", qty_max: "2"}}
"""

#: How long a test waits for one frame before failing.
FRAME_TIMEOUT_S = 5.0


def scenario(**overrides: Any) -> Any:
    text = SCENARIO
    for key, value in overrides.items():
        text = text.replace(key, value)
    return parse_scenario(text, name="ws.yaml")


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:  # noqa: F811
    async with simulator(scenario()) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Client:
    """A thin aiohttp WebSocket client: send JSON, read the next JSON (or frame) with a deadline."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def send(self, message: Any) -> None:
        await self.ws.send_str(message if isinstance(message, str) else orjson.dumps(message).decode())

    async def frame(self) -> aiohttp.WSMessage:
        return await self.ws.receive(timeout=FRAME_TIMEOUT_S)

    async def json(self) -> Any:
        msg = await self.frame()
        assert msg.type is aiohttp.WSMsgType.TEXT, f"expected a text frame, got {msg.type}: {msg.data!r}"
        return orjson.loads(msg.data)

    async def until(self, predicate: Callable[[Any], bool]) -> Any:
        """The next JSON message meeting ``predicate`` (others are skipped)."""
        while True:
            message = await self.json()
            if predicate(message):
                return message

    async def request(self, message: dict[str, Any]) -> Any:
        await self.send(message)
        return await self.json()


async def connect(http: aiohttp.ClientSession, sim: Simulator, path: str, **kwargs: Any) -> Client:
    ws = await http.ws_connect(sim.ws_url(path), autoping=kwargs.pop("autoping", True), **kwargs)
    return Client(ws)
