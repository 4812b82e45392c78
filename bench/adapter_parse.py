"""Benchmark of the Bybit adapter's stream parsing: order book deltas and public trades.

Frames are built from the venue payloads in ``test_data/bybit`` (``ws_orderbook_delta``,
``ws_orderbook_snapshot``, ``ws_public_trade``), re-serialised as the raw text a socket would
deliver, with ``u`` advancing per delta frame. For each kind the benchmark times, in the same
run and on the same frames:

* the baseline: ``orjson.loads`` of every frame (decoding alone, the floor any Python parser pays);
* the adapter: ``orjson.loads`` + :func:`adapters.bybit.websocket.parse.parse_orderbook_deltas` /
  :func:`~adapters.bybit.websocket.parse.parse_ws_trades`, i.e. raw text to validated model objects
  (Price/Quantity at the instrument's precision, OrderBookDeltas with flags).

Figures: messages per second for each, levels (or trades) per second, and the ratio adapter /
baseline. Usage: ``python bench/adapter_parse.py [--frames 20000] [--repeat 3]`` (best of
``repeat``). The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments, load_payload
from adapters.bybit.websocket.parse import parse_orderbook_deltas, parse_ws_trades


def book_frames(count: int) -> list[bytes]:
    """One snapshot then ``count - 1`` deltas with ``u`` + 1 each, as raw frames."""
    snapshot = load_payload("ws_orderbook_snapshot")
    delta = load_payload("ws_orderbook_delta")
    frames = [orjson.dumps(snapshot)]
    u = snapshot["data"]["u"]
    for i in range(count - 1):
        message = copy.deepcopy(delta)
        u += 1
        message["data"]["u"] = u
        message["ts"] = delta["ts"] + i
        frames.append(orjson.dumps(message))
    return frames


def trade_frames(count: int) -> list[bytes]:
    """``count`` publicTrade frames, each with the fixture's trades under fresh ids."""
    base = load_payload("ws_public_trade")
    frames = []
    for i in range(count):
        message = copy.deepcopy(base)
        for j, item in enumerate(message["data"]):
            item["i"] = f"{i}-{j}"
        frames.append(orjson.dumps(message))
    return frames


def best_time(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time of ``repeat`` runs of ``fn``."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(frames: int, repeat: int) -> dict[str, Any]:
    """Time baseline and adapter for books and trades; return the figures."""
    instrument = load_instruments()[("BTCUSDT", BybitProductType.LINEAR)]
    books, trades = book_frames(frames), trade_frames(frames)
    levels = sum(len(d["data"]["b"]) + len(d["data"]["a"]) for d in map(orjson.loads, books))
    trade_count = sum(len(orjson.loads(f)["data"]) for f in trades)

    def decode(raw: list[bytes]) -> None:
        for frame in raw:
            orjson.loads(frame)

    def parse_books() -> None:
        for frame in books:
            parse_orderbook_deltas(orjson.loads(frame), instrument, 0)

    def parse_trades() -> None:
        for frame in trades:
            parse_ws_trades(orjson.loads(frame), instrument, 0)

    parse_books()  # warm-up, and proof that every frame parses
    parse_trades()
    base_books = best_time(lambda: decode(books), repeat)
    adapter_books = best_time(parse_books, repeat)
    base_trades = best_time(lambda: decode(trades), repeat)
    adapter_trades = best_time(parse_trades, repeat)
    return {
        "bench": "adapter_parse",
        "python": platform.python_version(),
        "frames": frames,
        "repeat": repeat,
        "book_levels": levels,
        "trades": trade_count,
        "baseline_book_msgs_per_s": round(frames / base_books),
        "adapter_book_msgs_per_s": round(frames / adapter_books),
        "adapter_book_levels_per_s": round(levels / adapter_books),
        "ratio_book_adapter_to_baseline": round(base_books / adapter_books, 4),
        "baseline_trade_msgs_per_s": round(frames / base_trades),
        "adapter_trade_msgs_per_s": round(frames / adapter_trades),
        "adapter_trades_per_s": round(trade_count / adapter_trades),
        "ratio_trade_adapter_to_baseline": round(base_trades / adapter_trades, 4),
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures (the last line is JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    figures = run(args.frames, args.repeat)
    for key, value in figures.items():
        print(f"{key:>34}: {value}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
