"""Group 6, message routing and quota tagging (M-xx, Q-xx): what each kind of venue frame becomes
on the sink (typed data, execution events, nothing at all), and whether order traffic keeps its
own pace beside a subscription backlog and under the venue's order rate limit.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import orjson

from adapters.contract import DataKind, Product
from adapters.model.account import AccountState
from adapters.model.commands import CancelOrder, ModifyOrder, SubmitOrder
from adapters.model.data import (
    FundingRateUpdate,
    IndexPriceUpdate,
    MarkPriceUpdate,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import AggressorSide, OrderSide
from adapters.model.events import OrderAccepted, OrderCanceled, OrderFilled, OrderRejected, OrderUpdated
from adapters.model.reports import FillReport, OrderStatusReport, PositionStatusReport
from conformance.cases._streams import (
    TAKER,
    both,
    connected_data,
    facts,
    instrument_of,
    limit_order,
    private_order,
    quiet,
    sink_wait,
    targets,
    tick_of,
    trade,
    trades,
)
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import data, execution
from simulator.core.commands import NewOrder
from simulator.core.enums import OrderType as VenueOrderType
from simulator.core.enums import Side, TimeInForce
from simulator.server.journal.entries import HttpEntry, WsFrame, WsOpen

_TRADES = data(DataKind.TRADE_TICKS)
_QUIET = quiet()


def _data_since(built: Any, since: int) -> list[Any]:
    return [r.payload for r in built.sink.records[since:] if r.kind == "data"]


@case("M-01", group="routing", requires=_TRADES, simulator=_QUIET)
async def test_m01_data_frames_routed(ctx: CaseContext) -> None:
    """Three trades in one frame become three TradeTicks in venue order; book, quote, mark, index
    and funding frames become their own types (each kind the adapter claims)."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built = await connected_data(ctx)
    iid = instrument_of(built, target)
    caps = ctx.capabilities
    since = built.sink.mark()
    wanted: dict[str, type] = {}
    await ctx.within(built.data.subscribe_trade_ticks(iid), "trades subscribed")
    for kind, method, model in (
        (DataKind.ORDER_BOOK_DELTAS, "subscribe_order_book_deltas", OrderBookDeltas),
        (DataKind.QUOTE_TICKS, "subscribe_quote_ticks", QuoteTick),
        (DataKind.MARK_PRICES, "subscribe_mark_prices", MarkPriceUpdate),
        (DataKind.INDEX_PRICES, "subscribe_index_prices", IndexPriceUpdate),
        (DataKind.FUNDING_RATES, "subscribe_funding_rates", FundingRateUpdate),
    ):
        if caps.supports(data=kind, product=Product.LINEAR):
            await ctx.within(getattr(built.data, method)(iid), f"{method}() returns")
            wanted[kind.name] = model
    mark = ctx.journal.mark()
    made = trades(ctx, target, count=3)
    trade_ids = [str(e.trade_id) for e in made]
    topic = wire.trade_topic(target.symbol)
    frame = await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.direction == "out" and f'"{topic}"' in e.text(),
        f"the venue pushes the three trades of {topic}",
        since=mark,
    )
    ctx.notes.append(f"M-01: trades {trade_ids} pushed in frame #{frame.seq}")
    for trade_id in trade_ids:
        await sink_wait(ctx, built, tick_of(trade_id), f"a TradeTick for trade {trade_id}", since=since)
    ticks = [str(p.trade_id) for p in built.sink.of_type(TradeTick, since) if p.instrument_id == iid]
    ctx.expect(ticks == trade_ids, f"TradeTicks {trade_ids}, in venue order, once each", f"{ticks}")
    by_id = {str(p.trade_id): p for p in built.sink.of_type(TradeTick, since)}
    aggressor = {Side.BUY: AggressorSide.BUYER, Side.SELL: AggressorSide.SELLER}
    wrong = [
        f"{e.trade_id}: {t.size} @ {t.price} {t.aggressor_side}, venue {e.qty} @ {e.price} {e.aggressor}"
        for e in made
        if (t := by_id[str(e.trade_id)]).price.value != e.price
        or t.size.value != e.qty
        or t.aggressor_side is not aggressor[e.aggressor]
    ]
    ctx.expect(not wrong, "each TradeTick has the venue's price, size and aggressor", "; ".join(wrong))
    for name, model in wanted.items():
        await sink_wait(
            ctx,
            built,
            lambda p, model=model: isinstance(p, model) and p.instrument_id == iid,
            f"{name} arrives as {model.__name__} for {iid}",
            since=since,
        )
    if "ORDER_BOOK_DELTAS" in wanted:
        await sink_wait(
            ctx,
            built,
            lambda p: isinstance(p, OrderBookDeltas) and p.instrument_id == iid and not p.is_snapshot,
            "the book update after the trades arrives as OrderBookDeltas (not a snapshot)",
            since=since,
        )
    known = (TradeTick, *wanted.values())
    strays = [p for p in _data_since(built, since) if not isinstance(p, known)]
    ctx.expect(not strays, "only the subscribed types are published", f"{strays[:5]}")


@case("M-02", group="routing", requires=_TRADES, simulator=_QUIET)
async def test_m02_acks_errors_heartbeats_are_not_data(ctx: CaseContext) -> None:
    """Subscribe and unsubscribe acks, a failure ack, a text and a protocol ping from the venue,
    interleaved with trades: only the trades are published as data."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    topic_a = wire.trade_topic(a.symbol)
    since = built.sink.mark()
    await ctx.within(built.data.subscribe_trade_ticks(ia), "trades subscribed")
    faults = ctx.sim.faults
    faults.arm({"kind": "server_ping", "text": True}, channel="ws", op="push", topic=topic_a)
    faults.arm({"kind": "server_ping", "payload": "m02"}, channel="ws", op="push", topic=topic_a, nth=2)
    faults.arm(
        {"kind": "reject_subscription"}, channel="ws", op="subscribe", topic=wire.trade_topic(b.symbol)
    )
    made = trade(ctx, a)
    await sink_wait(ctx, built, tick_of(made[0]), "the first trade", since=since)
    refused = asyncio.create_task(built.data.subscribe_trade_ticks(ib))
    try:
        made += trade(ctx, a)
        await sink_wait(ctx, built, tick_of(made[1]), "the second trade", since=since)
        await ctx.within(built.data.unsubscribe_trade_ticks(ia), "trades unsubscribed")
        await ctx.within(built.data.subscribe_trade_ticks(ia), "trades subscribed again")
        made += trade(ctx, a)
        await sink_wait(ctx, built, tick_of(made[2]), "the barrier trade", since=since)
    finally:
        refused.cancel()
        await asyncio.gather(refused, return_exceptions=True)
    published = _data_since(built, since)
    ticks = [str(p.trade_id) for p in published if isinstance(p, TradeTick)]
    ctx.expect(
        ticks == made and len(published) == len(made),
        f"exactly the trades {made} as data (acks, errors and pings publish nothing)",
        f"{[type(p).__name__ for p in published]}: {ticks}",
    )
    events = [r.payload for r in built.sink.records[since:] if r.kind in ("event", "response")]
    ctx.expect(not events, "no events or responses for acks and pings", f"{events[:5]}")


@case("M-03", group="routing", requires=_TRADES, simulator=_QUIET)
async def test_m03_malformed_or_unknown_frames(ctx: CaseContext) -> None:
    """A broken JSON push and a push of an unknown topic are dropped (or reported as errors); the
    client stays on the same connection and publishes the valid push that follows."""
    a = targets(ctx, Product.LINEAR)[0]
    topic = facts(ctx).trade_topic(a.symbol)
    built = await connected_data(ctx)
    ia = instrument_of(built, a)
    await ctx.within(built.data.subscribe_trade_ticks(ia), "trades subscribed")
    since, mark = built.sink.mark(), ctx.journal.mark()
    unknown = '{"topic":"venuekit.unknown","type":"snapshot","ts":1,"data":[{"x":1}]}'
    ctx.sim.faults.arm({"kind": "malformed_frame"}, channel="ws", op="push", topic=topic)
    broken = trade(ctx, a)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.fault is not None, "the venue sends a broken frame", since=mark
    )
    ctx.sim.faults.arm({"kind": "malformed_frame", "text": unknown}, channel="ws", op="push", topic=topic)
    odd = trade(ctx, a)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.payload == unknown,
        "the venue sends an unknown frame",
        since=mark,
    )
    valid = trade(ctx, a)
    await sink_wait(ctx, built, tick_of(valid[0]), "the valid push after them is published", since=since)
    published = _data_since(built, since)
    ctx.expect(
        [str(p.trade_id) for p in published] == valid,
        f"only the valid trade {valid} is published (not {broken + odd})",
        f"{published}",
    )
    reconnects = ctx.journal.entries(WsOpen, mark)
    ctx.expect(not reconnects, "no reconnect over a bad frame", f"{reconnects}")


@case("M-04", group="routing", requires=execution(), simulator=_QUIET)
async def test_m04_private_frames_routed(ctx: CaseContext) -> None:
    """A fill of the client's own order becomes OrderFilled (trade id, price, quantity); an order
    placed elsewhere on the account becomes a report; the position and wallet pushes become a
    PositionStatusReport and an AccountState."""
    target = targets(ctx, Product.LINEAR)[0]
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    await ctx.within(client.connect(), "the execution client connects")
    iid = instrument_of(built, target)
    instrument = built.provider.find(iid)
    exchange = ctx.sim.exchange
    price, level_qty = exchange.book(target.ref, 1).asks[0]
    since = built.sink.mark()
    order = limit_order(instrument, "m04-own", OrderSide.SELL, price, target.min_qty)
    await ctx.within(client.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order() returns")
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderAccepted) and p.client_order_id == order.client_order_id,
        "OrderAccepted for the own order",
        since=since,
    )
    exchange.participant(TAKER)
    result = exchange.place_order(
        NewOrder(
            TAKER,
            target.ref,
            Side.BUY,
            VenueOrderType.LIMIT,
            level_qty + target.min_qty,
            price,
            time_in_force=TimeInForce.IOC,
        )
    )
    account = ctx.sim.credentials.account_id if ctx.sim.credentials else ""
    fills = [
        e.fill for e in result.events if type(e).__name__ == "OrderFilled" and e.fill.account_id == account
    ]
    ctx.expect(len(fills) == 1, "the venue fills the own order (case setup)", f"{fills}")
    fill = fills[0]
    filled = (
        await sink_wait(
            ctx,
            built,
            lambda p: isinstance(p, OrderFilled) and p.client_order_id == order.client_order_id,
            "OrderFilled for the own order",
            since=since,
        )
    ).payload
    ctx.expect(
        (str(filled.trade_id), filled.last_px.value, filled.last_qty.value)
        == (fill.trade_id, fill.price, fill.qty),
        f"OrderFilled carries trade {fill.trade_id}, {fill.qty} @ {fill.price}",
        f"trade {filled.trade_id}, {filled.last_qty} @ {filled.last_px}",
    )
    position = exchange.position(account, target.ref)
    await sink_wait(
        ctx,
        built,
        lambda p: (
            isinstance(p, PositionStatusReport)
            and p.instrument_id == iid
            and p.quantity.value == abs(position.size)
        ),
        f"a PositionStatusReport of {abs(position.size)} for {iid}",
        since=since,
    )
    await sink_wait(
        ctx, built, lambda p: isinstance(p, AccountState), "an AccountState after the fill", since=since
    )
    external = private_order(ctx, target)
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderStatusReport) and str(p.venue_order_id) == external,
        f"an OrderStatusReport for the order {external} placed outside the client",
        since=since,
    )
    wrong = [
        p
        for p in built.sink.payloads()
        if isinstance(p, FillReport | OrderFilled) and str(p.trade_id) != fill.trade_id
    ]
    ctx.expect(not wrong, "no fill for anything but the own order's trade", f"{wrong}")


# -- quotas ----------------------------------------------------------------------------------------


def _arrival_ns(entry: HttpEntry) -> int:
    return int(entry.ts_ns - entry.duration_ns)


async def _timed(ctx: CaseContext, built: Any, what: str, command: Any) -> int:
    """Run one order command; returns ns from the call to its first request reaching the venue."""
    mark = ctx.journal.mark()
    started = ctx.sim.clock.now_ns()
    await ctx.within(command, f"{what} returns")
    sent = ctx.journal.entries(HttpEntry, mark, lambda e: e.path.startswith("/v5/order/"))
    frames = ctx.journal.entries(WsFrame, mark, lambda e: e.direction == "in" and '"order.' in e.text())
    arrivals = [_arrival_ns(e) for e in sent] + [int(f.ts_ns) for f in frames]
    ctx.expect(arrivals, f"{what} reaches the venue", "no order request or order frame arrived")
    return min(arrivals) - started


async def _round_trip(
    ctx: CaseContext, built: Any, instrument: Any, tag: str, price: Decimal, qty: Decimal
) -> list[int]:
    """Submit, amend, cancel one resting order; the latency of each to the venue (ns)."""
    client = built.execution
    since = built.sink.mark()
    order = limit_order(instrument, f"q01-{tag}", OrderSide.BUY, price, qty)
    cid = order.client_order_id
    submit = await _timed(
        ctx, built, "submit_order()", client.submit_order(SubmitOrder(order=order, ts_init=1))
    )
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderAccepted) and p.client_order_id == cid,
        "accepted",
        since=since,
    )
    new_price = instrument.make_price(price - instrument.price_increment.value)
    modify = ModifyOrder(
        instrument_id=instrument.instrument_id,
        client_order_id=cid,
        venue_order_id=None,
        price=new_price,
        ts_init=1,
    )
    amend = await _timed(ctx, built, "modify_order()", client.modify_order(modify))
    await sink_wait(
        ctx, built, lambda p: isinstance(p, OrderUpdated) and p.client_order_id == cid, "updated", since=since
    )
    cancel_cmd = CancelOrder(
        instrument_id=instrument.instrument_id, client_order_id=cid, venue_order_id=None, ts_init=1
    )
    cancel = await _timed(ctx, built, "cancel_order()", client.cancel_order(cancel_cmd))
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderCanceled) and p.client_order_id == cid,
        "canceled",
        since=since,
    )
    return [submit, amend, cancel]


@case(
    "Q-01",
    group="routing",
    requires=both(execution(), _TRADES, data(DataKind.ORDER_BOOK_DELTAS)),
    simulator=_QUIET,
)
async def test_q01_orders_not_behind_subscription_backlog(ctx: CaseContext) -> None:
    """With a backlog of subscriptions outstanding, an order, an amend and a cancel reach the venue
    as fast as without it (within 0.5 s of their unloaded latency): order traffic is not queued
    behind subscription traffic."""
    built = ctx.build(keys=True)
    await ctx.within(built.data.connect(), "the data client connects")
    await ctx.within(built.execution.connect(), "the execution client connects")
    linear = targets(ctx, Product.LINEAR)
    instrument = built.provider.find(instrument_of(built, linear[0]))
    tick = ctx.sim.exchange.markets[linear[0].ref].instrument.tick_size
    low = (ctx.sim.exchange.book(linear[0].ref, 1).bids[0][0] * 8 / 10 // tick) * tick
    baseline = await _round_trip(ctx, built, instrument, "base", low, linear[0].min_qty)
    depths = sorted(d for d in ctx.capabilities.book_depths if d <= 1000)
    backlog: list[Any] = []
    # Spot shares raw symbols with linear; the backlog spans products whose symbols differ.
    others = [
        t
        for p in (Product.INVERSE, Product.OPTION)
        if ctx.capabilities.supports(product=p)
        for t in targets(ctx, p)
    ]
    for target in [*linear, *others]:
        iid = instrument_of(built, target)
        backlog.append(built.data.subscribe_trade_ticks(iid))
        backlog.extend(built.data.subscribe_order_book_deltas(iid, depth=d) for d in depths)
    mark = ctx.journal.mark()
    tasks = [asyncio.ensure_future(c) for c in backlog]
    try:
        loaded = await _round_trip(ctx, built, instrument, "load", low, linear[0].min_qty)
        await asyncio.wait(tasks, timeout=10.0)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    drained = ctx.journal.entries(None, mark, lambda e: type(e).__name__ == "SubscriptionEntry")
    ctx.notes.append(
        f"Q-01: {len(tasks)} subscribes; latencies ms unloaded {[round(x / 1e6, 1) for x in baseline]}, "
        f"with backlog {[round(x / 1e6, 1) for x in loaded]}; {len(drained)} ledger entries"
    )
    slow = [
        f"{what}: {lo / 1e6:.1f} ms vs {base / 1e6:.1f} ms unloaded"
        for what, base, lo in zip(("order", "amend", "cancel"), baseline, loaded, strict=True)
        if lo > base + 500_000_000
    ]
    ctx.expect(
        not slow, "order, amend and cancel latency independent of the subscription backlog", "; ".join(slow)
    )


@case(
    "Q-02",
    group="routing",
    requires=execution(),
    simulator=_QUIET,
)
async def test_q02_order_rate_limit_is_not_a_rejection(ctx: CaseContext) -> None:
    """3q orders in a burst, q the venue's documented order quota per second: every order is
    placed exactly once (excess delayed, not dropped), and a rate-limit answer from the venue never
    becomes OrderRejected or an error raised from submit_order()."""
    target = targets(ctx, Product.LINEAR)[0]
    built = ctx.build(keys=True)
    client = built.execution
    await ctx.within(client.connect(), "the execution client connects")
    instrument = built.provider.find(instrument_of(built, target))
    exchange = ctx.sim.exchange
    tick = exchange.markets[target.ref].instrument.tick_size
    low = (exchange.book(target.ref, 1).bids[0][0] * 8 / 10 // tick) * tick
    since, mark = built.sink.mark(), ctx.journal.mark()
    count = 3 * facts(ctx).order_create_per_s
    orders = [
        limit_order(instrument, f"q02-{i}", OrderSide.BUY, low - i * tick, target.min_qty)
        for i in range(count)
    ]
    await ctx.within(
        asyncio.gather(*(client.submit_order(SubmitOrder(order=o, ts_init=1)) for o in orders)),
        f"{count} submit_order() calls return",
        timeout=12.0,
    )
    for o in orders:
        await sink_wait(
            ctx,
            built,
            lambda p, cid=o.client_order_id: isinstance(p, OrderAccepted) and p.client_order_id == cid,
            f"{o.client_order_id} accepted",
            since=since,
        )
    rejected = [p for p in built.sink.payloads() if isinstance(p, OrderRejected)]
    ctx.expect(not rejected, "no OrderRejected for a venue rate limit", f"{rejected[:3]}")
    account = ctx.sim.credentials.account_id if ctx.sim.credentials else ""
    placed = [o.client_order_id for o in exchange.open_orders(account)]
    ctx.expect(
        sorted(placed) == sorted(str(o.client_order_id) for o in orders),
        f"each of the {count} orders placed exactly once",
        f"{len(placed)} open orders: {sorted(placed)[:6]}...",
    )
    wire = facts(ctx)
    attempts: dict[str, list[int]] = {}
    for entry in ctx.journal.entries(HttpEntry, mark, lambda e: e.path == wire.order_create_route):
        cid = str(orjson.loads(entry.body or b"{}").get(wire.order_client_id_field, ""))
        attempts.setdefault(cid, []).append(int(entry.response_json().get("retCode", -1)))
    arrivals = sorted(
        _arrival_ns(e)
        for e in ctx.journal.entries(HttpEntry, mark, lambda e: e.path == wire.order_create_route)
    )
    quota = wire.order_create_per_s
    busiest = max(
        (len([t for t in arrivals[i:] if t - start < 1_000_000_000]) for i, start in enumerate(arrivals)),
        default=0,
    )
    ctx.expect(
        busiest <= quota,
        f"the client paces order entry: at most {quota} order requests reach the venue in any second",
        f"{busiest} arrived within one second",
    )
    limit_code = facts_of(ctx.adapter.dialect).rate_limit_code
    refused = sum(codes.count(limit_code) for codes in attempts.values())
    ctx.notes.append(f"Q-02: {refused} attempts refused by the venue's quota, all retried")
    wrong = {cid: codes for cid, codes in attempts.items() if codes.count(0) != 1 or codes[-1] != 0}
    ctx.expect(
        not wrong and len(attempts) == count,
        f"each of the {count} orders accepted by the venue exactly once, after any rate-limit refusals",
        f"{len(attempts)} orders sent; wrong: {dict(list(wrong.items())[:5])}",
    )
