"""Level-1 re-pushes on the venue clock, and open connections across ``Simulator.reset``.

A reset must look like a fresh venue to every open connection: books restart from a ``u=1``
snapshot (§7.5: ``u=1`` means the service restarted), kline candle closes and
``max_active_time`` keep running on the new clock, and private and trade sessions work on the
new exchange. "Nothing was sent" is proven by a ping answered first (frames are in order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.dialects.bybit.auth import ws_auth_args
from simulator.server import Simulator
from tests.integration.ws.conftest import Client, connect
from tests.integration.ws.test_ws_input import auth_message

D = Decimal
LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"


def bump_best_bid(sim: Simulator, iid: str, qty: str) -> None:
    best = sim.exchange.book(iid, 1).bids[0][0]
    assert sim.exchange.place_order(NewOrder("trader", iid, Side.BUY, OrderType.LIMIT, qty, best)).ok


async def nothing_pending(client: Client, pong_op: str = "ping") -> None:
    """Barrier: the answer to a ping is the next frame, so nothing was pushed before it."""
    answer = await client.request({"op": "ping"})
    assert answer["op"] == pong_op, f"a push arrived before the pong: {answer}"


async def test_level_1_book_repushes_its_snapshot_after_3_quiet_seconds(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/spot")
    await client.request({"op": "subscribe", "args": ["orderbook.1.BTCUSDT"]})
    first = await client.json()
    assert first["data"]["u"] == 1
    sim.advance(2.999)
    await nothing_pending(client)
    sim.advance(0.001)
    again = await client.json()
    assert again["type"] == "snapshot" and again["data"] == first["data"]  # same levels, same u
    assert again["ts"] == first["ts"] + 3000
    sim.advance(3)  # still quiet: every 3 s
    assert (await client.json())["data"] == first["data"]
    # A change is pushed at once; the quiet spell counts from it.
    sim.advance(1)
    bump_best_bid(sim, SPOT, "0.01")
    changed = await client.json()
    assert changed["data"]["u"] == 2 and D(changed["data"]["b"][0][1]) > D(first["data"]["b"][0][1])
    sim.advance(2.999)
    await nothing_pending(client)
    sim.advance(0.001)
    assert (await client.json())["data"] == changed["data"]
    # One long virtual-clock jump re-pushes once, not once per 3 s it skipped over.
    sim.advance(3600)
    assert (await client.json())["data"] == changed["data"]
    await nothing_pending(client)
    # Deeper books have no such re-push.
    deep = await connect(http, sim, "/v5/public/linear")
    await deep.request({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
    assert (await deep.json())["type"] == "snapshot"
    sim.advance(3.5)
    await nothing_pending(deep)
    # After unsubscribing, the level-1 stream stays quiet.
    await client.send({"op": "unsubscribe", "args": ["orderbook.1.BTCUSDT"]})
    assert (await client.until(lambda m: m.get("op") == "unsubscribe"))["success"] is True
    sim.advance(6)
    await nothing_pending(client)


async def test_reset_restarts_books_at_u1_and_keeps_candle_closes(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/linear")
    await client.request({"op": "subscribe", "args": ["orderbook.50.BTCUSDT", "kline.1.BTCUSDT"]})
    assert (await client.until(lambda m: m["topic"].startswith("orderbook")))["data"]["u"] == 1
    bump_best_bid(sim, LINEAR, "0.2")
    assert (await client.until(lambda m: m["topic"].startswith("orderbook")))["data"]["u"] == 2
    sim.reset()
    fresh = await client.until(lambda m: m["topic"].startswith("orderbook"))
    assert fresh["type"] == "snapshot" and fresh["data"]["u"] == 1
    book = sim.exchange.book(LINEAR, 50)
    assert [[D(p), D(q)] for p, q in fresh["data"]["b"]] == [[p, q] for p, q in book.bids]
    assert fresh["data"]["seq"] == book.seq
    bump_best_bid(sim, LINEAR, "0.3")
    sim.advance(0.02)  # the snapshot was a push: the next waits for the 20 ms cadence
    delta = await client.until(lambda m: m["topic"].startswith("orderbook"))
    assert delta["type"] == "delta" and delta["data"]["u"] == 2
    # The candle-close timer lives on the new venue's clock (a trade gives the minute a candle).
    assert sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.MARKET, "0.01")).ok
    now_ms = sim.now_ms()
    sim.advance((60_000 - now_ms % 60_000) / 1000 + 0.5)
    closed = await client.until(lambda m: m["topic"] == "kline.1.BTCUSDT" and m["data"][0]["confirm"])
    assert closed["data"][0]["end"] == now_ms - now_ms % 60_000 + 59_999


async def test_reset_keeps_max_active_time_and_feeds_the_new_venue(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/private?max_active_time=30s")
    assert (await client.request(auth_message(sim)))["success"] is True
    assert (await client.request({"op": "subscribe", "args": ["order"]}))["success"] is True
    sim.advance(20)
    sim.reset()
    result = sim.exchange.place_order(
        NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", sim.exchange.book(LINEAR, 1).bids[0][0])
    )
    assert result.ok and result.order is not None
    push = await client.json()
    assert push["topic"] == "order" and push["data"][0]["orderId"] == result.order.order_id
    # 10 s of the 30 were left at the reset: they run on the new clock.
    sim.advance(9.9)
    await nothing_pending(client, pong_op="pong")
    sim.advance(0.2)
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.extra == "max_active_time reached"


async def test_trade_sessions_trade_on_the_new_venue_and_lose_removed_keys(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    trade = await connect(http, sim, "/v5/trade")
    assert (await trade.request(auth_message(sim)))["retCode"] == 0
    sim.add_api_key("LATEKEY0001", "LATESECRET00000000000000000001", "trader")
    late = await connect(http, sim, "/v5/private")
    expires = sim.now_ms() + 5000
    args = ws_auth_args("LATEKEY0001", "LATESECRET00000000000000000001", expires)
    assert (await late.request({"op": "auth", "args": args}))["success"] is True
    sim.reset()  # keys added since start are forgotten
    msg = await late.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and (msg.data, msg.extra) == (1000, "api key no longer valid")
    order: dict[str, Any] = {
        "reqId": "after-reset", "op": "order.create", "header": {"X-BAPI-TIMESTAMP": sim.now_ms()},
        "args": [{"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market",
                  "qty": "0.01"}],
    }  # fmt: skip
    answer = await trade.request(order)
    assert answer["retCode"] == 0, answer
    assert sim.exchange.order("trader", answer["data"]["orderId"]).account_id == "trader"
