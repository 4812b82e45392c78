"""Group 7, book depth variants (D-05), instrument status and close (D-08), instrument refresh (D-11).

Public data on the reference world's virtual clock: book pushes go out when the case advances
it. What the adapter publishes is compared with the venue's own book, status and settlement.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from adapters.contract import DataKind, Product, UnsupportedFeature
from adapters.model.data import InstrumentClose, InstrumentStatus, OrderBookDeltas
from adapters.model.depth import DEPTH10_LEVELS, OrderBookDepth10
from adapters.model.enums import BookAction, InstrumentCloseType, MarketStatusAction, OrderSide
from adapters.model.instruments import Instrument
from conformance.cases._streams import facts, ledger
from conformance.cases._world import WORLD_VIRTUAL, World
from conformance.harness.barrier import barrier
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.outcome import CaseFailed
from conformance.harness.registry import case
from conformance.harness.requirements import data, feature, product
from simulator.server import HttpMatch, SubscriptionMatch

LIN, OPT, FUT = "linear:BTCUSDT", "option:BTC-100-C", "linear:BTCUSDT-dated"

#: The book channel depths each dialect's venue offers per product (Bybit: §7.5 "Order book
#: depths", 500 included on linear/inverse as §0.3 rule 16 says).
_VENUE_DEPTHS: Final[Mapping[str, Mapping[Product, tuple[int, ...]]]] = {
    "bybit": {
        Product.SPOT: (1, 50, 200, 1000),
        Product.LINEAR: (1, 50, 200, 500, 1000),
        Product.INVERSE: (1, 50, 200, 500, 1000),
        Product.OPTION: (25, 100),
    }
}


async def _wait(world: World, kind: type, inst: Instrument, since: int, what: str, where: Any = None) -> Any:
    def wanted(record: Any) -> bool:
        p = record.payload
        return (
            isinstance(p, kind)
            and getattr(p, "instrument_id", None) == inst.instrument_id
            and (where is None or where(p))
        )

    try:
        return (await world.sink.wait_for(wanted, 5.0, since=since)).payload
    except AssertionError:
        seen = [type(r.payload).__name__ for r in world.sink.records[since:]][-10:]
        raise CaseFailed(what, f"not published within 5 s (last records: {seen})") from None


def _levels(start: Decimal, step: Decimal, count: int, qty: str) -> list[tuple[str, str]]:
    return [(str(start + step * n), qty) for n in range(count)]


def _depth_problems(depth: OrderBookDepth10, venue: Any, inst: Instrument) -> list[str]:
    problems = []
    for name, got, counts, want in (
        ("bids", depth.bids, depth.bid_counts, venue.bids[:DEPTH10_LEVELS]),
        ("asks", depth.asks, depth.ask_counts, venue.asks[:DEPTH10_LEVELS]),
    ):
        real = [
            (o.price.as_decimal(), o.size.as_decimal()) for o in got if o.side is not OrderSide.NO_ORDER_SIDE
        ]
        if real != [(Decimal(p), Decimal(q)) for p, q in want]:
            problems.append(f"{name} {real} != the venue's best ten {want}")
        if len(got) != DEPTH10_LEVELS:
            problems.append(f"{name}: {len(got)} levels, not {DEPTH10_LEVELS}")
        pad = got[len(real) :]
        if any(o.side is not OrderSide.NO_ORDER_SIDE or o.size.as_decimal() != 0 for o in pad):
            problems.append(f"{name}: padding is not null levels")
        if any(c < 1 for c in counts[: len(real)]) or any(counts[len(real) :]):
            problems.append(f"{name} counts {counts}: >= 1 per real level, 0 per padding")
        if any(o.price.precision != inst.price_precision for o in got[: len(real)]):
            problems.append(f"{name}: prices not at the instrument's precision")
    return problems


@case("D-05", group="market_data", requires=data(DataKind.ORDER_BOOK_SNAPSHOTS), simulator=WORLD_VIRTUAL)
async def test_d05_depth_variants(ctx: CaseContext) -> None:
    """Depth-10 snapshots: OrderBookDepth10 on the most compact channel covering ten levels (padded,
    counted, equal to the venue's best ten, following its changes); deltas at depth 25 where the
    venue has that channel; an unsupported depth raises and sends nothing."""
    world = await World.open(ctx, trade=False, data=True)
    client = world.built.data
    wire = facts(ctx)
    depths = _VENUE_DEPTHS.get(ctx.adapter.dialect)
    ctx.expect(depths is not None, f"book depths known for dialect {ctx.adapter.dialect}", "none")
    assert depths is not None
    inst, spec = world.instrument(LIN), world.spec(LIN)
    tick = spec.tick_size
    # 12 bid levels (two beyond ten are cut), 3 ask levels (seven are padding).
    world.set_book(
        LIN, bids=_levels(Decimal("99.0"), -tick, 12, "1"), asks=_levels(Decimal("101.0"), tick, 3, "2")
    )
    mark, since = ctx.journal.mark(), world.sink.mark()
    await ctx.within(
        client.subscribe_order_book_snapshots(inst.instrument_id, depth=DEPTH10_LEVELS),
        "subscribe_order_book_snapshots(depth=10)",
    )
    compact = min(d for d in depths[Product.LINEAR] if d >= DEPTH10_LEVELS)
    topics = [e.topic for e in ledger(ctx, since=mark)]
    want_topic = wire.book_topic(compact, spec.symbol)
    ctx.expect(topics == [want_topic], f"one subscribe of the compact channel {want_topic}", f"{topics}")
    ctx.sim.advance(0.5)
    core = world.core_id(LIN)
    first = await _wait(world, OrderBookDepth10, inst, since, "an OrderBookDepth10")
    problems = _depth_problems(first, world.venue.book(core, DEPTH10_LEVELS), inst)
    ctx.expect(
        not problems,
        "OrderBookDepth10 equal to the venue's best ten, padded and counted",
        "; ".join(problems),
    )
    better = Decimal("99.0") + tick
    since = world.sink.mark()
    world.venue.seed_book(core, bids=[(str(better), "5")])
    ctx.sim.advance(0.5)
    moved = await _wait(
        world,
        OrderBookDepth10,
        inst,
        since,
        f"an OrderBookDepth10 with best bid {better}",
        lambda d: d.bids[0].price.as_decimal() == better,
    )
    problems = _depth_problems(moved, world.venue.book(core, DEPTH10_LEVELS), inst)
    ctx.expect(not problems, "the next OrderBookDepth10 follows the venue's book", "; ".join(problems))

    if 25 in ctx.capabilities.book_depths and ctx.capabilities.supports(product=Product.OPTION):
        opt, ospec = world.instrument(OPT), world.spec(OPT)
        world.set_book(
            OPT,
            bids=_levels(Decimal("5.0"), -ospec.tick_size, 8, "1"),
            asks=_levels(Decimal("7.0"), ospec.tick_size, 30, "1"),
        )
        mark, since = ctx.journal.mark(), world.sink.mark()
        await ctx.within(
            client.subscribe_order_book_deltas(opt.instrument_id, depth=25),
            "subscribe_order_book_deltas(depth=25)",
        )
        topics = [e.topic for e in ledger(ctx, since=mark)]
        want_topic = wire.book_topic(25, ospec.symbol)
        ctx.expect(topics == [want_topic], f"one subscribe of {want_topic}", f"{topics}")
        ctx.sim.advance(0.5)
        snap = await _wait(
            world, OrderBookDeltas, opt, since, "the depth-25 snapshot", lambda d: d.is_snapshot
        )
        asks = [
            d.order.price.as_decimal()
            for d in snap.deltas
            if d.action is BookAction.ADD and d.order.side is OrderSide.SELL
        ]
        venue = world.venue.book(world.core_id(OPT), 25)
        ctx.expect(
            asks == [Decimal(p) for p, _ in venue.asks] and len(asks) == 25,
            "the depth-25 snapshot holds the venue's best 25 asks",
            f"{len(asks)} asks: {asks[:3]}...",
        )

    bogus = next(d for d in (7, 3, 13) if all(d not in ds for ds in depths.values()))
    mark = ctx.journal.mark()
    await ctx.raises(
        client.subscribe_order_book_snapshots(inst.instrument_id, depth=bogus),
        UnsupportedFeature,
        f"UnsupportedFeature for snapshots of depth {bogus}",
    )
    sentinel = wire.trade_topic(spec.symbol)
    until = await barrier(
        ctx,
        lambda: client.subscribe_trade_ticks(inst.instrument_id),
        SubscriptionMatch(op="subscribe", topic=sentinel),
        "a sentinel trades subscribe",
    )
    sent = [e.topic for e in ledger(ctx, since=mark, until=until) if e.topic != sentinel]
    ctx.expect(not sent, f"nothing subscribed for depth {bogus}", f"{sent}")


@case(
    "D-08",
    group="market_data",
    requires=data(DataKind.INSTRUMENT_STATUS) & data(DataKind.INSTRUMENT_CLOSE) & product(Product.FUTURE),
    simulator=WORLD_VIRTUAL,
)
async def test_d08_status_and_close(ctx: CaseContext) -> None:
    """Open -> halted -> open gives InstrumentStatus HALT then TRADING; the dated future's expiry
    gives InstrumentClose(CONTRACT_EXPIRED) at the venue's settlement price."""
    from simulator.core.enums import InstrumentStatus as VenueStatus

    world = await World.open(ctx, trade=False, data=True)
    client = world.built.data
    lin, fut = world.instrument(LIN), world.instrument(FUT)
    since = world.sink.mark()
    await ctx.within(client.subscribe_instrument_status(lin.instrument_id), "subscribe_instrument_status")
    await ctx.within(client.subscribe_instrument_close(fut.instrument_id), "subscribe_instrument_close")
    world.venue.set_instrument_status(world.core_id(LIN), VenueStatus.HALTED)
    ctx.sim.advance(0.5)
    await _wait(
        world,
        InstrumentStatus,
        lin,
        since,
        "InstrumentStatus HALT",
        lambda s: s.action is MarketStatusAction.HALT,
    )
    world.venue.set_instrument_status(world.core_id(LIN), VenueStatus.TRADING)
    ctx.sim.advance(0.5)
    await _wait(
        world,
        InstrumentStatus,
        lin,
        since,
        "InstrumentStatus TRADING after the halt",
        lambda s: s.action is MarketStatusAction.TRADING,
    )
    spec = world.spec(FUT)
    ctx.sim.advance((spec.expiry_ns - ctx.sim.clock.now_ns()) / 1e9 + 1)
    settlement = world.venue.markets[world.core_id(FUT)].settlement_price
    close = await _wait(world, InstrumentClose, fut, since, "InstrumentClose for the expired future")
    ctx.expect(
        close.close_type is InstrumentCloseType.CONTRACT_EXPIRED
        and close.close_price.as_decimal() == settlement,
        f"InstrumentClose(CONTRACT_EXPIRED, {settlement})",
        f"{close.close_type.name} {close.close_price}",
    )


def _refresh_config(ctx: CaseContext, interval_s: float) -> Mapping[str, Any] | None:
    make = getattr(ctx.adapter.factory, "conformance_config", None)
    if make is None:
        return None
    try:
        return make(instrument_refresh_s=interval_s)
    except TypeError:
        return None


def _venue_task(task: asyncio.Task[Any]) -> bool:
    code = getattr(task.get_coro(), "cr_code", None)
    filename = getattr(code, "co_filename", "")
    return "/simulator/" in filename or "aiohttp/web_" in filename or task.get_name().startswith("venuekit")


@case(
    "D-11",
    group="market_data",
    requires=feature("instrument_refresh") & product(Product.LINEAR),
    simulator=WORLD_VIRTUAL,
)
async def test_d11_instrument_refresh(ctx: CaseContext) -> None:
    """With a short refresh interval the data client reloads instruments repeatedly while connected,
    publishes an instrument the venue lists after connect, and stops reloading on disconnect."""
    config = _refresh_config(ctx, 0.2)
    ctx.expect(
        config is not None,
        "the factory offers conformance_config(instrument_refresh_s=) (it claims instrument_refresh)",
        "it does not",
    )
    route = facts_of(ctx.adapter.dialect).instruments_route
    before = asyncio.all_tasks()
    built = ctx.build(keys=False, config=config)
    world = World(ctx, built)
    await ctx.within(built.data.connect(), "the data client connects")
    mark, since = ctx.journal.mark(), world.sink.mark()
    spec = world.spec(LIN)
    symbol = f"{spec.symbol[:-4]}NEW{spec.symbol[-4:]}"
    listed = dataclasses.replace(spec, id=f"{world.core_id(LIN).split(':')[0]}:{symbol}", symbol=symbol)
    world.venue.add_instrument(listed, last_price="100", mark_price="100", index_price="100")
    # Two refresh rounds: each reloads (at least) one instruments page after the previous one.
    seen = mark
    for n in (1, 2):
        entry = await ctx.wait_journal(
            HttpMatch("GET", route), f"refresh {n}: an instrument reload", since=seen
        )
        seen = int(entry.seq)
    try:
        await world.sink.wait_for(
            lambda r: isinstance(r.payload, Instrument) and str(r.payload.raw_symbol) == symbol,
            5.0,
            since=since,
        )
    except AssertionError:
        raise CaseFailed(f"the newly listed {symbol} is published by a refresh", "it is not") from None
    await ctx.within(built.data.disconnect(), "disconnect returns")
    current = asyncio.current_task()
    left = [
        t for t in asyncio.all_tasks() - before if t is not current and not t.done() and not _venue_task(t)
    ]
    ctx.expect(not left, "the refresh task is gone after disconnect()", ", ".join(t.get_name() for t in left))
