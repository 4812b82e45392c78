"""Benchmark of the simulator's WebSocket fan-out: a busy depth-50 book and trades to 100 subscribers.

Phase 1, in this process, on loopback, port 0:

* the simulator (virtual clock, one linear instrument with a 60-level seeded book) with
  ``SUBSCRIBERS`` aiohttp clients subscribed to ``orderbook.50.BTCUSDT`` and
  ``publicTrade.BTCUSDT``. Each step rests an order inside the book (and every fourth step crosses
  the spread), then advances the clock one 20 ms cadence: one delta (and a trade message) per step
  goes to every subscriber, through the session, the journal and the bounded send queues;
* the baseline: a bare aiohttp server broadcasting the very same pre-encoded frames (taken from
  the simulator's journal) to the same number of clients.

Both are timed from the first frame produced until every client has read every frame, in wall
time and in this process's CPU time (on a shared machine the CPU figure is the steadier one).
The two sides run alternately for ``--rounds`` rounds; each side's best round counts (as
``timeit`` does: noise only ever slows a round down). Figures: messages delivered per second for
each and the ratio simulator / bare (goal: >= 0.7).

Phase 2, in a fresh subprocess: RSS of a simulator with 100 instruments at depth 50 and 100
connections each subscribed to every book (goal: <= 200 MB).

Usage: ``python bench/ws_fanout.py [--steps 400] [--subscribers 100] [--rounds 3]``. The last line printed is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import time
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from simulator import Simulator
from simulator.core import NewOrder, OrderType, Side
from simulator.scenario import parse_scenario

INSTRUMENT = """  - {{symbol: {symbol}, kind: linear_perpetual, base: {base}, quote: USDT, tick_size: "0.10",
     lot_size: "0.001", min_qty: "0.001", max_qty: "1190", min_notional: "5", last_price: "100000.10",
     mark_price: "100000.50", index_price: "100001.20"}}
"""
BOOK = """  - {{instrument: "linear:{symbol}", generate: {{levels: 60, qty: "0.05", qty_max: "1.5"}}}}
"""


def scenario(count: int) -> Any:
    symbols = ["BTCUSDT"] + [f"C{i:03d}USDT" for i in range(1, count)]
    text = "version: 1\ndialect: bybit\nname: ws-bench\nclock: {mode: virtual}\nseed: 1\ninstruments:\n"
    text += "".join(INSTRUMENT.format(symbol=s, base=s[:-4]) for s in symbols)
    text += 'accounts:\n  - id: trader\n    balances: {USDT: "100000000"}\n'
    text += "    api_keys: [{key: BENCHKEY0001, secret: BENCHSECRET000000000000000001}]\nbooks:\n"
    text += "".join(BOOK.format(symbol=s) for s in symbols)
    return parse_scenario(text, name="ws-bench.yaml")


async def reader(ws: aiohttp.ClientWebSocketResponse, expected: int, done: asyncio.Future[float]) -> None:
    got = 0
    async for msg in ws:
        if msg.type is not aiohttp.WSMsgType.TEXT:
            break
        got += 1
        if got >= expected:
            done.set_result(time.perf_counter())
            return


async def run_simulator(steps: int, subscribers: int) -> tuple[float, float, int, list[str]]:
    async with Simulator(scenario(1)) as sim, aiohttp.ClientSession() as http:
        clients = []
        for _ in range(subscribers):
            ws = await http.ws_connect(sim.ws_url("/v5/public/linear"))
            await ws.send_str('{"op":"subscribe","args":["orderbook.50.BTCUSDT","publicTrade.BTCUSDT"]}')
            for _ in range(2):  # the ack and the book snapshot
                await ws.receive()
            clients.append(ws)
        iid = "linear:BTCUSDT"
        mark = sim.journal.mark()
        # Produce all steps first (frames queue per connection), counting what one client gets.
        start, cpu_start = time.perf_counter(), time.process_time()
        for step in range(steps):
            bid = sim.exchange.book(iid, 1).bids[0][0]
            sim.exchange.place_order(NewOrder("trader", iid, Side.BUY, OrderType.LIMIT, "0.01", bid))
            if step % 4 == 3:
                sim.exchange.place_order(NewOrder("trader", iid, Side.SELL, OrderType.MARKET, "0.01"))
            sim.advance(0.02)
            await asyncio.sleep(0)  # let the writers run between pushes, as a live venue would
        first = sim.journal.connections()[0].conn_id
        frames = [
            f.payload
            for f in sim.journal.since(mark)
            if getattr(f, "conn_id", None) == first and getattr(f, "direction", None) == "out"
        ]
        expected = len(frames)
        loop = asyncio.get_running_loop()
        dones = [loop.create_future() for _ in clients]
        tasks = [asyncio.create_task(reader(ws, expected, d)) for ws, d in zip(clients, dones, strict=True)]
        # Frames already read by nobody: the readers start now; count from production start.
        ends = await asyncio.gather(*dones)
        cpu = time.process_time() - cpu_start
        elapsed = max(ends) - start
        for task in tasks:
            task.cancel()
        for ws in clients:
            await ws.close()
        sim.check()
        return elapsed, cpu, expected * subscribers, [str(f) for f in frames]


async def run_bare(frames: list[str], subscribers: int) -> tuple[float, float, int]:
    sockets: list[web.WebSocketResponse] = []
    ready = asyncio.Event()
    finished = asyncio.Event()

    async def handle(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        sockets.append(ws)
        if len(sockets) == subscribers:
            ready.set()
        await finished.wait()
        return ws

    app = web.Application()
    app.router.add_get("/ws", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as http:
        clients = [await http.ws_connect(f"http://127.0.0.1:{port}/ws") for _ in range(subscribers)]
        await ready.wait()
        loop = asyncio.get_running_loop()
        dones = [loop.create_future() for _ in clients]
        start, cpu_start = time.perf_counter(), time.process_time()
        for frame in frames:
            for ws in sockets:
                await ws.send_str(frame)
            await asyncio.sleep(0)
        tasks = [asyncio.create_task(reader(c, len(frames), d)) for c, d in zip(clients, dones, strict=True)]
        ends = await asyncio.gather(*dones)
        cpu = time.process_time() - cpu_start
        elapsed = max(ends) - start
        finished.set()
        for task in tasks:
            task.cancel()
        for ws in clients:
            await ws.close()
    await runner.cleanup()
    return elapsed, cpu, len(frames) * subscribers


async def rss_only(instruments: int, connections: int) -> dict[str, Any]:
    async with Simulator(scenario(instruments)) as sim, aiohttp.ClientSession() as http:
        symbols = [m.instrument.symbol for m in sim.exchange.markets.values()]
        topics = [f"orderbook.50.{s}" for s in symbols]
        clients = []
        for _ in range(connections):
            ws = await http.ws_connect(sim.ws_url("/v5/public/linear"))
            for i in range(0, len(topics), 10):
                await ws.send_str(orjson.dumps({"op": "subscribe", "args": topics[i : i + 10]}).decode())
            clients.append(ws)
        for ws in clients:  # every ack and snapshot read: all subscriptions live
            for _ in range(len(topics) + (len(topics) + 9) // 10):
                await ws.receive()
        with open("/proc/self/status") as status:
            rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        subscriptions = sim.dialect.ws.publisher.subscription_count  # type: ignore[attr-defined]
        for ws in clients:
            await ws.close()
        return {"rss_mb": round(rss_kb / 1024, 1), "instruments": len(symbols), "connections": connections,
                "subscriptions": subscriptions}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="alternate rounds per side (best counts)")
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_only:
        print(json.dumps(asyncio.run(rss_only(100, 100))))
        return
    sim_rounds: list[tuple[float, float]] = []
    bare_rounds: list[tuple[float, float]] = []
    frames: list[str] = []
    for _ in range(args.rounds):  # alternate, so load on a shared machine hits both sides alike
        # Each bare round broadcasts the frames its simulator round just sent (they differ only
        # in the virtual clock's start time, which the scenario takes from the wall clock).
        sim_s, sim_cpu, sim_msgs, frames = asyncio.run(run_simulator(args.steps, args.subscribers))
        sim_rounds.append((sim_s, sim_cpu))
        bare_s, bare_cpu, bare_msgs = asyncio.run(run_bare(frames, args.subscribers))
        bare_rounds.append((bare_s, bare_cpu))
    sim_s, sim_cpu = min(r[0] for r in sim_rounds), min(r[1] for r in sim_rounds)
    bare_s, bare_cpu = min(r[0] for r in bare_rounds), min(r[1] for r in bare_rounds)
    sim_rate, bare_rate = sim_msgs / sim_s, bare_msgs / bare_s
    sim_cpu_rate, bare_cpu_rate = sim_msgs / sim_cpu, bare_msgs / bare_cpu
    print(f"simulator: {sim_msgs} msgs in {sim_s:.3f}s = {sim_rate:,.0f} msgs/s ({sim_cpu_rate:,.0f}/CPU s)")
    print(f"bare aiohttp broadcast: {bare_msgs} msgs in {bare_s:.3f}s = {bare_rate:,.0f} msgs/s "
          f"({bare_cpu_rate:,.0f}/CPU s)")  # fmt: skip
    rss = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--rss-only"], check=True, capture_output=True, text=True
        ).stdout.splitlines()[-1]
    )
    print(f"RSS, 100 instruments x depth 50 x 100 connections: {rss['rss_mb']} MB")
    result = {
        "bench": "ws_fanout",
        "steps": args.steps,
        "subscribers": args.subscribers,
        "frames_per_subscriber": len(frames),
        "simulator_msgs_per_s": round(sim_rate),
        "bare_msgs_per_s": round(bare_rate),
        "rounds": args.rounds,
        "ratio": round(sim_rate / bare_rate, 3),
        "simulator_msgs_per_cpu_s": round(sim_cpu_rate),
        "bare_msgs_per_cpu_s": round(bare_cpu_rate),
        "cpu_ratio": round(sim_cpu_rate / bare_cpu_rate, 3),
        "ratio_goal": 0.7,
        **{f"rss_{k}": v for k, v in rss.items()},
        "rss_goal_mb": 200,
        "python": platform.python_version(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
