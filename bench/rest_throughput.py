"""Benchmark of the simulator's REST path: signed order create + cancel round trips.

Two servers run in this process on loopback, each on port 0:

* the simulator (``simulator.Simulator``) with a one-instrument venue (linear BTCUSDT, a seeded
  book, no synthetic flow, a real clock), answering Bybit v5 ``POST /v5/order/create`` and
  ``POST /v5/order/cancel`` with full auth, rate limits, matching, journal and events;
* the baseline: a bare aiohttp handler that answers the same two routes with a fixed JSON body.

The same client (one aiohttp ``ClientSession``, the same concurrency, the same signed requests,
rate limits raised so that none is refused) drives each for the same number of round trips. A
round trip is one create followed by one cancel of that order. Figures: round trips per second
for each, and the ratio simulator / bare (goal: >= 0.5).

Usage: ``python bench/rest_throughput.py [--round-trips 2000] [--concurrency 16]``. The last line
printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import platform
import sys
import time

import aiohttp
import orjson
from aiohttp import web

from simulator import Simulator
from simulator.scenario import parse_scenario

API_KEY = "bench-key"
API_SECRET = "bench-secret"

SCENARIO = f"""
version: 1
dialect: bybit
clock: {{mode: real}}
seed: 3
instruments:
  - symbol: BTCUSDT
    kind: linear_perpetual
    base: BTC
    quote: USDT
    tick_size: "0.10"
    lot_size: "0.001"
    min_qty: "0.001"
    max_qty: "1000"
    min_notional: "5"
    mark_price: "30000"
    index_price: "30000"
accounts:
  - id: bench
    balances: {{USDT: "100000000"}}
    api_keys:
      - {{key: {API_KEY}, secret: {API_SECRET}}}
books:
  - instrument: linear:BTCUSDT
    bids: [["29999.9", "5"], ["29999.8", "5"]]
    asks: [["30000.1", "5"], ["30000.2", "5"]]
limits:
  order/create: 1000000
  order/cancel: 1000000
"""


def signed_headers(body: bytes, now_ms: int) -> dict[str, str]:
    timestamp = str(now_ms)
    origin = timestamp + API_KEY + "5000" + body.decode()
    signature = hmac.new(API_SECRET.encode(), origin.encode(), hashlib.sha256).hexdigest()
    return {
        "X-BAPI-API-KEY": API_KEY,
        "X-BAPI-TIMESTAMP": timestamp,
        "X-BAPI-RECV-WINDOW": "5000",
        "X-BAPI-SIGN": signature,
        "Content-Type": "application/json",
    }


async def drive(base_url: str, round_trips: int, concurrency: int, prefix: str) -> float:
    """Run ``round_trips`` create+cancel pairs with ``concurrency`` workers; returns seconds.

    ``prefix`` keeps client order ids unique across runs (the venue refuses a reused one).
    """
    counter = iter(range(round_trips))
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def post(session: aiohttp.ClientSession, path: str, payload: dict) -> dict:
        body = orjson.dumps(payload)
        headers = signed_headers(body, time.time_ns() // 1_000_000)
        async with session.post(base_url + path, data=body, headers=headers) as response:
            answer = orjson.loads(await response.read())
        if answer.get("retCode") != 0:
            raise RuntimeError(f"{path} answered {answer}")
        return answer

    async def worker(session: aiohttp.ClientSession) -> None:
        for n in counter:
            link = f"{prefix}{n}"
            create = {
                "category": "linear",
                "symbol": "BTCUSDT",
                "side": "Buy",
                "orderType": "Limit",
                "qty": "0.001",
                "price": "29000.0",
                "orderLinkId": link,
            }
            answer = await post(session, "/v5/order/create", create)
            order_id = answer["result"]["orderId"]
            await post(
                session, "/v5/order/cancel", {"category": "linear", "symbol": "BTCUSDT", "orderId": order_id}
            )

    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        return time.perf_counter() - start


async def bare_server() -> tuple[web.AppRunner, str]:
    fixed = orjson.dumps(
        {
            "retCode": 0,
            "retMsg": "OK",
            "result": {"orderId": "1321003749386327552", "orderLinkId": "b0"},
            "retExtInfo": {},
            "time": 1672211918471,
        }
    )

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=fixed, content_type="application/json")

    app = web.Application()
    app.router.add_post("/v5/order/create", answer)
    app.router.add_post("/v5/order/cancel", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def run(round_trips: int, concurrency: int) -> dict:
    runner, bare_url = await bare_server()
    try:
        await drive(bare_url, min(200, round_trips), concurrency, "warm")
        bare_s = await drive(bare_url, round_trips, concurrency, "run")
    finally:
        await runner.cleanup()
    async with Simulator(parse_scenario(SCENARIO, name="bench")) as sim:
        await drive(sim.rest_url, min(200, round_trips), concurrency, "warm")
        sim_s = await drive(sim.rest_url, round_trips, concurrency, "run")
        requests = len(sim.journal.http(path="/v5/order/create")) + len(
            sim.journal.http(path="/v5/order/cancel")
        )
    return {
        "bench": "rest_throughput",
        "python": platform.python_version(),
        "round_trips": round_trips,
        "concurrency": concurrency,
        "simulator_round_trips_per_s": round(round_trips / sim_s, 1),
        "bare_round_trips_per_s": round(round_trips / bare_s, 1),
        "ratio_simulator_to_bare": round(bare_s / sim_s, 3),
        "simulator_requests_journaled": requests,
        "goal_ratio": 0.5,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    figures = asyncio.run(run(args.round_trips, args.concurrency))
    for key, value in figures.items():
        print(f"{key:>30}: {value}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
