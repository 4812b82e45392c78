"""Every WebSocket fault: armed through the fault API, seen by a client and in the journal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.server import Simulator, SubscriptionMatch, WsFrameMatch
from simulator.server.journal import FaultPhase, WsClose
from tests.integration.ws.conftest import Client, connect
from tests.integration.ws.test_ws_input import auth_message

LINEAR = "linear:BTCUSDT"


def fired(sim: Simulator, name: str) -> int:
    return len(sim.journal.faults(name, phase=FaultPhase.FIRED))


async def close_of(sim: Simulator, conn_id: str) -> WsClose:
    return await sim.journal.wait_for(lambda e: isinstance(e, WsClose) and e.conn_id == conn_id, 5)


def last_conn(sim: Simulator) -> str:
    return sim.journal.connections()[-1].conn_id


def bump_book(sim: Simulator) -> None:
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    result = sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", best))
    assert result.ok


async def book_client(sim: Simulator, http: aiohttp.ClientSession) -> tuple[Client, dict[str, Any]]:
    client = await connect(http, sim, "/v5/public/linear")
    await client.request({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
    return client, await client.json()


async def test_drop_next_connection_with_a_code_and_silently(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    fault = sim.faults.arm(
        {"kind": "drop_connection", "code": 4000, "reason": "bye"}, channel="ws", op="open"
    )
    client = await connect(http, sim, "/v5/public/linear")
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 4000 and msg.extra == "bye"
    close = await close_of(sim, last_conn(sim))
    assert close.fault == fault.name and close.code == 4000 and close.closed_by == "server"
    silent = sim.faults.arm({"kind": "drop_connection"}, channel="ws", op="open", persistent=True)
    for _ in range(2):  # every connection
        client = await connect(http, sim, "/v5/public/spot")
        msg = await client.frame()
        assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR)
        close = await close_of(sim, last_conn(sim))
        assert close.code is None and close.fault == silent.name
    assert fired(sim, silent.name) == 2


async def test_drop_after_the_ack_of_an_op(sim: Simulator, http: aiohttp.ClientSession) -> None:
    fault = sim.faults.arm({"kind": "drop_after_ack", "code": 1011}, channel="ws", op="subscribe")
    client = await connect(http, sim, "/v5/public/linear")
    ack = await client.request({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    assert ack["success"] is True
    assert (
        await client.until(lambda m: True)
    ) is not None or True  # the ticker snapshot may precede the close
    close = await close_of(sim, last_conn(sim))
    assert close.code == 1011 and close.fault == fault.name


async def test_ping_faults(sim: Simulator, http: aiohttp.ClientSession) -> None:
    ignore = sim.faults.arm({"kind": "ignore_ping"}, channel="ws", op="ping")
    client = await connect(http, sim, "/v5/public/linear")
    await client.send({"op": "ping", "req_id": "lost"})
    answered = await client.request({"op": "ping", "req_id": "second"})
    assert answered["req_id"] == "second"  # the first ping got no pong
    assert fired(sim, ignore.name) == 1
    close = sim.faults.arm({"kind": "close_on_ping", "code": 4002}, channel="ws", op="control_ping")
    raw = await connect(http, sim, "/v5/public/linear", autoping=False)
    await raw.ws.ping(b"p")
    msg = await raw.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 4002
    assert (await close_of(sim, last_conn(sim))).fault == close.name


async def test_server_ping_records_the_reply(sim: Simulator, http: aiohttp.ClientSession) -> None:
    fault = sim.faults.arm({"kind": "server_ping", "payload": "are-you-there"}, channel="ws", op="open")
    pinged = await connect(http, sim, "/v5/public/linear")
    # aiohttp answers a ping while it reads: reading the pong of a text ping lets it.
    assert (await pinged.request({"op": "ping"}))["ret_msg"] == "pong"
    pong = await sim.journal.wait_for(WsFrameMatch(direction="in", kind="pong"), 5)
    assert pong.payload == b"are-you-there" and pong.fault == fault.name
    (ping,) = sim.journal.ws_frames(direction="out", kind="ping")
    assert ping.fault == fault.name
    text = sim.faults.arm({"kind": "server_ping", "text": True}, channel="ws", op="open")
    client = await connect(http, sim, "/v5/public/spot")
    assert await client.json() == {"op": "ping"}
    await client.send({"op": "pong"})
    reply = await sim.journal.wait_for(WsFrameMatch(direction="in", kind="text", fault=text.name), 5)
    assert reply.json() == {"op": "pong"}


async def test_auth_faults(sim: Simulator, http: aiohttp.ClientSession) -> None:
    reject = sim.faults.arm({"kind": "reject_auth"}, channel="ws", op="auth")
    client = await connect(http, sim, "/v5/private")
    refused = await client.request(auth_message(sim))
    assert refused["success"] is False and refused["ret_msg"] == "Params Error"
    assert fired(sim, reject.name) == 1
    assert (await client.request(auth_message(sim)))["success"] is True  # once only
    never = sim.faults.arm({"kind": "never_ack_auth"}, channel="ws", op="auth")
    silent = await connect(http, sim, "/v5/trade")
    await silent.send(auth_message(sim))
    pong = await silent.request({"op": "ping"})
    assert pong["op"] == "pong" and fired(sim, never.name) == 1  # no auth ack came before the pong
    delay = sim.faults.arm({"kind": "delay_auth_ack", "seconds": 0.2}, channel="ws", op="auth")
    late = await connect(http, sim, "/v5/private")
    await late.send(auth_message(sim))
    pong = await late.request({"op": "ping"})
    assert pong["op"] == "pong"  # answered before the delayed ack
    ack = await late.json()
    assert ack["success"] is True and ack["op"] == "auth"
    frame = sim.journal.last(predicate=WsFrameMatch(direction="out", fault=delay.name))
    assert frame is not None and frame.json()["op"] == "auth"


async def test_reject_subscription_once_and_always(sim: Simulator, http: aiohttp.ClientSession) -> None:
    once = sim.faults.arm({"kind": "reject_subscription"}, channel="ws", topic="tickers.*")
    client = await connect(http, sim, "/v5/public/linear")
    refused = await client.request({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    assert refused["success"] is False and "tickers.BTCUSDT" in refused["ret_msg"]
    await sim.journal.wait_for(
        SubscriptionMatch(topic="tickers.BTCUSDT", outcome="rejected", fault=once.name), 2
    )
    assert (await client.request({"op": "subscribe", "args": ["tickers.BTCUSDT"]}))["success"] is True
    always = sim.faults.arm(
        {"kind": "reject_subscription", "message": "nope"}, channel="ws", topic="kline.*", persistent=True
    )
    for _ in range(2):
        answer = await client.request({"op": "subscribe", "args": ["kline.1.BTCUSDT"]})
        while answer.get("topic"):
            answer = await client.json()
        assert answer["success"] is False and answer["ret_msg"] == "nope"
    assert fired(sim, always.name) == 2


async def test_book_sequence_faults(sim: Simulator, http: aiohttp.ClientSession) -> None:
    client, snapshot = await book_client(sim, http)
    u = snapshot["data"]["u"]
    skip = sim.faults.arm({"kind": "skip_sequence"}, channel="ws", op="push", topic="orderbook.50.*")
    bump_book(sim)
    skipped = await client.json()
    assert skipped["data"]["u"] == u + 2 and fired(sim, skip.name) == 1
    repeat = sim.faults.arm({"kind": "repeat_sequence"}, channel="ws", op="push", topic="orderbook.50.*")
    sim.advance(0.02)
    bump_book(sim)
    sim.advance(0.02)
    repeated = await client.json()
    assert repeated["data"]["u"] == skipped["data"]["u"] and fired(sim, repeat.name) == 1
    stale = sim.faults.arm({"kind": "stale_snapshot"}, channel="ws", op="push", topic="orderbook.50.*")
    bump_book(sim)
    sim.advance(0.02)
    old = await client.json()
    assert old["type"] == "snapshot" and old["data"]["u"] < repeated["data"]["u"] + 1
    assert (await client.json())["type"] == "delta" and fired(sim, stale.name) == 1
    restart = sim.faults.arm({"kind": "restart_book"}, channel="ws", op="push", topic="orderbook.50.*")
    bump_book(sim)
    sim.advance(0.02)
    fresh = await client.json()
    assert fresh["type"] == "snapshot" and fresh["data"]["u"] == 1 and fired(sim, restart.name) == 1
    bids = {Decimal(p): Decimal(q) for p, q in fresh["data"]["b"]}
    assert bids == dict(sim.exchange.book(LINEAR, 50).bids)


async def test_push_faults_duplicate_reorder_delay_malformed(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await connect(http, sim, "/v5/private")
    assert (await client.request(auth_message(sim)))["success"] is True
    await client.request({"op": "subscribe", "args": ["order"]})
    dup = sim.faults.arm({"kind": "duplicate_message"}, channel="ws", op="push", topic="order")
    bump_book(sim)
    first, second = await client.json(), await client.json()
    assert first == second and first["topic"] == "order" and fired(sim, dup.name) == 1
    reorder = sim.faults.arm({"kind": "reorder_message"}, channel="ws", op="push", topic="order")
    bump_book(sim)
    bump_book(sim)
    a, b = await client.json(), await client.json()
    assert int(a["data"][0]["createdTime"]) >= int(b["data"][0]["createdTime"])
    assert a["data"][0]["orderId"] != b["data"][0]["orderId"] and fired(sim, reorder.name) == 1
    held = sim.journal.last(predicate=WsFrameMatch(direction="out", fault=reorder.name))
    assert held is not None and held.json() == b
    malformed = sim.faults.arm({"kind": "malformed_frame"}, channel="ws", op="push", topic="order")
    bump_book(sim)
    broken = await client.frame()
    assert (
        broken.type is aiohttp.WSMsgType.TEXT
        and broken.data.startswith('{"')
        and not broken.data.endswith("}")
    )
    assert fired(sim, malformed.name) == 1
    delay = sim.faults.arm({"kind": "delay_message", "seconds": 0.2}, channel="ws", op="push", topic="order")
    bump_book(sim)
    assert (await client.request({"op": "ping"}))["op"] == "pong"  # before the delayed push
    late = await client.json()
    assert late["topic"] == "order" and fired(sim, delay.name) == 1


async def test_announce_shutdown_then_close(sim: Simulator, http: aiohttp.ClientSession) -> None:
    fault = sim.faults.arm({"kind": "announce_shutdown"}, channel="ws", op="subscribe")
    client = await connect(http, sim, "/v5/public/linear")
    await client.send({"op": "subscribe", "args": ["tickers.BTCUSDT"]})
    notice = await client.json()
    assert notice["op"] == "notice" and notice["ret_msg"] == "server shutting down"
    msg = await client.frame()
    assert msg.type is aiohttp.WSMsgType.CLOSE and msg.data == 1001
    assert (await close_of(sim, last_conn(sim))).fault == fault.name
