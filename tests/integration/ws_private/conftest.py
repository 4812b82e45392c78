"""pybit's ``WebSocket(channel_type="private")`` and ``WebSocketTrading`` driven unchanged against a
running simulator.

The simulator runs in the test's event loop on a real clock (pybit signs ``expires`` and
``X-BAPI-TIMESTAMP`` with the wall clock). The only thing changed on pybit is where it connects:
``_connect(url)`` is given the simulator's URL instead of the venue's template, the alternative
§1.4 of the reference names (reconnects call ``_connect(self.endpoint)``, which is then the local
URL too). pybit's constructors block until the socket is open, so they run in a worker thread.

pybit sends a subscribe or trade request *before* it registers the callback for the reply (§1.4:
a very fast local venue can answer first and the reply is dropped, or pybit's socket thread dies
on a ``KeyError``). The tests call pybit's subscribe and order methods on the event loop's own
thread instead: the call returns (request sent, callback registered) before the loop, which runs
the simulator, can read the request. That removes the race instead of retrying around it.

pybit's callbacks run in its socket threads; :class:`Inbox` hands each message to the event loop
through a queue, and tests wait on it with a deadline (no sleeps).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.server.journal.match import SubscriptionMatch
from simulator.testing import SimulatorFactory, simulator  # noqa: F401  (the fixture)
from tests.integration.pybit_local import LocalWebSocket, LocalWebSocketTrading

SCENARIO = """
version: 1
dialect: bybit
name: ws-private
clock: {mode: real}
seed: 5
instruments:
  - {symbol: BTCUSDT, kind: spot, base: BTC, quote: USDT, tick_size: "0.01", lot_size: "0.000001",
     min_qty: "0.000011", max_qty: "83", min_notional: "5", maker_fee: "0.001", taker_fee: "0.001",
     price: "100000.00"}
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
accounts:
  - id: trader
    balances: {USDT: "100000", BTC: "2"}
    api_keys: [{key: WSPRIVATEKEY0001, secret: WSPRIVATESECRET0000000000000001}]
  - id: bystander
    balances: {USDT: "100000"}
    api_keys: [{key: WSBYSTANDERKEY01, secret: WSBYSTANDERSECRET00000000000001}]
books:
  - {instrument: spot:BTCUSDT, generate: {levels: 10, qty: "0.01", qty_max: "0.5"}}
  - {instrument: linear:BTCUSDT, generate: {levels: 10, qty: "0.05", qty_max: "1.5"}}
"""

#: API key and secret per account of the scenario.
KEYS = {
    "trader": ("WSPRIVATEKEY0001", "WSPRIVATESECRET0000000000000001"),
    "bystander": ("WSBYSTANDERKEY01", "WSBYSTANDERSECRET00000000000001"),
}
#: How long a test waits for any one message.
DEADLINE_S = 5.0


class Inbox:
    """Messages from pybit callbacks (any thread), received on the event loop with a deadline."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def callback(self, message: dict[str, Any]) -> None:
        """Give this to pybit as a callback."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, message)

    async def next(self, timeout: float = DEADLINE_S) -> dict[str, Any]:
        return await asyncio.wait_for(self._queue.get(), timeout)

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = DEADLINE_S
    ) -> dict[str, Any]:
        """The first message meeting ``predicate`` (earlier ones are dropped), within ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self._queue.get()
                if predicate(message):
                    return message

    def pending(self) -> list[dict[str, Any]]:
        """Every message received and not yet taken, without waiting."""
        found = []
        while not self._queue.empty():
            found.append(self._queue.get_nowait())
        return found


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:  # noqa: F811
    async with simulator(parse_scenario(SCENARIO, name="ws-private.yaml")) as running:
        yield running


@pytest.fixture
def make_inbox() -> Callable[[], Inbox]:
    return Inbox


@pytest.fixture
async def clients(sim: Simulator) -> AsyncIterator[list[Any]]:
    """pybit clients to close at teardown, before the simulator stops (``exit`` blocks until the
    close handshake, which the simulator answers on this loop: hence a worker thread)."""
    made: list[Any] = []
    yield made
    for client in made:
        await asyncio.to_thread(client.exit)


PrivateStream = Callable[[str, dict[str, Inbox]], Awaitable[LocalWebSocket]]
TradeStream = Callable[[str], Awaitable[LocalWebSocketTrading]]


@pytest.fixture
def private_stream(sim: Simulator, clients: list[Any]) -> PrivateStream:
    """``await private_stream(account, {topic: inbox})``: a pybit private socket with the account's
    key and a callback per topic (order, execution, position, wallet), returned once the
    simulator's journal shows every topic subscribed."""

    async def open_stream(account: str, topics: dict[str, Inbox]) -> LocalWebSocket:
        key, secret = KEYS[account]
        ws = await asyncio.to_thread(
            LocalWebSocket,
            sim.ws_url("/v5/private"),
            channel_type="private",
            testnet=False,
            api_key=key,
            api_secret=secret,
        )
        clients.append(ws)
        mark = sim.journal.mark()
        streams = {
            "order": ws.order_stream,
            "execution": ws.execution_stream,
            "position": ws.position_stream,
            "wallet": ws.wallet_stream,
        }
        for topic, inbox in topics.items():
            streams[topic](inbox.callback)  # on the loop's thread: see the module docstring
        for topic in topics:
            await sim.journal.wait_for(
                SubscriptionMatch(topic=topic, outcome="ok", path="/v5/private"), DEADLINE_S, since=mark
            )
        return ws

    return open_stream


@pytest.fixture
def trade_stream(sim: Simulator, clients: list[Any]) -> TradeStream:
    """``await trade_stream(account)``: a pybit trade socket with the account's key."""

    async def open_stream(account: str = "trader") -> LocalWebSocketTrading:
        key, secret = KEYS[account]
        ws = await asyncio.to_thread(
            LocalWebSocketTrading, sim.ws_url("/v5/trade"), testnet=False, api_key=key, api_secret=secret
        )
        clients.append(ws)
        return ws

    return open_stream
