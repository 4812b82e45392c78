"""Group 7, market-data client outputs (D-01..D-04, D-06, D-07, D-09, D-10).

Public data only: the venue runs the reference world on the virtual clock, so pushes due later
(book and ticker cadences, candle closes) go out when the case advances it, and nothing moves
unless the case moves it. What the adapter publishes is compared with what the venue produced:
its trade events (ids, prices, times), its book, its mark/index/funding figures.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from adapters.contract import DataKind, RequestKind
from adapters.model.data import (
    Bar,
    BarType,
    FundingRateUpdate,
    IndexPriceUpdate,
    MarkPriceUpdate,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import AggressorSide, BookAction
from adapters.model.instruments import Instrument
from conformance.cases._world import WORLD_VIRTUAL, World
from conformance.harness.context import CaseContext
from conformance.harness.outcome import CaseFailed
from conformance.harness.registry import case
from conformance.harness.requirements import data, request
from simulator.core import Side

LIN = "linear:BTCUSDT"
ETH = "linear:ETHUSDT"


async def _open(ctx: CaseContext) -> World:
    return await World.open(ctx, trade=False, data=True)


async def _wait_data(
    world: World, kind: type, inst: Instrument, since: int, what: str, where: Any = None
) -> Any:
    def wanted(record: Any) -> bool:
        p = record.payload
        return isinstance(p, kind) and _instrument_of(p) == inst.instrument_id and (where is None or where(p))

    try:
        return (await world.sink.wait_for(wanted, 5.0, since=since)).payload
    except AssertionError:
        seen = [type(r.payload).__name__ for r in world.sink.records[since:]][-10:]
        raise CaseFailed(what, f"not published within 5 s (last records: {seen})") from None


def _instrument_of(payload: Any) -> Any:
    bar_type = getattr(payload, "bar_type", None)
    return bar_type.instrument_id if bar_type is not None else getattr(payload, "instrument_id", None)


def _of(world: World, kind: Any, inst: Instrument, since: int = 0) -> list[Any]:
    return [p for p in world.sink.of_type(kind, since) if _instrument_of(p) == inst.instrument_id]


@case("D-01", group="market_data", requires=data(DataKind.TRADE_TICKS), simulator=WORLD_VIRTUAL)
async def test_d01_connect_disconnect(ctx: CaseContext) -> None:
    """connect() publishes instruments before anything else; disconnect() closes every socket it opened."""
    built = ctx.build(keys=False)
    await ctx.within(built.data.connect(), "the market-data client connects")
    instruments = [r for r in built.sink.records if isinstance(r.payload, Instrument)]
    ctx.expect(instruments, "instruments published on connect", "none")
    ctx.expect(built.data.is_connected, "is_connected after connect()", "False")
    world = World(ctx, built)
    inst = world.instrument(LIN)
    await ctx.within(built.data.subscribe_trade_ticks(inst.instrument_id), "subscribe_trade_ticks returns")
    await ctx.within(built.data.disconnect(), "disconnect returns")
    ctx.expect(not built.data.is_connected, "not connected after disconnect()", "still connected")
    still_open = ctx.journal.connections(open_only=True)
    ctx.expect(not still_open, "every socket closed on disconnect", f"{[c.conn_id for c in still_open]}")


@case("D-02", group="market_data", requires=data(DataKind.TRADE_TICKS), simulator=WORLD_VIRTUAL)
async def test_d02_trades(ctx: CaseContext) -> None:
    """A buy and a sell trade become TradeTicks: fields at precision, aggressor, id, venue time."""
    world = await _open(ctx)
    inst = world.instrument(LIN)
    await ctx.within(
        world.built.data.subscribe_trade_ticks(inst.instrument_id), "subscribe_trade_ticks returns"
    )
    since = world.sink.mark()
    venue_trades = []
    for price, qty, side in (("100.5", "0.3", Side.BUY), ("99.5", "0.2", Side.SELL)):
        events = world.venue.record_trade(world.core_id(LIN), price, qty, side)
        venue_trades += [e for e in events if type(e).__name__ == "TradeOccurred"]
    ctx.sim.advance(0.5)
    problems = []
    for trade in venue_trades:
        tick = await _wait_data(
            world,
            TradeTick,
            inst,
            since,
            f"a TradeTick for trade {trade.trade_id}",
            lambda t, i=trade.trade_id: str(t.trade_id) == i,
        )
        want_side = AggressorSide.BUYER if trade.aggressor is Side.BUY else AggressorSide.SELLER
        if tick.price != world.price(LIN, trade.price) or tick.price.precision != inst.price_precision:
            problems.append(f"{trade.trade_id}: price {tick.price!r} != {trade.price}")
        if tick.size != world.qty(LIN, trade.qty) or tick.size.precision != inst.size_precision:
            problems.append(f"{trade.trade_id}: size {tick.size!r} != {trade.qty}")
        if tick.aggressor_side is not want_side:
            problems.append(f"{trade.trade_id}: aggressor {tick.aggressor_side.name} != {want_side.name}")
        if tick.ts_event != trade.ts_ns // 1_000_000 * 1_000_000:
            problems.append(
                f"{trade.trade_id}: ts_event {tick.ts_event} != venue time {trade.ts_ns // 1_000_000} ms"
            )
    ctx.expect(not problems, "TradeTick fields equal to the venue's trades", "; ".join(problems))
    ctx.expect(
        len(_of(world, TradeTick, inst, since)) == 2,
        "one TradeTick per trade",
        f"{len(_of(world, TradeTick, inst, since))}",
    )


@case("D-03", group="market_data", requires=data(DataKind.QUOTE_TICKS), simulator=WORLD_VIRTUAL)
async def test_d03_quotes(ctx: CaseContext) -> None:
    """Quotes follow the venue's best bid and ask, at equal precision, on spot and on a perpetual."""
    world = await _open(ctx)
    problems = []
    for ref in ("spot:BTCUSDT", LIN):
        inst = world.instrument(ref)
        since = world.sink.mark()
        await ctx.within(
            world.built.data.subscribe_quote_ticks(inst.instrument_id), f"subscribe_quote_ticks({ref})"
        )
        top = ctx.sim.exchange.book(world.core_id(ref), 1)
        bid, ask = top.bids[0][0], top.asks[0][0]
        ctx.sim.advance(0.5)
        quote = await _wait_data(world, QuoteTick, inst, since, f"a QuoteTick for {ref}")
        got = (quote.bid_price.as_decimal(), quote.ask_price.as_decimal())
        if got != (bid, ask):
            problems.append(f"{ref}: {got} != venue top {bid}/{ask}")
        if not quote.bid_price.precision == quote.ask_price.precision == inst.price_precision:
            problems.append(f"{ref}: precisions {quote.bid_price.precision}/{quote.ask_price.precision}")
        # The venue's top of book moves: the next quote follows it.
        since = world.sink.mark()
        new_bid = bid + inst.price_increment.as_decimal()
        world.venue.seed_book(world.core_id(ref), bids=[(str(new_bid), "1")])
        ctx.sim.advance(0.5)
        await _wait_data(
            world,
            QuoteTick,
            inst,
            since,
            f"{ref}: a quote with bid {new_bid}",
            lambda q, b=new_bid: q.bid_price.as_decimal() == b,
        )
    ctx.expect(not problems, "quotes equal to the venue's top of book", "; ".join(problems))


def _book_of(deltas: list[OrderBookDeltas]) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    bids: dict[Decimal, Decimal] = {}
    asks: dict[Decimal, Decimal] = {}
    for event in deltas:
        for delta in event.deltas:
            if delta.action is BookAction.CLEAR:
                bids.clear()
                asks.clear()
                continue
            order = delta.order
            assert order is not None
            side = bids if order.side.name == "BUY" else asks
            price = order.price.as_decimal()
            if delta.action is BookAction.DELETE or not order.size:
                side.pop(price, None)
            else:
                side[price] = order.size.as_decimal()
    return bids, asks


@case("D-04", group="market_data", requires=data(DataKind.ORDER_BOOK_DELTAS), simulator=WORLD_VIRTUAL)
async def test_d04_book_deltas(ctx: CaseContext) -> None:
    """Snapshot = CLEAR then ADDs, all F_SNAPSHOT, F_LAST on the last; updates end with F_LAST; the
    replayed book equals the venue's; sequences never decrease."""
    world = await _open(ctx)
    inst = world.instrument(LIN)
    since = world.sink.mark()
    await ctx.within(
        world.built.data.subscribe_order_book_deltas(inst.instrument_id), "subscribe_order_book_deltas"
    )
    ctx.sim.advance(0.5)
    snapshot = await _wait_data(world, OrderBookDeltas, inst, since, "a snapshot OrderBookDeltas")
    first = snapshot.deltas
    ctx.expect(
        first[0].action is BookAction.CLEAR
        and all(d.is_snapshot for d in first)
        and first[-1].is_last
        and all(d.action is BookAction.ADD for d in first[1:]),
        "CLEAR then ADDs, F_SNAPSHOT on all, F_LAST on the last",
        f"{[(d.action.name, d.flags) for d in first][:6]}",
    )
    core = world.core_id(LIN)
    world.venue.seed_book(core, bids=[("98.0", "3")], asks=[("102.0", "4")])
    ctx.sim.advance(0.5)
    world.trade_against(LIN, "BUY", "10")  # takes the whole 101.0 level: a delete
    ctx.sim.advance(0.5)
    venue = world.venue.book(core, 50)
    want = ({p: q for p, q in venue.bids}, {p: q for p, q in venue.asks})

    def settled(_: Any) -> bool:
        return _book_of(_of(world, OrderBookDeltas, inst, since)) == want

    try:
        await _wait_data(world, OrderBookDeltas, inst, since, "the replayed book equals the venue's", settled)
    except CaseFailed:
        got = _book_of(_of(world, OrderBookDeltas, inst, since))
        raise CaseFailed(
            "the replayed book equals the venue's", f"bids {got[0]} asks {got[1]}; venue {want}"
        ) from None
    events = _of(world, OrderBookDeltas, inst, since)
    problems = [
        f"event {n}: last delta without F_LAST" for n, e in enumerate(events) if not e.deltas[-1].is_last
    ]
    sequences = [d.sequence for e in events for d in e.deltas]
    if sequences != sorted(sequences):
        problems.append(f"sequence decreases: {sequences[:20]}")
    ctx.expect(not problems, "every group ends with F_LAST, sequences never decrease", "; ".join(problems))


@case(
    "D-06",
    group="market_data",
    requires=data(DataKind.MARK_PRICES) & data(DataKind.INDEX_PRICES) & data(DataKind.FUNDING_RATES),
    simulator=WORLD_VIRTUAL,
)
async def test_d06_mark_index_funding(ctx: CaseContext) -> None:
    """Mark, index and funding for A only while subscribed: none for B, none after the unsubscribe."""
    world = await _open(ctx)
    a, b = world.instrument(LIN), world.instrument(ETH)
    client = world.built.data
    since = world.sink.mark()
    for name in ("mark_prices", "index_prices", "funding_rates"):
        await ctx.within(getattr(client, f"subscribe_{name}")(a.instrument_id), f"subscribe_{name}(A)")
    core = world.core_id(LIN)
    world.venue.set_mark_price(core, "100.7")
    world.venue.set_index_price(core, "100.6")
    world.venue.set_mark_price(world.core_id(ETH), "20.50")
    ctx.sim.advance(0.5)
    mark = await _wait_data(
        world,
        MarkPriceUpdate,
        a,
        since,
        "MarkPriceUpdate 100.7 for A",
        lambda m: m.value.as_decimal() == Decimal("100.7"),
    )
    await _wait_data(
        world,
        IndexPriceUpdate,
        a,
        since,
        "IndexPriceUpdate 100.6 for A",
        lambda m: m.value.as_decimal() == Decimal("100.6"),
    )
    rate = world.venue.market(core).funding_rate
    funding = await _wait_data(
        world, FundingRateUpdate, a, since, f"FundingRateUpdate {rate} for A", lambda f: f.rate == rate
    )
    ctx.expect(funding.next_funding_ns, "next_funding_ns set", f"{funding.next_funding_ns}")
    ctx.expect(mark.value.precision == a.price_precision, "mark at price precision", f"{mark.value!r}")
    for name in ("mark_prices", "index_prices", "funding_rates"):
        await ctx.within(getattr(client, f"unsubscribe_{name}")(a.instrument_id), f"unsubscribe_{name}(A)")
    after = world.sink.mark()
    world.venue.set_mark_price(core, "100.9")
    world.venue.set_index_price(core, "100.8")
    ctx.sim.advance(0.5)
    # Barrier: a trade subscription on the same instrument and a trade, published after the moves.
    await ctx.within(client.subscribe_trade_ticks(a.instrument_id), "a sentinel trade subscription")
    world.venue.record_trade(core, "100.0", "0.001", Side.BUY)
    ctx.sim.advance(0.5)
    await _wait_data(world, TradeTick, a, after, "the sentinel trade")
    kinds = (MarkPriceUpdate, IndexPriceUpdate, FundingRateUpdate)
    ctx.expect(
        not _of(world, kinds, b), "nothing for B", f"{[type(p).__name__ for p in _of(world, kinds, b)]}"
    )
    late = _of(world, kinds, a, after)
    ctx.expect(
        not late,
        "nothing for A after the unsubscribe",
        f"{[(type(p).__name__, str(getattr(p, 'value', ''))) for p in late]}",
    )


@case("D-07", group="market_data", requires=data(DataKind.BARS), simulator=WORLD_VIRTUAL)
async def test_d07_bars(ctx: CaseContext) -> None:
    """1-MINUTE-LAST bars: only closed bars (or flagged revisions), OHLC as the venue's trades made them."""
    world = await _open(ctx)
    inst = world.instrument(LIN)
    bar_type = BarType.from_str(f"{inst.instrument_id}-1-MINUTE-LAST-EXTERNAL")
    since = world.sink.mark()
    await ctx.within(world.built.data.subscribe_bars(bar_type), "subscribe_bars returns")
    core = world.core_id(LIN)
    now_ns = ctx.sim.clock.now_ns()
    ctx.sim.advance(60 - (now_ns // 1_000_000_000) % 60 + 1)  # into a fresh minute
    for price in ("100.0", "103.0", "98.0", "101.0"):
        world.venue.record_trade(core, price, "0.01", Side.BUY)
        ctx.sim.advance(1)
    ctx.sim.advance(60)
    closed = await _wait_data(
        world,
        Bar,
        inst,
        since,
        "a closed bar",
        lambda b: not b.is_revision and b.high.as_decimal() == Decimal("103.0"),
    )
    got = tuple(p.as_decimal() for p in (closed.open, closed.high, closed.low, closed.close))
    ctx.expect(
        got == (Decimal("100.0"), Decimal("103.0"), Decimal("98.0"), Decimal("101.0")),
        "OHLC 100/103/98/101",
        f"{got}",
    )
    bars = _of(world, Bar, inst, since)
    bad = [b for b in bars if not (b.low <= b.open <= b.high and b.low <= b.close <= b.high)]
    ctx.expect(not bad, "OHLC invariants on every bar", f"{bad[:2]}")


@case(
    "D-09",
    group="market_data",
    requires=request(RequestKind.TRADE_TICKS) & request(RequestKind.BARS),
    simulator=WORLD_VIRTUAL,
)
async def test_d09_request_correlation(ctx: CaseContext) -> None:
    """Historical requests answer with the request's correlation id, echoing the query, ascending."""
    world = await _open(ctx)
    inst = world.instrument(LIN)
    core = world.core_id(LIN)
    for price in ("100.1", "100.2", "100.3", "100.4", "100.5"):
        world.venue.record_trade(core, price, "0.01", Side.BUY)
        ctx.sim.advance(1)
    client = world.built.data
    problems = []
    cid = uuid4()
    await ctx.within(
        client.request_trade_ticks(inst.instrument_id, correlation_id=cid, limit=3), "request_trade_ticks"
    )
    response = world.sink.response(cid)
    if response is None:
        problems.append("no response for the trade request's correlation id")
    else:
        stamps = [t.ts_event for t in response.data]
        if len(response.data) != 3 or stamps != sorted(stamps) or response.limit != 3:
            problems.append(
                f"trades: {len(response.data)} items, ascending={stamps == sorted(stamps)}, "
                f"limit={response.limit}"
            )
    cid = uuid4()
    end_ns = ctx.sim.clock.now_ns()
    start_ns = end_ns - 3_600_000_000_000
    bar_type = BarType.from_str(f"{inst.instrument_id}-1-MINUTE-LAST-EXTERNAL")
    await ctx.within(
        client.request_bars(bar_type, correlation_id=cid, start_ns=start_ns, end_ns=end_ns, limit=10),
        "request_bars",
    )
    response = world.sink.response(cid)
    if response is None:
        problems.append("no response for the bar request's correlation id")
    else:
        stamps = [b.ts_event for b in response.data]
        if (response.start_ns, response.end_ns, response.limit) != (start_ns, end_ns, 10):
            problems.append(
                f"bars echo start/end/limit {response.start_ns}/{response.end_ns}/{response.limit}"
            )
        if stamps != sorted(stamps) or len(stamps) > 10:
            problems.append(f"bars: {len(stamps)} items, ascending={stamps == sorted(stamps)}")
    ctx.expect(not problems, "responses correlated, echoed, ascending, within the limit", "; ".join(problems))


@case("D-10", group="market_data", requires=data(DataKind.TRADE_TICKS), simulator=WORLD_VIRTUAL)
async def test_d10_unsubscribe_stops_output(ctx: CaseContext) -> None:
    """After unsubscribe_trade_ticks returns, the venue's trades publish nothing (barrier: another topic)."""
    world = await _open(ctx)
    a, b = world.instrument(LIN), world.instrument(ETH)
    client = world.built.data
    await ctx.within(client.subscribe_trade_ticks(a.instrument_id), "subscribe A")
    await ctx.within(client.unsubscribe_trade_ticks(a.instrument_id), "unsubscribe A")
    after = world.sink.mark()
    world.venue.record_trade(world.core_id(LIN), "100.0", "0.01", Side.BUY)
    await ctx.within(client.subscribe_trade_ticks(b.instrument_id), "a sentinel subscription to B")
    world.venue.record_trade(world.core_id(ETH), "20.00", "0.01", Side.BUY)
    ctx.sim.advance(0.5)
    await _wait_data(world, TradeTick, b, after, "the sentinel trade on B")
    ctx.expect(
        not _of(world, TradeTick, a, after),
        "no TradeTick for A after the unsubscribe",
        f"{len(_of(world, TradeTick, a, after))}",
    )
