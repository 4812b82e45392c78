"""pybit (HTTP, public and private WebSocket) recorded through the proxy in front of the simulator,
then replayed with the simulator gone: every answer and every stream message the same, in order,
including the public stream's transport dropped mid-stream and pybit's reconnect after it.

pybit's WebSocket constructors block until the socket is open, so they run in a worker thread;
its subscribe calls run on the loop's thread, so the request is sent and its callback registered
before the server (on this loop) can answer (see tests/integration/ws_private/conftest.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pybit.unified_trading import HTTP

from simulator.cassette import load
from simulator.server.journal import WsClose
from tests.integration.cassette.simulator_rig import DEADLINE_S, Hooks, Inbox, Venue, record_then_replay
from tests.integration.pybit_local import LocalWebSocket

SCENARIO = """
version: 1
dialect: bybit
name: record-replay-pybit
clock: {mode: real}
seed: 11
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5",
     last_price: "100000.10", mark_price: "100000.50", index_price: "100001.20", funding_rate: "0.0001"}
accounts:
  - id: trader
    balances: {USDT: "100000"}
    api_keys: [{key: RRPYBITKEY000001, secret: RRPYBITSECRET000000000000000001}]
books:
  - {instrument: linear:BTCUSDT, generate: {levels: 5, qty: "0.05", qty_max: "1.5"}}
"""
KEY, SECRET = "RRPYBITKEY000001", "RRPYBITSECRET000000000000000001"
BOOK = "orderbook.50.BTCUSDT"
D = Decimal


async def call(method: Callable[..., Any], **params: Any) -> Any:
    return await asyncio.wait_for(asyncio.to_thread(method, **params), DEADLINE_S)


def bids(message: dict[str, Any]) -> set[Decimal]:
    return {Decimal(price) for price, _ in message["data"]["b"]}


async def pybit_flow(venue: Venue, hooks: Hooks) -> dict[str, list[Any]]:
    """Market data and an order over HTTP; the book and order streams; the book socket dropped."""
    http = HTTP(api_key=KEY, api_secret=SECRET, timeout=5)
    http.endpoint = venue.rest_url
    public = await asyncio.to_thread(
        LocalWebSocket, venue.ws_url("/v5/public/linear"), channel_type="linear", testnet=False
    )
    private = await asyncio.to_thread(
        LocalWebSocket,
        venue.ws_url("/v5/private"),
        channel_type="private",
        testnet=False,
        api_key=KEY,
        api_secret=SECRET,
    )
    book, orders = Inbox(), Inbox()
    answers: list[Any] = []
    try:
        public.orderbook_stream(50, "BTCUSDT", book.callback)
        private.order_stream(orders.callback)
        await hooks.subscribed(BOOK, "/v5/public/linear")
        await hooks.subscribed("order", "/v5/private")
        await book.until(lambda m: True)  # the snapshot
        answers.append(await call(http.get_tickers, category="linear", symbol="BTCUSDT"))
        answers.append(await call(http.get_wallet_balance, accountType="UNIFIED"))

        first = await call(
            http.place_order, category="linear", symbol="BTCUSDT", side="Buy", orderType="Limit",
            qty="0.01", price="99000",
        )  # fmt: skip
        answers.append(first)
        await orders.until(lambda m: m["data"][0]["orderId"] == first["result"]["orderId"])
        await book.until(lambda m: D("99000") in bids(m))

        # The next book push drops the public socket without a close frame: pybit reconnects,
        # subscribes again and gets a fresh snapshot.
        hooks.arm({"kind": "drop_connection"}, channel="ws", op="push", topic="orderbook.50.*")
        second = await call(
            http.place_order, category="linear", symbol="BTCUSDT", side="Buy", orderType="Limit",
            qty="0.01", price="98000",
        )  # fmt: skip
        answers.append(second)
        await orders.until(lambda m: m["data"][0]["orderId"] == second["result"]["orderId"])
        await book.until(lambda m: {D("99000"), D("98000")} <= bids(m))
        answers.append(await call(http.get_open_orders, category="linear", symbol="BTCUSDT"))
    finally:
        await asyncio.to_thread(public.exit)
        await asyncio.to_thread(private.exit)
        http.client.close()
    return {"http": answers, "book": book.seen, "orders": orders.seen}


async def test_pybit_sees_the_same_answers_and_streams_on_replay_across_a_dropped_socket(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pybit.jsonl"
    recorded, replayed, sim, stats = await record_then_replay(SCENARIO, path, pybit_flow)

    # The record run really went through the simulator, and its book socket really dropped.
    assert len(sim.journal.http()) == len(recorded["http"])
    book_closes = [
        entry for entry in sim.journal.entries()
        if isinstance(entry, WsClose) and entry.fault is not None
    ]  # fmt: skip
    assert len(book_closes) == 1 and book_closes[0].code is None
    closes = load(path).of_type("ws_close")
    assert ("transport-abort", "server") in [(c["closed_by"], c["aborted_side"]) for c in closes]
    assert [e["path"] for e in load(path).of_type("ws_open")].count("/v5/public/linear") == 2

    assert stats["ws_replayed"] == 3 and stats["rest_replayed"] == len(recorded["http"])
    # Message by message, the replay is the recording.
    assert replayed["http"] == recorded["http"]
    assert replayed["orders"] == recorded["orders"]
    assert replayed["book"] == recorded["book"]
    assert len(recorded["book"]) >= 3 and len(recorded["orders"]) >= 2
    assert recorded["http"][-1]["result"]["list"]  # two resting orders: the state moved

    data = path.read_bytes()
    assert KEY.encode() not in data and SECRET.encode() not in data
