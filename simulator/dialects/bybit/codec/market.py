"""Public market data as Bybit's REST endpoints return it (§6.1, §6.3-§6.7).

Tickers (one field set per category), the order book result, recent trades, candles and kline
rows, funding history, server time. Everything is computed from the core's state: a market's
:class:`~simulator.core.market.MarketState` (prices, funding, its remembered trades and open
positions) and a :class:`~simulator.core.queries.BookSnapshot` of its book.

Twenty-four-hour statistics come from the trades the core remembers
(``TRADE_HISTORY_LIMIT`` per market): on a busy market the window is what those trades cover.
Implied volatilities and greeks of options have no source in the core and read ``"0"``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any, NamedTuple

from simulator.core.clock import NS_PER_MS, NS_PER_S
from simulator.core.instruments import Instrument
from simulator.core.market import MarketState, TradeRecord
from simulator.core.queries import BookSnapshot
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.instruments import FUTURE_DELIVERY_FEE_RATE
from simulator.dialects.bybit.codec.numbers import (
    fixed,
    money,
    ms_str,
    price,
    price_or,
    rate,
    reference_price_or,
    size,
)

__all__ = [
    "FUNDING_CAP",
    "GREEK_PLACEHOLDER",
    "KLINE_INTERVALS",
    "Candle",
    "TickerStats",
    "book_levels",
    "contract_ticker_fields",
    "funding_history_item",
    "interval_end_ms",
    "interval_start_ms",
    "kline_row",
    "linear_ticker",
    "open_interest",
    "option_ticker",
    "option_ticker_fields",
    "orderbook_result",
    "price_candles",
    "price_kline_row",
    "recent_trade_item",
    "server_time",
    "spot_ticker",
    "tick_direction",
    "ticker",
    "ticker_stats",
    "top_of_book",
    "trade_candles",
    "usd_index_price",
]

_ZERO = Decimal(0)
_DAY_NS = 86_400 * NS_PER_S
_HOUR_NS = 3_600 * NS_PER_S
_MINUTE_MS = 60_000

#: ``fundingCap`` of perpetuals (§6.3 linear example, an extra); the core never caps funding.
FUNDING_CAP = "0.005"
#: Option IVs and greeks (``bid1Iv``, ``markIv``, ``delta``…): the core prices no volatility.
GREEK_PLACEHOLDER = "0"
#: Decimals of ``price24hPcnt`` (§6.3 linear example: ``"0.034486"``).
_PERCENT_DECIMALS = 6

#: The kline intervals of §6.6 / Appendix A and their length in ms (``W`` and ``M`` are
#: calendar-aligned, see :func:`interval_start_ms`; ``M`` has no fixed length).
KLINE_INTERVALS: dict[str, int | None] = {
    "1": _MINUTE_MS,
    "3": 3 * _MINUTE_MS,
    "5": 5 * _MINUTE_MS,
    "15": 15 * _MINUTE_MS,
    "30": 30 * _MINUTE_MS,
    "60": 60 * _MINUTE_MS,
    "120": 120 * _MINUTE_MS,
    "240": 240 * _MINUTE_MS,
    "360": 360 * _MINUTE_MS,
    "720": 720 * _MINUTE_MS,
    "D": 1_440 * _MINUTE_MS,
    "W": 10_080 * _MINUTE_MS,
    "M": None,
}
# 1970-01-01 was a Thursday; Bybit's weekly candles open on Monday 00:00 UTC.
_WEEK_OFFSET_MS = 4 * 1_440 * _MINUTE_MS


def server_time(now_ns: int) -> dict[str, str]:
    """``/v5/market/time`` result: ``timeSecond`` and ``timeNano`` as strings (§6.1)."""
    return {"timeSecond": str(now_ns // NS_PER_S), "timeNano": str(now_ns)}


# -- statistics -----------------------------------------------------------------------------------


class TickerStats(NamedTuple):
    """What a ticker says about the last day, from the market's remembered trades."""

    last: Decimal | None
    prev_24h: Decimal | None
    high_24h: Decimal | None
    low_24h: Decimal | None
    prev_1h: Decimal | None
    volume_24h: Decimal
    turnover_24h: Decimal
    change_24h: Decimal
    tick_direction: str


def _price_before(trades: list[TradeRecord], cutoff_ns: int) -> Decimal | None:
    """The last trade price at or before ``cutoff_ns``; else the oldest known; else None."""
    before = None
    for trade in trades:
        if trade.ts_ns > cutoff_ns:
            break
        before = trade.price
    if before is not None:
        return before
    return trades[0].price if trades else None


def tick_direction(prices: list[Decimal]) -> str:
    """Bybit's tick direction of the last of ``prices`` (oldest first), as in publicTrade ``L``
    and ticker ``tickDirection``: ``PlusTick``/``MinusTick`` after a move up/down, and
    ``ZeroPlusTick``/``ZeroMinusTick`` for an unchanged price after the last move up/down."""
    direction = "ZeroPlusTick"
    last_move = 0
    for before, now in pairwise(prices):
        if now > before:
            last_move, direction = 1, "PlusTick"
        elif now < before:
            last_move, direction = -1, "MinusTick"
        else:
            direction = "ZeroMinusTick" if last_move < 0 else "ZeroPlusTick"
    return direction


def ticker_stats(market: MarketState, now_ns: int) -> TickerStats:
    """24-hour statistics of ``market`` at ``now_ns`` from its remembered trades."""
    inst = market.instrument
    trades = list(market.trades)
    window = [t for t in trades if t.ts_ns > now_ns - _DAY_NS]
    last = market.last_price
    prev_24h = _price_before(trades, now_ns - _DAY_NS) if trades else last
    prev_1h = _price_before(trades, now_ns - _HOUR_NS) if trades else last
    high = max((t.price for t in window), default=last)
    low = min((t.price for t in window), default=last)
    volume = sum((t.qty for t in window), _ZERO)
    turnover = sum((inst.value(t.price, t.qty) for t in window), _ZERO)
    change = (last - prev_24h) / prev_24h if last is not None and prev_24h else _ZERO
    return TickerStats(
        last,
        prev_24h,
        high,
        low,
        prev_1h,
        volume,
        turnover,
        change,
        tick_direction([t.price for t in trades]),
    )


def open_interest(market: MarketState) -> Decimal:
    """Open interest: the total size of the long positions on the instrument."""
    return sum((p.size for p in market.holders.values() if p.size > 0), _ZERO)


# -- tickers ------------------------------------------------------------------------------------


def top_of_book(inst: Instrument, book: BookSnapshot, empty: str) -> tuple[str, str, str, str]:
    """``(bid1Price, bid1Size, ask1Price, ask1Size)``; a missing side reads ``empty``."""
    bid_price = bid_size = ask_price = ask_size = empty
    if book.bids:
        bid_price, bid_size = price(inst, book.bids[0][0]), size(inst, book.bids[0][1])
    if book.asks:
        ask_price, ask_size = price(inst, book.asks[0][0]), size(inst, book.asks[0][1])
    return bid_price, bid_size, ask_price, ask_size


def _percent(value: Decimal) -> str:
    return fixed(value, _PERCENT_DECIMALS).rstrip("0").rstrip(".") if value else "0"


def contract_ticker_fields(market: MarketState, stats: TickerStats) -> dict[str, str]:
    """The fields linear/inverse tickers share between REST and WS (values only)."""
    inst = market.instrument
    oi = open_interest(market)
    valuation = market.valuation_price()
    perpetual = inst.is_perpetual
    fields = {
        "lastPrice": price_or(inst, stats.last),
        "indexPrice": reference_price_or(inst, market.index_price),
        "markPrice": reference_price_or(inst, market.mark_price),
        "prevPrice24h": price_or(inst, stats.prev_24h),
        "price24hPcnt": _percent(stats.change_24h),
        "highPrice24h": price_or(inst, stats.high_24h),
        "lowPrice24h": price_or(inst, stats.low_24h),
        "prevPrice1h": price_or(inst, stats.prev_1h),
        "openInterest": size(inst, oi),
        "openInterestValue": money(inst.value(valuation, oi)) if valuation and oi else "0",
        "turnover24h": money(stats.turnover_24h),
        "volume24h": size(inst, stats.volume_24h),
        # Dated futures pay no funding: no rate ("" as the reference allows) and no time ("0",
        # Bybit's "no time" like a perpetual's deliveryTime).
        "fundingRate": rate(market.funding_rate) if perpetual else "",
        "nextFundingTime": ms_str(market.next_funding_ns)
        if perpetual and market.next_funding_ns is not None
        else "0",
    }
    if perpetual:
        fields.update(predictedDeliveryPrice="", basisRate="", deliveryFeeRate="", deliveryTime="0", basis="")
    else:
        assert inst.expiry_ns is not None
        index = market.index_price
        basis = stats.last - index if stats.last is not None and index else None
        fields.update(
            predictedDeliveryPrice=reference_price_or(inst, index),
            basisRate=rate(basis / index) if basis is not None and index else "",
            deliveryFeeRate=FUTURE_DELIVERY_FEE_RATE,
            deliveryTime=ms_str(inst.expiry_ns),
            basis=price_or(inst, basis),
        )
    return fields


def linear_ticker(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """A linear or inverse REST ticker (§6.3): every required field, ``openInterestValue``
    included (its presence marks a contract, rule 18)."""
    inst = market.instrument
    stats = ticker_stats(market, now_ns)
    fields = contract_ticker_fields(market, stats)
    bid_price, bid_size, ask_price, ask_size = top_of_book(inst, book, "")
    return {
        "symbol": inst.symbol,
        "lastPrice": fields["lastPrice"],
        "indexPrice": fields["indexPrice"],
        "markPrice": fields["markPrice"],
        "prevPrice24h": fields["prevPrice24h"],
        "price24hPcnt": fields["price24hPcnt"],
        "highPrice24h": fields["highPrice24h"],
        "lowPrice24h": fields["lowPrice24h"],
        "prevPrice1h": fields["prevPrice1h"],
        "openInterest": fields["openInterest"],
        "openInterestValue": fields["openInterestValue"],
        "turnover24h": fields["turnover24h"],
        "volume24h": fields["volume24h"],
        "fundingRate": fields["fundingRate"],
        "nextFundingTime": fields["nextFundingTime"],
        "predictedDeliveryPrice": fields["predictedDeliveryPrice"],
        "basisRate": fields["basisRate"],
        "deliveryFeeRate": fields["deliveryFeeRate"],
        "deliveryTime": fields["deliveryTime"],
        "ask1Size": ask_size,
        "bid1Price": bid_price,
        "ask1Price": ask_price,
        "bid1Size": bid_size,
        "basis": fields["basis"],
        "preOpenPrice": "",
        "preQty": "",
        "curPreListingPhase": "",
        "fundingIntervalHour": str(inst.funding_interval_s // 3600) if inst.is_perpetual else "",
        "fundingCap": FUNDING_CAP if inst.is_perpetual else "",
        "basisRateYear": "",
    }


def usd_index_price(market: MarketState, book: BookSnapshot) -> str:
    """Spot ``usdIndexPrice``: never empty, since clients tell spot tickers by it (rule 18).

    The index price when set, else the last trade, else the mid price, else zero.
    """
    inst = market.instrument
    for candidate in (market.index_price, market.last_price):
        if candidate is not None:
            return price(inst, candidate)
    if book.bids and book.asks:
        return price(inst, (book.bids[0][0] + book.asks[0][0]) / 2)
    return price(inst, _ZERO)


def spot_ticker(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """A spot REST ticker (§6.3): no ``openInterestValue`` (its absence marks spot, rule 18)."""
    inst = market.instrument
    stats = ticker_stats(market, now_ns)
    bid_price, bid_size, ask_price, ask_size = top_of_book(inst, book, "")
    return {
        "symbol": inst.symbol,
        "bid1Price": bid_price,
        "bid1Size": bid_size,
        "ask1Price": ask_price,
        "ask1Size": ask_size,
        "lastPrice": price_or(inst, stats.last),
        "prevPrice24h": price_or(inst, stats.prev_24h),
        "price24hPcnt": _percent(stats.change_24h),
        "highPrice24h": price_or(inst, stats.high_24h),
        "lowPrice24h": price_or(inst, stats.low_24h),
        "turnover24h": money(stats.turnover_24h),
        "volume24h": size(inst, stats.volume_24h),
        "usdIndexPrice": usd_index_price(market, book),
    }


def option_ticker_fields(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """Option ticker values under their REST names (the WS ticker renames some, §6.3)."""
    inst = market.instrument
    stats = ticker_stats(market, now_ns)
    # An empty side of an option book reads "0" (§7.5 option example: bidPrice "0").
    bid_price, bid_size, ask_price, ask_size = top_of_book(inst, book, "0")
    trades = list(market.trades)
    return {
        "symbol": inst.symbol,
        "bid1Price": bid_price,
        "bid1Size": bid_size,
        "bid1Iv": GREEK_PLACEHOLDER,
        "ask1Price": ask_price,
        "ask1Size": ask_size,
        "ask1Iv": GREEK_PLACEHOLDER,
        "lastPrice": price_or(inst, stats.last, "0"),
        "highPrice24h": price_or(inst, stats.high_24h, "0"),
        "lowPrice24h": price_or(inst, stats.low_24h, "0"),
        "markPrice": reference_price_or(inst, market.mark_price, "0"),
        "indexPrice": reference_price_or(inst, market.index_price, "0"),
        "markIv": GREEK_PLACEHOLDER,
        # The core has one underlying reference for options: the index.
        "underlyingPrice": reference_price_or(inst, market.index_price, "0"),
        "openInterest": size(inst, open_interest(market)),
        "turnover24h": money(stats.turnover_24h),
        "volume24h": size(inst, stats.volume_24h),
        # Lifetime totals over the trades the core remembers.
        "totalVolume": size(inst, sum((t.qty for t in trades), _ZERO)),
        "totalTurnover": money(sum((inst.value(t.price, t.qty) for t in trades), _ZERO)),
        "delta": GREEK_PLACEHOLDER,
        "gamma": GREEK_PLACEHOLDER,
        "vega": GREEK_PLACEHOLDER,
        "theta": GREEK_PLACEHOLDER,
        "predictedDeliveryPrice": reference_price_or(inst, market.index_price, "0"),
        "change24h": _percent(stats.change_24h),
    }


def option_ticker(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """An option REST ticker (§6.3)."""
    return option_ticker_fields(market, book, now_ns)


def ticker(market: MarketState, book: BookSnapshot, now_ns: int) -> dict[str, str]:
    """The REST ticker of ``market`` in its category's shape.

    Parameters:
        market: the instrument's market state (``Exchange.market(id)``).
        book: its book, at least one level deep (``Exchange.book(id, 1)``).
        now_ns: the venue clock (24-hour statistics end here).
    """
    inst = market.instrument
    if inst.is_spot:
        return spot_ticker(market, book, now_ns)
    if inst.is_option:
        return option_ticker(market, book, now_ns)
    return linear_ticker(market, book, now_ns)


# -- order book, trades, funding ------------------------------------------------------------------


def book_levels(inst: Instrument, levels: Iterable[tuple[Decimal, Decimal]]) -> list[list[str]]:
    """``[[price, size], ...]`` at the instrument's decimals, in the order given.

    A size of zero (a level removed, in a WS delta) prints exactly ``"0"``, the deletion marker
    the reference names (§7.5).
    """
    tick, lot = inst.price_precision, inst.size_precision
    return [[fixed(p, tick), fixed(q, lot) if q else "0"] for p, q in levels]


def orderbook_result(
    book: BookSnapshot, *, u: int | None = None, seq: int | None = None, cts_ns: int | None = None
) -> dict[str, Any]:
    """``/v5/market/orderbook`` result (§6.4): ``s``, ``b`` (descending), ``a`` (ascending),
    ``ts``, ``u``, ``seq``, ``cts`` (ints).

    Parameters:
        book: a snapshot limited to the requested depth.
        u: the update id; the book's sequence number by default.
        seq: the cross sequence; the book's sequence number by default.
        cts_ns: the matching-engine time; the snapshot time by default.
    """
    inst = book.instrument
    ts = book.ts_ns // NS_PER_MS
    return {
        "s": inst.symbol,
        "b": book_levels(inst, book.bids),
        "a": book_levels(inst, book.asks),
        "ts": ts,
        "u": book.seq if u is None else u,
        "seq": book.seq if seq is None else seq,
        "cts": ts if cts_ns is None else cts_ns // NS_PER_MS,
    }


def recent_trade_item(
    inst: Instrument,
    trade: TradeRecord,
    *,
    seq: int,
    mark_price: Decimal | None = None,
    index_price: Decimal | None = None,
) -> dict[str, Any]:
    """One ``/v5/market/recent-trade`` item (§6.5): ``time`` is a string, ``isBlockTrade`` a bool.

    Parameters:
        inst: the trade's instrument.
        trade: the trade (``MarketState.trades``).
        seq: the trade's sequence number (sent as a string, as in the §6.5 example).
        mark_price, index_price: options only, the ``mP``/``iP`` extras.
    """
    item: dict[str, Any] = {
        "execId": trade.trade_id,
        "symbol": inst.symbol,
        "price": price(inst, trade.price),
        "size": size(inst, trade.qty),
        "side": mappings.side(trade.aggressor),
        "time": ms_str(trade.ts_ns),
        "isBlockTrade": False,
        "isRPITrade": False,
        "seq": str(seq),
    }
    if inst.is_option:
        item.update(
            mP=reference_price_or(inst, mark_price, "0"),
            iP=reference_price_or(inst, index_price, "0"),
            mIv=GREEK_PLACEHOLDER,
            iv=GREEK_PLACEHOLDER,
        )
    return item


def funding_history_item(inst: Instrument, ts_ns: int, funding_rate: Decimal) -> dict[str, str]:
    """One ``/v5/market/funding/history`` item (§6.7), from ``MarketState.funding_history``."""
    return {
        "symbol": inst.symbol,
        "fundingRate": rate(funding_rate),
        "fundingRateTimestamp": ms_str(ts_ns),
    }


# -- candles --------------------------------------------------------------------------------------


class Candle(NamedTuple):
    """One bar: ``start_ms`` and OHLC, volume and turnover (zero for price-only candles)."""

    start_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    turnover: Decimal


def _check_interval(interval: str) -> None:
    if interval not in KLINE_INTERVALS:
        raise mappings.UnmappedValue(
            f"unknown kline interval {interval!r} (Bybit's: {', '.join(KLINE_INTERVALS)})"
        )


def interval_start_ms(ts_ms: int, interval: str) -> int:
    """Start of the ``interval`` bar holding ``ts_ms``: fixed lengths from the epoch, weeks from
    Monday 00:00 UTC, months from the 1st 00:00 UTC."""
    _check_interval(interval)
    length = KLINE_INTERVALS[interval]
    if interval == "M":
        moment = datetime.fromtimestamp(ts_ms // 1000, UTC)
        return calendar.timegm((moment.year, moment.month, 1, 0, 0, 0)) * 1000
    assert length is not None
    if interval == "W":
        return (ts_ms - _WEEK_OFFSET_MS) // length * length + _WEEK_OFFSET_MS
    return ts_ms // length * length


def interval_end_ms(start_ms: int, interval: str) -> int:
    """Last millisecond of the bar starting at ``start_ms`` (WS kline ``end``, §7.5)."""
    _check_interval(interval)
    length = KLINE_INTERVALS[interval]
    if length is None:  # a month: to the 1st of the next one
        moment = datetime.fromtimestamp(start_ms // 1000, UTC)
        year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        return calendar.timegm((year, month, 1, 0, 0, 0)) * 1000 - 1
    return start_ms + length - 1


def _candles(
    points: Iterable[tuple[int, Decimal, Decimal, Decimal]],
    interval: str,
    start_ms: int | None,
    end_ms: int | None,
    limit: int | None,
) -> list[Candle]:
    bars: list[Candle] = []
    for ts_ns, p, qty, value in points:
        ts_ms = ts_ns // NS_PER_MS
        if (start_ms is not None and ts_ms < start_ms) or (end_ms is not None and ts_ms > end_ms):
            continue
        begin = interval_start_ms(ts_ms, interval)
        if bars and bars[-1].start_ms == begin:
            bar = bars[-1]
            bars[-1] = Candle(
                begin, bar.open, max(bar.high, p), min(bar.low, p), p, bar.volume + qty, bar.turnover + value
            )
            continue
        # Bybit prints a bar for every interval: fill a gap with flat bars at the last close.
        while bars and interval_end_ms(bars[-1].start_ms, interval) + 1 < begin:
            close = bars[-1].close
            gap = interval_end_ms(bars[-1].start_ms, interval) + 1
            bars.append(Candle(gap, close, close, close, close, _ZERO, _ZERO))
        bars.append(Candle(begin, p, p, p, p, qty, value))
    bars.reverse()  # newest first (§6.6)
    return bars if limit is None else bars[:limit]


def trade_candles(
    inst: Instrument,
    trades: Iterable[TradeRecord],
    interval: str,
    *,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int | None = None,
) -> list[Candle]:
    """Candles of ``trades`` (oldest first), newest candle first, gaps filled with flat bars.

    Turnover is in the settle coin (``Instrument.value``): quote for linear, base for inverse.

    Raises:
        UnmappedValue: ``interval`` is not one of Bybit's.
    """
    _check_interval(interval)
    points = ((t.ts_ns, t.price, t.qty, inst.value(t.price, t.qty)) for t in trades)
    return _candles(points, interval, start_ms, end_ms, limit)


def price_candles(
    points: Iterable[tuple[int, Decimal]],
    interval: str,
    *,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int | None = None,
) -> list[Candle]:
    """Candles of a price series ``(ts_ns, price)`` (mark or index moves), newest first.

    Raises:
        UnmappedValue: ``interval`` is not one of Bybit's.
    """
    _check_interval(interval)
    return _candles(((ts, p, _ZERO, _ZERO) for ts, p in points), interval, start_ms, end_ms, limit)


def kline_row(inst: Instrument, candle: Candle) -> list[str]:
    """A ``/v5/market/kline`` row: exactly 7 strings, start, OHLC, volume, turnover (§6.6)."""
    return [
        str(candle.start_ms),
        price(inst, candle.open),
        price(inst, candle.high),
        price(inst, candle.low),
        price(inst, candle.close),
        size(inst, candle.volume),
        money(candle.turnover),
    ]


def price_kline_row(inst: Instrument, candle: Candle) -> list[str]:
    """A mark- or index-price kline row: exactly 5 strings, start and OHLC (§6.6)."""
    return [
        str(candle.start_ms),
        price(inst, candle.open),
        price(inst, candle.high),
        price(inst, candle.low),
        price(inst, candle.close),
    ]
