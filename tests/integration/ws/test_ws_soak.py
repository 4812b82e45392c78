"""Soak: 200 clients connect, subscribe and drop abruptly mid-stream; everything returns to baseline.

Each client speaks the WebSocket handshake over a raw socket and, mid-stream, aborts its
transport (a TCP reset, no close frame), the way a crashed client or a dead network leaves.
Afterwards the host's open-connection count, the server's HTTP connections, the event loop's
task count and the publisher's subscription registry are back where they started.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import struct
from collections.abc import Callable

import orjson

from simulator.core import NewOrder, OrderType, Side
from simulator.server import Simulator
from simulator.server.journal import ClosedBy, WsClose

CLIENTS = 200
TOPICS = ["orderbook.50.BTCUSDT", "orderbook.1.BTCUSDT", "publicTrade.BTCUSDT", "tickers.BTCUSDT"]


async def until(condition: Callable[[], bool], timeout: float) -> None:
    """Yield to the event loop until ``condition()`` holds; fail after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition still false at the deadline"
        await asyncio.sleep(0)


def text_frame(payload: bytes) -> bytes:
    """A masked client text frame (RFC 6455 §5.2)."""
    mask = os.urandom(4)
    head = bytes([0x81])
    length = len(payload)
    head += bytes([0x80 | length]) if length < 126 else bytes([0x80 | 126]) + struct.pack("!H", length)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


async def raw_client(sim: Simulator, topics: list[str]) -> asyncio.StreamWriter:
    """Connect, upgrade, subscribe and read until a push arrives; returns the open writer."""
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /v5/public/linear HTTP/1.1\r\nHost: {sim.host}:{sim.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    status = await reader.readuntil(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 101"), status
    writer.write(text_frame(orjson.dumps({"op": "subscribe", "args": topics})))
    await reader.read(64)  # the ack (at least its first bytes): the subscription is live
    return writer


async def test_200_clients_drop_abruptly_and_nothing_leaks(sim: Simulator) -> None:
    host = sim.dialect.ws_host  # type: ignore[attr-defined]
    publisher = sim.dialect.ws.publisher  # type: ignore[attr-defined]
    baseline_tasks = len(asyncio.all_tasks())
    baseline_http = sim.open_connections
    rng = random.Random(3)
    writers = []
    for _ in range(CLIENTS):
        writers.append(await raw_client(sim, rng.sample(TOPICS, rng.randint(1, len(TOPICS)))))
    assert host.count == CLIENTS and publisher.subscription_count >= CLIENTS
    # Mid-stream: the book and trades keep moving while the clients drop.
    iid = "linear:BTCUSDT"
    for index, writer in enumerate(writers):
        if index % 20 == 0:
            side = Side.BUY if index % 40 == 0 else Side.SELL
            assert sim.exchange.place_order(NewOrder("trader", iid, side, OrderType.MARKET, "0.01")).ok
            sim.advance(0.05)
        writer.transport.abort()
    await host.wait_for_count(0, timeout=30)
    assert publisher.subscription_count == 0 and publisher.topic_count == 0
    assert sim.dialect.ws.sessions == {}  # type: ignore[attr-defined]
    closes = sim.journal.entries(WsClose)
    assert len(closes) == CLIENTS and all(c.closed_by == ClosedBy.TRANSPORT_ABORT for c in closes)
    # aiohttp forgets a connection a loop turn after its handler returned, with no event to
    # wait on: yield to the loop (no timed sleep) until it has, with a deadline.
    await until(lambda: sim.open_connections == baseline_http, timeout=5)
    assert len(asyncio.all_tasks()) <= baseline_tasks
    assert sim.errors == []
