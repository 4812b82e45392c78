"""Bybit public stream pushes → the normalized model (the hot path of the data client).

Book and trade messages are parsed straight from the orjson-decoded dict; tickers reuse the
REST ticker struct and parse functions (after the data client merged a delta into its last
snapshot, since linear/inverse ticker deltas carry changed fields only, §7.5). Private pushes
(order, execution, position, wallet) reuse :mod:`adapters.bybit.http.parse_execution`.
"""

from __future__ import annotations

from typing import Any

from adapters.bybit.common.mappings import aggressor_from_bybit, bar_spec_from_interval
from adapters.bybit.http.models import BybitKline
from adapters.bybit.http.parse import parse_bar
from adapters.model.data import (
    Bar,
    BarType,
    BookOrder,
    OrderBookDelta,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import BookAction, OrderSide, RecordFlag
from adapters.model.identifiers import TradeId
from adapters.model.instruments import Instrument
from adapters.model.objects import Price, Quantity

__all__ = [
    "interval_ms",
    "parse_orderbook_deltas",
    "parse_orderbook_quote",
    "parse_ws_bars",
    "parse_ws_trades",
]

_SNAPSHOT = int(RecordFlag.F_SNAPSHOT)
_LAST = int(RecordFlag.F_LAST)
_MINUTE_MS = 60_000


def parse_orderbook_deltas(message: dict[str, Any], instrument: Instrument, ts_init: int) -> OrderBookDeltas:
    """An ``orderbook.*`` push → OrderBookDeltas.

    A ``snapshot`` becomes CLEAR then ADD per level, all flagged F_SNAPSHOT; a ``delta`` becomes
    DELETE for size ``"0"`` and UPDATE otherwise (the venue's delta inserts or replaces a level).
    The last record carries F_LAST; every record's sequence is the message's ``u``.

    Raises:
        KeyError, ValueError: a malformed message (the caller counts and drops it).
    """
    data = message["data"]
    iid = instrument.instrument_id
    pp, sp = instrument.price_precision, instrument.size_precision
    seq = data["u"]
    ts_event = message["ts"] * 1_000_000
    snapshot = message["type"] == "snapshot"
    flags = _SNAPSHOT if snapshot else 0
    deltas: list[OrderBookDelta] = []
    if snapshot:
        deltas.append(OrderBookDelta(iid, BookAction.CLEAR, None, flags, seq, ts_event, ts_init))
    for side, levels in ((OrderSide.BUY, data["b"]), (OrderSide.SELL, data["a"])):
        for price, size in levels:
            if snapshot:
                action = BookAction.ADD
            else:
                action = BookAction.DELETE if size == "0" or float(size) == 0.0 else BookAction.UPDATE
            order = BookOrder(side, Price(price, pp), Quantity(size, sp))
            deltas.append(OrderBookDelta(iid, action, order, flags, seq, ts_event, ts_init))
    if not deltas:
        # A delta with no levels changes nothing but still advances ``u``: the data client checks
        # the sequence before calling this and skips such messages.
        raise ValueError(f"empty order book delta for {iid} (u={seq})")
    last = deltas[-1]
    deltas[-1] = OrderBookDelta(iid, last.action, last.order, flags | _LAST, seq, ts_event, ts_init)
    return OrderBookDeltas(iid, tuple(deltas))


def parse_orderbook_quote(message: dict[str, Any], instrument: Instrument, ts_init: int) -> QuoteTick | None:
    """An ``orderbook.1.*`` push (snapshot-only, one level a side, §0.3) → QuoteTick, if both sides."""
    data = message["data"]
    if not data["b"] or not data["a"]:
        return None
    (bid, bid_size), (ask, ask_size) = data["b"][0], data["a"][0]
    pp, sp = instrument.price_precision, instrument.size_precision
    return QuoteTick(
        instrument.instrument_id,
        Price(bid, pp),
        Price(ask, pp),
        Quantity(bid_size, sp),
        Quantity(ask_size, sp),
        message["ts"] * 1_000_000,
        ts_init,
    )


def parse_ws_trades(message: dict[str, Any], instrument: Instrument, ts_init: int) -> list[TradeTick]:
    """A ``publicTrade.*`` push → one TradeTick per trade (``S`` is the taker side)."""
    iid = instrument.instrument_id
    pp, sp = instrument.price_precision, instrument.size_precision
    return [
        TradeTick(
            iid,
            Price(item["p"], pp),
            Quantity(item["v"], sp),
            aggressor_from_bybit(item["S"]),
            TradeId(item["i"]),
            item["T"] * 1_000_000,
            ts_init,
        )
        for item in message["data"]
    ]


def interval_ms(interval: str) -> int:
    """Length of a kline interval in ms (months count as 30 days: only used for stamping)."""
    step, aggregation = bar_spec_from_interval(interval)
    minutes = {"MINUTE": 1, "HOUR": 60, "DAY": 1440, "WEEK": 10080, "MONTH": 43200}[aggregation.name]
    return step * minutes * _MINUTE_MS


def parse_ws_bars(
    message: dict[str, Any], bar_type: BarType, instrument: Instrument, ts_init: int
) -> list[Bar]:
    """A ``kline.*`` push → Bars for the candles marked ``confirm:true`` only (closed bars)."""
    bars = []
    for item in message["data"]:
        if not item.get("confirm"):
            continue
        kline = BybitKline(
            str(item["start"]), item["open"], item["high"], item["low"], item["close"], item["volume"]
        )
        bars.append(
            parse_bar(kline, bar_type, instrument, int(item["end"]) + 1 - int(item["start"]), ts_init)
        )
    return bars
