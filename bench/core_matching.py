"""Benchmark of simulator.core: a mixed order workload on books of realistic depth.

The workload (seeded, pre-generated so generation is not timed) is 40% passive limit adds, 25%
cancels, 20% amends (half re-price, half size-down) and 15% crossing orders (limit orders that
sweep one to three levels, and market orders), sent by margin-checked trader accounts through the
public ``Exchange`` API on a linear perpetual whose book starts 60 levels deep on each side.

Figures:

* ``core_ops_per_s``: throughput of the core (one process, one core), no per-op timers;
* ``p50_us``/``p99_us`` per op kind, from a second, timed pass over the same workload;
* ``baseline_ops_per_s``: the same op sequence on a bare price-time book (a SortedDict of deques
  with no validation, accounting, events or positions), measured in the same run, and
  ``ratio_to_bare_book`` = core / bare: what the venue rules cost on top of the bare data structure.

Usage: ``python bench/core_matching.py [--ops 200000] [--seed 7]``. The last line printed is one
JSON object with every figure.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections import deque
from decimal import Decimal

from sortedcontainers import SortedDict

from simulator.core import (
    AmendOrder,
    CancelOrder,
    Exchange,
    Instrument,
    InstrumentKind,
    NewOrder,
    OrderType,
    Side,
)

MID = 300_000  # ticks of 0.10 -> 30000.0
DEPTH = 60
TRADERS = 8


def make_workload(n: int, seed: int) -> list[tuple]:
    """Op tuples: ("add", trader, side, ticks, lots) | ("cancel", k) | ("amend", k, ticks|None, lots|None)
    | ("cross", trader, side, ticks|None, lots). ``k`` picks an earlier add by index (mod live)."""
    rng = random.Random(seed)
    ops: list[tuple] = []
    for _ in range(n):
        r = rng.random()
        trader = rng.randrange(TRADERS)
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        if r < 0.40:
            distance = 1 + int(rng.expovariate(1 / 8)) % DEPTH
            ticks = MID - distance if side is Side.BUY else MID + distance
            ops.append(("add", trader, side, ticks, rng.randint(1, 50)))
        elif r < 0.65:
            ops.append(("cancel", rng.randrange(1 << 30)))
        elif r < 0.85:
            if rng.random() < 0.5:
                ops.append(("amend", rng.randrange(1 << 30), rng.choice((-2, -1, 1, 2)), None))
            else:
                ops.append(("amend", rng.randrange(1 << 30), None, -1))
        else:
            sweep = rng.randint(1, 3)
            ticks = None if rng.random() < 0.3 else (MID + sweep if side is Side.BUY else MID - sweep)
            ops.append(("cross", trader, side, ticks, rng.randint(1, 60)))
    return ops


def make_exchange() -> tuple[Exchange, Instrument]:
    ex = Exchange(max_open_orders=1_000_000)
    inst = Instrument(
        symbol="BTCUSDT",
        kind=InstrumentKind.LINEAR_PERPETUAL,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=Decimal("0.10"),
        lot_size=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        max_qty=Decimal("1000"),
    )
    ex.add_instrument(inst, mark_price="30000", index_price="30000")
    for t in range(TRADERS):
        ex.add_account(f"t{t}", balances={"USDT": "1000000000"})
    tick, lot = inst.tick_size, inst.lot_size
    ex.seed_book(
        inst.id,
        bids=[(tick * (MID - d), lot * 500) for d in range(1, DEPTH + 1)],
        asks=[(tick * (MID + d), lot * 500) for d in range(1, DEPTH + 1)],
    )
    return ex, inst


def run_core(ops: list[tuple], timed: bool) -> tuple[float, dict[str, list[int]]]:
    ex, inst = make_exchange()
    tick, lot, iid = inst.tick_size, inst.lot_size, inst.id
    live: list[tuple[str, str]] = []  # (account, order id) of orders that rested
    lat: dict[str, list[int]] = {"add": [], "cancel": [], "amend": [], "cross": []}
    clock = time.perf_counter_ns
    gc.collect()
    start = time.perf_counter()
    for op in ops:
        kind = op[0]
        t0 = clock() if timed else 0
        if kind == "add":
            _, trader, side, ticks, lots = op
            account = f"t{trader}"
            result = ex.place_order(NewOrder(account, iid, side, OrderType.LIMIT, lot * lots, tick * ticks))
            if result.ok and result.order.status.is_open:
                live.append((account, result.order.order_id))
        elif kind == "cancel":
            if live:
                account, order_id = live.pop(op[1] % len(live))
                ex.cancel_order(CancelOrder(account, iid, order_id))
        elif kind == "amend":
            if live:
                account, order_id = live[op[1] % len(live)]
                view = ex.accounts[account].open_orders.get(order_id)
                if view is not None:
                    if op[2] is not None:
                        new_price = view.price_ticks + op[2]
                        ex.amend_order(AmendOrder(account, iid, order_id, price=tick * new_price))
                    elif view.qty_lots - view.filled_lots > 1:
                        ex.amend_order(AmendOrder(account, iid, order_id, qty=lot * (view.qty_lots - 1)))
        else:
            _, trader, side, ticks, lots = op
            order_type = OrderType.MARKET if ticks is None else OrderType.LIMIT
            price = None if ticks is None else tick * ticks
            result = ex.place_order(NewOrder(f"t{trader}", iid, side, order_type, lot * lots, price))
            if result.ok and result.order.status.is_open:
                live.append((f"t{trader}", result.order.order_id))
        if timed:
            lat[kind].append(clock() - t0)
    elapsed = time.perf_counter() - start
    assert not ex.market(iid).book.is_crossed()
    return elapsed, lat


def run_bare(ops: list[tuple]) -> float:
    """The same op sequence on a bare price-time book: no rules, no money, no events."""
    bids: SortedDict = SortedDict()
    asks: SortedDict = SortedDict()
    orders: dict[int, list] = {}  # id -> [side, ticks, lots, alive]
    live: list[int] = []
    next_id = 0

    def rest(oid: int, side: Side, ticks: int) -> None:
        levels, key = (bids, -ticks) if side is Side.BUY else (asks, ticks)
        level = levels.get(key)
        if level is None:
            level = levels[key] = deque()
        level.append(oid)

    def unrest(oid: int) -> None:
        side, ticks = orders[oid][0], orders[oid][1]
        levels, key = (bids, -ticks) if side is Side.BUY else (asks, ticks)
        level = levels[key]
        level.remove(oid)
        if not level:
            del levels[key]

    def take(side: Side, ticks: int | None, lots: int) -> int:
        levels = asks if side is Side.BUY else bids
        while lots and levels:
            key, level = levels.peekitem(0)
            price = key if side is Side.BUY else -key
            if ticks is not None and (price > ticks if side is Side.BUY else price < ticks):
                break
            maker = orders[level[0]]
            fill = min(lots, maker[2])
            maker[2] -= fill
            lots -= fill
            if not maker[2]:
                level.popleft()
                if not level:
                    del levels[key]
        return lots

    for d in range(1, DEPTH + 1):
        for side, ticks in ((Side.BUY, MID - d), (Side.SELL, MID + d)):
            orders[next_id] = [side, ticks, 500]
            rest(next_id, side, ticks)
            next_id += 1
    gc.collect()
    start = time.perf_counter()
    for op in ops:
        kind = op[0]
        if kind in ("add", "cross"):
            _, _, side, ticks, lots = op
            left = take(side, ticks, lots)
            if left and ticks is not None:
                orders[next_id] = [side, ticks, left]
                rest(next_id, side, ticks)
                live.append(next_id)
            next_id += 1
        elif kind == "cancel":
            if live:
                oid = live.pop(op[1] % len(live))
                if orders[oid][2]:
                    unrest(oid)
                    orders[oid][2] = 0
        elif live:
            oid = live[op[1] % len(live)]
            order = orders[oid]
            if order[2]:
                if op[2] is not None:
                    unrest(oid)
                    order[1] += op[2]
                    left = take(order[0], order[1], order[2])
                    order[2] = left
                    if left:
                        rest(oid, order[0], order[1])
                elif order[2] > 1:
                    order[2] -= 1
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    ops = make_workload(args.ops, args.seed)
    bare_s = min(run_bare(ops) for _ in range(3))
    core_s = min(run_core(ops, timed=False)[0] for _ in range(3))
    _, lat = run_core(ops, timed=True)
    figures = {
        "bench": "core_matching",
        "ops": args.ops,
        "seed": args.seed,
        "python": platform.python_version(),
        "core_ops_per_s": round(args.ops / core_s),
        "baseline_ops_per_s": round(args.ops / bare_s),
        "ratio_to_bare_book": round(bare_s / core_s, 3),
        "target_ops_per_s": 150_000,
    }
    for kind, samples in lat.items():
        if samples:
            q = statistics.quantiles(samples, n=100)
            figures[f"{kind}_p50_us"] = round(q[49] / 1000, 2)
            figures[f"{kind}_p99_us"] = round(q[98] / 1000, 2)
            figures[f"{kind}_count"] = len(samples)
    for key, value in figures.items():
        print(f"{key:>22}: {value}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
