"""How the server sends: wire frames built once per push, shared by reference, in order, bounded."""

from __future__ import annotations

import struct

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.server import Simulator
from simulator.server.journal import WsFrame
from simulator.server.ws.connection import text_frame
from tests.integration.ws.conftest import connect

LINEAR = "linear:BTCUSDT"


def test_text_frame_headers_follow_rfc_6455_for_each_length_form() -> None:
    for length, header in (
        (5, bytes([0x81, 5])),
        (125, bytes([0x81, 125])),
        (126, struct.pack("!BBH", 0x81, 126, 126)),
        (65535, struct.pack("!BBH", 0x81, 126, 65535)),
        (65536, struct.pack("!BBQ", 0x81, 127, 65536)),
    ):
        text = "x" * length
        assert text_frame(text) == header + text.encode()
    # Lengths are counted in UTF-8 bytes, not characters.
    assert text_frame("é") == bytes([0x81, 2]) + "é".encode()


def test_text_frame_reuses_the_frame_of_the_same_str_object_only() -> None:
    text = "".join(["{", '"a":1', "}"])  # built at run time: not an interned constant
    frame = text_frame(text)
    assert text_frame(text) is frame
    twin = "".join(["{", '"a":1', "}"])
    assert twin is not text
    other = text_frame(twin)
    assert other == frame and other is not frame
    assert text_frame("{}") == bytes([0x81, 2]) + b"{}"


def out_texts(sim: Simulator, conn_id: str) -> list[WsFrame]:
    return [
        e
        for e in sim.journal.ws_frames(direction="out", kind="text")
        if e.conn_id == conn_id and '"orderbook.50.BTCUSDT"' in str(e.payload)
    ]


async def test_one_push_is_one_str_shared_by_every_subscriber_and_journal_entry(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    clients = [await connect(http, sim, "/v5/public/linear") for _ in range(3)]
    for client in clients:
        await client.request({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
        assert (await client.json())["type"] == "snapshot"
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    assert sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.3", best)).ok
    received = [await client.json() for client in clients]
    assert all(message["type"] == "delta" for message in received)
    assert received[0] == received[1] == received[2]
    conn_ids = [c.conn_id for c in sim.journal.connections()]
    deltas = [out_texts(sim, conn_id)[-1] for conn_id in conn_ids]
    assert deltas[0].payload is deltas[1].payload is deltas[2].payload


async def test_a_queued_control_frame_keeps_its_place_before_later_text(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    # A server ping fired by a push is queued for the writer task; the push right behind it must
    # wait in the queue too, not jump ahead by the direct path.
    fault = sim.faults.arm(
        {"kind": "server_ping", "payload": "first"}, channel="ws", op="push", topic="orderbook.50.BTCUSDT"
    )
    client = await connect(http, sim, "/v5/public/linear", autoping=False)
    await client.request({"op": "subscribe", "args": ["orderbook.50.BTCUSDT"]})
    # The topic's first push (its snapshot) fires the fault.
    first = await client.frame()
    assert first.type is aiohttp.WSMsgType.PING and first.data == b"first"
    assert (await client.json())["type"] == "snapshot"
    (conn,) = sim.journal.connections()
    out = [e for e in sim.journal.ws_frames(direction="out") if e.conn_id == conn.conn_id]
    assert [e.kind for e in out] == ["text", "ping", "text"] and out[1].fault == fault.name
    # Once the writer has drained the queue, text goes out directly again, still in order.
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    assert sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.3", best)).ok
    assert (await client.json())["type"] == "delta"
