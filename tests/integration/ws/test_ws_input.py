"""Bad input, auth, limits and connection-level behaviour: answered in the venue's shape, never a crash."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from simulator.core import NewOrder, OrderType, Side
from simulator.dialects.bybit.auth import ws_auth_args
from simulator.server import Simulator, SubscriptionMatch
from simulator.server.bindings.bybit import BybitDialect
from simulator.server.journal import WsClose
from simulator.testing import SimulatorFactory
from tests.integration.ws.conftest import Client, connect, scenario

KEY, SECRET = "WSKEY000001", "WSSECRET0000000000000000000001"


def auth_message(
    sim: Simulator, *, secret: str = SECRET, offset_ms: int = 5000, as_text: bool = False
) -> dict:
    expires: Any = sim.now_ms() + offset_ms
    return {"op": "auth", "args": ws_auth_args(KEY, secret, str(expires) if as_text else expires)}


async def closed(sim: Simulator, conn_id: str) -> WsClose:
    return await sim.journal.wait_for(lambda e: isinstance(e, WsClose) and e.conn_id == conn_id, 5)


async def test_bad_frames_get_error_answers_and_the_connection_lives_on(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    bystander = await connect(http, sim, "/v5/public/linear")
    await bystander.request({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    await bystander.json()
    client = await connect(http, sim, "/v5/public/linear")
    malformed = await client.request("{not json")
    assert malformed["success"] is False and "parse" in malformed["ret_msg"]
    unknown_op = await client.request({"op": "dance", "req_id": 9})
    assert unknown_op == {
        "success": False, "ret_msg": "error:unsupported op: dance", "conn_id": unknown_op["conn_id"],
        "req_id": 9, "op": "dance",
    }  # fmt: skip
    unknown_topic = await client.request({"op": "subscribe", "req_id": "x", "args": ["orderbook.7.BTCUSDT"]})
    assert unknown_topic["success"] is False
    assert unknown_topic["ret_msg"] == "error:handler not found,topic:orderbook.7.BTCUSDT"
    await sim.journal.wait_for(SubscriptionMatch(topic="orderbook.7.BTCUSDT", outcome="unknown_topic"), 2)
    await client.ws.send_bytes(b"\x00\x01")
    binary = await client.json()
    assert binary["success"] is False and "binary" in binary["ret_msg"]
    too_many = await client.request({"op": "subscribe", "args": [f"tickers.X{i}" for i in range(11)]})
    assert too_many["success"] is False and "args size" in too_many["ret_msg"]
    pong = await client.request({"op": "ping"})
    assert pong["ret_msg"] == "pong"
    assert (await bystander.request({"op": "ping"}))["ret_msg"] == "pong"
    assert sim.errors == []


async def test_an_oversized_frame_closes_with_1009(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/public/spot")
    (conn,) = sim.journal.connections()
    await client.send({"op": "subscribe", "args": ["x" * (70 * 1024)]})
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 1009
    close = await closed(sim, conn.conn_id)
    assert close.code == 1009 and close.closed_by == "server"
    other = await connect(http, sim, "/v5/public/spot")
    assert (await other.request({"op": "ping"}))["ret_msg"] == "pong"


async def test_private_auth_subscribe_and_pushes(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/private")
    early = await client.request({"op": "subscribe", "args": ["order"]})
    assert early["success"] is False and early["op"] == "subscribe"
    await sim.journal.wait_for(SubscriptionMatch(topic="order", outcome="unauthenticated"), 2)
    bad = await client.request(auth_message(sim, secret="wrong"))
    assert bad == {"success": False, "ret_msg": "Invalid sign", "op": "auth", "conn_id": bad["conn_id"]}
    expired = await client.request(auth_message(sim, offset_ms=-60_000))
    assert expired["success"] is False and expired["ret_msg"] == "Params Error"
    ok = await client.request(auth_message(sim, as_text=True))  # expires as a numeric string
    assert ok == {"success": True, "ret_msg": "", "op": "auth", "conn_id": ok["conn_id"]}
    again = await client.request(auth_message(sim))
    assert again["success"] is False
    ack = await client.request({"op": "subscribe", "req_id": "p", "args": ["order"]})
    assert ack == {
        "success": True,
        "ret_msg": "",
        "op": "subscribe",
        "conn_id": ack["conn_id"],
        "req_id": "p",
    }
    best = sim.exchange.book("linear:BTCUSDT", 1).bids[0][0]
    result = sim.exchange.place_order(
        NewOrder("trader", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.01", best)
    )
    push = await client.json()
    assert push["topic"] == "order" and push["data"][0]["orderId"] == result.order.order_id  # type: ignore[union-attr]
    assert push["data"][0]["orderStatus"] == "New" and isinstance(push["id"], str)


async def test_trade_ops_need_auth_then_place_orders(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client = await connect(http, sim, "/v5/trade")
    order = {
        "reqId": "c1", "op": "order.create", "header": {"X-BAPI-TIMESTAMP": sim.now_ms()},
        "args": [{"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market",
                  "qty": "0.01"}],
    }  # fmt: skip
    refused = await client.request(order)
    assert refused["retCode"] == 10003 and refused["reqId"] == "c1" and refused["op"] == "order.create"
    bad = await client.request(auth_message(sim, secret="nope"))
    assert bad["retCode"] == 10004 and bad["retMsg"] == "Invalid sign" and "connId" in bad
    ok = await client.request(auth_message(sim))
    assert ok == {"retCode": 0, "retMsg": "OK", "op": "auth", "connId": ok["connId"]}
    order["header"] = {"X-BAPI-TIMESTAMP": sim.now_ms()}
    order["reqId"] = "c2"
    answer = await client.request(order)
    assert answer["retCode"] == 0 and answer["reqId"] == "c2" and answer["connId"] == ok["connId"]
    assert sim.exchange.order("trader", answer["data"]["orderId"]).account_id == "trader"


@pytest.fixture
def dialect() -> BybitDialect:
    return BybitDialect(validate_responses=True)


async def test_idle_connections_are_closed(
    simulator: SimulatorFactory, dialect: BybitDialect, http: aiohttp.ClientSession
) -> None:
    dialect.ws_options = {"idle_timeout_s": 0.3}
    async with simulator(scenario(), dialect=dialect) as sim:
        client = await connect(http, sim, "/v5/public/linear", autoping=False)
        (conn,) = sim.journal.connections()
        msg = await client.frame()  # nothing sent: the server closes after 0.3 s
        assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 1000 and msg.extra == "idle timeout"
        assert (await closed(sim, conn.conn_id)).closed_by == "server"


async def test_max_active_time_closes_private_connections_on_the_venue_clock(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/private?max_active_time=30s")
    assert (await client.request(auth_message(sim)))["success"] is True
    assert (await client.request({"op": "ping"}))["op"] == "pong"  # still open
    sim.advance(31)
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.extra == "max_active_time reached"


async def test_connections_per_window_and_slow_consumers(
    simulator: SimulatorFactory, dialect: BybitDialect, http: aiohttp.ClientSession
) -> None:
    dialect.ws_options = {"max_connects": 2, "max_queue_bytes": 1000}
    async with simulator(scenario(), dialect=dialect) as sim:
        first = await connect(http, sim, "/v5/public/linear")
        second = await connect(http, sim, "/v5/public/linear")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await connect(http, sim, "/v5/public/linear")
        assert refused.value.status == 429
        # A depth-50 snapshot is larger than the 1000-byte send bound: the consumer is cut off.
        conn_id = sim.journal.connections()[0].conn_id
        await first.send({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
        close = await closed(sim, conn_id)
        assert close.code is None and "slow consumer" in close.reason
        await sim.dialect.ws_host.wait_for_count(1, 5)  # type: ignore[attr-defined]
        assert sim.dialect.ws.publisher.topic_count == 0  # type: ignore[attr-defined]
        assert (await second.request({"op": "ping"}))["ret_msg"] == "pong"  # the other one is fine
        # Close the clients before the simulator stops: a client socket the server drops while
        # nobody reads it is otherwise left to the garbage collector (an unclosed-connection
        # warning in whichever test runs next).
        await second.ws.close()
        await first.ws.close()


async def test_unused_client_helper_reads_frames(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client: Client = await connect(http, sim, "/v5/public/inverse")
    assert (await client.request({"op": "ping", "req_id": 3}))["req_id"] == 3
