"""Group 1, paginated and bucketed order and fill history (H-16).

The venue holds more history than one page: 170 closed LIN orders (50 a page), 110 LIN fills (100
a page), and closed orders on spot and inverse too (other buckets). ``generate_order_status_reports``
and ``generate_fill_reports`` over a window must return exactly the venue's orders (open and
closed, one report per venue order id) and fills (one per trade id), and the queries must walk
each bucket's cursor chain once: the window in venue units on every page, the page maximum as the
limit, no cursor on a bucket's first page, then each page's next cursor, never a request twice.
The contract's ``generate_*`` take no limit, so the catalogue's "with a limit" half has no stimulus.
"""

from __future__ import annotations

import time
from collections import defaultdict
from itertools import pairwise
from typing import Any, Final
from urllib.parse import parse_qsl

from adapters.contract import Product
from conformance.cases._world import ACCOUNT, WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.outcome import CaseFailed
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch
from simulator.server.journal import HttpEntry

LIN, SPOT, INV = "linear:BTCUSDT", "spot:BTCUSDT", "inverse:BTCUSD"

#: Per dialect: the history routes with their page maximum, the paging and window parameters, and
#: where a response carries its next cursor (Bybit v5 §6.18, §6.19: ms timestamps).
_PAGING: Final[dict[str, dict[str, Any]]] = {
    "bybit": {
        "orders": ("/v5/order/history", 50),
        "fills": ("/v5/execution/list", 100),
        "cursor": "cursor",
        "limit": "limit",
        "start": "startTime",
        "end": "endTime",
        "unit_ns": 1_000_000,
        "next": lambda body: body["result"].get("nextPageCursor", ""),
    }
}


def _seed(world: World) -> None:
    """Closed orders and fills at the venue, before the adapter asks (placed by the core itself)."""
    from simulator.core import NewOrder, Side, TimeInForce
    from simulator.core import OrderType as CoreOrderType

    venue = world.venue
    world.set_book(LIN, bids=[("90.0", "5")], asks=[("100.0", "5")])
    world.set_book(SPOT, bids=[("90.0", "5")], asks=[("100.0", "5")])
    world.set_book(INV, bids=[("50000", "100000")], asks=[("51000", "100000")])

    def place(ref: str, order_type: Any, qty: str, price: str | None = None, **kw: Any) -> None:
        result = venue.place_order(
            NewOrder(ACCOUNT, world.core_id(ref), Side.BUY, order_type, qty, price, **kw)
        )
        if not result.ok:
            raise CaseFailed(f"the venue takes the case's {ref} order", f"refused: {result.message}")

    for _ in range(60):  # IOC below the ask: closed unfilled
        place(LIN, CoreOrderType.LIMIT, "0.01", "95.0", time_in_force=TimeInForce.IOC)
    for _ in range(110):  # filled at the ask: one fill each
        place(LIN, CoreOrderType.MARKET, "0.01")
    for _ in range(3):  # still open
        place(LIN, CoreOrderType.LIMIT, "0.01", "80.0")
    for _ in range(4):
        place(SPOT, CoreOrderType.LIMIT, "0.02", "95.0", time_in_force=TimeInForce.IOC)
    for _ in range(3):
        place(INV, CoreOrderType.LIMIT, "100", "50500", time_in_force=TimeInForce.IOC)


def _chain_problems(
    facts: dict[str, Any], route: str, page_max: int, entries: list[HttpEntry], window: tuple[int, int]
) -> tuple[list[str], int]:
    """How the requests to ``route`` stray from one cursor walk per bucket; also the bucket count."""
    problems: list[str] = []
    buckets: dict[tuple[tuple[str, str], ...], list[tuple[dict[str, str], str]]] = defaultdict(list)
    seen: set[str] = set()
    for entry in entries:
        if entry.query in seen:
            problems.append(f"{route}: request repeated ({entry.query})")
        seen.add(entry.query)
        params = dict(parse_qsl(entry.query, keep_blank_values=True))
        bucket = tuple(sorted((k, v) for k, v in params.items() if k != facts["cursor"]))
        buckets[bucket].append((params, facts["next"](entry.response_json())))
    for bucket, pages in buckets.items():
        name = ",".join(f"{k}={v}" for k, v in bucket if k not in (facts["start"], facts["end"]))
        first = pages[0][0]
        want = (str(window[0]), str(window[1]), str(page_max))
        got = (first.get(facts["start"]), first.get(facts["end"]), first.get(facts["limit"]))
        if got != want:
            problems.append(f"{route} [{name}]: start/end/limit {got}, want {want}")
        if facts["cursor"] in first and first[facts["cursor"]]:
            problems.append(f"{route} [{name}]: a cursor on the first page")
        for (_, previous_next), (params, _) in pairwise(pages):
            if params.get(facts["cursor"]) != previous_next or not previous_next:
                problems.append(
                    f"{route} [{name}]: cursor {params.get(facts['cursor'])!r}, the previous page gave "
                    f"{previous_next!r}"
                )
        if pages[-1][1]:
            problems.append(f"{route} [{name}]: stopped with a next cursor left ({pages[-1][1]!r})")
    return problems, len(buckets)


@case(
    "H-16",
    group="http",
    requires=execution() & product(Product.LINEAR) & product(Product.SPOT) & product(Product.INVERSE),
    simulator=WORLD,
    timeout_s=40,
)
async def test_h16_paginated_bucketed_history(ctx: CaseContext) -> None:
    """Order and fill history over a window: exact report sets, one cursor walk per bucket."""
    facts = _PAGING.get(ctx.adapter.dialect)
    if facts is None:
        raise CaseFailed(f"H-16 paging facts for dialect {ctx.adapter.dialect}", "none in the suite")
    world = await World.open(ctx)
    execution_client = world.built.execution
    assert execution_client is not None
    start_ns = time.time_ns() - 3_600_000_000_000
    _seed(world)
    end_ns = time.time_ns() + 1_000_000_000
    unit = facts["unit_ns"]
    window = (start_ns // unit, end_ns // unit)
    venue_orders = {
        o.order_id for o in (*world.venue.open_orders(ACCOUNT), *world.venue.order_history(ACCOUNT))
    }
    venue_fills = {f.trade_id for f in world.venue.fills(ACCOUNT)}
    problems: list[str] = []

    route, page_max = facts["orders"]
    mark = ctx.journal.mark()
    reports = await ctx.within(
        execution_client.generate_order_status_reports(start_ns=start_ns, end_ns=end_ns),
        "generate_order_status_reports(start, end) returns",
    )
    ids = [r.venue_order_id.value for r in reports]
    if len(ids) != len(set(ids)):
        problems.append(f"orders: {len(ids) - len(set(ids))} duplicate report(s)")
    if set(ids) != venue_orders:
        problems.append(
            f"orders: {len(venue_orders - set(ids))} venue order(s) missing, "
            f"{len(set(ids) - venue_orders)} unknown to the venue "
            f"({len(ids)} reports, {len(venue_orders)} at the venue)"
        )
    found, buckets = _chain_problems(
        facts, route, page_max, ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", route)), window
    )
    problems += found
    if buckets < 3:
        problems.append(
            f"{route}: {buckets} bucket(s) queried; the venue has linear, spot and inverse history"
        )

    route, page_max = facts["fills"]
    mark = ctx.journal.mark()
    fills = await ctx.within(
        execution_client.generate_fill_reports(start_ns=start_ns, end_ns=end_ns),
        "generate_fill_reports(start, end) returns",
    )
    trades = [str(f.trade_id) for f in fills]
    if len(trades) != len(set(trades)) or set(trades) != venue_fills:
        problems.append(
            f"fills: {len(trades)} reports ({len(set(trades))} distinct), the venue has {len(venue_fills)}"
        )
    found, _ = _chain_problems(
        facts, route, page_max, ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", route)), window
    )
    problems += found
    pages = len(ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", route)))
    ctx.notes.append(f"H-16: {len(ids)} order reports, {len(trades)} fill reports, {pages} fill pages")
    ctx.expect(not problems, "exact history, one cursor walk per bucket in venue units", "; ".join(problems))
