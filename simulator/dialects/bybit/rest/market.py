"""Public market-data routes (§6.1-§6.7): time, instruments, tickers, order book, trades, klines,
funding history. None of them needs a signature, and none changes the venue's state.
"""

from __future__ import annotations

from typing import Final

from simulator.core import NS_PER_MS, InstrumentStatus
from simulator.core.market import MarketState
from simulator.dialects.bybit.codec import instruments as instrument_codec
from simulator.dialects.bybit.codec import market as market_codec
from simulator.dialects.bybit.codec import results
from simulator.dialects.bybit.codec.mappings import INSTRUMENT_STATUS, OPTIONS_TYPE
from simulator.dialects.bybit.rest.context import Reply, RequestContext
from simulator.dialects.bybit.rest.history import PriceKind
from simulator.dialects.bybit.rest.paging import paginate
from simulator.dialects.bybit.rest.params import params_error

__all__ = [
    "funding_history",
    "index_price_kline",
    "instruments_info",
    "kline",
    "mark_price_kline",
    "orderbook",
    "recent_trade",
    "server_time",
    "tickers",
]

# §6.2: instruments-info pages.
INSTRUMENTS_LIMIT_DEFAULT: Final = 500
INSTRUMENTS_LIMIT_MAX: Final = 1000
# §6.2: options without a baseCoin list BTC's.
OPTION_DEFAULT_BASE: Final = "BTC"
# §6.4: (default, maximum) book depth per category.
ORDERBOOK_LIMITS: Final = {
    "spot": (1, 1000),
    "linear": (25, 1000),
    "inverse": (25, 1000),
    "option": (1, 25),
}
# §6.5: (default, maximum) trades per category.
RECENT_TRADE_LIMITS: Final = {
    "spot": (60, 60),
    "linear": (500, 1000),
    "inverse": (500, 1000),
    "option": (500, 1000),
}
# §6.6: candles per page.
KLINE_LIMIT_DEFAULT: Final = 200
KLINE_LIMIT_MAX: Final = 1000
# §6.7: funding records per page.
FUNDING_LIMIT_DEFAULT: Final = 200
FUNDING_LIMIT_MAX: Final = 200

# Appendix A instrument ``status`` (the core never delivers; Delivering is accepted and matches none).
_STATUS_BY_NAME = {name: name for name in ("PreLaunch", "Trading", "Delivering", "Closed")}
_OPTION_TYPES = {name: name for name in OPTIONS_TYPE.values()}


def server_time(ctx: RequestContext) -> Reply:
    """``GET /v5/market/time`` (§6.1): the server time, the same as the envelope's ``time``."""
    return Reply(market_codec.server_time(ctx.now_ms * NS_PER_MS))


def _base_filter(ctx: RequestContext, category: str, default: str | None = None) -> str | None:
    base = ctx.params.text("baseCoin")
    if category == "spot":
        return None
    return base.upper() if base is not None else default


def instruments_info(ctx: RequestContext) -> Reply:
    """``GET /v5/market/instruments-info`` (§6.2).

    With a ``symbol``: that instrument, whatever its status. Otherwise linear and inverse list
    ``Trading`` instruments unless ``status`` asks for another (``PreLaunch``), options list
    ``baseCoin`` (BTC by default); spot lists everything at once, without a cursor.
    """
    params = ctx.params
    category = params.category()
    symbol = params.text("symbol")
    status = params.choice("status", _STATUS_BY_NAME)
    if symbol is not None:
        markets = [ctx.market(category, symbol)]
    else:
        base = _base_filter(ctx, category, OPTION_DEFAULT_BASE if category == "option" else None)
        markets = [m for m in ctx.markets(category) if base is None or m.instrument.base == base]
        if status is None and category in ("linear", "inverse"):
            status = INSTRUMENT_STATUS[InstrumentStatus.TRADING]
    if status is not None:
        markets = [m for m in markets if INSTRUMENT_STATUS[m.status] == status]
    if category == "spot":
        items = [instrument_codec.instrument_info(m.instrument, m.status) for m in markets]
        return Reply(results.list_result(category, items, cursor=None))
    limit = params.limit(default=INSTRUMENTS_LIMIT_DEFAULT, maximum=INSTRUMENTS_LIMIT_MAX)
    page, cursor = paginate(
        markets, lambda m: (m.instrument.symbol,), limit=limit, cursor=params.text("cursor")
    )
    items = [instrument_codec.instrument_info(m.instrument, m.status) for m in page]
    return Reply(results.list_result(category, items, cursor=cursor))


def tickers(ctx: RequestContext) -> Reply:
    """``GET /v5/market/tickers`` (§6.3): one ticker per instrument of the category (or the
    ``symbol``'s); options filter by ``baseCoin`` and ``expDate`` (``27MAR26``)."""
    params = ctx.params
    category = params.category()
    symbol = params.text("symbol")
    if symbol is not None:
        markets = [ctx.market(category, symbol)]
    else:
        base = _base_filter(ctx, category) if category == "option" else None
        expiry = params.text("expDate") if category == "option" else None
        markets = [
            m
            for m in ctx.markets(category)
            if (base is None or m.instrument.base == base) and (expiry is None or _expires_on(m, expiry))
        ]
    now_ns = ctx.now_ns
    items = [market_codec.ticker(m, ctx.exchange.book(m.instrument.id, 1), now_ns) for m in markets]
    return Reply(results.list_result(category, items, cursor=None))


def _expires_on(market: MarketState, code: str) -> bool:
    expiry = market.instrument.expiry_ns
    return expiry is not None and instrument_codec.option_date_code(expiry) == code.upper()


def orderbook(ctx: RequestContext) -> Reply:
    """``GET /v5/market/orderbook`` (§6.4): ``limit`` levels a side (default and maximum per
    category; 500 is accepted on linear/inverse, rule 16)."""
    params = ctx.params
    category = params.category()
    market = ctx.market(category, params.required_text("symbol"))
    default, maximum = ORDERBOOK_LIMITS[category]
    depth = params.limit(default=default, maximum=maximum)
    return Reply(market_codec.orderbook_result(ctx.exchange.book(market.instrument.id, depth)))


def recent_trade(ctx: RequestContext) -> Reply:
    """``GET /v5/market/recent-trade`` (§6.5): newest first. Options may ask by ``baseCoin``
    (default BTC) and ``optionType`` instead of a symbol."""
    params = ctx.params
    category = params.category()
    default, maximum = RECENT_TRADE_LIMITS[category]
    limit = params.limit(default=default, maximum=maximum)
    symbol = params.text("symbol", required=category != "option")
    if symbol is not None:
        markets = [ctx.market(category, symbol)]
    else:
        base = _base_filter(ctx, category, OPTION_DEFAULT_BASE)
        option_type = params.choice("optionType", _OPTION_TYPES)
        markets = [
            m
            for m in ctx.markets(category)
            if m.instrument.base == base
            and (option_type is None or OPTIONS_TYPE.get(m.instrument.option_kind) == option_type)
        ]
    trades = [(m, t) for m in markets for t in m.trades]
    trades.sort(key=lambda mt: (mt[1].ts_ns, mt[1].trade_id), reverse=True)
    history = ctx.history
    items = [
        market_codec.recent_trade_item(
            m.instrument,
            t,
            seq=history.trade_seq(t.trade_id) or 0,
            mark_price=m.mark_price,
            index_price=m.index_price,
        )
        for m, t in trades[:limit]
    ]
    return Reply(results.list_result(category, items, cursor=None))


def _kline(ctx: RequestContext, kind: str, categories: tuple[str, ...], *, price_only: bool) -> Reply:
    params = ctx.params
    category = params.category(categories, default="linear")
    market = ctx.market(category, params.required_text("symbol"))
    interval = params.choice("interval", {name: name for name in market_codec.KLINE_INTERVALS})
    if interval is None:
        raise params_error(f"interval is required; one of {', '.join(market_codec.KLINE_INTERVALS)}")
    start = params.integer("start")
    end = params.integer("end")
    limit = params.limit(default=KLINE_LIMIT_DEFAULT, maximum=KLINE_LIMIT_MAX)
    inst = market.instrument
    current = {PriceKind.MARK: market.mark_price, PriceKind.INDEX: market.index_price}.get(kind)
    candles = ctx.history.candles(
        inst.id,
        kind,
        interval,
        now_ms=ctx.clock_ms,
        start_ms=start,
        end_ms=end,
        limit=limit,
        current=current,
    )
    row = market_codec.price_kline_row if price_only else market_codec.kline_row
    return Reply(results.kline_result(inst.symbol, category, [row(inst, c) for c in candles]))


def kline(ctx: RequestContext) -> Reply:
    """``GET /v5/market/kline`` (§6.6): trade candles, newest first, 7 strings a row."""
    return _kline(ctx, PriceKind.TRADE, ("spot", "linear", "inverse"), price_only=False)


def mark_price_kline(ctx: RequestContext) -> Reply:
    """``GET /v5/market/mark-price-kline`` (§6.6): 5 strings a row."""
    return _kline(ctx, PriceKind.MARK, ("linear", "inverse", "option"), price_only=True)


def index_price_kline(ctx: RequestContext) -> Reply:
    """``GET /v5/market/index-price-kline`` (§6.6): 5 strings a row."""
    return _kline(ctx, PriceKind.INDEX, ("linear", "inverse"), price_only=True)


def funding_history(ctx: RequestContext) -> Reply:
    """``GET /v5/market/funding/history`` (§6.7): newest first; ``startTime`` alone is an error."""
    params = ctx.params
    category = params.category(("linear", "inverse"))
    market = ctx.market(category, params.required_text("symbol"))
    start = params.integer("startTime")
    end = params.integer("endTime")
    if start is not None and end is None:
        raise params_error("endTime is required when startTime is given")
    limit = params.limit(default=FUNDING_LIMIT_DEFAULT, maximum=FUNDING_LIMIT_MAX)
    inst = market.instrument
    records = [
        (ts, rate)
        for ts, rate in reversed(market.funding_history)
        if (start is None or ts // NS_PER_MS >= start) and (end is None or ts // NS_PER_MS <= end)
    ]
    items = [market_codec.funding_history_item(inst, ts, rate) for ts, rate in records[:limit]]
    return Reply(results.list_result(category, items, cursor=None))
