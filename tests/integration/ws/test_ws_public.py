"""Public streams over real sockets: books (snapshot, deltas, cadence), trades, tickers, klines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.server import Simulator, SubscriptionMatch, WsFrameMatch
from tests.integration.ws.conftest import connect

D = Decimal
LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"


def apply(book: dict[str, dict[D, D]], message: dict[str, Any]) -> None:
    """Apply an orderbook message to a local book the way clients do (§7.5)."""
    if message["type"] == "snapshot":
        book["b"], book["a"] = {}, {}
    for side in ("b", "a"):
        for price, qty in message["data"][side]:
            if D(qty) == 0:
                del book[side][D(price)]  # raises, as pybit does, if the client never had the level
            else:
                book[side][D(price)] = D(qty)


def venue_book(sim: Simulator, iid: str, depth: int) -> dict[str, dict[D, D]]:
    snap = sim.exchange.book(iid, depth)
    return {"b": dict(snap.bids), "a": dict(snap.asks)}


def rest_order(sim: Simulator, iid: str, side: Side, price: str, qty: str) -> str:
    result = sim.exchange.place_order(NewOrder("trader", iid, side, OrderType.LIMIT, qty, price))
    assert result.ok, result
    return result.order.order_id  # type: ignore[union-attr]


async def test_depth_50_snapshot_then_deltas_rebuild_the_venue_book(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/linear")
    ack = await client.request({"op": "subscribe", "req_id": 5, "args": ["orderbook.50.BTCUSDT"]})
    assert ack == {"success": True, "ret_msg": "", "conn_id": ack["conn_id"], "req_id": 5, "op": "subscribe"}
    snapshot = await client.json()
    assert snapshot["type"] == "snapshot" and snapshot["data"]["u"] == 1
    assert isinstance(snapshot["ts"], int) and isinstance(snapshot["cts"], int)
    local: dict[str, dict[D, D]] = {}
    apply(local, snapshot)
    assert local == venue_book(sim, LINEAR, 50) and len(local["b"]) == 50
    best_bid, second_bid = sorted(local["b"], reverse=True)[:2]
    # Two changes in one cadence window are coalesced into one delta.
    rest_order(sim, LINEAR, Side.BUY, str(best_bid), "0.5")
    rest_order(sim, LINEAR, Side.BUY, str(second_bid), "0.25")
    delta = await client.json()
    assert delta["type"] == "delta" and delta["data"]["u"] == 2
    assert [D(price) for price, _ in delta["data"]["b"]] == [best_bid, second_bid]
    apply(local, delta)
    assert local == venue_book(sim, LINEAR, 50)
    # A market sell eats the best bid level: the delta deletes it ("0") and a level enters at the bottom.
    qty = sim.exchange.book(LINEAR, 1).bids[0][1]
    assert sim.exchange.place_order(NewOrder("trader", LINEAR, Side.SELL, OrderType.MARKET, qty)).ok
    sim.advance(0.02)  # the depth-50 cadence: 20 ms
    delta = await client.json()
    assert delta["data"]["u"] == 3 and [str(best_bid), "0"] in [[p, q] for p, q in delta["data"]["b"]]
    apply(local, delta)
    assert local == venue_book(sim, LINEAR, 50) and len(local["b"]) == 50
    assert delta["data"]["seq"] == sim.exchange.book(LINEAR, 50).seq


async def test_pushes_wait_for_the_cadence_on_the_venue_clock(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/linear")
    await client.request({"op": "subscribe", "args": ["orderbook.200.BTCUSDT"]})
    await client.json()  # snapshot
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    rest_order(sim, LINEAR, Side.BUY, str(best), "0.1")
    first = await client.json()  # the stream was idle: pushed at once
    rest_order(sim, LINEAR, Side.BUY, str(best), "0.1")
    # Within 100 ms of the last push nothing goes out: a ping answered first proves the barrier.
    pong = await client.request({"op": "ping"})
    assert pong["ret_msg"] == "pong"
    sim.advance(0.1)
    second = await client.json()
    assert second["data"]["u"] == first["data"]["u"] + 1


async def test_depth_1_is_snapshot_only(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/public/spot")
    ack = await client.request({"op": "subscribe", "req_id": "s1", "args": ["orderbook.1.BTCUSDT"]})
    assert ack["ret_msg"] == "subscribe" and ack["req_id"] == "s1"
    first = await client.json()
    best, size = D(first["data"]["b"][0][0]), D(first["data"]["b"][0][1])
    rest_order(sim, SPOT, Side.BUY, str(best), "0.01")
    second = await client.json()
    assert second["type"] == "snapshot" and [D(x) for x in second["data"]["b"][0]] == [best, size + D("0.01")]
    assert len(second["data"]["a"]) == 1 and second["data"]["u"] == first["data"]["u"] + 1


async def test_public_trades_tickers_and_klines(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/public/linear")
    topics = ["publicTrade.BTCUSDT", "tickers.BTCUSDT", "kline.1.BTCUSDT"]
    ack = await client.request({"op": "subscribe", "args": topics})
    assert ack["success"] is True and ack["req_id"] == ""
    ticker = await client.json()
    assert ticker["topic"] == "tickers.BTCUSDT" and ticker["type"] == "snapshot"
    assert {"cs", "ts"} <= set(ticker) and "bid1Price" in ticker["data"]
    kline = await client.json()
    assert kline["topic"] == "kline.1.BTCUSDT" and kline["data"][0]["confirm"] is False
    best_ask = sim.exchange.book(LINEAR, 1).asks[0]
    result = sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.MARKET, "0.01"))
    assert result.ok
    seen: dict[str, Any] = {}
    await client.until(lambda m: seen.setdefault(m["topic"], m) and len(seen) == 3)
    trade = seen["publicTrade.BTCUSDT"]
    (item,) = trade["data"]
    assert item["S"] == "Buy" and D(item["p"]) == best_ask[0] and item["v"] == "0.010" and item["BT"] is False
    assert item["i"] == sim.exchange.market(LINEAR).trades[-1].trade_id
    delta = seen["tickers.BTCUSDT"]
    # A delta carries the changed keys only: the trade printed at the old last price.
    assert delta["type"] == "delta" and delta["data"]["volume24h"] == "0.010", delta
    assert "lastPrice" not in delta["data"] and D(ticker["data"]["lastPrice"]) == best_ask[0]
    # The minute closes: its candle comes with confirm true.
    now_ms = sim.now_ms()
    sim.advance((60_000 - now_ms % 60_000) / 1000 + 1)
    closed = await client.until(lambda m: m["topic"] == "kline.1.BTCUSDT" and m["data"][0]["confirm"])
    assert D(closed["data"][0]["close"]) == best_ask[0] and D(closed["data"][0]["volume"]) == D("0.01")


async def test_option_trades_are_published_by_base_coin(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/public/option")
    ack = await client.request({"op": "subscribe", "req_id": "o", "args": ["publicTrade.BTC"]})
    assert ack["type"] == "COMMAND_RESP" and ack["data"]["successTopics"] == ["publicTrade.BTC"]
    iid = sim.instrument_id("option:C95")
    assert sim.exchange.place_order(NewOrder("trader", iid, Side.BUY, OrderType.MARKET, "0.1")).ok
    trade = await client.json()
    assert (
        trade["topic"] == "publicTrade.BTC" and trade["data"][0]["s"] == sim.exchange.instrument(iid).symbol
    )
    assert "id" in trade and "mP" in trade["data"][0]


async def test_unsubscribe_stops_the_stream_and_is_journalled(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/linear")
    request = {"op": "subscribe", "req_id": "r", "args": ["orderbook.50.BTCUSDT"]}
    await client.request(request)
    await client.json()
    ack = await client.request({**request, "op": "unsubscribe"})
    assert ack["op"] == "unsubscribe" and ack["success"] is True
    await sim.journal.wait_for(
        SubscriptionMatch(op="unsubscribe", topic="orderbook.50.BTCUSDT", outcome="ok"), 2
    )
    assert sim.dialect.ws.publisher.topic_count == 0  # type: ignore[attr-defined]
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    rest_order(sim, LINEAR, Side.BUY, str(best), "0.1")
    pong = await client.request({"op": "ping", "req_id": "after"})
    assert pong["req_id"] == "after"  # nothing was pushed before the pong
    frames = sim.journal.ws_frames(direction="out")
    assert not any("orderbook" in str(frame.payload) and '"delta"' in str(frame.payload) for frame in frames)


async def test_pong_shapes_per_socket(sim: Simulator, http: aiohttp.ClientSession) -> None:
    expected = {
        "/v5/public/spot": {"success": True, "ret_msg": "pong", "op": "ping"},
        "/v5/public/linear": {"success": True, "ret_msg": "pong", "req_id": "", "op": "ping"},
        "/v5/public/option": {"op": "pong"},
        "/v5/private": {"req_id": "", "op": "pong"},
        "/v5/trade": {"retCode": 0, "retMsg": "OK", "op": "pong"},
    }
    for path, fields in expected.items():
        client = await connect(http, sim, path)
        pong = await client.request({"op": "ping"})
        assert fields.items() <= pong.items(), (path, pong)
        await client.ws.close()


async def test_control_ping_is_answered_with_the_same_payload(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/public/linear", autoping=False)
    await client.ws.ping(b"hello-42")
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.PONG and msg.data == b"hello-42"
    await sim.journal.wait_for(WsFrameMatch(direction="out", kind="pong"), 2)
    (ping,) = sim.journal.ws_frames(direction="in", kind="ping")
    assert ping.payload == b"hello-42"


async def test_client_close_is_journalled_with_its_code(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/public/spot")
    (conn,) = sim.journal.connections()
    await client.ws.close(code=4001, message=b"bye")
    close = await sim.journal.wait_for(
        lambda e: getattr(e, "conn_id", None) == conn.conn_id and e.KIND == "ws_close", 2
    )
    assert close.code == 4001 and close.closed_by == "client"
