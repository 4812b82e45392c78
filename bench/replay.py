"""Benchmark of WebSocket replay at ``--speed max``: messages per second delivered to a client.

The bench writes a cassette with one WebSocket session: a subscribe, its ack, then N pushed
messages (Bybit-shaped order-book deltas, about 150 bytes each; N = 1,000,000 by default), then
a close by the venue. Two servers run in this process on loopback, each on port 0:

* the replay: :class:`simulator.server.cassette.CassetteServer` in mode ``none`` at speed max,
  serving the cassette (loading and preparing it is timed apart from delivery);
* the baseline: a bare aiohttp WebSocket handler that sends the same pre-encoded frames in a loop.

The same client (aiohttp, one connection) subscribes and counts text frames until the close.
Figures: messages per second for each, and the ratio replay / bare. Goal: replay >= 50,000 msg/s.

Usage: ``python bench/replay.py [--messages 1000000]``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson
from aiohttp import WSMsgType, web

from simulator.cassette import make_header
from simulator.server.cassette import CassetteServer

PATH = "/v5/public/linear"
SUBSCRIBE = '{"op":"subscribe","req_id":"bench","args":["orderbook.50.BTCUSDT"]}'
ACK = '{"success":true,"ret_msg":"","conn_id":"bench","req_id":"bench","op":"subscribe"}'


def message(n: int) -> str:
    price = 100000 + (n % 200) / 10
    return orjson.dumps(
        {
            "topic": "orderbook.50.BTCUSDT",
            "type": "delta",
            "ts": 1_700_000_000_000 + n,
            "data": {"s": "BTCUSDT", "b": [[f"{price:.1f}", "0.120"]], "a": [], "u": n, "seq": n},
            "cts": 1_700_000_000_000 + n,
        }
    ).decode()


def write_cassette(path: Path, count: int) -> None:
    """One session: subscribe, ack, ``count`` pushes 1 µs apart, close 1000 by the venue."""
    with path.open("wb", buffering=1 << 20) as file:  # the bench's own writer: no per-line flush
        file.write(orjson.dumps(make_header("bench", dialect="bybit", scrub="bybit")) + b"\n")
        lines = [
            {"type": "ws_open", "ts": 0, "conn": "c1", "path": PATH, "query": ""},
            {"type": "ws_frame", "ts": 1_000, "conn": "c1", "dir": "in", "kind": "text", "data": SUBSCRIBE},
            {"type": "ws_frame", "ts": 2_000, "conn": "c1", "dir": "out", "kind": "text", "data": ACK},
        ]
        for line in lines:
            file.write(orjson.dumps(line) + b"\n")
        for n in range(count):
            frame = {"type": "ws_frame", "ts": 3_000 + n * 1_000, "conn": "c1", "dir": "out", "kind": "text"}
            frame["data"] = message(n)
            file.write(orjson.dumps(frame) + b"\n")
        close = {"type": "ws_close", "ts": 4_000 + count * 1_000, "conn": "c1", "code": 1000, "reason": ""}
        close["closed_by"] = "server"
        file.write(orjson.dumps(close) + b"\n")


async def consume(url: str) -> tuple[int, float]:
    """Subscribe, count text frames until the venue closes; returns (frames, seconds)."""
    async with aiohttp.ClientSession() as session, session.ws_connect(url, max_msg_size=0) as ws:
        started = time.perf_counter()
        await ws.send_str(SUBSCRIBE)
        count = 0
        async for received in ws:
            if received.type is WSMsgType.TEXT:
                count += 1
        return count, time.perf_counter() - started


async def bare_server(frames: list[bytes]) -> tuple[web.AppRunner, int]:
    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.receive()  # the subscribe
        await ws.send_str(ACK)
        for frame in frames:
            await ws.send_frame(frame, WSMsgType.TEXT)
        await ws.close()
        return ws

    app = web.Application()
    app.router.add_get(PATH, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


async def run(count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        started = time.perf_counter()
        write_cassette(path, count)
        write_s = time.perf_counter() - started
        size = path.stat().st_size

        started = time.perf_counter()
        server = CassetteServer(path, mode="none", speed=None)
        load_s = time.perf_counter() - started
        async with server:
            replay_count, replay_s = await consume(server.ws_url(PATH))

    frames = [message(n).encode() for n in range(count)]
    runner, port = await bare_server(frames)
    try:
        bare_count, bare_s = await consume(f"ws://127.0.0.1:{port}{PATH}")
    finally:
        await runner.cleanup()
    replay_rate = (replay_count - 1) / replay_s  # the ack is not a streamed message
    bare_rate = (bare_count - 1) / bare_s
    return {
        "bench": "replay",
        "python": platform.python_version(),
        "messages": count,
        "cassette_mb": round(size / 1e6, 1),
        "cassette_write_s": round(write_s, 2),
        "cassette_load_s": round(load_s, 2),
        "replay_delivered": replay_count - 1,
        "replay_msgs_per_s": round(replay_rate),
        "bare_delivered": bare_count - 1,
        "bare_msgs_per_s": round(bare_rate),
        "ratio_replay_to_bare": round(replay_rate / bare_rate, 3),
        "goal_msgs_per_s": 50_000,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    figures = asyncio.run(run(args.messages))
    for key, value in figures.items():
        print(f"{key:>24}: {value}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
