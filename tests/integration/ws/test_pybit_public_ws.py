"""pybit's ``WebSocket`` public streams, unchanged, against the simulator (spot and linear).

pybit connects through its own ``_connect``, given the simulator's URL (reference §1.4). Its
constructor blocks until the socket is open, so it runs in a worker thread; subscribe calls run
on the event loop's thread, so the request is sent and its callback registered before the
simulator (on this loop) can answer: pybit's own send-before-register race cannot happen.
Callbacks run in pybit's socket thread and hand each message to the loop through a queue.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

from simulator.core import NewOrder, OrderType, Side, TimeInForce
from simulator.server import Simulator
from tests.integration.pybit_local import LocalWebSocket

D = Decimal
#: An order size above each market's minimum quantity and notional.
QTY = {"spot": D("0.001"), "linear": D("0.010")}
DEADLINE_S = 5.0


class Inbox:
    """pybit callback -> asyncio queue on the test's loop."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def __call__(self, message: dict[str, Any]) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, message)

    async def next(self, where: Callable[[dict[str, Any]], bool] = lambda m: True) -> dict[str, Any]:
        while True:
            message = await asyncio.wait_for(self.queue.get(), DEADLINE_S)
            if where(message):
                return message


@pytest.fixture
async def streams(sim: Simulator) -> AsyncIterator[Callable[[str], Any]]:
    opened: list[LocalWebSocket] = []

    async def open_stream(channel: str) -> LocalWebSocket:
        url = sim.ws_url(f"/v5/public/{channel}")
        ws = await asyncio.to_thread(LocalWebSocket, url, channel_type=channel, testnet=False)
        opened.append(ws)
        return ws

    yield open_stream
    for ws in opened:
        await asyncio.to_thread(ws.exit)


def as_book(levels: list[list[str]]) -> dict[D, D]:
    return {D(price): D(qty) for price, qty in levels}


@pytest.mark.parametrize("channel", ["spot", "linear"])
async def test_pybit_keeps_the_venue_book_at_depth_1_and_50(
    sim: Simulator, streams: Callable[[str], Any], channel: str
) -> None:
    iid = f"{channel}:BTCUSDT"
    ws = await streams(channel)
    books = {1: Inbox(), 50: Inbox()}
    for depth, inbox in books.items():
        ws.orderbook_stream(depth, "BTCUSDT", inbox)
    for depth, inbox in books.items():
        first = await inbox.next()
        assert first["data"]["u"] >= 1
        assert as_book(first["data"]["b"]) == dict(sim.exchange.book(iid, depth).bids)
    best, qty = sim.exchange.book(iid, 1).bids[0]
    assert sim.exchange.place_order(NewOrder("trader", iid, Side.BUY, OrderType.LIMIT, QTY[channel], best)).ok
    seq = sim.exchange.book(iid, 50).seq
    for depth, inbox in books.items():
        # pybit merges deltas into its own copy and hands it over; it must equal the venue's book.
        merged = await inbox.next(lambda m: m["data"]["seq"] == seq)
        venue = sim.exchange.book(iid, depth)
        assert as_book(merged["data"]["b"]) == dict(venue.bids)
        assert as_book(merged["data"]["a"]) == dict(venue.asks)
        assert as_book(merged["data"]["b"])[best] == qty + QTY[channel]


@pytest.mark.parametrize("channel", ["spot", "linear"])
async def test_pybit_trades_tickers_and_klines(
    sim: Simulator, streams: Callable[[str], Any], channel: str
) -> None:
    iid = f"{channel}:BTCUSDT"
    ws = await streams(channel)
    trades, tickers, klines = Inbox(), Inbox(), Inbox()
    ws.trade_stream("BTCUSDT", trades)
    ws.ticker_stream("BTCUSDT", tickers)
    ws.kline_stream(1, "BTCUSDT", klines)
    snapshot = await tickers.next()
    assert snapshot["data"]["symbol"] == "BTCUSDT"
    assert ("usdIndexPrice" in snapshot["data"]) is (channel == "spot")
    await klines.next()
    ask = sim.exchange.book(iid, 1).asks[0][0]
    qty = QTY[channel]
    # A limit IOC at the ask takes exactly qty (a spot market buy would spend quote coin).
    order = NewOrder("trader", iid, Side.BUY, OrderType.LIMIT, qty, ask, time_in_force=TimeInForce.IOC)
    assert sim.exchange.place_order(order).ok
    trade = await trades.next()
    (item,) = trade["data"]
    assert item["S"] == "Buy" and D(item["p"]) == ask and D(item["v"]) == qty
    assert item["i"] == sim.exchange.market(iid).trades[-1].trade_id
    kline = await klines.next(lambda m: D(m["data"][0]["volume"]) > 0)
    assert D(kline["data"][0]["close"]) == ask and kline["data"][0]["confirm"] is False
    ticker = await tickers.next(lambda m: "volume24h" in m["data"] and D(m["data"]["volume24h"]) > 0)
    assert D(ticker["data"]["volume24h"]) == qty
