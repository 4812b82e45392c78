"""Group 1, HTTP client: historical queries and their pagination (H-14, H-15, H-16), judged on the
journal's queries (venue side) and on the data and reports the adapter answers with.

Bars run on the venue's virtual clock: the case writes the trades that make each minute's candle
and moves time itself, so which candle is still open when the adapter asks is known exactly.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

from adapters.contract import Product, RequestKind
from adapters.model.data import Bar, BarType
from conformance.cases._world import WORLD_VIRTUAL, World
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import feature, product, request
from simulator.core import Side
from simulator.server import HttpMatch
from simulator.server.journal import HttpEntry

LIN = "linear:BTCUSDT"
_MINUTE_NS = 60 * 10**9
#: Closed minutes the H-15 case writes, and how many bars it asks for (fewer: the newest ones).
_CLOSED_MINUTES = 5
_BARS_LIMIT = 3


def _minute_prices(index: int) -> tuple[str, str, str, str]:
    """Open, high, low, close of closed minute ``index``: distinct per minute, so a bar names its minute."""
    base = Decimal(100 + 2 * index)
    return (str(base), str(base + Decimal("1.5")), str(base - Decimal("0.5")), str(base + Decimal("0.5")))


#: The still-open minute trades far above every closed one: any bar that reaches it is the open candle.
_OPEN_MINUTE_PRICE = "300.0"


@case("H-15", group="http", requires=request(RequestKind.BARS), simulator=WORLD_VIRTUAL)
async def test_h15_bars_query_and_partial_bar(ctx: CaseContext) -> None:
    """request_bars(1-MINUTE-LAST, start, end, limit): the venue's interval, symbol, time bounds and
    page size on the wire; the answer holds the newest closed bars only (never the still-open
    candle), ascending, each with its minute's OHLC and a ts_event on that minute's boundary."""
    facts = facts_of(ctx.adapter.dialect)
    world = await World.open(ctx, trade=False, data=True)
    inst = world.instrument(LIN)
    core = world.core_id(LIN)
    now_ns = ctx.sim.clock.now_ns()
    ctx.sim.advance((_MINUTE_NS - now_ns % _MINUTE_NS) / 1e9 + 1)  # 1 s into a fresh minute
    first_minute_ns = ctx.sim.clock.now_ns() // _MINUTE_NS * _MINUTE_NS
    for index in range(_CLOSED_MINUTES):
        open_, high, low, close = _minute_prices(index)
        for price in (open_, high, low, close):
            world.venue.record_trade(core, price, "0.01", Side.BUY)
            ctx.sim.advance(1)
        ctx.sim.advance(60 - 4)  # the next minute, 1 s in
    world.venue.record_trade(core, _OPEN_MINUTE_PRICE, "0.01", Side.BUY)  # the open candle
    ctx.sim.advance(1)
    end_ns = ctx.sim.clock.now_ns()
    bar_type = BarType.from_str(f"{inst.instrument_id}-1-MINUTE-LAST-EXTERNAL")
    # "Up to now" (no end) reaches the open candle: the venue lists it first, still forming.
    correlation, mark = uuid4(), ctx.journal.mark()
    await ctx.within(
        world.built.data.request_bars(
            bar_type, correlation_id=correlation, start_ns=first_minute_ns, limit=_BARS_LIMIT
        ),
        "request_bars(start, limit) returns",
    )
    sent = ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", facts.bars_route))
    ctx.expect(sent, f"GETs to {facts.bars_route}", "no bars request reached the venue")
    problems = []
    for entry in sent:
        query = entry.query_params()
        if query.get(facts.bars_symbol_param) != str(inst.raw_symbol):
            problems.append(f"#{entry.seq} {facts.bars_symbol_param}={query.get(facts.bars_symbol_param)}")
        if query.get(facts.bars_interval_param) != facts.bars_one_minute:
            problems.append(
                f"#{entry.seq} {facts.bars_interval_param}={query.get(facts.bars_interval_param)}"
            )
        limit = query.get(facts.bars_limit_param)
        if limit is not None and not (limit.isdigit() and 1 <= int(limit) <= facts.bars_page_max):
            problems.append(f"#{entry.seq} {facts.bars_limit_param}={limit}")
        for name, bound in ((facts.bars_start_param, first_minute_ns), (facts.bars_end_param, end_ns)):
            # An end, when sent, is at most the venue's now (bars are only asked up to it).
            value = query.get(name)
            # Venue units are ms: a bound in s or ns is off by three orders of magnitude.
            if value is not None and not (value.isdigit() and abs(int(value) - bound // 10**6) <= 60_000):
                problems.append(f"#{entry.seq} {name}={value} (want ms near {bound // 10**6})")
    ctx.expect(
        not problems, "the venue's symbol, 1-minute interval, ms bounds and page size", "; ".join(problems)
    )
    requests = [e.query_params() for e in sent]
    ctx.expect(
        len(requests) == len({tuple(sorted(q.items())) for q in requests}),
        "no identical request repeated",
        f"{requests}",
    )

    response = world.sink.response(correlation)
    ctx.expect(response is not None, "a response under the request's correlation id", "none published")
    assert response is not None
    bars: list[Bar] = list(response.data)
    ohlc = [tuple(p.as_decimal() for p in (b.open, b.high, b.low, b.close)) for b in bars]
    ctx.expect(
        all(high < Decimal(_OPEN_MINUTE_PRICE) for _, high, _, _ in ohlc),
        "closed bars only (not the open candle, whose trades are at 300.0)",
        f"{ohlc}",
    )
    stamps = [b.ts_event for b in bars]
    ctx.expect(stamps == sorted(stamps) and len(set(stamps)) == len(stamps), "bars ascending", f"{stamps}")
    newest = list(range(_CLOSED_MINUTES - _BARS_LIMIT, _CLOSED_MINUTES))
    want = [tuple(Decimal(p) for p in _minute_prices(i)) for i in newest]
    ctx.expect(
        ohlc == want,
        f"the {_BARS_LIMIT} newest closed minutes' OHLC {[tuple(map(str, w)) for w in want]}",
        f"{[tuple(map(str, row)) for row in ohlc]}",
    )
    offsets = {(b.ts_event - (first_minute_ns + i * _MINUTE_NS)) for b, i in zip(bars, newest, strict=False)}
    ctx.expect(
        len(offsets) == 1 and offsets <= {0, _MINUTE_NS},
        "every ts_event on its minute's open or close, by one convention",
        f"offsets from each minute's open (ns): {sorted(offsets)}",
    )
    bad = [b for b in bars if not (b.low <= b.open <= b.high and b.low <= b.close <= b.high)]
    ctx.expect(not bad, "OHLC invariants on every bar", f"{bad[:2]}")

    # Bounded by an end at the venue's now: every closed minute, ascending, still no open candle.
    correlation = uuid4()
    await ctx.within(
        world.built.data.request_bars(
            bar_type, correlation_id=correlation, start_ns=first_minute_ns, end_ns=end_ns
        ),
        "request_bars(start, end) returns",
    )
    bounded = world.sink.response(correlation)
    ctx.expect(bounded is not None, "a response under the second correlation id", "none published")
    assert bounded is not None
    highs = [b.high.as_decimal() for b in bounded.data]
    ctx.expect(
        len(highs) == _CLOSED_MINUTES and all(h < Decimal(_OPEN_MINUTE_PRICE) for h in highs),
        f"the {_CLOSED_MINUTES} closed minutes within [start, end]",
        f"highs {[str(h) for h in highs]}",
    )


#: H-14 applies to adapters that page trade history backwards by the venue's cursor; an adapter
#: whose venue serves recent trades from one page only (Bybit's recent-trade has no cursor) does
#: not claim it and says why in its capabilities.
_TRADE_PAGING = request(RequestKind.TRADE_TICKS) & product(Product.LINEAR) & feature("history_paging")


@case("H-14", group="http", requires=_TRADE_PAGING, simulator=WORLD_VIRTUAL)
async def test_h14_backward_trade_paging(ctx: CaseContext) -> None:
    """request_trade_ticks(start, end) over more trades than one venue page: every trade in [start,
    end] once, ascending, by as many distinct requests as it takes (none repeated)."""
    facts = facts_of(ctx.adapter.dialect)
    world = await World.open(ctx, trade=False, data=True)
    inst = world.instrument(LIN)
    core = world.core_id(LIN)
    page = facts.trades_page_max.get("linear", 100)
    ctx.sim.advance(1)
    start_ns = ctx.sim.clock.now_ns()
    stamps = []
    for n in range(2 * page + 5):
        world.venue.record_trade(core, str(Decimal(100) + Decimal(n % 7) / 10), "0.01", Side.BUY)
        stamps.append(ctx.sim.clock.now_ns())
        ctx.sim.advance(0.01)
    end_ns = ctx.sim.clock.now_ns()
    for _ in range(3):  # newer trades outside the range: the first page holds none of the range
        world.venue.record_trade(core, "120.0", "0.01", Side.SELL)
        ctx.sim.advance(0.01)
    correlation, mark = uuid4(), ctx.journal.mark()
    await ctx.within(
        world.built.data.request_trade_ticks(
            inst.instrument_id, correlation_id=correlation, start_ns=start_ns, end_ns=end_ns
        ),
        "request_trade_ticks(start, end) returns",
        timeout=30.0,
    )
    sent = [
        e.query_params() for e in ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", facts.trades_route))
    ]
    ctx.expect(
        len(sent) == len({tuple(sorted(q.items())) for q in sent}), "no identical request repeated", f"{sent}"
    )
    response = world.sink.response(correlation)
    ctx.expect(response is not None, "a response under the request's correlation id", "none published")
    assert response is not None
    got = [t.ts_event for t in response.data]
    ctx.expect(got == sorted(got), "trades ascending", f"{got[:5]}...")
    outside = [t for t in got if not start_ns <= t <= end_ns]
    ctx.expect(not outside, "trades within [start, end]", f"{len(outside)} outside")
    ctx.expect(
        len(got) == len(stamps),
        f"all {len(stamps)} venue trades of the range (more than one page of {page})",
        f"{len(got)} in {len(sent)} request(s)",
    )
